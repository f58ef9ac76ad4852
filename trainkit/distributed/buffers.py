"""Recycled flat buffers for the collectives of one op; large ones 2 MiB-aligned.

A collective op gets its output buffer here on every run, so steady-state steps allocate
nothing: a buffer is handed out again only when nothing but this pool refers to its
memory. The test is the CPython reference count of the array that OWNS the memory:
every view of it (``buf[a:b].reshape(...)``, any derived view) refers to that owner,
since NumPy collapses view chains to the owning array.

Buffers of 2 MiB and more start on a 2 MiB boundary, so transparent huge pages (NumPy
asks for them on large allocations) can cover them whole: MPI then copies them with far
fewer TLB misses. Measured on 2 ranks (mpich, shared memory, per-call alternation in one
job): ``Allreduce`` of 16 MiB into a 2 MiB-aligned buffer took 0.36-0.98 ms less than
into an ordinary NumPy buffer (5-14 %), 4 MiB 0.5 ms less; 1 MiB no difference.

Example:
    >>> pool = Buffers()
    >>> a = pool.take(4, np.dtype(np.float32))
    >>> pool.take(4, np.dtype(np.float32)) is a   # ``a`` is still referenced
    False
"""

from __future__ import annotations

import sys
import threading

import numpy as np

ALIGN = 1 << 21  # bytes: a transparent huge page
ALIGN_FROM = 1 << 21  # bytes: smaller buffers are plain NumPy arrays
_CAP = 4  # buffers kept per (size, dtype); busy ones beyond are forgotten


def _new(n: int, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """(owner, buffer): a plain array is its own owner; an aligned buffer is a view into
    a larger byte array (its owner)."""
    nbytes = n * dtype.itemsize
    if nbytes < ALIGN_FROM:
        a = np.empty(n, dtype)
        return a, a
    owner = np.empty(nbytes + ALIGN, np.uint8)
    start = (-owner.ctypes.data) % ALIGN
    return owner, owner[start:start + nbytes].view(dtype)


def _free_refcount(n: int) -> int:
    """The reference count ``take`` sees for the owner of an unused buffer."""
    entries = [_new(n, np.dtype(np.uint8))]
    for entry in entries:
        return sys.getrefcount(entry[0])
    raise AssertionError  # pragma: no cover


_FREE = _free_refcount(1)
assert _free_refcount(ALIGN_FROM) == _FREE  # owner twice in the entry == owner + view


class Buffers:
    """Flat buffers recycled once nothing else refers to their memory (one per op)."""

    __slots__ = ("_lists", "_lock")

    def __init__(self) -> None:
        self._lists: dict[tuple[int, np.dtype], list[tuple[np.ndarray, np.ndarray]]] = {}
        self._lock = threading.Lock()

    def take(self, n: int, dtype: np.dtype) -> np.ndarray:
        """A 1-D array of ``n`` elements of ``dtype`` that no one else references
        (unspecified contents); 2 MiB-aligned from ``ALIGN_FROM`` bytes on."""
        dtype = np.dtype(dtype)
        key = (n, dtype)
        with self._lock:
            entries = self._lists.get(key)
            if entries is None:
                entries = self._lists[key] = []
            for entry in entries:
                if sys.getrefcount(entry[0]) == _FREE:
                    return entry[1]
            entry = _new(n, dtype)
            entries.append(entry)
            if len(entries) > _CAP:
                del entries[0]
            return entry[1]

    def close(self) -> None:
        """Forgets every buffer (the session calls it when it closes)."""
        with self._lock:
            self._lists.clear()


__all__ = ["ALIGN", "ALIGN_FROM", "Buffers"]
