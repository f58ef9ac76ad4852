"""Stateless random ops give TF's bits: every case in
``fixtures/stateless_random_tf221.json`` was recorded once with TF 2.21
(``tf.compat.v1``, graph mode, CPU) as dtype, shape and the SHA-256 of the value's bytes
(the categorical and shifted/scaled cases also as values). Philox itself is checked
against the published known-answer vectors of Random123."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tf
from trainkit.ops.philox import blocks

TF = json.loads((Path(__file__).parent / "fixtures" / "stateless_random_tf221.json")
                .read_text())
SEEDS = {"s12": [1, 2], "s00": [0, 0], "sneg": [-1, 2**31 - 1],
         "s64": np.array([2**40 + 3, -5], np.int64)}
SHAPES = {"sc": [], "v3": [3], "v5": [5], "m237": [2, 3, 7], "v1001": [1001]}


def _run(t):
    with tf.Session() as s:
        return s.run(t)


def _same_as_tf(key, value):
    ref = TF[key]
    v = np.asarray(value)
    assert str(v.dtype) == ref["dtype"] and list(v.shape) == ref["shape"], key
    assert hashlib.sha256(v.tobytes()).hexdigest() == ref["sha256"], key


def test_philox_known_answers():
    # Random123's kat_vectors for philox4x32_10.
    assert blocks((0, 0), (0, 0, 0, 0), 1)[0].tolist() == [
        0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]
    assert blocks((0xFFFFFFFF,) * 2, (0xFFFFFFFF,) * 4, 1)[0].tolist() == [
        0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]
    got = blocks((0xA4093822, 0x299F31D0), (0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344),
                 1)[0]
    assert got.tolist() == [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_philox_known_answers_on_each_backend(backend):
    """The compiled Philox loop (``ops/jit.py``) gives the NumPy rounds' words: Random123's
    answers, long streams, block numbers near the 64-bit end and counter carries."""
    if backend == "numba":
        pytest.importorskip("numba")
    from trainkit.ops import jit
    prev = jit.set_backend(backend)
    try:
        test_philox_known_answers()
        test_counter_carries_into_the_high_words()
        key, ctr = (0x12345678, 0x9ABCDEF0), (0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 7)
        got = [blocks(key, ctr, 5000, 3),
               blocks(key, ctr, 0, np.array([0, 2**33 + 1, 2**64 - 1], np.uint64))]
        jit.set_backend("numpy")
        want = [blocks(key, ctr, 5000, 3),
                blocks(key, ctr, 0, np.array([0, 2**33 + 1, 2**64 - 1], np.uint64))]
    finally:
        jit.set_backend(prev)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_counter_carries_into_the_high_words():
    ctr = (0xFFFFFFFF, 0xFFFFFFFF, 5, 0)
    assert blocks((1, 2), ctr, 1, start=1)[0].tolist() == blocks((1, 2), (0, 0, 6, 0), 1)[
        0].tolist()


def test_first_values_as_printed_by_tf():
    u = _run(tf.random.stateless_uniform([5], seed=[1, 2]))
    np.testing.assert_array_equal(u, np.array(
        [0.8440604209899902, 0.19204533100128174, 0.9962232112884521, 0.16038739681243896,
         0.27199018001556396], np.float32))
    n = _run(tf.random.stateless_normal([3], seed=[1, 2], dtype=tf.float64))
    np.testing.assert_array_equal(n, [-0.1423118100189212, 0.7406072461585091,
                                      -1.469047669443883])
    t = _run(tf.random.stateless_truncated_normal([5], seed=[0, 0]))
    np.testing.assert_array_equal(t, np.array(
        [-1.6970340013504028, -0.4813767075538635, -0.6622369289398193, 0.0870111882686615,
         -0.2657979428768158], np.float32))
    i = _run(tf.random.stateless_uniform([5], seed=[1, 2], minval=-5, maxval=17,
                                         dtype=tf.int32))
    assert i.tolist() == [-1, 0, 7, 12, 2]


@pytest.mark.parametrize("sk", list(SEEDS))
def test_float_distributions_bitwise(sk):
    seed = SEEDS[sk]
    cases = {}
    with tf.Graph().as_default():
        for shk, sh in SHAPES.items():
            for dt in ("float32", "float64", "float16"):
                cases[f"u/{sk}/{shk}/{dt}"] = tf.random.stateless_uniform(sh, seed, dtype=dt)
                cases[f"n/{sk}/{shk}/{dt}"] = tf.random.stateless_normal(sh, seed, dtype=dt)
                cases[f"t/{sk}/{shk}/{dt}"] = tf.random.stateless_truncated_normal(
                    sh, seed, dtype=dt)
        got = _run(cases)
    for k, v in got.items():
        _same_as_tf(k, v)


@pytest.mark.parametrize("sk", list(SEEDS))
def test_integer_distributions_bitwise(sk):
    seed = SEEDS[sk]
    cases = {}
    with tf.Graph().as_default():
        for shk, sh in SHAPES.items():
            cases[f"i32/{sk}/{shk}"] = tf.random.stateless_uniform(
                sh, seed, minval=-5, maxval=17, dtype=tf.int32)
            cases[f"i64/{sk}/{shk}"] = tf.random.stateless_uniform(
                sh, seed, minval=-(2**40), maxval=2**41 + 7, dtype=tf.int64)
            for dt in ("int32", "int64"):  # (trainkit has no uint32/uint64 dtypes)
                cases[f"full/{dt}/{sk}/{shk}"] = tf.random.stateless_uniform(
                    sh, seed, minval=None, maxval=None, dtype=dt)
        got = _run(cases)
    for k, v in got.items():
        _same_as_tf(k, v)


def test_bounds_mean_and_stddev_as_tf():
    with tf.Graph().as_default():
        got = _run({
            "u_range": tf.random.stateless_uniform([4, 3], seed=[7, 8], minval=-2.5,
                                                   maxval=3.0),
            "n_ms": tf.random.stateless_normal([4, 3], seed=[7, 8], mean=1.5, stddev=0.25,
                                               dtype=tf.float64),
            "t_ms": tf.random.stateless_truncated_normal([4, 3], seed=[7, 8], mean=-1.0,
                                                         stddev=3.0)})
    for k, v in got.items():
        _same_as_tf(k, v)
    t = got["t_ms"]
    assert (np.abs(t + 1.0) < 6.0).all()


def test_categorical_as_tf():
    lg = np.array([[0.1, 2.0, -1.0, 0.5], [-np.inf, 0.0, 0.0, 1.0], [3.0, 3.0, 3.0, 3.0]],
                  np.float32)
    with tf.Graph().as_default():
        cases = {
            "cat": tf.random.stateless_categorical(lg, 13, seed=[5, 6]),
            "cat32": tf.random.stateless_categorical(lg.astype(np.float64), 7, seed=[-3, 9],
                                                     dtype=tf.int32),
            "cat_big": tf.random.stateless_categorical(
                np.linspace(-2, 2, 50, dtype=np.float32)[None], 500, seed=[11, 12]),
            "mult": tf.random.stateless_multinomial(lg, 5, seed=[1, 1]),
        }
        assert cases["cat"].shape.as_list() == [3, 13]
        got = _run(cases)
    for k, v in got.items():
        _same_as_tf(k, v)
        assert v.tolist() == TF[k]["values"]
    assert (got["cat"][1] != 0).all()  # a -inf logit is never drawn


def test_categorical_many_rows_as_tf():
    # TF 2.21 gave these same values with 1, 2 and 4 intra-op threads.
    lg = np.random.default_rng(0).normal(size=(64, 100)).astype(np.float32)
    with tf.Graph().as_default():
        _same_as_tf("cat_rows", _run(tf.random.stateless_categorical(lg, 1000, seed=[3, 4])))


def test_contrib_names_are_the_same_ops():
    with tf.Graph().as_default():
        a = tf.contrib.stateless.stateless_random_uniform([4], seed=[3, 4])
        b = tf.random.stateless_uniform([4], seed=[3, 4])
        c = tf.contrib.stateless.stateless_random_normal([4], seed=[3, 4])
        d = tf.random.stateless_normal([4], seed=[3, 4])
        va, vb, vc, vd = _run([a, b, c, d])
    np.testing.assert_array_equal(va, vb)
    np.testing.assert_array_equal(vc, vd)


def test_same_seed_same_values_in_any_session_and_graph_seed():
    with tf.Graph().as_default():
        tf.set_random_seed(99)
        x = tf.random.stateless_normal([6], seed=[4, 4])
        with tf.Session() as s:
            first, again = s.run(x), s.run(x)
    with tf.Graph().as_default():
        y = tf.random.stateless_normal([6], seed=[4, 4])
        other = _run(y)
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(first, other)


def test_no_gradient_to_the_seed_but_to_mean_and_stddev():
    with tf.Graph().as_default():
        seed = tf.placeholder(tf.int32, [2])
        mean = tf.placeholder(tf.float32, [])
        std = tf.constant(2.0)
        y = tf.random.stateless_normal([3], seed=seed, mean=mean, stddev=std)
        assert tf.gradients(y, seed) == [None]
        g_mean, g_std = tf.gradients(tf.reduce_sum(y), [mean, std])
        rnd = tf.random.stateless_normal([3], seed=seed)
        with tf.Session() as s:
            gm, gs, r = s.run([g_mean, g_std, rnd], {seed: [1, 2], mean: 1.0})
    assert gm == 3.0
    np.testing.assert_allclose(gs, r.sum(), rtol=1e-6)


def test_bad_seeds_are_typed_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Dimension must be 2 but is 3"):
            tf.random.stateless_normal([2], seed=[1, 2, 3])
        with pytest.raises(ValueError, match="rank 1 but is rank 0"):
            tf.random.stateless_uniform([2], seed=5)
        with pytest.raises(ValueError, match="rank 1 but is rank 2"):
            tf.random.stateless_uniform([2], seed=[[1, 2]])
        with pytest.raises(TypeError, match="int32, int64"):
            tf.random.stateless_normal([2], seed=[1.0, 2.0])
        p = tf.placeholder(tf.int32)
        x = tf.random.stateless_normal([2], seed=p)
        with tf.Session() as s:
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"shape \[2\], not \[3\]"):
                s.run(x, {p: [1, 2, 3]})
            with pytest.raises(tf.errors.InvalidArgumentError, match="seed must have shape"):
                s.run(x, {p: 4})


def test_bad_arguments():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="both None or not None"):
            tf.random.stateless_uniform([2], seed=[1, 2], dtype=tf.int32)
        with pytest.raises(ValueError, match="invalid value int16"):
            tf.random.stateless_uniform([2], seed=[1, 2], minval=0, maxval=3, dtype=tf.int16)
        with pytest.raises(ValueError, match="invalid value int32"):
            tf.random.stateless_normal([2], seed=[1, 2], dtype=tf.int32)
        with pytest.raises(ValueError, match="rank 2"):
            tf.random.stateless_categorical([1.0, 2.0], 3, seed=[1, 2])
        with pytest.raises(ValueError, match="int32, int64"):
            tf.random.stateless_categorical([[1.0, 2.0]], 3, seed=[1, 2], dtype=tf.float32)
        lo = tf.placeholder(tf.int32)
        z = tf.random.stateless_uniform([2], seed=[1, 2], minval=lo, maxval=3, dtype=tf.int32)
        empty = tf.random.stateless_uniform([0], seed=[1, 2], minval=5, maxval=3,
                                            dtype=tf.int32)
        none = tf.random.stateless_categorical(np.zeros((2, 0), np.float32), 3, seed=[1, 2])
        with tf.Session() as s:
            with pytest.raises(tf.errors.InvalidArgumentError, match="minval < maxval"):
                s.run(z, {lo: 3})
            with pytest.raises(tf.errors.InvalidArgumentError, match="0-D"):
                s.run(z, {lo: [1]})
            assert s.run(empty).shape == (0,)
            with pytest.raises(tf.errors.InvalidArgumentError, match="num_classes"):
                s.run(none)


def test_unknown_shape_and_moments():
    with tf.Graph().as_default():
        sp = tf.placeholder(tf.int32, [None])
        w = tf.random.stateless_uniform(sp, seed=[1, 2])
        big = tf.random.stateless_normal([20000], seed=[9, 9])
        with tf.Session() as s:
            assert s.run(w, {sp: [2, 3]}).shape == (2, 3)
            b = s.run(big)
            with pytest.raises(tf.errors.InvalidArgumentError):
                s.run(w, {sp: [-1, 2]})
    assert abs(b.mean()) < 0.03 and abs(b.std() - 1) < 0.03
