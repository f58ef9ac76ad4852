"""Where the benchmarks run: peer interpreters, machine description, profile output."""

from __future__ import annotations

import datetime as _dt
import importlib.util
import os
import platform
import pstats
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
VENV_ROOT = Path("/work/venvs")

_VERSION_SNIPPET = (
    "import importlib.metadata as m, sys\n"
    "for d in sys.argv[1:]:\n"
    "    try:\n"
    "        print(m.version(d)); break\n"
    "    except m.PackageNotFoundError:\n"
    "        pass\n"
)


def _has_module(python: str, module: str) -> bool:
    code = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
    try:
        return subprocess.run([python, "-c", code], capture_output=True,
                              timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def find_python(module: str, venv: str) -> str | None:
    """An interpreter that can import ``module``, or None.

    Looks at ``/work/venvs/<venv>/bin/python``, then this interpreter, then the
    repository's ``.venv-bench``.
    """
    candidate = VENV_ROOT / venv / "bin" / "python"
    if candidate.exists() and _has_module(str(candidate), module):
        return str(candidate)
    if importlib.util.find_spec(module) is not None:
        return sys.executable
    candidate = REPO / ".venv-bench" / "bin" / "python"
    if candidate.exists() and _has_module(str(candidate), module):
        return str(candidate)
    return None


def _version(python: str | None, *dists: str) -> str | None:
    if python is None:
        return None
    if python == sys.executable:
        import importlib.metadata as md

        for dist in dists:
            try:
                return md.version(dist)
            except md.PackageNotFoundError:
                pass
        return None
    try:
        proc = subprocess.run([python, "-c", _VERSION_SNIPPET, *dists], capture_output=True,
                              text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() or None


def _proc_field(path: str, key: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def _git_commit() -> str | None:
    try:
        proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() or None


def loadavg() -> str | None:
    """The 1, 5 and 15 minute load averages (other work on the machine skews timings)."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return None


def _cpu_times() -> tuple[int, int]:
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields), idle


def cpu_busy(interval: float = 0.3) -> float | None:
    """Fraction of all CPUs busy over the next ``interval`` seconds (None off Linux)."""
    try:
        total0, idle0 = _cpu_times()
        time.sleep(interval)
        total1, idle1 = _cpu_times()
    except (OSError, ValueError, IndexError):
        return None
    span = total1 - total0
    return 1.0 - (idle1 - idle0) / span if span > 0 else 0.0


def wait_idle(max_wait: float, busy_below: float = 0.2) -> float | None:
    """Wait (up to ``max_wait`` s) until the machine is mostly idle; returns the last busy
    fraction measured. Other processes sharing the cores skew every timing."""
    deadline = time.monotonic() + max_wait
    busy = cpu_busy()
    while busy is not None and busy >= busy_below and time.monotonic() < deadline:
        busy = cpu_busy(1.0)
    return busy


def blas() -> str | None:
    """The BLAS NumPy uses here and its kernel type, with the OPENBLAS_CORETYPE override.

    The environment of this machine pins OpenBLAS's kernels (e.g. ``Haswell``/AVX2 on an
    AVX-512 CPU), which moves every NumPy number; the report says so.
    """
    try:
        import numpy  # noqa: F401 - loads the BLAS threadpoolctl reports
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    for lib in threadpool_info():
        if lib.get("user_api") == "blas":
            text = f"{lib.get('internal_api')} {lib.get('version')} {lib.get('architecture')}"
            pinned = os.environ.get("OPENBLAS_CORETYPE")
            return text + (f" (OPENBLAS_CORETYPE={pinned})" if pinned else "")
    return None


def gemm() -> str:
    """trainkit's matrix-product backend as asked (``TRAINKIT_GEMM``, default ``auto``) and
    the ONNX Runtime it would use (``trainkit/ops/gemm.py``)."""
    ort = _version(sys.executable, "onnxruntime")
    asked = os.environ.get("TRAINKIT_GEMM", "auto")
    return f"TRAINKIT_GEMM={asked}, onnxruntime {ort or 'not installed'}"


def jit() -> str:
    """trainkit's compiled-loop backend as asked (``TRAINKIT_JIT``, default ``auto``) and
    the numba it would use (``trainkit/ops/jit.py``)."""
    numba = _version(sys.executable, "numba")
    asked = os.environ.get("TRAINKIT_JIT", "auto")
    return f"TRAINKIT_JIT={asked}, numba {numba or 'not installed'}"


def describe(pythons: dict[str, str | None], threads: int) -> dict[str, Any]:
    """Machine, interpreters and library versions as a flat JSON-able dict."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "date": _dt.datetime.now().isoformat(timespec="seconds"),
        "nproc": usable, "cpu_count": os.cpu_count(),
        "cpu": _proc_field("/proc/cpuinfo", "model name") or platform.processor(),
        "mem_total": _proc_field("/proc/meminfo", "MemTotal"),
        "os": platform.platform(), "python": platform.python_version(),
        "numpy": _version(sys.executable, "numpy"), "blas": blas(), "gemm": gemm(),
        "jit": jit(), "tensorflow": _version(pythons.get("tf1"), "tensorflow-cpu", "tensorflow"),
        "torch": _version(pythons.get("torch"), "torch"),
        "loadavg": loadavg(), "trainkit_commit": _git_commit(), "threads": threads,
        "pythons": pythons,
    }


def markdown(desc: dict[str, Any]) -> str:
    """The machine description as a Markdown bullet list."""
    keys = ("date", "cpu", "nproc", "mem_total", "os", "python", "numpy", "blas", "gemm",
            "jit", "tensorflow", "torch", "loadavg", "trainkit_commit", "threads", "reps", "quick")
    return "\n".join(f"- {k}: {desc.get(k)}" for k in keys if k in desc)


def print_profiles(folder: Path, bench: str, top: int = 25) -> None:
    """Print the top ``top`` functions by own time across this benchmark's profiles."""
    files = sorted(str(p) for p in folder.glob(f"{bench}-*.prof"))
    if not files:
        return
    print(f"#### cProfile of trainkit, {bench} ({len(files)} runs, by own time)")
    print("```")
    stats = pstats.Stats(*files, stream=sys.stdout)
    stats.sort_stats("tottime").print_stats(top)
    print("```", flush=True)
