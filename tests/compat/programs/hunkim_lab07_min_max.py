"""Linear regression on min-max-normalized stock prices, from Sung Kim's
"DeepLearningZeroToAll" (github.com/hunkim/DeepLearningZeroToAll at commit
60c707e02af7bd950401faeadcc6c0e1b39b2978, ``lab-07-3-linear_regression_min_max.py``): the
program's eight rows of prices and volumes scaled by its NumPy ``min_max_scaler`` (a 1e-7
noise term in the denominator), then a ``matmul`` regression of the close from the other
four columns trained 101 steps by ``GradientDescentOptimizer(1e-5)``, the train op fetched
first in the list.

Adapted: ``W`` and ``b`` start from ``same_start``'s draw (``b`` zero) instead of
``tf.random_normal``; the prints are left out (their values are returned). The data and
the step count are the program's.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_cost": 1e-6, "cost": 1e-6, "prediction_sum": 1e-6, "W_sum": 1e-6,
           "scaled_sum": 1e-12}


def main(tf):
    tf.set_random_seed(777)  # for reproducibility

    def min_max_scaler(data):
        numerator = data - np.min(data, 0)
        denominator = np.max(data, 0) - np.min(data, 0)
        # noise term prevents the zero division
        return numerator / (denominator + 1e-7)

    xy = np.array(
        [
            [828.659973, 833.450012, 908100, 828.349976, 831.659973],
            [823.02002, 828.070007, 1828100, 821.655029, 828.070007],
            [819.929993, 824.400024, 1438100, 818.97998, 824.159973],
            [816, 820.958984, 1008100, 815.48999, 819.23999],
            [819.359985, 823, 1188100, 818.469971, 818.97998],
            [819, 823, 1198100, 816, 820.450012],
            [811.700012, 815.25, 1098100, 809.780029, 813.669983],
            [809.51001, 816.659973, 1398100, 804.539978, 809.559998],
        ]
    )

    # very important. It does not work without it.
    xy = min_max_scaler(xy)

    x_data = xy[:, 0:-1]
    y_data = xy[:, [-1]]

    # placeholders for a tensor that will be always fed.
    X = tf.placeholder(tf.float32, shape=[None, 4])
    Y = tf.placeholder(tf.float32, shape=[None, 1])

    W = tf.Variable(tf.random_normal([4, 1]), name='weight')
    b = tf.Variable(tf.random_normal([1]), name='bias')

    # Hypothesis
    hypothesis = tf.matmul(X, W) + b

    # Simplified cost/loss function
    cost = tf.reduce_mean(tf.square(hypothesis - Y))

    # Minimize
    train = tf.train.GradientDescentOptimizer(learning_rate=1e-5).minimize(cost)

    # Launch the graph in a session.
    with tf.Session() as sess:
        # Initializes global variables in the graph.
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, seed=8, biases=True)

        for step in range(101):
            _, cost_val, hy_val = sess.run(
                [train, cost, hypothesis], feed_dict={X: x_data, Y: y_data}
            )
            if step == 0:
                first_cost = cost_val
        W_val = sess.run(W)
    return {"first_cost": float(first_cost), "cost": float(cost_val),
            "prediction_sum": float(np.sum(hy_val.ravel() * np.arange(1, 9))),
            "W_sum": float(np.sum(W_val.ravel() * np.arange(1, 5))),
            "scaled_sum": float(np.sum(xy))}
