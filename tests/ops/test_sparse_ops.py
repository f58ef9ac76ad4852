"""``sparse.to_dense`` against a NumPy reference, plus its bad-input errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit import errors


def run(fetches, feed=None):
    with tk.Session() as sess:
        return sess.run(fetches, feed)


def test_to_dense_values_default_and_static_shape():
    sp = tk.SparseTensor(indices=[[0, 1], [1, 0], [2, 3]], values=[1.5, -2.0, 4.0],
                         dense_shape=[3, 4])
    d = tk.sparse.to_dense(sp, default_value=9.0)
    assert d.shape.as_list() == [3, 4] and d.dtype is tk.float32
    ref = np.full((3, 4), 9.0, np.float32)
    ref[0, 1], ref[1, 0], ref[2, 3] = 1.5, -2.0, 4.0
    np.testing.assert_array_equal(run(d), ref)
    np.testing.assert_array_equal(run(tk.sparse_tensor_to_dense(sp)), np.where(ref == 9, 0, ref))


def test_to_dense_from_sparse_placeholder():
    sp = tk.sparse_placeholder(tk.int64)
    d = tk.sparse.to_dense(sp)
    value = tk.SparseTensorValue(np.array([[0, 0, 1], [1, 2, 0]], np.int64),
                                 np.array([7, 8], np.int64), np.array([2, 3, 2], np.int64))
    out = run(d, {sp: value})
    ref = np.zeros((2, 3, 2), np.int64)
    ref[0, 0, 1], ref[1, 2, 0] = 7, 8
    np.testing.assert_array_equal(out, ref)


@pytest.mark.parametrize("indices,match", [
    ([[0, 5]], "out of bounds"),
    ([[1, 0], [0, 1]], "out of order"),
    ([[0, 1], [0, 1]], "repeated"),
])
def test_to_dense_bad_indices(indices, match):
    sp = tk.sparse_placeholder(tk.float32, shape=[2, 3])
    d = tk.sparse.to_dense(sp, name="todense")
    value = tk.SparseTensorValue(np.array(indices, np.int64),
                                 np.ones(len(indices), np.float32), np.array([2, 3]))
    with pytest.raises(errors.InvalidArgumentError, match=f"todense.*{match}"):
        run(d, {sp: value})


def test_to_dense_unvalidated_order_is_accepted():
    sp = tk.SparseTensor([[1, 0], [0, 1]], [1.0, 2.0], [2, 2])
    v = run(tk.sparse.to_dense(sp, validate_indices=False))
    np.testing.assert_array_equal(v, [[0.0, 2.0], [1.0, 0.0]])


def test_to_dense_type_errors():
    with pytest.raises(TypeError, match="SparseTensor"):
        tk.sparse.to_dense(tk.zeros([2]))
    sp = tk.SparseTensor([[0]], [1.0], [2])
    with pytest.raises(ValueError, match="scalar"):
        tk.sparse.to_dense(sp, default_value=[1.0, 2.0])
