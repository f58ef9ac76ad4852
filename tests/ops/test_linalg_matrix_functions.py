"""expm (``MatrixExponential``) and sqrtm / matrix_square_root (``MatrixSquareRoot``):
values equal to TF 2.21 (``tf.compat.v1`` graph mode, the same inputs; recorded below)
and to series / squaring identities, typed errors, and gradients (TF's numbers and
finite differences)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

A = np.array([[1., 2., 0.], [3., -1., 2.], [0.5, 1., 1.]])
AB = np.stack([A, A.T + np.eye(3)])
S = np.array([[4., 1., 0.5], [1., 9., 1.], [0.5, 1., 3.]])
CW = np.cos(np.arange(18.)).reshape(2, 3, 3)


def _run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


def _taylor(a, terms=60):
    out, term = np.eye(len(a)), np.eye(len(a))
    for k in range(1, terms):
        term = term @ a / k
        out = out + term
    return out


def test_expm_equals_tf_and_the_series():
    got = _run([tk.linalg.expm(AB * 0.3), tk.linalg.expm(AB * 3.), tk.linalg.expm(np.zeros((0, 0))),
                tk.linalg.expm([[0., 1.], [0., 0.]]), tk.linalg.expm((AB * 0.3).astype(np.float32)),
                tk.linalg.expm(np.array([[0., math.pi], [-math.pi, 0.]]) * 1j)])
    np.testing.assert_allclose(got[0][0], [[1.680083825054, 0.685857902455, 0.212886089967],
                                           [1.082008376175, 1.100668967582, 0.685857902455],
                                           [0.384350565581, 0.396150473719, 1.467197735087]],
                               rtol=1e-11)                                      # TF 2.21
    np.testing.assert_allclose(got[1][1][0], [122573.46467754748, 131771.77541971422,
                                              89649.63210513438], rtol=1e-12)
    np.testing.assert_allclose(got[1][0], _taylor(3 * A), rtol=1e-10)
    assert got[2].shape == (0, 0)
    np.testing.assert_allclose(got[3], [[1, 1], [0, 1]])
    assert got[4].dtype == np.float32
    np.testing.assert_allclose(got[4], got[0], rtol=1e-6)
    np.testing.assert_allclose(got[5], _taylor(np.array([[0, math.pi], [-math.pi, 0]]) * 1j),
                               atol=1e-12)


def test_sqrtm_equals_tf():
    got = _run([tk.linalg.sqrtm(S), tk.matrix_square_root([[4., 1.], [0., 9.]]),
                tk.linalg.sqrtm([[-4., 0.], [0., 9.]]), tk.linalg.sqrtm([[0., 0.], [0., 4.]]),
                tk.linalg.sqrtm([[4., 1.], [0., 4.]]), tk.linalg.sqrtm(np.stack([S, 2 * S]))])
    np.testing.assert_allclose(got[0], [[1.986509432401, 0.195911136463, 0.124093116611],
                                        [0.195911136463, 2.98639431901, 0.207527824631],
                                        [0.124093116611, 0.207527824631, 1.715089822841]],
                               rtol=1e-11)                                      # TF 2.21
    np.testing.assert_allclose(got[1], [[2, 0.2], [0, 3]], rtol=1e-7)   # float32
    assert np.isnan(got[2]).all()                    # a negative eigenvalue: NaNs, as TF
    np.testing.assert_allclose(got[3], [[0, 0], [0, 2]], atol=1e-15)
    np.testing.assert_allclose(got[4], [[2, 0.25], [0, 2]], rtol=1e-10)   # defective
    np.testing.assert_allclose(got[5][1] @ got[5][1], 2 * S, rtol=1e-13)


def test_matrix_function_errors():
    for fn in (tk.linalg.expm, tk.linalg.sqrtm):
        with pytest.raises(ValueError, match="Dimensions must be equal, but are 2 and 3"):
            fn(np.ones((2, 3)))
        with pytest.raises(ValueError, match="at least rank 2"):
            fn(np.ones(3))
        with pytest.raises(TypeError, match="not in list of allowed values"):
            fn(np.eye(2, dtype=np.int32))
        x = tk.placeholder(tk.float64, [None, None])
        with pytest.raises(tk.errors.InvalidArgumentError, match="must be square"):
            _run(fn(x), {x: np.ones((2, 3))})
        assert fn(tk.placeholder(tk.float32, [4, None, 3])).shape.as_list() == [4, 3, 3]


def test_gradients_equal_tf_and_finite_differences():
    a, s = tk.constant(AB), tk.constant(S)
    ga = tk.gradients(tk.reduce_sum(tk.linalg.expm(a * 0.7) * CW), a)[0]
    gs = tk.gradients(tk.reduce_sum(tk.linalg.sqrtm(s) * CW[1]), s)[0]
    ga, gs = _run([ga, gs])
    np.testing.assert_allclose(ga[1], [[-6.190552055336, -4.037414515556, -2.03608189394],
                                       [-1.741130660103, -1.424345265995, -0.212621394797],
                                       [-6.998715905264, -4.860555393387, -3.333059064188]],
                               rtol=1e-10)                                      # TF 2.21
    np.testing.assert_allclose(gs, [[-0.224707361059, -0.161991179374, 0.018902983923],
                                    [0.180007512779, 0.157456367124, 0.019383698561],
                                    [-0.195329189416, -0.195439220314, -0.063184341143]],
                               rtol=1e-10)
    check_grad(lambda x: tk.linalg.expm(x * 0.7), AB)
    check_grad(tk.linalg.sqrtm, np.stack([S, S + A]))
