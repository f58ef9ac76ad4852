"""A 2-rank MonitoredTrainingSession job killed by SIGKILL and resumed ends bitwise equal
to an uninterrupted one; rank 0 alone writes checkpoints/summaries; each rank keeps its own
iterator/RNG state beside them (jobs/resume_job.py)."""

from __future__ import annotations

import re

from mpi_helpers import needs_mpi, run_job


def _digests(out: str) -> dict[int, tuple[int, str]]:
    found = re.findall(r"RESULT rank (\d) start (\d+) digest (\w+)", out)
    return {int(r): (int(s), d) for r, s, d in found}


@needs_mpi
def test_killed_and_resumed_job_equals_uninterrupted_job(tmp_path):
    full, _ = run_job("resume_job.py", str(tmp_path / "full"), "full")
    assert full.returncode == 0, full.stdout[-3000:]
    crashed, _ = run_job("resume_job.py", str(tmp_path / "b"), "crash")
    assert crashed.returncode != 0  # (how fast a killed job ends: test_failures.py)
    resumed, _ = run_job("resume_job.py", str(tmp_path / "b"), "resume")
    assert resumed.returncode == 0, resumed.stdout[-3000:]
    a, b = _digests(full.stdout), _digests(resumed.stdout)
    assert a[0] == a[1] == (0, a[0][1])
    # Resumed from step 8 (the last checkpoint before the kill at step 10), with the
    # broadcast done before the first-listed hook looked; same bits as the full run.
    assert b[0] == b[1] == (8, a[0][1])

    files = sorted(p.name for p in (tmp_path / "full").iterdir())
    assert len([f for f in files if f.startswith("events.out.tfevents")]) == 1
    assert "model.ckpt-20.rank-0.state" in files and "model.ckpt-20.rank-1.state" in files
    assert "model.ckpt-0.rank-1.state" not in files  # pruned with its checkpoint
    steps = {int(m) for f in files for m in re.findall(r"model\.ckpt-(\d+)\.index", f)}
    for s in steps:  # every kept checkpoint has both ranks' state, and nothing else exists
        assert f"model.ckpt-{s}.rank-1.state" in files
    expected = {"checkpoint", "graph.pbtxt"} | {
        f"model.ckpt-{s}.{ext}" for s in steps
        for ext in ("data-00000-of-00001", "index", "meta", "rank-0.state", "rank-1.state")}
    assert {f for f in files if not f.startswith("events")} == expected


@needs_mpi
def test_a_stop_requested_on_one_rank_stops_every_rank_at_the_same_step():
    proc, _ = run_job("stop_job.py")
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "STOPPED rank 0 at step 3" in proc.stdout
    assert "STOPPED rank 1 at step 3" in proc.stdout
