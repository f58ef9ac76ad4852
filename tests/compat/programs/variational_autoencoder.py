"""Variational autoencoder: aymericdamien's TensorFlow-Examples,
``tensorflow_v1/examples/3_NeuralNetworks/variational_autoencoder.py``. A tanh encoder to
a 2-D latent mean and log-variance, the reparameterised sample ``z_mean + exp(z_std / 2)
* eps`` with ``eps = random_normal(tf.shape(z_std))`` drawn in the graph, a sigmoid
decoder, the loss as the author writes it (``log(1e-10 + x)`` cross-entropy plus the KL
term), RMSProp 0.001; then the decoder rebuilt on a noise placeholder and the manifold of
generated digits decoded from a 20 x 20 grid of latent points.

Adapted: MNIST is the bundled digits in MNIST's shapes (``common.read_data_sets``);
hidden layer 128 instead of 512; 300 steps instead of 30000; the ``glorot_init``
(``random_normal``) starting weights are replaced by :func:`common.same_start` draws so
both backends start alike (biases too: the author draws them as well); the canvas is
summed instead of plotted. ``eps`` is drawn by each backend's own generator, so the
losses are compared loosely; the decoder of a fixed latent grid is deterministic given
the weights and is compared at the training's tolerance."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_loss": 0.01, "last_loss": 0.02, "canvas_mean": 0.02}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    learning_rate = 0.001
    num_steps = 300
    batch_size = 64
    image_dim = 784
    hidden_dim = 128
    latent_dim = 2

    def glorot_init(shape):
        return tf.random_normal(shape=shape, stddev=1. / tf.sqrt(shape[0] / 2.))

    weights = {
        'encoder_h1': tf.Variable(glorot_init([image_dim, hidden_dim])),
        'z_mean': tf.Variable(glorot_init([hidden_dim, latent_dim])),
        'z_std': tf.Variable(glorot_init([hidden_dim, latent_dim])),
        'decoder_h1': tf.Variable(glorot_init([latent_dim, hidden_dim])),
        'decoder_out': tf.Variable(glorot_init([hidden_dim, image_dim]))
    }
    biases = {
        'encoder_b1': tf.Variable(glorot_init([hidden_dim])),
        'z_mean': tf.Variable(glorot_init([latent_dim])),
        'z_std': tf.Variable(glorot_init([latent_dim])),
        'decoder_b1': tf.Variable(glorot_init([hidden_dim])),
        'decoder_out': tf.Variable(glorot_init([image_dim]))
    }

    input_image = tf.placeholder(tf.float32, shape=[None, image_dim])
    encoder = tf.matmul(input_image, weights['encoder_h1']) + biases['encoder_b1']
    encoder = tf.nn.tanh(encoder)
    z_mean = tf.matmul(encoder, weights['z_mean']) + biases['z_mean']
    z_std = tf.matmul(encoder, weights['z_std']) + biases['z_std']
    eps = tf.random_normal(tf.shape(z_std), dtype=tf.float32, mean=0., stddev=1.0,
                           name='epsilon')
    z = z_mean + tf.exp(z_std / 2) * eps

    decoder = tf.matmul(z, weights['decoder_h1']) + biases['decoder_b1']
    decoder = tf.nn.tanh(decoder)
    decoder = tf.matmul(decoder, weights['decoder_out']) + biases['decoder_out']
    decoder = tf.nn.sigmoid(decoder)

    def vae_loss(x_reconstructed, x_true):
        encode_decode_loss = x_true * tf.log(1e-10 + x_reconstructed) \
            + (1 - x_true) * tf.log(1e-10 + 1 - x_reconstructed)
        encode_decode_loss = -tf.reduce_sum(encode_decode_loss, 1)
        kl_div_loss = 1 + z_std - tf.square(z_mean) - tf.exp(z_std)
        kl_div_loss = -0.5 * tf.reduce_sum(kl_div_loss, 1)
        return tf.reduce_mean(encode_decode_loss + kl_div_loss)

    loss_op = vae_loss(decoder, input_image)
    optimizer = tf.train.RMSPropOptimizer(learning_rate=learning_rate)
    train_op = optimizer.minimize(loss_op)
    init = tf.global_variables_initializer()

    with tf.Session() as sess:
        sess.run(init)
        same_start(sess, tf, seed=7, biases=True)
        losses = []
        for _ in range(1, num_steps + 1):
            batch_x, _ = mnist.train.next_batch(batch_size)
            _, l = sess.run([train_op, loss_op], feed_dict={input_image: batch_x})  # noqa: E741
            losses.append(l)

        noise_input = tf.placeholder(tf.float32, shape=[None, latent_dim])
        decoder = tf.matmul(noise_input, weights['decoder_h1']) + biases['decoder_b1']
        decoder = tf.nn.tanh(decoder)
        decoder = tf.matmul(decoder, weights['decoder_out']) + biases['decoder_out']
        decoder = tf.nn.sigmoid(decoder)

        n = 20
        x_axis = np.linspace(-3, 3, n)
        y_axis = np.linspace(-3, 3, n)
        canvas = np.empty((28 * n, 28 * n))
        for i, yi in enumerate(x_axis):
            for j, xi in enumerate(y_axis):
                z_mu = np.array([[xi, yi]] * batch_size)
                x_mean = sess.run(decoder, feed_dict={noise_input: z_mu})
                canvas[(n - i - 1) * 28:(n - i) * 28, j * 28:(j + 1) * 28] = \
                    x_mean[0].reshape(28, 28)
    return {"first_loss": float(np.mean(losses[:10])), "last_loss": float(np.mean(losses[-50:])),
            "canvas_mean": float(canvas.mean())}
