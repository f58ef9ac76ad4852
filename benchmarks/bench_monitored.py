"""Benchmark 2: per-step cost of ``MonitoredSession`` around a trivial train op.

The train op is ``assign_add(global_step, 1)``; cases are a plain ``Session``, a
``MonitoredSession`` without hooks, and one with five standard hooks. Reports
microseconds per step.
"""

from __future__ import annotations

import shutil
import tempfile
from types import ModuleType
from typing import Any

from benchmarks import graph_api
from benchmarks.timing import per_call

HOOK_EVERY = 100


def _budget(cfg: dict[str, Any]) -> float:
    return 0.03 if cfg.get("quick") else 0.5


def _build(tf: ModuleType) -> tuple[Any, Any, Any]:
    step = tf.train.get_or_create_global_step()
    train_op = tf.assign_add(step, 1)
    loss = tf.cast(step, tf.float32) * 0.001 + 0.5
    return step, train_op, loss


def _hooks(tf: ModuleType, step: Any, loss: Any, out_dir: str) -> list[Any]:
    summary_op = tf.summary.scalar("loss", loss)
    return [
        tf.train.StopAtStepHook(last_step=10**12),
        tf.train.LoggingTensorHook({"loss": loss, "step": step}, every_n_iter=HOOK_EVERY),
        tf.train.StepCounterHook(every_n_steps=HOOK_EVERY, output_dir=out_dir),
        tf.train.SummarySaverHook(save_steps=HOOK_EVERY, output_dir=out_dir,
                                  summary_op=summary_op),
        tf.train.NanTensorHook(loss),
    ]


def _plain(tf: ModuleType, budget: float) -> float:
    g = tf.Graph()
    with g.as_default():
        _, train_op, _ = _build(tf)
        init = tf.global_variables_initializer()
    with graph_api.session(tf, graph=g) as sess:
        sess.run(init)
        return per_call(lambda: sess.run(train_op), budget, warmup=20)


def _monitored(tf: ModuleType, budget: float, with_hooks: bool) -> float:
    out_dir = tempfile.mkdtemp(prefix="tk_bench_")
    try:
        g = tf.Graph()
        with g.as_default():
            step, train_op, loss = _build(tf)
            hooks = _hooks(tf, step, loss, out_dir) if with_hooks else []
            with tf.train.MonitoredSession(session_creator=graph_api.session_creator(tf),
                                           hooks=hooks) as sess:
                return per_call(lambda: sess.run(train_op), budget, warmup=20)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def graph(tf: ModuleType, cfg: dict[str, Any]) -> dict[str, Any]:
    """Time the three loops on backend ``tf``; microseconds per step."""
    budget = _budget(cfg)
    return {"plain_us": _plain(tf, budget) * 1e6,
            "monitored_us": _monitored(tf, budget, with_hooks=False) * 1e6,
            "hooks5_us": _monitored(tf, budget, with_hooks=True) * 1e6}


def trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """trainkit implementation."""
    return graph(graph_api.load("trainkit"), cfg)


def tf1(cfg: dict[str, Any]) -> dict[str, Any]:
    """tf.compat.v1 implementation."""
    return graph(graph_api.load("tf1"), cfg)
