"""Benchmark: decoding a 224x224 JPEG (quality 90, 4:2:0, baseline) through the graph.

Each implementation encodes the same deterministic picture with its own encoder (TF's
and trainkit's baseline bytes are identical) and times ``sess.run`` of ``decode_jpeg``
on a fed string: the Huffman decode is per-symbol Python in trainkit, C in TF.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from benchmarks.timing import per_call


def _picture(size: int = 224) -> np.ndarray:
    y, x = np.mgrid[0:size, 0:size]
    rng = np.random.default_rng(0)
    base = np.stack([x * 255 / (size - 1), y * 255 / (size - 1),
                     128 + 100 * np.sin(x / 3.0 + y / 5.0)], -1)
    return np.clip(base + rng.normal(0, 20, base.shape), 0, 255).astype(np.uint8)


def _run(tf: Any, budget: float) -> dict[str, Any]:
    img = _picture()
    contents = tf.placeholder(tf.string, [])
    decode = tf.image.decode_jpeg(contents)
    decode_acc = tf.image.decode_jpeg(contents, dct_method="INTEGER_ACCURATE")
    with tf.Session() as sess:
        data = sess.run(tf.image.encode_jpeg(img, quality=90))
        fast = per_call(lambda: sess.run(decode, {contents: data}), budget)
        acc = per_call(lambda: sess.run(decode_acc, {contents: data}), budget)
    return {"decode_ms": fast * 1e3, "decode_accurate_ms": acc * 1e3,
            "info": {"jpeg_bytes": len(data)}}


def trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """trainkit's pure-NumPy decoder."""
    import trainkit as tk
    return _run(tk, 0.02 if cfg.get("quick") else 1.0)


def tf1(cfg: dict[str, Any]) -> dict[str, Any]:
    """TF's libjpeg-turbo kernel."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow.compat.v1 as tf
    tf.disable_eager_execution()
    return _run(tf, 0.02 if cfg.get("quick") else 1.0)
