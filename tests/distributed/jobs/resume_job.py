"""Run on 2 ranks by tests/distributed/test_resume.py: MonitoredTrainingSession training
with sharded shuffled data and dropout, checkpointing every 4 steps to 20 steps.

Usage: resume_job.py CHECKPOINT_DIR MODE, MODE one of
  full    train to step 20, print the final weights' hex digest;
  crash   rank 1 SIGKILLs itself after step 10 (the job dies; last checkpoint: step 8);
  resume  like full (it resumes from the checkpoint of the crashed run).
A hook listed BEFORE the broadcast hook records what it sees in after_create_session.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys

import numpy as np

import trainkit as tf
import trainkit.distributed as hvd
from trainkit.data import Dataset

CKPT, MODE = sys.argv[1], sys.argv[2]
hvd.init()
R = hvd.rank()
rng = np.random.RandomState(7)
xs, ys = rng.randn(64, 4).astype(np.float32), rng.randn(64, 1).astype(np.float32)
ds = Dataset.from_tensor_slices((xs, ys)).shard(hvd.size(), R).shuffle(32, seed=3)
x, y = ds.repeat().batch(4).make_one_shot_iterator().get_next()
w = tf.Variable(tf.random_normal([4, 8], seed=R + 1), name="w")  # ranks start apart
v = tf.Variable(tf.zeros([8, 1]), name="v")
h = tf.nn.dropout(tf.tanh(tf.matmul(x, w)), keep_prob=0.8, seed=5)
loss = tf.reduce_mean(tf.square(tf.matmul(h, v) - y))
step = tf.train.get_or_create_global_step()
train_op = hvd.DistributedOptimizer(tf.train.AdamOptimizer(0.01)).minimize(
    loss, global_step=step)
seen = {}


class ReadFirst(tf.train.SessionRunHook):
    def after_create_session(self, session, coord):
        seen["step"] = int(session.run(step))
        seen["w"] = hashlib.sha256(session.run(w).tobytes()).hexdigest()[:12]


hooks = [ReadFirst(), tf.train.StopAtStepHook(last_step=20),
         hvd.BroadcastGlobalVariablesHook(0)]
with tf.train.MonitoredTrainingSession(checkpoint_dir=CKPT, hooks=hooks,
                                       save_checkpoint_steps=4,
                                       save_summaries_steps=5) as sess:
    while not sess.should_stop():
        _, s = sess.run([train_op, step])
        if MODE == "crash" and R == 1 and s == 10:
            os.kill(os.getpid(), signal.SIGKILL)
    final = sess.run([w, v], hooks=False)
starts = hvd.allgather_object([seen["step"], seen["w"]])
assert starts[0] == starts[1], starts  # the broadcast ran before ReadFirst
digest = hashlib.sha256(b"".join(a.tobytes() for a in final)).hexdigest()
everyone = hvd.allgather_object(digest)
assert everyone[0] == everyone[1], everyone
lines = hvd.allgather_object(f"RESULT rank {R} start {seen['step']} digest {digest}")
if R == 0:  # one writer: lines of two ranks may interleave in mpiexec's output
    print("\n".join(lines), flush=True)
