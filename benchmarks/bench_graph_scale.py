"""Benchmark 5: graph scale. Build, first run and steady per-op cost of long op chains.

A chain alternates ``tanh`` and ``add`` on a 16-element vector: N=1000 and 10000
ops (100 and 300 with ``--quick``). Also the gradient graph of a 50-layer ReLU MLP of
width 64 (5 layers of width 8 with ``--quick``): build time including
``tf.gradients`` and the first run.
"""

from __future__ import annotations

import time
from types import ModuleType
from typing import Any

import numpy as np

from benchmarks import graph_api
from benchmarks.timing import per_call

CHAIN_KEYS = ("chain1k", "chain10k")
VEC = 16


def chain_lengths(cfg: dict[str, Any]) -> list[int]:
    """Chain lengths in the order of :data:`CHAIN_KEYS`."""
    return [100, 300] if cfg.get("quick") else [1000, 10000]


def input_values() -> np.ndarray:
    """The chain's input vector."""
    return np.linspace(-1.0, 1.0, VEC, dtype=np.float32)


def reference(n: int) -> np.ndarray:
    """The chain's output computed directly with NumPy."""
    x = input_values()
    for i in range(n):
        x = np.tanh(x) if i % 2 == 0 else x + np.float32(0.5)
    return x


def _budget(cfg: dict[str, Any]) -> float:
    return 0.02 if cfg.get("quick") else 0.5


def _chain(tf: ModuleType, n: int, key: str, budget: float) -> dict[str, float]:
    t0 = time.perf_counter()
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [VEC], name="x")
        c = tf.constant(np.full(VEC, 0.5, np.float32), name="c")
        y = x
        for i in range(n):
            y = tf.tanh(y) if i % 2 == 0 else tf.add(y, c)
    build = time.perf_counter() - t0
    x0 = input_values()
    with graph_api.session(tf, graph=g) as sess:
        t0 = time.perf_counter()
        first_val = sess.run(y, feed_dict={x: x0})
        first = time.perf_counter() - t0
        steady = per_call(lambda: sess.run(y, feed_dict={x: x0}), budget, warmup=2)
    if not np.allclose(first_val, reference(n), atol=1e-5):
        raise AssertionError(f"chain of {n} ops gave a wrong result")
    return {f"{key}_build_s": build, f"{key}_first_s": first,
            f"{key}_steady_us_op": steady / n * 1e6}


def mlp_sizes(cfg: dict[str, Any]) -> tuple[int, int, int]:
    """``(layers, width, batch)`` of the gradient-graph MLP."""
    return (5, 8, 4) if cfg.get("quick") else (50, 64, 32)


def _mlp_grads(tf: ModuleType, cfg: dict[str, Any]) -> dict[str, float]:
    layers, width, batch = mlp_sizes(cfg)
    rng = np.random.default_rng(2)
    scale = np.float32(np.sqrt(2.0 / width))
    t0 = time.perf_counter()
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [batch, width], name="x")
        h = x
        for i in range(layers):
            w0 = (rng.standard_normal((width, width)) * scale).astype(np.float32)
            h = tf.nn.relu(graph_api.dense(tf, h, w0, np.zeros(width, np.float32), f"l{i}"))
        loss = tf.reduce_mean(tf.square(h))
        grads = tf.gradients(loss, tf.trainable_variables())
        init = tf.global_variables_initializer()
    build = time.perf_counter() - t0
    x0 = rng.standard_normal((batch, width)).astype(np.float32)
    with graph_api.session(tf, graph=g) as sess:
        sess.run(init)
        t0 = time.perf_counter()
        sess.run(grads, feed_dict={x: x0})
        first = time.perf_counter() - t0
        steady = per_call(lambda: sess.run(grads, feed_dict={x: x0}),
                          _budget(cfg), warmup=2)
    return {"mlp50_build_s": build, "mlp50_first_s": first, "mlp50_steady_ms": steady * 1e3}


def graph(tf: ModuleType, cfg: dict[str, Any]) -> dict[str, Any]:
    """Both chains and the gradient graph on backend ``tf``."""
    out: dict[str, Any] = {}
    for key, n in zip(CHAIN_KEYS, chain_lengths(cfg)):
        out.update(_chain(tf, n, key, _budget(cfg)))
    out.update(_mlp_grads(tf, cfg))
    out["info"] = {"chain_lengths": chain_lengths(cfg), "mlp": list(mlp_sizes(cfg))}
    return out


def trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """trainkit implementation."""
    return graph(graph_api.load("trainkit"), cfg)


def tf1(cfg: dict[str, Any]) -> dict[str, Any]:
    """tf.compat.v1 implementation."""
    return graph(graph_api.load("tf1"), cfg)


def numpy(cfg: dict[str, Any]) -> dict[str, Any]:
    """Floor: per-op cost of calling the NumPy ufuncs directly (``out=`` buffers)."""
    x0 = input_values()
    c = np.full(VEC, 0.5, np.float32)
    buf = np.empty_like(x0)
    out: dict[str, Any] = {}
    for key, n in zip(CHAIN_KEYS, chain_lengths(cfg)):
        def run(n: int = n) -> np.ndarray:
            np.copyto(buf, x0)
            for i in range(n):
                if i % 2 == 0:
                    np.tanh(buf, out=buf)
                else:
                    np.add(buf, c, out=buf)
            return buf

        out[f"{key}_steady_us_op"] = per_call(run, _budget(cfg), warmup=1) / n * 1e6
    return out
