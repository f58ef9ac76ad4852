"""Benchmark 1: fixed cost of ``Session.run`` (constant, fed ``a + b``, ``make_callable``).

Each case reports microseconds per call; the graph is tiny, so this is pure
client overhead (fetch/feed handling, plan lookup, executor loop).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from benchmarks import graph_api
from benchmarks.timing import per_call


def _budget(cfg: dict[str, Any]) -> float:
    return 0.02 if cfg.get("quick") else 0.3


def graph(tf: ModuleType, cfg: dict[str, Any]) -> dict[str, Any]:
    """Time the three session calls on backend ``tf``."""
    import numpy as np

    g = tf.Graph()
    with g.as_default():
        c = tf.constant(np.arange(4, dtype=np.float32), name="c")
        a = tf.placeholder(tf.float32, shape=[4], name="a")
        b = tf.constant(np.ones(4, dtype=np.float32), name="b")
        s = tf.add(a, b, name="s")
    a_val = np.arange(4, dtype=np.float32)
    budget = _budget(cfg)
    with graph_api.session(tf, graph=g) as sess:
        const_s = per_call(lambda: sess.run(c), budget, warmup=20)
        feed_s = per_call(lambda: sess.run(s, feed_dict={a: a_val}), budget, warmup=20)
        fn = sess.make_callable(s, feed_list=[a])
        callable_s = per_call(lambda: fn(a_val), budget, warmup=20)
        check = sess.run(s, feed_dict={a: a_val})
    if not np.allclose(check, a_val + 1):
        raise AssertionError(f"a + b gave {check!r}")
    return {"const_us": const_s * 1e6, "feed_add_us": feed_s * 1e6,
            "callable_us": callable_s * 1e6}


def trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """trainkit implementation."""
    return graph(graph_api.load("trainkit"), cfg)


def tf1(cfg: dict[str, Any]) -> dict[str, Any]:
    """tf.compat.v1 implementation."""
    return graph(graph_api.load("tf1"), cfg)


def numpy(cfg: dict[str, Any]) -> dict[str, Any]:
    """Floor: the same work as plain Python/NumPy calls (no session at all)."""
    import numpy as np

    c = np.arange(4, dtype=np.float32)
    b = np.ones(4, dtype=np.float32)
    a_val = np.arange(4, dtype=np.float32)

    def const() -> Any:
        return c

    def add(a: Any) -> Any:
        return np.add(a, b)

    budget = _budget(cfg)
    return {"const_us": per_call(const, budget) * 1e6,
            "feed_add_us": per_call(lambda: add(a_val), budget) * 1e6,
            "callable_us": per_call(lambda: add(a_val), budget) * 1e6}
