"""``tk.linalg.LinearOperatorLowerTriangular`` against numbers from TF 2.21
(``tf.compat.v1.linalg.LinearOperatorLowerTriangular`` in graph mode) for the same batch
of two 3x3 matrices whose strict upper triangles (the 9s and 7s) must be ignored."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

TRIL = np.array([[[2., 9., 9.], [1., -3., 9.], [4., 5., .5]],
                 [[1., 7., 7.], [0., 2., 7.], [1., 1., 4.]]], np.float32)
X = np.array([[1., 2.], [3., 4.], [5., 6.]], np.float32)


def _run(t):
    with tk.Session() as s:
        return s.run(t)


def test_dense_diag_and_static_properties():
    op = tk.linalg.LinearOperatorLowerTriangular(TRIL)
    np.testing.assert_array_equal(_run(op.to_dense()), np.tril(TRIL))
    np.testing.assert_array_equal(_run(op.diag_part()), [[2., -3., .5], [1., 2., 4.]])
    assert op.shape.as_list() == [2, 3, 3] and op.batch_shape.as_list() == [2]
    assert op.dtype == tk.float32 and op.is_square is True


def test_matmul_matvec_and_adjoints_match_tf():
    op = tk.linalg.LinearOperatorLowerTriangular(TRIL)
    mm = [[[2., 4.], [-8., -10.], [21.5, 31.]], [[1., 2.], [6., 8.], [24., 30.]]]
    np.testing.assert_allclose(_run(op.matmul(X)), mm)
    np.testing.assert_allclose(_run(op.matmul(X.T, adjoint_arg=True)), mm)
    np.testing.assert_allclose(_run(op.matmul(X, adjoint=True)),
                               [[[25., 32.], [16., 18.], [2.5, 3.]],
                                [[6., 8.], [11., 14.], [20., 24.]]])
    np.testing.assert_allclose(_run(op.matvec([1., -1., 2.])),
                               [[2., 4., 0.], [1., -2., 8.]])


def test_determinants_and_solves_match_tf():
    op = tk.linalg.LinearOperatorLowerTriangular(TRIL)
    np.testing.assert_allclose(_run(op.determinant()), [-3., 8.])
    np.testing.assert_allclose(_run(op.log_abs_determinant()),
                               [1.0986123085021973, 2.079441547393799], rtol=1e-6)
    np.testing.assert_allclose(_run(op.solve(X)),
                               [[[.5, 1.], [-.8333333730697632, -1.], [14.333333969116211, 14.]],
                                [[1., 2.], [1.5, 2.], [.625, .5]]], rtol=1e-5)
    np.testing.assert_allclose(_run(op.solve(X, adjoint=True)),
                               [[[-27.33333396911621, -32.333335876464844],
                                 [15.666666984558105, 18.666667938232422], [10., 12.]],
                                [[-.25, .5], [.875, 1.25], [1.25, 1.5]]], rtol=1e-5)


def test_causal_mask_idiom_of_transformer_code():
    """``LinearOperatorLowerTriangular(tf.ones_like(scores[0])).to_dense()`` on a tensor
    whose shape is known only at run time."""
    scores = tk.placeholder(tk.float32, [None, None, None])
    tril = tk.linalg.LinearOperatorLowerTriangular(tk.ones_like(scores[0, :, :])).to_dense()
    with tk.Session() as s:
        got = s.run(tril, {scores: np.zeros((2, 3, 4), np.float32)})
    np.testing.assert_array_equal(got, np.tril(np.ones((3, 4), np.float32)))


@pytest.mark.parametrize("kwargs, match", [
    ({"tril": [1., 2.]}, "at least 2 dimensions"),
    ({"tril": TRIL, "is_square": False}, "only square"),
    ({"tril": TRIL, "is_positive_definite": True, "is_non_singular": False},
     "always non-singular"),
])
def test_bad_arguments_are_value_errors_as_in_tf(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tk.linalg.LinearOperatorLowerTriangular(**kwargs)
