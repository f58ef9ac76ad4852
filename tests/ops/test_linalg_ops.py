"""Matrix ops (diag family, band_part, trace, inverse, determinant, solve, cross, norm):
values and gradients equal to TF 2.21 (tf.compat.v1, the same inputs; recorded below),
NumPy references and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

A = np.array([[[2., 1., 0.], [1., 3., 1.], [0.5, 1., 4.]],
              [[1., 2., 0.], [0., 1., 3.], [2., 0., 1.]]])
B = np.array([[[1., 0.], [2., 1.], [0., 3.]], [[1., 1.], [0., 2.], [3., 0.]]])
M = np.arange(12.).reshape(3, 4)
W = np.cos(np.arange(18.)).reshape(2, 3, 3)


def _run(t):
    with tk.Session() as sess:
        return sess.run(t)


def test_diagonal_family_and_band_part_equal_tf():
    got = _run([tk.matrix_diag([[1., 2.], [3., 4.]]), tk.matrix_diag_part(M),
                tk.matrix_set_diag(M, [9., 8., 7.]), tk.matrix_band_part(M, 1, 0),
                tk.matrix_band_part(M, -1, 1), tk.diag([[1., 2.], [3., 4.]]),
                tk.diag_part(tk.diag([[1., 2.], [3., 4.]])), tk.trace(A)])
    assert got[0].tolist() == [[[1, 0], [0, 2]], [[3, 0], [0, 4]]]
    assert got[1].tolist() == [0, 5, 10]
    assert got[2].tolist() == [[9, 1, 2, 3], [4, 8, 6, 7], [8, 9, 7, 11]]
    assert got[3].tolist() == [[0, 0, 0, 0], [4, 5, 0, 0], [0, 9, 10, 0]]
    assert got[4].tolist() == [[0, 1, 0, 0], [4, 5, 6, 0], [8, 9, 10, 11]]
    assert got[5].tolist() == [[[[1, 0], [0, 0]], [[0, 2], [0, 0]]],
                               [[[0, 0], [3, 0]], [[0, 0], [0, 4]]]]
    assert got[6].tolist() == [[1, 2], [3, 4]] and got[7].tolist() == [9, 3]
    assert tk.linalg.diag is tk.matrix_diag and tk.linalg.inv is tk.matrix_inverse


def test_inverse_determinant_solve_equal_tf():
    got = _run([tk.matrix_inverse(A), tk.matrix_inverse(A, adjoint=True),
                tk.matrix_determinant(A), tk.matrix_solve(A, B),
                tk.matrix_solve(A, B, adjoint=True)])
    np.testing.assert_allclose(got[0], np.linalg.inv(A), rtol=1e-12)
    np.testing.assert_allclose(got[0][0, 0], [0.594594594595, -0.216216216216,
                                              0.054054054054], rtol=1e-11)      # TF 2.21
    np.testing.assert_allclose(got[1], np.linalg.inv(A).transpose(0, 2, 1), rtol=1e-12)
    np.testing.assert_allclose(got[2], [18.5, 13.0], rtol=1e-12)               # TF 2.21
    np.testing.assert_allclose(got[3][1], [[1.461538461538, -0.230769230769],
                                           [-0.230769230769, 0.615384615385],
                                           [0.076923076923, 0.461538461538]], rtol=1e-11)
    np.testing.assert_allclose(got[4][1], [[-0.384615384615, 1.0], [0.769230769231, 0.0],
                                           [0.692307692308, 0.0]], rtol=1e-11, atol=1e-12)
    with pytest.raises(tk.errors.InvalidArgumentError, match="not invertible"):
        _run(tk.matrix_inverse(np.zeros((2, 2))))


def test_linalg_gradients_equal_tf_and_finite_differences():
    a, b = tk.constant(A), tk.constant(B)
    g_inv = tk.gradients(tk.reduce_sum(tk.matrix_inverse(a) * W), [a])[0]
    g_det = tk.gradients(tk.reduce_sum(tk.matrix_determinant(a) * [1., 2.]), [a])[0]
    ga, gb = tk.gradients(tk.reduce_sum(tk.matrix_solve(a, b, adjoint=True) * W[:, :, :2]),
                          [a, b])
    g_inv, g_det, ga, gb = _run([g_inv, g_det, ga, gb])
    np.testing.assert_allclose(g_inv[0, 0], [-0.341620406331, -0.07269911138, 0.13517033991],
                               rtol=1e-10)
    np.testing.assert_allclose(g_det, [[[11, -3.5, -0.5], [-4, 8, -1.5], [1, -2, 5]],
                                       [[2, 12, -4], [-4, 2, 8], [12, -6, 2]]], rtol=1e-12)
    np.testing.assert_allclose(ga[1, 0], [0.434403298097, 0.027116757435, -0.203334774663],
                               rtol=1e-10)
    np.testing.assert_allclose(gb[0, 0], [0.860548122868, 0.503340654181], rtol=1e-10)
    check_grad(lambda x: tk.matrix_inverse(x, adjoint=True), A)
    check_grad(tk.matrix_determinant, A)
    check_grad(lambda x, y: tk.matrix_solve(x, y), A, B)
    check_grad(lambda x: tk.matrix_band_part(x, 1, 0) + tk.matrix_set_diag(x, [1., 2., 3.]), M)
    check_grad(lambda x: tk.diag_part(tk.diag(x) * 2.0), M[:2, :2])


def test_cross_and_norms_equal_tf():
    got = _run([tk.cross([[1., 0., 0.], [1., 2., 3.]], [[0., 1., 0.], [4., 5., 6.]]),
                tk.norm(M), tk.norm(M, ord=1, axis=1), tk.norm(M, ord=np.inf, axis=0),
                tk.norm(M, ord=3, axis=1), tk.norm(A, ord="fro", axis=[-2, -1]),
                tk.norm(A, ord=1, axis=[-2, -1]),
                tk.norm(A, ord=np.inf, axis=[-2, -1], keepdims=True)])
    want = [[[0, 0, 1], [-3, 6, -3]], 22.494443758404, [6, 22, 38], [8, 9, 10, 11],
            [3.301927248895, 9.077519683235, 15.286350621726], [5.766281297335, 4.472135955],
            [5, 4], [[[5.5]], [[4.0]]]]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-11)
    check_grad(tk.cross, np.arange(6.).reshape(2, 3) - 2, np.cos(np.arange(6.)).reshape(2, 3))
