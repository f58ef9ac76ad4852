"""The tf.sparse_* ops equal to TF 2.21 (tf.compat.v1, the same sparse tensors; outputs
recorded below), and value gradients by finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

WANT = {
    "mm": [[6.0, 8.0, 10.0], [18.0, 20.0, 22.0], [0.0, 0.0, 0.0], [4.5, 5.0, 5.5]],
    "mm_at": [[-3.0, -4.0, -5.0], [0.0, 2.0, 4.0], [9.0, 12.0, 15.0], [4.5, 5.0, 5.5]],
    "mm_bt": [[6.0, 8.0, 10.0], [18.0, 20.0, 22.0], [0.0, 0.0, 0.0], [4.5, 5.0, 5.5]],
    "mm_gv": [3.0804750407, -0.0863192499, -8.2461628419, -16.5422049699],
    "mm_gd": [[0.9899924966, 0.6536436209, -0.2836621855], [2.0, 1.0806046117, -0.8322936731],
              [-2.9699774898, -1.9609308626, 0.8509865564],
              [-0.4555651309, -0.4195357645, 0.002212849]],
    "ret_i": [[0, 1], [1, 2], [3, 3]], "ret_v": [2.0, 3.0, 0.5], "rs": 4.5,
    "rs1": [2.0, 2.0, 0.0, 0.5], "rs0k": [[-1.0, 2.0, 3.0, 0.5]], "rm1": [2.0, 3.0, 0.0, 0.5],
    "rmneg": [-1.0, 0.0, -2.0],
    "add_i": [[0, 1], [1, 0], [1, 2], [2, 2], [3, 3]], "add_v": [3.0, -1.0, 3.0, 5.0, 0.0],
    "add2_i": [[0, 1], [1, 0], [1, 2], [2, 2]], "add2_v": [3.0, -1.0, 3.0, 5.0],
    "add_d": [[0.0, 2.0, 0.0, 0.0], [2.0, 3.0, 6.0, 3.0], [6.0, 6.0, 6.0, 6.0],
              [9.0, 9.0, 9.0, 9.5]],
    "cat_i": [[0, 1], [0, 5], [1, 0], [1, 2], [2, 6], [3, 3], [3, 7]],
    "cat_v": [2.0, 1.0, -1.0, 3.0, 5.0, 0.5, -0.5], "cat_s": [4, 8],
    "cat0_i": [[0, 1], [2, 2], [3, 3], [4, 1], [5, 0], [5, 2], [7, 3]],
    "cat0_v": [1.0, 5.0, -0.5, 2.0, -1.0, 3.0, 0.5],
    "rsh_i": [[0, 1], [0, 4], [0, 6], [1, 7]], "rsh_s": [2, 8],
    "ro_i": [[0, 1], [1, 1], [2, 0]], "ro_v": [2.0, 3.0, 1.0],
    "tr_i": [[0, 1], [1, 0], [2, 1], [3, 3]], "tr_v": [-1.0, 2.0, 3.0, 0.5],
    "sm_v": [1.0, 0.01798621, 0.98201379, 1.0],
    "f_i": [[0, 1], [1, 0], [2, 2], [3, 3]], "f_v": [1.0, -7.0, 5.0, -0.5],
    "f_e": [False, True, False, False],
    "ss": [[4.0, 6.0], [6.0, 7.0], [0.0, 0.0], [6.0, 7.0]],
    "sm": [[2.0, 3.0], [6.0, 7.0], [0.0, 0.0], [6.0, 7.0]],
    "sq": [[2.8284271247, 4.2426406871], [6.0, 7.0], [0.0, 0.0], [6.0, 7.0]],
    "s2d": [[-1.0, 4.0, -1.0], [-1.0, -1.0, -1.0], [5.0, -1.0, -1.0]],
    "s2d1": [0.0, 1.0, 0.0, 1.0, 0.0]}


def _ops():
    a = tk.SparseTensor([[0, 1], [1, 0], [1, 2], [3, 3]], tk.constant([2., -1., 3., .5],
                                                                      tk.float64), [4, 4])
    b = tk.SparseTensor([[0, 1], [2, 2], [3, 3]], tk.constant([1., 5., -0.5], tk.float64),
                        [4, 4])
    d = tk.constant(np.arange(12.).reshape(4, 3))
    r = {"mm": tk.sparse_tensor_dense_matmul(a, d),
         "mm_at": tk.sparse_tensor_dense_matmul(a, d, adjoint_a=True),
         "mm_bt": tk.sparse.matmul(a, tk.transpose(d), adjoint_b=True)}
    w = tk.constant(np.cos(np.arange(12.)).reshape(4, 3))
    gv, gd = tk.gradients(tk.reduce_sum(tk.sparse_tensor_dense_matmul(a, d) * w),
                          [a.values, d])
    r["mm_gv"], r["mm_gd"] = gv, tk.convert_to_tensor(gd)  # gd is gather's IndexedSlices
    ret = tk.sparse_retain(a, [True, False, True, True])
    r["ret_i"], r["ret_v"] = ret.indices, ret.values
    r["rs"], r["rs1"] = tk.sparse_reduce_sum(a), tk.sparse_reduce_sum(a, axis=1)
    r["rs0k"] = tk.sparse_reduce_sum(a, axis=0, keepdims=True)
    r["rm1"] = tk.sparse_reduce_max(a, axis=1)
    r["rmneg"] = tk.sparse_reduce_max(tk.SparseTensor([[0, 0], [0, 2], [2, 1]],
                                                      [-3., -1., -2.], [3, 3]), axis=1)
    s = tk.sparse_add(a, b)
    r["add_i"], r["add_v"] = s.indices, s.values
    s2 = tk.sparse.add(a, b, threshold=0.6)
    r["add2_i"], r["add2_v"] = s2.indices, s2.values
    r["add_d"] = tk.sparse_add(a, d[:, :1] * tk.ones([1, 4], tk.float64))
    c = tk.sparse_concat(1, [a, b])
    r["cat_i"], r["cat_v"], r["cat_s"] = c.indices, c.values, c.dense_shape
    c0 = tk.sparse_concat(0, [b, a])
    r["cat0_i"], r["cat0_v"] = c0.indices, c0.values
    rs = tk.sparse_reshape(a, [2, -1])
    r["rsh_i"], r["rsh_s"] = rs.indices, rs.dense_shape
    o = tk.sparse_reorder(tk.SparseTensor([[2, 0], [0, 1], [1, 1]], [1., 2., 3.], [3, 2]))
    r["ro_i"], r["ro_v"] = o.indices, o.values
    t = tk.sparse_transpose(a)
    r["tr_i"], r["tr_v"] = t.indices, t.values
    r["sm_v"] = tk.sparse_softmax(a).values
    f, r["f_e"] = tk.sparse_fill_empty_rows(b, -7.)
    r["f_i"], r["f_v"] = f.indices, f.values
    data = tk.constant(np.arange(8.).reshape(4, 2))
    args = (data, [0, 2, 3, 3], [0, 0, 1, 3])
    r["ss"], r["sm"] = tk.sparse_segment_sum(*args), tk.sparse_segment_mean(*args)
    r["sq"] = tk.sparse_segment_sqrt_n(*args)
    r["s2d"] = tk.sparse_to_dense([[0, 1], [2, 0]], [3, 3], [4., 5.], default_value=-1.)
    r["s2d1"] = tk.sparse_to_dense([1, 3], [5], 1.)
    return r


@pytest.fixture(scope="module")
def results():
    with tk.Graph().as_default():
        ops = _ops()
        with tk.Session() as sess:
            return sess.run(ops)


@pytest.mark.parametrize("name", sorted(WANT))
def test_sparse_op_equals_tf(results, name):
    got = np.asarray(results[name])
    if got.dtype.kind == "f":
        np.testing.assert_allclose(got, WANT[name], rtol=1e-8, atol=1e-9)
    else:
        assert got.tolist() == WANT[name]


def test_value_gradients_by_finite_differences():
    idx, shape = [[0, 1], [1, 0], [1, 2], [3, 3]], [4, 4]
    d = np.arange(12.).reshape(4, 3)
    check_grad(lambda v: tk.sparse_tensor_dense_matmul(tk.SparseTensor(idx, v, shape), d),
               np.array([2., -1., 3., .5]))
    check_grad(lambda v: tk.sparse_softmax(tk.SparseTensor(idx, v, shape)).values,
               np.array([2., -1., 3., .5]))
    one = tk.SparseTensor([[0, 1]], tk.constant([1.0], tk.float64), shape)
    check_grad(lambda v: tk.sparse_add(tk.SparseTensor(idx, v, shape), one).values,
               np.array([2., -1., 3., .5]))
    check_grad(lambda x: tk.sparse_segment_mean(x, [0, 2, 3, 3], [0, 0, 1, 3]), d)


def test_sparse_dense_arithmetic_and_placeholder_with_shape_tensor():
    sp = tk.sparse_placeholder(tk.float32, shape=tk.constant([2, 3], tk.int64))
    scaled = sp * tk.constant([1., 10., 100.])          # broadcast along the rows
    halved = sp / 2.0
    feed = {sp: ([[0, 2], [1, 0]], [3., 4.], [2, 3])}
    with tk.Session() as sess:
        a, b, shape = sess.run([scaled.values, halved.values, sp.dense_shape], feed)
    assert a.tolist() == [300., 4.] and b.tolist() == [1.5, 2.] and shape.tolist() == [2, 3]
