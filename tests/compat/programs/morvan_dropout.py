"""An overfitting net beside a dropout net, from MorvanZhou's "Tensorflow-Tutorial"
(github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6, ``tutorial-contents/501_dropout.py``): two
300-300 relu nets of ``tf.layers.dense`` on 20 noisy points, the second with
``tf.layers.dropout(rate=0.5, training=tf_is_training)`` after each hidden layer, where
``tf_is_training`` is a ``tf.bool`` placeholder of shape ``None``; both trained by
``AdamOptimizer(0.01)`` in one ``sess.run`` and tested every 10 steps with
``tf_is_training: False``.

Adapted: 60 steps instead of 500; the weights start from ``same_start``'s draw (the
biases stay zero); in training ``tf_is_training`` is fed ``False`` instead of ``True``,
because each backend draws its own dropout masks (the dropout net then trains as the plain
net it wraps). What dropout does in training is checked on its own after the loop: one
run of the first dropout layer with ``tf_is_training: True`` must keep each unit
``o/(1-rate)`` or zero it, about half of them. The matplotlib plotting (data, both fits
and their test losses every 10 steps) is left out and the losses are returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"o_loss": 1e-4, "d_loss": 1e-4, "o_losses": 1e-4, "d_losses": 1e-4,
           "d_out_sum": 1e-4, "dropout_scaled": 0.0, "dropout_kept": 0.1,
           "eval_is_identity": 0.0}


def main(tf):
    tf.set_random_seed(1)
    np.random.seed(1)

    # Hyper parameters
    N_SAMPLES = 20
    N_HIDDEN = 300
    LR = 0.01

    # training data
    x = np.linspace(-1, 1, N_SAMPLES)[:, np.newaxis]
    y = x + 0.3*np.random.randn(N_SAMPLES)[:, np.newaxis]

    # test data
    test_x = x.copy()
    test_y = test_x + 0.3*np.random.randn(N_SAMPLES)[:, np.newaxis]

    # tf placeholders
    tf_x = tf.placeholder(tf.float32, [None, 1])
    tf_y = tf.placeholder(tf.float32, [None, 1])
    # to control dropout when training and testing
    tf_is_training = tf.placeholder(tf.bool, None)

    # overfitting net
    o1 = tf.layers.dense(tf_x, N_HIDDEN, tf.nn.relu)
    o2 = tf.layers.dense(o1, N_HIDDEN, tf.nn.relu)
    o_out = tf.layers.dense(o2, 1)
    o_loss = tf.losses.mean_squared_error(tf_y, o_out)
    o_train = tf.train.AdamOptimizer(LR).minimize(o_loss)

    # dropout net
    d1 = tf.layers.dense(tf_x, N_HIDDEN, tf.nn.relu)
    d1_in = d1
    d1 = tf.layers.dropout(d1, rate=0.5, training=tf_is_training)   # drop out 50% of inputs
    d2 = tf.layers.dense(d1, N_HIDDEN, tf.nn.relu)
    d2 = tf.layers.dropout(d2, rate=0.5, training=tf_is_training)   # drop out 50% of inputs
    d_out = tf.layers.dense(d2, 1)
    d_loss = tf.losses.mean_squared_error(tf_y, d_out)
    d_train = tf.train.AdamOptimizer(LR).minimize(d_loss)

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=13)

    o_losses, d_losses = [], []
    for t in range(60):
        # train (fed False here: see the docstring)
        sess.run([o_train, d_train], {tf_x: x, tf_y: y, tf_is_training: False})

        if t % 10 == 0:
            o_loss_, d_loss_, o_out_, d_out_ = sess.run(
                [o_loss, d_loss, o_out, d_out],
                {tf_x: test_x, tf_y: test_y, tf_is_training: False}  # test, is_training=False
            )
            o_losses.append(float(o_loss_))
            d_losses.append(float(d_loss_))

    # dropout in training mode, checked against its input
    before, after = sess.run([d1_in, d1], {tf_x: x, tf_is_training: True})
    kept = after != 0
    before_eval, after_eval = sess.run([d1_in, d1], {tf_x: x, tf_is_training: False})
    return {"o_loss": float(o_loss_), "d_loss": float(d_loss_),
            "o_losses": float(np.sum(o_losses)), "d_losses": float(np.sum(d_losses)),
            "d_out_sum": float(np.sum(d_out_ * np.arange(1, 21)[:, None])),
            "dropout_scaled": [bool(np.allclose(after[kept], before[kept] * 2.0, rtol=1e-6))],
            "dropout_kept": float(np.mean(kept[before > 0])),
            "eval_is_identity": [bool(np.array_equal(before_eval, after_eval))]}
