"""Whole programs on 2 ranks: the Horovod-style example (examples/horovod_digits.py)."""

from __future__ import annotations

import re

from mpi_helpers import REPO, needs_mpi, run_job


@needs_mpi
def test_horovod_program_runs_on_two_ranks(tmp_path):
    proc, _ = run_job(str(REPO / "examples" / "horovod_digits.py"), "--steps", "120",
                      module=False, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    acc = [float(a) for a in re.findall(r"ranks 2: test accuracy ([\d.]+)", proc.stdout)]
    assert len(acc) == 1 and acc[0] > 0.6, proc.stdout[-2000:]  # rank 0 prints; chance 0.1
    files = {p.name for p in (tmp_path / "checkpoints").iterdir()}
    # 120 steps over 2 ranks = 60 steps each; rank 0 checkpoints, both keep their state.
    assert {"model.ckpt-60.index", "model.ckpt-60.rank-0.state",
            "model.ckpt-60.rank-1.state"} <= files
    assert len([f for f in files if f.startswith("events.out")]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoints"]
