"""The work plan shared by the ``LSTMSequence`` kernels: fixed row chunks, fixed time
blocks, and stages that overlap on the kernel threads.

A sequence kernel is a short list of *stages* (callables). Stage ``k`` may wait for
blocks of time steps that stages before it have finished (a :class:`Progress`), never
for a later stage: with one kernel thread the stages simply run in order; with several,
:func:`run_stages` hands them to the kernel threads (``ops/parallel.py``, which gives
out chunks in order), so a waiting stage always waits for one that is already running.
The forward kernel runs the recurrence first, so on the calling thread, and its
input products as :class:`SideWork`: units any free thread claims in order, which the
recurrence runs itself when it needs one no other thread has taken (so it never waits
for a thread the OS has not scheduled). (It used to make the products on the calling
thread and run the recurrence on the helper: the caller then waited ~2 ms for the
helper on every call, which ``parallel.run`` counts as an unhelpful helper, so a loop
of forward calls alone, e.g. inference, ran 24 of every 26 calls on one thread.) The
gradient kernel overlaps the recurrence-free factors (before it) and the weight
gradient of finished blocks (after it). Every boundary (row chunks, time blocks)
depends on the shapes alone and every block is computed the same way whichever thread
runs it, so the results are bitwise the same for any number of threads.

Why stages rather than more row chunks: a 16-row step is ~15 NumPy calls of a few
microseconds, and two threads doing that contend for the GIL (measured: the 32-row
benchmark sequence took 50 % more CPU time on two threads than on one, for little wall
time; a 32-row step cut into two unit halves on two threads, 64 % more wall time); a
unit of large BLAS products holds the GIL for almost none of its time.

Example:
    >>> tb = time_blocks(50, 32)              # [0, 1, 9, 17, 25, 33, 41, 49, 50]
    >>> ready = Progress(len(tb) - 1)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.ops import parallel

#: rows of one time block's products (``steps_per_block * batch`` is about this)
BLOCK_ROWS = 256


def row_chunks(rows: int) -> list[int]:
    """Chunk boundaries of the batch rows (fixed by the row count alone): one chunk
    below 128 rows (smaller chunks are GIL-bound, see the module doc), 2 below 256,
    else 4."""
    parts = 1 if rows < 128 else 2 if rows < 256 else 4
    return [rows * k // parts for k in range(parts)] + [rows]


def time_blocks(steps: int, rows: int) -> list[int]:
    """Block boundaries of the time steps (fixed by the shape alone): the first and the
    last step alone, blocks of ``ceil(BLOCK_ROWS / rows)`` steps between them (the
    recurrence waits only for a one-step block to start, and the weight products after
    the backward recurrence are one step's)."""
    if steps <= 2:
        return list(range(steps + 1))
    per = max(1, -(-BLOCK_ROWS // max(1, rows)))
    return [0] + list(range(1, steps - 1, per)) + [steps - 1, steps]


class Progress:
    """Which time blocks are finished by every one of ``parties`` stages."""

    def __init__(self, blocks: int, parties: int = 1):
        self._left = [parties] * blocks
        self._cond = threading.Condition()
        self._aborted = False

    def done(self, block: int, parties: int = 1) -> None:
        """``parties`` parties (one stage may do the work of several) finished ``block``."""
        with self._cond:
            self._left[block] -= parties
            if self._left[block] == 0:
                self._cond.notify_all()

    def wait(self, block: int) -> bool:
        """Blocks until ``block`` is finished; False if a stage failed instead."""
        if self._left[block] == 0:
            return True
        with self._cond:
            while self._left[block] > 0 and not self._aborted:
                self._cond.wait()
            return not self._aborted

    def abort(self) -> None:
        """Releases every waiter (a stage failed; its exception is re-raised)."""
        with self._cond:
            self._aborted = True
            self._cond.notify_all()


class SideWork:
    """Units of work beside a recurrence (callables), claimed in order by any thread.

    A recurrence may :meth:`need` unit ``j`` only if no unit up to ``j`` waits for the
    recurrence (it may run them itself). Threads with nothing else to do
    :meth:`finish` the rest.
    """

    def __init__(self, units: Sequence[Callable[[], None]]):
        self._units = list(units)
        self._next = 0                       # the first unclaimed unit
        self._done = [False] * len(self._units)
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self._aborted = False

    def _claim(self) -> int:
        """The next unclaimed unit (``len(units)`` when none is left)."""
        with self._lock:
            j = self._next
            if j < len(self._units):
                self._next = j + 1
            return j

    def _run(self, j: int) -> None:
        self._units[j]()
        with self._cond:
            self._done[j] = True
            self._cond.notify_all()

    def _wait(self, j: int) -> bool:
        with self._cond:
            while not self._done[j] and not self._aborted:
                self._cond.wait()
            return not self._aborted

    def need(self, j: int) -> bool:
        """Returns once unit ``j`` is done, running unclaimed units up to it itself;
        False if a stage failed instead."""
        while not self._done[j]:
            if self._aborted:
                return False
            if self._next > j:               # claimed by another thread: wait for it
                return self._wait(j)
            k = self._claim()
            if k < len(self._units):
                self._run(k)
        return True

    def drain(self) -> bool:
        """Runs unclaimed units until none is left; False if a stage failed."""
        while not self._aborted:
            k = self._claim()
            if k >= len(self._units):
                return True
            self._run(k)
        return False

    def finish(self) -> bool:
        """:meth:`drain`, then waits for the units other threads are running."""
        if not self.drain():
            return False
        return all(self._wait(j) for j in range(len(self._units)))

    def abort(self) -> None:
        """Releases every waiter (a stage failed; its exception is re-raised)."""
        with self._cond:
            self._aborted = True
            self._cond.notify_all()


def run_stages(stages: Sequence[Callable[[], Any]], progress: Sequence[Any],
               key: Any = None) -> None:
    """Runs ``stages`` in order with one kernel thread, else on the kernel threads
    (stage ``k`` may wait only for stages before it; ``key`` tells ``parallel.run``'s
    helpfulness record which kernel this is). A failing stage aborts ``progress``
    (:class:`Progress` and :class:`SideWork` objects) so no stage waits forever; its
    exception is re-raised."""

    def work(k: int, worker: int) -> None:
        try:
            with np.errstate(all="ignore"):  # as the kernel's own thread (``quiet``)
                stages[k]()
        except BaseException:
            for p in progress:
                p.abort()
            raise

    if parallel.kernel_threads() == 1:
        for k in range(len(stages)):
            work(k, 0)
    else:
        parallel.run(work, len(stages), key=key)


def split_rest(attrs: dict, rest: tuple) -> tuple[tuple, Any]:
    """``(peephole weights, lengths or None)`` from a kernel's trailing inputs."""
    peep = tuple(rest[:3]) if attrs["use_peephole"] else ()
    return peep, (rest[-1] if attrs["has_lengths"] else None)


def live_masks(lengths: Any, steps: int, rows: int, dt: np.dtype) -> tuple[Any, Any]:
    """``(live, dead)`` ``[T, B, 1]`` masks (1 where ``t < length``, as ``dt``; None
    without lengths)."""
    if lengths is None:
        return None, None
    lens = np.asarray(lengths).reshape(-1)
    if lens.shape != (rows,):
        raise errors.InvalidArgumentError(
            None, None, f"LSTMSequence: sequence_length must have {rows} entries, got "
                        f"{list(np.shape(lengths))}")
    live = (np.arange(steps)[:, None] < lens[None, :]).astype(dt)[:, :, None]
    return live, 1 - live


def previous(seq: np.ndarray, first: np.ndarray, t0: int, t1: int) -> np.ndarray:
    """``[first, seq[0], seq[1], ...][t0:t1]``: the states each step of ``[t0, t1)``
    started from (a view unless the block starts at step 0)."""
    if t0 > 0:
        return seq[t0 - 1:t1 - 1]
    out = np.empty((t1 - t0,) + seq.shape[1:], seq.dtype)
    if t1 > t0:
        out[0] = first
        out[1:] = seq[:t1 - 1]
    return out


__all__ = ["row_chunks", "time_blocks", "Progress", "SideWork", "run_stages", "split_rest",
           "live_masks", "previous", "BLOCK_ROWS"]
