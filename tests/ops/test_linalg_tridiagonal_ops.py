"""tridiagonal_solve in its three formats, with transposed/vector right-hand sides:
values equal to TF 2.21 (``tf.compat.v1`` graph mode, the same inputs; recorded below)
and to a dense NumPy solve, typed errors, and TF's gradient (TF's numbers and finite
differences)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

D = np.array([[1., 2., 0.], [4., 5., 6.], [0., 7., 8.]])      # super, main, sub
DENSE = np.array([[4., 1., 0.], [7., 5., 2.], [0., 8., 6.]])
R = np.array([[1., 0.5], [2., -1.], [3., 0.]])
CW = np.cos(np.arange(18.)).reshape(2, 3, 3)[0, :, :2]


def _run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


def test_tridiagonal_solve_formats_equal_tf():
    got = _run([tk.linalg.tridiagonal_solve(D, R),
                tk.linalg.tridiagonal_solve(DENSE, R, diagonals_format="matrix"),
                tk.linalg.tridiagonal_solve((np.array([1., 2.]), np.array([4., 5., 6.]),
                                             np.array([7., 8.])), R,
                                            diagonals_format="sequence"),
                tk.linalg.tridiagonal_solve(D, R.T, transpose_rhs=True),
                tk.linalg.tridiagonal_solve(D, R[:, 0]),
                tk.linalg.tridiagonal_solve(np.stack([D, 2 * D]), np.stack([R, R]))])
    want = [[0.571428571429, 0.928571428571], [-1.285714285714, -3.214285714286],
            [2.214285714286, 4.285714285714]]                                  # TF 2.21
    for g in got[:4]:
        np.testing.assert_allclose(g, want, rtol=1e-11)
    np.testing.assert_allclose(got[4], np.array(want)[:, 0], rtol=1e-11)
    np.testing.assert_allclose(got[5][1], np.linalg.solve(2 * DENSE, R), rtol=1e-13)
    c = _run(tk.linalg.tridiagonal_solve(D.astype(complex), R.T * 1j, transpose_rhs=True,
                                         conjugate_rhs=True))
    np.testing.assert_allclose(c, np.linalg.solve(DENSE, -1j * R), rtol=1e-13)


def test_tridiagonal_shapes_and_errors():
    out = tk.linalg.tridiagonal_solve(tk.placeholder(tk.float64, [5, 3, None]), np.ones((1, 4, 2)))
    assert out.shape.as_list() == [5, 4, 2]
    with pytest.raises(ValueError, match="Unrecognized diagonals_format: foo"):
        tk.linalg.tridiagonal_solve(D, R, diagonals_format="foo")
    with pytest.raises(ValueError, match="Expected 3 diagonals got 2"):
        tk.linalg.tridiagonal_solve(np.ones((2, 3)), R)
    with pytest.raises(ValueError, match="sequence of length 3"):
        tk.linalg.tridiagonal_solve(D, R, diagonals_format="sequence")
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 2"):
        tk.linalg.tridiagonal_solve(D, np.ones((2, 1)))
    singular = [[1., 0.], [1., 1.], [0., 1.]]                       # [[1, 1], [1, 1]]
    with pytest.raises(tk.errors.InvalidArgumentError, match="^The matrix is not invertible.$"):
        _run(tk.linalg.tridiagonal_solve(singular, np.ones((2, 1))))
    with pytest.raises(tk.errors.InvalidArgumentError, match="scalar with value zero"):
        _run(tk.linalg.tridiagonal_solve([[0.], [0.], [0.]], [[1.]]))


def test_tridiagonal_gradients_equal_tf_and_finite_differences():
    d, r = tk.constant(D), tk.constant(R)
    gd, gr = _run(tk.gradients(tk.reduce_sum(tk.linalg.tridiagonal_solve(d, r) * CW), [d, r]))
    np.testing.assert_allclose(gd, [[27.77498241555, 22.746384256751, 0],
                                    [-9.586015536217, -15.439647056191, -8.474978253997],
                                    [0, 5.324417755631, 5.756176002125]], rtol=1e-10)  # TF
    np.testing.assert_allclose(gr, [[7.810658636403, 5.516842185832],
                                    [-4.320376363659, -3.075295205352],
                                    [1.600153835661, 1.150748777508]], rtol=1e-10)
    check_grad(lambda x, y: tk.linalg.tridiagonal_solve(x, y), np.stack([D, D + 1]),
               np.stack([R, -R]))


def test_tridiagonal_matmul_equals_tf_with_gradients():
    d = np.array([[[1., 2., 9.], [4., 5., 6.], [9., 7., 8.]],
                  [[0.5, -1., 9.], [2., 3., 1.], [9., 1., 2.]]])    # 9s: the unused slots
    r = np.array([[[1., 0.5], [2., -1.], [3., 0.]], [[0., 1.], [1., 1.], [-2., 3.]]])
    w = np.cos(np.arange(12.)).reshape(2, 3, 2)
    dt, rt = tk.constant(d), tk.constant(r)
    y = tk.linalg.tridiagonal_matmul(dt, rt)
    got = _run([y, tk.linalg.tridiagonal_matmul(DENSE, R, diagonals_format="matrix"),
                tk.gradients(tk.reduce_sum(y * w), [dt, rt])])
    np.testing.assert_allclose(got[0], [[[6, 1], [23, -1.5], [34, -8]],
                                        [[0.5, 2.5], [5, 1], [0, 5]]])         # TF 2.21
    np.testing.assert_allclose(got[1], DENSE @ R)
    np.testing.assert_allclose(got[2][0][1], [[1.714072540994, -2.442390718037, 0],
                                              [0.753902254343, -1.056630295693, 1.691420152117],
                                              [0, -0.911130261885, -0.834645831088]],
                               rtol=1e-11)                                      # TF 2.21
    np.testing.assert_allclose(got[2][1][0], [[1.08697214417, -4.768738252731],
                                              [-6.309883149645, -2.140362693428],
                                              [-4.754155398276, -0.278011880422]], rtol=1e-11)
    with pytest.raises(ValueError, match="Unrecognized diagonals_format"):
        tk.linalg.tridiagonal_matmul(d, r, diagonals_format="banded")
    check_grad(lambda x, y: tk.linalg.tridiagonal_matmul(x, y), d, r)
