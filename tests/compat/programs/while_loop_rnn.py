"""A hand-written RNN over ``tf.while_loop`` and ``tf.TensorArray``: inputs unstacked
into a TensorArray, a loop body computing ``h = tanh(x_t W + h U + b)`` and writing each
state, ``stack()`` of the outputs, a regression loss on the mean state trained with SGD
(gradients flow back through the loop)."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"loss": 1e-5, "first_loss": 1e-5, "iterations": 0.0, "outputs_sum": 1e-5}


def main(tf):
    rng = np.random.RandomState(7)
    steps, batch, n_in, n_hidden = 12, 16, 3, 8
    data = rng.randn(steps, batch, n_in).astype(np.float32)
    target = np.sin(data.sum(axis=(0, 2)))[:, None].astype(np.float32) * np.ones(
        (1, n_hidden), np.float32)

    inputs = tf.placeholder(tf.float32, [steps, batch, n_in])
    targets = tf.placeholder(tf.float32, [batch, n_hidden])
    W = tf.get_variable("W", [n_in, n_hidden])
    U = tf.get_variable("U", [n_hidden, n_hidden])
    b = tf.get_variable("b", [n_hidden], initializer=tf.zeros_initializer())

    input_ta = tf.TensorArray(tf.float32, size=steps).unstack(inputs)
    output_ta = tf.TensorArray(tf.float32, size=steps)

    def cond(t, h, out):
        return t < steps

    def body(t, h, out):
        h = tf.tanh(tf.matmul(input_ta.read(t), W) + tf.matmul(h, U) + b)
        return t + 1, h, out.write(t, h)

    t_final, h_final, out_final = tf.while_loop(
        cond, body, [tf.constant(0), tf.zeros([batch, n_hidden]), output_ta])
    outputs = out_final.stack()
    loss = tf.reduce_mean(tf.square(tf.reduce_mean(outputs, 0) - targets))
    train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf)
        feed = {inputs: data, targets: target}
        first = sess.run(loss, feed)
        for _ in range(30):
            sess.run(train_op, feed)
        lv, n, outs = sess.run([loss, t_final, outputs], feed)
    return {"loss": float(lv), "first_loss": float(first), "iterations": [int(n)],
            "outputs_sum": float(outs.sum())}
