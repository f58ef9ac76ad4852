"""Periodic evaluation on a validation split with ``EvaluationHook``, and stopping when
the validation loss stops improving with ``EarlyStoppingHook``.

The evaluation input is an initializable ``Dataset`` iterator that the hook re-runs to
exhaustion every N steps; metrics are a plain tensor (averaged over batches) and a
streaming ``tf.metrics.accuracy`` (value, update_op) pair. Both hooks are trainkit
additions (not in TF1); they are built only from the public hook API.

Run:
    python examples/early_stopping_eval.py                 # stops early, at most 5000 steps
    python examples/early_stopping_eval.py --steps 100 --logdir /tmp/es
"""

from __future__ import annotations

import argparse
import logging

import trainkit as tf
from trainkit.data.datasets import load_digits

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--steps", type=int, default=5000, help="the most steps to train")
parser.add_argument("--logdir", default="runs-examples/early_stopping")
args = parser.parse_args()
logging.basicConfig(level=logging.WARNING)

(x_all, y_all), _ = load_digits()
x_train, y_train, x_val, y_val = x_all[:-300], y_all[:-300], x_all[-300:], y_all[-300:]
tf.set_random_seed(0)


def model(images):
    """The same weights for the training and the validation input."""
    with tf.variable_scope("mlp", reuse=tf.AUTO_REUSE):
        hidden = tf.layers.dense(images, 128, activation=tf.nn.relu, name="hidden")
        return tf.layers.dense(hidden, 10, name="logits")


train_images, train_labels = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
                              .shuffle(2000, seed=0).repeat().batch(32)
                              .make_one_shot_iterator().get_next())
val_iterator = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(100) \
    .make_initializable_iterator()
val_images, val_labels = val_iterator.get_next()

global_step = tf.train.get_or_create_global_step()
loss = tf.losses.sparse_softmax_cross_entropy(labels=train_labels,
                                              logits=model(train_images))
train_op = tf.train.AdamOptimizer(0.01).minimize(loss, global_step=global_step)

val_logits = model(val_images)
val_loss = tf.losses.sparse_softmax_cross_entropy(labels=val_labels, logits=val_logits,
                                                  loss_collection=None)
val_acc = tf.metrics.accuracy(labels=val_labels, predictions=tf.argmax(val_logits, 1))

evaluation = tf.train.EvaluationHook(
    {"loss": val_loss, "accuracy": val_acc},
    init_op=[val_iterator.initializer, tf.local_variables_initializer()],
    every_n_steps=50, output_dir=args.logdir, at_end=True, name="validation")
early_stop = tf.train.EarlyStoppingHook("loss", mode="min", patience=3, min_delta=1e-3,
                                        evaluation_hook=evaluation)
hooks = [evaluation, early_stop, tf.train.StopAtStepHook(last_step=args.steps)]
with tf.train.MonitoredTrainingSession(hooks=hooks) as sess:    # no checkpoints here
    while not sess.should_stop():
        _, step = sess.run([train_op, global_step])

for at, metrics in evaluation.history:
    print(f"step {at:5d}  validation loss {metrics['loss']:.4f}  "
          f"accuracy {metrics['accuracy']:.4f}")
stopped = "early stopping" if early_stop.stopped_at is not None else "the step limit"
print(f"stopped by {stopped} at step {step}; best validation loss {early_stop.best:.4f}")
print(f"final validation accuracy {evaluation.last_metrics['accuracy']:.4f}")
print(f"view the curves: tensorboard --logdir {args.logdir}")
