"""Kernels that overlap another kernel run on one thread (``framework/thread_limits.py``,
``client/inter_op*.py``): the per-thread cap, workers and the calling thread capped
exactly while a submitted step may be running, the probe's one-thread runs, the
simulation with one-thread times, and bitwise training with chunked kernels capped."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import trainkit as tk
from trainkit.client import inter_op, inter_op_pool
from trainkit.client import inter_op_schedule as sched_mod
from trainkit.framework import thread_limits
from trainkit.ops import parallel


@pytest.fixture
def two_kernel_threads():
    old = parallel.kernel_threads()
    parallel.set_kernel_threads(2)
    yield
    parallel.set_kernel_threads(old)


def test_the_cap_is_per_thread_and_only_lowers(two_kernel_threads):
    assert thread_limits.cap() is None and parallel.kernel_threads() == 2
    seen = []
    prev = thread_limits.set_cap(1)
    try:
        assert prev is None and parallel.kernel_threads() == 1
        t = threading.Thread(target=lambda: seen.append(parallel.kernel_threads()))
        t.start()
        t.join()
        assert seen == [2]                     # other threads keep the process's count
        thread_limits.set_cap(5)
        assert parallel.kernel_threads() == 2  # a cap above the count changes nothing
    finally:
        thread_limits.set_cap(prev)
    assert parallel.kernel_threads() == 2
    for bad in (0, -1, 1.0, True):
        with pytest.raises(ValueError):
            thread_limits.set_cap(bad)


def test_worker_threads_run_steps_on_one_kernel_thread(two_kernel_threads):
    done = threading.Lock()
    done.acquire()
    seen: list = []
    inter_op_pool.submit(0, lambda v: v.append(parallel.kernel_threads()), seen, done,
                         [None], 0)
    done.acquire()
    assert seen == [1]


def _graph(n, deps):
    gr = inter_op.StepGraph()
    for i in range(n):
        gr.reads.append(tuple(deps.get(i, ())))
        gr.writes.append((i,))
        gr.stateful.append(False)
        gr.plain.append(None)
        gr.ctrl.append(())
        gr.ops.append(None)
    gr.keep = set(range(n + 1))
    return gr


def test_calling_thread_is_capped_while_a_submitted_step_runs(two_kernel_threads):
    # 0 -> {1 (worker), 2 -> 3}; 4 reads 1 and 3; 5 after the WAIT
    gr = _graph(6, {1: [0], 2: [0], 3: [2], 4: [1, 3], 5: [4]})
    release = threading.Event()
    seen: dict[int, int] = {}

    def step(i):
        def run(v):
            seen[i] = parallel.kernel_threads()
            if i == 1:
                release.wait(5)        # the worker's step runs until step 2 has run
            if i == 3:
                release.set()
            v[i] = i
        return run
    gr.plain = [step(i) for i in range(6)]
    where = [-1, 0, -1, -1, -1, -1]
    sched = sched_mod.Schedule(gr, gr.dependencies(), [False] * 6, where, 0.0, None)
    assert [p[5] for p, i in zip(sched.program, sched.index) if i == 2 and p[0] == 0] \
        == [(0,)]
    vals: list = [None] * 7
    sched.run(None, vals)
    assert seen == {0: 2, 1: 1, 2: 1, 3: 1, 4: 2, 5: 2}
    assert thread_limits.cap() is None and vals[:6] == list(range(6))


def test_calling_thread_is_not_capped_once_the_worker_is_done(two_kernel_threads,
                                                               monkeypatch):
    # 0 -> {1 (worker), 2 -> 3}; 4 reads 1 and 3. Step 2 returns only once the worker
    # has released step 1's lock, so step 3 starts with nothing in flight.
    gr = _graph(5, {1: [0], 2: [0], 3: [2], 4: [1, 3]})
    locks: list = []
    real = sched_mod.allocate_lock

    def spy_lock():
        lk = real()
        locks.append(lk)
        return lk
    monkeypatch.setattr(sched_mod, "allocate_lock", spy_lock)
    seen: dict[int, int] = {}

    def step(i):
        def run(v):
            seen[i] = parallel.kernel_threads()
            if i == 2:
                for _ in range(5000):
                    if not locks[0].locked():
                        break
                    threading.Event().wait(0.001)
            v[i] = i
        return run
    gr.plain = [step(i) for i in range(5)]
    sched = sched_mod.Schedule(gr, gr.dependencies(), [False] * 5, [-1, 0, -1, -1, -1],
                               0.0, None)
    sched.run(None, [None] * 6)
    assert seen[1] == 1 and seen[3] == 2 and seen[4] == 2
    assert thread_limits.cap() is None


def test_a_failing_run_lifts_the_cap(two_kernel_threads):
    gr = _graph(3, {1: [0], 2: [0]})

    def boom(v):
        raise ValueError("boom")
    gr.plain = [lambda v: None, lambda v: threading.Event().wait(0.05), boom]
    sched = sched_mod.Schedule(gr, gr.dependencies(), [False] * 3, [-1, 0, -1], 0.0,
                               lambda op, e: e)
    with pytest.raises(ValueError):
        sched.run(None, [None] * 4)
    assert thread_limits.cap() is None


def test_probe_alternates_runs_with_kernels_on_one_thread(monkeypatch, two_kernel_threads):
    caps: list = []
    got: dict = {}

    def timed(plan, vals, op_error):
        caps.append(parallel.kernel_threads())
        n = len(plan.steps)
        one = caps[-1] == 1
        return [900.0 if one else 500.0] * n, [1000.0] * n

    def decide(graph, wall, cpu, threads, op_error, solo=None):
        got.update(wall=wall, cpu=cpu, solo=solo)
        return None
    monkeypatch.setattr(inter_op, "_timed", timed)
    monkeypatch.setattr(inter_op, "decide", decide)
    x = tk.placeholder(tk.float32, [3])
    outs = [tk.tanh(x), tk.sigmoid(x)]
    with tk.Session(config=tk.ConfigProto(inter_op_parallelism_threads=2)) as sess:
        for _ in range(inter_op.PROBE_SKIP + inter_op.PROBE_RUNS + 2):
            sess.run(outs, {x: np.ones(3, np.float32)})
    assert caps == [2, 1] * (inter_op.PROBE_RUNS // 2)
    assert set(got["wall"]) == {500.0} and set(got["solo"]) == {900.0}
    assert thread_limits.cap() is None


def test_simulation_uses_one_thread_times_for_overlapping_steps():
    # 0 -> {1, 2}: two 3 ms steps that use 2 cores alone
    deps = [(), (0,), (0,)]
    wall = [10.0, 3000.0, 3000.0]
    no = [False] * 3
    elig = [False, True, True]
    # on one thread 3.5 ms each: side by side 3.55 ms beats 6 ms in a row
    where, span = inter_op.assign(wall, deps, no, elig, 1, 40.0,
                                  shared=[10.0, 3500.0, 3500.0])
    assert where == [-1, 0, -1] and span == pytest.approx(10 + 40 + 3500)
    # on one thread 6.5 ms each: overlapping them loses, nothing moves
    where, span = inter_op.assign(wall, deps, no, elig, 1, 40.0,
                                  shared=[10.0, 6500.0, 6500.0])
    assert where == [-1, -1, -1] and span == pytest.approx(6010)
    # the plan's end needs every step: two steps are never queued on one worker for it
    where, span = inter_op.assign(wall, deps, no, elig, 1, 40.0, shared=wall)
    assert where == [-1, 0, -1] and span == pytest.approx(3050)


def test_simulation_counts_the_calling_threads_slower_steps():
    # 0 -> 1 (heavy, needed by 3) and 0 -> 2 -> 3; step 2 is 2 ms alone, 4 ms on one
    # thread: offloading 1 (1 ms) would slow 2 by more than it saves
    deps = [(), (0,), (0,), (1, 2)]
    wall = [10.0, 1000.0, 2000.0, 10.0]
    shared = [10.0, 1000.0, 4000.0, 10.0]
    where, _ = inter_op.assign(wall, deps, [False] * 4, [False, True, True, False], 1, 40.0,
                               shared=shared)
    assert where[1] == -1
    sched = inter_op.build(_graph(4, {1: [0], 2: [0], 3: [1, 2]}), wall, wall, 2, False,
                           None, solo=shared)
    assert sched is None or sched.offloaded == 1 and sched.makespan < 3020


def _cnn_losses(forced_threads, kernel_threads):
    rng = np.random.RandomState(5)
    g = tk.Graph()
    with g.as_default():
        x = tk.placeholder(tk.float32, [None, 28, 28, 1])
        w1 = tk.Variable(rng.randn(5, 5, 1, 32).astype(np.float32) * 0.1)
        b1 = tk.Variable(np.full(32, 0.1, np.float32))
        w2 = tk.Variable(rng.randn(5, 5, 32, 32).astype(np.float32) * 0.05)
        a = tk.nn.relu(tk.nn.bias_add(tk.nn.conv2d(x, w1, [1, 1, 1, 1], "SAME"), b1))
        p = tk.nn.max_pool(a, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
        c = tk.nn.relu(tk.nn.conv2d(p, w2, [1, 1, 1, 1], "SAME"))
        flat = tk.reshape(c, [-1, 14 * 14 * 32])
        w3 = tk.Variable(rng.randn(14 * 14 * 32, 64).astype(np.float32) * 0.01)
        loss = tk.reduce_mean(tk.square(tk.matmul(flat, w3)))
        train = tk.train.AdamOptimizer(1e-3).minimize(loss)
        init = tk.global_variables_initializer()
    xs = rng.randn(48, 28, 28, 1).astype(np.float32)
    old = parallel.kernel_threads()
    parallel.set_kernel_threads(kernel_threads)
    inter_op.force(forced_threads)
    try:
        sess = tk.Session(graph=g)
    finally:
        inter_op.force(None)
    try:
        sess.run(init)
        ls = [sess.run([train, loss], {x: xs})[1] for _ in range(3)]
        return ls, sess.run([w1, w2, w3])
    finally:
        sess.close()
        parallel.set_kernel_threads(old)


def test_training_with_capped_chunked_kernels_is_bitwise_sequential():
    ref = _cnn_losses(None, 2)
    for forced, kt in ((2, 2), (3, 2), (2, 1)):
        got = _cnn_losses(forced, kt)
        assert got[0] == ref[0]
        assert all(np.array_equal(a, b) for a, b in zip(got[1], ref[1]))


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "2"])
def test_a_bad_thread_cap_is_a_typed_error_and_leaves_the_cap(bad):
    prev = thread_limits.set_cap(2)
    try:
        with pytest.raises(ValueError, match="positive int or None"):
            thread_limits.set_cap(bad)
        assert thread_limits.cap() == 2
    finally:
        thread_limits.set_cap(prev)
