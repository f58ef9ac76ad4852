"""Benchmark 4: small CNN on 8x8x1 digit-shaped inputs, batch 64, Adam(1e-3).

conv 3x3x32 SAME -> ReLU -> max-pool 2x2 -> dense 10 -> softmax cross entropy,
fed by ``feed_dict`` from preloaded batches. Reports training steps per second.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from benchmarks import graph_api
from benchmarks.bench_mlp import LR, glorot, measure


@dataclass
class CNNProblem:
    """Sizes, synthetic data (NHWC) and initial weights shared by every implementation."""

    batch: int
    filters: int
    x: np.ndarray
    y: np.ndarray
    conv_w: np.ndarray
    conv_b: np.ndarray
    dense_w: np.ndarray
    dense_b: np.ndarray
    budget: float

    @property
    def n_batches(self) -> int:
        """Number of distinct batches in the data (cycled in order)."""
        return self.x.shape[0] // self.batch

    @property
    def pooled_hwc(self) -> tuple[int, int, int]:
        """Shape of one example after pooling (height, width, channels)."""
        return (self.x.shape[1] // 2, self.x.shape[2] // 2, self.filters)

    def batches(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The data cut into contiguous ``(x, y)`` batches, in feeding order."""
        b = self.batch
        return [(self.x[i * b:(i + 1) * b], self.y[i * b:(i + 1) * b])
                for i in range(self.n_batches)]


def problem(cfg: dict[str, Any]) -> CNNProblem:
    """The CNN problem at full size, or tiny with ``cfg["quick"]``."""
    quick = bool(cfg.get("quick"))
    batch, filters = (8, 4) if quick else (64, 32)
    n = batch * (4 if quick else 16)
    rng = np.random.default_rng(1)
    x = rng.uniform(0.0, 16.0, size=(n, 8, 8, 1)).astype(np.float32) / 16.0
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, size=n)]
    conv_w = glorot(rng, 9, filters).reshape(3, 3, 1, filters)
    pooled = 4 * 4 * filters
    dense_w = glorot(rng, pooled, 10)
    return CNNProblem(batch, filters, x, y, conv_w, np.zeros(filters, np.float32),
                      dense_w, np.zeros(10, np.float32), 0.03 if quick else 1.0)


def build(tf: ModuleType, prob: CNNProblem) -> tuple[Any, Any, Any, Any, Any, Any]:
    """The CNN training graph: ``(graph, x, y, loss, train_op, init)``."""
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="x")
        y = tf.placeholder(tf.float32, [None, 10], name="y")
        h = tf.nn.relu(graph_api.conv2d_same(tf, x, prob.conv_w, prob.conv_b, "conv"))
        h = graph_api.max_pool_2x2(tf, h)
        h = tf.reshape(h, [-1, int(np.prod(prob.pooled_hwc))])
        logits = graph_api.dense(tf, h, prob.dense_w, prob.dense_b, "dense")
        loss = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
        train_op = tf.train.AdamOptimizer(LR).minimize(loss)
        init = tf.global_variables_initializer()
    return g, x, y, loss, train_op, init


def graph(tf: ModuleType, cfg: dict[str, Any]) -> dict[str, Any]:
    """Train the CNN on backend ``tf``; steps per second."""
    prob = problem(cfg)
    g, x, y, loss, train_op, init = build(tf, prob)
    batches = prob.batches()
    state = {"i": 0}
    with graph_api.session(tf, graph=g) as sess:
        sess.run(init)

        def step() -> float:
            xb, yb = batches[state["i"] % len(batches)]
            state["i"] += 1
            return sess.run([train_op, loss], feed_dict={x: xb, y: yb})[1]

        loss6, steps = measure(step, prob)
    return {"steps_s": steps, "info": {"loss_step6": loss6}}


def trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """trainkit implementation."""
    return graph(graph_api.load("trainkit"), cfg)


def tf1(cfg: dict[str, Any]) -> dict[str, Any]:
    """tf.compat.v1 implementation."""
    return graph(graph_api.load("tf1"), cfg)
