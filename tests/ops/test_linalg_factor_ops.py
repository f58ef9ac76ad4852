"""Cholesky, triangular solves, cholesky_solve, slogdet and logdet: values, static shapes,
typed errors and gradients. Recorded numbers come from TF 2.21 (``tf.compat.v1`` graph
mode, the same inputs); the rest are NumPy references and finite differences (float64).
Where TF 2.x and TF 1.15 differ (a failed Cholesky or a singular triangular solve now
give NaN/inf in TF 2.x), trainkit follows TF 1.15's InvalidArgumentError."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

SPD = np.array([[[4., 2., 0.6], [2., 5., 1.], [0.6, 1., 3.]],
                [[2., -1., 0.], [-1., 2., -1.], [0., -1., 2.]]])
B = np.array([[1., 2.], [0., -1.], [3., 0.5]])
G = np.array([[1., 2., 0.], [3., -1., 2.], [0.5, 1., 1.]])
CW = np.cos(np.arange(18.)).reshape(2, 3, 3)


def _run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


def test_cholesky_equals_tf_and_reads_the_lower_triangle():
    got = _run([tk.cholesky(SPD), tk.linalg.cholesky(np.triu(SPD[0]).T + 7 * np.triu(SPD[0], 1)),
                tk.cholesky(SPD.astype(np.float32)), tk.cholesky(np.ones((0, 0))),
                tk.cholesky(np.array([[4., 2j], [-2j, 5.]]))])
    np.testing.assert_allclose(got[0], [[[2, 0, 0], [1, 2, 0], [0.3, 0.35, 1.669580785706]],
                                        [[1.414213562373, 0, 0], [-0.707106781187,
                                                                  1.224744871392, 0],
                                         [0, -0.816496580928, 1.154700538379]]],
                               rtol=1e-11, atol=1e-15)                          # TF 2.21
    np.testing.assert_allclose(got[1], got[0][0], rtol=1e-14)   # the upper triangle is unread
    assert got[2].dtype == np.float32
    np.testing.assert_allclose(got[2], got[0], rtol=1e-6)
    assert got[3].shape == (0, 0)
    np.testing.assert_allclose(got[4], [[2, 0], [-1j, 2]], atol=1e-15)


def test_cholesky_static_shapes_and_errors():
    x = tk.placeholder(tk.float64, [None, 3, None])
    assert tk.cholesky(x).shape.as_list() == [None, 3, 3]
    assert tk.cholesky(tk.placeholder(tk.float32)).shape.ndims is None
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 2 and 3"):
        tk.cholesky(np.ones((2, 3)))
    with pytest.raises(ValueError, match="at least rank 2 but is rank 1"):
        tk.cholesky(np.ones(3))
    with pytest.raises(TypeError, match="DataType int32 not in list of allowed values"):
        tk.cholesky(np.eye(2, dtype=np.int32))
    not_pd = tk.cholesky(np.stack([np.eye(2), [[1., 2.], [2., 1.]]]))
    with pytest.raises(tk.errors.InvalidArgumentError,
                       match=r"^Cholesky decomposition was not successful\. The input might "
                             r"not be valid\.$"):
        _run(not_pd)
    y = tk.placeholder(tk.float64, [None, None])
    with pytest.raises(tk.errors.InvalidArgumentError, match="Input matrix must be square"):
        _run(tk.cholesky(y), {y: np.ones((2, 3))})


def test_cholesky_of_a_nan_matrix_is_nan_like_eigen():
    got = _run(tk.cholesky([[np.nan, 0.], [0., 1.]]))
    assert np.isnan(got[np.tril_indices(2)]).all() and got[0, 1] == 0


def test_triangular_solves_and_cholesky_solve_equal_tf():
    a = G + 3 * np.eye(3)
    got = _run([tk.linalg.triangular_solve(a, B, lower=False, adjoint=True),
                tk.matrix_triangular_solve(a, B),
                tk.cholesky_solve(tk.cholesky(SPD), np.stack([B, B])),
                tk.linalg.triangular_solve(np.ones((4, 1, 3, 3)) + np.eye(3),
                                           np.ones((5, 3, 2)))])
    np.testing.assert_allclose(got[0], [[0.25, 0.5], [-0.25, -1], [0.875, 0.625]], rtol=1e-14)
    np.testing.assert_allclose(got[1], [[0.25, 0.5], [-0.375, -1.25], [0.8125, 0.375]],
                               rtol=1e-14)                                      # TF 2.21
    np.testing.assert_allclose(got[2][0], [[0.2466367713, 0.737668161435],
                                           [-0.309417040359, -0.534529147982],
                                           [1.053811659193, 0.19730941704]], rtol=1e-10)
    np.testing.assert_allclose(got[2], np.linalg.solve(SPD, np.stack([B, B])), rtol=1e-12)
    assert got[3].shape == (4, 5, 3, 2)
    np.testing.assert_allclose(got[3], np.linalg.solve(np.tril(np.ones((3, 3)) + np.eye(3)),
                                                       np.ones((3, 2)))[None, None] + 0 * got[3])


def test_triangular_solve_shapes_and_errors():
    a = tk.placeholder(tk.float64, [None, None, 3])
    assert tk.linalg.triangular_solve(a, np.ones((3, 2))).shape.as_list() == [None, 3, 2]
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 2"):
        tk.linalg.triangular_solve(np.eye(3), np.ones((2, 1)))
    with pytest.raises(ValueError, match="at least rank 2 but is rank 1"):
        tk.linalg.triangular_solve(np.eye(2), np.ones(2))
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 2 and 3"):
        tk.cholesky_solve(np.ones((2, 3)), np.ones((2, 1)))
    with pytest.raises(tk.errors.InvalidArgumentError, match="Input matrix is not invertible"):
        _run(tk.linalg.triangular_solve([[0., 0.], [1., 1.]], [[1.], [1.]]))
    m, r = tk.placeholder(tk.float64, [None, None]), tk.placeholder(tk.float64, [None, None])
    with pytest.raises(tk.errors.InvalidArgumentError, match="matrix and rhs are incompatible"):
        _run(tk.linalg.triangular_solve(m, r), {m: np.eye(3), r: np.ones((2, 1))})


def test_slogdet_and_logdet_equal_tf():
    sign, logabs = tk.linalg.slogdet(G)
    got = _run([sign, logabs, tk.linalg.logdet(SPD), tk.linalg.slogdet([[1., 2.], [2., 4.]]),
                tk.linalg.slogdet(np.array([[1., 2j], [3., 4.]]))])
    assert got[0] == -1.0 and sign.shape.as_list() == [] and got[0].dtype == np.float64
    np.testing.assert_allclose(got[1], 1.9459101490553135, rtol=1e-14)         # TF 2.21
    np.testing.assert_allclose(got[2], [3.797733859026, 1.38629436112], rtol=1e-11)
    assert got[3][0] == 0 and got[3][1] == -np.inf
    np.testing.assert_allclose(got[4][0] * np.exp(got[4][1]), np.linalg.det([[1, 2j], [3, 4]]))
    assert tk.linalg.logdet(np.eye(3)[None].repeat(4, 0)).shape.as_list() == [4]
    assert tk.linalg.slogdet(tk.placeholder(tk.float32, [5, None, None]))[1].shape == [5]
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tk.linalg.slogdet(np.ones((2, 3)))
    with pytest.raises(tk.errors.InvalidArgumentError, match="Cholesky decomposition"):
        _run(tk.linalg.logdet([[1., 2.], [2., 1.]]))


def test_gradients_equal_tf():
    a, g, b = tk.constant(SPD), tk.constant(G), tk.constant(B)
    g_chol = tk.gradients(tk.reduce_sum(tk.cholesky(a) * CW), a)[0]
    ga, gb = tk.gradients(tk.reduce_sum(tk.linalg.triangular_solve(
        g + 3 * np.eye(3), b, lower=False, adjoint=True) * CW[0, :, :2]), [g, b])
    g_ld, g_sld = tk.gradients(tk.linalg.logdet(a)[1] + 2. * tk.linalg.slogdet(g)[1], [a, g])
    got = _run([g_chol, ga, gb, g_ld, g_sld])
    np.testing.assert_allclose(got[0][1], [[-0.158742856476, 0.32678067377, -0.503788067052],
                                           [0.32678067377, 0.05686649099, -0.470395659336],
                                           [-0.503788067052, -0.470395659336,
                                            -0.119149220471]], rtol=1e-10)      # TF 2.21
    np.testing.assert_allclose(got[1], [[-0.350741984233, 0.441408392, -0.154248424709],
                                        [0, -0.699057079008, 0.248486206501],
                                        [0, 0, -0.327834477446]], rtol=1e-10)
    np.testing.assert_allclose(got[2], [[0.617519409981, 0.392724263476],
                                        [-0.735038819963, -0.515297374018],
                                        [0.240042571663, 0.188475563586]], rtol=1e-10)
    np.testing.assert_allclose(got[3], [np.zeros((3, 3)), [[0.75, 0.5, 0.25], [0.5, 1, 0.5],
                                                            [0.25, 0.5, 0.75]]], rtol=1e-12)
    np.testing.assert_allclose(got[4], 2 * np.linalg.inv(G).T, rtol=1e-12)


def _sym_chol(x):
    """Cholesky of the symmetrised input, so finite differences stay on the domain."""
    return tk.cholesky(0.5 * (x + tk.linalg.adjoint(x)))


def test_gradients_equal_finite_differences():
    check_grad(_sym_chol, SPD)
    check_grad(lambda x, y: tk.linalg.triangular_solve(x, y), G + 3 * np.eye(3), B)
    check_grad(lambda x, y: tk.linalg.triangular_solve(x, y, lower=False, adjoint=True),
               G + 3 * np.eye(3), np.stack([B, -B]))
    check_grad(lambda x, y: tk.cholesky_solve(_sym_chol(x), y), SPD[0], B)
    check_grad(lambda x: tk.linalg.slogdet(x)[1], np.stack([G, G.T + 1]))
    check_grad(lambda x: tk.linalg.logdet(0.5 * (x + tk.linalg.adjoint(x))), SPD)
