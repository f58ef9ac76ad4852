"""Horovod's ``start_timeline``/``stop_timeline``: a Chrome-trace JSON of the collective
calls of every rank (open it in ``chrome://tracing`` or Perfetto).

While a timeline is recording, every collective op's run is one complete event (``"ph":
"X"``) on its rank's lane (``pid`` = rank): name = the op's name, category = the
collective (``ALLREDUCE``, ``ALLGATHER``, ``BROADCAST``, ``ALLTOALL``,
``REDUCESCATTER``), with its process set in ``args``. ``stop_timeline`` (called by every
rank, like ``start_timeline``) gathers the ranks' events and rank 0 writes the file
atomically (temporary file, fsync, rename): a reader never sees half a file.

Differs from Horovod: Horovod's background coordinator writes the file as it goes and
marks its negotiation cycles; trainkit has no background cycle, so the file is written at
``stop_timeline`` and ``mark_cycles`` adds nothing.

Example:
    >>> hvd.start_timeline("/tmp/timeline.json")
    >>> sess.run(train_op)
    >>> hvd.stop_timeline()
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from typing import Any

from trainkit.distributed import basics
from trainkit.distributed.call_check import allgather_bytes_checked
from trainkit.training import atomic_file


class _Recording:
    def __init__(self, path: str, mark_cycles: bool):
        self.path = path
        self.mark_cycles = mark_cycles
        self.start = time.perf_counter()
        self.events: list[dict[str, Any]] = []


_recording: _Recording | None = None


def start_timeline(file_path: str, mark_cycles: bool = False) -> None:
    """Starts recording the collectives of this rank (call it on every rank).

    Args:
        file_path: where rank 0 writes the trace at :func:`stop_timeline`.
        mark_cycles: accepted (trainkit has no background cycles to mark).

    Raises:
        ValueError: before ``init()``, for an empty path, or while already recording.
        TypeError: if ``file_path`` is not a string or path.
    """
    global _recording
    basics.context()
    if not isinstance(file_path, str | os.PathLike):
        raise TypeError(f"start_timeline: file_path must be a string, got {file_path!r}.")
    path = os.fspath(file_path)
    if not path:
        raise ValueError("start_timeline: file_path must not be empty.")
    if _recording is not None:
        raise ValueError(f"start_timeline: a timeline is already recording to "
                         f"{_recording.path!r}; call hvd.stop_timeline() first.")
    _recording = _Recording(path, bool(mark_cycles))


def stop_timeline() -> None:
    """Stops recording; rank 0 writes every rank's events (call it on every rank).
    Does nothing when no timeline is recording."""
    global _recording
    rec, _recording = _recording, None
    if rec is None:
        return
    ctx = basics.context()
    mine = json.dumps(rec.events).encode("utf-8")
    per_rank = [mine] if ctx.size == 1 else allgather_bytes_checked(ctx, mine,
                                                                    "stop_timeline")
    if ctx.rank != 0:
        return
    events: list[dict[str, Any]] = []
    for r, data in enumerate(per_rank):
        events.append({"name": "process_name", "ph": "M", "pid": r,
                       "args": {"name": f"rank {r}"}})
        events.extend(json.loads(data.decode("utf-8")))
    trace = {"traceEvents": events, "displayTimeUnit": "ms"}
    parent = os.path.dirname(os.path.abspath(rec.path))
    os.makedirs(parent, exist_ok=True)
    atomic_file.write_bytes(rec.path, json.dumps(trace, indent=1).encode("utf-8"))


def recording() -> bool:
    """Whether a timeline is recording."""
    return _recording is not None


@contextlib.contextmanager
def _span(rec: _Recording, kind: str, name: str, process_set_id: int) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        end = time.perf_counter()
        rec.events.append({"name": name, "cat": kind, "ph": "X", "pid": basics.rank(),
                           "tid": 0, "ts": round((start - rec.start) * 1e6, 3),
                           "dur": round((end - start) * 1e6, 3),
                           "args": {"process_set_id": process_set_id}})


_NOTHING = contextlib.nullcontext()


def span(kind: str, name: str, process_set_id: int = 0) -> Any:
    """A context manager timing one collective call (nothing while not recording)."""
    rec = _recording
    return _NOTHING if rec is None else _span(rec, kind, name, process_set_id)


__all__ = ["recording", "span", "start_timeline", "stop_timeline"]
