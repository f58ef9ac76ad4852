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


def _leaf(v: np.ndarray) -> np.float32:
    n = v.shape[0]
    start = 0
    acc = np.zeros(PACKET, _F32)
    if n >= 4 * PACKET:
        n4 = n // (4 * PACKET) * (4 * PACKET)
        # four accumulators, each a sequential (cumulative) float32 sum of its packets
        accs = np.cumsum(v[:n4].reshape(-1, 4, PACKET), axis=0, dtype=_F32)[-1]
        acc = ((accs[0] + accs[1]) + accs[2]) + accs[3]
        start = n4
    n1 = n // PACKET * PACKET
    for j in range(start, n1, PACKET):
        acc = acc + v[j:j + PACKET]
    tail = _F32(0)
    for x in v[n1:]:
        tail = _F32(tail + x)
    return _F32(tail + _lanes(acc))


def _reduce(v: np.ndarray, first: int) -> np.float32:
    n = v.shape[0]
    if n <= PACKET * LEAF:
        return _leaf(v)
    split = PACKET * -(-(first + -(-n // 2)) // PACKET)
    left = min(split - first, n)
    total = _F32(_F32(0) + _reduce(v[:left], first))
    if left < n:
        total = _F32(total + _reduce(v[left:], split))
    return total


def eigen_sum_f32(values: np.ndarray) -> np.float32:
    """The float32 sum of all of ``values`` in Eigen's order (see the module doc)."""
    v = np.ascontiguousarray(values, dtype=_F32).reshape(-1)
    with np.errstate(all="ignore"):
        return _reduce(v, 0)


def eigen_column_sums_f32(values: np.ndarray) -> np.ndarray:
    """Eigen-ordered float32 sums of each column of a 2-D array (per-channel sums)."""
    v = np.asarray(values, _F32)
    return np.array([eigen_sum_f32(v[:, i]) for i in range(v.shape[1])], _F32)


__all__ = ["eigen_sum_f32", "eigen_column_sums_f32"]
