"""How many threads the BLAS library (and any OpenMP pool) under NumPy may use.

trainkit runs one op at a time unless asked otherwise. Besides the BLAS/OpenMP pools
inside NumPy's matrix products, large kernels split their work over trainkit's own kernel threads
(``trainkit.ops.parallel``, which holds BLAS at one thread while they run). OpenBLAS
starts one busy-waiting thread per core, which on a machine whose cores are shared with
other work makes small models 7-25x slower (measured: the quickstart at 1000 steps took
83-106 s with 2 BLAS threads and 3.6-12.5 s with 1 on 2 cores shared with other jobs;
benchmarks/quickstart_threads.py). So the
default is :data:`DEFAULT_THREADS` = 1 thread, unless the user asked for a count:

1. ``ConfigProto(intra_op_parallelism_threads=N)`` given to a ``Session`` (N > 0); the
   CLI passes ``--threads`` / ``run.threads`` this way;
2. a thread-count environment variable set before Python started
   (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS``, ...): left as is;
3. otherwise :data:`DEFAULT_THREADS`.

The count is set at run time with ``threadpoolctl`` for the whole process (NumPy's BLAS is
one per process), when a session is created. ``inter_op_parallelism_threads`` is the
executor's (``client/inter_op.py``: independent heavy kernels of one step on worker
threads; 1 by default).

Example:
    >>> choice = configure(None)        # what a Session with no ConfigProto does
    >>> choice.threads, choice.source   # doctest: +SKIP
    (1, 'default')
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any

DEFAULT_THREADS = 1

# Variables that OpenBLAS, MKL, BLIS, Accelerate or OpenMP read when they are loaded.
ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
            "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")

_lock = threading.Lock()
_controller: Any = None
_applied: int | None = None
_applied_count: int | None = None  # what the libraries reported after we set _applied


def _set_count(n: int | None) -> None:
    global _applied_count
    _applied_count = n


@dataclass(frozen=True)
class ThreadChoice:
    """The thread count a session runs with and where it came from.

    Attributes:
        threads: the BLAS threads in use (None if no BLAS library was found).
        source: ``"ConfigProto"``, ``"default"`` or the environment variable's name.
    """

    threads: int | None
    source: str

    def describe(self) -> str:
        """One phrase for a log line: ``1 BLAS thread (default)``."""
        n = "an unknown number of" if self.threads is None else str(self.threads)
        s = "" if self.threads == 1 else "s"
        return f"{n} BLAS thread{s} ({self.source})"


def _get_controller() -> Any:
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller


def env_request() -> tuple[str, int] | None:
    """The first thread-count variable set in the environment, as (name, value)."""
    for name in ENV_VARS:
        raw = os.environ.get(name, "").strip()
        if raw:
            try:
                return name, max(1, int(raw.split(",")[0]))
            except ValueError:
                continue
    return None


def current_threads() -> int | None:
    """The largest thread count among the loaded BLAS/OpenMP pools (None: none found)."""
    counts = [p["num_threads"] for p in _get_controller().info()]
    return max(counts) if counts else None


def set_threads(n: int) -> int | None:
    """Limits every BLAS/OpenMP pool of the process to ``n`` threads now; returns the
    count in effect.

    Raises:
        ValueError: if ``n`` is not a positive int.
    """
    global _applied
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"thread count must be a positive int, got {n!r}.")
    with _lock:
        if _applied == n:  # set by us already: no library calls (sessions are created often)
            return _applied_count
        _get_controller().limit(limits=n)
        _applied = n
        _set_count(current_threads())
        return _applied_count


def plan(requested: int | None) -> ThreadChoice:
    """What :func:`configure` would choose for ``requested``, without changing anything."""
    if requested:
        return ThreadChoice(requested, "ConfigProto")
    env = env_request()
    if env is not None:
        return ThreadChoice(env[1], env[0])
    return ThreadChoice(DEFAULT_THREADS, "default")


def configure(requested: int | None) -> ThreadChoice:
    """Applies the thread policy for a session that asks for ``requested`` threads
    (None or 0: no request) and returns what it runs with.

    Raises:
        ValueError: if ``requested`` is negative or not an int.
    """
    if requested is not None and (isinstance(requested, bool)
                                  or not isinstance(requested, int) or requested < 0):
        raise ValueError("intra_op_parallelism_threads must be an int >= 0 (0: trainkit "
                         f"chooses), got {requested!r}.")
    if requested:
        return ThreadChoice(set_threads(requested), "ConfigProto")
    env = env_request()
    if env is not None and _applied is None:
        return ThreadChoice(current_threads(), env[0])
    return ThreadChoice(set_threads(env[1] if env is not None else DEFAULT_THREADS),
                        env[0] if env is not None else "default")


__all__ = ["DEFAULT_THREADS", "ENV_VARS", "ThreadChoice", "configure", "current_threads",
           "set_threads", "env_request", "plan"]
