"""A deep autoencoder with tied weights: Parag K. Mital's "tensorflow_tutorials"
(github.com/pkmital/tensorflow_tutorials at commit c3eefe5, ``python/07_autoencoder.py``).
``autoencoder(dimensions)`` builds tanh encoder layers with weights from
``tf.random_uniform(+-1/sqrt(n_input))`` (the input width read as
``int(current_input.get_shape()[1])``) and zero biases, then the decoder from the same
weights transposed (``tf.transpose``) with new biases, the cost
``reduce_sum(square(y - x))``; ``test_mnist`` trains 784-256-64 with Adam at 0.001 on
mean-subtracted mini-batches of 50 and reconstructs test images.

Adapted: the MNIST download is the bundled digits in MNIST's shapes
(``common.read_data_sets``); 10 epochs -> 1 of 10 batches; the weights start from the same
NumPy draw of the author's uniform distribution on both backends (``tf.random_uniform``'s
stream is backend-specific); the reconstruction plots are dropped (their images are
summed) and the printed costs returned.
"""

from __future__ import annotations

import math

import numpy as np

from tests.compat.programs.common import read_data_sets

COMPARE = {"cost": 1e-4, "recon_sum": 1e-4, "z_shape": 0.0, "recon_abs_sum": 1e-4}


def main(tf):
    # %% Autoencoder definition
    def autoencoder(dimensions=[784, 512, 256, 64]):  # noqa: B006 - the author's default
        """Build a deep autoencoder w/ tied weights."""
        # %% input to the network
        x = tf.placeholder(tf.float32, [None, dimensions[0]], name='x')
        current_input = x

        # %% Build the encoder
        encoder = []
        for layer_i, n_output in enumerate(dimensions[1:]):  # noqa: B007
            n_input = int(current_input.get_shape()[1])
            W = tf.Variable(
                tf.random_uniform([n_input, n_output],
                                  -1.0 / math.sqrt(n_input),
                                  1.0 / math.sqrt(n_input)))
            b = tf.Variable(tf.zeros([n_output]))
            encoder.append(W)
            output = tf.nn.tanh(tf.matmul(current_input, W) + b)
            current_input = output

        # %% latent representation
        z = current_input
        encoder.reverse()

        # %% Build the decoder using the same weights
        for layer_i, n_output in enumerate(dimensions[:-1][::-1]):
            W = tf.transpose(encoder[layer_i])
            b = tf.Variable(tf.zeros([n_output]))
            output = tf.nn.tanh(tf.matmul(current_input, W) + b)
            current_input = output

        # %% now have the reconstruction through the network
        y = current_input

        # %% cost function measures pixel-wise difference
        cost = tf.reduce_sum(tf.square(y - x))
        return {'x': x, 'z': z, 'y': y, 'cost': cost}

    # %% Basic test (test_mnist)
    mnist = read_data_sets('MNIST_data', one_hot=True)
    mean_img = np.mean(mnist.train.images, axis=0)
    ae = autoencoder(dimensions=[784, 256, 64])

    learning_rate = 0.001
    optimizer = tf.train.AdamOptimizer(learning_rate).minimize(ae['cost'])

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    rng = np.random.RandomState(7)
    for v in tf.trainable_variables():  # the author's uniform draw, from NumPy
        if len(v.shape) == 2:
            limit = 1.0 / math.sqrt(v.shape.as_list()[0])
            v.load(rng.uniform(-limit, limit, v.shape.as_list()).astype(np.float32), sess)

    # %% Fit all training data
    batch_size = 50
    n_epochs = 1  # 10 in the original
    for epoch_i in range(n_epochs):  # noqa: B007 - the author's loop
        for batch_i in range(10):  # noqa: B007 - mnist.train.num_examples // batch_size
            batch_xs, _ = mnist.train.next_batch(batch_size)
            train = np.array([img - mean_img for img in batch_xs])
            sess.run(optimizer, feed_dict={ae['x']: train})
        cost = sess.run(ae['cost'], feed_dict={ae['x']: train})

    # %% Example reconstructions (plotted in the original)
    n_examples = 15
    test_xs, _ = mnist.test.next_batch(n_examples)
    test_xs_norm = np.array([img - mean_img for img in test_xs])
    recon = sess.run(ae['y'], feed_dict={ae['x']: test_xs_norm})
    images = [np.reshape([recon[example_i, :] + mean_img], (28, 28))
              for example_i in range(n_examples)]
    sess.close()
    return {"cost": float(cost), "recon_sum": float(np.sum(images)),
            "recon_abs_sum": float(np.abs(recon).sum()), "z_shape": ae['z'].shape.as_list()}
