"""The work plan of the LSTM sequence kernels (``ops/rnn/seq_stages.py``): the side work
a recurrence shares with the other kernel threads."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops import gemm, parallel
from trainkit.ops.rnn.lstm_sequence import lstm_sequence
from trainkit.ops.rnn.seq_stages import Progress, SideWork, run_stages, time_blocks

R = tk.nn.rnn_cell


def test_a_recurrence_runs_the_units_it_needs_that_no_thread_took():
    done = []
    side = SideWork([lambda k=k: done.append(k) for k in range(5)])
    assert side.need(2)             # units 0, 1 and 2, in order, in this thread
    assert done == [0, 1, 2]
    assert side.need(1) and done == [0, 1, 2]    # already done: nothing runs again
    assert side.finish() and done == [0, 1, 2, 3, 4]
    assert side.drain() and done == [0, 1, 2, 3, 4]


def test_a_unit_another_thread_is_running_is_waited_for():
    started, release, done = threading.Event(), threading.Event(), []

    def slow():
        started.set()
        release.wait(5)
        done.append("slow")

    side = SideWork([slow, lambda: done.append("next")])
    helper = threading.Thread(target=lambda: side._run(side._claim()))
    helper.start()
    assert started.wait(5)
    threading.Timer(0.05, release.set).start()
    t0 = time.perf_counter()
    assert side.need(0)             # claimed by the helper: wait, do not run it again
    assert time.perf_counter() - t0 > 0.02 and done == ["slow"]
    helper.join()
    assert side.finish() and done == ["slow", "next"]


def test_a_failing_stage_releases_the_waiters_and_its_error_is_raised():
    old = parallel.kernel_threads()
    parallel.set_kernel_threads(2)
    gate = Progress(1)
    side = SideWork([lambda: gate.wait(0)])  # a unit waiting for the recurrence

    def recurrence():
        raise ValueError("broken step")

    try:
        with pytest.raises(ValueError, match="broken step"):
            run_stages([recurrence, side.finish, side.finish], [gate, side], key="test")
    finally:
        parallel.set_kernel_threads(old)
    assert gate.wait(0) is False     # every waiter was released, none hangs
    assert side.finish() is False


@pytest.mark.parametrize("batch,steps", [(8, 80), (130, 12)])
def test_the_forward_gives_the_same_bits_for_any_thread_count(batch, steps, gemm_backend):
    """Many time blocks of input products (batch 8: 32 steps a block) or two row chunks
    (batch 130, two recurrences needing the same units): whoever makes a unit, the
    outputs, the final state and the gradients are the same."""
    assert len(time_blocks(steps, batch)) > 4
    x_np = np.random.default_rng(5).normal(size=(batch, steps, 3)).astype(np.float32)
    results = []
    for threads in (1, 2, 3):
        old = parallel.kernel_threads()
        parallel.set_kernel_threads(threads)
        try:
            with tk.Graph().as_default():
                tk.set_random_seed(1)
                x = tk.constant(x_np)
                out, state = tk.nn.dynamic_rnn(R.BasicLSTMCell(6), x, dtype=tk.float32)
                loss = tk.reduce_sum(tk.sin(out)) + tk.reduce_sum(state.c)
                grads = tk.gradients(loss, [x] + tk.trainable_variables())
                with tk.Session() as sess:
                    sess.run(tk.global_variables_initializer())
                    results.append(sess.run([out, state.c] + grads))
        finally:
            parallel.set_kernel_threads(old)
    for other in results[1:]:
        for a, b in zip(results[0], other):
            np.testing.assert_array_equal(a, b)
    if gemm.backend() == "onnxruntime":  # input blocks, dw's x and h rows: its products
        assert {(batch, 24), (3, 24), (6, 24)} <= set(gemm_backend)


def test_the_forward_stages_complete_when_one_thread_runs_them_in_order(monkeypatch,
                                                                       gemm_backend):
    """``parallel.run`` runs every stage in the calling thread, in order, when the
    helpers have not been getting a core: the recurrence (the first stage) then makes
    every input product itself, nothing waits for a later stage, and the values equal
    a one-thread run's bit for bit."""
    from trainkit.ops.rnn import lstm_sequence as module

    rng = np.random.default_rng(6)
    x = rng.normal(size=(30, 4, 5)).astype(np.float32)
    c0 = rng.normal(size=(4, 7)).astype(np.float32)
    h0 = rng.normal(size=(4, 7)).astype(np.float32)
    w = rng.normal(size=(12, 28)).astype(np.float32) * 0.3
    b = rng.normal(size=(28,)).astype(np.float32)
    assert len(time_blocks(30, 4)) > 3

    def values(threads):
        old = parallel.kernel_threads()
        parallel.set_kernel_threads(threads)
        try:
            with tk.Graph().as_default():
                outs = lstm_sequence(x, c0, h0, w, b)
                with tk.Session() as sess:
                    return sess.run(outs)
        finally:
            parallel.set_kernel_threads(old)

    want = values(1)
    calls = []

    def in_order(stages, progress, key=None):
        calls.append((len(stages), key))
        for stage in stages:
            stage()

    monkeypatch.setattr(module, "run_stages", in_order)
    got = values(2)
    assert calls == [(3, "LSTMSequence")]  # the recurrence, then the side work twice
    if gemm.backend() == "onnxruntime":   # the 28-step input block was its product
        assert (28 * 4, 28) in gemm_backend
    for a, b_ in zip(want, got):
        np.testing.assert_array_equal(a, b_)
