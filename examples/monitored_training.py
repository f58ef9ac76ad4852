"""A ``MonitoredTrainingSession`` loop with built-in hooks, a Dataset input and TensorBoard.

Shows: a ``tf.data`` pipeline feeding the model (no feed_dict), the hooks TF1 users know
(StopAtStepHook, LoggingTensorHook, NanTensorHook, plus the SummarySaverHook and
CheckpointSaverHook that ``save_summaries_steps`` / ``checkpoint_dir`` switch on), and
resuming: run it twice and the second run starts from the first run's last checkpoint.

Run:
    python examples/monitored_training.py                 # 300 steps into runs-examples/...
    python examples/monitored_training.py --steps 20 --logdir /tmp/mts   # a quick run
"""

from __future__ import annotations

import argparse
import logging

import trainkit as tf
from trainkit.data.datasets import load_digits

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--steps", type=int, default=300, help="steps to train in this run")
parser.add_argument("--logdir", default="runs-examples/monitored_training")
args = parser.parse_args()
logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")

(x_train, y_train), (x_test, y_test) = load_digits()
tf.set_random_seed(0)

# The input pipeline lives in the graph: shuffled, repeated mini-batches.
dataset = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
           .shuffle(1000, seed=0).repeat().batch(64))
images, labels = dataset.make_one_shot_iterator().get_next()

global_step = tf.train.get_or_create_global_step()
hidden = tf.layers.dense(images, 64, activation=tf.nn.relu, name="hidden")
logits = tf.layers.dense(hidden, 10, name="logits")
loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
tf.summary.scalar("loss", loss)
tf.summary.scalar("train_accuracy", accuracy)
train_op = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=global_step)

# The test split is scored by a second head that shares the trained weights.
x_eval = tf.constant(x_test)
eval_logits = tf.layers.dense(tf.layers.dense(x_eval, 64, activation=tf.nn.relu,
                                              name="hidden", reuse=True),
                              10, name="logits", reuse=True)
test_accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(eval_logits, 1), y_test),
                                       tf.float32))

hooks = [
    tf.train.StopAtStepHook(num_steps=args.steps),   # num_steps counts from the resumed step
    tf.train.NanTensorHook(loss),
    tf.train.LoggingTensorHook({"step": global_step, "loss": loss, "acc": accuracy},
                               every_n_iter=max(1, args.steps // 3)),
]
with tf.train.MonitoredTrainingSession(checkpoint_dir=args.logdir, hooks=hooks,
                                       save_summaries_steps=10,
                                       save_checkpoint_steps=max(1, args.steps // 2),
                                       log_step_count_steps=100) as sess:
    # run_step_fn's step_context.session is the raw session: no hooks run for this call.
    start = sess.run_step_fn(lambda step_context: step_context.session.run(global_step))
    print(f"starting at global step {start}")
    while not sess.should_stop():
        _, step, loss_value = sess.run([train_op, global_step, loss])
    final_acc = sess.run_step_fn(lambda step_context: step_context.session.run(test_accuracy))

print(f"final global step {step}")
print(f"final train loss {loss_value:.4f}")
print(f"test accuracy {final_acc:.4f}")
print(f"latest checkpoint {tf.train.latest_checkpoint(args.logdir)}")
print(f"view it with: tensorboard --logdir {args.logdir}")
