"""top_k and in_top_k against NumPy and values recorded with TF 2.21 (compat.v1)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad


def test_top_k_values_indices_and_ties():
    x = np.array([[1.0, 3.0, 3.0, 2.0], [5.0, -1.0, 2.0, 0.0]], np.float32)
    v, i = tk.nn.top_k(x, 3)
    assert v.shape.as_list() == [2, 3] and i.dtype is tk.int32
    with tk.Session() as sess:
        vv, ii = sess.run((v, i))
    # TF 2.21: top_k([[1, 3, 3, 2]], 3) -> values [3, 3, 2], indices [1, 2, 3]
    np.testing.assert_array_equal(ii, [[1, 2, 3], [0, 2, 3]])
    np.testing.assert_array_equal(vv, [[3, 3, 2], [5, 2, 0]])


def test_top_k_on_3d_ints_and_dynamic_k():
    rng = np.random.default_rng(0)
    x = rng.integers(-50, 50, size=(2, 3, 6)).astype(np.int32)
    k = tk.placeholder(tk.int32, [])
    v, i = tk.nn.top_k(x, k)
    with tk.Session() as sess:
        vv, ii = sess.run((v, i), {k: 4})
        with pytest.raises(tk.errors.InvalidArgumentError, match="at least k=7"):
            sess.run(v, {k: 7})
    order = np.argsort(-x, axis=-1, kind="stable")[..., :4]
    np.testing.assert_array_equal(ii, order)
    np.testing.assert_array_equal(vv, np.take_along_axis(x, order, -1))


def test_top_k_gradient():
    check_grad(lambda x: tk.nn.top_k(x, 2).values,
               np.random.default_rng(1).normal(size=(3, 5)))


def test_top_k_bad_arguments():
    with pytest.raises(ValueError, match="at least k=5"):
        tk.nn.top_k(tk.zeros([2, 3]), 5)
    with pytest.raises(ValueError, match="non-negative"):
        tk.nn.top_k(tk.zeros([2, 3]), -1)
    with pytest.raises(ValueError, match="rank >= 1"):
        tk.nn.top_k(tk.constant(1.0), 1)
    with pytest.raises(TypeError, match="real"):
        tk.nn.top_k(tk.constant([True]), 1)


def test_in_top_k_matches_tf_semantics():
    p = tk.constant([[0.1, 0.5, 0.5, 0.2], [np.nan, 1, 2, 3], [1, 2, 3, 4]])
    with tk.Session() as sess:
        # recorded with TF 2.21: ties at the boundary count, a NaN row is all False,
        # out-of-range targets are False
        np.testing.assert_array_equal(sess.run(tk.nn.in_top_k(p, [2, 3, 3], 1)),
                                      [True, False, True])
        np.testing.assert_array_equal(sess.run(tk.nn.in_top_k(p, [1, 1, 7], 2)),
                                      [True, False, False])
        np.testing.assert_array_equal(sess.run(tk.nn.in_top_k(p, [0, 1, 0], 4)),
                                      [True, False, True])
    with pytest.raises(ValueError, match="2-D"):
        tk.nn.in_top_k(tk.zeros([3]), [0], 1)
    with pytest.raises(TypeError, match="targets"):
        tk.nn.in_top_k(tk.zeros([1, 3]), [0.5], 1)
