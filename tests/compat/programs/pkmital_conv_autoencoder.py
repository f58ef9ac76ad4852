"""A convolutional autoencoder with tied weights: Parag K. Mital's "tensorflow_tutorials"
(github.com/pkmital/tensorflow_tutorials at commit c3eefe5,
``python/09_convolutional_autoencoder.py``, with ``lrelu`` from
``python/libs/activations.py``). A 2-D input is reshaped to a square image (``np.sqrt``
of the static width, ``ValueError`` if not square); three 3x3 stride-2 ``tf.nn.conv2d``
layers of 10 filters with ``tf.random_uniform`` weights and leaky rectifiers, recording
each input's static shape; the decoder runs the same filters back through
``tf.nn.conv2d_transpose`` with an ``output_shape`` of ``tf.stack([tf.shape(x)[0],
...])``; the cost ``reduce_sum(square(y - x_tensor))``; Adam at 0.01 on mean-subtracted
mini-batches of 100, then reconstructions of test images.

Adapted: the MNIST download is the bundled digits in MNIST's shapes
(``common.read_data_sets``); 10 epochs -> 1 of 8 batches; the filters start from the same
NumPy draw of the author's uniform distribution on both backends (``tf.random_uniform``'s
stream is backend-specific); the reconstruction plots are dropped (the images are
summed), the printed cost and shape returned.
"""

from __future__ import annotations

import math

import numpy as np

from tests.compat.programs.common import read_data_sets

COMPARE = {"cost": 1e-4, "recon_shape": 0.0, "z_shape": 0.0, "recon_sum": 1e-4,
           "first_cost": 1e-5}


def main(tf):
    def lrelu(x, leak=0.2, name="lrelu"):
        """Leaky rectifier (libs/activations.py)."""
        with tf.variable_scope(name):
            f1 = 0.5 * (1 + leak)
            f2 = 0.5 * (1 - leak)
            return f1 * x + f2 * abs(x)

    def corrupt(x):
        """Take an input tensor and add uniform masking (libs/utils.py)."""
        return tf.multiply(x, tf.cast(tf.random_uniform(shape=tf.shape(x),
                                                        minval=0,
                                                        maxval=2,
                                                        dtype=tf.int32), tf.float32))

    def autoencoder(input_shape=[None, 784],  # noqa: B006 - the author's defaults
                    n_filters=[1, 10, 10, 10],  # noqa: B006
                    filter_sizes=[3, 3, 3, 3],  # noqa: B006
                    corruption=False):
        """Build a deep denoising autoencoder w/ tied weights."""
        # %% input to the network
        x = tf.placeholder(
            tf.float32, input_shape, name='x')

        # %% ensure 2-d is converted to square tensor.
        if len(x.get_shape()) == 2:
            x_dim = np.sqrt(x.get_shape().as_list()[1])
            if x_dim != int(x_dim):
                raise ValueError('Unsupported input dimensions')
            x_dim = int(x_dim)
            x_tensor = tf.reshape(
                x, [-1, x_dim, x_dim, n_filters[0]])
        elif len(x.get_shape()) == 4:
            x_tensor = x
        else:
            raise ValueError('Unsupported input dimensions')
        current_input = x_tensor

        # %% Optionally apply denoising autoencoder
        if corruption:
            current_input = corrupt(current_input)

        # %% Build the encoder
        encoder = []
        shapes = []
        for layer_i, n_output in enumerate(n_filters[1:]):
            n_input = current_input.get_shape().as_list()[3]
            shapes.append(current_input.get_shape().as_list())
            W = tf.Variable(
                tf.random_uniform([
                    filter_sizes[layer_i],
                    filter_sizes[layer_i],
                    n_input, n_output],
                    -1.0 / math.sqrt(n_input),
                    1.0 / math.sqrt(n_input)))
            b = tf.Variable(tf.zeros([n_output]))
            encoder.append(W)
            output = lrelu(
                tf.add(tf.nn.conv2d(
                    current_input, W, strides=[1, 2, 2, 1], padding='SAME'), b))
            current_input = output

        # %% store the latent representation
        z = current_input
        encoder.reverse()
        shapes.reverse()

        # %% Build the decoder using the same weights
        for layer_i, shape in enumerate(shapes):
            W = encoder[layer_i]
            b = tf.Variable(tf.zeros([W.get_shape().as_list()[2]]))
            output = lrelu(tf.add(
                tf.nn.conv2d_transpose(
                    current_input, W,
                    tf.stack([tf.shape(x)[0], shape[1], shape[2], shape[3]]),
                    strides=[1, 2, 2, 1], padding='SAME'), b))
            current_input = output

        # %% now have the reconstruction through the network
        y = current_input
        # cost function measures pixel-wise difference
        cost = tf.reduce_sum(tf.square(y - x_tensor))

        # %%
        return {'x': x, 'z': z, 'y': y, 'cost': cost}

    # test_mnist
    mnist = read_data_sets('MNIST_data', one_hot=True)
    mean_img = np.mean(mnist.train.images, axis=0)
    ae = autoencoder()

    learning_rate = 0.01
    optimizer = tf.train.AdamOptimizer(learning_rate).minimize(ae['cost'])

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    rng = np.random.RandomState(9)
    for v in tf.trainable_variables():  # the author's uniform draw, from NumPy
        if len(v.shape) == 4:
            limit = 1.0 / math.sqrt(v.shape.as_list()[2])
            v.load(rng.uniform(-limit, limit, v.shape.as_list()).astype(np.float32), sess)

    # %% Fit all training data
    batch_size = 100
    n_epochs = 1  # 10 in the original
    costs = []
    for epoch_i in range(n_epochs):  # noqa: B007 - the author's loop
        for batch_i in range(8):  # noqa: B007 - mnist.train.num_examples // batch_size
            batch_xs, _ = mnist.train.next_batch(batch_size)
            train = np.array([img - mean_img for img in batch_xs])
            sess.run(optimizer, feed_dict={ae['x']: train})
            costs.append(sess.run(ae['cost'], feed_dict={ae['x']: train}))

    # %% Example reconstructions (plotted in the original)
    n_examples = 10
    test_xs, _ = mnist.test.next_batch(n_examples)
    test_xs_norm = np.array([img - mean_img for img in test_xs])
    recon = sess.run(ae['y'], feed_dict={ae['x']: test_xs_norm})
    images = [np.reshape(np.reshape(recon[example_i, ...], (784,)) + mean_img, (28, 28))
              for example_i in range(n_examples)]
    sess.close()
    return {"first_cost": float(costs[0]), "cost": float(costs[-1]),
            "recon_shape": list(recon.shape), "z_shape": ae['z'].shape.as_list(),
            "recon_sum": float(np.sum(images))}
