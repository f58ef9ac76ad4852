"""A load generator: keep N CPU cores busy while benchmarks run.

Real training machines are rarely idle (data loading, a second job, the desktop). To see
how each implementation copes, ``python -m benchmarks --busy-cores 1`` runs every row
while this module keeps one core spinning. Each busy core is one child process running
a single-threaded spin loop until it is stopped:

- ``numpy`` (default): elementwise NumPy passes over a 256 KiB array (an L2-sized
  working set, one BLAS/OpenMP thread): memory traffic like a data pipeline's;
- ``python``: a pure-Python integer loop (no memory traffic, holds its own GIL only).

Use it alone as well::

    python -m benchmarks.load --cores 1 --seconds 60          # spin for a minute
    python -m benchmarks.load --cores 2 --kind python          # until Ctrl-C

In code::

    with busy(1):
        ...  # timed work here competes with one spinning process

The children are started with ``subprocess`` and stopped by their process ids (never by
name); a child also exits by itself when its parent dies (it polls its parent id).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

KINDS = ("numpy", "python")
REPO = Path(__file__).resolve().parent.parent


def spin(kind: str, parent: int | None = None) -> None:
    """Spin forever (or until ``parent`` is gone) doing ``kind`` work on one core."""
    check_every = 0.5
    last = time.monotonic()
    if kind == "numpy":
        import numpy as np

        a = np.random.default_rng(0).standard_normal(32768)  # 256 KiB of float64
        b = np.empty_like(a)
        while True:
            for _ in range(200):
                np.multiply(a, 1.0000001, out=b)
                np.add(b, 1e-9, out=a)
            if parent is not None and time.monotonic() - last > check_every:
                last = time.monotonic()
                if os.getppid() != parent:
                    return
    elif kind == "python":
        x = 0
        while True:
            for _ in range(200000):
                x = (x + 1) & 0xFFFF
            if parent is not None and time.monotonic() - last > check_every:
                last = time.monotonic()
                if os.getppid() != parent:
                    return
    else:
        raise ValueError(f"unknown load kind {kind!r}; expected one of {KINDS}")


def start(cores: int, kind: str = "numpy") -> list[subprocess.Popen]:
    """Start ``cores`` spinning child processes; stop them with :func:`stop`.

    Raises:
        ValueError: for a negative ``cores`` or an unknown ``kind``.
    """
    if cores < 0:
        raise ValueError(f"cores must be >= 0, got {cores}")
    if kind not in KINDS:
        raise ValueError(f"unknown load kind {kind!r}; expected one of {KINDS}")
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    cmd = [sys.executable, "-m", "benchmarks.load", "--child", kind, str(os.getpid())]
    return [subprocess.Popen(cmd, env=env, cwd=REPO, stdin=subprocess.DEVNULL)
            for _ in range(cores)]


def stop(procs: list[subprocess.Popen]) -> None:
    """Terminate the children started by :func:`start` (by pid) and reap them."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


@contextlib.contextmanager
def busy(cores: int, kind: str = "numpy") -> Iterator[list[subprocess.Popen]]:
    """Keep ``cores`` cores busy for the duration of the ``with`` block."""
    procs = start(cores, kind)
    try:
        time.sleep(0.2 if cores else 0.0)  # let them reach the loop
        yield procs
    finally:
        stop(procs)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--cores N [--kind numpy|python] [--seconds S]``."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.load",
                                description="Keep N cores busy (see the module docstring).")
    p.add_argument("--cores", type=int, default=1)
    p.add_argument("--kind", choices=KINDS, default="numpy")
    p.add_argument("--seconds", type=float, default=None,
                   help="stop after this long (default: until interrupted)")
    p.add_argument("--child", nargs=2, metavar=("KIND", "PARENT_PID"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        spin(args.child[0], int(args.child[1]))
        return 0
    if args.cores < 0:
        p.error(f"--cores must be >= 0, got {args.cores}")
    with busy(args.cores, args.kind):
        try:
            if args.seconds is None:
                while True:
                    time.sleep(3600)
            time.sleep(args.seconds)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
