"""Segment reductions, dynamic_partition and dynamic_stitch: values and gradients equal
to TF 2.21 (tf.compat.v1, the same inputs; recorded below), plus finite differences."""

from __future__ import annotations

import numpy as np

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

D = np.array([[1., 2.], [3., -1.], [3., 5.], [0.5, 0.5], [2., 2.]])
IDS = [0, 0, 1, 3, 3]
UIDS = [2, 0, 2, 0, 1]
W = np.arange(8.).reshape(4, 2) + 1
LOW = np.finfo(np.float64).min


def _run(t):
    with tk.Session() as sess:
        return sess.run(t)


def test_segment_reductions_equal_tf():
    d = tk.constant(D)
    got = _run([tk.segment_sum(d, IDS), tk.segment_mean(d, IDS), tk.segment_max(d, IDS),
                tk.segment_min(d, IDS), tk.unsorted_segment_max(d, UIDS, 4),
                tk.unsorted_segment_min(d, UIDS, 3), tk.unsorted_segment_mean(d, UIDS, 4),
                tk.math.unsorted_segment_sqrt_n(d, UIDS, 4)])
    want = [[[4.0, 1.0], [3.0, 5.0], [0.0, 0.0], [2.5, 2.5]],
            [[2.0, 0.5], [3.0, 5.0], [0.0, 0.0], [1.25, 1.25]],
            [[3.0, 2.0], [3.0, 5.0], [0.0, 0.0], [2.0, 2.0]],
            [[1.0, -1.0], [3.0, 5.0], [0.0, 0.0], [0.5, 0.5]],
            [[3.0, 0.5], [2.0, 2.0], [3.0, 5.0], [LOW, LOW]],
            [[0.5, -1.0], [2.0, 2.0], [1.0, 2.0]],
            [[1.75, -0.25], [2.0, 2.0], [2.0, 3.5], [0.0, 0.0]],
            [[2.4748737341529163, -0.35355339059327373], [2.0, 2.0],
             [2.82842712474619, 4.949747468305833], [0.0, 0.0]]]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_segment_gradients_equal_tf():
    d = tk.constant(D)
    w = tk.constant(W)
    grads = [tk.gradients(tk.reduce_sum(f * w), [d])[0] for f in (
        tk.unsorted_segment_max(d, UIDS, 4), tk.segment_max(d, IDS),
        tk.unsorted_segment_mean(d, UIDS, 4))]
    got = _run(grads)
    np.testing.assert_allclose(got[0], [[0, 0], [1, 0], [5, 6], [0, 2], [3, 4]])
    np.testing.assert_allclose(got[1], [[0, 2], [1, 0], [3, 4], [0, 0], [7, 8]])
    np.testing.assert_allclose(got[2], [[2.5, 3], [0.5, 1], [2.5, 3], [0.5, 1], [3, 4]])
    distinct = D + np.arange(10).reshape(5, 2) * 0.01   # no ties: finite differences apply
    check_grad(lambda t: tk.unsorted_segment_min(t, UIDS, 3), distinct)
    check_grad(lambda t: tk.segment_mean(t, IDS), D)


def test_dynamic_partition_and_stitch_equal_tf():
    d = tk.constant(D)
    parts = tk.dynamic_partition(d, [1, 0, 1, 2, 0], 3)
    (g,) = tk.gradients(tk.reduce_sum(parts[0] * [[1., 2.]]) + tk.reduce_sum(parts[2] * 3.),
                        [d])
    p0, p1, p2, g = _run(parts + [g])
    assert p0.tolist() == [[3.0, -1.0], [2.0, 2.0]] and p1.tolist() == [[1, 2], [3, 5]]
    assert p2.tolist() == [[0.5, 0.5]]
    assert g.tolist() == [[0, 0], [1, 2], [0, 0], [3, 3], [1, 2]]
    st = tk.dynamic_stitch([[0, 4], [1, 2, 3], [2]],
                           [[[1., 1.], [2., 2.]], [[3., 3.], [4., 4.], [5., 5.]], [[9., 9.]]])
    assert _run(st).tolist() == [[1, 1], [3, 3], [9, 9], [5, 5], [2, 2]]
    x1, x2 = tk.constant([[1., 1.], [2., 2.]]), tk.constant([[3., 3.], [4., 4.], [5., 5.]])
    st = tk.dynamic_stitch([[0, 4], [1, 2, 3]], [x1, x2])
    g1, g2 = tk.gradients(tk.reduce_sum(st * np.arange(10.).reshape(5, 2)), [x1, x2])
    g1, g2 = _run([g1, g2])
    assert g1.tolist() == [[0, 1], [8, 9]] and g2.tolist() == [[2, 3], [4, 5], [6, 7]]
