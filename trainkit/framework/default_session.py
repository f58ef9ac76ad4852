"""The thread-local stack of default sessions (``tk.get_default_session()``)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

_local = threading.local()


def _stack() -> list:
    s = getattr(_local, "stack", None)
    if s is None:
        s = _local.stack = []
    return s


def get_default_session() -> Any:
    """The innermost default session of this thread, or None."""
    s = _stack()
    return s[-1] if s else None


def push(session: Any) -> None:
    _stack().append(session)


def pop(session: Any) -> None:
    s = _stack()
    if s and s[-1] is session:
        s.pop()
    elif session in s:
        s.remove(session)


@contextlib.contextmanager
def default_session(session: Any) -> Iterator[Any]:
    """Makes ``session`` the default session of this thread inside the block."""
    push(session)
    try:
        yield session
    finally:
        pop(session)
