"""Benchmark 4, NumPy ceiling: the small CNN by hand (im2col conv, reshape max-pool).

All buffers are allocated once; a step is a few small matmuls and elementwise
passes. Single input channel, 3x3 SAME convolution, 2x2 stride-2 pooling.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.bench_cnn import CNNProblem, problem
from benchmarks.bench_mlp import measure
from benchmarks.numpy_mlp import Adam, softmax_xent


class CNN:
    """conv 3x3 SAME -> ReLU -> max-pool 2x2 -> dense, trained with Adam."""

    def __init__(self, prob: CNNProblem) -> None:
        b, f = prob.batch, prob.filters
        _, hh, ww, _ = prob.x.shape
        self.hw = (hh, ww)
        self.w = prob.conv_w.reshape(9, f).copy()
        self.b = prob.conv_b.copy()
        self.wd = prob.dense_w.copy()
        self.bd = prob.dense_b.copy()
        self.xp = np.zeros((b, hh + 2, ww + 2), np.float32)       # zero-padded input
        self.cols = np.empty((b, hh, ww, 9), np.float32)          # im2col
        self.h = np.empty((b * hh * ww, f), np.float32)           # conv + relu
        ph, pw = hh // 2, ww // 2
        self.pooled = np.empty((b, ph, 1, pw, 1, f), np.float32)
        self.eq = np.empty((b, ph, 2, pw, 2, f), bool)
        self.dh = np.empty((b, ph, 2, pw, 2, f), np.float32)
        self.logits = np.empty((b, 10), np.float32)
        self.dlogits = np.empty((b, 10), np.float32)
        self.dflat = np.empty((b, ph * pw * f), np.float32)
        self.p = np.empty((b, 10), np.float32)
        self.col = [np.empty((b, 1), np.float32) for _ in range(3)]
        self.gw, self.gb = np.empty_like(self.w), np.empty_like(self.b)
        self.gwd, self.gbd = np.empty_like(self.wd), np.empty_like(self.bd)
        self.opt = Adam([self.w, self.b, self.wd, self.bd])

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        """One training step on NHWC batch ``(x, y)``; returns the loss."""
        hh, ww = self.hw
        b, f = x.shape[0], self.b.shape[0]
        self.xp[:, 1:hh + 1, 1:ww + 1] = x[..., 0]
        for k in range(9):
            dy, dx = divmod(k, 3)
            self.cols[..., k] = self.xp[:, dy:dy + hh, dx:dx + ww]
        cols = self.cols.reshape(-1, 9)
        np.matmul(cols, self.w, out=self.h)
        self.h += self.b
        np.maximum(self.h, 0.0, out=self.h)
        h6 = self.h.reshape(b, hh // 2, 2, ww // 2, 2, f)
        np.max(h6, axis=(2, 4), keepdims=True, out=self.pooled)
        flat = self.pooled.reshape(b, -1)
        np.matmul(flat, self.wd, out=self.logits)
        self.logits += self.bd
        loss = softmax_xent(self.logits, y, self.p, self.col, self.dlogits)
        np.matmul(flat.T, self.dlogits, out=self.gwd)
        np.sum(self.dlogits, axis=0, out=self.gbd)
        np.matmul(self.dlogits, self.wd.T, out=self.dflat)
        dpooled = self.dflat.reshape(self.pooled.shape)
        dpooled *= self.pooled > 0.0  # ReLU backward at the selected (max) entry
        np.equal(h6, self.pooled, out=self.eq)
        np.multiply(self.eq, dpooled, out=self.dh)
        dconv = self.dh.reshape(-1, f)
        np.matmul(cols.T, dconv, out=self.gw)
        np.sum(dconv, axis=0, out=self.gb)
        self.opt.update([self.gw, self.gb, self.gwd, self.gbd])
        return loss


def numpy(cfg: dict[str, Any]) -> dict[str, Any]:
    """NumPy ceiling for the CNN; steps per second."""
    prob = problem(cfg)
    net = CNN(prob)
    batches = prob.batches()
    state = {"i": 0}

    def step() -> float:
        xb, yb = batches[state["i"] % len(batches)]
        state["i"] += 1
        return net.step(xb, yb)

    loss6, steps = measure(step, prob)
    return {"steps_s": steps, "info": {"loss_step6": loss6}}
