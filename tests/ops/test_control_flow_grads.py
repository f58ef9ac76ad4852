"""Gradients through cond, check_numerics and Print match finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import numeric_gradient

pytest.importorskip("trainkit.autodiff")


def _fd(sess, y, x, x0, eps=1e-6):
    return numeric_gradient(lambda v: float(sess.run(y, {x: v[0]})), [x0], 0, eps)


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


@pytest.mark.parametrize("p_val,q_val", [(True, True), (True, False), (False, True),
                                          (False, False)])
def test_gradient_through_gated_branches_is_zero_when_not_taken(p_val, q_val):
    # Ops inside branches (and their gradients) run only with their branch; a variable used
    # only in a branch not taken gets a zero gradient, as TF's Switch gradient gives.
    w = tk.Variable(3.0, dtype=tk.float64)
    v = tk.Variable(2.0, dtype=tk.float64)
    p, q = tk.placeholder(tk.bool, []), tk.placeholder(tk.bool, [])
    z = tk.cond(p, lambda: tk.cond(q, lambda: tk.sigmoid(w * 10.0), lambda: v * v * 100.0),
                lambda: w * v)
    gw, gv = tk.gradients(z, [w, v])
    s10 = 1.0 / (1.0 + np.exp(-30.0))
    want = {(True, True): (10.0 * s10 * (1 - s10), 0.0), (True, False): (0.0, 400.0),
            (False, True): (2.0, 3.0), (False, False): (2.0, 3.0)}[(p_val, q_val)]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        got = sess.run([gw, gv], {p: p_val, q: q_val})
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-15)


def test_check_numerics_and_print_pass_gradients_through():
    x = tk.placeholder(tk.float64, [2])
    y = tk.reduce_sum(tk.check_numerics(tk.Print(x * x, [x], first_n=0), "m") * 2.0)
    (g,) = tk.gradients(y, [x])
    x0 = np.array([1.5, -0.5])
    with tk.Session() as sess:
        np.testing.assert_allclose(sess.run(g, {x: x0}), 4.0 * x0, rtol=1e-9)
