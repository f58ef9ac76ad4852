"""``tk.nn.dilation2d`` / ``erosion2d`` and their gradients against TF 2.21 (tf.compat.v1 on
the same seeded inputs, rounded to halves so windows hold ties: shape, sum and
index-weighted sum recorded by tests/ops/data/make_nn_extras_reference.py), a NumPy
loop reference, finite differences, and TF's errors for bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

RNG = np.random.default_rng(7)
X = np.round(RNG.normal(size=(2, 6, 7, 3)) * 2) / 2
K = np.round(RNG.normal(size=(3, 2, 3)) * 2) / 2

TF = {  # TF 2.21: [output, d/dinput, d/dfilter] as (shape, sum, sum(a * arange(a.size)))
    'dilation2d_same': [((2, 6, 7, 3), 301.5, 39225.5), ((2, 6, 7, 3), 123.0, 15269.5),
                        ((3, 2, 3), 123.0, 904.0)],
    'erosion2d_same': [((2, 6, 7, 3), -405.5, -51228.0), ((2, 6, 7, 3), 123.0, 15317.5),
                       ((3, 2, 3), -123.0, -1202.5)],
    'dilation2d_valid_s2': [((2, 2, 5, 3), 80.0, 2405.5), ((2, 6, 7, 3), 30.0, 3354.0),
                            ((3, 2, 3), 30.0, 187.5)],
    'erosion2d_valid_s2': [((2, 2, 5, 3), -95.0, -2674.0), ((2, 6, 7, 3), 30.0, 3598.5),
                           ((3, 2, 3), -30.0, -243.0)],
    'dilation2d_same_r2s2': [((2, 3, 4, 3), 91.5, 3550.0), ((2, 6, 7, 3), 33.0, 4318.0),
                             ((3, 2, 3), 33.0, 247.0)],
    'erosion2d_same_r2s2': [((2, 3, 4, 3), -80.5, -2776.0), ((2, 6, 7, 3), 33.0, 4798.0),
                            ((3, 2, 3), -33.0, -265.0)],
}
CASES = {"same": ([1, 1, 1, 1], [1, 1, 1, 1], "SAME"),
         "valid_s2": ([1, 2, 1, 1], [1, 1, 2, 1], "VALID"),
         "same_r2s2": ([1, 2, 2, 1], [1, 2, 2, 1], "SAME")}


def _fp(a):
    a = np.asarray(a, np.float64)
    return (a.shape, a.sum(), (a.ravel() * np.arange(a.size)).sum())


def _np_dilation(x, k, st, rt, pad):
    """Loop reference straight from the definition (TF's window and padding rules)."""
    n, h, w, c = x.shape
    fh, fw, _ = k.shape
    outs, pads = [], []
    for size, f, s, r in ((h, fh, st[1], rt[1]), (w, fw, st[2], rt[2])):
        eff = f + (f - 1) * (r - 1)
        o = (size - eff) // s + 1 if pad == "VALID" else -(-size // s)
        outs.append(o)
        pads.append(0 if pad == "VALID" else max((o - 1) * s + eff - size, 0) // 2)
    y = np.full((n, outs[0], outs[1], c), np.finfo(x.dtype).min)
    for b, oy, ox, ch in np.ndindex(y.shape):
        for i in range(fh):
            for j in range(fw):
                r = oy * st[1] - pads[0] + i * rt[1]
                q = ox * st[2] - pads[1] + j * rt[2]
                if 0 <= r < h and 0 <= q < w:
                    y[b, oy, ox, ch] = max(y[b, oy, ox, ch], x[b, r, q, ch] + k[i, j, ch])
    return y


@pytest.mark.parametrize("op", ["dilation2d", "erosion2d"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_values_and_gradients_match_tf(op, case):
    st, rt, pad = CASES[case]
    x, k = tk.constant(X), tk.constant(K)
    y = getattr(tk.nn, op)(x, k, st, rt, pad)
    w = np.arange(np.prod(y.shape.as_list())).reshape(y.shape.as_list()) % 5 - 1.5
    grads = tk.gradients(y, [x, k], grad_ys=tk.constant(w))
    with tk.Session() as s:
        got = s.run([y, *grads])
    for g, want in zip(got, TF[f"{op}_{case}"]):
        shape, total, weighted = _fp(g)
        assert shape == want[0]
        np.testing.assert_allclose([total, weighted], want[1:], rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("case", sorted(CASES))
def test_dilation_matches_loop_reference_and_erosion_is_its_dual(case):
    st, rt, pad = CASES[case]
    with tk.Session() as s:
        d, e = s.run([tk.nn.dilation2d(X, K, st, rt, pad),
                      tk.nn.erosion2d(X, K, st, rt, pad)])
    np.testing.assert_array_equal(d, _np_dilation(X, K, st, rt, pad))
    np.testing.assert_array_equal(e, -_np_dilation(-X, K[::-1, ::-1], st, rt, pad))


def test_ties_route_to_the_first_maximum():
    """A flat image and flat filter: every tap ties, so the first valid tap (row-major)
    gets each output's gradient, as TF's strict ``>``."""
    x = tk.constant(np.zeros((1, 2, 2, 1)))
    k = tk.constant(np.zeros((2, 2, 1)))
    y = tk.nn.dilation2d(x, k, [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    gx, gk = tk.gradients(y, [x, k])
    with tk.Session() as s:
        gx, gk = s.run([gx, gk])
    np.testing.assert_array_equal(gx[0, :, :, 0], [[1, 0], [0, 0]])
    np.testing.assert_array_equal(gk[:, :, 0], [[1, 0], [0, 0]])


def test_window_without_valid_taps_is_the_lowest_value():
    """TF 2.21 gives -3.4028235e+38 (float32's lowest) when the rate skips every pixel."""
    y = tk.nn.dilation2d(np.ones((1, 1, 1, 1), np.float32), np.ones((2, 1, 1), np.float32),
                         [1, 1, 1, 1], [1, 3, 1, 1], "SAME")
    with tk.Session() as s:
        assert s.run(y)[0, 0, 0, 0] == np.finfo(np.float32).min


def test_finite_differences():
    rng = np.random.default_rng(0)
    x = rng.permutation(2 * 5 * 4 * 2).reshape(2, 5, 4, 2) * 0.1  # distinct: no ties
    k = rng.permutation(3 * 2 * 2).reshape(3, 2, 2) * 0.013
    check_grad(lambda a, b: tk.nn.dilation2d(a, b, [1, 2, 1, 1], [1, 1, 2, 1], "SAME"),
               x, k)
    check_grad(lambda a, b: tk.nn.erosion2d(a, b, [1, 1, 1, 1], [1, 2, 1, 1], "VALID"),
               x, k)


def test_shapes_names_and_aliases():
    x = tk.placeholder(tk.float32, [None, 6, 7, 2])
    w = np.zeros((2, 2, 2), np.float32)
    y = tk.nn.dilation2d(x, filters=w, strides=[1, 2, 2, 1], dilations=[1, 1, 1, 1],
                         padding="SAME")
    assert y.shape.as_list() == [None, 3, 4, 2] and y.op.type == "Dilation2D"
    e = tk.nn.erosion2d(x, w, [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    assert e.shape.as_list() == [None, 5, 6, 2] and e.name == "erosion2d/Neg_1:0"
    assert tk.nn.dilation2d(np.zeros((1, 3, 3, 1)), np.zeros((2, 2, 1)), [1, 1, 1, 1],
                            [1, 1, 1, 1], "VALID").dtype == tk.float64
    i = tk.nn.dilation2d(np.zeros((1, 3, 3, 1), np.int32), np.ones((2, 2, 1), np.int32),
                         [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    with tk.Session() as s:
        np.testing.assert_array_equal(s.run(i), np.ones((1, 2, 2, 1), np.int32))


X4 = np.zeros((1, 5, 5, 2), np.float32)
W3 = np.zeros((2, 2, 2), np.float32)


@pytest.mark.parametrize("kwargs, error, match", [  # TF 2.21's error types
    (dict(strides=[1, 1, 1]), ValueError, "4 values"),
    (dict(rates=[1, 1, 1, 1, 1]), ValueError, "4 values"),
    (dict(strides=[1, 0, 1, 1]), ValueError, "Stride must be > 0"),
    (dict(strides=1), TypeError, "Expected list"),
    (dict(strides=None), TypeError, "Expected list"),
    (dict(padding="FULL"), ValueError, "padding"),
    (dict(padding="same"), ValueError, "padding"),
    (dict(filter=np.zeros((2, 2, 3), np.float32)), ValueError, "Dimensions must be equal"),
    (dict(filter=np.zeros((2, 2, 2, 1), np.float32)), ValueError, "rank 3"),
    (dict(input=X4[0]), ValueError, "rank 4"),
    (dict(filter=np.zeros((8, 2, 2), np.float32), padding="VALID"), ValueError,
     "negative"),
    (dict(input=X4.astype(bool), filter=W3.astype(bool)), TypeError, "DataType bool"),
    (dict(filters=W3), ValueError, "both"),
])
def test_bad_arguments_raise_tf_errors(kwargs, error, match):
    args = dict(input=X4, filter=W3, strides=[1, 1, 1, 1], rates=[1, 1, 1, 1],
                padding="SAME")
    args.update(kwargs)
    with pytest.raises(error, match=match):
        tk.nn.dilation2d(**args)


def test_mismatched_dtypes_are_a_type_error():
    with pytest.raises(TypeError, match="does not match"):
        tk.nn.dilation2d(tk.constant(X4), tk.constant(W3, tk.float64), [1, 1, 1, 1],
                         [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="padding"):
        tk.nn.erosion2d(X4, W3, [1, 1, 1, 1], [1, 1, 1, 1], "X")


@pytest.mark.parametrize("strides, rates", [([2, 1, 1, 1], [1, 1, 1, 1]),
                                            ([1, 1, 1, 2], [1, 1, 1, 1]),
                                            ([1, 1, 1, 1], [2, 1, 1, 1])])
def test_batch_or_depth_strides_are_unimplemented_at_run_time(strides, rates):
    y = tk.nn.dilation2d(X4, W3, strides, rates, "SAME")  # TF: UnimplementedError at run
    with tk.Session() as s, pytest.raises(tk.errors.UnimplementedError):
        s.run(y)


def test_second_derivative_is_refused_as_in_tf():
    x = tk.constant(X)
    (g,) = tk.gradients(tk.nn.dilation2d(x, K, [1, 1, 1, 1], [1, 1, 1, 1], "SAME"), [x])
    with pytest.raises(LookupError, match="Dilation2DBackpropInput"):
        tk.gradients(g, [x])
