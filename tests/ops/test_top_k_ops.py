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


def test_top_k_unsorted_keeps_tfs_heap_order():
    """``sorted=False`` returns TF's bounded-heap storage order (TF 2.21, compat.v1, CPU),
    not the sorted one: an unsorted top-k that picks memory slots must pick TF's."""
    x24 = np.random.RandomState(0).uniform(-8, 8, (24,)).astype(np.float32)
    ints = np.array([[1, 3, 0, 0, 3, 1, 3, 1, 3, 0, 0, 1],
                     [0, 3, 1, 0, 2, 1, 2, 0, 2, 1, 2, 0],
                     [3, 0, 2, 0, 1, 2, 2, 0, 3, 3, 1, 1]], np.int32)
    k = tk.placeholder(tk.int32, [])
    cases = {
        "five": (tk.nn.top_k([[1.0, 5.0, 3.0, 4.0, 2.0]], 3, sorted=False).indices, {}),
        "k6": (tk.nn.top_k(x24, 6, sorted=False).indices, {}),
        "k12": (tk.nn.top_k(x24, 12, sorted=False).indices, {}),
        "ties5": (tk.nn.top_k(ints, k, sorted=False).indices, {k: 5}),
        "ties9": (tk.nn.top_k(ints, k, sorted=False).indices, {k: 9}),
        "k1": (tk.nn.top_k(x24, 1, sorted=False).indices, {}),
        "all": (tk.nn.top_k(x24, 24, sorted=False).indices, {}),
    }
    with tk.Session() as sess:
        got = {name: sess.run(t, feed).tolist() for name, (t, feed) in cases.items()}
    assert got["five"] == [[2, 3, 1]]
    assert got["k6"] == [17, 7, 19, 13, 8, 20]
    assert got["k12"] == [5, 1, 23, 18, 10, 21, 13, 7, 8, 17, 19, 20]
    assert got["ties5"] == [[0, 8, 4, 1, 6], [10, 8, 4, 1, 6], [5, 2, 8, 0, 9]]
    assert got["ties9"] == [[2, 11, 5, 7, 4, 8, 6, 1, 0], [0, 9, 5, 10, 4, 2, 6, 1, 8],
                            [11, 10, 6, 4, 8, 5, 2, 0, 9]]
    # k == 1 and k == num_cols take TF's other paths: the first maximum, a full sort
    assert got["k1"] == [20]
    assert got["all"] == np.argsort(-x24, kind="stable").tolist()


def test_top_k_rows_with_nan_follow_tfs_heap():
    """A NaN compares neither way, so TF's heap leaves such rows in its own order, sorted
    or not (TF 2.21, compat.v1, CPU: these indices); rows without NaN stay sorted."""
    nan = float("nan")
    x = np.float32([[0.04483659192919731, 0.22860480844974518, nan, 0.30557161569595337,
                     0.48432156443595886, 0.6500535607337952, 0.14394284784793854,
                     0.3057982325553894, nan, nan],
                    [0.5152166485786438, 0.26708754897117615, nan, 0.49798330664634705,
                     0.33343926072120667, nan, 0.2044830471277237, nan, nan,
                     0.5227960348129272],
                    [0.0, 0.9, 0.1, 0.8, 0.2, 0.7, 0.3, 0.6, 0.4, 0.5]])
    with tk.Session() as sess:
        got_sorted, got_unsorted = sess.run((tk.nn.top_k(x, 4).indices,
                                             tk.nn.top_k(x, 4, sorted=False).indices))
    assert got_sorted.tolist() == [[5, 4, 7, 3], [9, 0, 3, 4], [1, 3, 5, 7]]
    assert got_unsorted.tolist() == [[3, 7, 4, 5], [4, 3, 0, 9], [7, 5, 1, 3]]


def test_top_k_unsorted_values_follow_indices_and_gradient_routes():
    x = np.array([[1.0, 5.0, 3.0, 4.0, 2.0]], np.float32)
    xt = tk.constant(x)
    v, i = tk.nn.top_k(xt, 3, sorted=False)
    g = tk.gradients(tk.reduce_sum(v * [[1.0, 10.0, 100.0]]), xt)[0]
    with tk.Session() as sess:
        vv, ii, gg = sess.run((v, i, g))
    np.testing.assert_array_equal(vv, [[3.0, 4.0, 5.0]])  # TF 2.21 gives [3, 4, 5]
    np.testing.assert_array_equal(gg, [[0.0, 100.0, 1.0, 10.0, 0.0]])


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
