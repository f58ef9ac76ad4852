"""Saving a trained regression net and restoring it into a rebuilt graph, from MorvanZhou's
"Tensorflow-Tutorial" (github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6, ``tutorial-contents/303_save_reload.py``):
``save()`` trains ``tf.layers.dense`` layers with ``GradientDescentOptimizer(0.5)`` and
writes them with ``tf.train.Saver().save(sess, path, write_meta_graph=False)``;
``reload()`` builds the same layers again in a fresh graph and, without initializing
anything, ``saver.restore``s them and evaluates the loss.

Adapted: 30 training steps instead of 100; the checkpoint goes to a temporary directory
instead of ``./params``; ``tf.reset_default_graph()`` between the two functions is
replaced by running each in its own ``with tf.Graph().as_default():`` (the test runs a
program inside a graph of its own, where TF refuses to reset); the trained weights start
from ``same_start``'s draw; the matplotlib figure (the two fitted lines with the "Save
Loss" and "Reload Loss" texts) is left out and those two losses are returned.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"save_loss": 1e-5, "reload_loss": 1e-5, "pred_sum": 1e-5, "same_pred": 0.0,
           "restored_names": 0.0}


def main(tf):
    tf.set_random_seed(1)
    np.random.seed(1)
    params = os.path.join(tempfile.mkdtemp(), "params")

    # fake data
    x = np.linspace(-1, 1, 100)[:, np.newaxis]          # shape (100, 1)
    noise = np.random.normal(0, 0.1, size=x.shape)
    y = np.power(x, 2) + noise                          # shape (100, 1) + some noise

    def save():
        # build neural network
        tf_x = tf.placeholder(tf.float32, x.shape)  # input x
        tf_y = tf.placeholder(tf.float32, y.shape)  # input y
        l = tf.layers.dense(tf_x, 10, tf.nn.relu)          # hidden layer  # noqa: E741
        o = tf.layers.dense(l, 1)                     # output layer
        loss = tf.losses.mean_squared_error(tf_y, o)   # compute cost
        train_op = tf.train.GradientDescentOptimizer(learning_rate=0.5).minimize(loss)

        sess = tf.Session()
        sess.run(tf.global_variables_initializer())  # initialize var in graph
        same_start(sess, tf, seed=3)

        saver = tf.train.Saver()  # define a saver for saving and restoring

        for step in range(30):                             # train  # noqa: B007
            sess.run(train_op, {tf_x: x, tf_y: y})

        saver.save(sess, params, write_meta_graph=False)  # meta_graph is not recommended

        # plotting
        pred, l = sess.run([o, loss], {tf_x: x, tf_y: y})  # noqa: E741
        return pred, l

    def reload():
        # build entire net again and restore
        tf_x = tf.placeholder(tf.float32, x.shape)  # input x
        tf_y = tf.placeholder(tf.float32, y.shape)  # input y
        l_ = tf.layers.dense(tf_x, 10, tf.nn.relu)          # hidden layer
        o_ = tf.layers.dense(l_, 1)                     # output layer
        loss_ = tf.losses.mean_squared_error(tf_y, o_)   # compute cost

        sess = tf.Session()
        # don't need to initialize variables, just restoring trained variables
        saver = tf.train.Saver()  # define a saver for saving and restoring
        saver.restore(sess, params)

        # plotting
        pred, l = sess.run([o_, loss_], {tf_x: x, tf_y: y})  # noqa: E741
        names = sorted(v.op.name for v in tf.global_variables())
        return pred, l, names

    with tf.Graph().as_default():
        saved_pred, save_loss = save()

    # destroy previous net
    with tf.Graph().as_default():
        pred, reload_loss, names = reload()

    return {"save_loss": float(save_loss), "reload_loss": float(reload_loss),
            "pred_sum": float(np.sum(pred * np.arange(1, 101)[:, None])),
            "same_pred": [bool(np.array_equal(pred, saved_pred))],
            "restored_names": names}
