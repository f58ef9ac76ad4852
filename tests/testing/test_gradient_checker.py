"""``tk.test.compute_gradient`` / ``compute_gradient_error``: Jacobians recorded with TF
2.21.0's ``tf.compat.v1.test.compute_gradient`` (graph mode) for the same graph and
inputs, plus a hand-computed Jacobian."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

W = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
X0 = np.array([[0.1, -0.2]])
# TF 2.21.0, y = tanh(x @ W), x = [[0.1, -0.2]]
TF_THEORY = [[0.63473959, 1.11811034, 1.46075208], [2.53895836, 2.79527584, 2.92150417]]
TF_NUMERIC = [[0.63473961, 1.11811082, 1.46075445], [2.53895966, 2.79528336, 2.92152307]]


def _graph():
    x = tk.placeholder(tk.float64, [1, 2])
    w = tk.placeholder(tk.float64, [2, 3])
    return x, w, tk.tanh(tk.matmul(x, w))


def test_jacobians_match_tf():
    x, w, y = _graph()
    with tk.Session():
        theory, numeric = tk.test.compute_gradient(x, [1, 2], y, [1, 3], x_init_value=X0,
                                                   extra_feed_dict={w: W})
        err = tk.test.compute_gradient_error(x, [1, 2], y, [1, 3], x_init_value=X0,
                                             extra_feed_dict={w: W})
        listed = tk.test.compute_gradient([x], [[1, 2]], y, [1, 3], x_init_value=[X0],
                                          extra_feed_dict={w: W})
    np.testing.assert_allclose(theory, TF_THEORY, atol=1e-8)
    np.testing.assert_allclose(numeric, TF_NUMERIC, atol=1e-8)
    assert err == pytest.approx(1.890453935127212e-05, rel=1e-6)
    assert len(listed) == 1 and np.array_equal(listed[0][1], numeric)


def test_jacobian_layout_by_hand_and_dtype():
    x = tk.placeholder(tk.float32, [3])
    with tk.Session():
        theory, numeric = tk.test.compute_gradient(
            x, [3], x * x, [3], x_init_value=np.array([1.0, 2.0, 3.0], np.float32))
    assert theory.dtype == numeric.dtype == np.float32  # TF 2.21: float32 too
    np.testing.assert_array_equal(theory, np.diag([2.0, 4.0, 6.0]))
    np.testing.assert_allclose(numeric, np.diag([2.0, 4.0, 6.0]), atol=2e-3)


def test_usable_from_a_test_case():
    case = type("Case", (tk.test.TestCase,), {"runTest": lambda self: None})()
    case.setUp()
    try:
        with case.cached_session():
            x = tk.placeholder(tk.float64, [2])
            err = tk.test.compute_gradient_error(x, [2], tk.sin(x), [2])  # random x in [0, 1)
        case.assertLess(err, 1e-6)
    finally:
        case.tearDown()


def test_bad_arguments():
    x, w, y = _graph()
    with pytest.raises(ValueError, match="needs a default session"):
        tk.test.compute_gradient(x, [1, 2], y, [1, 3])
    with tk.Session():
        with pytest.raises(TypeError, match="Don't support type int32 for x"):
            tk.test.compute_gradient(tk.placeholder(tk.int32, [2]), [2],
                                     tk.constant([1.0, 2.0]), [2])
        with pytest.raises(ValueError, match=r"x_shape = \[1, 2\], init_data shape = \[3\]"):
            tk.test.compute_gradient(x, [1, 2], y, [1, 3], x_init_value=np.zeros(3),
                                     extra_feed_dict={w: W})
