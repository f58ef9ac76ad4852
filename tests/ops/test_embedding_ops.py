"""embedding_lookup (partitioned 'mod'/'div', max_norm), embedding_lookup_sparse and
unsorted_segment_sum against NumPy; sparse (IndexedSlices) gradients per partition."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad


def _np_partition(ids, sizes, strategy):
    """(partition, row) of each id under TF1's partition strategies (a NumPy reference)."""
    n = len(sizes)
    if strategy == "mod":
        return ids % n, ids // n
    bounds = np.cumsum([0] + list(sizes))
    part = np.searchsorted(bounds, ids, side="right") - 1
    return part, ids - bounds[part]


@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_partitioned_lookup_matches_numpy(strategy):
    rng = np.random.default_rng(0)
    total = 11
    sizes = [4, 4, 3]   # what both strategies give for 11 ids over 3 partitions
    full = rng.normal(size=(total, 2))
    part_of, row_of = _np_partition(np.arange(total), sizes, strategy)
    parts = [full[part_of == p][np.argsort(row_of[part_of == p])] for p in range(3)]
    ids = np.array([[0, 10, 5], [7, 7, 3]])
    got = tk.nn.embedding_lookup([tk.constant(p) for p in parts], ids,
                                 partition_strategy=strategy)
    assert got.shape.as_list() == [2, 3, 2]
    with tk.Session() as sess:
        np.testing.assert_array_equal(sess.run(got), full[ids])


def test_lookup_gradient_is_sparse_per_partition_and_training_touches_only_rows():
    rng = np.random.default_rng(1)
    parts = [tk.Variable(rng.normal(size=(3, 2)), name=f"p{i}") for i in range(2)]
    ids = tk.constant([4, 1, 4])                 # mod: partition 0 row 2, partition 1 row 0
    loss = tk.reduce_sum(tk.square(tk.nn.embedding_lookup(parts, ids)))
    grads = tk.gradients(loss, parts)
    assert all(isinstance(g, tk.IndexedSlices) for g in grads)
    train = tk.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        before = sess.run(parts)
        g0, g1 = sess.run(grads)
        sess.run(train)
        after = sess.run(parts)
    np.testing.assert_array_equal(np.sort(g0.indices), [2, 2])
    np.testing.assert_array_equal(g1.indices, [0])
    np.testing.assert_allclose(after[0][2], before[0][2] * (1 - 0.2 * 2))
    np.testing.assert_allclose(after[1][0], before[1][0] * (1 - 0.2))
    np.testing.assert_array_equal(after[0][:2], before[0][:2])
    np.testing.assert_array_equal(after[1][1:], before[1][1:])


def test_lookup_gradients_match_finite_differences():
    ids = tk.constant([[2, 0], [2, 1]])
    check_grad(lambda p: tk.nn.embedding_lookup(p, ids), np.random.default_rng(2)
               .normal(size=(3, 2)))
    check_grad(lambda a, b: tk.nn.embedding_lookup([a, b], tk.constant([3, 0, 1, 3]),
                                                   partition_strategy="div"),
               np.random.default_rng(3).normal(size=(2, 2)),
               np.random.default_rng(4).normal(size=(2, 2)))
    check_grad(lambda p: tk.nn.embedding_lookup(p, ids, max_norm=1.0),
               np.array([[3.0, 4.0], [0.1, 0.2], [0.0, 0.0]]) + 0.01)


def test_max_norm_clips_each_looked_up_row():
    p = tk.constant([[3.0, 4.0], [0.3, 0.4]])
    with tk.Session() as sess:
        got = sess.run(tk.nn.embedding_lookup(p, [[0, 1]], max_norm=2.0))
    np.testing.assert_allclose(got, [[[1.2, 1.6], [0.3, 0.4]]], rtol=1e-6)


def test_lookup_bad_arguments():
    p = tk.constant(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="partition strategy"):
        tk.nn.embedding_lookup(p, [0], partition_strategy="hash")
    with pytest.raises(ValueError, match="at least one"):
        tk.nn.embedding_lookup([], [0])
    with pytest.raises(TypeError, match="int32 or int64"):
        tk.nn.embedding_lookup(p, [0.5])
    with pytest.raises(ValueError, match="differ"):
        tk.nn.embedding_lookup([p, tk.constant(np.zeros((3, 4)))], [0])
    with tk.Session() as sess, pytest.raises(tk.errors.InvalidArgumentError,
                                             match="not in \\[0, 3\\)"):
        sess.run(tk.nn.embedding_lookup(p, [3]))


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("weighted", [False, True])
def test_embedding_lookup_sparse_matches_numpy(combiner, weighted):
    rng = np.random.default_rng(5)
    params = rng.normal(size=(6, 3))
    indices = np.array([[0, 0], [0, 1], [2, 0], [2, 1], [2, 2]], np.int64)
    ids = np.array([1, 4, 4, 0, 5], np.int64)
    w = rng.uniform(0.5, 2.0, size=5)
    sp_ids = tk.SparseTensor(indices, ids, [4, 3])
    sp_w = tk.SparseTensor(indices, w, [4, 3]) if weighted else None
    got_t = tk.nn.embedding_lookup_sparse(tk.constant(params), sp_ids, sp_w,
                                          combiner=combiner)
    with tk.Session() as sess:
        got = sess.run(got_t)
    ww = w if weighted else np.ones(5)
    want = np.zeros((3, 3))        # max row id + 1 = 3 rows (TF1), row 1 empty
    for (r, _), i, wi in zip(indices, ids, ww):
        want[r] += wi * params[i]
    for r in (0, 2):
        m = indices[:, 0] == r
        if combiner == "mean":
            want[r] /= ww[m].sum()
        elif combiner == "sqrtn":
            want[r] /= np.sqrt((ww[m] ** 2).sum())
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_embedding_lookup_sparse_bad_arguments():
    sp = tk.SparseTensor([[0, 0]], tk.constant([1], tk.int64), [1, 1])
    p = tk.constant(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="combiner"):
        tk.nn.embedding_lookup_sparse(p, sp, None, combiner="max")
    with pytest.raises(TypeError, match="sp_ids must be SparseTensor"):
        tk.nn.embedding_lookup_sparse(p, [1], None)
    with pytest.raises(TypeError, match="sp_weights"):
        tk.nn.embedding_lookup_sparse(p, sp, [1.0])


def test_unsorted_segment_sum_and_its_gradient():
    data = np.arange(8.0).reshape(4, 2)
    seg = tk.constant([2, 0, 2, 2])
    with tk.Session() as sess:
        got = sess.run(tk.unsorted_segment_sum(tk.constant(data), seg, 4))
    np.testing.assert_array_equal(got, [[2, 3], [0, 0], [10, 13], [0, 0]])
    check_grad(lambda d: tk.unsorted_segment_sum(d, seg, 3), data)
