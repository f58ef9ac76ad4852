"""``tf.contrib.layers.conv1d/conv2d/conv3d`` take the arguments after ``kernel_size``
by position, in TF 1.15's order (``stride``, ``padding``, ...): dennybritz's DQN calls
``conv2d(X, 32, 8, 4, activation_fn=tf.nn.relu)``. Expected values by hand / NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_conv2d_stride_and_padding_by_position():
    x = (np.arange(64, dtype=np.float32) / 10).reshape(1, 8, 8, 1)
    y = tk.contrib.layers.conv2d(x, 2, 3, 2, "VALID", activation_fn=None,
                                 weights_initializer=tk.ones_initializer())
    assert y.shape.as_list() == [1, 3, 3, 2]   # (8 - 3) // 2 + 1 = 3
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        got = s.run(y)
    img = x[0, :, :, 0]
    want = np.array([[img[i:i + 3, j:j + 3].sum() for j in (0, 2, 4)] for i in (0, 2, 4)])
    np.testing.assert_allclose(got[0, :, :, 0], want, rtol=1e-6)
    np.testing.assert_allclose(got[0, :, :, 1], want, rtol=1e-6)


def test_conv1d_and_conv3d_stride_by_position():
    y1 = tk.contrib.layers.conv1d(tk.zeros([2, 9, 3]), 4, 3, 2)          # SAME: ceil(9 / 2)
    y3 = tk.contrib.layers.conv3d(tk.zeros([1, 6, 6, 6, 1]), 2, 3, 3, "VALID")
    assert y1.shape.as_list() == [2, 5, 4]
    assert y3.shape.as_list() == [1, 2, 2, 2, 2]


def test_conv2d_stride_given_twice_is_a_type_error():
    with pytest.raises(TypeError, match="stride"):
        tk.contrib.layers.conv2d(tk.zeros([1, 8, 8, 1]), 2, 3, 2, stride=2)
