"""Benchmarks of the models people train (issue 17): trainkit vs TF1 graph mode.

Each workload of ``models`` is trained by ``feed_dict`` from preloaded batches. Reported
per batch size: steps/s (best of 3 timed batches of steps), and the milliseconds of one
step split into forward / backward / update, from traced steps
(``RunOptions.FULL_TRACE``: every op's time in ``RunMetadata.step_stats``, classified
by :func:`phase`; median over 3 traced steps), the process CPU time per step, and the
peak RSS at the end.
"""

from __future__ import annotations

import re
import statistics
import time
from types import ModuleType
from typing import Any

from benchmarks import graph_api, models
from benchmarks.registry import MODEL_BATCHES as BATCHES
from benchmarks.registry import PHASES
from benchmarks.timing import per_call, rss_mb

_GRAD = re.compile(r"^gradients(_\d+)?/")
_OPTIMIZERS = ("Adam", "RMSProp", "GradientDescent", "Momentum", "Adagrad", "Adadelta")
_UPDATE = re.compile(r"^(" + "|".join(_OPTIMIZERS) + r")(_\d+)?(/|$)")
TRACED_STEPS = 3


def phase(node_name: str, op_type: str = "") -> str:
    """``"bwd"`` for ops of the gradient graph (TF names them ``gradients/...``),
    ``"upd"`` for the optimizer's ops (its name scope, ``Apply*`` kernels), else ``"fwd"``."""
    if _GRAD.match(node_name):
        return "bwd"
    if _UPDATE.match(node_name) or op_type.startswith(("Apply", "ResourceApply")):
        return "upd"
    return "fwd"


def split_ms(step_stats: Any) -> dict[str, float]:
    """Milliseconds per phase: the sum of the op times of one traced step."""
    out = dict.fromkeys(PHASES, 0.0)
    for dev in step_stats.dev_stats:
        for node in dev.node_stats:
            if node.node_name.startswith("_"):  # TF's _SOURCE / _SINK bookkeeping nodes
                continue
            us = node.all_end_rel_micros
            out[phase(node.node_name, getattr(node, "op_type", "") or "")] += us / 1000.0
    return out


CPU_STEPS = 3
WARMUP_STEPS = 3


def measure(step: Any, prob: Any) -> tuple[float, float]:
    """Warm up, then time ``step``: ``(loss at step 4, steps/s)``. Best of 3 timed
    batches of at least 2 steps (a CNN step takes up to seconds on a loaded machine)."""
    for _ in range(WARMUP_STEPS):
        step()
    loss = float(step())
    seconds = per_call(step, prob.budget, warmup=0, min_calls=2, chunks=3)
    return loss, 1.0 / seconds


def cpu_ms(step: Any) -> float:
    """Process CPU time (user + system, all threads) per call of ``step``, in ms: less
    sensitive than wall time to other processes on a shared machine (but a library whose
    idle threads spin is charged for the spinning)."""
    t0 = time.process_time()
    for _ in range(CPU_STEPS):
        step()
    return (time.process_time() - t0) / CPU_STEPS * 1e3


def traced_split(tf: ModuleType, sess: Any, fetches: Any, feed: Any) -> dict[str, float]:
    """Median per-phase milliseconds over ``TRACED_STEPS`` traced runs of ``fetches``."""
    runs = []
    for _ in range(TRACED_STEPS):
        md = tf.RunMetadata()
        opts = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
        sess.run(fetches, feed_dict=feed(), options=opts, run_metadata=md)
        runs.append(split_ms(md.step_stats))
    return {k: statistics.median(r[k] for r in runs) for k in PHASES}


def train_graph(tf: ModuleType, prob: models.Problem, traced: bool = True
                ) -> dict[str, Any]:
    """Train ``prob`` on backend ``tf``: steps/s, traced split (if ``traced``), loss at
    step 6."""
    net = models.build(tf, prob)
    batches = prob.batches()
    state = {"i": 0}

    def feed() -> dict:
        xb, yb = batches[state["i"] % len(batches)]
        state["i"] += 1
        return {net.x: xb, net.y: yb}

    with graph_api.session(tf, graph=net.graph) as sess:
        sess.run(net.init)
        fetches = [net.train_op, net.loss]
        loss6, steps = measure(lambda: sess.run(fetches, feed_dict=feed())[1], prob)
        cpu = cpu_ms(lambda: sess.run(fetches, feed_dict=feed())) if traced else None
        split = traced_split(tf, sess, fetches, feed) if traced else None
    return {"steps_s": steps, "split": split, "loss6": loss6, "cpu_ms": cpu}


def result(name: str, runs: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The result record from one ``train_*`` outcome per batch size."""
    out: dict[str, Any] = {"info": {}}
    for b, r in runs.items():
        out[f"b{b}_steps_s"] = r["steps_s"]
        if r.get("cpu_ms") is not None:
            out[f"b{b}_cpu_ms"] = r["cpu_ms"]
        for ph in PHASES:
            if r.get("split") is not None:
                out[f"b{b}_{ph}_ms"] = r["split"][ph]
        out["info"][f"b{b}_loss_step4"] = r["loss6"]
    out["hwm_mb"] = rss_mb().get("hwm_mb", 0.0)
    return out


def _graph(impl: str, name: str, cfg: dict[str, Any]) -> dict[str, Any]:
    tf = graph_api.load(impl)
    quick = bool(cfg.get("quick"))
    runs = {b: train_graph(tf, models.PROBLEMS[name](batch=b, quick=quick))
            for b in BATCHES[name]}
    return result(name, runs)


def deep_mnist_trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """Deep-MNIST CNN on trainkit."""
    return _graph("trainkit", "deep_mnist", cfg)


def deep_mnist_tf1(cfg: dict[str, Any]) -> dict[str, Any]:
    """Deep-MNIST CNN on tf.compat.v1."""
    return _graph("tf1", "deep_mnist", cfg)


def cifar10_trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """CIFAR-10 tutorial model on trainkit."""
    return _graph("trainkit", "cifar10", cfg)


def cifar10_tf1(cfg: dict[str, Any]) -> dict[str, Any]:
    """CIFAR-10 tutorial model on tf.compat.v1."""
    return _graph("tf1", "cifar10", cfg)


def autoencoder_trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """Dense autoencoder on trainkit."""
    return _graph("trainkit", "autoencoder", cfg)


def autoencoder_tf1(cfg: dict[str, Any]) -> dict[str, Any]:
    """Dense autoencoder on tf.compat.v1."""
    return _graph("tf1", "autoencoder", cfg)
