"""``tk.layers.separable_conv2d`` / ``SeparableConv2D``: TF1's variable names and shapes,
values against ``depthwise conv -> 1x1 conv -> bias`` in NumPy, reuse, errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.ops.test_depthwise_conv import _np_depthwise


def test_separable_conv2d_layer_variables_and_values():
    rs = np.random.RandomState(0)
    xv = rs.randn(2, 6, 6, 3)
    dk, pk = rs.randn(3, 3, 3, 2), rs.randn(1, 1, 6, 4)
    with tk.Graph().as_default():
        x = tk.constant(xv)
        y = tk.layers.separable_conv2d(x, 4, 3, strides=2, padding="same", depth_multiplier=2,
                                       activation=tk.nn.relu,
                                       depthwise_initializer=tk.constant_initializer(dk),
                                       pointwise_initializer=tk.constant_initializer(pk),
                                       bias_initializer=tk.constant_initializer(0.25))
        y2 = tk.layers.separable_conv2d(y, 2, (2, 2))
        got_vars = sorted((v.name, v.shape.as_list()) for v in tk.trainable_variables())
        assert got_vars == [
            ("separable_conv2d/bias:0", [4]),
            ("separable_conv2d/depthwise_kernel:0", [3, 3, 3, 2]),
            ("separable_conv2d/pointwise_kernel:0", [1, 1, 6, 4]),
            ("separable_conv2d_1/bias:0", [2]),
            ("separable_conv2d_1/depthwise_kernel:0", [2, 2, 4, 1]),
            ("separable_conv2d_1/pointwise_kernel:0", [1, 1, 4, 2])]
        assert y.shape.as_list() == [2, 3, 3, 4] and y2.shape.as_list() == [2, 2, 2, 2]
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            got = s.run(y)
    want = np.maximum(_np_depthwise(xv, dk, 2, "SAME") @ pk[0, 0] + 0.25, 0)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_separable_conv2d_class_reuse_and_gradients():
    rs = np.random.RandomState(1)
    with tk.Graph().as_default():
        layer = tk.layers.SeparableConv2D(3, [2, 2], padding="valid", dilation_rate=2,
                                          name="sep")
        x = tk.constant(rs.randn(1, 5, 5, 2))
        a, b = layer(x), layer(x)
        assert len(tk.trainable_variables()) == 3
        assert layer.depthwise_kernel.name == "sep/depthwise_kernel:0"
        assert layer.pointwise_kernel.shape.as_list() == [1, 1, 2, 3]
        grads = tk.gradients(tk.reduce_sum(a + b), tk.trainable_variables())
        assert all(g is not None for g in grads)
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            av, bv = s.run([a, b])
        np.testing.assert_array_equal(av, bv)
        assert av.shape == (1, 3, 3, 3)


def test_separable_conv2d_layer_errors():
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match="depth_multiplier"):
            tk.layers.separable_conv2d(tk.zeros([1, 4, 4, 2]), 2, 3, depth_multiplier=0)
        with pytest.raises(ValueError, match="strides > 1 not supported"):
            tk.layers.separable_conv2d(tk.zeros([1, 4, 4, 2]), 2, 3, strides=2,
                                       dilation_rate=2)
        with pytest.raises(ValueError, match="expected ndim=4"):
            tk.layers.separable_conv2d(tk.zeros([4, 4, 2]), 2, 3)
        with pytest.raises(ValueError, match="channel dimension"):
            tk.layers.separable_conv2d(tk.placeholder(tk.float32, [1, 4, 4, None]), 2, 3)
