"""Untraced sequential runs skip the steps that do nothing (ungated ``NoOp``s) and copy
``Identity``/``StopGradient`` values without a kernel call; traced runs still list every
op, and values (and freed slots) are those of the full plan."""

from __future__ import annotations

import numpy as np

import trainkit as tk
from trainkit.client import executor


def _gated_training():
    x = tk.placeholder(tk.float32, [4, 3], name="x")
    w = tk.Variable(np.ones((3, 2), np.float32), name="w")
    b = tk.Variable(np.zeros(2, np.float32), name="b")
    h = tk.identity(tk.matmul(x, w) + b, name="h")
    loss = tk.reduce_sum(tk.square(tk.stop_gradient(h * 0.0) + h))
    train = tk.train.GradientDescentOptimizer(0.01).minimize(loss)
    return x, w, b, loss, train


def test_noops_leave_the_quick_steps_but_not_the_plan():
    x, _, _, _, train = _gated_training()
    plan = executor.compile_plan([], [train], [x], None, None)
    noops = [op for op in plan.ops if op.type == "NoOp"]
    assert noops, "gated gradients and minimize() build NoOps"
    assert len(plan.quick_steps) == len(plan.steps) - len(noops)
    assert all(s in plan.steps for s in plan.quick_steps)


def test_quick_and_traced_runs_agree_and_traces_list_every_op():
    x, w, b, loss, train = _gated_training()
    feed = {x: np.arange(12, dtype=np.float32).reshape(4, 3) / 10}
    results = []
    for traced in (False, True):
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            md = tk.RunMetadata()
            opts = tk.RunOptions(trace_level=tk.RunOptions.FULL_TRACE) if traced else None
            for _ in range(3):
                s.run(train, feed, options=opts, run_metadata=md)
            results.append(s.run([w, b, loss], feed))
            if traced:
                ran = {n.node_name for d in md.step_stats.dev_stats for n in d.node_stats}
                assert any(n.endswith("tuple/group_deps") for n in ran)
                assert {"h", "StopGradient"} <= ran
    for a, c in zip(*results):
        np.testing.assert_array_equal(a, c)
    # by hand: loss = sum(h^2), h = x @ w + b, three SGD steps of 0.01
    xv = feed[x].astype(np.float64)
    wv, bv = np.ones((3, 2)), np.zeros(2)
    for _ in range(3):
        h = xv @ wv + bv
        wv, bv = wv - 0.01 * xv.T @ (2 * h), bv - 0.01 * (2 * h).sum(0)
    np.testing.assert_allclose(results[0][0], wv, rtol=1e-5)
    np.testing.assert_allclose(results[0][1], bv, rtol=1e-5)
