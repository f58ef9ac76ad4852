"""``tk.nn.depthwise_conv2d`` (+ ``_native`` and its backprops), ``tk.nn.separable_conv2d``
and ``tk.layers.separable_conv2d`` against a direct NumPy loop reference, TF 2.21 sums,
finite-difference gradients, op/variable names and errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad


def _np_depthwise(x, w, stride, padding, rate=(1, 1)):
    """Loops over output pixels: out[n, oh, ow, c*M + m]."""
    n, h, wd, c = x.shape
    kh, kw, _, m = w.shape
    ekh, ekw = (kh - 1) * rate[0] + 1, (kw - 1) * rate[1] + 1
    if padding == "SAME":
        oh, ow = -(-h // stride), -(-wd // stride)
        ph = max((oh - 1) * stride + ekh - h, 0)
        pw = max((ow - 1) * stride + ekw - wd, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh, ow = (h - ekh) // stride + 1, (wd - ekw) // stride + 1
    out = np.zeros((n, oh, ow, c * m))
    for a in range(oh):
        for b in range(ow):
            for ci in range(c):
                for mi in range(m):
                    acc = 0.0
                    for i in range(kh):
                        for j in range(kw):
                            acc = acc + x[:, a * stride + i * rate[0],
                                          b * stride + j * rate[1], ci] * w[i, j, ci, mi]
                    out[:, a, b, ci * m + mi] = acc
    return out


@pytest.mark.parametrize("stride,padding,rate", [(1, "SAME", (1, 1)), (2, "SAME", (1, 1)),
                                                 (1, "VALID", (1, 1)), (3, "VALID", (1, 1)),
                                                 (1, "SAME", (2, 2)), (1, "VALID", (2, 1))])
def test_depthwise_conv2d_matches_numpy(stride, padding, rate):
    rs = np.random.RandomState(0)
    x, w = rs.randn(2, 7, 8, 3), rs.randn(3, 2, 3, 2)
    with tk.Graph().as_default():
        y = tk.nn.depthwise_conv2d(x, w, [1, stride, stride, 1], padding, rate=rate)
        yc = tk.nn.depthwise_conv2d(x.transpose(0, 3, 1, 2), w, [1, 1, stride, stride],
                                    padding, rate=rate, data_format="NCHW")
        assert y.op.name == "depthwise" and y.op.type == "DepthwiseConv2dNative"
        got, got_c = tk.Session().run([y, yc])
    want = _np_depthwise(x, w, stride, padding, rate)
    assert y.shape.as_list() == list(want.shape)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got_c, want.transpose(0, 3, 1, 2), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("stride,padding,rate", [(2, "SAME", (1, 1)), (1, "VALID", (1, 1)),
                                                 (1, "SAME", (2, 2))])
def test_depthwise_gradients_finite_differences(stride, padding, rate):
    rs = np.random.RandomState(1)
    check_grad(lambda x, w: tk.nn.depthwise_conv2d(x, w, [1, stride, stride, 1], padding,
                                                   rate=rate),
               rs.randn(2, 5, 6, 2), rs.randn(3, 3, 2, 2), rtol=1e-5, atol=1e-6)
    check_grad(lambda x, w: tk.nn.depthwise_conv2d_native(x, w, [1, 1, stride, stride],
                                                          padding, data_format="NCHW"),
               rs.randn(1, 2, 5, 4), rs.randn(2, 2, 2, 3), rtol=1e-5, atol=1e-6)


def test_depthwise_second_order_gradients():
    """The backprop ops have gradient rules of their own (d/dx of d(loss)/dw)."""
    rs = np.random.RandomState(5)
    wv = rs.randn(2, 2, 2, 1)

    def fn(x):
        w = tk.constant(wv)
        y = tk.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME")
        (gw,) = tk.gradients(tk.reduce_sum(y * y), [w])
        return gw

    check_grad(fn, rs.randn(1, 3, 3, 2), rtol=1e-5, atol=1e-6)


def test_separable_conv2d_matches_numpy_and_gradients():
    rs = np.random.RandomState(2)
    x, dw, pw = rs.randn(2, 6, 6, 3), rs.randn(3, 3, 3, 2), rs.randn(1, 1, 6, 4)
    with tk.Graph().as_default():
        y = tk.nn.separable_conv2d(x, dw, pw, [1, 2, 2, 1], "SAME")
        assert y.op.name == "separable_conv2d" and y.op.type == "Conv2D"
        assert y.op.inputs[0].op.name == "separable_conv2d/depthwise"
        got = tk.Session().run(y)
    want = _np_depthwise(x, dw, 2, "SAME") @ pw[0, 0]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    with tk.Graph().as_default():
        check_grad(lambda a, b, c: tk.nn.separable_conv2d(a, b, c, [1, 1, 1, 1], "VALID",
                                                          rate=[2, 2]),
                   rs.randn(1, 6, 5, 2), rs.randn(2, 2, 2, 2), rs.randn(1, 1, 4, 3),
                   rtol=1e-5, atol=1e-6)


def test_depthwise_matches_tf_sums():
    """Sums printed by TF 2.21 (tf.compat.v1.nn) for x = arange/10, w = cos(arange)."""
    x = (np.arange(2 * 5 * 6 * 3) / 10.0).reshape(2, 5, 6, 3).astype(np.float32)
    w = np.cos(np.arange(3 * 3 * 3 * 2)).reshape(3, 3, 3, 2).astype(np.float32)
    pw = np.sin(np.arange(6 * 4)).reshape(1, 1, 6, 4).astype(np.float32)
    with tk.Graph().as_default(), tk.Session() as s:
        a = s.run(tk.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"))
        b = s.run(tk.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "VALID", rate=[2, 2]))
        c = s.run(tk.nn.separable_conv2d(x, w, pw, [1, 1, 1, 1], "SAME"))
    assert a.shape == (2, 3, 3, 6) and b.shape == (2, 1, 2, 6) and c.shape == (2, 5, 6, 4)
    assert float(a.sum()) == pytest.approx(TF_SUMS[0], rel=1e-5)
    assert float(b.sum()) == pytest.approx(TF_SUMS[1], rel=1e-5)
    assert float(c.sum()) == pytest.approx(TF_SUMS[2], rel=1e-5)


TF_SUMS = (11.904977798461914, 25.066856384277344, -29.512344360351562)


def test_depthwise_errors():
    x = tk.zeros([1, 5, 5, 3])
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tk.nn.depthwise_conv2d(x, tk.zeros([3, 3, 2, 1]), [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="padding"):
        tk.nn.depthwise_conv2d(x, tk.zeros([3, 3, 3, 1]), [1, 1, 1, 1], "FULL")
    with pytest.raises(ValueError, match="strides > 1 not supported"):
        tk.nn.depthwise_conv2d(x, tk.zeros([3, 3, 3, 1]), [1, 2, 2, 1], "SAME", rate=[2, 2])
    with pytest.raises(ValueError, match="equal length strides"):
        tk.nn.depthwise_conv2d(x, tk.zeros([3, 3, 3, 1]), [1, 2, 1, 1], "SAME")
    with pytest.raises(ValueError, match="rank 4"):
        tk.nn.depthwise_conv2d(tk.zeros([5, 5, 3]), tk.zeros([3, 3, 3, 1]), [1, 1, 1, 1],
                               "SAME")
    with pytest.raises(ValueError, match=r"\[1, 1, in, out\]"):
        tk.nn.separable_conv2d(x, tk.zeros([3, 3, 3, 1]), tk.zeros([2, 1, 3, 4]),
                               [1, 1, 1, 1], "SAME")
    with pytest.raises(TypeError, match="floating"):
        tk.nn.depthwise_conv2d_native(tk.zeros([1, 5, 5, 3], tk.int32),
                                      tk.zeros([3, 3, 3, 1], tk.int32), [1, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="negative"):
        tk.nn.depthwise_conv2d(x, tk.zeros([7, 7, 3, 1]), [1, 1, 1, 1], "VALID")
    p = tk.placeholder(tk.float32, [None, None, None, 3])
    y = tk.nn.depthwise_conv2d(p, tk.zeros([3, 3, 3, 1]), [1, 1, 1, 1], "VALID")
    assert y.shape.as_list() == [None, None, None, 3]
    with tk.Session() as s, pytest.raises(tk.errors.InvalidArgumentError, match="negative"):
        s.run(y, {p: np.zeros([1, 2, 2, 3], np.float32)})
