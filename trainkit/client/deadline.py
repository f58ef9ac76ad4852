"""The deadline of the running ``Session.run`` call, for kernels that block.

``RunOptions.timeout_in_ms`` bounds a whole run; the executor publishes the run's deadline
here (per thread) so a blocking kernel (a queue dequeue waiting for an enqueue) can give
up with ``DeadlineExceededError`` instead of waiting forever. Without run options, the
session's ``ConfigProto.operation_timeout_in_ms`` applies to each blocking op.

Example:
    >>> d = current_deadline(sess)        # a time.perf_counter() value, or None
"""

from __future__ import annotations

import threading
import time
from typing import Any

_local = threading.local()


def set_run_deadline(deadline: float | None, timeout_ms: int = 0) -> None:
    """Publishes the deadline of the run executing on this thread (None: no deadline)."""
    _local.deadline = deadline
    _local.timeout_ms = timeout_ms


def current_deadline(session: Any) -> tuple[float | None, int]:
    """``(deadline, timeout_ms)`` for a blocking op starting now on this thread."""
    d = getattr(_local, "deadline", None)
    if d is not None:
        return d, _local.timeout_ms
    config = getattr(session, "_config", None)
    ms = int(getattr(config, "operation_timeout_in_ms", 0) or 0)
    return (time.perf_counter() + ms / 1000.0 if ms > 0 else None), ms


def session_closed(session: Any) -> bool:
    """Whether ``session`` was closed (blocked ops then end with ``CancelledError``)."""
    return bool(getattr(session, "_closed", False))


__all__ = ["set_run_deadline", "current_deadline", "session_closed"]
