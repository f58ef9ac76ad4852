"""The scale table: step time and peak memory vs batch size and width, trainkit vs TF1.

Points (``registry.SCALE_POINTS``): the deep-MNIST CNN (``models.deep_mnist``, width =
its dense layer, 1024 by default) and the MLP 784-512-512-10 (``bench_mlp``, width = both
hidden layers) at batch 32 to 1024 and at other widths. Each point builds its own graph
and session and reports ms per step (best of 5 timed batches) and the process's peak
RSS while it ran: the peak is reset before each point by writing ``5`` to
``/proc/self/clear_refs`` (Linux), so every row is that point's own peak (including the
interpreter and library baseline, identical across points of one implementation).
"""

from __future__ import annotations

import gc
from types import ModuleType
from typing import Any

import numpy as np

from benchmarks import bench_mlp, graph_api, models
from benchmarks.bench_models import train_graph
from benchmarks.registry import SCALE_POINTS, scale_key
from benchmarks.timing import per_call, rss_mb


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS (VmHWM) to its current RSS; False if unsupported."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _mlp_problem(batch: int, width: int, quick: bool) -> bench_mlp.Problem:
    w = width or 512
    sizes = [64, 16, 16, 10] if quick else [784, w, w, 10]
    batch = min(batch, 16) if quick else batch
    rng = np.random.default_rng(0)
    n = 4 * batch
    x = rng.standard_normal((n, sizes[0])).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, size=n)]
    weights = [(bench_mlp.glorot(rng, i, o), np.zeros(o, np.float32))
               for i, o in zip(sizes[:-1], sizes[1:])]
    return bench_mlp.Problem(sizes, batch, x, y, weights, 0.02 if quick else 0.4)


def _mlp_ms(tf: ModuleType, prob: bench_mlp.Problem) -> float:
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, prob.sizes[0]])
        y = tf.placeholder(tf.float32, [None, prob.sizes[-1]])
        loss, train_op = bench_mlp.model(tf, prob, x, y)
        init = tf.global_variables_initializer()
    batches = prob.batches()
    state = {"i": 0}
    with graph_api.session(tf, graph=g) as sess:
        sess.run(init)

        def step() -> Any:
            xb, yb = batches[state["i"] % len(batches)]
            state["i"] += 1
            return sess.run([train_op, loss], feed_dict={x: xb, y: yb})

        return per_call(step, prob.budget) * 1e3


def run(tf: ModuleType, cfg: dict[str, Any]) -> dict[str, Any]:
    """Every scale point on backend ``tf``."""
    quick = bool(cfg.get("quick"))
    out: dict[str, Any] = {}
    for model, batch, width in SCALE_POINTS:
        gc.collect()
        reset_peak_rss()
        if model == "cnn":
            prob = models.deep_mnist(batch=batch, quick=quick, width=width)
            prob.budget = 0.02 if quick else 0.4
            ms = 1e3 / train_graph(tf, prob, traced=False)["steps_s"]
        else:
            ms = _mlp_ms(tf, _mlp_problem(batch, width, quick))
        stem = scale_key(model, batch, width)
        out[f"{stem}_ms"] = ms
        out[f"{stem}_mb"] = rss_mb().get("hwm_mb", 0.0)
    return out


def trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """trainkit implementation."""
    return run(graph_api.load("trainkit"), cfg)


def tf1(cfg: dict[str, Any]) -> dict[str, Any]:
    """tf.compat.v1 implementation."""
    return run(graph_api.load("tf1"), cfg)
