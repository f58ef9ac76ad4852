"""Values derived from a kernel's input array, kept for a later kernel of the same step.

Some gradient kernels recompute what their forward kernel already derived from the same
input: the Fourier convolution's spectrum of ``x`` (``ops/conv_fourier.py``), LRN's
normalizer (``ops/lrn_ops.py``). A :class:`DerivedCache` keeps the last few such values
and hands one out again only for **the same array object holding bitwise the same
contents**, compared against a private copy taken when the value was stored. So a reused
value is exactly the one that would be computed, whatever happened to the array in
between: a recycled buffer (``ops/buffer_pool.py``) or a variable updated in place fails
the comparison and the value is computed again. The copy and the comparison are one pass
each over the input, on the kernel threads; the values they save cost many.

Example:
    >>> cache = DerivedCache()
    >>> a = np.arange(4.0)
    >>> cache.put(("sq",), a, a * a)
    >>> cache.find(("sq",), a)
    array([0., 1., 4., 9.])
    >>> a[0] = 5.0
    >>> cache.find(("sq",), a) is None
    True
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np

from trainkit.ops import parallel

#: entries kept per cache (least recently used dropped first)
ENTRIES = 8
_PARTS = 8
#: arrays below this many bytes are compared and copied in the calling thread: waking
#: the kernel threads costs more than it saves there (measured, one call on a quiet
#: machine: 1.2 MiB compare 58 us on the threads vs 31 us alone, copy 28 vs 22 us; 4.8 MiB
#: about even; 18 MiB 611 vs 978 us and 279 vs 542 us)
PARALLEL_MIN_BYTES = 8 << 20


_UINTS = {8: np.uint64, 4: np.uint32, 2: np.uint16, 1: np.uint8}


def _bits(a: np.ndarray) -> np.ndarray:
    """``a`` viewed as unsigned integers of its item size (NaN == NaN, 0.0 != -0.0);
    other item sizes (complex128, ...) compare as values."""
    u = _UINTS.get(a.dtype.itemsize)
    return a if u is None or a.dtype.kind not in "fiub" else a.view(u)


def _ranges(n: int) -> list[tuple[int, int]]:
    parts = max(1, min(_PARTS, n))
    return [(n * i // parts, n * (i + 1) // parts) for i in range(parts)]


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``a`` and ``b`` (same shape and dtype) hold bitwise the same values. The
    first of the fixed ranges is compared first, in the calling thread: a recycled
    buffer holding new values usually differs there, and is then told apart without a
    pass over the rest (CIFAR conv2's input: 1/8 of the pass, no kernel threads). The
    rest runs on the kernel threads from ``PARALLEL_MIN_BYTES`` on."""
    if a.ndim == 0:
        return bool(_bits(a) == _bits(b))
    ua, ub = _bits(a), _bits(b)
    ranges = _ranges(a.shape[0])
    s0, e0 = ranges[0]
    if not np.array_equal(ua[s0:e0], ub[s0:e0]):
        return False
    if a.nbytes < PARALLEL_MIN_BYTES:
        return bool(np.array_equal(ua[e0:], ub[e0:]))
    ranges = ranges[1:]
    diff: list[bool] = []

    def work(i: int, worker: int) -> None:
        s, e = ranges[i]
        if not np.array_equal(ua[s:e], ub[s:e]):
            diff.append(True)

    parallel.run(work, len(ranges))
    return not diff


def _copy(dst: np.ndarray, src: np.ndarray) -> None:
    if src.ndim == 0 or src.nbytes < PARALLEL_MIN_BYTES:
        np.copyto(dst, src)
        return
    ranges = _ranges(src.shape[0])

    def work(i: int, worker: int) -> None:
        s, e = ranges[i]
        np.copyto(dst[s:e], src[s:e])

    parallel.run(work, len(ranges))


class DerivedCache:
    """The last :data:`ENTRIES` values derived from input arrays, by ``key`` (which must
    name everything besides the input's contents that the value depends on)."""

    __slots__ = ("_entries", "_lock")

    def __init__(self) -> None:
        self._entries: list[list] = []   # [key, weakref to input, copy, value], MRU first
        self._lock = threading.Lock()

    def find(self, key: tuple, a: np.ndarray) -> Any:
        """The value stored for ``a`` under ``key`` if ``a`` still holds the same bits,
        else None."""
        with self._lock:
            for i, e in enumerate(self._entries):
                if e[0] == key and e[1]() is a:
                    if e[2].shape != a.shape or e[2].dtype != a.dtype or \
                            not same_bits(e[2], a):
                        return None
                    self._entries.insert(0, self._entries.pop(i))
                    return e[3]
        return None

    def put(self, key: tuple, a: np.ndarray, value: Any) -> None:
        """Stores ``value`` as derived from (the current contents of) ``a``."""
        with self._lock:
            entries = self._entries
            old = next((i for i, e in enumerate(entries) if e[1]() is a and e[0] == key),
                       None)
            if old is None and len(entries) >= ENTRIES:
                old = len(entries) - 1
            copy = None
            if old is not None:
                e = entries.pop(old)
                if e[2].shape == a.shape and e[2].dtype == a.dtype:
                    copy = e[2]
            if copy is None:
                copy = np.empty(a.shape, a.dtype)
            _copy(copy, a)
            entries.insert(0, [key, weakref.ref(a), copy, value])

    def clear(self) -> None:
        """Forgets every entry."""
        with self._lock:
            self._entries.clear()


def session_cache(ctx: Any, name: str) -> DerivedCache:
    """The session's :class:`DerivedCache` called ``name`` (one per kernel family)."""
    key = "trainkit.ops.derived_cache." + name
    res = ctx.state.resources
    c = res.get(key)
    if c is None:
        with ctx.state.lock:
            c = res.get(key)
            if c is None:
                c = res[key] = DerivedCache()
    return c


__all__ = ["DerivedCache", "session_cache", "same_bits", "ENTRIES"]
