"""Run on 2 ranks by tests/distributed/test_resume.py: a hook on rank 0 alone requests a
stop after step 3 (like early stopping); both ranks must stop after step 3, cleanly."""

from __future__ import annotations

import trainkit as tf
import trainkit.distributed as hvd

hvd.init()
w = tf.Variable([1.0, 2.0])
step = tf.train.get_or_create_global_step()
train_op = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1)).minimize(
    tf.reduce_sum(w * w), global_step=step)


class StopOnRank0(tf.train.SessionRunHook):
    def after_run(self, run_context, run_values):
        if hvd.rank() == 0 and run_context.session.run(step) >= 3:
            run_context.request_stop()


hooks = [StopOnRank0(), hvd.BroadcastGlobalVariablesHook(0),
         tf.train.StopAtStepHook(last_step=1000)]
with tf.train.MonitoredTrainingSession(hooks=hooks) as sess:
    while not sess.should_stop():
        sess.run(train_op)
    last = sess.run(step, hooks=False)
lines = hvd.allgather_object(f"STOPPED rank {hvd.rank()} at step {last}")
if hvd.rank() == 0:  # one writer: lines of two ranks may interleave in mpiexec's output
    print("\n".join(lines), flush=True)
