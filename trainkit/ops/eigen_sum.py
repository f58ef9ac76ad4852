"""A float32 sum in the order of Eigen's single-threaded vectorized full reduction (TF's
CPU kernels with AVX packets of 8 floats), so sums computed by TF kernels can be matched
bitwise.

Eigen reduces a run of ``n`` values as: above ``8 * 1024`` values, split at the packet
boundary past the middle and add the two halves' sums (a tree); otherwise four packet
accumulators take 32 values per step, are combined as ``((a0 + a1) + a2) + a3``, take the
remaining whole packets, and the packet's lanes are added as a tree
(``(l0 + l4) + (l2 + l6)`` + ``(l1 + l5) + (l3 + l7)``) onto the scalar sum of the tail.

TF splits large reductions across its thread pool (a machine-dependent split), so this
matches TF exactly where TF reduces on one thread (small and medium tensors).

Example:
    >>> eigen_sum_f32(np.arange(100, dtype=np.float32))
    np.float32(4950.0)
"""

from __future__ import annotations

import numpy as np

_F32 = np.float32
PACKET = 8
LEAF = 1024


def _lanes(p: np.ndarray) -> np.float32:
    """Eigen's ``predux``: halves added lane-wise until one value remains."""
    while p.shape[-1] > 1:
        h = p.shape[-1] // 2
        p = p[..., :h] + p[..., h:]
    return p[..., 0]


def _leaf_sums(rows: np.ndarray) -> np.ndarray:
    """The Eigen leaf sums of the runs held in the rows of ``rows``, computed together."""
    count, length = rows.shape
    n4 = length // (4 * PACKET) * (4 * PACKET)
    accs = np.zeros((count, 4 * PACKET), _F32)
    for j in range(0, n4, 4 * PACKET):  # the four packet accumulators, in order
        accs += rows[:, j:j + 4 * PACKET]
    accs = accs.reshape(count, 4, PACKET)
    acc = ((accs[:, 0] + accs[:, 1]) + accs[:, 2]) + accs[:, 3]
    n1 = length // PACKET * PACKET
    for j in range(n4, n1, PACKET):
        acc = acc + rows[:, j:j + PACKET]
    tail = np.zeros(count, _F32)
    for j in range(n1, length):
        tail = tail + rows[:, j]
    return tail + _lanes(acc)


def _tree(first: int, n: int, leaves: list) -> tuple:
    """Eigen's split of a run: a leaf ``(first, n)`` or ``(left, right)`` subtrees (right
    may be None)."""
    if n <= PACKET * LEAF:
        leaves.append((first, n))
        return (first, n)
    split = PACKET * -(-(first + -(-n // 2)) // PACKET)
    left = min(split - first, n)
    left_tree = _tree(first, left, leaves)  # leaves are collected left to right
    return (left_tree, _tree(split, n - left, leaves) if left < n else None)


def _combine(node: tuple, sums: dict) -> np.float32:
    if not isinstance(node[0], tuple):
        return sums[node]
    total = _F32(_F32(0) + _combine(node[0], sums))
    if node[1] is not None:
        total = _F32(total + _combine(node[1], sums))
    return total


def eigen_sum_f32(values: np.ndarray) -> np.float32:
    """The float32 sum of all of ``values`` in Eigen's order (see the module doc)."""
    v = np.ascontiguousarray(values, dtype=_F32).reshape(-1)
    leaves: list = []
    tree = _tree(0, v.shape[0], leaves)
    runs: list[list[int]] = []  # consecutive leaves of one length: [first, length, count]
    for first, n in leaves:
        if runs and runs[-1][1] == n and runs[-1][0] + n * runs[-1][2] == first:
            runs[-1][2] += 1
        else:
            runs.append([first, n, 1])
    sums = {}
    with np.errstate(all="ignore"):
        for first, n, count in runs:
            block = v[first:first + n * count].reshape(count, n)
            for i, s in enumerate(_leaf_sums(block)):
                sums[first + i * n, n] = s
        return _F32(_combine(tree, sums))


def eigen_column_sums_f32(values: np.ndarray) -> np.ndarray:
    """Eigen-ordered float32 sums of each column of a 2-D array (per-channel sums)."""
    v = np.asarray(values, _F32)
    if v.shape[0] <= PACKET * LEAF:  # one leaf per column: all columns at once
        with np.errstate(all="ignore"):
            return _leaf_sums(v.T).astype(_F32, copy=False)
    return np.array([eigen_sum_f32(v[:, i]) for i in range(v.shape[1])], _F32)


__all__ = ["eigen_sum_f32", "eigen_column_sums_f32"]
