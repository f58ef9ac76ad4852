"""lu (the ``Lu`` op), lu_solve, lu_matrix_inverse and lu_reconstruct: values equal to
TF 2.21 (``tf.compat.v1`` graph mode, the same inputs; recorded below), NumPy
references, typed errors, and gradients of the composites (TF's numbers and finite
differences); ``Lu`` itself has no gradient in TF, so none here either."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

A = np.array([[1., 2., 0.], [3., -1., 2.], [0.5, 1., 1.]])
AB = np.stack([A, A.T + np.eye(3)])
R = np.array([[1., 0.5], [2., -1.], [3., 0.]])
CW = np.cos(np.arange(18.)).reshape(2, 3, 3)


def _run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


def test_lu_equals_tf():
    lu, p = tk.linalg.lu(AB)
    got = _run([lu, p, tk.linalg.lu(A, output_idx_type=tk.int64)[1]])
    np.testing.assert_allclose(got[0], [[[3, -1, 2], [1 / 3, 7 / 3, -2 / 3], [1 / 6, 0.5, 1]],
                                        [[2, 3, 0.5], [1, -3, 0.5], [0, -2 / 3, 7 / 3]]],
                               rtol=1e-14, atol=1e-15)                          # TF 2.21
    assert got[1].tolist() == [[1, 0, 2], [0, 1, 2]] and got[1].dtype == np.int32
    assert got[2].dtype == np.int64 and got[2].tolist() == [1, 0, 2]
    assert lu.shape.as_list() == [2, 3, 3] and p.shape.as_list() == [2, 3]
    low = np.tril(got[0], -1) + np.eye(3)
    np.testing.assert_allclose(low @ np.triu(got[0]), AB[np.arange(2)[:, None], got[1]],
                               rtol=1e-14)


def test_lu_composites_equal_tf():
    lu, p = tk.linalg.lu(AB)
    got = _run([tk.linalg.lu_solve(lu, p, np.stack([R, R])), tk.linalg.lu_matrix_inverse(lu, p),
                tk.linalg.lu_reconstruct(lu, p)])
    np.testing.assert_allclose(got[0][0], [[-0.714285714286, -0.071428571429],
                                           [0.857142857143, 0.285714285714], [2.5, -0.25]],
                               rtol=1e-11)                                      # TF 2.21
    np.testing.assert_allclose(got[0], np.linalg.solve(AB, np.stack([R, R])), rtol=1e-13)
    np.testing.assert_allclose(got[1], np.linalg.inv(AB), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(got[2], AB, rtol=1e-14)


def test_lu_errors():
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 2 and 3"):
        tk.linalg.lu(np.ones((2, 3)))
    with pytest.raises(TypeError, match="not in list of allowed values"):
        tk.linalg.lu(np.eye(2, dtype=np.int32))
    with pytest.raises(TypeError, match="output_idx_type must be int32 or int64"):
        tk.linalg.lu(np.eye(2), output_idx_type=tk.float32)
    with pytest.raises(tk.errors.InvalidArgumentError, match="^Input is not invertible.$"):
        _run(tk.linalg.lu([[1., 2.], [2., 4.]]))
    x = tk.constant(A)
    with pytest.raises(LookupError, match="No gradient defined for operation"):
        tk.gradients(tk.reduce_sum(tk.linalg.lu(x)[0]), x)


def test_lu_solve_gradients():
    lu, p = tk.linalg.lu(AB)
    g = tk.gradients(tk.reduce_sum(tk.linalg.lu_solve(lu, p, np.stack([R, R])) * CW[:, :, :2]),
                     lu)[0]
    np.testing.assert_allclose(_run(g)[1], [[-0.022246261809, 0.147260675449, 0.536087020964],
                                            [1.199836438716, 0.25680416902, 0.84847050676],
                                            [0.152966463528, -0.178647181223,
                                             0.039039015517]], rtol=1e-10)      # TF 2.21
    lu_v, p_v = _run([lu, p])
    check_grad(lambda f, b: tk.linalg.lu_solve(f, p_v, b), lu_v, np.stack([R, -R]))
    check_grad(lambda f: tk.linalg.lu_reconstruct(f, p_v) + tk.linalg.lu_matrix_inverse(f, p_v),
               lu_v)
