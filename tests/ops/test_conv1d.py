"""``tk.nn.conv1d`` and ``tk.layers.conv1d`` against a direct NumPy 1-D convolution
(VALID / SAME, strides, dilation, channels first), TF1's op names and variable shapes,
and the filter gradient against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _conv1d_np(x, w, stride, padding, dilation=1):
    n, width, _ = x.shape
    k = (w.shape[0] - 1) * dilation + 1
    if padding == "SAME":
        out_w = -(-width // stride)
        total = max((out_w - 1) * stride + k - width, 0)
        x = np.pad(x, ((0, 0), (total // 2, total - total // 2), (0, 0)))
    else:
        out_w = (width - k) // stride + 1
    out = np.zeros((n, out_w, w.shape[2]))
    for i in range(out_w):
        for j in range(w.shape[0]):
            out[:, i] += x[:, i * stride + j * dilation] @ w[j]
    return out


@pytest.mark.parametrize("stride,padding,dilation", [(1, "VALID", 1), (2, "SAME", 1),
                                                     (3, "VALID", 1), (1, "SAME", 2)])
def test_nn_conv1d_matches_numpy(stride, padding, dilation):
    rng = np.random.RandomState(1)
    xv, wv = rng.randn(2, 11, 3), rng.randn(4, 3, 5)
    with tk.Graph().as_default():
        y = tk.nn.conv1d(tk.constant(xv, tk.float64), tk.constant(wv, tk.float64), stride,
                         padding, dilations=dilation)
        yc = tk.nn.conv1d(tk.constant(xv.transpose(0, 2, 1), tk.float64),
                          tk.constant(wv, tk.float64), stride, padding, data_format="NCW",
                          dilations=dilation)
        assert y.op.name == "conv1d/Squeeze"
        got, got_c = tk.Session().run([y, yc])
    want = _conv1d_np(xv, wv, stride, padding, dilation)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-10)
    np.testing.assert_allclose(got_c, want.transpose(0, 2, 1), rtol=1e-10)


def test_nn_conv1d_filter_gradient_finite_differences():
    rng = np.random.RandomState(2)
    xv, wv = rng.randn(2, 7, 2), rng.randn(3, 2, 2)
    with tk.Graph().as_default():
        w = tk.Variable(wv)
        loss = tk.reduce_sum(tk.nn.conv1d(tk.constant(xv), w, 2, "SAME") ** 2)
        (g,) = tk.gradients(loss, [w])
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            got = sess.run(g)

    def f(wn):
        return float(np.sum(_conv1d_np(xv, wn, 2, "SAME") ** 2))

    num = np.zeros_like(wv)
    for idx in np.ndindex(*wv.shape):
        e = np.zeros_like(wv)
        e[idx] = 1e-6
        num[idx] = (f(wv + e) - f(wv - e)) / 2e-6
    np.testing.assert_allclose(got, num, rtol=1e-5, atol=1e-6)


def test_layers_conv1d_variables_and_values():
    rng = np.random.RandomState(3)
    xv, kv = rng.randn(2, 9, 3).astype(np.float32), rng.randn(3, 3, 4).astype(np.float32)
    with tk.Graph().as_default():
        x = tk.constant(xv)
        y = tk.layers.conv1d(x, 4, 3, padding="same", activation=tk.nn.relu,
                             kernel_initializer=tk.constant_initializer(kv),
                             bias_initializer=tk.constant_initializer(0.5))
        y2 = tk.layers.conv1d(y, 2, [2], strides=2)
        names = sorted((v.name, v.shape.as_list()) for v in tk.trainable_variables())
        assert names == [("conv1d/bias:0", [4]), ("conv1d/kernel:0", [3, 3, 4]),
                         ("conv1d_1/bias:0", [2]), ("conv1d_1/kernel:0", [2, 4, 2])]
        assert y2.shape.as_list() == [2, 4, 2]
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            got = sess.run(y)
        with pytest.raises(ValueError):
            tk.layers.conv1d(tk.constant(np.zeros((2, 3, 3, 1), np.float32)), 2, 2)
    np.testing.assert_allclose(got, np.maximum(_conv1d_np(xv, kv, 1, "SAME") + 0.5, 0),
                               rtol=1e-5, atol=1e-5)
