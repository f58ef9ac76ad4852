"""Horovod 0.28's further collectives on real ranks under mpiexec: alltoall,
reducescatter, grouped allgather/reducescatter, process sets, SyncBatchNormalization and
the timeline (jobs/more_collectives_job.py holds the checks, NumPy references built from
every rank's known input)."""

from __future__ import annotations

import pytest
from mpi_helpers import needs_mpi, run_job


@needs_mpi
@pytest.mark.parametrize("ranks", [2, 3])
def test_more_collectives(tmp_path, ranks):
    # 3 ranks: a process set of two ranks ([0, 2]) runs on its own sub-communicator, and
    # reducescatter's uneven split gives blocks of 3, 2, 2 rows.
    proc, _ = run_job("more_collectives_job.py", str(tmp_path / "timeline.json"), n=ranks)
    assert proc.returncode == 0, proc.stdout[-6000:]
    for r in range(ranks):
        assert f"JOB OK rank {r} of {ranks}" in proc.stdout, proc.stdout[-6000:]
