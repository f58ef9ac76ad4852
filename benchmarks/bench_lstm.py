"""Benchmark: LSTM language-model-sized step — batch 32, 128 units, 50 time steps,
input depth 64, Adam(1e-3), loss ``mean((outputs - targets)^2)`` over every step.

Two graphs, written once against the TF1 API and run with trainkit or
``tf.compat.v1``: ``static`` is ``tf.nn.static_rnn`` (the cell unrolled 50 times),
``dynamic`` is ``tf.nn.dynamic_rnn`` (a ``while_loop`` over a TensorArray). The cell
is ``tf.nn.rnn_cell.BasicLSTMCell`` when the backend has it, else the same equations
written here (TF1's gate order ``i, j, f, o``, forget bias 1).
PyTorch runs ``torch.nn.LSTM`` from the same initial weights. Reports training steps
per second; every implementation reports its loss at step 6.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from benchmarks import graph_api
from benchmarks.bench_mlp import LR, glorot, measure


@dataclass
class LSTMProblem:
    """Sizes, synthetic data and initial weights shared by every implementation."""

    batch: int
    steps: int
    depth: int
    units: int
    x: np.ndarray          # [n_batches * batch, steps, depth]
    y: np.ndarray          # [n_batches * batch, steps, units]
    kernel: np.ndarray     # [depth + units, 4 * units], TF1 gate order i, j, f, o
    budget: float

    @property
    def n_batches(self) -> int:
        """Number of distinct batches (cycled in order)."""
        return self.x.shape[0] // self.batch

    def batches(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The data cut into contiguous ``(x, y)`` batches."""
        b = self.batch
        return [(self.x[i * b:(i + 1) * b], self.y[i * b:(i + 1) * b])
                for i in range(self.n_batches)]


def problem(cfg: dict[str, Any]) -> LSTMProblem:
    """The LSTM problem at full size, or tiny with ``cfg["quick"]``."""
    quick = bool(cfg.get("quick"))
    batch, steps, depth, units = (4, 5, 8, 8) if quick else (32, 50, 64, 128)
    n = batch * 4
    rng = np.random.default_rng(2)
    x = rng.standard_normal((n, steps, depth)).astype(np.float32)
    y = rng.uniform(-0.5, 0.5, (n, steps, units)).astype(np.float32)
    kernel = glorot(rng, depth + units, 4 * units)
    return LSTMProblem(batch, steps, depth, units, x, y, kernel, 0.03 if quick else 2.0)


class EquationsLSTMCell:
    """TF1 ``BasicLSTMCell``'s equations with the RNNCell interface, written against
    the backend module ``tf`` (used where the backend has no ``BasicLSTMCell``)."""

    def __init__(self, tf: ModuleType, units: int, kernel: np.ndarray):
        self.tf, self.units, self.kernel0 = tf, units, kernel

    @property
    def state_size(self) -> Any:
        return (self.units, self.units)

    @property
    def output_size(self) -> int:
        return self.units

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        z = self.tf.zeros([batch_size, self.units], dtype)
        return (z, z)

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> Any:
        tf = self.tf
        c, h = state
        with tf.variable_scope(scope or "basic_lstm_cell", reuse=tf.AUTO_REUSE):
            w = tf.get_variable("kernel", initializer=self.kernel0)
            b = tf.get_variable("bias", initializer=np.zeros(4 * self.units, np.float32))
        z = tf.nn.bias_add(tf.matmul(tf.concat([inputs, h], 1), w), b)
        i, j, f, o = tf.split(z, 4, axis=1)
        c2 = c * tf.sigmoid(f + 1.0) + tf.sigmoid(i) * tf.tanh(j)
        h2 = tf.tanh(c2) * tf.sigmoid(o)
        return h2, (c2, h2)


def _cell(tf: ModuleType, prob: LSTMProblem) -> tuple[Any, str]:
    cell_mod = getattr(getattr(tf.nn, "rnn_cell", None), "BasicLSTMCell", None)
    if cell_mod is None or os.environ.get("TK_BENCH_LSTM_CELL") == "equations":
        return EquationsLSTMCell(tf, prob.units, prob.kernel), "equations"
    cell = cell_mod(prob.units, forget_bias=1.0)
    return cell, "BasicLSTMCell"


def build(tf: ModuleType, prob: LSTMProblem, kind: str) -> tuple[Any, ...]:
    """``(graph, x, y, loss, train_op, init, cell_name)`` for ``kind`` static|dynamic."""
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [prob.batch, prob.steps, prob.depth], name="x")
        y = tf.placeholder(tf.float32, [prob.batch, prob.steps, prob.units], name="y")
        cell, cell_name = _cell(tf, prob)
        if kind == "dynamic":
            out, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        elif hasattr(tf.nn, "static_rnn"):
            outs, _ = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)
            out = tf.stack(outs, 1)
        else:  # what static_rnn builds, for a backend without it
            with tf.variable_scope("rnn"):
                state = cell.zero_state(prob.batch, tf.float32)
                outs = []
                for t in range(prob.steps):
                    o, state = cell(x[:, t], state)
                    outs.append(o)
            out = tf.stack(outs, 1)
        loss = tf.reduce_mean(tf.square(out - y))
        train_op = tf.train.AdamOptimizer(LR).minimize(loss)
        init = [tf.global_variables_initializer()]
        if cell_name == "BasicLSTMCell":  # then the same initial weights as the others
            kernel = [v for v in tf.global_variables() if v.name.endswith("kernel:0")][0]
            init.append(tf.assign(kernel, prob.kernel))
    return g, x, y, loss, train_op, init, cell_name


def _time(tf: ModuleType, prob: LSTMProblem, kind: str, quick: bool) -> tuple:
    """Trains one graph: ``(loss at step 6, steps/s, CPU ms/step, cell name)``."""
    g, x, y, loss, train_op, init, cell_name = build(tf, prob, kind)
    batches = prob.batches()
    state = {"i": 0}
    with graph_api.session(tf, graph=g) as sess:
        for op in init:
            sess.run(op)

        def step() -> float:
            xb, yb = batches[state["i"] % len(batches)]
            state["i"] += 1
            return sess.run([train_op, loss], feed_dict={x: xb, y: yb})[1]

        loss6, steps = measure(step, prob)
        cpu_ms = cpu_per_call(step, 3 if quick else 6) * 1e3
    return loss6, steps, cpu_ms, cell_name


def graph(tf: ModuleType, cfg: dict[str, Any]) -> dict[str, Any]:
    """Train both graphs on backend ``tf``; steps per second and CPU time each."""
    prob = problem(cfg)
    out: dict[str, Any] = {"info": {}}
    for kind in ("static", "dynamic"):
        loss6, steps, cpu_ms, cell_name = _time(tf, prob, kind, bool(cfg.get("quick")))
        out[f"{kind}_steps_s"] = steps
        out[f"{kind}_cpu_ms"] = cpu_ms
        out["info"][f"loss_step6_{kind}"] = loss6
        out["info"]["cell"] = cell_name
    return out


def cpu_per_call(fn: Any, n: int, chunks: int = 3) -> float:
    """CPU seconds of this process (all its threads) per ``fn()`` call, best of
    ``chunks`` batches of ``n`` calls: on a shared, busy machine this is the work a step
    costs, where wall time mostly measures the wait for a core."""
    best = float("inf")
    for _ in range(chunks):
        t0 = time.process_time()
        for _ in range(n):
            fn()
        best = min(best, (time.process_time() - t0) / n)
    return best


def trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """trainkit implementation."""
    return graph(graph_api.load("trainkit"), cfg)


def tf1(cfg: dict[str, Any]) -> dict[str, Any]:
    """tf.compat.v1 implementation."""
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    return graph(graph_api.load("tf1"), cfg)


def torch_lstm(cfg: dict[str, Any]) -> dict[str, Any]:
    """PyTorch ``nn.LSTM`` (batch_first) from the same weights (gates reordered from
    TF's ``i, j, f, o`` to torch's ``i, f, g, o``; TF's forget bias 1 in ``bias_ih``)."""
    from benchmarks.peers_torch import _torch

    torch = _torch()
    prob = problem(cfg)
    u, d = prob.units, prob.depth
    i, j, f, o = np.split(prob.kernel, 4, axis=1)
    k = np.concatenate([i, f, j, o], axis=1)
    lstm = torch.nn.LSTM(d, u, batch_first=True)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.from_numpy(k[:d].T.copy()))
        lstm.weight_hh_l0.copy_(torch.from_numpy(k[d:].T.copy()))
        bias = np.zeros(4 * u, np.float32)
        bias[u:2 * u] = 1.0
        lstm.bias_ih_l0.copy_(torch.from_numpy(bias))
        lstm.bias_hh_l0.zero_()
    opt = torch.optim.Adam(lstm.parameters(), lr=LR)
    xs, ys = torch.from_numpy(prob.x), torch.from_numpy(prob.y)
    b, n = prob.batch, prob.n_batches
    state = {"i": 0}

    def step() -> float:
        s = state["i"] % n
        state["i"] += 1
        opt.zero_grad(set_to_none=True)
        out, _ = lstm(xs[s * b:(s + 1) * b])
        loss = torch.mean((out - ys[s * b:(s + 1) * b]) ** 2)
        loss.backward()
        opt.step()
        return loss.item()

    loss6, steps = measure(step, prob)
    cpu = cpu_per_call(step, 3 if cfg.get("quick") else 6) * 1e3
    return {"static_steps_s": steps, "dynamic_steps_s": steps, "static_cpu_ms": cpu,
            "dynamic_cpu_ms": cpu,
            "info": {"loss_step6": loss6, "note": "one nn.LSTM for both rows"}}
