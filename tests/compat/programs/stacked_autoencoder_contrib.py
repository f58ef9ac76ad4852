"""A stacked autoencoder in the style of "Hands-On Machine Learning" (1st ed., ch. 15),
as MhmDSmdi/Anomaly-Detection ``stacked_autoencoder.py`` has it: four
``tensorflow.contrib.layers.fully_connected`` layers (784-300-150-300-784) under
``tf.contrib.framework.arg_scope([fully_connected], activation_fn=tf.nn.elu,
weights_initializer=tf.contrib.layers.variance_scaling_initializer(),
weights_regularizer=tf.contrib.layers.l2_regularizer(l2_reg))``, the last with
``activation_fn=None``; the loss is the mean squared reconstruction error plus
``tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)`` via ``tf.add_n``, minimised by
``AdamOptimizer(0.01)`` on ``mnist.train.next_batch(150)`` batches.

Adapted: MNIST from the bundled digits (``common.read_data_sets``); a few steps instead
of five epochs; the reconstruction error of the test images read at the end.
``tf.contrib.layers`` / ``tf.contrib.framework`` are trainkit's under trainkit and
``tf_slim.layers`` / ``tf_slim`` (tf_slim 1.1.0 with ``slim_lenet._slim``'s stand-in)
under TF 2.21. The trained numbers start from ``same_start``'s NumPy weights (biases
zero, the layers' default); ``he_init_std_ratio``, the standard deviation of the first
layer's ``variance_scaling_initializer`` draw over He's ``sqrt(2 / fan_in)`` (235,200
values, so about 0.15% sampling error), is compared before that, as it does not depend
on the seed (tolerance 0.5%).
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start
from tests.compat.programs.dcgan_contrib_bn import contrib_layers
from tests.compat.programs.slim_lenet import _slim

COMPARE = {"he_init_std_ratio": 5e-3, "first_loss": 1e-5, "final_loss": 1e-3,
           "test_reconstruction": 1e-3, "regularization": 1e-3, "variables": 0.0,
           "reg_losses": 0.0}


def main(tf):
    layers = contrib_layers(tf)
    fully_connected = layers.fully_connected
    arg_scope = tf.contrib.framework.arg_scope if hasattr(tf, "contrib") else _slim(tf).arg_scope
    mnist = read_data_sets("MNIST_data/", one_hot=True)

    learning_rate = 0.01
    n_inputs = 28 * 28
    n_hidden1 = 300
    n_hidden2 = 150
    n_hidden3 = n_hidden1
    n_outputs = n_inputs
    l2_reg = 0.001

    X = tf.placeholder(tf.float32, shape=[None, n_inputs])
    with arg_scope([fully_connected],
                   activation_fn=tf.nn.elu,
                   weights_initializer=layers.variance_scaling_initializer(),
                   weights_regularizer=layers.l2_regularizer(l2_reg)):
        hidden1 = fully_connected(X, n_hidden1)
        hidden2 = fully_connected(hidden1, n_hidden2)
        hidden3 = fully_connected(hidden2, n_hidden3)
        outputs = fully_connected(hidden3, n_outputs, activation_fn=None)

    reconstruction_loss = tf.reduce_mean(tf.square(outputs - X))
    reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    loss = tf.add_n([reconstruction_loss] + reg_losses)

    optimizer = tf.train.AdamOptimizer(learning_rate)
    training_op = optimizer.minimize(loss)
    init = tf.global_variables_initializer()

    steps, batch_size = 25, 150
    w1 = [v for v in tf.global_variables() if v.op.name == "fully_connected/weights"][0]
    with tf.Session() as sess:
        init.run()
        he_ratio = float(np.std(sess.run(w1)) / np.sqrt(2.0 / n_inputs))
        same_start(sess, tf)
        losses = []
        for _ in range(steps):
            X_batch, y_batch = mnist.train.next_batch(batch_size)
            losses.append(sess.run([training_op, loss], feed_dict={X: X_batch})[1])
        test_rec = reconstruction_loss.eval(feed_dict={X: mnist.test.images})
        reg = sess.run(tf.add_n(reg_losses))
    return {"he_init_std_ratio": he_ratio, "first_loss": float(losses[0]),
            "final_loss": float(losses[-1]), "test_reconstruction": float(test_rec),
            "regularization": float(reg),
            "variables": sorted(v.op.name for v in tf.global_variables()),
            "reg_losses": sorted(t.op.name for t in reg_losses)}
