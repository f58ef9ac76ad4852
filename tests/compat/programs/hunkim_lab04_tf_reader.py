"""Multi-variable linear regression fed by a TF1 input queue, from Sung Kim's
"DeepLearningZeroToAll" (github.com/hunkim/DeepLearningZeroToAll at commit
60c707e02af7bd950401faeadcc6c0e1b39b2978, ``lab-04-4-tf_reader_linear_regression.py``):
``tf.train.string_input_producer([...], shuffle=False, name='filename_queue')``, a
``tf.TextLineReader`` whose lines go through ``tf.decode_csv`` with float
``record_defaults``, ``tf.train.batch([xy[0:-1], xy[-1:]], batch_size=10)`` (a Python
slice of the decoded column list), a ``Coordinator`` and ``start_queue_runners``, and a
``matmul`` model trained by ``GradientDescentOptimizer(1e-5)`` on batches fetched from the
queue and fed back through placeholders; then the "Your score will be" predictions.

Adapted: ``data-01-test-score.csv`` (25 rows of three quiz scores and a final score) is
written to a temporary directory from a seeded NumPy draw of the same shape and scale;
201 steps instead of 2001; ``W`` and ``b`` start from ``same_start``'s draw (``b`` zero)
instead of ``tf.random_normal``; the prints are left out.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"cost": 1e-5, "W_sum": 1e-5, "b": 1e-4, "your_score": 1e-5, "other_scores": 1e-5,
           "batch_shapes": 0.0, "first_batch_y": 0.0}


def write_test_scores(path):
    """25 rows ``quiz1,quiz2,midterm,final`` of whole-number scores."""
    rng = np.random.RandomState(4)
    x = rng.randint(60, 101, size=(25, 3))
    y = np.round(x @ np.array([0.6, 0.55, 0.85]) + rng.normal(0, 3, 25))
    with open(path, "w") as f:
        for row, target in zip(x, y):
            f.write(",".join(str(int(v)) for v in row) + f",{int(target)}\n")


def main(tf):
    tmp = tempfile.mkdtemp()
    csv_path = os.path.join(tmp, "data-01-test-score.csv")
    write_test_scores(csv_path)
    tf.set_random_seed(777)  # for reproducibility

    filename_queue = tf.train.string_input_producer(
        [csv_path], shuffle=False, name='filename_queue')

    reader = tf.TextLineReader()
    key, value = reader.read(filename_queue)

    # Default values, in case of empty columns. Also specifies the type of the
    # decoded result.
    record_defaults = [[0.], [0.], [0.], [0.]]
    xy = tf.decode_csv(value, record_defaults=record_defaults)

    # collect batches of csv in
    train_x_batch, train_y_batch = \
        tf.train.batch([xy[0:-1], xy[-1:]], batch_size=10)

    # placeholders for a tensor that will be always fed.
    X = tf.placeholder(tf.float32, shape=[None, 3])
    Y = tf.placeholder(tf.float32, shape=[None, 1])

    W = tf.Variable(tf.random_normal([3, 1]), name='weight')
    b = tf.Variable(tf.random_normal([1]), name='bias')

    # Hypothesis
    hypothesis = tf.matmul(X, W) + b

    # Simplified cost/loss function
    cost = tf.reduce_mean(tf.square(hypothesis - Y))

    # Minimize
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=1e-5)
    train = optimizer.minimize(cost)

    # Launch the graph in a session.
    sess = tf.Session()
    # Initializes global variables in the graph.
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=4, biases=True)

    # Start populating the filename queue.
    coord = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(sess=sess, coord=coord)

    first_batch_y = None
    for step in range(201):  # noqa: B007 - as written
        x_batch, y_batch = sess.run([train_x_batch, train_y_batch])
        if first_batch_y is None:
            first_batch_y = [int(v) for v in y_batch.ravel()]
            batch_shapes = [list(x_batch.shape), list(y_batch.shape)]
        cost_val, hy_val, _ = sess.run(
            [cost, hypothesis, train], feed_dict={X: x_batch, Y: y_batch})

    coord.request_stop()
    coord.join(threads)

    # Ask my score
    your_score = sess.run(hypothesis, feed_dict={X: [[100, 70, 101]]})
    other_scores = sess.run(hypothesis, feed_dict={X: [[60, 70, 110], [90, 100, 80]]})
    W_val, b_val = sess.run([W, b])
    sess.close()
    shutil.rmtree(tmp, ignore_errors=True)
    return {"cost": float(cost_val), "W_sum": float(np.sum(W_val * [1, 2, 3])),
            "b": float(b_val[0]), "your_score": float(your_score[0, 0]),
            "other_scores": float(np.sum(other_scores * [1, 2])),
            "batch_shapes": batch_shapes, "first_batch_y": first_batch_y}
