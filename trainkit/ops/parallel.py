"""Data-parallel kernel work: a kernel cut into fixed chunks, run on a few threads.

NumPy and BLAS release the GIL, so the chunks of one large kernel (an im2col block and
its matrix product, a block of a pooling gradient) run concurrently on the cores. Why
not leave it to a multi-threaded BLAS: on a shared machine BLAS threads wait for each
other at every barrier, so one busy core stalls the whole product (measured here: a
small conv GEMM 4x slower with two OpenBLAS threads than with one while another process
spins); chunks pulled from a shared counter instead go to whichever thread is free,
and the im2col copy runs in parallel too. While chunks run on several threads, BLAS is
held at one thread (through ``threadpoolctl``, see :func:`single_threaded_blas`);
without threadpoolctl, or with ``set_kernel_threads(1)``, chunks run one after the other
in the calling thread and BLAS keeps its own threads.

Results never depend on the number of threads: chunk boundaries are fixed by the shapes
alone, every chunk writes its own part of the output, and reductions over chunks are
summed in chunk order by the caller.

Example:
    >>> out = [0] * 4
    >>> def work(i, worker):
    ...     out[i] = i * i
    >>> run(work, 4)
    >>> out
    [0, 1, 4, 9]
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from trainkit.framework import thread_limits

_lock = threading.Lock()
_state: dict[str, Any] = {"threads": None, "executor": None, "workers": 0, "blas": None}


def _forget_executor_after_fork() -> None:
    """A forked child has none of the parent's pool threads: start a new pool there."""
    _state["executor"], _state["workers"] = None, 0
    _blas_users[0] = 0


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def kernel_threads() -> int:
    """How many threads a chunked kernel may use: the process's count (default: the
    usable CPUs), at most the calling thread's cap (``framework/thread_limits.py``: the
    inter-op scheduler caps kernels that overlap another kernel at 1)."""
    n = _state["threads"]
    n = _usable_cpus() if n is None else n
    c = thread_limits.cap()
    return n if c is None or c >= n else c


def set_kernel_threads(n: int | None) -> None:
    """Sets the thread count of chunked kernels (``None``: the usable CPUs; 1: run every
    chunk in the calling thread). Results are identical for every value.

    Raises:
        ValueError: for ``n < 1``.
    """
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ValueError(f"kernel threads must be a positive int or None, got {n!r}")
    _state["threads"] = n


def _executor(workers: int) -> ThreadPoolExecutor:
    if _state["workers"] < workers:
        with _lock:
            if _state["workers"] < workers:
                _state["executor"] = ThreadPoolExecutor(max_workers=workers,
                                                        thread_name_prefix="trainkit-kernel")
                _state["workers"] = workers
    return _state["executor"]


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_executor_after_fork)


def _blas_controllers() -> list:
    """threadpoolctl's BLAS controllers ([] when threadpoolctl is not installed)."""
    if _state["blas"] is None:
        with _lock:
            if _state["blas"] is None:
                try:
                    from threadpoolctl import ThreadpoolController
                except ImportError:
                    _state["blas"] = []
                else:
                    ctl = ThreadpoolController()
                    _state["blas"] = [c for c in ctl.lib_controllers
                                      if c.user_api == "blas"]
    return _state["blas"]


_blas_users = [0]
_blas_saved: list = []


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[bool]:
    """Holds BLAS at one thread inside the block (re-entrant, thread-safe; the previous
    count comes back when the last user leaves); yields whether it could (False without
    threadpoolctl). Outside chunked work BLAS keeps the count the session chose
    (``client/threads.py``: one thread unless asked): more BLAS threads leave helper
    threads spinning between calls, which on 2 cores took a core from the kernel
    threads (deep-MNIST CPU per step 135-141 ms with 2 BLAS threads, 75-81 with 1)."""
    ctls = _blas_controllers()
    if not ctls:
        yield False
        return
    with _lock:
        if _blas_users[0] == 0:
            _blas_saved[:] = [c.get_num_threads() for c in ctls]
            for c, n in zip(ctls, _blas_saved):
                if n != 1:
                    c.set_num_threads(1)
        _blas_users[0] += 1
    try:
        yield True
    finally:
        with _lock:
            _blas_users[0] -= 1
            if _blas_users[0] == 0:
                for c, n in zip(ctls, _blas_saved):
                    if n != 1:
                        c.set_num_threads(n)


#: after this many calls in a row of one kernel in which the helper threads did not help
#: (see :class:`_Helpfulness`), the kernel's next ``SOLO_CALLS`` calls run in the caller
BAD_CALLS = 2
SOLO_CALLS = 24


class _Helpfulness:
    """Whether waking helper threads pays for one kernel (one ``work`` function).

    On a shared machine a helper may get no core: it then takes no chunk (the wake-up
    was wasted) or, worse, takes one and is descheduled mid-chunk while the caller waits
    for it (measured on 2 cores with one kept busy: a 128x784 @ 784x512 product in 4
    column blocks took 0.9-1.9 ms against 0.58-0.86 ms in one thread). A call is *bad*
    when the helpers did no chunk, or the caller waited for them longer than it would
    have taken to run their chunks itself (the helpers' chunk count times the caller's
    mean chunk time: then the call was slower than one thread); after ``BAD_CALLS`` bad
    calls in a row the kernel runs its next ``SOLO_CALLS`` calls in the calling thread
    only, then tries the helpers again. Who runs a chunk never changes the result
    (chunks are fixed by the shapes).

    Why not "waited longer than one chunk": for a kernel of many chunks a helper late by
    one chunk still halves the call. With that rule the deep-MNIST fc1 Adam update
    (3.2 M elements, 25 chunks of ~0.1 ms) went solo on a quiet machine after two calls
    whose helper finished 0.1-0.2 ms after the caller, and ran 24 calls at 3.8-4.0 ms
    instead of 2.4-2.5 ms (seen in 3 of 6 ``benchmarks.op_cores`` runs).

    Not judged (tried, docs/internals.md "One core busy"): the call's speedup (thread
    CPU time in chunks over wall time). With one core busy it was 0.82-0.99 on every
    call, but on the shared machine a conv kernel's calls were 1.6-1.9 or 0.9-1.0 about
    half each, and rules on it (per call below 1.15, or smoothed below 1.0) cost
    deep-MNIST 5-15 % of its idle speed.
    """

    __slots__ = ("bad", "solo")

    def __init__(self) -> None:
        self.bad = 0
        self.solo = 0

    def take_solo(self) -> bool:
        """Whether this call should run in the caller only (counts the solo calls)."""
        if self.solo > 0:
            self.solo -= 1
            return True
        return False

    def observe(self, helper_chunks: int, waited: float, chunk_time: float) -> None:
        """Records one call: chunks the helpers did, seconds the caller waited for them
        after its last chunk, and the caller's mean seconds per chunk."""
        if helper_chunks == 0 or waited > helper_chunks * chunk_time:
            self.bad += 1
            if self.bad >= BAD_CALLS:
                self.bad, self.solo = 0, SOLO_CALLS
        else:
            self.bad = 0


_helpfulness: dict[Any, _Helpfulness] = {}
_MAX_KEYS = 1024


def _health(work: Callable, key: Any = None) -> _Helpfulness:
    key = (getattr(work, "__code__", work), key)
    h = _helpfulness.get(key)
    if h is None:
        if len(_helpfulness) >= _MAX_KEYS:  # e.g. many batch sizes: start afresh
            _helpfulness.clear()
        h = _helpfulness.setdefault(key, _Helpfulness())
    return h


def run(work: Callable[[int, int], None], chunks: int, threads: int | None = None,
        key: Any = None) -> bool:
    """Calls ``work(chunk, worker)`` for every ``chunk`` in ``range(chunks)``.

    ``worker`` (``0 <= worker < threads``) identifies the thread, so ``work`` can use a
    per-worker scratch buffer. With several threads, chunk 0 runs on the calling
    thread and the others are handed out in order to whichever thread is free (the
    caller works too; it never waits for a helper that has not claimed a chunk by the
    time the chunks are gone, see :func:`_threaded`). A kernel whose helpers have
    not been getting a core lately runs in the calling thread for a while
    (:class:`_Helpfulness`, kept per ``work`` function and ``key``: callers whose chunk
    sizes vary widely pass e.g. the shapes, so that a small case the helpers cannot
    speed up does not send a large one to the caller). The first exception raised by any
    chunk is re-raised after all threads stopped.

    Returns whether helper threads were offered chunks (False when the call ran in the
    caller only: one thread, one chunk, or the kernel's helpers judged unhelpful lately),
    so a caller with its own fallback can tell "the helpers got no core" from "they were
    not asked".
    """
    threads = min(kernel_threads() if threads is None else threads, chunks)
    if chunks <= 1:
        if chunks == 1:
            work(0, 0)
        return False
    health = _health(work, key) if threads > 1 else None
    if health is None or health.take_solo():
        for i in range(chunks):
            work(i, 0)
        return False
    with single_threaded_blas() as single:
        if not single:
            for i in range(chunks):
                work(i, 0)
            return False
        return _threaded(work, chunks, threads, health)


def _threaded(work: Callable[[int, int], None], chunks: int, threads: int,
              health: _Helpfulness) -> bool:
    """:func:`run`'s threaded part: chunk 0 is the caller's, the rest go in order to
    whichever thread asks first; the caller waits only for chunks a helper has claimed.

    Why: a helper the OS has not scheduled when the caller runs out of chunks (its core
    taken by another process) would otherwise be waited for until it gets a time slice,
    only to find nothing left (``f.cancel()`` cannot drop a helper already taken off the
    pool's queue). A helper claims a chunk under ``gate`` and only while the call is
    open; the caller closes the call when the chunks are gone and then waits for the
    chunks still running. A helper that comes later returns at once, touching nothing.
    Chunk 0 is claimed before any helper is woken, so a kernel whose first chunk is its
    critical path (``seq_stages.run_stages``: the recurrence) keeps it on the calling
    thread, whose core the caller already has.
    """
    counter = itertools.count()
    first = next(counter)                # chunk 0: the caller's, claimed before waking
    failed: list[BaseException] = []
    mine = [0, 0.0]                      # chunks the caller ran, seconds it spent
    gate = threading.Condition(threading.Lock())
    call = [True, 0]                     # open, chunks running on helpers

    def claim() -> int:
        with gate:
            if not call[0] or failed:
                return chunks
            i = next(counter)
            if i < chunks:
                call[1] += 1
            return i

    def loop(worker: int) -> None:
        while True:
            i = claim()
            if i >= chunks:
                return
            try:
                work(i, worker)
            except BaseException as e:  # re-raised in the caller
                failed.append(e)
            finally:
                with gate:
                    call[1] -= 1
                    if call[1] == 0:
                        gate.notify_all()

    clock = time.perf_counter
    ex = _executor(threads - 1)
    futures = [ex.submit(loop, k) for k in range(1, threads)]
    i = first
    while i < chunks and not failed:
        t0 = clock()
        try:
            work(i, 0)
        except BaseException as e:  # re-raised below
            failed.append(e)
            break
        mine[0] += 1
        mine[1] += clock() - t0
        # atomic under the GIL; no lock: a helper counts its claim in ``call[1]`` in
        # the same locked step in which it takes the index, so the close below sees it
        i = next(counter)
    t_wait = clock()
    with gate:
        call[0] = False                  # no helper claims a chunk from now on
        while call[1]:
            gate.wait()
    for f in futures:
        f.cancel()                       # not started: never runs (no thread woken)
    if failed:
        raise failed[0]
    health.observe(chunks - mine[0], clock() - t_wait,
                   mine[1] / mine[0] if mine[0] else 0.0)
    return True


#: arrays below this many bytes are processed in one call by :func:`for_blocks`
BLOCKS_MIN_BYTES = 1 << 20
#: bytes per block of :func:`for_blocks`
BLOCK_BYTES = 1 << 18


def for_blocks(n: int, item_bytes: int, work: Callable[[int, int], None]) -> None:
    """Calls ``work(start, stop)`` over ``BLOCK_BYTES``-sized blocks of ``n`` items (rows
    of ``item_bytes`` each) on the kernel threads; one call ``work(0, n)`` when the whole
    is below ``BLOCKS_MIN_BYTES``. For elementwise and row-wise work, whose results do
    not depend on the blocking."""
    if n * item_bytes < BLOCKS_MIN_BYTES:
        work(0, n)
        return
    per = max(1, BLOCK_BYTES // max(1, item_bytes))

    def chunk(i: int, worker: int) -> None:
        s = i * per
        work(s, min(n, s + per))

    run(chunk, -(-n // per))


__all__ = ["run", "for_blocks", "kernel_threads", "set_kernel_threads", "single_threaded_blas"]
