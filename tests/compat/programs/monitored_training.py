"""The TF1 "production" loop: a global step, ``exponential_decay`` learning rate,
``MomentumOptimizer.minimize(global_step=...)``, ``MonitoredTrainingSession`` with a
checkpoint dir, ``StopAtStepHook`` and a ``LoggingTensorHook``, ``while not
mon_sess.should_stop()``; then a second session resumes from the checkpoint and runs to
a later last step."""

from __future__ import annotations

import tempfile

from tests.compat.programs.common import read_data_sets, same_start

# "logged" is the global step a hook fetched beside the train op: with TF1's reference
# variables it is the post-increment step, as trainkit defines it (docs/internals.md).
COMPARE = {"loss": 1e-5, "learning_rate": 1e-6, "steps": 0.0, "resumed_loss": 1e-5,
           "logged": 0.0}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    ckpt_dir = tempfile.mkdtemp()
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.float32, [None, 10])
    hidden = tf.layers.dense(x, 64, activation=tf.nn.relu)
    logits = tf.layers.dense(hidden, 10)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    global_step = tf.train.get_or_create_global_step()
    learning_rate = tf.train.exponential_decay(0.1, global_step, 20, 0.9, staircase=True)
    train_op = tf.train.MomentumOptimizer(learning_rate, 0.9).minimize(
        loss, global_step=global_step)

    logged = []

    class Remember(tf.train.SessionRunHook):
        def before_run(self, run_context):
            return tf.train.SessionRunArgs(global_step)

        def after_run(self, run_context, run_values):
            logged.append(int(run_values.results))

    class SameStart(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            if session.run(global_step) == 0:
                same_start(session, tf)

    steps = 0
    lv = None
    hooks = [tf.train.StopAtStepHook(last_step=50),
             tf.train.LoggingTensorHook({"loss": loss, "step": global_step}, every_n_iter=25),
             SameStart(), Remember()]
    with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt_dir, hooks=hooks,
                                           save_summaries_steps=None,
                                           save_checkpoint_secs=None,
                                           save_checkpoint_steps=50) as mon_sess:
        while not mon_sess.should_stop():
            bx, by = mnist.train.next_batch(32)
            _, lv = mon_sess.run([train_op, loss], {x: bx, y: by})
            steps += 1
    with tf.train.MonitoredTrainingSession(
            checkpoint_dir=ckpt_dir, hooks=[tf.train.StopAtStepHook(last_step=60)],
            save_summaries_steps=None, save_checkpoint_secs=None) as mon_sess:
        resumed = lr = None
        while not mon_sess.should_stop():
            bx, by = mnist.train.next_batch(32)
            _, resumed, lr = mon_sess.run([train_op, loss, learning_rate], {x: bx, y: by})
    return {"loss": float(lv), "learning_rate": float(lr), "steps": [steps],
            "resumed_loss": float(resumed), "logged": logged[:3] + logged[-2:]}
