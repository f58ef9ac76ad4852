"""A deep dense autoencoder with a 3-D code, from MorvanZhou's "Tensorflow-Tutorial"
(github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6, ``tutorial-contents/404_AutoEncoder.py``):
an encoder of ``tf.layers.dense`` tanh layers 128-64-12 and a linear 3-unit code, a
mirrored decoder ending in a 784-unit sigmoid layer, ``tf.losses.mean_squared_error``
between the input and its reconstruction, ``AdamOptimizer(0.002)``; the code, the
reconstruction and the loss fetched with the train op every step, the reconstruction of
five test digits every 100 steps, then the 3-D codes of the test images.

Adapted: MNIST is the bundled digits (``common.read_data_sets``; ``test_x`` is the first
200 of its 397 test images); 20 steps instead of 8000, the five test digits reconstructed
every 10 steps instead of 100; the weights start from ``same_start``'s draw; the
matplotlib figures (an example digit, the rows of original and decoded digits, the 3-D
scatter of codes) are left out, and their numbers returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"loss": 1e-4, "losses": 1e-4, "decoded_sum": 1e-4, "encoded_sum": 1e-4,
           "code_spread": 1e-4, "shapes": 0.0}


def main(tf):
    tf.set_random_seed(1)

    # Hyper Parameters
    BATCH_SIZE = 64
    LR = 0.002         # learning rate
    N_TEST_IMG = 5

    # Mnist digits
    mnist = read_data_sets('./mnist', one_hot=False)     # use not one-hotted target data
    test_x = mnist.test.images[:200]

    # tf placeholder
    tf_x = tf.placeholder(tf.float32, [None, 28*28])    # value in the range of (0, 1)

    # encoder
    en0 = tf.layers.dense(tf_x, 128, tf.nn.tanh)
    en1 = tf.layers.dense(en0, 64, tf.nn.tanh)
    en2 = tf.layers.dense(en1, 12, tf.nn.tanh)
    encoded = tf.layers.dense(en2, 3)

    # decoder
    de0 = tf.layers.dense(encoded, 12, tf.nn.tanh)
    de1 = tf.layers.dense(de0, 64, tf.nn.tanh)
    de2 = tf.layers.dense(de1, 128, tf.nn.tanh)
    decoded = tf.layers.dense(de2, 28*28, tf.nn.sigmoid)

    loss = tf.losses.mean_squared_error(labels=tf_x, predictions=decoded)
    train = tf.train.AdamOptimizer(LR).minimize(loss)

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=11)

    # original data (first row) for viewing
    view_data = mnist.test.images[:N_TEST_IMG]

    losses, decoded_sums = [], []
    for step in range(20):
        b_x, b_y = mnist.train.next_batch(BATCH_SIZE)
        _, encoded_, decoded_, loss_ = sess.run([train, encoded, decoded, loss], {tf_x: b_x})

        if step % 10 == 0:     # plotting
            losses.append(float(loss_))
            # plotting decoded image (second row)
            decoded_data = sess.run(decoded, {tf_x: view_data})
            decoded_sums.append(float(np.sum(decoded_data * np.arange(784) / 784)))

    # visualize in 3D plot
    view_data = test_x[:200]
    encoded_data = sess.run(encoded, {tf_x: view_data})
    return {"loss": float(loss_), "losses": float(np.sum(losses)),
            "decoded_sum": float(np.sum(decoded_sums)),
            "encoded_sum": float(np.sum(encoded_data * np.arange(1, 4))),
            "code_spread": float(np.sum(encoded_data.max(0) - encoded_data.min(0))),
            "shapes": [list(encoded_.shape), list(decoded_.shape),
                       list(encoded_data.shape)]}
