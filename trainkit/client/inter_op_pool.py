"""The inter-op worker threads: a few persistent threads, each with its own FIFO queue.

A concurrent plan (``client/inter_op.py``) hands a step to a fixed worker; the worker
runs the steps it is given one after the other, in the order they were submitted, so a
chain of steps sent to one worker needs no synchronisation in between. Completion is
signalled through a lock the submitter holds (released by the worker), the cheapest
wait the standard library offers. A step runs in a copy of the submitter's context
variables, so NumPy's error state (``np.errstate`` is a context variable) and anything
else kept that way is what the step would see on the calling thread.

The threads are daemons, created on first use and shared by every session of the
process; a forked child starts new ones (it has none of the parent's threads).

Example:
    >>> import threading
    >>> done = threading.Lock(); done.acquire()
    True
    >>> out = []
    >>> submit(0, lambda v: v.append(1), out, done, [None], 0)
    >>> done.acquire(); out
    True
    [1]
"""

from __future__ import annotations

import contextvars
import os
import queue
import threading
from collections.abc import Callable
from typing import Any

from trainkit.framework import thread_limits

_lock = threading.Lock()
_queues: list[queue.SimpleQueue] = []


def _work(q: queue.SimpleQueue) -> None:
    """A worker's loop: run ``step(vals)`` in the submitter's context, record an
    exception, release ``done``."""
    get = q.get
    thread_limits.set_cap(1)  # a worker's step overlaps the calling thread's: one thread
    while True:
        context, step, vals, done, failed, pos = get()
        try:
            context.run(step, vals)
        except BaseException as e:  # handed to the submitter, which re-raises it
            failed[pos] = e
        finally:
            done.release()


def ensure_workers(n: int) -> None:
    """Makes sure at least ``n`` worker threads run."""
    if len(_queues) >= n:
        return
    with _lock:
        while len(_queues) < n:
            q: queue.SimpleQueue = queue.SimpleQueue()
            t = threading.Thread(target=_work, args=(q,), daemon=True,
                                 name=f"trainkit-inter-op-{len(_queues)}")
            t.start()
            _queues.append(q)


def submit(worker: int, step: Callable[[list], None], vals: list, done: Any,
           failed: list, pos: int) -> None:
    """Runs ``step(vals)`` on worker ``worker`` after the steps submitted to it before,
    in a copy of the calling thread's context variables; releases ``done`` (an acquired
    lock) when it finished and stores an exception it raised in ``failed[pos]``."""
    if worker >= len(_queues):
        ensure_workers(worker + 1)
    _queues[worker].put((contextvars.copy_context(), step, vals, done, failed, pos))


def _forget_after_fork() -> None:
    _queues.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)


__all__ = ["ensure_workers", "submit"]
