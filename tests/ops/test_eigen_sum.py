"""eigen_sum_f32 (the batched, vectorized form) against a plain scalar port of Eigen's
single-threaded vectorized sum; its agreement with TF itself is checked by the recorded
d/dmin, d/dmax sums in test_fake_quant_ops.py (up to 1M values)."""

from __future__ import annotations

import numpy as np
import pytest

from trainkit.ops.eigen_sum import eigen_column_sums_f32, eigen_sum_f32

F = np.float32


def reference(v: np.ndarray, first: int = 0) -> np.float32:
    """Eigen's InnerMostDimReducer, one scalar at a time (packets of 8, 4 accumulators,
    8192-value leaves)."""
    n = len(v)
    if n > 8 * 1024:
        split = 8 * -(-(first + -(-n // 2)) // 8)
        left = min(split - first, n)
        total = F(F(0) + reference(v[:left], first))
        return F(total + reference(v[left:], split)) if left < n else total
    lanes = [[F(0)] * 8 for _ in range(4)]
    j = 0
    while j + 32 <= n:
        for a in range(4):
            for k in range(8):
                lanes[a][k] = F(lanes[a][k] + v[j + 8 * a + k])
        j += 32
    acc = [F(F(F(lanes[0][k] + lanes[1][k]) + lanes[2][k]) + lanes[3][k]) for k in range(8)]
    while j + 8 <= n:
        acc = [F(acc[k] + v[j + k]) for k in range(8)]
        j += 8
    tail = F(0)
    for k in range(j, n):
        tail = F(tail + v[k])
    while len(acc) > 1:
        h = len(acc) // 2
        acc = [F(acc[k] + acc[k + h]) for k in range(h)]
    return F(tail + acc[0])


@pytest.mark.parametrize("n", [0, 1, 7, 8, 31, 32, 33, 40, 95, 8191, 8192, 8193, 16385,
                               20007])
def test_matches_the_scalar_port(n):
    v = (np.random.default_rng(n).standard_normal(n) * 10).astype(F)
    assert eigen_sum_f32(v).view(np.uint32) == reference(v).view(np.uint32)


def test_order_matters_and_columns():
    v = (np.random.default_rng(1).standard_normal(20000) * 1000).astype(F)
    assert eigen_sum_f32(v) != F(v.astype(np.float64).sum()) or \
        eigen_sum_f32(v) != v.sum(dtype=F)  # a different order rounds differently
    for rows in (5, 577, 5000):  # short columns are summed all at once, long ones alone
        m = v[:rows * 4].reshape(-1, 4)
        want = [reference(np.ascontiguousarray(m[:, i])) for i in range(4)]
        np.testing.assert_array_equal(eigen_column_sums_f32(m).view(np.uint32),
                                      np.asarray(want, F).view(np.uint32))
