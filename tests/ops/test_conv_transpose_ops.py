"""conv2d_transpose / atrous_conv2d against NumPy references, sums computed once with
TensorFlow 2.21 (tf.compat.v1.nn), and finite-difference gradients."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad


def _pads(out, inp, k, s, padding, d=1):
    if padding == "VALID":
        return 0
    ke = (k - 1) * d + 1
    return max((inp - 1) * s + ke - out, 0) // 2


def _np_conv_transpose(x, w, out_shape, s, padding):
    n, h, wd, c = x.shape
    kh, kw, co, _ = w.shape
    _, oh, ow, _ = out_shape
    pt, pl = _pads(oh, h, kh, s, padding), _pads(ow, wd, kw, s, padding)
    y = np.zeros((n, oh + 2 * kh + s * h, ow + 2 * kw + s * wd, co))
    for i in range(h):
        for j in range(wd):
            for a in range(kh):
                for b in range(kw):
                    y[:, i * s + a, j * s + b, :] += x[:, i, j, :] @ w[a, b].T
    return y[:, pt:pt + oh, pl:pl + ow, :]


def _np_atrous(x, w, r, padding):
    n, h, wd, c = x.shape
    kh, kw, _, co = w.shape
    ekh, ekw = (kh - 1) * r + 1, (kw - 1) * r + 1
    if padding == "SAME":
        th, tw = max(ekh - 1, 0), max(ekw - 1, 0)
        x = np.pad(x, ((0, 0), (th // 2, th - th // 2), (tw // 2, tw - tw // 2), (0, 0)))
    oh, ow = x.shape[1] - ekh + 1, x.shape[2] - ekw + 1
    y = np.zeros((n, oh, ow, co))
    for a in range(kh):
        for b in range(kw):
            y += np.einsum("nhwc,co->nhwo", x[:, a * r:a * r + oh, b * r:b * r + ow], w[a, b])
    return y


@pytest.mark.parametrize("out_shape,padding,tf_sum", [
    ([2, 6, 8, 5], "SAME", 435.31842041015625),
    ([2, 7, 9, 5], "VALID", 547.1224365234375),
    ([2, 5, 7, 5], "SAME", 361.6611328125),
])
def test_conv2d_transpose_matches_numpy_and_tf(out_shape, padding, tf_sum):
    rs = np.random.RandomState(0)
    x = rs.rand(2, 3, 4, 2).astype(np.float32)
    w = rs.rand(3, 3, 5, 2).astype(np.float32)
    as_tensor = out_shape == [2, 5, 7, 5]
    shape_arg = tk.constant(out_shape) if as_tensor else out_shape
    y = tk.nn.conv2d_transpose(x, w, shape_arg, [1, 2, 2, 1], padding)
    assert y.shape.as_list() == out_shape
    with tk.Session() as sess:
        out = sess.run(y)
    np.testing.assert_allclose(out, _np_conv_transpose(x, w, out_shape, 2, padding),
                               rtol=1e-5, atol=1e-5)
    assert float(out.sum()) == pytest.approx(tf_sum, rel=1e-5)


def test_conv2d_transpose_gradients_and_layer():
    rs = np.random.RandomState(1)
    check_grad(lambda x, w: tk.nn.conv2d_transpose(x, w, [1, 6, 6, 3], strides=2,
                                                   padding="SAME"),
               rs.rand(1, 3, 3, 2), rs.rand(2, 2, 3, 2), rtol=1e-5)
    check_grad(lambda x, w: tk.nn.conv2d_transpose(x, w, [1, 5, 4, 3], strides=[1, 2, 1, 1],
                                                   padding="VALID"),
               rs.rand(1, 2, 3, 2), rs.rand(3, 2, 3, 2), rtol=1e-5)


def test_conv2d_transpose_errors():
    x = tk.zeros([1, 3, 3, 2])
    with pytest.raises(ValueError, match="input channels does not match"):
        tk.nn.conv2d_transpose(x, tk.zeros([3, 3, 4, 5]), [1, 6, 6, 4], [1, 2, 2, 1])
    with pytest.raises(ValueError, match="output_shape does not match filter's output"):
        tk.nn.conv2d_transpose(x, tk.zeros([3, 3, 4, 2]), [1, 6, 6, 5], [1, 2, 2, 1])
    with pytest.raises(ValueError, match="output_shape must have shape"):
        tk.nn.conv2d_transpose(x, tk.zeros([3, 3, 4, 2]), [6, 6, 4], [1, 2, 2, 1])
    with pytest.raises(ValueError, match="padding"):
        tk.nn.conv2d_transpose(x, tk.zeros([3, 3, 4, 2]), [1, 6, 6, 4], [1, 2, 2, 1], "FULL")
    bad = tk.nn.conv2d_transpose(x, tk.zeros([3, 3, 4, 2]), [1, 9, 9, 4], [1, 2, 2, 1])
    with tk.Session() as sess:
        with pytest.raises(tk.errors.InvalidArgumentError, match="does not fit"):
            sess.run(bad)


@pytest.mark.parametrize("padding,tf_sum", [("SAME", 124.53652954101562),
                                            ("VALID", 71.72080993652344)])
def test_atrous_conv2d_matches_numpy_and_tf(padding, tf_sum):
    rs = np.random.RandomState(0)
    rs.rand(2, 3, 4, 2), rs.rand(3, 3, 5, 2)  # the TF script drew these first
    w = rs.rand(2, 2, 2, 3).astype(np.float32)
    x = rs.rand(1, 5, 6, 2).astype(np.float32)
    with tk.Session() as sess:
        out = sess.run(tk.nn.atrous_conv2d(x, w, 2, padding))
    np.testing.assert_allclose(out, _np_atrous(x, w, 2, padding), rtol=1e-5, atol=1e-5)
    assert float(out.sum()) == pytest.approx(tf_sum, rel=1e-5)
    check_grad(lambda a, b: tk.nn.atrous_conv2d(a, b, 2, padding),
               x.astype(np.float64), w.astype(np.float64), rtol=1e-5)
    with pytest.raises(ValueError, match="rate"):
        tk.nn.atrous_conv2d(x, w, 0, padding)


def test_zero_fraction_and_batch_normalization():
    x = np.array([[0.0, 1.0, 0.0], [2.0, 0.0, 3.0]])
    with tk.Session() as sess:
        assert sess.run(tk.nn.zero_fraction(x)) == pytest.approx(0.5)
        assert sess.run(tk.nn.zero_fraction(tk.constant([0, 1, 2, 0]))) == 0.5
    xt = tk.constant(np.random.RandomState(2).rand(4, 3))
    mean, var = tk.nn.moments(xt, [0])
    kept = tk.nn.moments(xt, [0], keep_dims=True)[0]
    assert kept.shape.as_list() == [1, 3]
    gamma, beta = tk.constant([1.0, 2.0, 0.5], tk.float64), tk.constant([0.0, 1.0, -1.0],
                                                                       tk.float64)
    y = tk.nn.batch_normalization(xt, mean, var, beta, gamma, 1e-3)
    y0 = tk.nn.batch_normalization(xt, mean, var, None, None, 1e-3)
    with tk.Session() as sess:
        xv, yv, y0v = sess.run([xt, y, y0])
    norm = (xv - xv.mean(0)) / np.sqrt(xv.var(0) + 1e-3)
    np.testing.assert_allclose(yv, norm * [1.0, 2.0, 0.5] + [0.0, 1.0, -1.0], rtol=1e-10)
    np.testing.assert_allclose(y0v, norm, rtol=1e-10)
    rs = np.random.RandomState(3)
    check_grad(lambda a, g, b: tk.nn.batch_normalization(
        a, *tk.nn.moments(a, [0]), b, g, 1e-3), rs.rand(4, 3), rs.rand(3), rs.rand(3),
        rtol=1e-5)
