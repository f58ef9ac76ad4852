"""A denoising autoencoder with tied weights: Parag K. Mital's "tensorflow_tutorials"
(github.com/pkmital/tensorflow_tutorials at commit c3eefe5,
``python/08_denoising_autoencoder.py``, with ``corrupt`` from ``python/libs/utils.py``:
``tf.multiply(x, tf.cast(tf.random_uniform(shape=tf.shape(x), minval=0, maxval=2,
dtype=tf.int32), tf.float32))``). A ``[1]``-shaped ``corrupt_prob`` placeholder mixes
``corrupt(x) * corrupt_prob + x * (1 - corrupt_prob)``; tanh encoder layers with
``tf.random_uniform`` weights, a tied decoder (``tf.transpose``), the cost
``sqrt(reduce_mean(square(y - x)))``; Adam at 0.001 on mean-subtracted mini-batches of 50
fed ``corrupt_prob: [1.0]``, then reconstructions of clean test images (``[0.0]``).

Adapted: the MNIST download is the bundled digits in MNIST's shapes
(``common.read_data_sets``); 10 epochs -> 1 of 12 batches; the weights start from the same
NumPy draw of the author's uniform distribution on both backends; the corruption mask,
the output of ``corrupt``'s ``tf.random_uniform`` op (the graph's tensor
``random_uniform:0``), is fed a seeded NumPy draw of 0s and 1s, so both backends corrupt
alike (a TF1 session may feed any tensor; the random streams are backend-specific); the
reconstruction plots are dropped (the images are summed), the printed costs returned.
"""

from __future__ import annotations

import math

import numpy as np

from tests.compat.programs.common import read_data_sets

COMPARE = {"cost": 1e-4, "clean_cost": 1e-4, "recon_sum": 1e-4, "mask_op": 0.0}


def main(tf):
    def corrupt(x):
        """Take an input tensor and add uniform masking (libs/utils.py)."""
        return tf.multiply(x, tf.cast(tf.random_uniform(shape=tf.shape(x),
                                                        minval=0,
                                                        maxval=2,
                                                        dtype=tf.int32), tf.float32))

    def autoencoder(dimensions=[784, 512, 256, 64]):  # noqa: B006 - the author's default
        """Build a deep denoising autoencoder w/ tied weights."""
        # input to the network
        x = tf.placeholder(tf.float32, [None, dimensions[0]], name='x')

        # Probability that we will corrupt input.
        corrupt_prob = tf.placeholder(tf.float32, [1])
        current_input = corrupt(x) * corrupt_prob + x * (1 - corrupt_prob)

        # Build the encoder
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
        # latent representation
        z = current_input
        encoder.reverse()
        # Build the decoder using the same weights
        for layer_i, n_output in enumerate(dimensions[:-1][::-1]):
            W = tf.transpose(encoder[layer_i])
            b = tf.Variable(tf.zeros([n_output]))
            output = tf.nn.tanh(tf.matmul(current_input, W) + b)
            current_input = output
        # now have the reconstruction through the network
        y = current_input
        # cost function measures pixel-wise difference
        cost = tf.sqrt(tf.reduce_mean(tf.square(y - x)))
        return {'x': x, 'z': z, 'y': y,
                'corrupt_prob': corrupt_prob,
                'cost': cost}

    # test_mnist
    mnist = read_data_sets('MNIST_data', one_hot=True)
    mean_img = np.mean(mnist.train.images, axis=0)
    ae = autoencoder(dimensions=[784, 256, 64])
    mask = tf.get_default_graph().get_tensor_by_name("random_uniform:0")

    learning_rate = 0.001
    optimizer = tf.train.AdamOptimizer(learning_rate).minimize(ae['cost'])

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    rng = np.random.RandomState(8)
    for v in tf.trainable_variables():  # the author's uniform draw, from NumPy
        if len(v.shape) == 2:
            limit = 1.0 / math.sqrt(v.shape.as_list()[0])
            v.load(rng.uniform(-limit, limit, v.shape.as_list()).astype(np.float32), sess)

    # Fit all training data
    batch_size = 50
    n_epochs = 1  # 10 in the original
    for epoch_i in range(n_epochs):  # noqa: B007 - the author's loop
        for batch_i in range(12):  # noqa: B007 - mnist.train.num_examples // batch_size
            batch_xs, _ = mnist.train.next_batch(batch_size)
            train = np.array([img - mean_img for img in batch_xs])
            sess.run(optimizer, feed_dict={
                ae['x']: train, ae['corrupt_prob']: [1.0],
                mask: rng.randint(0, 2, train.shape)})
        cost = sess.run(ae['cost'], feed_dict={
            ae['x']: train, ae['corrupt_prob']: [1.0],
            mask: rng.randint(0, 2, train.shape)})

    # Example reconstructions (plotted in the original)
    n_examples = 15
    test_xs, _ = mnist.test.next_batch(n_examples)
    test_xs_norm = np.array([img - mean_img for img in test_xs])
    recon, clean_cost = sess.run([ae['y'], ae['cost']], feed_dict={
        ae['x']: test_xs_norm, ae['corrupt_prob']: [0.0],
        mask: rng.randint(0, 2, test_xs_norm.shape)})
    images = [np.reshape([recon[example_i, :] + mean_img], (28, 28))
              for example_i in range(n_examples)]
    sess.close()
    return {"cost": float(cost), "clean_cost": float(clean_cost),
            "recon_sum": float(np.sum(images)), "mask_op": [mask.op.type]}
