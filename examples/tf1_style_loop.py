"""A TF1-style training loop: ``import trainkit as tf`` and a plain ``tf.Session``.

The code below is what a TensorFlow 1 tutorial looks like (placeholders, ``feed_dict``,
``tf.layers.dense``, ``tf.train.AdamOptimizer().minimize``,
``tf.global_variables_initializer``, ``tf.train.Saver``); only the import line differs.
It trains a small MLP on the bundled 8x8 digits, prints the test accuracy, saves a
checkpoint and restores it into a new session.

Run:
    python examples/tf1_style_loop.py                # 3 epochs, about a second
    python examples/tf1_style_loop.py --epochs 1 --logdir /tmp/tf1_loop
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import trainkit as tf
from trainkit.data.datasets import load_digits

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--batch-size", type=int, default=32)
parser.add_argument("--logdir", default="runs-examples/tf1_style_loop")
args = parser.parse_args()
os.makedirs(args.logdir, exist_ok=True)                  # Saver.save wants the directory

(x_train, y_train), (x_test, y_test) = load_digits()
tf.set_random_seed(0)

# Build the graph: nothing is computed yet.
x = tf.placeholder(tf.float32, shape=[None, 64], name="x")
y = tf.placeholder(tf.int64, shape=[None], name="y")
hidden = tf.layers.dense(x, 64, activation=tf.nn.relu, name="hidden")
logits = tf.layers.dense(hidden, 10, name="logits")
loss = tf.reduce_mean(
    tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.train.AdamOptimizer(learning_rate=0.01).minimize(loss)
correct = tf.equal(tf.argmax(logits, axis=1), y)
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
saver = tf.train.Saver()

print("trainable variables:", [v.name for v in tf.trainable_variables()])

# Run it: one session, variables initialized once, mini-batches fed through feed_dict.
rng = np.random.default_rng(0)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for epoch in range(args.epochs):
        order = rng.permutation(len(x_train))
        losses = []
        for start in range(0, len(order), args.batch_size):
            idx = order[start:start + args.batch_size]
            _, loss_value = sess.run([train_op, loss], feed_dict={x: x_train[idx],
                                                                  y: y_train[idx]})
            losses.append(loss_value)
        print(f"epoch {epoch + 1}: mean train loss {np.mean(losses):.4f}")
    test_acc = sess.run(accuracy, feed_dict={x: x_test, y: y_test})
    path = saver.save(sess, os.path.join(args.logdir, "model.ckpt"))
print(f"test accuracy {test_acc:.4f}")
print(f"saved {path}")

with tf.Session() as sess:                   # a new session: no initializer, a restore
    saver.restore(sess, tf.train.latest_checkpoint(args.logdir))
    print(f"restored test accuracy {sess.run(accuracy, {x: x_test, y: y_test}):.4f}")
