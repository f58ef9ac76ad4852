"""Runs Horovod's ``tensorflow_word2vec.py`` (``horovod_tensorflow_word2vec``, a
module-level script: importing it trains) unchanged and reports per rank what the test
compares: the program's own output, each line prefixed with ``[<rank>] `` and printed by
rank 0 for all ranks after it ends (two ranks printing at once mix their lines
otherwise), then ``rank <r>: digest <hex>``, a SHA-256 of the final normalized embeddings.

    mpiexec -n 2 python -m mpi4py tests/distributed/jobs/horovod_word2vec_job.py
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import sys

import numpy as np
from mpi4py import MPI

import trainkit.distributed as hvd

with contextlib.redirect_stdout(io.StringIO()) as output:
    import horovod_tensorflow_word2vec as program

rank = hvd.rank()
digest = hashlib.sha256(np.ascontiguousarray(program.final_embeddings).tobytes())
report = ("".join(f"[{rank}] {line}\n" for line in output.getvalue().splitlines())
          + f"rank {rank}: digest {digest.hexdigest()}\n")
# One process prints every report: two ranks' writes of more than a pipe buffer reach
# mpiexec's output in pieces that can interleave mid-line (seen under load).
reports = MPI.COMM_WORLD.gather(report, root=0)
if rank == 0:
    sys.stdout.write("".join(reports))
    sys.stdout.flush()
