"""Timing, memory and thread helpers shared by every benchmark implementation.

Kept free of NumPy (and any other third-party import) so that the import benchmark
can time ``import numpy`` in a process that has not loaded it yet.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

THREAD_ENV_VARS = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)


def thread_env(threads: int) -> dict[str, str]:
    """Environment variables that pin every BLAS / OpenMP / TF pool to ``threads``.

    Args:
        threads: Number of threads every implementation may use.

    Returns:
        A mapping to merge into a child process's environment.
    """
    env = {name: str(threads) for name in THREAD_ENV_VARS}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    return env


def rss_mb() -> dict[str, float]:
    """Current and peak resident set size of this process, in MiB.

    Returns:
        ``{"rss_mb": VmRSS, "hwm_mb": VmHWM}`` read from ``/proc/self/status``;
        empty when that file does not exist (non-Linux).
    """
    out: dict[str, float] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    out["rss_mb"] = int(line.split()[1]) / 1024.0
                elif line.startswith("VmHWM:"):
                    out["hwm_mb"] = int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return out


def per_call(fn: Callable[[], Any], budget: float, warmup: int = 3,
             min_calls: int = 3, chunks: int = 5) -> float:
    """Wall time of one ``fn()`` call, in seconds: the best of ``chunks`` timed batches.

    Runs ``warmup`` untimed calls, then grows a batch size until one batch takes at
    least ``budget / chunks`` seconds (and holds at least ``min_calls`` calls), then
    times ``chunks`` batches of that size and keeps the fastest. The minimum over
    batches filters out bursts of other processes' work on a shared machine; the
    runner's median over fresh processes then covers the rest of the variation.

    Args:
        fn: The zero-argument callable to time.
        budget: Rough total seconds for the timed batches.
        warmup: Untimed calls first (plan compilation, caches, allocator).
        min_calls: Smallest number of calls in a batch.
        chunks: Number of timed batches.

    Returns:
        Seconds per call of the fastest batch.
    """
    for _ in range(warmup):
        fn()
    target = budget / max(1, chunks)
    n = max(1, min_calls)
    best = float("inf")
    done = 0
    while done < chunks:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - t0
        if elapsed < target and done == 0:
            # Still calibrating: aim straight for the chunk length.
            n = max(2 * n if elapsed < target / 20 else n + 1,
                    int(n * target / max(elapsed, 1e-9) * 1.1) + 1)
            continue
        best = min(best, elapsed / n)
        done += 1
    return best


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``fn`` once and return ``(seconds, result)``."""
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def threads_from_env(default: int = 2) -> int:
    """The thread count the runner chose (``OMP_NUM_THREADS``), or ``default``."""
    try:
        return int(os.environ.get("OMP_NUM_THREADS", default))
    except ValueError:
        return default
