"""TensorFlow's "MNIST for ML beginners" program: tensorflow/tensorflow,
``tensorflow/examples/tutorials/mnist/mnist_softmax.py`` in its late r1.x form (integer
labels, ``tf.losses.sparse_softmax_cross_entropy`` on the logits; read in the 2018 copy
miglopst/cs263_spring2018@51d0e2c): softmax regression from zero weights, SGD at 0.5,
an ``InteractiveSession`` with ``tf.global_variables_initializer().run()``, then the
test accuracy from ``tf.equal(tf.argmax(y, 1), y_)``.

Adapted: ``input_data`` is the bundled digits (``common.read_data_sets``); 300 batches of
100 instead of 1000 (that copy runs 10 of 1000; upstream's earlier revisions, e.g.
tensorflow/tensorflow@1d109e2, have 1000 of 100); ``main(_)`` is called directly instead of
through ``tf.app.run``; the printed accuracy is captured and returned with the final
loss and weights (zero start: no same_start needed)."""

# Copyright 2015 The TensorFlow Authors. Licensed under the Apache License, Version
# 2.0 (http://www.apache.org/licenses/LICENSE-2.0); modified as described above.

from __future__ import annotations

import argparse
import contextlib
import io
import sys

import numpy as np

from tests.compat.programs.common import read_data_sets as _read_data_sets

# Deterministic float32 SGD from zeros on the same batches: round-off only.
COMPARE = {"printed_accuracy": 0.0, "loss": 1e-5, "weight_norm": 1e-5, "bias": 1e-5,
           "session_type": 0.0}


class _InputData:
    read_data_sets = staticmethod(_read_data_sets)


input_data = _InputData()


def _program(tf, FLAGS, out):
    """mnist_softmax.py's ``main``, as published."""

    def main(_):
        mnist = input_data.read_data_sets(FLAGS.data_dir)

        x = tf.placeholder(tf.float32, [None, 784])
        W = tf.Variable(tf.zeros([784, 10]))
        b = tf.Variable(tf.zeros([10]))
        y = tf.matmul(x, W) + b

        y_ = tf.placeholder(tf.int64, [None])

        cross_entropy = tf.losses.sparse_softmax_cross_entropy(labels=y_, logits=y)
        train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)

        sess = tf.InteractiveSession()
        tf.global_variables_initializer().run()
        for _ in range(300):  # adapted: 300 steps
            batch_xs, batch_ys = mnist.train.next_batch(100)
            sess.run(train_step, feed_dict={x: batch_xs, y_: batch_ys})

        correct_prediction = tf.equal(tf.argmax(y, 1), y_)
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        print(sess.run(
            accuracy, feed_dict={
                x: mnist.test.images,
                y_: mnist.test.labels
            }))
        # adapted: what the comparison reads, then the session closed
        out["loss"] = float(cross_entropy.eval({x: batch_xs, y_: batch_ys}))
        out["weight_norm"] = float(np.linalg.norm(W.eval()))
        out["bias"] = [float(v) for v in b.eval()][:1][0]
        out["session_type"] = [type(tf.get_default_session()).__name__]
        sess.close()

    return main


def main(tf):
    parser = argparse.ArgumentParser()
    parser.add_argument('--data_dir', type=str,
                        default='/tmp/tensorflow/mnist/input_data',
                        help='Directory for storing input data')
    FLAGS, _unparsed = parser.parse_known_args([])
    out = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        _program(tf, FLAGS, out)(sys.argv[:1])
    out["printed_accuracy"] = [round(float(printed.getvalue().split()[0]) * 397)]
    return out
