"""The runtime side of TF1 queues: per-session buffers with blocking, thread-safe
enqueue/dequeue, queue-runner (feeder) bookkeeping, and checkpointable state.

One :class:`Pipeline` per session holds every queue of that session under a single
condition variable, so the state of all queues and of every feeder thread can be read
as one consistent snapshot (what a checkpoint needs; see ``docs/internals.md``).

Determinism: a ``RandomShuffleQueue`` picks a random element from what it holds, so its
output depends on how full it is at each pick. While a queue runner that may still add
elements is feeding the queue, a pick waits until the queue is full (or closed). With
one runner thread per queue, the picked sequence is then a function of the seed only,
independent of thread timing, and a run resumed from a checkpoint continues exactly.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.client import deadline as _deadline

_POLL = 0.05  # seconds between re-checks of deadlines, cancellation and feeder liveness


class Feeder:
    """A queue-runner thread's registration with the queue it enqueues into.

    States: ``running`` (may enqueue soon), ``waiting`` (blocked inside a queue op),
    ``gate`` (parked between runs while a checkpoint is written).
    """

    def __init__(self, pipeline: Pipeline, queue: QueueRuntime | None, key: str):
        self.pipeline = pipeline
        self.queue = queue
        self.key = key
        self.state = "running"
        self.waiting_on: tuple | None = None  # (queue runtime, 'enqueue'|'dequeue', n)

    def __enter__(self) -> Feeder:
        _tls.feeder = self
        return self

    def __exit__(self, *exc: Any) -> None:
        _tls.feeder = None
        self.pipeline.remove_feeder(self)

    def wait_if_paused(self) -> None:
        """Parks the calling runner thread while a checkpoint is being written."""
        self.pipeline.wait_if_paused(self)


_tls = threading.local()


def current_feeder() -> Feeder | None:
    """The feeder of the queue-runner thread calling this, or None."""
    return getattr(_tls, "feeder", None)


class _Attempt:
    """An enqueue waiting for room: the elements not yet in the queue."""

    __slots__ = ("elements", "cancelled")

    def __init__(self, elements: list):
        self.elements = deque(elements)
        self.cancelled = False


class QueueRuntime:
    """One queue's buffer in one session. All methods run under ``pipeline.cond``."""

    def __init__(self, pipeline: Pipeline, key: str, name: str, kind: str, capacity: int,
                 min_after_dequeue: int, rng: Callable[[], np.random.Generator] | None):
        self.pipeline = pipeline
        self.key = key
        self.name = name
        self.kind = kind  # FIFOQueue | RandomShuffleQueue | PaddingFIFOQueue
        self.capacity = capacity
        self.min_after_dequeue = min_after_dequeue
        self.rng_fn = rng
        self.items: list = []
        self.pending: deque[_Attempt] = deque()
        self.closed = False
        self.feeders: list[Feeder] = []

    # -- helpers --------------------------------------------------------------------
    def _room(self) -> int:
        return self.capacity - len(self.items) if self.capacity > 0 else 1 << 62

    def flush(self) -> bool:
        """Moves pending enqueues into the buffer while there is room."""
        moved = False
        while self.pending and self._room() > 0:
            att = self.pending[0]
            while att.elements and self._room() > 0:
                self.items.append(att.elements.popleft())
                moved = True
            if not att.elements:
                self.pending.popleft()
        return moved

    def may_grow(self, seen: set | None = None) -> bool:
        """Whether a live feeder may still add elements (see the module docstring)."""
        seen = seen or set()
        if id(self) in seen:
            return False
        seen.add(id(self))
        for f in self.feeders:
            if f.state in ("running", "gate"):
                return True
            q, what, n = f.waiting_on
            if what == "enqueue":
                if q is not self and q._room() > 0:
                    return True
            elif q.closed or len(q.items) >= n or q.may_grow(seen):
                return True
        return False

    # -- operations (called with pipeline.cond held) -----------------------------------
    def enqueue(self, elements: list, session: Any) -> None:
        if self.closed:
            raise errors.CancelledError(None, None, f"{self.kind} '{self.name}' is closed.")
        if not elements:
            return
        att = _Attempt(elements)
        self.pending.append(att)
        self.flush()
        self.pipeline.changed()
        self.pipeline.wait(lambda: not att.elements or att.cancelled, session,
                           (self, "enqueue", 0), self._enqueue_timeout_msg, self._abandon(att))
        if att.cancelled:
            raise errors.CancelledError(
                None, None, f"{self.kind} '{self.name}' is closed (pending enqueue cancelled).")

    def _abandon(self, att: _Attempt) -> Callable[[], None]:
        def drop() -> None:
            if att in self.pending:
                self.pending.remove(att)
        return drop

    def _enqueue_timeout_msg(self) -> str:
        return f"Timed out waiting for room in {self.kind} '{self.name}'"

    def dequeue(self, n: int, allow_smaller: bool, session: Any) -> list:
        """``n`` elements (a list of component tuples); see TF's dequeue/_many/_up_to."""
        if self.kind == "RandomShuffleQueue":
            return self._dequeue_shuffled(n, allow_smaller, session)

        # As TF: take what is there and wait for the rest (so n may exceed the capacity);
        # a closed queue that cannot complete the request gets the taken elements back.
        got: list = []

        def ready() -> bool:
            return bool(self.items) or self.closed

        def give_back() -> None:
            self.items[:0] = got
            got.clear()

        while len(got) < n:
            self.pipeline.wait(ready, session, (self, "dequeue", 1), self._short_msg(n),
                               give_back)
            if self.closed and len(self.items) + len(got) < n and not allow_smaller:
                give_back()
                raise self._out_of_range(n)
            k = min(n - len(got), len(self.items))
            got.extend(self.items[:k])
            del self.items[:k]
            self.flush()
            self.pipeline.changed()
            if self.closed and not self.items:
                break
        if not got:
            raise self._out_of_range(n)
        return got

    def _dequeue_shuffled(self, n: int, allow_smaller: bool, session: Any) -> list:
        m = self.min_after_dequeue

        def ready() -> bool:
            if self.closed:
                return True
            return len(self.items) > m and (self._room() <= 0 or not self.may_grow())

        picked: list = []
        rng = self.rng_fn()

        def give_back() -> None:  # a timed-out or cancelled dequeue takes nothing
            self.items.extend(picked)
            picked.clear()

        while len(picked) < n:
            self.pipeline.wait(ready, session, (self, "dequeue", 1), self._short_msg(n),
                               give_back)
            if not self.items or (self.closed and len(self.items) + len(picked) < n
                                  and not allow_smaller):
                if allow_smaller and picked:
                    break
                give_back()
                raise self._out_of_range(n)
            i = int(rng.integers(len(self.items)))
            picked.append(self.items[i])
            self.items[i] = self.items[-1]
            self.items.pop()
            self.flush()
            self.pipeline.changed()
        return picked

    def _short_msg(self, n: int) -> str:
        return f"Timed out waiting for {n} element(s) of {self.kind} '{self.name}'"

    def _out_of_range(self, n: int) -> errors.OpError:
        return errors.OutOfRangeError(
            None, None, f"{self.kind} '{self.name}' is closed and has insufficient elements "
                        f"(requested {n}, current size {len(self.items)})")

    def close(self, cancel_pending_enqueues: bool) -> None:
        self.closed = True
        if cancel_pending_enqueues:
            for att in self.pending:
                att.cancelled = True
            self.pending.clear()
        self.pipeline.changed()

    # -- checkpoint state ----------------------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        pending = [el for att in self.pending for el in att.elements]
        return {"items": list(self.items), "pending": pending, "closed": self.closed}

    def set_state(self, items: list, pending: list, closed: bool) -> None:
        self.items = list(items)
        self.pending = deque([_Attempt(pending)]) if pending else deque()
        self.closed = closed
        self.pipeline.changed()


class Pipeline:
    """Every queue and feeder of one session, under one condition variable."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.queues: dict[str, QueueRuntime] = {}
        self.feeders: list[Feeder] = []
        self.paused = False
        self.cancelled = False

    def changed(self) -> None:
        """Wakes every waiter; woken feeders count as running until they block again."""
        for f in self.feeders:
            if f.state == "waiting":
                f.state, f.waiting_on = "running", None
        self.cond.notify_all()

    def wait(self, ready: Callable[[], bool], session: Any, what: tuple,
             timeout_msg: Callable[[], str] | str, on_abort: Callable[[], None] | None
             ) -> None:
        """Blocks (with ``cond`` held) until ``ready()``; raises on deadline or close."""
        if ready():
            return
        deadline, ms = _deadline.current_deadline(session)
        me = current_feeder()
        try:
            while not ready():
                if self.cancelled or _deadline.session_closed(session):
                    raise errors.CancelledError(None, None, "Session was closed while the "
                                                            "op was waiting on a queue.")
                if deadline is not None and time.perf_counter() > deadline:
                    msg = timeout_msg() if callable(timeout_msg) else timeout_msg
                    raise errors.DeadlineExceededError(None, None,
                                                       f"{msg} (timeout {ms} ms)")
                if me is not None:
                    me.state, me.waiting_on = "waiting", what
                    self.cond.notify_all()  # a paused checkpoint may be waiting for this
                self.cond.wait(_POLL)
        except BaseException:
            if on_abort is not None:
                on_abort()
            raise
        finally:
            if me is not None:
                me.state, me.waiting_on = "running", None

    # -- feeders and the checkpoint gate ---------------------------------------------------
    def add_feeder(self, queue_key: str) -> Feeder:
        with self.cond:
            f = Feeder(self, self.queues.get(queue_key), queue_key)
            self.feeders.append(f)
            if f.queue is not None:
                f.queue.feeders.append(f)
            return f

    def get_queue(self, key: str, make: Callable[[], QueueRuntime]) -> QueueRuntime:
        """The runtime of queue ``key`` (built by ``make`` on first use)."""
        rt = self.queues.get(key)
        if rt is None:
            rt = self.queues[key] = make()
            for f in self.feeders:
                if f.queue is None and f.key == key:
                    f.queue = rt
                    rt.feeders.append(f)
        return rt

    def remove_feeder(self, f: Feeder) -> None:
        with self.cond:
            if f in self.feeders:
                self.feeders.remove(f)
            if f.queue is not None and f in f.queue.feeders:
                f.queue.feeders.remove(f)
            self.cond.notify_all()

    def wait_if_paused(self, f: Feeder) -> None:
        with self.cond:
            while self.paused and not self.cancelled:
                f.state = "gate"
                self.cond.notify_all()
                self.cond.wait(_POLL)
            f.state = "running"

    def pause(self) -> None:
        """Stops feeders at a consistent point: each parked between runs or blocked."""
        with self.cond:
            self.paused = True
            while any(f.state == "running" for f in self.feeders) and not self.cancelled:
                self.cond.wait(_POLL)

    def resume(self) -> None:
        with self.cond:
            self.paused = False
            self.cond.notify_all()

    def close(self) -> None:
        """Called by ``Session.close``: blocked ops end with ``CancelledError``."""
        with self.cond:
            self.cancelled = True
            self.cond.notify_all()


_PIPELINES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PIPELINES_LOCK = threading.Lock()


def pipeline_for(session: Any, state: Any = None) -> Pipeline:
    """The pipeline of ``session`` (created on first use; closed with the session)."""
    with _PIPELINES_LOCK:
        p = _PIPELINES.get(session)
        if p is None:
            p = _PIPELINES[session] = Pipeline()
        if state is not None and "tk_queue_pipeline" not in state.resources:
            state.resources["tk_queue_pipeline"] = p
        return p


def existing_pipeline(session: Any) -> Pipeline | None:
    """The pipeline of ``session`` if one was created, else None."""
    return _PIPELINES.get(session)


__all__ = ["Pipeline", "QueueRuntime", "Feeder", "pipeline_for", "existing_pipeline",
           "current_feeder"]
