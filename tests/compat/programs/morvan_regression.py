"""A one-hidden-layer regression of a noisy parabola, from MorvanZhou's "Tensorflow-Tutorial"
(github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6, ``tutorial-contents/301_simple_regression.py``):
``tf.set_random_seed(1)``, a NumPy-made data set fed whole through fixed-shape
placeholders, ``tf.layers.dense(tf_x, 10, tf.nn.relu)`` and a linear output layer,
``tf.losses.mean_squared_error`` minimized by ``GradientDescentOptimizer(0.5)``, the loss
and the predictions fetched with the train op at every step.

Adapted: 30 steps instead of 100; the weights start from ``same_start``'s draw (the biases
stay zero as initialized), since each backend's seeded Glorot draw differs; the
matplotlib plotting (the scatter, the fitted line redrawn every 5 steps) is left out, and
the losses it would have written on the figure are returned instead.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"loss": 1e-5, "plotted_losses": 1e-5, "pred_sum": 1e-5, "shapes": 0.0}


def main(tf):
    tf.set_random_seed(1)
    np.random.seed(1)

    # fake data
    x = np.linspace(-1, 1, 100)[:, np.newaxis]          # shape (100, 1)
    noise = np.random.normal(0, 0.1, size=x.shape)
    y = np.power(x, 2) + noise                          # shape (100, 1) + some noise

    tf_x = tf.placeholder(tf.float32, x.shape)     # input x
    tf_y = tf.placeholder(tf.float32, y.shape)     # input y

    # neural network layers
    l1 = tf.layers.dense(tf_x, 10, tf.nn.relu)          # hidden layer
    output = tf.layers.dense(l1, 1)                     # output layer

    loss = tf.losses.mean_squared_error(tf_y, output)   # compute cost
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.5)
    train_op = optimizer.minimize(loss)

    sess = tf.Session()                                 # control training and others
    sess.run(tf.global_variables_initializer())         # initialize var in graph
    same_start(sess, tf, seed=1)

    plotted = []
    for step in range(30):
        # train and net output
        _, l, pred = sess.run([train_op, loss, output], {tf_x: x, tf_y: y})  # noqa: E741
        if step % 5 == 0:
            plotted.append(float(l))          # what the figure's 'Loss=%.4f' text shows

    return {"loss": float(l), "plotted_losses": float(np.sum(plotted)),
            "pred_sum": float(np.sum(pred * np.arange(1, 101)[:, None])),
            "shapes": [output.shape.as_list(), l1.shape.as_list()]}
