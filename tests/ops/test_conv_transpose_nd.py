"""``tk.nn.conv3d_backprop_filter(_v2)``, the rank-generic ``conv_transpose`` and
``atrous_conv2d_transpose`` against TF 2.21 (tf.compat.v1 on the same seeded inputs:
shape, sum and index-weighted sum of the output and of the gradients for seeded upstream
weights, recorded by tests/ops/data/make_nn_extras_reference.py), adjoint identities,
finite differences and TF's errors for bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

RNG = np.random.default_rng(5)
X3, D3 = RNG.normal(size=(2, 5, 4, 6, 3)), RNG.normal(size=(2, 5, 2, 6, 4))
D3V = RNG.normal(size=(2, 2, 3, 2, 4))
CT1 = RNG.normal(size=(2, 5, 4)), RNG.normal(size=(3, 6, 4))
CT2S = RNG.normal(size=(2, 4, 5, 3)), RNG.normal(size=(3, 3, 2, 3))
CT2V = RNG.normal(size=(2, 4, 5, 3)), RNG.normal(size=(3, 2, 2, 3))
CT3 = RNG.normal(size=(1, 3, 4, 3, 2)), RNG.normal(size=(2, 2, 2, 3, 2))
XA, WA = RNG.normal(size=(2, 5, 6, 3)), RNG.normal(size=(3, 3, 2, 3))

TF = {  # TF 2.21: [output, d/dinput, d/dfilter] as (shape, sum, sum(a * arange(a.size)))
    'bf3_same': [((3, 2, 3, 3, 4), 126.56624301042159, 9508.842032675693)],
    'bf3_valid': [((2, 2, 3, 3, 4), 18.382102502355792, -729.4144459841467)],
    'ct1': [((2, 10, 6), -11.874804116528576, -263.53264512236274),
            ((2, 5, 4), 2.03300233046747, 84.18325780704805),
            ((3, 6, 4), 129.0270413800407, 4210.229536234331)],
    'ct2_same': [((2, 8, 10, 2), 13.736757803011278, 1825.3181764877295),
                 ((2, 4, 5, 3), -125.91433394991982, -6817.134059623857),
                 ((3, 3, 2, 3), 38.08122205464723, 1995.453514331181)],
    'ct2_valid': [((2, 6, 6, 2), 38.28466982140516, 1649.5883273827417),
                  ((2, 4, 5, 3), 50.404140948248155, 3056.3520160343396),
                  ((3, 2, 2, 3), 149.35940878064542, 2372.231136456063)],
    'ct3': [((1, 6, 8, 6, 3), 14.012498610562071, 4482.185456383419),
            ((1, 3, 4, 3, 2), 29.609101181756454, 1068.429753500622),
            ((2, 2, 2, 3, 2), 197.39403217671412, 4815.52773011306)],
    'at_same': [((2, 5, 6, 2), -46.10268477927487, -4908.598221664124),
                ((2, 5, 6, 3), 241.36055706767684, 24510.684604926057),
                ((3, 3, 2, 3), 19.774673819781146, 2258.018288752801)],
    'at_valid': [((2, 9, 10, 2), -223.75076807617614, -58155.33506774719),
                 ((2, 5, 6, 3), 416.0551662221547, 33910.10521429265),
                 ((3, 3, 2, 3), -6.8083705593842865, 208.37590321613607)],
    'at_same3': [((2, 5, 6, 2), -3.398545566537482, -1979.1895071683416),
                 ((2, 5, 6, 3), 152.10176874700585, 16170.194270401698),
                 ((3, 3, 2, 3), -16.680396881022446, 672.0521906335989)],
    'at_rate1': [((2, 5, 6, 2), -130.18995895315052, -10666.043804045898),
                 ((2, 5, 6, 3), 346.75203596716767, 33173.19587650134),
                 ((3, 3, 2, 3), 23.1536382722787, 2277.89514361804)],
}


def _fp(a):
    a = np.asarray(a, np.float64)
    return (a.shape, a.sum(), (a.ravel() * np.arange(a.size)).sum())


def _assert_tf(values, key):
    for got, want in zip(values, TF[key], strict=True):
        shape, total, weighted = _fp(got)
        assert shape == want[0]
        np.testing.assert_allclose([total, weighted], want[1:], rtol=1e-9, atol=1e-9)


def _with_grads(x, w, fn):
    xt, wt = tk.constant(x), tk.constant(w)
    y = fn(xt, wt)
    up = np.random.default_rng(1).uniform(0.5, 1.5, y.shape.as_list())
    with tk.Session() as s:
        return s.run([y, *tk.gradients(y, [xt, wt], grad_ys=tk.constant(up))])


def test_conv3d_backprop_filter_matches_tf():
    same = tk.nn.conv3d_backprop_filter(X3, [3, 2, 3, 3, 4], D3, [1, 1, 2, 1, 1], "SAME")
    valid = tk.nn.conv3d_backprop_filter_v2(X3, [2, 2, 3, 3, 4], D3V, [1, 2, 1, 2, 1],
                                            "VALID")
    assert same.shape.as_list() == [3, 2, 3, 3, 4]
    with tk.Session() as s:
        a, b = s.run([same, valid])
    _assert_tf([a], "bf3_same")
    _assert_tf([b], "bf3_valid")


def test_conv3d_backprop_filter_is_the_adjoint_of_conv3d():
    """<conv3d(x, w), dy> = <w, backprop_filter(x, dy)> for every filter w."""
    w = np.random.default_rng(3).normal(size=(3, 2, 3, 3, 4))
    y = tk.nn.conv3d(X3, w, [1, 1, 2, 1, 1], "SAME")
    dw = tk.nn.conv3d_backprop_filter(X3, [3, 2, 3, 3, 4], D3, [1, 1, 2, 1, 1], "SAME")
    with tk.Session() as s:
        yv, dwv = s.run([y, dw])
    np.testing.assert_allclose(np.sum(yv * D3), np.sum(w * dwv), rtol=1e-10)


@pytest.mark.parametrize("key, data, build", [
    ("ct1", CT1, lambda x, w: tk.nn.conv_transpose(x, w, [2, 10, 6], 2)),
    ("ct2_same", CT2S, lambda x, w: tk.nn.conv_transpose(x, w, [2, 8, 10, 2], [2, 2])),
    ("ct2_valid", CT2V, lambda x, w: tk.nn.conv_transpose(x, w, [2, 6, 6, 2], [1, 1, 1, 1],
                                                          "VALID")),
    ("ct3", CT3, lambda x, w: tk.nn.conv_transpose(x, w, [1, 6, 8, 6, 3], 2)),
    ("at_same", (XA, WA), lambda x, w: tk.nn.atrous_conv2d_transpose(x, w, [2, 5, 6, 2], 2,
                                                                     "SAME")),
    ("at_valid", (XA, WA), lambda x, w: tk.nn.atrous_conv2d_transpose(x, w, [2, 9, 10, 2],
                                                                      2, "VALID")),
    ("at_same3", (XA, WA), lambda x, w: tk.nn.atrous_conv2d_transpose(x, w, [2, 5, 6, 2],
                                                                      3, "SAME")),
    ("at_rate1", (XA, WA), lambda x, w: tk.nn.atrous_conv2d_transpose(x, w, [2, 5, 6, 2],
                                                                      1, "SAME")),
])
def test_values_and_gradients_match_tf(key, data, build):
    _assert_tf(_with_grads(*data, build), key)


def test_atrous_transpose_is_the_adjoint_of_atrous_conv2d():
    rng = np.random.default_rng(4)
    z = rng.normal(size=(2, 5, 6, 2))
    for pad, shape in (("SAME", [2, 5, 6, 2]), ("VALID", [2, 9, 10, 2])):
        zz = z if pad == "SAME" else rng.normal(size=shape)
        fwd = tk.nn.atrous_conv2d(zz, WA, 2, pad)
        back = tk.nn.atrous_conv2d_transpose(XA, WA, shape, 2, pad)
        with tk.Session() as s:
            f, b = s.run([fwd, back])
        np.testing.assert_allclose(np.sum(f * XA), np.sum(zz * b), rtol=1e-10)


def test_conv_transpose_dispatch_names_and_formats():
    x = tk.constant(CT2S[0])
    y = tk.nn.conv_transpose(x, CT2S[1], tk.constant([2, 8, 10, 2]), 2)
    assert y.name == "conv_transpose:0" and y.shape.as_list() == [2, 8, 10, 2]
    nchw = tk.nn.conv_transpose(np.transpose(CT2S[0], [0, 3, 1, 2]), CT2S[1],
                                [2, 2, 8, 10], [1, 1, 2, 2], data_format="NCHW")
    with tk.Session() as s:
        a, b = s.run([y, nchw])
    np.testing.assert_allclose(np.transpose(b, [0, 2, 3, 1]), a, rtol=1e-12)
    at = tk.nn.atrous_conv2d_transpose(XA, WA, [2, 5, 6, 2], 2, "SAME")
    assert at.name.startswith("atrous_conv2d_transpose/")


def test_finite_differences():
    check_grad(lambda x, w: tk.nn.conv_transpose(x, w, [1, 5, 6, 2], 2),
               RNG.normal(size=(1, 3, 3, 3)), RNG.normal(size=(2, 3, 2, 3)))
    check_grad(lambda x, w: tk.nn.atrous_conv2d_transpose(x, w, [1, 4, 5, 2], 2, "SAME"),
               RNG.normal(size=(1, 4, 5, 3)), RNG.normal(size=(2, 3, 2, 3)))
    check_grad(lambda x, d: tk.nn.conv3d_backprop_filter(x, [2, 2, 2, 2, 3], d,
                                                         [1, 1, 1, 1, 1], "VALID"),
               RNG.normal(size=(1, 3, 3, 3, 2)), RNG.normal(size=(1, 2, 2, 2, 3)))


X4, W4 = np.zeros((2, 4, 5, 3)), np.zeros((3, 3, 2, 3))


@pytest.mark.parametrize("build, error, match", [  # TF 2.21's error types
    (lambda: tk.nn.conv_transpose(X4, W4, [1, 2, 3, 4, 5, 6], 1), ValueError, "length 3, 4"),
    (lambda: tk.nn.conv_transpose(X4, W4, [2, 3], 1), ValueError, "length 3, 4"),
    (lambda: tk.nn.conv_transpose(X4, W4, 5, 1), ValueError, "sized collection"),
    (lambda: tk.nn.conv_transpose(X4, W4, [2, 4, 5, 2], 1, padding="FULL"), ValueError,
     "padding"),
    (lambda: tk.nn.conv_transpose(X4, np.zeros((3, 3, 2, 4)), [2, 4, 5, 2], 1), ValueError,
     "channels"),
    (lambda: tk.nn.conv_transpose(X4, W4, [2, 4, 5, 2], [1, 1, 1]), ValueError, "strides"),
    (lambda: tk.nn.conv_transpose(*CT1, [2, 10, 6], 2, dilations=2), ValueError,
     "dilations"),  # Differs from TF: 1-D and 3-D dilations are not supported here
    (lambda: tk.nn.atrous_conv2d_transpose(X4, W4, [2, 4, 5, 2], 0, "SAME"), ValueError,
     "less than one"),
    (lambda: tk.nn.atrous_conv2d_transpose(X4, W4, [2, 4, 5, 2], 2, "FULL"), ValueError,
     "padding"),
    (lambda: tk.nn.atrous_conv2d_transpose(X4, np.zeros((3, 3, 2, 4)), [2, 4, 5, 2], 2,
                                           "SAME"), ValueError, "channel count"),
    (lambda: tk.nn.atrous_conv2d_transpose(X4, W4, [2, 4, 5, 3], 2, "SAME"), ValueError,
     "output channel"),
    (lambda: tk.nn.atrous_conv2d_transpose(X4, W4, [2, 4, 5], 2, "SAME"), ValueError,
     "shape \\(4,\\)"),
    (lambda: tk.nn.atrous_conv2d_transpose(X4, W4, [2, 4, 5, 2], 2.0, "SAME"), TypeError,
     "int"),
    (lambda: tk.nn.conv3d_backprop_filter(X3, [3, 2, 3, 3, 4], D3, [1, 1, 1, 1, 1],
                                          "FULL"), ValueError, "padding"),
    (lambda: tk.nn.conv3d_backprop_filter(X3, [3, 2, 3, 3, 4], D3, [1, 1, 1, 1], "SAME"),
     ValueError, "minimum 5"),
    (lambda: tk.nn.conv3d_backprop_filter(X3, [3, 2, 3, 3, 4], D3, 1, "SAME"), TypeError,
     "Expected list"),
])
def test_bad_arguments_raise_tf_errors(build, error, match):
    with pytest.raises(error, match=match):
        build()


@pytest.mark.parametrize("sizes, strides, dy_shape", [
    ([3, 2, 3, 3, 4], [1, 1, 1, 1, 1], (2, 5, 4, 5, 4)),  # TF: InvalidArgumentError at run
    ([3, 2, 3, 4, 4], [1, 1, 1, 1, 1], (2, 5, 4, 6, 4)),
    ([3, 2, 3, 3, 4], [2, 1, 1, 1, 1], (2, 5, 4, 6, 4)),
])
def test_conv3d_backprop_filter_rejects_inconsistent_shapes_at_build(sizes, strides,
                                                                     dy_shape):
    """Differs from TF: the composite sees the mismatch when the graph is built."""
    with pytest.raises(ValueError):
        tk.nn.conv3d_backprop_filter(X3, sizes, np.zeros(dy_shape), strides, "SAME")
