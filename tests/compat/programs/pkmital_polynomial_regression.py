"""Polynomial regression: Parag K. Mital's "tensorflow_tutorials" (github.com/pkmital/
tensorflow_tutorials at commit c3eefe5, ``python/03_polynomial_regression.py``). A bias
``tf.Variable`` becomes the running prediction, then for degrees 1-4 a weight ``W``
(``tf.random_normal([1])``) adds ``tf.multiply(tf.pow(X, pow_i), W)`` through ``tf.add``;
the cost ``reduce_sum(pow(Y_pred - Y, 2)) / (n_observations - 1)``, SGD at 0.01 one
scalar observation per step, the whole-data cost per epoch and the stop once it changes
by less than 1e-6.

Adapted: no plots (the fitted curve's values are returned as ``sum(pred * xs)``); the
noise comes from a seeded ``RandomState``; the five variables start from the same NumPy
normal draw on both backends (``N(0, 1)`` as written, assigned in name order;
``tf.random_normal``'s stream is backend-specific); 1000 epochs -> 3.
"""

from __future__ import annotations

import numpy as np

COMPARE = {"first_cost": 1e-5, "last_cost": 1e-4, "weights": 1e-4, "pred_sum": 1e-4,
           "epochs_run": 0.0, "variables": 0.0}


def main(tf):
    rng = np.random.RandomState(2016)  # np.random in the original
    # %% Let's create some toy data
    n_observations = 100
    xs = np.linspace(-3, 3, n_observations)
    ys = np.sin(xs) + rng.uniform(-0.5, 0.5, n_observations)

    # %% tf.placeholders for the input and output of the network.
    X = tf.placeholder(tf.float32)
    Y = tf.placeholder(tf.float32)

    # %% Instead of a single factor and a bias, we'll create a polynomial function
    # of different polynomial degrees.
    Y_pred = tf.Variable(tf.random_normal([1]), name='bias')
    for pow_i in range(1, 5):
        W = tf.Variable(tf.random_normal([1]), name='weight_%d' % pow_i)  # noqa: UP031
        Y_pred = tf.add(tf.multiply(tf.pow(X, pow_i), W), Y_pred)

    # %% Loss function
    cost = tf.reduce_sum(tf.pow(Y_pred - Y, 2)) / (n_observations - 1)

    # %% Use gradient descent to optimize W,b
    learning_rate = 0.01
    optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)

    # %% We create a session to use the graph
    n_epochs = 3  # 1000 in the original
    costs = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        variables = sorted(tf.trainable_variables(), key=lambda v: v.name)
        for v in variables:  # the same start on both backends
            v.load(rng.normal(size=[1]).astype(np.float32), sess)

        # Fit all training data
        prev_training_cost = 0.0
        for epoch_i in range(n_epochs):  # noqa: B007 - the author's loop
            for (x, y) in zip(xs, ys):
                sess.run(optimizer, feed_dict={X: x, Y: y})

            training_cost = sess.run(
                cost, feed_dict={X: xs, Y: ys})
            costs.append(float(training_cost))

            # (the plot every 100 epochs is dropped)

            # Allow the training to quit if we've reached a minimum
            if np.abs(prev_training_cost - training_cost) < 0.000001:
                break
            prev_training_cost = training_cost
        pred = Y_pred.eval(feed_dict={X: xs}, session=sess)
        values = sess.run(variables)
    return {"first_cost": costs[0], "last_cost": costs[-1],
            "weights": float(sum(abs(v[0]) * (i + 1) for i, v in enumerate(values))),
            "pred_sum": float(np.sum(pred * xs)), "epochs_run": [len(costs)],
            "variables": [v.name for v in variables]}
