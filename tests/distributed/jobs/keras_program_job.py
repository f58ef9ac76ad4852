"""Runs a Horovod Keras program (a module-level script, e.g. ``horovod_keras_mnist.py``)
unchanged and reports, per rank, what the tests compare: the program's own output, then
``rank <r>: digest <hex> of <n> variables`` -- a SHA-256 over the name and bytes of
every global variable in Keras's session (the model's weights and the optimizer's
state) when the program has ended.

Each rank seeds its graph and NumPy differently (``2000 + rank``), so the ranks start
from different random weights and shuffle differently: only the broadcast and the
averaged gradients can make them end equal.

    mpiexec -n 2 python -m mpi4py tests/distributed/jobs/keras_program_job.py PROGRAM
"""

from __future__ import annotations

import hashlib
import os
import runpy
import sys

import numpy as np

import trainkit as tf
import trainkit.distributed as hvd

if __name__ == "__main__":
    # Whole lines per write: mpiexec forwards both ranks' pipes into one stream, and a
    # block-buffered print split mid-line interleaved ("Test loss:rank 1: digest ...").
    sys.stdout.reconfigure(line_buffering=True)
    hvd.init()
    np.random.seed(2000 + hvd.rank())
    tf.set_random_seed(2000 + hvd.rank())
    program = sys.argv[1]
    sys.argv = [program]
    runpy.run_path(os.path.join(os.path.dirname(__file__), program), run_name="__main__")
    variables = sorted(tf.global_variables(), key=lambda v: v.name)
    digest = hashlib.sha256()
    for v, value in zip(variables, tf.keras.backend.get_session().run(variables)):
        digest.update(v.name.encode() + np.ascontiguousarray(value).tobytes())
    print(f"rank {hvd.rank()}: digest {digest.hexdigest()} of {len(variables)} variables",
          flush=True)
