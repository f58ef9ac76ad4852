"""Benchmark 3, NumPy ceiling: a hand-written, preallocated MLP training step.

Forward, softmax cross entropy, backward and Adam (TF1's update rule) are written
with ``out=`` buffers allocated once, so a step does little more than the BLAS calls
and a few elementwise passes: the best a NumPy backend can do.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.bench_mlp import LR, Problem, measure, problem, result

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8


class Adam:
    """TF1 Adam over a list of parameter arrays, updated in place."""

    def __init__(self, params: list[np.ndarray], lr: float = LR) -> None:
        self.params = params
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.tmp = [np.empty_like(p) for p in params]
        self.lr = lr
        self.t = 0

    def update(self, grads: list[np.ndarray]) -> None:
        """One Adam step with ``grads`` (same order as the parameters)."""
        self.t += 1
        lr_t = self.lr * np.sqrt(1.0 - BETA2 ** self.t) / (1.0 - BETA1 ** self.t)
        for p, g, m, v, tmp in zip(self.params, grads, self.m, self.v, self.tmp):
            m *= BETA1
            np.multiply(g, 1.0 - BETA1, out=tmp)
            m += tmp
            v *= BETA2
            np.multiply(g, g, out=tmp)
            tmp *= 1.0 - BETA2
            v += tmp
            np.sqrt(v, out=tmp)
            tmp += EPS
            np.divide(m, tmp, out=tmp)
            tmp *= lr_t
            p -= tmp


def softmax_xent(logits: np.ndarray, y: np.ndarray, p: np.ndarray,
                 col: list[np.ndarray], dlogits: np.ndarray) -> float:
    """Mean softmax cross entropy of ``logits`` vs one-hot ``y``, into buffers.

    Args:
        logits: ``[B, K]`` scores.
        y: ``[B, K]`` one-hot labels.
        p: ``[B, K]`` scratch for the softmax.
        col: three ``[B, 1]`` scratch columns.
        dlogits: ``[B, K]`` output: gradient of the mean loss w.r.t. ``logits``.

    Returns:
        The mean loss.
    """
    mx, s, yl = col
    np.max(logits, axis=1, keepdims=True, out=mx)
    np.subtract(logits, mx, out=p)
    np.exp(p, out=p)
    np.sum(p, axis=1, keepdims=True, out=s)
    np.divide(p, s, out=p)
    np.log(s, out=s)
    s += mx
    np.multiply(y, logits, out=dlogits)
    np.sum(dlogits, axis=1, keepdims=True, out=yl)
    s -= yl
    loss = float(s.mean())
    np.subtract(p, y, out=dlogits)
    dlogits *= np.float32(1.0 / logits.shape[0])
    return loss


class MLP:
    """ReLU MLP with softmax cross entropy; all activations and grads preallocated."""

    def __init__(self, prob: Problem) -> None:
        b = prob.batch
        self.w = [w.copy() for w, _ in prob.weights]
        self.b = [bias.copy() for _, bias in prob.weights]
        outs = prob.sizes[1:]
        self.h = [np.empty((b, o), np.float32) for o in outs]    # layer outputs
        self.d = [np.empty((b, o), np.float32) for o in outs]    # dLoss/d(pre-act)
        self.mask = [np.empty((b, o), np.float32) for o in outs[:-1]]
        self.gw = [np.empty_like(w) for w in self.w]
        self.gb = [np.empty_like(bias) for bias in self.b]
        n = outs[-1]
        self.p = np.empty((b, n), np.float32)
        self.col = [np.empty((b, 1), np.float32) for _ in range(3)]
        self.opt = Adam(self.w + self.b)

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        """One training step on batch ``(x, y)``; returns the loss before the update."""
        last = len(self.w) - 1
        inp = x
        for i in range(last + 1):
            np.matmul(inp, self.w[i], out=self.h[i])
            self.h[i] += self.b[i]
            if i < last:
                np.maximum(self.h[i], 0.0, out=self.h[i])
            inp = self.h[i]
        loss = softmax_xent(self.h[last], y, self.p, self.col, self.d[last])
        for i in range(last, -1, -1):
            below = x if i == 0 else self.h[i - 1]
            np.matmul(below.T, self.d[i], out=self.gw[i])
            np.sum(self.d[i], axis=0, out=self.gb[i])
            if i > 0:
                np.matmul(self.d[i], self.w[i].T, out=self.d[i - 1])
                np.greater(self.h[i - 1], 0.0, out=self.mask[i - 1])
                self.d[i - 1] *= self.mask[i - 1]
        self.opt.update(self.gw + self.gb)
        return loss


def numpy(cfg: dict[str, Any]) -> dict[str, Any]:
    """NumPy ceiling: both input paths are views of the preloaded arrays."""
    prob = problem(cfg)
    batches = prob.batches()
    runs = []
    for _ in range(2):
        net = MLP(prob)
        state = {"i": 0}

        def step(net: MLP = net, state: dict[str, int] = state) -> float:
            xb, yb = batches[state["i"] % len(batches)]
            state["i"] += 1
            return net.step(xb, yb)

        runs.append(measure(step, prob))
    return result(prob, runs[0], runs[1])
