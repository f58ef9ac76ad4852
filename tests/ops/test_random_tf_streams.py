"""Seeded stateful random ops and dropout draw TF's numbers, run after run.

Every expected value below was computed with TensorFlow 2.21 (CPU,
``tf.compat.v1`` with ``disable_eager_execution()``), running the same graph-building
calls in a new graph and fetching each tensor twice in one session (two runs of the op).
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops.philox_stream import PhiloxStream, restore_stream, stream_state

U = [[0.4839409589767456, 0.5062030553817749, 0.25514376163482666, 0.12474226951599121,
      0.9330101013183594, 0.6646093130111694, 0.22922444343566895, 0.8442271947860718,
      0.7691035270690918, 0.5511230230331421, 0.9364590644836426, 0.10922825336456299,
      0.8274022340774536, 0.16611576080322266, 0.16201579570770264],
     [0.5340970754623413, 0.6060961484909058, 0.8711854219436646, 0.4338310956954956,
      0.19643807411193848, 0.3167307376861572, 0.514641523361206, 0.2831975221633911,
      0.5396326780319214, 0.6776883602142334, 0.9604417085647583, 0.4149634838104248,
      0.538287878036499, 0.4418680667877197, 0.3201179504394531]]


def _two_runs(t, feed=None):
    with tk.Session() as sess:
        return [sess.run(t, feed) for _ in range(2)]


def test_seeded_uniform_is_tfs_run_after_run_and_replays_in_a_new_session():
    u = tk.random_uniform([3, 5], seed=7)
    first, second = _two_runs(u)
    np.testing.assert_array_equal(first.ravel(), np.float32(U[0]))
    np.testing.assert_array_equal(second.ravel(), np.float32(U[1]))
    with tk.Session() as sess:
        np.testing.assert_array_equal(sess.run(u), first)


def test_seeded_normal_truncated_and_int_draws_are_tfs():
    n64 = tk.random_normal([3], dtype=tk.float64, seed=7)
    t = tk.truncated_normal([2, 5], seed=3)
    t64 = tk.truncated_normal([5], dtype=tk.float64, seed=3)
    i64 = tk.random_uniform([5], -3, 100, dtype=tk.int64, seed=5)
    u16 = tk.random_uniform([6], dtype=tk.float16, seed=7)
    with tk.Session() as sess:
        got = [sess.run([n64, t, t64, i64, u16]) for _ in range(2)]
    np.testing.assert_array_equal(got[0][0], [0.1340862416655279, 0.5069857732211678,
                                              -1.0712938719508789])
    np.testing.assert_array_equal(got[1][0], [-0.012446957525296098, -2.5874862589485406,
                                              -0.4790484190692012])
    np.testing.assert_array_equal(got[0][1].ravel(), np.float32(
        [1.0616620779037476, -0.8785783052444458, 0.11187215894460678, 0.18511717021465302,
         -0.16233478486537933, -0.8913859724998474, -0.8166395425796509, 0.6149268746376038,
         0.8271171450614929, 1.60552179813385]))
    np.testing.assert_array_equal(got[1][2], [-0.4602690385384508, -0.3790285127776757,
                                              -1.6941140643363706, 0.4924922811580224,
                                              -0.13751676387516226])
    assert got[0][3].tolist() == [85, 51, 29, 7, 7] and got[1][3].tolist() == [13, 17, 99,
                                                                                53, 27]
    np.testing.assert_array_equal(got[1][4], np.float16(
        [0.146484375, 0.2705078125, 0.85546875, 0.658203125, 0.9580078125, 0.3525390625]))


def test_a_large_truncated_normal_is_tfs():
    """``convolutional.py``'s fc1 initializer's shape class: 21,000 values, TF's sum and
    two values."""
    v = _two_runs(tk.truncated_normal([300, 70], seed=66478))[0]
    assert float(v.sum()) == pytest.approx(194.44784545898438, rel=1e-6)
    assert v[123, 45] == np.float32(-0.19013920426368713)
    assert v[-1, -1] == np.float32(0.41688698530197144)


def test_seeds_are_truncated_as_tf_does():
    """TF takes both seeds modulo 2**31 - 1: an op seed of -5 is 2147483642."""
    u = tk.random_uniform([3], seed=-5)
    assert u.op.get_attr("seed2") == 2**31 - 6
    np.testing.assert_array_equal(_two_runs(u)[1], np.float32(
        [0.4070802927017212, 0.48130083084106445, 0.6172125339508057]))
    tk.set_random_seed(2**31 - 1)  # the graph seed too: 0
    assert tk.random_uniform([1], seed=3).op.get_attr("seed") == 0


def test_graph_seed_with_op_seed_is_tfs():
    tk.set_random_seed(1)
    a = tk.random_uniform([3], seed=2)
    np.testing.assert_array_equal(_two_runs(a)[0], np.float32(
        [0.406396746635437, 0.8575996160507202, 0.05539584159851074]))


THREE_BY_07 = np.float32(3) / (np.float32(1) - (np.float32(1) - np.float32(0.7)))


def _mask(bits, value):
    return np.where(np.array([int(b) for b in bits]) == 1, np.float32(value), np.float32(0))


def test_seeded_dropout_masks_are_tfs():
    x = tk.ones([4, 6])
    half = tk.nn.dropout(x, 0.5, seed=9)
    kp = tk.placeholder(tk.float32, [])
    fed = tk.nn.dropout(x * 3.0, keep_prob=kp, seed=9)
    rows = tk.nn.dropout(x, rate=0.25, noise_shape=[4, 1], seed=2)
    a, b = _two_runs(half)
    np.testing.assert_array_equal(a.ravel(), _mask("000001110011110010100100", 2.0))
    np.testing.assert_array_equal(b.ravel(), _mask("100010100001101000100111", 2.0))
    c, d = _two_runs(fed, {kp: 0.7})
    np.testing.assert_array_equal(c.ravel(), _mask("110101110011110110100111", THREE_BY_07))
    np.testing.assert_array_equal(d.ravel(), _mask("110111100101111001101111", THREE_BY_07))
    e, f = _two_runs(rows)
    np.testing.assert_array_equal(e, np.full((4, 6), np.float32(4 / 3)))
    np.testing.assert_array_equal(f.ravel(), _mask("1" * 12 + "0" * 12, 4 / 3))


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_seeded_dropout_masks_are_tfs_on_each_backend(backend):
    """The compiled mask loop (``uniform_at_least``) and threaded Philox blocks give the
    NumPy path's masks: TF's known masks above, and a large mask bit for bit at rates
    whose threshold falls on and between the 2^-23 steps of the uniforms."""
    if backend == "numba":
        pytest.importorskip("numba")
    from trainkit.ops import jit
    prev = jit.set_backend(backend)
    try:
        test_seeded_dropout_masks_are_tfs()
        got = _large_masks()
        jit.set_backend("numpy")
        want = _large_masks()
    finally:
        jit.set_backend(prev)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def _large_masks() -> list:
    with tk.Graph().as_default():
        x = tk.ones([300, 257])
        rate = tk.placeholder(tk.float32, [])
        out = tk.nn.dropout(x, rate=rate, seed=5)
        with tk.Session() as sess:
            return [sess.run(out, {rate: r}) for r in
                    (0.5, 0.3, 1.0 - 2.0 ** -23, 2.0 ** -23, 1.5 * 2.0 ** -23, 0.0)]


def test_dropout_keep_prob_one_is_x_itself():
    """TF returns ``x`` for a Python rate of 0 (no random op at all)."""
    x = tk.ones([3])
    assert tk.nn.dropout(x, keep_prob=1.0) is x
    assert tk.nn.dropout(x, rate=0.0) is x


def test_seeded_stream_survives_a_checkpoint_as_tf_would_continue(tmp_path):
    u = tk.random_uniform([3, 5], seed=7)
    tk.Variable(0.0, name="v")
    saver = tk.train.Saver()
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(u)
        path = saver.save(sess, str(tmp_path / "m"))
    with tk.Session() as resumed:
        saver.restore(resumed, path)
        np.testing.assert_array_equal(resumed.run(u).ravel(), np.float32(U[1]))


def test_stream_state_round_trip_and_bad_states():
    s = PhiloxStream(-3, 2**40 + 5)
    s.reserve(10)
    t = restore_stream(stream_state(s))
    assert (t.key, t.counter) == (s.key, s.counter)
    assert t.reserve(1) == s.reserve(1)
    gen = np.random.Generator(np.random.PCG64(4))
    assert restore_stream(stream_state(gen)).random() == gen.random()
    with pytest.raises(ValueError, match="unsupported bit generator 'MT19937'"):
        restore_stream({"bit_generator": "MT19937"})
    with pytest.raises(KeyError):  # the saver reports these as DataLossError
        restore_stream({"bit_generator": "TFPhilox", "key": [1, 2]})
    with pytest.raises(ValueError):
        restore_stream({"bit_generator": "TFPhilox", "key": ["x", 2], "counter": "1"})
