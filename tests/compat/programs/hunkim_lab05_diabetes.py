"""Logistic regression on the diabetes table, from Sung Kim's "DeepLearningZeroToAll"
(github.com/hunkim/DeepLearningZeroToAll at commit
60c707e02af7bd950401faeadcc6c0e1b39b2978, ``lab-05-2-logistic_regression_diabetes.py``):
``np.loadtxt`` of a CSV split by slicing into ``x_data`` and ``y_data = xy[:, [-1]]``,
``tf.sigmoid(tf.matmul(X, W) + b)``, the cross entropy written out with ``tf.log``,
``GradientDescentOptimizer(0.01)`` and the accuracy of ``tf.cast(hypothesis > 0.5,
dtype=tf.float32)`` compared with ``tf.equal``.

Adapted: ``data-03-diabetes.csv`` (759 rows of eight features scaled to [-1, 1] and a 0/1
label) is written to a temporary file from a seeded NumPy draw of the same shape and
range (labels from a noisy logistic rule) and read back with the program's
``np.loadtxt``; 501 steps instead of 10001; ``W`` and ``b`` start from ``same_start``'s
draw (``b`` zero) instead of ``tf.random_normal``; the prints are left out.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_cost": 1e-6, "cost": 1e-5, "accuracy": 1e-6, "hypothesis_sum": 1e-5,
           "W_sum": 1e-5, "shapes": 0.0}


def write_diabetes(path):
    rng = np.random.RandomState(5)
    x = np.clip(rng.normal(0, 0.45, size=(759, 8)), -1, 1)
    logit = x @ np.array([1.5, -2.5, 0.3, -0.2, 0.4, -1.8, -0.9, 0.6]) + 0.6
    y = (rng.uniform(size=759) < 1 / (1 + np.exp(-logit))).astype(np.float64)
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", fmt="%.6g")


def main(tf):
    tmp = tempfile.mkdtemp()
    write_diabetes(os.path.join(tmp, 'data-03-diabetes.csv'))
    tf.set_random_seed(777)  # for reproducibility

    xy = np.loadtxt(os.path.join(tmp, 'data-03-diabetes.csv'), delimiter=',',
                    dtype=np.float32)
    x_data = xy[:, 0:-1]
    y_data = xy[:, [-1]]
    shutil.rmtree(tmp, ignore_errors=True)

    # placeholders for a tensor that will be always fed.
    X = tf.placeholder(tf.float32, shape=[None, 8])
    Y = tf.placeholder(tf.float32, shape=[None, 1])

    W = tf.Variable(tf.random_normal([8, 1]), name='weight')
    b = tf.Variable(tf.random_normal([1]), name='bias')

    # Hypothesis using sigmoid: tf.div(1., 1. + tf.exp(-tf.matmul(X, W)))
    hypothesis = tf.sigmoid(tf.matmul(X, W) + b)

    # cost/loss function
    cost = -tf.reduce_mean(Y * tf.log(hypothesis) + (1 - Y) *
                           tf.log(1 - hypothesis))

    train = tf.train.GradientDescentOptimizer(learning_rate=0.01).minimize(cost)

    # Accuracy computation
    # True if hypothesis>0.5 else False
    predicted = tf.cast(hypothesis > 0.5, dtype=tf.float32)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), dtype=tf.float32))

    # Launch graph
    with tf.Session() as sess:
        # Initialize TensorFlow variables
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, seed=5, biases=True)

        for step in range(501):
            cost_val, _ = sess.run([cost, train], feed_dict={X: x_data, Y: y_data})
            if step == 0:
                first_cost = cost_val

        # Accuracy report
        h, c, a = sess.run([hypothesis, predicted, accuracy],
                           feed_dict={X: x_data, Y: y_data})
        W_val = sess.run(W)
    return {"first_cost": float(first_cost), "cost": float(cost_val), "accuracy": float(a),
            "hypothesis_sum": float(np.sum(h)), "W_sum": float(np.sum(W_val.ravel() *
                                                                   np.arange(1, 9))),
            "shapes": [list(x_data.shape), list(y_data.shape), list(c.shape)]}
