"""Launching multi-rank jobs from pytest: ``mpiexec -n 2 python -m mpi4py job.py``.

The tests that use these skip (with the reason) only when ``mpi4py`` is not installed;
``pip install -e '.[dev,mpi]'`` (the README's test command, which CI runs) brings it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

JOBS = Path(__file__).resolve().parent / "jobs"
REPO = Path(__file__).resolve().parents[2]
HAVE_MPI4PY = importlib.util.find_spec("mpi4py") is not None
needs_mpi = pytest.mark.skipif(not HAVE_MPI4PY, reason="mpi4py is not installed: "
                               "pip install -e '.[dev,mpi]' to run the multi-rank tests")


def mpiexec() -> str:
    """The ``mpiexec`` beside this Python (the mpich wheel's), else the one on PATH."""
    here = Path(sys.executable).parent / "mpiexec"
    if here.exists():
        return str(here)
    found = shutil.which("mpiexec")
    if found is None:
        pytest.fail("mpi4py is installed but no mpiexec was found beside "
                    f"{sys.executable} or on PATH")
    return found


def mpi_env(**extra: str) -> dict[str, str]:
    """The environment of a job: the repo importable, hydra launching locally by fork.
    (trainkit's waits poll with yields and sleeps themselves; MPICH's
    ``MPIR_CVAR_CH4_PROGRESS_THROTTLE`` is NOT set: it starves large blocking transfers.)"""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    env.setdefault("HYDRA_LAUNCHER", "fork")
    env.update(extra)
    return env


def run_job(script: str, *args: str, n: int = 2, timeout: float = 120,
            cwd: Path | None = None, module: bool = True,
            **env: str) -> tuple[subprocess.CompletedProcess, float]:
    """Runs ``jobs/<script>`` (or a command after ``python``) on ``n`` ranks; returns the
    finished process (stdout+stderr in ``.stdout``) and the wall time."""
    target = [str(JOBS / script)] if module else [script]
    cmd = [mpiexec(), "-n", str(n), sys.executable]
    cmd += ["-m", "mpi4py"] if module else []
    cmd += target + list(args)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=mpi_env(**env), cwd=cwd, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        pytest.fail(f"{script} did not finish within {timeout} s:\n{out[-4000:]}")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, None), \
        time.monotonic() - start


def no_process_left(marker: str) -> bool:
    """True when no process whose command line contains ``marker`` is still alive."""
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            cmdline = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline and str(os.getpid()) != p.name:
            return False
    return True
