"""Benchmark 3: MLP 784-512-512-10 (ReLU), batch 128, Adam(1e-3), softmax cross entropy.

Two input paths: ``feed_dict`` of preloaded batches, and an in-graph
``Dataset.from_tensor_slices(...).repeat().batch(B)`` one-shot iterator. Every
implementation starts from the same NumPy weights and sees the same batches in the
same order, so the loss after a few steps must agree (reported as ``info``).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from benchmarks import graph_api
from benchmarks.timing import per_call, rss_mb

LR = 1e-3
WARMUP_STEPS = 5


@dataclass
class Problem:
    """Sizes, synthetic data and initial weights shared by every implementation."""

    sizes: list[int]
    batch: int
    x: np.ndarray
    y: np.ndarray
    weights: list[tuple[np.ndarray, np.ndarray]]
    budget: float

    @property
    def n_batches(self) -> int:
        """Number of distinct batches in the data (cycled in order)."""
        return self.x.shape[0] // self.batch

    def batches(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The data cut into contiguous ``(x, y)`` batches, in feeding order."""
        b = self.batch
        return [(self.x[i * b:(i + 1) * b], self.y[i * b:(i + 1) * b])
                for i in range(self.n_batches)]

    def flops_per_step(self) -> float:
        """Matmul FLOPs of one training step (forward, dW for all, dX for layers > 1)."""
        pairs = list(zip(self.sizes[:-1], self.sizes[1:]))
        fwd = sum(2.0 * self.batch * i * o for i, o in pairs)
        dx = sum(2.0 * self.batch * i * o for i, o in pairs[1:])
        return 2.0 * fwd + dx


def glorot(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    """Glorot-uniform float32 matrix."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32)


def problem(cfg: dict[str, Any]) -> Problem:
    """The MLP problem at full size, or tiny with ``cfg["quick"]``."""
    quick = bool(cfg.get("quick"))
    sizes = [64, 32, 32, 10] if quick else [784, 512, 512, 10]
    batch = 16 if quick else 128
    n = batch * (4 if quick else 16)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, sizes[0])).astype(np.float32)
    labels = rng.integers(0, sizes[-1], size=n)
    y = np.eye(sizes[-1], dtype=np.float32)[labels]
    weights = [(glorot(rng, i, o), np.zeros(o, np.float32))
               for i, o in zip(sizes[:-1], sizes[1:])]
    return Problem(sizes, batch, x, y, weights, 0.03 if quick else 1.0)


def measure(step: Any, prob: Problem) -> tuple[float, float]:
    """Run warmup steps, then time ``step``; returns ``(loss at step 6, steps/s)``."""
    for _ in range(WARMUP_STEPS):
        step()
    loss6 = float(step())
    seconds = per_call(step, prob.budget, warmup=0)
    return loss6, 1.0 / seconds


def result(prob: Problem, feed: tuple[float, float], data: tuple[float, float]
           ) -> dict[str, Any]:
    """The benchmark's result record from the two ``measure`` outcomes."""
    gflop = prob.flops_per_step() / 1e9
    mem = rss_mb()
    return {"feed_steps_s": feed[1], "feed_gflops": feed[1] * gflop,
            "data_steps_s": data[1], "data_gflops": data[1] * gflop,
            "rss_end_mb": mem.get("rss_mb", 0.0), "hwm_mb": mem.get("hwm_mb", 0.0),
            "info": {"loss_step6_feed": feed[0], "loss_step6_data": data[0]}}


def model(tf: ModuleType, prob: Problem, x: Any, y: Any) -> tuple[Any, Any]:
    """The MLP's ``(loss, train_op)`` on inputs ``x``, one-hot labels ``y``."""
    h = x
    last = len(prob.weights) - 1
    for i, (w0, b0) in enumerate(prob.weights):
        h = graph_api.dense(tf, h, w0, b0, name=f"layer{i}")
        if i < last:
            h = tf.nn.relu(h)
    xent = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=h)
    loss = tf.reduce_mean(xent)
    train_op = tf.train.AdamOptimizer(LR).minimize(loss)
    return loss, train_op


def _feed_run(tf: ModuleType, prob: Problem) -> tuple[float, float]:
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, prob.sizes[0]], name="x")
        y = tf.placeholder(tf.float32, [None, prob.sizes[-1]], name="y")
        loss, train_op = model(tf, prob, x, y)
        init = tf.global_variables_initializer()
    batches = prob.batches()
    state = {"i": 0}
    with graph_api.session(tf, graph=g) as sess:
        sess.run(init)

        def step() -> float:
            xb, yb = batches[state["i"] % len(batches)]
            state["i"] += 1
            return sess.run([train_op, loss], feed_dict={x: xb, y: yb})[1]

        return measure(step, prob)


def _data_run(tf: ModuleType, prob: Problem) -> tuple[float, float]:
    g = tf.Graph()
    with g.as_default():
        ds = tf.data.Dataset.from_tensor_slices((prob.x, prob.y)).repeat().batch(prob.batch)
        x, y = ds.make_one_shot_iterator().get_next()
        loss, train_op = model(tf, prob, x, y)
        init = tf.global_variables_initializer()
    with graph_api.session(tf, graph=g) as sess:
        sess.run(init)
        return measure(lambda: sess.run([train_op, loss])[1], prob)


def graph(tf: ModuleType, cfg: dict[str, Any]) -> dict[str, Any]:
    """Both input paths on backend ``tf``."""
    prob = problem(cfg)
    return result(prob, _feed_run(tf, prob), _data_run(tf, prob))


def trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """trainkit implementation."""
    return graph(graph_api.load("trainkit"), cfg)


def tf1(cfg: dict[str, Any]) -> dict[str, Any]:
    """tf.compat.v1 implementation."""
    return graph(graph_api.load("tf1"), cfg)
