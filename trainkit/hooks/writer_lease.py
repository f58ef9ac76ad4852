"""Shared event writers with reference counts: hooks writing to one directory share the
``FileWriterCache`` writer, and the last hook to finish closes it.

Example:
    >>> w = acquire(logdir)        # in begin()          # doctest: +SKIP
    >>> release(w)                 # in end() / abort()  # doctest: +SKIP
"""

from __future__ import annotations

import threading
from typing import Any

from trainkit.summary import FileWriterCache

_lock = threading.Lock()
_leases: dict[int, list] = {}  # id(writer) -> [writer, count]


def acquire(logdir: str) -> Any:
    """The cached writer of ``logdir`` (reopened if closed), with one more lease."""
    with _lock:
        w = FileWriterCache.get(logdir)
        entry = _leases.setdefault(id(w), [w, 0])
        entry[1] += 1
        return w


def release(writer: Any) -> None:
    """Drops one lease; the last one flushes and closes the writer. Unleased writers
    (passed in by the user) are only flushed."""
    with _lock:
        entry = _leases.get(id(writer))
        if entry is None or entry[0] is not writer:
            writer.flush()
            return
        entry[1] -= 1
        if entry[1] > 0:
            writer.flush()
            return
        del _leases[id(writer)]
    writer.close()


def give_back(writer: Any, user_writer: Any = None) -> None:
    """What a hook calls in ``end``/``abort``: a writer the user passed in is only
    flushed; a leased one is released (the last lease closes it). None is ignored."""
    if writer is None:
        return
    if writer is user_writer:
        writer.flush()
    else:
        release(writer)


__all__ = ["acquire", "release", "give_back"]
