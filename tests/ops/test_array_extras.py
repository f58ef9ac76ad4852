"""broadcast_to, space_to_depth/depth_to_space, roll, sort/argsort, cumprod, eye, linspace,
meshgrid, matrix_transpose and unique: values equal to TF 2.21 (tf.compat.v1, the same
inputs; numbers recorded below) and NumPy references; gradients by finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

X = np.array([[0.3, -1.2, 2.0], [0.5, 0.1, -0.7]])
S = [[3., 1., 2., 1.], [0., 5., -1., 5.]]


def _run(t, feed=None):
    with tk.Session() as sess:
        return sess.run(t, feed)


def _np_s2d(x, bs):
    b, h, w, c = x.shape
    y = x.reshape(b, h // bs, bs, w // bs, bs, c).transpose(0, 1, 3, 2, 4, 5)
    return y.reshape(b, h // bs, w // bs, bs * bs * c)


def test_broadcast_to_and_its_gradient():
    assert _run(tk.broadcast_to([1, 2, 3], [2, 3])).tolist() == [[1, 2, 3], [1, 2, 3]]
    check_grad(lambda t: tk.broadcast_to(t, [4, 2, 3]), X)


def test_space_to_depth_and_back_equal_tf():
    x = np.arange(2 * 4 * 6 * 3).reshape(2, 4, 6, 3)
    got = _run(tk.space_to_depth(x, 2))
    # TF 2.21: the first output pixel's depth vector
    assert got[0, 0, 0].tolist() == [0, 1, 2, 3, 4, 5, 18, 19, 20, 21, 22, 23]
    np.testing.assert_array_equal(got, _np_s2d(x, 2))
    img = np.arange(2 * 4 * 4 * 8, dtype=np.float32).reshape(2, 4, 4, 8)
    d2s = _run(tk.depth_to_space(img, 2))
    assert d2s.shape == (2, 8, 8, 2)
    assert d2s[0, 0, :4].tolist() == [[0, 1], [2, 3], [8, 9], [10, 11]]          # TF 2.21
    assert d2s[0, 1, :4].tolist() == [[4, 5], [6, 7], [12, 13], [14, 15]]        # TF 2.21
    np.testing.assert_array_equal(_np_s2d(d2s, 2), img)     # exact inverse
    nchw = _run(tk.space_to_depth(x.transpose(0, 3, 1, 2), 2, data_format="NCHW"))
    np.testing.assert_array_equal(nchw, _np_s2d(x, 2).transpose(0, 3, 1, 2))
    p = tk.placeholder(tk.float64, [None, 4, 6, 3])
    np.testing.assert_array_equal(_run(tk.depth_to_space(tk.space_to_depth(p, 2), 2),
                                       {p: x}), x)
    check_grad(lambda t: tk.space_to_depth(t, 2), np.random.default_rng(0).normal(
        size=(1, 2, 4, 2)))
    with pytest.raises(ValueError, match="divisible"):
        tk.space_to_depth(tk.zeros([1, 3, 4, 1]), 2)


def test_roll_equals_tf_and_gradient():
    got = _run(tk.roll(np.arange(12).reshape(3, 4), [1, -1], [0, 1]))
    assert got.tolist() == [[9, 10, 11, 8], [1, 2, 3, 0], [5, 6, 7, 4]]
    check_grad(lambda t: tk.roll(t, 2, -1), X)


def test_sort_and_argsort_equal_tf_with_ties():
    got = _run([tk.sort(S, axis=0), tk.sort(S, direction="DESCENDING"), tk.argsort(S),
                tk.argsort(S, direction="DESCENDING")])
    assert got[0].tolist() == [[0.0, 1.0, -1.0, 1.0], [3.0, 5.0, 2.0, 5.0]]
    assert got[1].tolist() == [[3.0, 2.0, 1.0, 1.0], [5.0, 5.0, 0.0, -1.0]]
    assert got[2].tolist() == [[1, 3, 2, 0], [2, 0, 1, 3]]
    assert got[3].tolist() == [[0, 2, 1, 3], [1, 3, 0, 2]]
    x = tk.constant(X)
    (g,) = tk.gradients(tk.reduce_sum(tk.sort(x, axis=1) * [[1., 2., 3.], [4., 5., 6.]]), [x])
    assert _run(g).tolist() == [[2.0, 1.0, 3.0], [6.0, 5.0, 4.0]]      # TF 2.21
    with pytest.raises(ValueError, match="direction"):
        tk.sort(S, direction="UP")


def test_cumprod_equals_tf_and_gradient():
    x = tk.constant(X)
    w = [[1., 2., 3.], [4., 5., 6.]]
    (g,) = tk.gradients(tk.reduce_sum(tk.cumprod(x, axis=1, exclusive=True) * w), [x])
    got = _run([tk.cumprod(x, axis=1), tk.cumprod(x, axis=1, exclusive=True, reverse=True),
                g])
    np.testing.assert_allclose(got[0], [[0.3, -0.36, -0.72], [0.5, 0.05, -0.035]], rtol=1e-12)
    np.testing.assert_allclose(got[1], [[-2.4, 2.0, 1.0], [-0.07, -0.7, 1.0]], rtol=1e-12)
    np.testing.assert_allclose(got[2], [[-1.6, 0.9, 0.0], [5.6, 3.0, 0.0]], rtol=1e-12,
                               atol=1e-15)
    for excl in (False, True):
        for rev in (False, True):
            check_grad(lambda t, e=excl, r=rev: tk.cumprod(t, 0, exclusive=e, reverse=r), X)


def test_linspace_names_its_operands_under_the_op():
    """The names TF's ``LinSpace`` op wrapper gives (``gen_math_ops.lin_space`` under
    TF 2.21 in graph mode, TF 1.x's ``tf.linspace``): the operand ``Const``s inside the
    op's scope, the scope made unique."""
    tk.linspace(-3.0, 3.0, 32)
    tk.lin_space(0.0, 1.0, 5, name="lin")
    tk.linspace(-3.0, 3.0, 32)
    assert [o.name for o in tk.get_default_graph().get_operations()] == [
        "LinSpace/start", "LinSpace/stop", "LinSpace/num", "LinSpace",
        "lin/start", "lin/stop", "lin/num", "lin",
        "LinSpace_1/start", "LinSpace_1/stop", "LinSpace_1/num", "LinSpace_1"]


def test_eye_linspace_meshgrid_transpose_unique_equal_tf():
    got = _run([tk.eye(2, 3, batch_shape=[2]), tk.linspace(1.0, 2.0, 5),
                tk.lin_space(0.0, 1.0, 3)])
    assert got[0].tolist() == [[[1, 0, 0], [0, 1, 0]]] * 2
    assert got[1].tolist() == [1.0, 1.25, 1.5, 1.75, 2.0]
    assert got[2].tolist() == [0.0, 0.5, 1.0]
    a, b = _run(tk.meshgrid([1, 2, 3], [4, 5]))
    assert a.tolist() == [[1, 2, 3], [1, 2, 3]] and b.tolist() == [[4, 4, 4], [5, 5, 5]]
    c, d = _run(tk.meshgrid([1, 2, 3], [4, 5], indexing="ij"))
    assert c.tolist() == [[1, 1], [2, 2], [3, 3]] and d.tolist() == [[4, 5], [4, 5], [4, 5]]
    mt = _run(tk.matrix_transpose(np.arange(12).reshape(2, 2, 3)))
    assert mt.tolist() == [[[0, 3], [1, 4], [2, 5]], [[6, 9], [7, 10], [8, 11]]]
    y, idx = _run(tk.unique([4, 1, 4, 2, 1, 7]))
    assert y.tolist() == [4, 1, 2, 7] and idx.tolist() == [0, 1, 0, 2, 1, 3]
    assert idx.dtype == np.int32
