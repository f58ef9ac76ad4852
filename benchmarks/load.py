"""A load generator: keep N CPU cores busy, to measure how a job behaves on a shared machine.

Each busy core is a separate process spinning in a pure-Python loop (no BLAS, no memory
traffic to speak of, no threads of its own), so it takes exactly one core's worth of
time slices away from whatever else runs, the way another user's job would.

Command line (stops after ``--seconds``, or on Ctrl-C / SIGTERM)::

    python -m benchmarks.load --cores 2 --seconds 120 &
    trainkit train configs/quickstart.toml --set run.logdir=/tmp/runs

From Python (the processes stop when the block ends, even on an exception)::

    from benchmarks.load import busy_cores
    with busy_cores(2):
        ...  # time something here

The processes are started with the ``spawn`` method, so the caller's threads, BLAS pools
and open files are not inherited.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import signal
import sys
import time
from collections.abc import Iterator


def _spin(stop_at: float) -> None:
    """Burns one core until ``stop_at`` (``time.monotonic()``), or forever if it is 0."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    x = 0
    while stop_at == 0.0 or time.monotonic() < stop_at:
        for _ in range(100_000):  # check the clock rarely: the loop is the load
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF


def start(cores: int, seconds: float = 0.0) -> list[mp.process.BaseProcess]:
    """Starts ``cores`` spinning processes (for ``seconds``; 0 = until stopped).

    Raises:
        ValueError: if ``cores`` < 1 or ``seconds`` < 0.
    """
    if cores < 1:
        raise ValueError(f"cores must be >= 1, got {cores}.")
    if seconds < 0:
        raise ValueError(f"seconds must be >= 0, got {seconds}.")
    ctx = mp.get_context("spawn")
    stop_at = time.monotonic() + seconds if seconds else 0.0
    procs = [ctx.Process(target=_spin, args=(stop_at,), daemon=True,
                         name=f"benchmarks.load-{i}") for i in range(cores)]
    for p in procs:
        p.start()
    return procs


def stop(procs: list[mp.process.BaseProcess]) -> None:
    """Terminates and reaps processes from :func:`start`."""
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(timeout=5)


@contextlib.contextmanager
def busy_cores(cores: int) -> Iterator[list[mp.process.BaseProcess]]:
    """Keeps ``cores`` cores busy for the duration of the ``with`` block."""
    procs = start(cores)
    try:
        time.sleep(0.2)  # let the spinners reach their loops before timing starts
        yield procs
    finally:
        stop(procs)


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.load``: keeps cores busy until the time is up or a signal."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.load",
                                description="Keep N CPU cores busy (pure-Python spinners).")
    p.add_argument("--cores", type=int, default=os.cpu_count() or 1,
                   help="number of busy processes (default: every core)")
    p.add_argument("--seconds", type=float, default=0.0,
                   help="stop after this many seconds (default 0: until Ctrl-C/SIGTERM)")
    a = p.parse_args(argv)
    if a.cores < 1 or a.seconds < 0:
        p.error("--cores must be >= 1 and --seconds >= 0")
    procs = start(a.cores, a.seconds)

    def _term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _term)
    how_long = f"for {a.seconds:.0f} s" if a.seconds else "until stopped"
    print(f"benchmarks.load: {a.cores} busy process(es) {how_long} "
          f"(pids {', '.join(str(x.pid) for x in procs)})", file=sys.stderr, flush=True)
    try:
        for x in procs:
            x.join()
    except KeyboardInterrupt:
        pass
    finally:
        stop(procs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
