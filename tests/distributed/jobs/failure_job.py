"""Run on 2 ranks by tests/distributed/test_failures.py: a job in which rank 1 misbehaves.

Usage: failure_job.py MODE, MODE one of
  raise     rank 1 raises in the middle of training;
  sigkill   rank 1 is killed with SIGKILL in the middle of training;
  mismatch  rank 1 builds an extra allreduce (rank-dependent code);
  mismatch_small, mismatch_large  the same with an extra allreduce of fewer (more)
            elements than the gradient's, so the two ranks' data collectives, sent
            while the call check is under way, do not even agree in size;
  uneven    rank 1 runs fewer steps, then its program ends;
  absent    rank 1 sleeps instead of taking part (TRAINKIT_COLLECTIVE_TIMEOUT is small).
Rank 0 trains until the job ends; it must never get past its long loop. Rank 1 prints
``FAULT_AT <unix time>`` as it misbehaves, so the test times the end of the job from the
fault, not from the (load-dependent) start of the processes.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import numpy as np

import trainkit as tf
import trainkit.distributed as hvd

MODE = sys.argv[1]
hvd.init()
R = hvd.rank()
w = tf.Variable(np.zeros(50000 if MODE.startswith("mismatch_") else 3, np.float32), name="w")
loss = tf.reduce_sum(tf.square(w - 1.0))
if MODE.startswith("mismatch") and R == 1:
    extra = {"mismatch": w, "mismatch_small": w[:7], "mismatch_large": tf.tile(w, [5])}[MODE]
    loss = loss + tf.reduce_sum(hvd.allreduce(extra, name="extra_on_rank_1"))
train_op = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1)).minimize(loss)
steps = 3 if (MODE == "uneven" and R == 1) else 100000


def fault_now() -> None:
    # One write, newline included: mpiexec merges both ranks' output into one stream.
    os.write(1, f"\nFAULT_AT {time.time():.3f}\n".encode())


with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    if MODE.startswith("mismatch") and R == 1:
        fault_now()
    for step in range(steps):
        if R == 1 and step == 2:
            fault_now()
            if MODE == "raise":
                raise RuntimeError("rank 1 failed on purpose")
            if MODE == "sigkill":
                os.kill(os.getpid(), signal.SIGKILL)
            if MODE == "absent":
                time.sleep(60)
        sess.run(train_op)
if MODE == "uneven" and R == 1:
    fault_now()
print(f"rank {R} left the loop after {steps} steps", flush=True)
