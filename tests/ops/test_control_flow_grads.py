"""Gradients through cond, check_numerics and Print match finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

pytest.importorskip("trainkit.autodiff")


def _fd(sess, y, x, x0, eps=1e-6):
    out = np.zeros_like(x0)
    for i in np.ndindex(x0.shape):
        up, dn = x0.copy(), x0.copy()
        up[i] += eps
        dn[i] -= eps
        out[i] = (sess.run(y, {x: up}) - sess.run(y, {x: dn})) / (2 * eps)
    return out


@pytest.mark.parametrize("take_true", [True, False])
def test_cond_gradient(take_true):
    x = tk.placeholder(tk.float64, [3])
    p = tk.constant(take_true)
    y = tk.reduce_sum(tk.cond(p, lambda: x * x, lambda: 3.0 * x) * tk.constant([1.0, 2.0, 3.0],
                                                                             tk.float64))
    (g,) = tk.gradients(y, [x])
    x0 = np.array([0.5, -1.0, 2.0])
    with tk.Session() as sess:
        np.testing.assert_allclose(sess.run(g, {x: x0}), _fd(sess, y, x, x0), rtol=1e-6)


def test_check_numerics_and_print_pass_gradients_through():
    x = tk.placeholder(tk.float64, [2])
    y = tk.reduce_sum(tk.check_numerics(tk.Print(x * x, [x], first_n=0), "m") * 2.0)
    (g,) = tk.gradients(y, [x])
    x0 = np.array([1.5, -0.5])
    with tk.Session() as sess:
        np.testing.assert_allclose(sess.run(g, {x: x0}), 4.0 * x0, rtol=1e-9)
