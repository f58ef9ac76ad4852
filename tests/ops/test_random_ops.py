"""Random ops: TF1 seed rules, replay across sessions, fresh draws within a session,
distribution statistics and bad input."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops import random_ops

N = 200_000


def _run_twice_in_new_sessions(t):
    with tk.Session() as a:
        x = a.run(t)
    with tk.Session() as b:
        y = b.run(t)
    return x, y


def test_get_seed_rules():
    assert random_ops.get_seed(None) == (None, None)
    assert random_ops.get_seed(5) == (random_ops.DEFAULT_GRAPH_SEED, 5)
    tk.set_random_seed(7)
    tk.constant(1.0)
    tk.constant(2.0)
    # TF 2.21's compat.v1: the k-th op seeded from the graph gets op seed k, however many
    # other ops the graph has (TF 1.x took the op count)
    assert random_ops.get_seed(None) == (7, 0)
    assert random_ops.get_seed(3) == (7, 3)
    tk.constant(3.0)
    assert random_ops.get_seed(None) == (7, 1)
    with tk.Graph().as_default():  # each graph counts from 0
        tk.set_random_seed(7)
        assert random_ops.get_seed(None) == (7, 0)
    assert random_ops.get_seed(None) == (7, 2)
    tk.set_random_seed(0)
    assert random_ops.get_seed(0) == (0, 2**31 - 1)
    assert tk.get_default_graph().seed == 0
    with pytest.raises(TypeError, match="seed must be an integer"):
        tk.set_random_seed(1.5)


def test_graph_seed_only_draws_tf2_numbers_whatever_ops_come_before():
    """TF 2.21 (tensorflow-cpu, tf.compat.v1, graph mode) gave these numbers: the two ops
    seeded from the graph get op seeds 0 and 1 after three constants (not TF 1.15's op-count
    rule, which would give 3 and 8 here)."""
    tk.set_random_seed(7)
    for value in (1.0, 2.0, 3.0):
        tk.constant(value)
    a = tk.random_normal([3])
    b = tk.random_uniform([2])
    with tk.Session() as s:
        np.testing.assert_allclose(s.run(a), [0.3536911, 0.6635877, -0.97749937], rtol=1e-6)
        np.testing.assert_allclose(s.run(b), [0.46037483, 0.9285182], rtol=1e-6)


def test_graph_seeded_ops_draw_tf_numbers():
    """CS20's ``05_randomization.py`` example 4 (after other ops, four of them random
    with op seed 2): TF 2.21 gives op seeds (2, 0) and (2, 1) and these values (the
    script's comments, 9.123926 and -4.5340395, are TF 1.x's, which counted ops)."""
    for _ in range(4):
        tk.random_uniform([], -10, 10, seed=2)
    tk.set_random_seed(2)
    c = tk.random_uniform([], -10, 10)
    d = tk.random_uniform([], -10, 10)
    with tk.Session() as s:
        got = s.run([c, d])
    np.testing.assert_allclose(got, [6.5812798, -5.2316904], rtol=1e-6)


def test_same_seeds_replay_in_new_session_and_draw_fresh_within_session():
    tk.set_random_seed(1)
    t = tk.random_normal([4], seed=3)
    with tk.Session() as a:
        first, second = a.run(t), a.run(t)
    with tk.Session() as b:
        again = b.run(t)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(first, again)


def test_graph_seed_only_is_deterministic_across_rebuilt_graphs():
    def build():
        g = tk.Graph()
        with g.as_default():
            tk.set_random_seed(42)
            tk.constant(0.0)
            t = tk.random_uniform([5])
        with tk.Session(graph=g) as s:
            return s.run(t)

    np.testing.assert_array_equal(build(), build())


def test_different_op_seeds_differ_and_same_op_seed_matches():
    a = tk.random_normal([6], seed=1)
    b = tk.random_normal([6], seed=2)
    c = tk.random_normal([6], seed=1)
    with tk.Session() as s:
        va, vb, vc = s.run([a, b, c])
    assert not np.array_equal(va, vb)
    np.testing.assert_array_equal(va, vc)


def test_unseeded_ops_differ_between_sessions():
    x, y = _run_twice_in_new_sessions(tk.random_uniform([8]))
    assert not np.array_equal(x, y)


def test_random_normal_statistics_and_dtype():
    t = tk.random_normal([N], mean=2.0, stddev=3.0, seed=1, dtype=tk.float64)
    with tk.Session() as s:
        x = s.run(t)
    assert x.dtype == np.float64 and x.shape == (N,)
    assert abs(x.mean() - 2.0) < 0.03 and abs(x.std() - 3.0) < 0.03


def test_truncated_normal_is_bounded():
    t = tk.truncated_normal([N], mean=1.0, stddev=2.0, seed=2)
    with tk.Session() as s:
        x = s.run(t)
    assert x.dtype == np.float32
    assert x.min() >= 1.0 - 4.0 and x.max() <= 1.0 + 4.0
    assert abs(x.mean() - 1.0) < 0.02 and abs(x.std() - 2.0 * 0.8796) < 0.02


def test_random_uniform_floats_and_ints():
    f = tk.random_uniform([N], minval=-1.0, maxval=3.0, seed=3)
    i = tk.random_uniform([N], minval=2, maxval=5, dtype=tk.int32, seed=4)
    with tk.Session() as s:
        x, k = s.run([f, i])
    assert x.min() >= -1.0 and x.max() < 3.0 and abs(x.mean() - 1.0) < 0.02
    assert k.dtype == np.int32 and set(np.unique(k)) == {2, 3, 4}
    with pytest.raises(ValueError, match="Must specify maxval for integer dtype"):
        tk.random_uniform([2], dtype=tk.int32)
    with pytest.raises(ValueError, match="dtype"):
        tk.random_uniform([2], dtype=tk.string)


def test_shape_may_be_a_tensor():
    p = tk.placeholder(tk.int32, [2])
    t = tk.random_normal(p, seed=5)
    assert t.shape.as_list() == [None, None]
    with tk.Session() as s:
        assert s.run(t, {p: [3, 2]}).shape == (3, 2)
    with pytest.raises(ValueError, match="fully defined"):
        tk.random_normal([None, 2])
    with pytest.raises(ValueError, match="floating point"):
        tk.random_normal([2], dtype=tk.int32)


def test_static_shape_from_a_partly_known_shape_tensor():
    """The static shapes TF 2.21 (tf.compat.v1, graph mode) gives: the entries of a shape
    tensor known at build time (constants in a ``tf.stack``, a ``tf.shape`` of a partly
    known tensor) are kept, the others unknown."""
    x = tk.placeholder(tk.float32, [None, 3])
    s = tk.stack([tk.shape(x)[0], 2])
    assert tk.random_normal(s).shape.as_list() == [None, 2]
    assert tk.random_uniform(s).shape.as_list() == [None, 2]
    assert tk.truncated_normal(s).shape.as_list() == [None, 2]
    ints = tk.random_uniform(tk.stack([4, tk.shape(x)[0]]), maxval=3, dtype=tk.int32)
    assert ints.shape.as_list() == [4, None]
    assert tk.random_normal(tk.shape(x)).shape.as_list() == [None, 3]
    assert tk.random.stateless_normal(s, seed=[1, 2]).shape.as_list() == [None, 2]
    with tk.Session() as sess:
        assert sess.run(tk.random_normal(s), {x: np.zeros((5, 3))}).shape == (5, 2)


def test_random_shuffle_permutes_rows():
    x = np.arange(20).reshape(10, 2)
    t = tk.random_shuffle(tk.constant(x), seed=6)
    with tk.Session() as s:
        a, b = s.run(t), s.run(t)
    assert sorted(map(tuple, a)) == sorted(map(tuple, x))
    assert not np.array_equal(a, x) or not np.array_equal(b, x)


def test_seeded_random_shuffle_draws_tfs_permutations():
    """TF 2.21 (compat.v1, CPU) for the same seeds: the Fisher-Yates swaps of its
    ``RandomShuffle`` kernel over the op's Philox stream, run after run; a one-row input
    draws nothing (the next run shuffles as a first run would)."""
    with tk.Graph().as_default():
        tk.set_random_seed(0)
        graph_seeded = tk.random_shuffle(tk.range(10))
        op_seeded = tk.random_shuffle(tk.range(10), seed=3)
        rows = tk.random_shuffle(tk.reshape(tk.range(12), [6, 2]), seed=5)
        with tk.Session() as s:
            first, second = s.run([graph_seeded, op_seeded]), s.run([graph_seeded, op_seeded])
            got_rows = s.run(rows)
    fed = tk.placeholder(tk.int64, [None])  # no graph seed from here on
    per_feed = tk.random_shuffle(fed, seed=11)
    big = tk.random_shuffle(tk.range(1000), seed=7)
    strings = tk.random_shuffle(tk.constant(["a", "b", "c", "d"]), seed=2)
    with tk.Session() as s:
        got_big, got_strings = s.run([big, strings])
        fed_runs = [s.run(per_feed, {fed: v}).tolist()
                    for v in ([5], np.arange(6), np.arange(6))]
    assert [a.tolist() for a in first] == [[2, 0, 5, 8, 7, 1, 9, 6, 3, 4],
                                           [2, 5, 6, 8, 4, 3, 9, 1, 0, 7]]
    assert [a.tolist() for a in second] == [[2, 9, 4, 7, 1, 8, 5, 6, 0, 3],
                                            [2, 4, 8, 3, 1, 0, 5, 6, 7, 9]]
    assert got_rows.tolist() == [[0, 1], [10, 11], [6, 7], [2, 3], [8, 9], [4, 5]]
    assert got_big[:12].tolist() == [687, 497, 319, 923, 104, 803, 576, 88, 324, 11, 90,
                                      546]
    assert sorted(got_big.tolist()) == list(range(1000))
    assert got_strings.tolist() == [b"d", b"b", b"c", b"a"]
    assert fed_runs == [[5], [5, 3, 1, 2, 0, 4], [2, 1, 5, 0, 3, 4]]


def test_seeded_string_input_producer_reads_files_in_tfs_order():
    """``string_input_producer`` shuffles each epoch with ``random_shuffle``: with a seed
    the file order is TF 2.21's."""
    queue = tk.train.string_input_producer(["f0", "f1", "f2", "f3", "f4"], seed=4)
    name = queue.dequeue()
    with tk.Session() as s:
        coord = tk.train.Coordinator()
        threads = tk.train.start_queue_runners(s, coord)
        order = [s.run(name) for _ in range(10)]
        coord.request_stop()
        coord.join(threads)
    assert order == [b"f0", b"f4", b"f2", b"f1", b"f3", b"f0", b"f2", b"f3", b"f1", b"f4"]


def test_multinomial_frequencies():
    logits = np.log(np.array([[0.2, 0.8], [0.9, 0.1]]))
    t = tk.multinomial(tk.constant(logits, dtype=tk.float32), 20_000, seed=7)
    with tk.Session() as s:
        x = s.run(t)
    assert x.shape == (2, 20_000) and x.dtype == np.int64
    assert abs((x[0] == 1).mean() - 0.8) < 0.02 and abs((x[1] == 0).mean() - 0.9) < 0.02
    with pytest.raises(ValueError, match="2-D"):
        tk.multinomial(tk.constant([1.0]), 2)


def test_seeded_multinomial_draws_tf_classes():
    """A seeded ``tf.multinomial`` / ``tf.random.categorical`` gives TF's classes: the
    values are TF 2.21's (``tf.compat.v1``, CPU) for the same graph, run by run (the op's
    Philox stream moves on between runs; non-finite logits are never drawn)."""
    x = np.array([[0.1, 0.5, -0.3, 2.0, 0.0]], np.float32)
    with tk.Graph().as_default():
        logits = tk.placeholder(tk.float32, [None, 5])
        one = tk.multinomial(tk.exp(logits / 1.5), 1, seed=7)[:, 0]
        three = tk.multinomial(logits, 3, seed=7)
        with tk.Session() as s:
            ones = [s.run(one, {logits: x}).tolist() for _ in range(6)]
            threes = [s.run(three, {logits: np.vstack([x, x])}).tolist() for _ in range(2)]
    assert ones == [[3], [3], [4], [1], [4], [3]]
    assert threes == [[[3, 0, 3], [3, 1, 3]], [[4, 3, 3], [3, 3, 4]]]
    with tk.Graph().as_default():
        tk.set_random_seed(3)
        lg = tk.constant([[0.0, -np.inf, 1.0, 0.5], [2.0, 2.0, -1.0, -np.inf],
                          [0.3, 0.1, 0.2, 0.0]], tk.float64)
        t = tk.random.categorical(lg, 5, dtype=tk.int32, seed=11)
        with tk.Session() as s:
            got = [s.run(t) for _ in range(2)]
    assert got[0].dtype == np.int32
    assert [g.tolist() for g in got] == [
        [[2, 3, 0, 0, 3], [1, 0, 0, 1, 0], [0, 1, 2, 0, 2]],
        [[2, 2, 3, 3, 3], [1, 0, 1, 1, 0], [0, 2, 2, 0, 1]]]


def test_random_facade():
    assert tk.random.normal is tk.random_normal and tk.random.set_seed is tk.set_random_seed
    t = tk.random.categorical(tk.constant([[0.0, 0.0]]), 3, seed=1)
    assert t.shape.as_list() == [1, 3]


def test_shape_lists_holding_tensors_are_packed():
    """``[tf.shape(x)[0], 1, 1, 1]`` as a shape (NASNet's drop path), TF 2.21: static
    shapes (None, 1, 1, 1) and (None, 2), the packed shape named ``<op>/shape``, and the
    run-time batch of 3 in every output."""
    x = tk.placeholder(tk.float32, [None, 3])
    b = tk.shape(x)[0]
    outs = [tk.random.uniform([b, 1, 1, 1]), tk.random_normal((b, 2)),
            tk.truncated_normal([b, 2]), tk.random_uniform([b, 2], maxval=5, dtype=tk.int32)]
    assert [o.shape.as_list() for o in outs] == [[None, 1, 1, 1]] + [[None, 2]] * 3
    assert outs[0].op.inputs[0].op.name == "random_uniform/shape"
    assert outs[0].op.inputs[0].op.type == "Pack"
    with tk.Session() as sess:
        got = sess.run(outs, {x: np.zeros([3, 3])})
    assert [v.shape for v in got] == [(3, 1, 1, 1), (3, 2), (3, 2), (3, 2)]
