"""A per-thread cap on the threads a chunked kernel may use.

The executor's inter-op scheduler (``client/inter_op_schedule.py``) runs a kernel that
overlaps another kernel on one thread: two chunked kernels each asking for every core
would put three or four threads on two cores. It sets the cap here, in ``framework``,
because ``client`` never imports ``ops``; ``ops/parallel.kernel_threads`` reads it.
Results never depend on it (chunked kernels give the same bits for any thread count).

Example:
    >>> prev = set_cap(1)
    >>> cap()
    1
    >>> set_cap(prev)
    1
"""

from __future__ import annotations

import threading

_local = threading.local()


def cap() -> int | None:
    """The calling thread's cap on kernel threads (None: no cap)."""
    return getattr(_local, "threads", None)


def set_cap(n: int | None) -> int | None:
    """Sets the calling thread's cap (``None``: none); returns the previous cap.

    Raises:
        ValueError: for ``n < 1``.
    """
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise ValueError(f"a thread cap must be a positive int or None, got {n!r}")
    prev = getattr(_local, "threads", None)
    _local.threads = n
    return prev


__all__ = ["cap", "set_cap"]
