"""Benchmark: trainkit.distributed on 2 ranks (mpiexec) against raw mpi4py.

``trainkit``: latency of a ``hvd.allreduce`` (Sum) graph op for 1 KiB-16 MiB float32,
bandwidth at 16 MiB, and steps/s of the quickstart MLP (64-512-256-10, batch 64 per rank,
Adam, ``DistributedOptimizer``) on 1 and 2 ranks with the 2-rank step split into
compute and communication (time inside the fused gradient allreduce).
``numpy``: ``comm.Allreduce(src, dst)`` of the same buffers: the floor.
Each implementation starts its own ``mpiexec -n 2 python -m mpi4py -m
benchmarks.mpi_worker`` (see there); the harness alternates them across repetitions.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _mpiexec() -> str:
    here = Path(sys.executable).parent / "mpiexec"
    found = str(here) if here.exists() else shutil.which("mpiexec")
    if found is None:
        raise RuntimeError("no mpiexec: pip install -e '.[mpi]'")
    return found


def _job(mode: str, ranks: int, cfg: dict[str, Any]) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(REPO),
               HYDRA_LAUNCHER="fork", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    cmd = [_mpiexec(), "-n", str(ranks), sys.executable, "-m", "mpi4py", "-m",
           "benchmarks.mpi_worker", mode, json.dumps({"quick": bool(cfg.get("quick"))})]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO,
                          timeout=600)
    for line in proc.stdout.splitlines():
        if line.startswith("MPI_RESULT "):
            return json.loads(line[len("MPI_RESULT "):])
    raise RuntimeError(f"{mode} on {ranks} ranks failed: {(proc.stdout + proc.stderr)[-500:]}")


def trainkit(cfg: dict[str, Any]) -> dict[str, Any]:
    """trainkit.distributed: allreduce op latency, and the MLP on 1 and 2 ranks."""
    out = _job("trainkit", 2, cfg)
    one = _job("mlp", 1, cfg)
    out["mlp_1rank_steps_s"] = one["mlp_1rank_steps_s"]
    out.update(_job("mlp", 2, cfg))
    return out


def numpy(cfg: dict[str, Any]) -> dict[str, Any]:
    """Raw mpi4py Allreduce of the same buffers (the floor)."""
    return _job("raw", 2, cfg)
