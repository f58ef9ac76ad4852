"""Benchmark: the cost of one ``while_loop`` iteration with a trivial body
(``i + 1, x + 1.0`` while ``i < n``), against the same additions unrolled in a graph.

``loop_us_iter``: one ``Session.run`` of a loop of ``n`` iterations, divided by ``n``
(condition, two adds and the loop machinery). ``unrolled_us_op``: a chain of ``n`` adds
built as ``n`` graph ops, per op. Both with the same backend (trainkit or tf.compat.v1),
in wall time and in CPU time of the process (the honest number on a busy machine).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from benchmarks import graph_api
from benchmarks.bench_lstm import cpu_per_call
from benchmarks.timing import per_call


def graph(tf: ModuleType, cfg: dict[str, Any]) -> dict[str, Any]:
    """Times the loop and the unrolled chain on backend ``tf``."""
    quick = bool(cfg.get("quick"))
    n_loop, n_chain = (200, 50) if quick else (20000, 1000)
    budget = 0.03 if quick else 1.0
    g = tf.Graph()
    with g.as_default():
        n = tf.placeholder(tf.int32, [], name="n")
        _, x = tf.while_loop(lambda i, x: i < n, lambda i, x: (i + 1, x + 1.0),
                             [tf.constant(0), tf.constant(0.0)])
        x0 = tf.placeholder(tf.float32, [], name="x0")
        y = x0
        for _ in range(n_chain):
            y = y + 1.0
    with graph_api.session(tf, graph=g) as sess:
        assert sess.run(x, {n: 5}) == 5.0
        loop_s = per_call(lambda: sess.run(x, {n: n_loop}), budget)
        chain_s = per_call(lambda: sess.run(y, {x0: 0.0}), budget)
        loop_cpu = cpu_per_call(lambda: sess.run(x, {n: n_loop}), 3)
        chain_cpu = cpu_per_call(lambda: sess.run(y, {x0: 0.0}), 10)
    return {"loop_us_iter": loop_s / n_loop * 1e6, "unrolled_us_op": chain_s / n_chain * 1e6,
            "loop_cpu_us_iter": loop_cpu / n_loop * 1e6,
            "unrolled_cpu_us_op": chain_cpu / n_chain * 1e6}


def trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """trainkit implementation."""
    return graph(graph_api.load("trainkit"), cfg)


def tf1(cfg: dict[str, Any]) -> dict[str, Any]:
    """tf.compat.v1 implementation."""
    return graph(graph_api.load("tf1"), cfg)
