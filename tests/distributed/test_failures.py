"""A misbehaving rank ends the whole 2-rank job quickly, with a clear error, leaving no
process behind (jobs/failure_job.py)."""

from __future__ import annotations

import re
import time

import pytest
from mpi_helpers import needs_mpi, no_process_left, run_job

_GRADIENTS = ("allreduce[Average] 'DistributedGradientDescentOptimizer_Allreduce' (prescale 1.0, "
              "postscale 1.0) of float32")
CASES = {
    # mode: (text every run must print, seconds the job may take)
    "raise": ("RuntimeError: rank 1 failed on purpose", 10),
    "sigkill": ("signal 9", 10),
    "mismatch": ("rank 1: allreduce[Average] 'gradients/extra_on_rank_1_grad", 10),
    # The data of an allreduce go out while its call check is under way: mismatched
    # calls whose data differ in size must still end in the named error.
    "mismatch_small": ((f"rank 0: {_GRADIENTS}[50000]", "float32[7]"), 10),
    "mismatch_large": ((f"rank 0: {_GRADIENTS}[50000]", "float32[250000]"), 10),
    "uneven": ("rank 1: shutdown (the rank's program ended)", 10),
    "absent": ("DeadlineExceededError: allreduce "
               "'DistributedGradientDescentOptimizer_Allreduce' did not complete within 2 s",
               12),
}


@needs_mpi
@pytest.mark.parametrize("mode", sorted(CASES))
def test_a_failing_rank_ends_the_job(mode):
    text, limit = CASES[mode]
    proc, _ = run_job("failure_job.py", mode, TRAINKIT_COLLECTIVE_TIMEOUT="2")
    ended = time.time()
    assert proc.returncode != 0, proc.stdout[-3000:]
    faults = [float(t) for t in re.findall(r"FAULT_AT (\d+\.\d{3})", proc.stdout)]
    assert faults, proc.stdout[-3000:]
    seconds = ended - faults[0]  # from the fault, not from the processes' start
    for t in (text,) if isinstance(text, str) else text:
        assert t in proc.stdout, proc.stdout[-3000:]
    assert "left the loop" not in proc.stdout.replace("rank 1 left the loop", "")
    assert seconds < limit, seconds
    assert no_process_left("failure_job.py")
