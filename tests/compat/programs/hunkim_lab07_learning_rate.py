"""Learning rate and evaluation on a held-out set, from Sung Kim's "DeepLearningZeroToAll"
(github.com/hunkim/DeepLearningZeroToAll at commit
60c707e02af7bd950401faeadcc6c0e1b39b2978, ``lab-07-1-learning_rate_and_evaluation.py``):
placeholders declared by a dtype *string* (``tf.placeholder("float", [None, 3])``), a
``tf.nn.softmax`` hypothesis with the cross entropy written out as
``tf.reduce_mean(-tf.reduce_sum(Y * tf.log(hypothesis), axis=1))``,
``GradientDescentOptimizer(0.1)`` fetched together with the cost and the weights, and the
``argmax`` predictions and accuracy on the three test rows. The author's notes show the
same program with ``lr = 1.5`` (the cost reaches ``inf`` then ``nan``) and ``1e-10`` (no
change): both are run too, after the ``0.1`` of the listing.

Adapted: the three learning rates run in a loop, each in its own graph; ``W`` and ``b``
start from ``same_start``'s draw (``b`` zero) instead of ``tf.random_normal``; the prints
are left out (their values are returned). All 201 steps are kept.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"cost_0.1": 1e-5, "W_sum_0.1": 1e-5, "cost_1e-10": 1e-6, "W_sum_1e-10": 1e-6,
           "first_costs": 1e-6, "prediction": 0.0, "accuracy": 0.0, "diverged_1.5": 0.0}


def run(tf, learning_rate):
    tf.set_random_seed(777)  # for reproducibility

    x_data = [[1, 2, 1],
              [1, 3, 2],
              [1, 3, 4],
              [1, 5, 5],
              [1, 7, 5],
              [1, 2, 5],
              [1, 6, 6],
              [1, 7, 7]]
    y_data = [[0, 0, 1],
              [0, 0, 1],
              [0, 0, 1],
              [0, 1, 0],
              [0, 1, 0],
              [0, 1, 0],
              [1, 0, 0],
              [1, 0, 0]]

    # Evaluation our model using this test dataset
    x_test = [[2, 1, 1],
              [3, 1, 2],
              [3, 3, 4]]
    y_test = [[0, 0, 1],
              [0, 0, 1],
              [0, 0, 1]]

    X = tf.placeholder("float", [None, 3])
    Y = tf.placeholder("float", [None, 3])

    W = tf.Variable(tf.random_normal([3, 3]))
    b = tf.Variable(tf.random_normal([3]))

    # tf.nn.softmax computes softmax activations
    # softmax = exp(logits) / reduce_sum(exp(logits), dim)
    hypothesis = tf.nn.softmax(tf.matmul(X, W) + b)

    # Cross entropy cost/loss
    cost = tf.reduce_mean(-tf.reduce_sum(Y * tf.log(hypothesis), axis=1))
    # Try to change learning_rate to small numbers
    optimizer = tf.train.GradientDescentOptimizer(
        learning_rate=learning_rate).minimize(cost)

    # Correct prediction Test model
    prediction = tf.argmax(hypothesis, 1)
    is_correct = tf.equal(prediction, tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(is_correct, tf.float32))

    costs = []
    # Launch graph
    with tf.Session() as sess:
        # Initialize TensorFlow variables
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, seed=7, biases=True)

        for step in range(201):  # noqa: B007 - as written
            cost_val, W_val, _ = sess.run([cost, W, optimizer],
                                          feed_dict={X: x_data, Y: y_data})
            costs.append(float(cost_val))

        # predict
        pred = sess.run(prediction, feed_dict={X: x_test})
        # Calculate the accuracy
        acc = sess.run(accuracy, feed_dict={X: x_test, Y: y_test})
    return costs, W_val, pred, acc


def main(tf):
    out = {"first_costs": 0.0, "prediction": [], "accuracy": []}
    for lr in (0.1, 1.5, 1e-10):
        with tf.Graph().as_default():
            costs, W_val, pred, acc = run(tf, lr)
        out["first_costs"] += costs[0] * (1 + len(out["prediction"]))
        out["prediction"].append([int(p) for p in pred])
        out["accuracy"].append(float(acc))
        if lr == 1.5:
            out["diverged_1.5"] = [int(np.argmin(np.isfinite(costs))),
                                   bool(np.isnan(costs[-1])), bool(np.all(np.isnan(W_val)))]
        else:
            out[f"cost_{lr}"] = costs[-1]
            out[f"W_sum_{lr}"] = float(np.sum(W_val * np.arange(1, 4)))
    return out
