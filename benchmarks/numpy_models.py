"""Hand-written NumPy references for the ``models`` workloads (the dense autoencoder).

Preallocated ``out=`` buffers, TF1's RMSProp rule (mean square starting at 1): the
ceiling for a NumPy backend on this model. The split is measured with ``perf_counter``
around forward (to the loss), backward (all gradients) and update.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

from benchmarks import models
from benchmarks.bench_models import cpu_ms, measure
from benchmarks.registry import MODEL_BATCHES, PHASES
from benchmarks.timing import rss_mb


class RMSProp:
    """TF1 RMSProp (decay 0.9, momentum 0, eps 1e-10), in place."""

    def __init__(self, params: list[np.ndarray], lr: float) -> None:
        self.params, self.lr = params, np.float32(lr)
        self.ms = [np.ones_like(p) for p in params]
        self.mom = [np.zeros_like(p) for p in params]
        self.tmp = [np.empty_like(p) for p in params]

    def update(self, grads: list[np.ndarray]) -> None:
        """One step with ``grads`` (same order as the parameters)."""
        for p, g, ms, mom, t in zip(self.params, grads, self.ms, self.mom, self.tmp):
            ms *= np.float32(0.9)
            np.multiply(g, g, out=t)
            t *= np.float32(0.1)
            ms += t
            np.add(ms, np.float32(1e-10), out=t)
            np.sqrt(t, out=t)
            np.divide(g, t, out=t)
            t *= self.lr
            np.copyto(mom, t)  # momentum 0: mom = lr * g / sqrt(ms + eps)
            p -= mom


class Autoencoder:
    """Four sigmoid dense layers, mean squared error."""

    def __init__(self, prob: models.Problem) -> None:
        v = [value.copy() for _, value in prob.params]
        self.w, self.b = v[0::2], v[1::2]
        b = prob.batch
        self.h = [np.empty((b, w.shape[1]), np.float32) for w in self.w]
        self.d = [np.empty_like(h) for h in self.h]
        self.t = [np.empty_like(h) for h in self.h]
        self.gw = [np.empty_like(w) for w in self.w]
        self.gb = [np.empty_like(bb) for bb in self.b]
        self.opt = RMSProp([p for pair in zip(self.w, self.b) for p in pair], prob.lr)

    def forward(self, x: np.ndarray, y: np.ndarray) -> float:
        """Activations into ``self.h``; the loss; ``d[-1]`` = dLoss/d(last output)."""
        inp = x
        for w, b, h in zip(self.w, self.b, self.h):
            np.matmul(inp, w, out=h)
            h += b
            np.negative(h, out=h)
            np.exp(h, out=h)
            h += np.float32(1.0)
            np.reciprocal(h, out=h)
            inp = h
        d = self.d[-1]
        np.subtract(self.h[-1], y, out=d)
        loss = float(np.vdot(d, d)) / d.size
        d *= np.float32(2.0 / d.size)
        return loss

    def backward(self, x: np.ndarray) -> None:
        """Gradients into ``gw``/``gb`` from ``d[-1]``."""
        for i in range(len(self.w) - 1, -1, -1):
            h, d, t = self.h[i], self.d[i], self.t[i]
            np.subtract(np.float32(1.0), h, out=t)  # sigmoid' = h (1 - h)
            t *= h
            d *= t
            np.matmul((x if i == 0 else self.h[i - 1]).T, d, out=self.gw[i])
            np.sum(d, axis=0, out=self.gb[i])
            if i:
                np.matmul(d, self.w[i].T, out=self.d[i - 1])

    def step(self, x: np.ndarray, y: np.ndarray, split: dict | None = None) -> float:
        """One training step; with ``split``, appends per-phase milliseconds."""
        t0 = time.perf_counter()
        loss = self.forward(x, y)
        t1 = time.perf_counter()
        self.backward(x)
        t2 = time.perf_counter()
        self.opt.update([g for pair in zip(self.gw, self.gb) for g in pair])
        t3 = time.perf_counter()
        if split is not None:
            for k, a, b in (("fwd", t0, t1), ("bwd", t1, t2), ("upd", t2, t3)):
                split.setdefault(k, []).append((b - a) * 1e3)
        return loss


def autoencoder(cfg: dict[str, Any]) -> dict[str, Any]:
    """NumPy reference for the dense autoencoder."""
    out: dict[str, Any] = {"info": {}}
    for batch in MODEL_BATCHES["autoencoder"]:
        prob = models.autoencoder(batch=batch, quick=bool(cfg.get("quick")))
        net = Autoencoder(prob)
        batches = prob.batches()
        state = {"i": 0}

        def step(split: dict | None = None, net: Autoencoder = net,
                 state: dict = state, batches: list = batches) -> float:
            xb, yb = batches[state["i"] % len(batches)]
            state["i"] += 1
            return net.step(xb, yb, split)

        loss6, steps = measure(step, prob)
        out[f"b{batch}_cpu_ms"] = cpu_ms(step)
        split: dict[str, list[float]] = {}
        for _ in range(3):
            step(split)
        out[f"b{batch}_steps_s"] = steps
        for ph in PHASES:
            out[f"b{batch}_{ph}_ms"] = statistics.median(split[ph])
        out["info"][f"b{batch}_loss_step4"] = loss6
    out["hwm_mb"] = rss_mb().get("hwm_mb", 0.0)
    return out
