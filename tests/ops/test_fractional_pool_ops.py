"""``tk.nn.fractional_max_pool`` / ``fractional_avg_pool``: the pooling sequences follow
TF's generation rules (TF draws them from its Philox stream, which trainkit cannot match),
and for the sequences TF 2.21 drew (seeded, recorded below by
tests/ops/data/make_nn_extras_reference.py) the pooled values and both gradient ops
equal TF 2.21's (shape, sum, index-weighted sum); finite differences check the rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad
from trainkit.ops import fractional_sequences as fs
from trainkit.ops.fractional_pool_ops import (
    fractional_avg_pool_grad,
    fractional_max_pool_grad,
)

RNG = np.random.default_rng(11)
X = np.round(RNG.normal(size=(2, 11, 9, 2)) * 2) / 2  # halves: windows hold ties
DY = RNG.uniform(0.5, 1.5, size=(2, 11, 9, 2))
RATIO = [1.0, 1.6, 1.3, 1.0]

TF = {  # TF 2.21, seed=5, seed2=9: (rows, cols, output fp, d/dinput fp); key kind_<pr><ov>
    'max_00': ([0, 2, 4, 5, 7, 9, 11], [0, 2, 4, 6, 7, 8, 9], ((2, 6, 6, 2), 104.0, 7738.5),
               ((2, 11, 9, 2), 143.19594109989748, 28251.470547091147)),
    'max_01': ([0, 2, 4, 5, 7, 9, 11], [0, 2, 4, 6, 7, 8, 9],
               ((2, 6, 6, 2), 177.0, 12963.0),
               ((2, 11, 9, 2), 143.19594109989748, 29330.818160062285)),
    'max_10': ([0, 2, 4, 6, 8, 10, 11], [0, 2, 3, 5, 6, 8, 9],
               ((2, 6, 6, 2), 106.0, 7337.5),
               ((2, 11, 9, 2), 143.19594109989745, 29369.843275283994)),
    'max_11': ([0, 2, 4, 6, 8, 10, 11], [0, 2, 3, 5, 6, 8, 9],
               ((2, 6, 6, 2), 167.0, 11499.0),
               ((2, 11, 9, 2), 143.19594109989748, 30432.587331788538)),
    'avg_00': ([0, 2, 4, 5, 7, 9, 11], [0, 2, 4, 6, 7, 8, 9],
               ((2, 6, 6, 2), 13.125, 1113.0),
               ((2, 11, 9, 2), 143.19594109989748, 28562.46948319838)),
    'avg_01': ([0, 2, 4, 5, 7, 9, 11], [0, 2, 4, 6, 7, 8, 9],
               ((2, 6, 6, 2), 13.652777777777779, 1118.125),
               ((2, 11, 9, 2), 143.19594109989748, 29728.22114255852)),
    'avg_10': ([0, 2, 4, 6, 8, 10, 11], [0, 2, 3, 5, 6, 8, 9],
               ((2, 6, 6, 2), 2.0, 158.25),
               ((2, 11, 9, 2), 143.19594109989748, 29689.21168045745)),
    'avg_11': ([0, 2, 4, 6, 8, 10, 11], [0, 2, 3, 5, 6, 8, 9],
               ((2, 6, 6, 2), 5.638888888888889, 284.2777777777778),
               ((2, 11, 9, 2), 143.19594109989748, 30854.963339817594)),
}
# TF's raw FractionalMaxPoolGrad / FractionalAvgPoolGrad on hand-picked sequences.
RAW_ROWS, RAW_COLS = [0, 3, 4, 6, 9, 11], [0, 1, 3, 5, 9]
TF_RAW = {False: [((2, 11, 9, 2), 74.6516760599369, 14266.684256416613),
                  ((2, 11, 9, 2), 74.6516760599369, 14490.7260154266)],
          True: [((2, 11, 9, 2), 74.6516760599369, 14905.822014576283),
                 ((2, 11, 9, 2), 74.6516760599369, 15086.08239008623)]}
# Pseudo-random sequences TF 2.21 drew for a 40 x 37 input (ratios q and q + 0.2).
TF_PSEUDO = [
    [[0, 1, 3, 4, 5, 7, 8, 9, 11, 12, 13, 15, 16, 17, 19, 20, 21, 23, 24, 25, 27, 28, 29, 31,
      32, 33, 35, 36, 37, 39, 40],
     [0, 1, 3, 4, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 23, 24, 26, 28, 29, 31, 32, 34,
      35, 37]],
    [[0, 2, 4, 6, 8, 9, 11, 13, 15, 16, 18, 20, 22, 23, 25, 27, 28, 30, 32, 34, 35, 37, 39,
      40],
     [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 37]],
    [[0, 2, 5, 7, 10, 12, 15, 17, 20, 22, 25, 27, 30, 32, 35, 37, 40],
     [0, 3, 6, 9, 12, 15, 17, 20, 23, 26, 29, 32, 35, 37]],
    [[0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40], [0, 4, 8, 13, 17, 21, 25, 29, 33, 37]]]


def _fp(a):
    a = np.asarray(a, np.float64)
    return (a.shape, a.sum(), (a.ravel() * np.arange(a.size)).sum())


def _assert_fp(got, want):
    shape, total, weighted = _fp(got)
    assert shape == want[0]
    np.testing.assert_allclose([total, weighted], want[1:], rtol=1e-12)


def _is_pseudo_random(seq):
    """True when some ``u`` in ``[0, u_max)`` gives ``seq[i] = ceil(alpha (i + u)) - 1``
    for every inner boundary (TF's pseudo-random rule)."""
    n, m = seq[-1], len(seq) - 1
    alpha, k = n / m, n // m
    lo, hi = 0.0, min((k + 2) / alpha - 1, (n + 1 - k) / alpha - (m - 1))
    for i in range(1, m):  # ceil(alpha (i + u)) = seq[i] + 1  <=>  seq[i] < alpha (i + u)
        lo = max(lo, seq[i] / alpha - i)  # ... <= seq[i] + 1
        hi = min(hi, (seq[i] + 1) / alpha - i + 1e-12)
    return lo < hi


def _check_structure(seq, n, m):
    seq = np.asarray(seq)
    k = n // m
    steps = np.diff(seq)
    assert seq.shape == (m + 1,) and seq[0] == 0 and seq[-1] == n
    assert set(steps.tolist()) <= {k, k + 1}
    assert int((steps == k + 1).sum()) == n % m


@pytest.mark.parametrize("n, ratio", [(11, 1.6), (9, 1.3), (40, 1.3), (40, 2.5), (37, 3.9),
                                      (12, 3.0), (5, 5.0), (100, 1.01)])
@pytest.mark.parametrize("pseudo", [False, True])
def test_generated_sequences_follow_tfs_rules(n, ratio, pseudo):
    m = int(math.floor(n / ratio))
    rng = np.random.default_rng(0)
    seqs = [fs.pooling_sequence(n, m, rng, pseudo) for _ in range(30)]
    for seq in seqs:
        _check_structure(seq, n, m)
        if pseudo:
            assert _is_pseudo_random(seq.tolist())
    if n % m:  # the long steps move around between draws
        assert len({tuple(s) for s in seqs}) > 1


def test_tfs_own_sequences_satisfy_the_same_rules():
    for rows, cols in TF_PSEUDO:
        for seq, n in ((rows, 40), (cols, 37)):
            _check_structure(seq, n, len(seq) - 1)
            assert _is_pseudo_random(seq)
    for rows, cols, _, _ in TF.values():
        _check_structure(rows, 11, 6)
        _check_structure(cols, 9, 6)
    # a random (shuffled) sequence is generally not of the pseudo-random form
    assert not _is_pseudo_random([0, 1, 2, 3, 5, 7, 9])


@pytest.mark.parametrize("key", sorted(TF))
def test_values_and_gradient_ops_match_tf_for_tfs_sequences(key):
    rows, cols, want_y, want_g = TF[key]
    kind, ov = key[:3], key[-1] == "1"
    pool = fs.max_pool if kind == "max" else fs.avg_pool
    y = pool(X, np.array(rows), np.array(cols), ov)
    _assert_fp(y, want_y)
    dy = DY[:, :6, :6]
    if kind == "max":
        g = fractional_max_pool_grad(X, y, dy, rows, cols, overlapping=ov)
    else:
        g = fractional_avg_pool_grad([2, 11, 9, 2], dy, rows, cols, overlapping=ov)
    with tk.Session() as s:
        _assert_fp(s.run(g), want_g)


@pytest.mark.parametrize("ov", [False, True])
def test_raw_gradient_ops_match_tf(ov):
    dy = DY[:, :5, :4]
    mg = fractional_max_pool_grad(X, np.zeros((2, 5, 4, 2)), dy, RAW_ROWS, RAW_COLS, ov)
    ag = fractional_avg_pool_grad([2, 11, 9, 2], dy, RAW_ROWS, RAW_COLS, ov)
    assert mg.op.type == "FractionalMaxPoolGrad" and ag.op.type == "FractionalAvgPoolGrad"
    assert ag.shape.as_list() == [2, 11, 9, 2]
    with tk.Session() as s:
        for got, want in zip(s.run([mg, ag]), TF_RAW[ov]):
            _assert_fp(got, want)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("pseudo, ov", [(False, False), (True, True)])
def test_op_output_matches_its_sequences_and_gradient(kind, pseudo, ov):
    x = tk.constant(X)
    fn = getattr(tk.nn, f"fractional_{kind}_pool")
    y, r, c = fn(x, RATIO, pseudo_random=pseudo, overlapping=ov, deterministic=True,
                 seed=3, seed2=4)
    assert [t.shape.as_list() for t in (y, r, c)] == [[2, 6, 6, 2], [7], [7]]
    assert r.dtype == tk.int64 and y.op.type == f"Fractional{kind.capitalize()}Pool"
    (g,) = tk.gradients(y, [x], grad_ys=tk.constant(DY[:, :6, :6]))
    with tk.Session() as s:
        yv, rv, cv, gv = s.run([y, r, c, g])
    _check_structure(rv, 11, 6)
    _check_structure(cv, 9, 6)
    pool = fs.max_pool if kind == "max" else fs.avg_pool
    np.testing.assert_array_equal(yv, pool(X, rv, cv, ov))
    if kind == "max":
        want = fs.max_pool_grad(X, DY[:, :6, :6], rv, cv, ov)
    else:
        want = fs.avg_pool_grad(X.shape, DY[:, :6, :6], rv, cv, ov)
    np.testing.assert_allclose(gv, want, rtol=1e-12)


def test_sequences_are_fixed_per_session_and_seeded_across_sessions():
    x = np.zeros((1, 100, 100, 1))
    free = tk.nn.fractional_max_pool(x, [1.0, 1.7, 1.7, 1.0])[1]
    seeded = tk.nn.fractional_avg_pool(x, [1.0, 1.7, 1.7, 1.0], pseudo_random=True,
                                       deterministic=True, seed=1, seed2=2)[1]
    with tk.Session() as a:
        f1, s1 = a.run([free, seeded])
        f2, s2 = a.run([free, seeded])
    with tk.Session() as b:
        f3, s3 = b.run([free, seeded])
    np.testing.assert_array_equal(f1, f2)  # TF 2.21: one draw per op per session
    np.testing.assert_array_equal(s1, s2)
    np.testing.assert_array_equal(s1, s3)
    assert not np.array_equal(f1, f3)  # 100 -> 58 has C(58, 42) random sequences


def test_integer_inputs_truncate_like_tf():
    """TF 2.21: max [[5, 2], [-7, 1]], avg [[5, 0], [-7, 1]] for this 2 x 3 input."""
    x = np.array([[5, -3, 2], [-7, 1, 1]], np.int32).reshape(1, 2, 3, 1)
    rows, cols = np.array([0, 1, 2]), np.array([0, 1, 3])
    np.testing.assert_array_equal(fs.max_pool(x, rows, cols, False)[0, :, :, 0],
                                  [[5, 2], [-7, 1]])
    np.testing.assert_array_equal(fs.avg_pool(x, rows, cols, False)[0, :, :, 0],
                                  [[5, 0], [-7, 1]])


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_finite_differences(kind):
    fn = getattr(tk.nn, f"fractional_{kind}_pool")
    x = np.random.default_rng(2).permutation(2 * 7 * 6 * 2).reshape(2, 7, 6, 2) * 0.1
    for ov in (False, True):
        check_grad(lambda t, ov=ov: fn(t, [1.0, 1.5, 1.4, 1.0], overlapping=ov,
                                       deterministic=True, seed=1, seed2=1)[0], x)


@pytest.mark.parametrize("ratio, error, match", [  # TF 2.21's error types
    (1.5, TypeError, "Expected list"),
    ([1.0, 1.4, 1.0], ValueError, "minimum 4"),
    ([1.0, 1.4, 1.4, 1.0, 1.0], ValueError, "4 dimensions"),
    ([1.0, 0.5, 1.4, 1.0], ValueError, "smaller than 1"),
])
def test_bad_ratios_raise_at_build(ratio, error, match):
    with pytest.raises(error, match=match):
        tk.nn.fractional_max_pool(X, ratio)


def test_bad_inputs_raise_at_build():
    with pytest.raises(TypeError, match="float16"):
        tk.nn.fractional_max_pool(X.astype(np.float16), RATIO)
    with pytest.raises(TypeError, match="uint8"):
        tk.nn.fractional_avg_pool(X.astype(np.uint8), RATIO)
    with pytest.raises(ValueError, match="rank 4"):
        tk.nn.fractional_avg_pool(X[0], RATIO)


@pytest.mark.parametrize("kwargs, error", [  # TF 2.21 raises these when the op runs
    (dict(pooling_ratio=[2.0, 1.4, 1.4, 1.0]), tk.errors.UnimplementedError),
    (dict(pooling_ratio=[1.0, 1.4, 1.4, 2.0]), tk.errors.UnimplementedError),
    (dict(pooling_ratio=[1.0, 12.0, 1.4, 1.0]), tk.errors.InvalidArgumentError),
    (dict(seed=3), tk.errors.InvalidArgumentError),
    (dict(seed2=3), tk.errors.InvalidArgumentError),
])
def test_bad_arguments_raise_at_run_time(kwargs, error):
    args = dict(value=X, pooling_ratio=RATIO)
    args.update(kwargs)
    y = tk.nn.fractional_max_pool(**args)[0]
    with tk.Session() as s, pytest.raises(error):
        s.run(y)


def test_gradient_ops_check_their_sequences():
    dy = DY[:, :5, :4]
    bad = [fractional_max_pool_grad(X, dy, dy, RAW_ROWS[:-1], RAW_COLS),  # TF: invalid
           fractional_avg_pool_grad([2, 11, 9, 2], dy, RAW_ROWS[:-1], RAW_COLS),
           fractional_avg_pool_grad([2, 11, 9, 2], dy, [0, 3, 4, 6, 9, 20], RAW_COLS)]
    with tk.Session() as s:
        for t in bad:
            with pytest.raises(tk.errors.InvalidArgumentError, match="pooling_sequence"):
                s.run(t)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_second_derivative_is_refused_as_in_tf(kind):
    x = tk.constant(X)
    y = getattr(tk.nn, f"fractional_{kind}_pool")(x, RATIO)[0]
    (g,) = tk.gradients(y * y, [x])
    with pytest.raises(LookupError, match=f"Fractional{kind.capitalize()}PoolGrad"):
        tk.gradients(g, [x])
