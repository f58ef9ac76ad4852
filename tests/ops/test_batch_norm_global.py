"""``tf.nn.batch_norm_with_global_normalization`` against TF 2.21 ``tf.compat.v1``: values,
op name and gradients printed by TF for the same inputs (rounded to 5 decimals)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

TF_Y1 = [[[-2.7256, -2.7985, -2.52772], [5.75121, 6.197, 5.95544]],
         [[14.22801, 15.19251, 14.4386], [22.70482, 24.18801, 22.92176]]]


def test_values_names_and_gradients_match_tf():
    with tk.Graph().as_default():
        x = tk.constant(np.arange(12, dtype=np.float32).reshape(2, 2, 3))
        m, v = tk.constant([1.0, 2.0, 3.0]), tk.constant([0.5, 1.0, 2.0])
        b, g = tk.constant([0.1, 0.2, 0.3]), tk.constant([2.0, 3.0, 4.0])
        y1 = tk.nn.batch_norm_with_global_normalization(x, m, v, b, g, 0.001, True)
        y2 = tk.nn.batch_norm_with_global_normalization(
            input=x, mean=m, variance=v, beta=b, gamma=g, variance_epsilon=0.01,
            scale_after_normalization=False)
        gx, gg = tk.gradients(tk.reduce_sum(y1 * y1), [x, g])
        assert y1.name == "batchnorm/add_1:0"
        with tk.Session() as s:
            r1, r2, rx, rg = s.run([y1, y2, gx, gg])
    np.testing.assert_allclose(r1, TF_Y1, atol=2e-5)
    want2 = (np.arange(12, dtype=np.float32).reshape(2, 2, 3) - [1, 2, 3]) / np.sqrt(
        np.float32([0.5, 1.0, 2.0]) + 0.01) + [0.1, 0.2, 0.3]
    np.testing.assert_allclose(r2, want2, rtol=1e-5)
    np.testing.assert_allclose(rx, 2 * r1 * np.float32([2, 3, 4]) / np.sqrt(
        np.float32([0.5, 1.0, 2.0]) + 0.001), rtol=1e-5)
    assert rg.shape == (3,)


def test_missing_arguments():
    with pytest.raises(ValueError, match="needs t, m, v"):
        tk.nn.batch_norm_with_global_normalization(tk.constant([1.0]), variance_epsilon=0.1)
