"""Keeps freed memory in the process between steps (glibc's ``malloc``), so a training
step does not page-fault its large temporaries in again every time.

glibc serves arrays above ``M_MMAP_THRESHOLD`` (128 KiB at start, raised dynamically up
to 32 MiB as such blocks are freed) with fresh ``mmap`` pages, and returns the free top
of the heap to the OS once it exceeds ``M_TRIM_THRESHOLD`` (twice the current mmap
threshold). A step that frees a few MiB of temporaries at its end (the stacked
operands of an LSTM's weight gradient, large products) then gets zeroed pages from the
kernel again at the next step: ~4,000 minor page faults per LSTM training step here,
which made the ``dynamic_rnn`` benchmark step 23.5 ms of CPU instead of 17.7 ms
(benchmarks/bench_lstm.py, 1 kernel thread, same process A/B). So when the first
``Session`` is created, trainkit sets (``mallopt``, process-wide):

* ``M_MMAP_THRESHOLD`` = :data:`MMAP_THRESHOLD` (32 MiB: arrays below come from the heap
  and are reused), and
* ``M_TRIM_THRESHOLD`` = :data:`TRIM_THRESHOLD` (256 MiB of free heap kept before any
  is returned).

The cost: freed memory below those sizes stays in the process (its RSS does not shrink
after a peak, up to 256 MiB of free heap top). Opt out with the environment variable
``TRAINKIT_MALLOC=default`` (read when the first session is created). Nothing is changed
when the allocator is not glibc, or when the user already tuned it (``MALLOC_MMAP_THRESHOLD_``,
``MALLOC_TRIM_THRESHOLD_``, or ``glibc.malloc`` in ``GLIBC_TUNABLES``).

Example:
    >>> configure()          # what Session() does; True if the settings were applied
    True
"""

from __future__ import annotations

import ctypes
import os
import threading

ENV = "TRAINKIT_MALLOC"
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 256 << 20
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")

_lock = threading.Lock()
_state: dict[str, bool | None] = {"applied": None}


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it
        return libc
    except (OSError, AttributeError):
        return None


def wanted() -> bool:
    """Whether trainkit should tune malloc: not opted out, not tuned by the user."""
    if os.environ.get(ENV, "").strip().lower() == "default":
        return False
    if any(v in os.environ for v in _USER_SETTINGS):
        return False
    return "glibc.malloc" not in os.environ.get("GLIBC_TUNABLES", "")


def configure() -> bool:
    """Applies the settings once per process (later calls return the first outcome).

    Returns:
        True if both ``mallopt`` calls succeeded.
    """
    with _lock:
        if _state["applied"] is None:
            libc = _glibc() if wanted() else None
            ok = bool(libc is not None
                      and libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                      and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1)
            _state["applied"] = ok
        return bool(_state["applied"])


def applied() -> bool | None:
    """The outcome of :func:`configure` (None before the first session)."""
    return _state["applied"]


__all__ = ["configure", "applied", "wanted", "ENV", "MMAP_THRESHOLD", "TRIM_THRESHOLD"]
