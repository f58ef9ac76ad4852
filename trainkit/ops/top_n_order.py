"""The order of ``tf.nn.top_k(..., sorted=False)``: TF's CPU kernel keeps a bounded heap.

TF's ``TopKV2`` CPU kernel, for ``1 < k < num_cols`` and ``sorted=False``, pushes the
column indices ``0, 1, ...`` one by one into a bounded "top n" heap (``gtl::TopN``) whose
comparison says ``a`` beats ``b`` when ``x[a] > x[b]``, or when they are equal and
``a < b``, and returns the heap's storage as it stands. The storage is an unsorted list
until ``k + 1`` indices are in; then it becomes a heap with the weakest at the root
(``make_heap``) and the root is popped off and dropped (``pop_heap``); each later index
that beats the root pops the root to the last of the ``k`` slots (``pop_heap``), takes
its place there and is sifted up (``push_heap``). The returned order is the ``k`` slots.
Programs see it: an unsorted top-k that picks memory slots
(tensorflow/models' ``research/learning_to_remember_rare_events``) writes other slots
under another order.

The heap steps are those of the GNU C++ library's ``<algorithm>`` heaps; this sequence
reproduces TF 2.21's indices for every permutation of 4-7 distinct values and every
``k``, and for inputs with ties (int and float). :func:`unsorted_top_k` repeats it on
Python lists (``O(n log k)`` steps per row; only ``sorted=False`` takes it). ``k == 1``
and ``k == num_cols`` take TF's other paths (the first maximum; a full sort with ties by
index), which a stable descending sort gives as well. With ``sorted=True`` and
``1 < k < num_cols`` TF sorts the heap (``sort_heap``): a stable descending sort unless a
row holds NaN, which compares neither way; :func:`heap_sorted_top_k` gives such rows
TF's order.

Not reproduced: a NaN with ``k == 1`` (TF takes Eigen's vectorized maximum, whose NaN
handling depends on the CPU's vector width) or ``k == num_cols`` (``std::sort`` with a
comparison NaN breaks): there the NaN comes last.

Example:
    >>> unsorted_top_k(np.array([[1.0, 5.0, 3.0, 4.0, 2.0]]), 3).tolist()
    [[2, 3, 1]]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_Beats = Callable[[int, int], bool]


def _push_up(heap: list[int], hole: int, top: int, value: int, beats: _Beats) -> None:
    """Moves ``value`` up from ``hole`` while its parent beats it (``__push_heap``)."""
    parent = (hole - 1) // 2
    while hole > top and beats(heap[parent], value):
        heap[hole] = heap[parent]
        hole = parent
        parent = (hole - 1) // 2
    heap[hole] = value


def _adjust(heap: list[int], hole: int, length: int, value: int, beats: _Beats) -> None:
    """Sinks the hole at ``hole`` to a leaf along the weaker children, then places
    ``value`` by :func:`_push_up` (``__adjust_heap``)."""
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if beats(heap[child], heap[child - 1]):
            child -= 1
        heap[hole] = heap[child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        heap[hole] = heap[child - 1]
        hole = child - 1
    _push_up(heap, hole, top, value, beats)


def _make_heap(heap: list[int], beats: _Beats) -> None:
    length = len(heap)
    if length < 2:
        return
    for parent in range((length - 2) // 2, -1, -1):
        _adjust(heap, parent, length, heap[parent], beats)


def _pop_heap(heap: list[int], beats: _Beats) -> None:
    """Moves the root (the weakest) to the last slot and re-heaps the rest."""
    last = len(heap) - 1
    if last < 1:
        return
    value = heap[last]
    heap[last] = heap[0]
    _adjust(heap, 0, last, value, beats)


def _beats_for(row: list) -> _Beats:
    def beats(a: int, b: int) -> bool:
        if row[b] < row[a]:
            return True
        if row[b] > row[a]:
            return False
        return a < b

    return beats


def _row_order(row: list, k: int) -> list[int]:
    beats = _beats_for(row)
    heap = list(range(k + 1))
    _make_heap(heap, beats)
    _pop_heap(heap, beats)
    del heap[k]
    for c in range(k + 1, len(row)):
        if beats(c, heap[0]):
            _pop_heap(heap, beats)
            heap[k - 1] = c
            _push_up(heap, k - 1, 0, c, beats)
    return heap


def unsorted_top_k(x: np.ndarray, k: int) -> np.ndarray:
    """The int32 indices TF's CPU kernel returns for ``top_k(x, k, sorted=False)``.

    Args:
        x: a real array of rank >= 1; the top ``k`` are taken along the last axis.
        k: how many to take, ``0 <= k <= x.shape[-1]``.

    Returns:
        An int32 array shaped like ``x`` with ``k`` last-axis entries.
    """
    cols = x.shape[-1]
    if k <= 1 or k >= cols:
        key = -x.astype(np.float64) if x.dtype.kind in "iub" else -x
        return np.argsort(key, axis=-1, kind="stable")[..., :k].astype(np.int32)
    rows = x.reshape(-1, cols)
    out = np.array([_row_order(r.tolist(), k) for r in rows], np.int32)
    return out.reshape(x.shape[:-1] + (k,))


def heap_sorted_top_k(x: np.ndarray, k: int) -> np.ndarray:
    """The int32 indices TF's CPU kernel returns for ``top_k(x, k, sorted=True)`` with
    ``1 < k < num_cols``: the heap above, then sorted by ``sort_heap``.

    For rows without NaN this is the stable descending order (ties by index); a NaN
    compares neither larger nor smaller than anything, so such rows come out in the
    order the heap steps leave them, which this reproduces (TF 2.21's indices).

    Args:
        x: a real array of rank >= 1 with ``1 < k < x.shape[-1]``.
        k: how many to take.

    Returns:
        An int32 array shaped like ``x`` with ``k`` last-axis entries.
    """
    cols = x.shape[-1]
    out = []
    for r in x.reshape(-1, cols):
        row = r.tolist()
        beats = _beats_for(row)
        heap = _row_order(row, k)
        for last in range(k - 1, 0, -1):  # sort_heap: pop the weakest to the back
            value = heap[last]
            heap[last] = heap[0]
            _adjust(heap, 0, last, value, beats)
        out.append(heap)
    return np.array(out, np.int32).reshape(x.shape[:-1] + (k,))


__all__ = ["unsorted_top_k", "heap_sorted_top_k"]
