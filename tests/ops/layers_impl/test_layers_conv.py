"""conv2d / max_pooling2d layers against a direct NumPy convolution."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _np_conv_valid(x, w, s):
    n, h, wd, _ = x.shape
    kh, kw, _, co = w.shape
    oh, ow = (h - kh) // s + 1, (wd - kw) // s + 1
    out = np.zeros((n, oh, ow, co))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * s:i * s + kh, j * s:j * s + kw, :]
            out[:, i, j, :] = np.tensordot(patch, w, axes=([1, 2, 3], [0, 1, 2]))
    return out


def test_conv2d_layer_matches_numpy():
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(2, 6, 6, 3))
    x = tk.placeholder(tk.float64, [None, 6, 6, 3])
    y = tk.layers.conv2d(x, 4, (3, 2), strides=2, activation=tk.nn.relu,
                         bias_initializer=tk.constant_initializer(0.1))
    same = tk.layers.conv2d(x, 2, 3, padding="same", use_bias=False)
    assert [v.op.name for v in tk.trainable_variables()] == [
        "conv2d/kernel", "conv2d/bias", "conv2d_1/kernel"]
    assert y.shape.as_list() == [None, 2, 3, 4]
    assert same.shape.as_list() == [None, 6, 6, 2]
    k = tk.trainable_variables()[0]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        kv, out = sess.run([k, y], {x: xs})
    assert kv.shape == (3, 2, 3, 4)
    np.testing.assert_allclose(out, np.maximum(_np_conv_valid(xs, kv, 2) + 0.1, 0.0),
                               atol=1e-12)


def test_max_pooling2d():
    xs = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2)
    y = tk.layers.max_pooling2d(tk.constant(xs), 2, 2)
    with tk.Session() as sess:
        out = sess.run(y)
    np.testing.assert_array_equal(out, xs.reshape(1, 2, 2, 2, 2, 2).max(axis=(2, 4)))


def test_errors():
    x = tk.ones([1, 4, 4, 1])
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same', got 'full'"):
        tk.layers.conv2d(x, 2, 3, padding="full")
    with pytest.raises(ValueError, match="kernel_size must be an int or a tuple of 2"):
        tk.layers.conv2d(x, 2, (1, 2, 3))
    with pytest.raises(ValueError, match="filters must be a positive integer"):
        tk.layers.conv2d(x, -1, 3)
    with pytest.raises(ValueError, match="expected ndim=4"):
        tk.layers.conv2d(tk.ones([4, 4]), 2, 3)
    with pytest.raises(ValueError, match="strides > 1 not supported in conjunction"):
        tk.layers.conv2d(x, 2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="strides must be a positive integer"):
        tk.layers.max_pooling2d(x, 2, 0)


def test_conv2d_dilation_rate_is_atrous_convolution():
    x = tk.constant(np.random.RandomState(3).rand(1, 7, 7, 2).astype(np.float32))
    y = tk.layers.conv2d(x, 3, 3, dilation_rate=2, padding="same", use_bias=False,
                         name="dil")
    ref = tk.nn.atrous_conv2d(x, tk.trainable_variables()[0], 2, "SAME")
    assert y.shape.as_list() == [1, 7, 7, 3]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        a, b = sess.run([y, ref])
    np.testing.assert_allclose(a, b, rtol=1e-6)
