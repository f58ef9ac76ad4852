"""Helpers for the CLI tests (and the hooks-folder tests): tiny configs, subprocess runs,
and snapshots of run directories (to prove a failing invocation overwrote nothing)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

TINY = """\
name = "{name}"

[model]
type = "logreg"

[data]
dataset = "digits"
batch_size = 32

[optimizer]
type = "sgd"
learning_rate = 0.1

[run]
steps = {steps}
checkpoint_every_steps = 10
summary_every_steps = 5
log_every_steps = 0
progress_bar = "false"
"""


def env() -> dict[str, str]:
    """A subprocess environment: single-threaded BLAS, this checkout importable."""
    e = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    e["PYTHONPATH"] = os.pathsep.join([str(REPO), e.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return e


def run_subprocess(args: list[str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """``python -m trainkit ARGS`` in ``cwd``."""
    return subprocess.run([sys.executable, "-m", "trainkit", *args], cwd=cwd, env=env(),
                          capture_output=True, text=True, timeout=timeout)


def write_config(path: Path, name: str = "tiny", steps: int = 20, extra: str = "") -> Path:
    """A small logistic-regression config (plus ``extra`` TOML) at ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TINY.format(name=name, steps=steps) + extra, encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> bytes)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}
