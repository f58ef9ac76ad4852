"""Linear regression: Parag K. Mital's "tensorflow_tutorials" (github.com/pkmital/
tensorflow_tutorials at commit c3eefe5, ``python/02_linear_regression.py``). Shape-less
``tf.placeholder(tf.float32)`` inputs, ``W`` and ``b`` from ``tf.random_normal([1])``,
``Y_pred = tf.add(tf.multiply(X, W), b)``, the cost ``reduce_sum(pow(Y_pred - Y, 2)) /
(n_observations - 1)`` and plain SGD at 0.01 fed one scalar observation per step, the
whole-data cost after each epoch, and the author's stop once it changes by less than
1e-6.

Adapted: no plots (the fitted line's values at ``xs`` are returned as ``sum(pred * xs)``); the
noise ``np.random.uniform(-0.5, 0.5, n)`` comes from a seeded ``RandomState``; ``W`` and
``b`` start from the same NumPy normal draw on both backends (``tf.random_normal``'s
stream is backend-specific); 1000 epochs -> 5.
"""

from __future__ import annotations

import numpy as np

COMPARE = {"costs": 1e-5, "W": 1e-5, "b": 1e-5, "pred_sum": 1e-5, "epochs_run": 0.0}


def main(tf):
    rng = np.random.RandomState(2016)  # np.random in the original
    # %% Let's create some toy data
    n_observations = 100
    xs = np.linspace(-3, 3, n_observations)
    ys = np.sin(xs) + rng.uniform(-0.5, 0.5, n_observations)

    # %% tf.placeholders for the input and output of the network.
    X = tf.placeholder(tf.float32)
    Y = tf.placeholder(tf.float32)

    # %% We will try to optimize min_(W,b) ||(X*w + b) - y||^2
    W = tf.Variable(tf.random_normal([1]), name='weight')
    b = tf.Variable(tf.random_normal([1]), name='bias')
    Y_pred = tf.add(tf.multiply(X, W), b)

    # %% Loss function will measure the distance between our observations
    # and predictions and average over them.
    cost = tf.reduce_sum(tf.pow(Y_pred - Y, 2)) / (n_observations - 1)

    # %% Use gradient descent to optimize W,b
    learning_rate = 0.01
    optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)

    # %% We create a session to use the graph
    n_epochs = 5  # 1000 in the original
    costs = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        W.load(rng.normal(size=[1]).astype(np.float32), sess)
        b.load(rng.normal(size=[1]).astype(np.float32), sess)

        # Fit all training data
        prev_training_cost = 0.0
        for epoch_i in range(n_epochs):  # noqa: B007 - the author's loop
            for (x, y) in zip(xs, ys):
                sess.run(optimizer, feed_dict={X: x, Y: y})

            training_cost = sess.run(
                cost, feed_dict={X: xs, Y: ys})
            costs.append(float(training_cost))

            # (the plot of the fitted line every 20 epochs is dropped)

            # Allow the training to quit if we've reached a minimum
            if np.abs(prev_training_cost - training_cost) < 0.000001:
                break
            prev_training_cost = training_cost
        pred = Y_pred.eval(feed_dict={X: xs}, session=sess)
        W_value, b_value = sess.run([W, b])
    return {"costs": costs[-1] + costs[0], "W": float(W_value[0]), "b": float(b_value[0]),
            "pred_sum": float(np.sum(pred * xs)), "epochs_run": [len(costs)]}
