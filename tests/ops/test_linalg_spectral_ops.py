"""eigh / eigvalsh (``SelfAdjointEigV2``) and svd: values, TF's output order and static
shapes, typed errors, and gradients. Recorded numbers come from TF 2.21
(``tf.compat.v1`` graph mode, the same inputs). Eigenvectors and singular vectors are
unique only up to sign, so vectors are compared through sign-free quantities
(``V diag(e) V^T``, ``U diag(s) V^T``, squares and absolute values)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

SPD = np.array([[[4., 2., 0.6], [2., 5., 1.], [0.6, 1., 3.]],
                [[2., -1., 0.], [-1., 2., -1.], [0., -1., 2.]]])
W = np.array([[1., 2., 0.], [3., -1., 2.], [0.5, 1., 1.], [2., 0., -1.]])
CW = np.cos(np.arange(18.)).reshape(2, 3, 3)


def _run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


def test_eigh_equals_tf_and_reads_the_lower_triangle():
    e, v = tk.linalg.eigh(SPD)
    lower_only = np.tril(SPD) + 9 * np.triu(np.ones((3, 3)), 1)
    got = _run([e, v, tk.linalg.eigvalsh(lower_only), tk.self_adjoint_eigvals(SPD[0]),
                tk.self_adjoint_eig(np.array([[2., 1j], [-1j, 2.]]))])
    np.testing.assert_allclose(got[0], [[2.372468984809, 2.722508207323, 6.905022807868],
                                        [0.585786437627, 2, 3.414213562373]],
                               rtol=1e-11)                                      # TF 2.21
    np.testing.assert_allclose(got[1] @ (got[0][..., None] * np.swapaxes(got[1], -1, -2)),
                               SPD, atol=1e-13)
    np.testing.assert_allclose(np.swapaxes(got[1], -1, -2) @ got[1], [np.eye(3)] * 2,
                               atol=1e-14)
    np.testing.assert_allclose(got[2], got[0], rtol=1e-13)
    np.testing.assert_allclose(got[3], got[0][0], rtol=1e-13)
    ce, cv = got[4]
    np.testing.assert_allclose(ce, [1, 3], rtol=1e-14)
    np.testing.assert_allclose(cv @ np.diag(ce) @ cv.conj().T, [[2, 1j], [-1j, 2]], atol=1e-14)


def test_eigh_shapes_and_errors():
    x = tk.placeholder(tk.float32, [4, None, 3])
    e, v = tk.linalg.eigh(x)
    assert e.shape.as_list() == [4, 3] and v.shape.as_list() == [4, 3, 3]
    assert tk.linalg.eigvalsh(tk.placeholder(tk.float64)).shape.ndims is None
    out = _run(tk.linalg.eigvalsh(SPD.astype(np.float32)))
    assert out.dtype == np.float32 and out.shape == (2, 3)
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 2 and 3"):
        tk.linalg.eigh(np.ones((2, 3)))
    with pytest.raises(ValueError, match="at least rank 2"):
        tk.linalg.eigvalsh(np.ones(3))
    with pytest.raises(TypeError, match="DataType int32 not in list of allowed values"):
        tk.linalg.eigh(np.eye(2, dtype=np.int32))
    y = tk.placeholder(tk.float64, [None, None])
    with pytest.raises(tk.errors.InvalidArgumentError, match="must be square"):
        _run(tk.linalg.eigvalsh(y), {y: np.ones((2, 3))})


def test_svd_equals_tf_in_tfs_order_and_shapes():
    s, u, v = tk.linalg.svd(W)
    s2, u2, v2 = tk.svd(W.T, full_matrices=True)
    got = _run([s, u, v, s2, u2, v2, tk.svd(W, compute_uv=False)])
    np.testing.assert_allclose(got[0], [4.037536221926, 2.482794834119, 1.945258612193],
                               rtol=1e-11)                                      # TF 2.21
    assert got[1].shape == (4, 3) and got[2].shape == (3, 3)
    np.testing.assert_allclose(got[1] * got[0] @ got[2].T, W, atol=1e-13)
    assert got[4].shape == (3, 3) and got[5].shape == (4, 4)
    np.testing.assert_allclose(got[4] * got[3] @ got[5][:, :3].T, W.T, atol=1e-13)
    np.testing.assert_allclose(got[5].T @ got[5], np.eye(4), atol=1e-14)
    np.testing.assert_allclose(got[6], got[0], rtol=1e-13)
    assert [t.shape.as_list() for t in (s, u, v)] == [[3], [4, 3], [3, 3]]
    assert [t.shape.as_list() for t in (s2, u2, v2)] == [[3], [3, 3], [4, 4]]
    x = tk.placeholder(tk.float64, [5, None, 3])
    assert [t.shape.as_list() for t in tk.svd(x)] == [[5, None], [5, None, None], [5, 3, None]]
    assert tk.svd(x, compute_uv=False).shape.as_list() == [5, None]


def test_svd_complex_float32_and_empty():
    c = np.array([[1., 2j], [3., 4.], [1j, 1.]])
    s, u, v = _run(tk.svd(c))
    assert s.dtype == np.float64
    np.testing.assert_allclose(u * s @ v.conj().T, c, atol=1e-13)
    s32 = _run(tk.svd(W.astype(np.float32), compute_uv=False))
    assert s32.dtype == np.float32
    np.testing.assert_allclose(s32, np.linalg.svd(W, compute_uv=False), rtol=1e-5)
    s0, u0, v0 = _run(tk.svd(np.ones((0, 3)), full_matrices=True))
    assert s0.shape == (0,) and u0.shape == (0, 0) and v0.shape == (3, 3)


def test_svd_errors():
    with pytest.raises(ValueError, match="at least rank 2 but is rank 1"):
        tk.svd(np.ones(3))
    with pytest.raises(TypeError, match="not in list of allowed values"):
        tk.svd(np.eye(2, dtype=np.int64))


def test_gradients_equal_tf():
    a, w = tk.constant(SPD), tk.constant(W)
    _, v = tk.linalg.eigh(a)
    _, u, vv = tk.svd(w)
    grads = [tk.gradients(tk.reduce_sum(tk.linalg.eigvalsh(a) * [1., 2., 3.]), a)[0],
             tk.gradients(tk.reduce_sum(tk.square(v) * CW), a)[0],
             tk.gradients(tk.reduce_sum(tk.svd(w, compute_uv=False) * [3., 2., 1.]), w)[0],
             tk.gradients(tk.reduce_sum(tk.square(u) * CW[0][[0, 1, 2, 0]])
                          + tk.reduce_sum(tk.abs(vv) * CW[1]), w)[0]]
    got = _run(grads)
    np.testing.assert_allclose(got[0][0], [[1.930695174679, 0, 0],
                                           [1.713011797893, 2.162584452408, 0],
                                           [-0.202246322285, 0.972013941149, 1.906720372913]],
                               rtol=1e-10)                                      # TF 2.21
    np.testing.assert_allclose(got[1][1], [[0.200572586628, 0, 0],
                                           [0.02725730387, -0.248752565614, 0],
                                           [0.248752565614, -0.02725730387, 0.048179978986]],
                               rtol=1e-9)
    np.testing.assert_allclose(got[2][1], [2.247707573179, -0.819021149571, 1.428616982556],
                               rtol=1e-10)
    np.testing.assert_allclose(got[3], [[-0.424272967416, 0.529305866517, 0.929778314856],
                                        [0.200773703761, -0.036757076247, -0.803590961652],
                                        [-0.071267945736, 0.734232556613, 0.246326929083],
                                        [0.045053173087, -0.911688711388, 0.701266888847]],
                               rtol=1e-9)


def _sym(x):
    return 0.5 * (x + tk.linalg.adjoint(x))


def _eig_invariants(x):
    e, v = tk.linalg.eigh(_sym(x))
    return tk.concat([e * 2.0, tk.reshape(tk.square(v), [-1, 9])], axis=-1)


def _svd_invariants(full):
    def fn(x):
        s, u, v = tk.svd(x, full_matrices=full)
        p = s.shape.as_list()[-1]
        usv = tk.matmul(u[..., :, :p] * tk.expand_dims(s, -2), v[..., :, :p], adjoint_b=True)
        return tk.concat([tk.reshape(usv * usv, [-1]), tk.reshape(tk.square(u), [-1]),
                          tk.reshape(tk.abs(v), [-1]), s], axis=0)
    return fn


def test_gradients_equal_finite_differences():
    check_grad(_eig_invariants, SPD)
    check_grad(lambda x: tk.linalg.eigvalsh(_sym(x)), SPD[0])
    check_grad(_svd_invariants(False), W)          # tall
    check_grad(_svd_invariants(False), W.T)        # wide
    check_grad(_svd_invariants(True), W, rtol=1e-5)   # |m - n| = 1
    check_grad(lambda x: tk.svd(x, compute_uv=False), np.stack([W, W[::-1] + 1]))


def test_svd_gradient_restrictions_are_tfs():
    x = tk.placeholder(tk.float64, [None, 3])
    with pytest.raises(NotImplementedError, match="unknown inner matrix shape"):
        tk.gradients(tk.reduce_sum(tk.svd(x)[1]), x)
    y = tk.constant(np.ones((2, 5)))
    with pytest.raises(NotImplementedError, match=r"abs\(m - n\) > 1"):
        tk.gradients(tk.reduce_sum(tk.svd(y, full_matrices=True)[1]), y)
    assert tk.gradients(tk.reduce_sum(tk.svd(x, compute_uv=False)), x)[0] is not None
