"""Inter-op concurrency (client/inter_op.py): concurrent runs give bitwise the results of
sequential runs, stateful ops keep their order, errors are the sequential run's, and
small plans stay on the sequential loop."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit import errors
from trainkit.client import executor, inter_op
from trainkit.client import inter_op_schedule as sched_mod


@pytest.fixture
def forced():
    """Runs the body with every new session's plans forced onto concurrent schedules."""
    def set_threads(n):
        inter_op.force(n)
    yield set_threads
    inter_op.force(None)


def _session(graph, forced_threads=None):
    inter_op.force(forced_threads)
    try:
        return tk.Session(graph=graph)
    finally:
        inter_op.force(None)


def _random_graph(seed: int):
    """A random DAG of float64 8x8 ops with variables updated mid-graph, a seeded random
    op, a cond and gradients; returns (graph, fetches, init)."""
    rng = np.random.RandomState(seed)
    g = tk.Graph()
    with g.as_default():
        tk.set_random_seed(seed)
        vs = [tk.Variable(rng.randn(8, 8), name=f"v{i}") for i in range(3)]
        nodes = [v.read_value() if i == 0 else tk.identity(v) for i, v in enumerate(vs)]
        nodes.append(tk.constant(rng.randn(8, 8)))
        updates = []
        unary = [tk.tanh, tk.nn.relu, tk.sigmoid, tk.square, tk.transpose,
                 lambda a: tk.reduce_sum(a, axis=0, keepdims=True) + a]
        binary = [tk.add, tk.multiply, tk.subtract, tk.matmul, tk.maximum,
                  lambda a, b: tk.concat([a, b], 1)[:, 3:11]]
        for k in range(rng.randint(15, 40)):
            r = rng.rand()
            pick = [nodes[j] for j in rng.randint(0, len(nodes), 2)]
            if r < 0.35:
                n = unary[rng.randint(len(unary))](pick[0])
            elif r < 0.85:
                n = binary[rng.randint(len(binary))](pick[0], pick[1])
            elif r < 0.9:
                n = pick[0] + tk.random_uniform([8, 8], dtype=tk.float64, seed=k)
            elif r < 0.95:
                v = vs[rng.randint(len(vs))]
                upd = tk.assign_add(v, tk.tanh(pick[0]) * 0.01)
                updates.append(upd)
                n = v + 0.0  # created after the update: sees the new value
            else:
                p = pick[1]
                n = tk.cond(tk.reduce_sum(pick[0]) > 0, lambda p=p: p * 2.0,
                            lambda p=p: p - 1.0)
            nodes.append(n)
        loss = tk.reduce_sum(tk.tanh(nodes[-1])) + tk.reduce_sum(tk.tanh(nodes[-2]))
        grads = [gr for gr in tk.gradients(loss, vs) if gr is not None]
        fetches = {"nodes": nodes[3:], "loss": loss, "grads": grads, "updates": updates}
        init = tk.global_variables_initializer()
    return g, fetches, init


def _run_twice(graph, fetches, init, threads):
    out = []
    for forced_threads in (None, threads):
        sess = _session(graph, forced_threads)
        with sess:
            sess.run(init)
            out.append([sess.run(fetches) for _ in range(3)])
    return out


def _flat(x):
    return [np.asarray(a) for a in tk.nest.flatten(x) if a is not None]


@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_bitwise_equal(seed):
    g, fetches, init = _random_graph(seed)
    seq, conc = _run_twice(g, fetches, init, 2 + seed % 2)
    for a, b in zip(seq, conc):
        fa, fb = _flat(a), _flat(b)
        assert len(fa) == len(fb)
        for x, y in zip(fa, fb):
            assert x.dtype == y.dtype and x.shape == y.shape
            assert np.array_equal(x, y, equal_nan=True)


def _spy_plans(monkeypatch):
    plans = []
    orig = executor.compile_plan

    def spy(*a, **k):
        p = orig(*a, **k)
        plans.append(p)
        return p
    monkeypatch.setattr(executor, "compile_plan", spy)
    return plans


def test_forced_schedule_really_offloads(monkeypatch):
    plans = _spy_plans(monkeypatch)
    g, fetches, init = _random_graph(3)
    _run_twice(g, fetches, init, 2)
    conc = [p.conc for p in plans if isinstance(p.conc, inter_op.Schedule)]
    assert conc and max(s.offloaded for s in conc) >= 3


def _mlp(opt, seed=0):
    rng = np.random.RandomState(seed)
    g = tk.Graph()
    with g.as_default():
        tk.set_random_seed(seed)
        x = tk.placeholder(tk.float32, [None, 32])
        y = tk.placeholder(tk.int64, [None])
        h = x
        for i, (a, b) in enumerate([(32, 64), (64, 64), (64, 10)]):
            w = tk.Variable((rng.randn(a, b) / np.sqrt(a)).astype(np.float32), name=f"w{i}")
            bias = tk.Variable(np.zeros(b, np.float32), name=f"b{i}")
            h = tk.nn.bias_add(tk.matmul(h, w), bias)
            if i < 2:
                h = tk.nn.dropout(tk.nn.relu(h), keep_prob=0.9)
        loss = tk.reduce_mean(tk.nn.sparse_softmax_cross_entropy_with_logits(
            labels=y, logits=h))
        train = opt().minimize(loss)
        init = tk.global_variables_initializer()
    xs = rng.randn(16, 32).astype(np.float32)
    ys = rng.randint(0, 10, 16).astype(np.int64)
    return g, x, y, xs, ys, loss, train, init


@pytest.mark.parametrize("opt", [lambda: tk.train.AdamOptimizer(1e-2),
                                 lambda: tk.train.RMSPropOptimizer(1e-2),
                                 lambda: tk.train.GradientDescentOptimizer(0.1)])
def test_training_an_mlp_is_bitwise_identical(opt):
    g, x, y, xs, ys, loss, train, init = _mlp(opt)
    results = []
    for forced_threads in (None, 2):
        with _session(g, forced_threads) as sess:
            sess.run(init)
            losses = [sess.run([train, loss], {x: xs, y: ys})[1] for _ in range(6)]
            results.append((losses, sess.run(tk.trainable_variables(g) if False else
                                             g.get_collection("trainable_variables"))))
    (l1, v1), (l2, v2) = results
    assert l1 == l2
    for a, b in zip(v1, v2):
        assert np.array_equal(a, b)


def test_training_a_cnn_is_bitwise_identical():
    rng = np.random.RandomState(1)
    g = tk.Graph()
    with g.as_default():
        x = tk.placeholder(tk.float32, [None, 12, 12, 2])
        w1 = tk.Variable(rng.randn(3, 3, 2, 8).astype(np.float32) * 0.2)
        w2 = tk.Variable(rng.randn(3, 3, 8, 8).astype(np.float32) * 0.2)
        a = tk.nn.relu(tk.nn.conv2d(x, w1, [1, 1, 1, 1], "SAME"))
        b = tk.nn.max_pool(a, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
        c = tk.nn.relu(tk.nn.conv2d(b, w2, [1, 1, 1, 1], "SAME"))
        loss = tk.reduce_mean(tk.square(c)) + tk.reduce_mean(tk.square(a))
        train = tk.train.AdamOptimizer(1e-2).minimize(loss)
        init = tk.global_variables_initializer()
    xs = rng.randn(4, 12, 12, 2).astype(np.float32)
    out = []
    for forced_threads in (None, 3):
        with _session(g, forced_threads) as sess:
            sess.run(init)
            ls = [sess.run([train, loss], {x: xs})[1] for _ in range(4)]
            out.append((ls, sess.run([w1, w2])))
    assert out[0][0] == out[1][0]
    assert all(np.array_equal(p, q) for p, q in zip(out[0][1], out[1][1]))


def test_stateful_ops_keep_plan_order(forced):
    forced(2)
    # TF 2.21 (tf.compat.v1, reference variables), 200 fresh graphs: a read built after
    # the update but not ordered after it saw the old value every time
    # (client/write_order.py); one under control_dependencies([upd]) sees the new one.
    v = tk.Variable(1.0)
    before = v * 1.0                      # created before the update: old value
    upd = tk.assign_add(v, 10.0)
    unordered = tk.identity(v) * 1.0      # created after, not ordered: old value
    with tk.control_dependencies([upd]):
        after = tk.identity(v) * 1.0      # ordered after the update: new value
    with tk.Session() as sess:
        sess.run(v.initializer)
        for k in range(5):
            b, _, u, a = sess.run([before, upd, unordered, after])
            assert (b, u, a) == (1.0 + 10 * k, 1.0 + 10 * k, 11.0 + 10 * k)


def _failing_graph():
    x = tk.placeholder(tk.float32, [None, None])
    w = tk.constant(np.ones((3, 3), np.float32))
    heavy = [tk.tanh(x) * float(i) for i in range(4)]        # independent branches
    bad_first = tk.matmul(heavy[0], w, name="bad_first")     # fails for a 2-column x
    fine = [tk.nn.relu(h) for h in heavy[1:]]
    bad_later = tk.reshape(heavy[2], [7, -1], name="bad_later")
    return x, [bad_first, bad_later] + fine


@pytest.mark.parametrize("threads", [None, 2, 3])
def test_the_first_failing_op_in_plan_order_is_reported(threads):
    x, fetches = _failing_graph()
    sess = _session(tk.get_default_graph(), threads)
    with sess:
        with pytest.raises(errors.InvalidArgumentError) as info:
            sess.run(fetches, {x: np.ones((5, 2), np.float32)})
        assert "bad_first" in str(info.value) and info.value.op.name == "bad_first"
        assert info.value.__cause__ is not None   # the kernel's own exception, as sequential
        # the session stays usable, and the same plan then runs fine
        out = sess.run(fetches[2:], {x: np.ones((5, 3), np.float32)})
        assert [o.shape for o in out] == [(5, 3)] * 3


def test_a_later_worker_error_is_reported_when_alone(forced):
    forced(2)
    x = tk.placeholder(tk.float32, [None, None])
    ok = [tk.tanh(x) * float(i) for i in range(3)]
    bad = tk.reshape(ok[1], [7, -1], name="bad")
    with tk.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="bad"):
            sess.run(ok + [bad, tk.add_n(ok)], {x: np.ones((2, 2), np.float32)})


def test_resolve():
    assert inter_op.resolve(None) == inter_op.AUTO_THREADS
    assert inter_op.resolve(0) == inter_op.AUTO_THREADS
    assert inter_op.resolve(3) == 3
    assert inter_op.resolve(-1) == 1   # TF: negative = the caller's thread
    with pytest.raises(ValueError, match="int"):
        inter_op.resolve(1.5)
    with pytest.raises(ValueError):
        inter_op.force(1)


def test_small_plans_go_back_to_the_sequential_loop(monkeypatch):
    plans = _spy_plans(monkeypatch)
    a = tk.placeholder(tk.float32, [4])
    outs = [tk.tanh(a) + 1.0, tk.sigmoid(a) * 2.0, tk.square(a)]
    with tk.Session(config=tk.ConfigProto(inter_op_parallelism_threads=2)) as sess:
        for _ in range(inter_op.PROBE_SKIP + inter_op.PROBE_RUNS):
            assert isinstance(plans[-1].conc, inter_op.Probe) if plans else True
            got = sess.run(outs, {a: np.arange(4, dtype=np.float32)})
        assert plans[-1].conc is None
        np.testing.assert_array_equal(got[2], np.arange(4, dtype=np.float32) ** 2)
    with tk.Session(config=tk.ConfigProto(inter_op_parallelism_threads=1)) as sess:
        sess.run(outs, {a: np.zeros(4, np.float32)})
        assert plans[-1].conc is None


def _graph_of(n_steps, deps, stateful=()):
    gr = inter_op.StepGraph()
    for i in range(n_steps):
        gr.reads.append(tuple(deps.get(i, ())))
        gr.writes.append((i,))
        gr.stateful.append(i in stateful)
        gr.plain.append(lambda v: None)
        gr.ctrl.append(())
        gr.ops.append(None)
    return gr


def test_independent_heavy_steps_are_offloaded():
    # 0 -> {1 (heavy, needed late), 2 (heavy) -> 3 -> 4}; 5 stateful reads 1 and 4
    gr = _graph_of(6, {1: [0], 2: [0], 3: [2], 4: [3], 5: [1, 4]}, stateful={5})
    wall = [10.0, 3000.0, 3000.0, 500.0, 500.0, 100.0]
    sched = inter_op.decide(gr, wall, wall, 2, None)
    assert sched is not None and sched.offloaded == 1
    assert sched.makespan < sum(wall) - 2000
    # step 1 goes to the worker; the chain 2 -> 3 -> 4 stays on the calling thread
    codes = {i: c for (c, *_), i in zip(sched.program, sched.index) if c != sched_mod.WAIT}
    assert codes == {0: sched_mod.RUN, 1: sched_mod.SUBMIT, 2: sched_mod.RUN, 3: sched_mod.RUN,
                     4: sched_mod.RUN, 5: sched_mod.RUN}
    # the worker's step is waited for before the stateful step, which frees its input
    order = [(c, i) for (c, *_), i in zip(sched.program, sched.index)]
    assert order.index((sched_mod.WAIT, 1)) < order.index((sched_mod.RUN, 5))


def test_no_schedule_for_chains_cheap_steps_or_wide_steps():
    chain = _graph_of(4, {1: [0], 2: [1], 3: [2]})
    assert inter_op.decide(chain, [3000.0] * 4, [3000.0] * 4, 2, None) is None
    fork = _graph_of(3, {1: [0], 2: [0]})
    assert inter_op.decide(fork, [50.0, 100.0, 100.0], [50.0, 100.0, 100.0], 2,
                           None) is None                       # plan too short
    wall = [10.0, 3000.0, 3000.0]
    wide_cpu = [10.0, 6000.0, 6000.0]                          # each already uses 2 cores
    assert inter_op.decide(fork, wall, wide_cpu, 2, None) is None
    assert inter_op.decide(fork, wall, wall, 2, None) is not None
    stateful = _graph_of(3, {1: [0], 2: [0]}, stateful={1, 2})
    assert inter_op.decide(stateful, wall, wall, 2, None) is None


class _Clock:
    """A fake ``time`` module whose clock only the fake steps advance."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        return self.now


class _FakePlan:
    def __init__(self, clock, seq_cost):
        self.steps = [lambda v: setattr(clock, "now", clock.now + seq_cost)]
        self.ops = [None]
        self.conc = None


class _FakeSchedule:
    def __init__(self, clock, cost):
        self.clock, self.cost, self.runs = clock, cost, 0

    def run(self, plan, vals):
        self.runs += 1
        self.clock.now += self.cost


@pytest.mark.parametrize("seq_cost, conc_cost, wins", [(3.0, 1.0, True), (1.0, 3.0, False),
                                                       (1.0, 0.99, False)])
def test_tuner_keeps_the_faster_mode_and_checks_again(monkeypatch, seq_cost, conc_cost, wins):
    clock = _Clock()
    monkeypatch.setattr(inter_op, "time", clock)
    plan = _FakePlan(clock, seq_cost)
    sched = _FakeSchedule(clock, conc_cost)
    tuner = inter_op.Tuner(sched, None)
    for _ in range(2 * inter_op.TRIAL_RUNS):
        tuner.run(plan, [])
    assert tuner.concurrent is wins and sched.runs == inter_op.TRIAL_RUNS
    before = sched.runs
    for _ in range(inter_op.RETUNE_RUNS):
        tuner.run(plan, [])
    assert sched.runs - before == (inter_op.RETUNE_RUNS if wins else 0)
    for _ in range(2 * inter_op.TRIAL_RUNS):   # the next trial: same outcome, longer period
        tuner.run(plan, [])
    assert tuner.concurrent is wins and tuner.period == 2 * inter_op.RETUNE_RUNS
    # the load changes: the other mode wins now, and the period starts over
    plan.steps = [lambda v: setattr(clock, "now", clock.now + conc_cost)]
    sched.cost = seq_cost
    tuner.left = 0
    for _ in range(2 * inter_op.TRIAL_RUNS):
        tuner.run(plan, [])
    if conc_cost != 0.99:
        assert tuner.concurrent is not wins and tuner.period == inter_op.RETUNE_RUNS


def test_heavy_plan_gets_a_tuner_after_probing(monkeypatch):
    plans = _spy_plans(monkeypatch)

    def timed(plan, vals, op_error):   # runs the plan; says every step took 5 ms
        inter_op._sequential(plan, vals, op_error)
        return [5000.0] * len(plan.steps), [5000.0] * len(plan.steps)
    monkeypatch.setattr(inter_op, "_timed", timed)
    x = tk.placeholder(tk.float32, [3])
    outs = [tk.tanh(x) * 2.0, tk.sigmoid(x) + 1.0]
    feed = {x: np.arange(3, dtype=np.float32)}
    with tk.Session(config=tk.ConfigProto(inter_op_parallelism_threads=2)) as sess:
        for _ in range(inter_op.PROBE_SKIP + inter_op.PROBE_RUNS):
            sess.run(outs, feed)
        tuner = plans[-1].conc
        assert isinstance(tuner, inter_op.Tuner) and tuner.schedule.offloaded >= 1
        for _ in range(20):   # trials and whichever mode wins give the same values
            got = sess.run(outs, feed)
            np.testing.assert_array_equal(got[0], np.tanh(feed[x]) * np.float32(2.0))


_FORCED_SUITES = [
    "tests/client/test_session_feed.py", "tests/client/test_session_fetch.py",
    "tests/client/test_session_lifecycle.py", "tests/client/test_callable_partial_handles.py",
    "tests/client/test_tracing.py", "tests/autodiff/test_gradients.py",
    "tests/autodiff/test_while_grad.py", "tests/autodiff/test_nn_grad.py",
    "tests/training/test_optimizers.py", "tests/training/test_monitored_session.py",
]


def test_session_gradient_and_optimizer_suites_pass_with_concurrency_forced():
    """The executor's own suites again, every session's plans forced concurrent (the whole
    suite passes that way too: ``inter_op.force(2)`` before ``pytest.main``)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    code = ("import sys; from trainkit.client import inter_op; inter_op.force(2); "
            "import pytest; sys.exit(pytest.main(sys.argv[1:]))")
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.run([sys.executable, "-c", code, "-q", "-x", "-p", "no:cacheprovider",
                           *_FORCED_SUITES], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


def test_slots_are_freed_after_their_last_reader_whichever_thread_ran_it():
    R, S, W = sched_mod.RUN, sched_mod.SUBMIT, sched_mod.WAIT
    gr = _graph_of(5, {1: [0], 2: [0], 3: [1], 4: [0, 2]})
    where = [-1, -1, 0, -1, -1]
    instr = [(R, 0), (R, 1), (S, 2), (R, 3), (W, 2), (R, 4)]
    main, worker = sched_mod._frees(gr, instr, where)
    # slot 0 is read by 1, 2 (worker) and 4 (after the WAIT): the calling thread frees it
    # after RUN 4; slot 2 is read by 4 only; slot 1 by 3 only
    assert worker == {}
    assert main == [(), (), (), (1,), (), (0, 2)]
    gr = _graph_of(4, {1: [0], 2: [0], 3: [1]})
    instr = [(R, 0), (R, 1), (S, 2), (R, 3), (W, 2)]
    main, worker = sched_mod._frees(gr, instr, [-1, -1, 0, -1])
    # every other reader of slot 0 ran before step 2 was submitted: its worker frees it
    assert worker == {2: (0,)} and main == [(), (), (), (1,), ()]


def test_runs_from_several_threads_share_the_workers(forced):
    import threading

    forced(2)
    x = tk.placeholder(tk.float64, [6, 6])
    branches = [tk.matmul(tk.tanh(x * float(i)), x) for i in range(4)]
    out = tk.add_n(branches)
    sess = tk.Session()
    feeds = [np.random.RandomState(i).randn(6, 6) for i in range(4)]
    want = [sum(np.tanh(f * float(i)) @ f for i in range(4)) for f in feeds]
    bad: list = []

    def work(k):
        for _ in range(25):
            got = sess.run(out, {x: feeds[k]})
            if not np.allclose(got, want[k], rtol=1e-12, atol=1e-12):
                bad.append(k)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sess.close()
    assert not bad
