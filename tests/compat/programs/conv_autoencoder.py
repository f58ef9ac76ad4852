"""Convolutional autoencoder with nearest-neighbour upsampling, after Sebastian
Raschka's deeplearning-models notebook "Convolutional Autoencoder with Nearest-neighbor
Interpolation" (rasbt/deeplearning-models, tensorflow1_ipynb/autoencoder): a ``tf.Graph``
built in ``with g.as_default()``, ``tf.layers.conv2d`` / ``max_pooling2d`` down to
7x7x4, ``tf.image.resize_nearest_neighbor`` and convs back up to 28x28, per-pixel
``sigmoid_cross_entropy_with_logits``, Adam, and the training loop fetching by tensor
and op *names* (``sess.run(['train', 'cost:0'], feed_dict={'inputs:0': ...})``).
Adapted: the MNIST download (bundled digits), one short epoch, same starting weights."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_cost": 1e-5, "avg_cost": 1e-4, "test_cost": 1e-4, "code_shape": 0.0}


def main(tf):
    mnist = read_data_sets("./", one_hot=False)
    learning_rate = 0.001
    training_epochs = 1
    batch_size = 128
    num_batches = 12
    input_size = 784

    g = tf.Graph()
    with g.as_default():
        tf_x = tf.placeholder(tf.float32, shape=[None, input_size], name="inputs")
        input_layer = tf.reshape(tf_x, shape=[-1, 28, 28, 1])

        # encoder: 28x28x1 -> 14x14x8 -> 7x7x4
        conv1 = tf.layers.conv2d(input_layer, filters=8, kernel_size=(3, 3), strides=(1, 1),
                                 padding="same", activation=tf.nn.relu)
        maxpool1 = tf.layers.max_pooling2d(conv1, pool_size=(2, 2), strides=(2, 2),
                                           padding="same")
        conv2 = tf.layers.conv2d(maxpool1, filters=4, kernel_size=(3, 3), strides=(1, 1),
                                 padding="same", activation=tf.nn.relu)
        encode = tf.layers.max_pooling2d(conv2, pool_size=(2, 2), strides=(2, 2),
                                         padding="same", name="encoding")

        # decoder: nearest-neighbour upsampling then a conv at each scale
        upsample1 = tf.image.resize_nearest_neighbor(encode, size=(14, 14))
        conv3 = tf.layers.conv2d(upsample1, filters=4, kernel_size=(3, 3), strides=(1, 1),
                                 padding="same", activation=tf.nn.relu)
        upsample2 = tf.image.resize_nearest_neighbor(conv3, size=(28, 28))
        conv4 = tf.layers.conv2d(upsample2, filters=8, kernel_size=(3, 3), strides=(1, 1),
                                 padding="same", activation=tf.nn.relu)
        logits = tf.layers.conv2d(conv4, filters=1, kernel_size=(3, 3), strides=(1, 1),
                                  padding="same", activation=None)
        decode = tf.nn.sigmoid(logits, name="decoding")

        loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=input_layer, logits=logits)
        cost = tf.reduce_mean(loss, name="cost")
        optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
        optimizer.minimize(cost, name="train")

    with tf.Session(graph=g) as sess:
        sess.run(tf.global_variables_initializer())
        with g.as_default():
            same_start(sess, tf, biases=True)
        first_cost = None
        for _epoch in range(training_epochs):
            avg_cost = 0.0
            for _i in range(num_batches):
                batch_x, _ = mnist.train.next_batch(batch_size)
                _, c = sess.run(["train", "cost:0"], feed_dict={"inputs:0": batch_x})
                first_cost = c if first_cost is None else first_cost
                avg_cost += c
            avg_cost /= num_batches
        test_x = mnist.test.images[:200]
        test_cost, code = sess.run(["cost:0", "encoding/MaxPool:0"],
                                   feed_dict={"inputs:0": test_x})
        decoded = sess.run(decode, feed_dict={tf_x: test_x[:4]})
        assert decoded.shape == (4, 28, 28, 1) and np.all((decoded > 0) & (decoded < 1))
    return {"first_cost": float(first_cost), "avg_cost": float(avg_cost),
            "test_cost": float(test_cost), "code_shape": list(code.shape)}
