"""lstsq / matrix_solve_ls, pinv, matrix_rank, matvec, adjoint, matrix_transpose(conjugate),
normalize and the tk.linalg aliases: values, shapes, typed errors and gradients.
Recorded numbers come from TF 2.21 (``tf.compat.v1`` graph mode, the same inputs); the
rest are NumPy references and finite differences (float64)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

B = np.array([[1., 2.], [0., -1.], [3., 0.5]])
W = np.array([[1., 2., 0.], [3., -1., 2.], [0.5, 1., 1.], [2., 0., -1.]])
Y = np.array([[1., 0.], [2., 1.], [0., 3.], [1., -1.]])
CW = np.cos(np.arange(18.)).reshape(2, 3, 3)


def _run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


def test_lstsq_equals_tf_on_every_path():
    x, xt = tk.placeholder(tk.float64, [None, None]), tk.placeholder(tk.float64, [None, None])
    got = _run([tk.linalg.lstsq(W, Y), tk.matrix_solve_ls(W, Y, l2_regularizer=0.5),
                tk.linalg.lstsq(W.T, B, l2_regularizer=0.25),
                tk.matrix_solve_ls(W, Y, fast=False), tk.linalg.lstsq(x, Y),
                tk.linalg.lstsq(xt, B)], {x: W, xt: W.T})
    np.testing.assert_allclose(got[0], [[0.61932938856, -0.195923734385],
                                        [0.059171597633, 0.522682445759],
                                        [0.045364891519, 1.234056541749]],
                               rtol=1e-10)                                      # TF 2.21
    np.testing.assert_allclose(got[1], [[0.594136807818, -0.14983713355],
                                        [0.054723127036, 0.465146579805],
                                        [0.058631921824, 1.098371335505]], rtol=1e-10)
    np.testing.assert_allclose(got[2][1], [0.740605618387, 0.498358263408], rtol=1e-10)
    np.testing.assert_allclose(got[3], np.linalg.lstsq(W, Y, rcond=None)[0], rtol=1e-12)
    np.testing.assert_allclose(got[4], got[0], rtol=1e-12)     # the run-time branch (cond)
    np.testing.assert_allclose(got[5], np.linalg.lstsq(W.T, B, rcond=None)[0], rtol=1e-10)


def test_lstsq_rank_deficient_paths_and_errors():
    deficient = np.array([[1., 2.], [2., 4.], [3., 6.]])
    got = _run(tk.linalg.lstsq(deficient, np.ones((3, 1)), fast=False))
    np.testing.assert_allclose(got, [[0.085714285714], [0.171428571429]], rtol=1e-10)
    with pytest.raises(tk.errors.InvalidArgumentError, match="Cholesky decomposition"):
        _run(tk.linalg.lstsq(deficient, np.ones((3, 1))))   # TF 1.15 (TF 2.x: NaNs)
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 2"):
        tk.linalg.lstsq(np.ones((3, 2)), np.ones((2, 1)))
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 2"):
        tk.linalg.lstsq(np.ones((3, 2)), np.ones((2, 1)), fast=False)
    with pytest.raises(ValueError, match="at least rank 2 but is rank 1"):
        tk.linalg.lstsq(np.ones((3, 2)), np.ones(3))
    with pytest.raises(ValueError, match="l2_regularizer must be a scalar"):
        tk.linalg.lstsq(np.ones((3, 2)), np.ones((3, 1)), l2_regularizer=[1., 2.], fast=False)
    with pytest.raises(TypeError, match="not in list of allowed values"):
        tk.linalg.lstsq(np.ones((3, 2), np.int32), np.ones((3, 1), np.int32))
    a = tk.constant(W)
    with pytest.raises(ValueError, match="Gradient not defined for fast=False"):
        tk.gradients(tk.linalg.lstsq(a, Y, fast=False), a)
    slow = tk.linalg.lstsq(tk.placeholder(tk.float32, [7, 4, 3]), np.ones((7, 4, 2), np.float32),
                           fast=False)
    assert slow.shape.as_list() == [7, 3, 2]


def test_lstsq_gradients_equal_tf_and_finite_differences():
    w = tk.constant(W)
    g_over = tk.gradients(tk.reduce_sum(tk.linalg.lstsq(w, Y, l2_regularizer=0.5)
                                        * CW[0, :, :2]), w)[0]
    g_under = tk.gradients(tk.reduce_sum(tk.linalg.lstsq(tk.transpose(w), B)
                                         * CW[1][[0, 1, 2, 0], :2]), w)[0]
    got = _run([g_over, g_under])
    np.testing.assert_allclose(got[0][1], [-0.212039050458, -0.158224975876, -0.362326051106],
                               rtol=1e-9)                                       # TF 2.21
    np.testing.assert_allclose(got[1][2], [0.049541242979, 0.312211167509, -0.437199734366],
                               rtol=1e-9)
    check_grad(lambda a, b: tk.linalg.lstsq(a, b, l2_regularizer=0.3), W, Y)
    check_grad(lambda a, b: tk.linalg.lstsq(a, b), W.T, B)


def test_pinv_and_matrix_rank_equal_tf():
    got = _run([tk.linalg.pinv(np.array([[1., 2.], [2., 4.], [0., 0.]], np.float32)),
                tk.linalg.pinv(W),
                tk.linalg.matrix_rank(np.stack([W[:3], np.outer([1., 2., 3.], [1., 0., -1.])])),
                tk.linalg.matrix_rank([[1, 2], [2, 4]]),
                tk.linalg.matrix_rank(np.eye(3), tol=2.0)])
    np.testing.assert_allclose(got[0], [[0.04, 0.08, 0], [0.08, 0.16, 0]], rtol=1e-6)  # TF
    assert got[0].dtype == np.float32
    np.testing.assert_allclose(got[1], np.linalg.pinv(W), rtol=1e-12)
    assert got[2].tolist() == [3, 1] and got[2].dtype == np.int32
    assert got[3] == 1 and got[4] == 0
    x = tk.placeholder(tk.float64, [None, 3])
    assert tk.linalg.pinv(x).shape.as_list() == [3, None]
    np.testing.assert_allclose(_run(tk.linalg.pinv(x), {x: W}), np.linalg.pinv(W), rtol=1e-12)
    with pytest.raises(TypeError, match="must have `float`-like `dtype` \\(saw int32\\)"):
        tk.linalg.pinv([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="at least 2 dimensions \\(saw: 1\\)"):
        tk.linalg.pinv([1., 2.])
    check_grad(tk.linalg.pinv, W)


def test_matvec_adjoint_transpose_normalize():
    c = np.array([[1 + 2j, 3.], [4j, 5.]])
    unit, norm = tk.linalg.normalize([[3., 4.], [1., 0.]], ord=1, axis=1)
    got = _run([tk.linalg.matvec(W, [1., 0., 2.]), tk.linalg.matvec(W, Y[:, 0], adjoint_a=True),
                tk.linalg.adjoint(c), tk.linalg.matrix_transpose(c, conjugate=True),
                tk.linalg.matrix_transpose(c), unit, norm, tk.linalg.normalize([3., 4.])])
    np.testing.assert_allclose(got[0], W @ [1, 0, 2])
    np.testing.assert_allclose(got[1], W.T @ Y[:, 0])
    np.testing.assert_allclose(got[2], c.conj().T)
    np.testing.assert_allclose(got[3], c.conj().T)
    np.testing.assert_allclose(got[4], c.T)
    np.testing.assert_allclose(got[5], [[3 / 7, 4 / 7], [1, 0]])
    np.testing.assert_allclose(got[6], [[7], [1]])
    np.testing.assert_allclose(got[7][0], [0.6, 0.8])
    assert got[7][1].tolist() == [5.0]
    assert tk.linalg.matvec(np.ones((5, 2, 3)), np.ones(3)).shape.as_list() == [5, 2]
    with pytest.raises(ValueError):
        tk.linalg.matvec(np.ones((2, 3)), np.ones(2))
    check_grad(lambda a, x: tk.linalg.matvec(a, x), W, np.array([1., -2., 0.5]))


def test_tf_names_are_exported():
    assert tk.linalg.triangular_solve is tk.matrix_triangular_solve
    assert tk.linalg.lstsq is tk.matrix_solve_ls
    assert tk.linalg.eigh is tk.self_adjoint_eig and tk.linalg.svd is tk.svd
    assert tk.linalg.eigvalsh is tk.self_adjoint_eigvals
    assert tk.linalg.cholesky is tk.cholesky and tk.linalg.cholesky_solve is tk.cholesky_solve
    assert tk.linalg.global_norm is tk.global_norm
    assert tk.linalg.matrix_transpose is tk.matrix_transpose
    # the op names TF 2.21 gives (checkpoints and GraphDefs refer to them)
    assert tk.cholesky_solve(np.eye(2), np.ones((2, 1))).name == \
        "cholesky_solve/MatrixTriangularSolve_1:0"
    assert [t.name for t in tk.svd(np.ones((3, 2)), name="mysvd")] == \
        ["mysvd:0", "mysvd:1", "mysvd:2"]
    assert tk.linalg.triangular_solve(np.eye(2), np.ones((2, 1))).name == \
        "triangular_solve/MatrixTriangularSolve:0"
