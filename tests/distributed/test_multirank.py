"""Two ranks under mpiexec: collectives' values and gradients, and data-parallel Adam equal
to one process with the whole batch (jobs/collectives_job.py holds the checks)."""

from __future__ import annotations

from mpi_helpers import needs_mpi, run_job


@needs_mpi
def test_collectives_and_data_parallel_adam_on_two_ranks():
    # Inside the job, per rank: every reduce op, scale factors, fp16, grouped, allgather
    # with uneven first dims, broadcast, broadcast_variables, objects, the gradients of
    # allreduce/allgather/broadcast (hand-computed), then 2 ranks x batch 4 == 1 process x
    # batch 8 after 40 Adam steps (<= 1e-6 relative), bitwise-identical weights on both
    # ranks, one fused allreduce op, the broadcast seen by a hook listed before it, and
    # the controls without allreduce / without broadcast off by > 1e-3.
    proc, _ = run_job("collectives_job.py")
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "JOB OK rank 0" in proc.stdout and "JOB OK rank 1" in proc.stdout, proc.stdout
