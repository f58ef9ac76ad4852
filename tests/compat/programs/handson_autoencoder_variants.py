"""Denoising, sparse and variational autoencoders from Aurélien Géron's "Hands-On
Machine Learning" (1st edition), chapter 15: ``ageron/handson-ml``,
``15_autoencoders.ipynb`` at commit b7051594afbb1d835f5e031af8664c4363878050 (sections
"Stacked denoising Autoencoder" (Gaussian noise and dropout), "Sparse Autoencoder",
"Variational Autoencoder", "Generate digits", "Encode & Decode" and "Interpolate
digits"). Four ``tf.layers.dense`` ReLU layers reconstructing ``X`` from ``X +
noise_level * tf.random_normal(tf.shape(X))`` and from ``tf.layers.dropout(X,
dropout_rate, training=training)``; a 1000-unit sigmoid coding layer whose batch mean is
pulled towards ``sparsity_target`` by the notebook's ``kl_divergence`` (``tf.log``),
weighted into the loss; its cross-entropy variant (``sigmoid_cross_entropy_with_
logits`` on the output logits); the variational autoencoder of ELU layers
(``functools.partial(tf.layers.dense, activation=tf.nn.elu, kernel_initializer=
variance_scaling_initializer())``) with codings ``hidden3_mean + hidden3_sigma * noise``
and the latent loss ``0.5 * sum(sigma^2 + mean^2 - 1 - log(eps + sigma^2))``, then its
``hidden3_gamma`` variant (``tf.exp(0.5 * gamma)``), which generates digits by feeding
``np.random.normal`` codings into ``hidden3``, encodes and decodes test digits through
a restored checkpoint, and interpolates between codings.

Adapted: MNIST from the bundled digits (``common.read_data_sets``); one epoch per model
(9 batches of 150, or one of 1000 for the sparse autoencoder) instead of 5-100; the
random parts fed from NumPy, as each library's random streams differ: the Gaussian
noisy input is fed as ``X_noisy`` (``X_batch`` plus a ``np.random`` draw), the dropout
autoencoder trains with ``training`` left at its default ``False`` (dropout off; the
graph's own noise and dropout mask are checked only by their statistics: the noise's mean
and standard deviation over 117,600 draws, the kept fraction and the kept values
``1 / 0.7``, with tolerances of about five standard errors of the difference of two
independent draws), and the
VAEs' ``noise`` tensor is fed a ``np.random.normal`` draw at every run that needs it;
the first (sigma) VAE is trained for a single step: its latent loss's gradient
``-1 / sigma`` is huge at the codings whose ``sigma`` lands near zero (the smallest of
the 3000 was about 2e-4 at the start), where the last digits of ``sigma`` depend on the order a
library sums the dense layer's products, and Adam's next steps carry that difference
on (in a nine-step run: 0.2% of the latent loss after one step, 4% after two, 7% after
nine; measured against TF 2.21, which shows the same spread; the reason the notebook
moves on to the ``gamma`` variant), so after one step the latent loss is compared to
0.5%; ``mnist.test.next_batch`` becomes the first ``batch_size`` test images; plots replaced
by sums; checkpoints in a temporary directory; each model in its own ``tf.Graph()``
instead of ``reset_graph()``; every weight matrix ``same_start``'s NumPy draw. TF 2.x has
no ``tf.contrib``: the reference run takes ``variance_scaling_initializer`` from
``tf_slim.layers``; trainkit runs its own ``tf.contrib.layers``.
"""

# ruff: noqa: B007 - the notebook's loop variables are kept

from __future__ import annotations

import os
import shutil
import tempfile
from functools import partial

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start
from tests.compat.programs.dcgan_contrib_bn import contrib_layers

COMPARE = {"gaussian_mse": 1e-4, "dropout_mse": 1e-4, "dropout_eval_equal": 0.0,
           "noise_mean": 0.02, "noise_std": 0.015, "dropout_kept_fraction": 0.01,
           "dropout_kept_values": 0.0,
           "sparse_mse": 1e-4, "sparse_loss": 1e-4, "sparse_xent": 1e-4,
           "vae_first_latent": 1e-5, "vae_loss": 1e-4, "vae_latent": 5e-3, "vae2_loss": 1e-4,
           "vae2_reconstruction": 1e-4, "generated_sum": 1e-4, "codings_sum": 1e-4,
           "decoded_sum": 1e-4, "interpolated_sums": 1e-4}


def main(tf):
    def reset_graph(seed=42):
        tf.set_random_seed(seed)
        np.random.seed(seed)

    contrib = contrib_layers(tf)
    mnist = read_data_sets("/tmp/data/")
    tmp = tempfile.mkdtemp()
    out = {}

    n_inputs = 28 * 28
    n_hidden1 = 300
    n_hidden2 = 150  # codings
    n_hidden3 = n_hidden1
    n_outputs = n_inputs
    learning_rate = 0.01
    n_epochs = 1
    batch_size = 150

    # Stacked denoising Autoencoder, using Gaussian noise
    with tf.Graph().as_default():
        reset_graph()
        noise_level = 1.0

        X = tf.placeholder(tf.float32, shape=[None, n_inputs])
        X_noisy = X + noise_level * tf.random_normal(tf.shape(X))

        hidden1 = tf.layers.dense(X_noisy, n_hidden1, activation=tf.nn.relu,
                                  name="hidden1")
        hidden2 = tf.layers.dense(hidden1, n_hidden2, activation=tf.nn.relu,  # not shown
                                  name="hidden2")                             # not shown
        hidden3 = tf.layers.dense(hidden2, n_hidden3, activation=tf.nn.relu,  # not shown
                                  name="hidden3")                             # not shown
        outputs = tf.layers.dense(hidden3, n_outputs, name="outputs")         # not shown

        reconstruction_loss = tf.reduce_mean(tf.square(outputs - X))  # MSE
        optimizer = tf.train.AdamOptimizer(learning_rate)
        training_op = optimizer.minimize(reconstruction_loss)

        init = tf.global_variables_initializer()
        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=1)
            for epoch in range(n_epochs):
                n_batches = mnist.train.num_examples // batch_size
                for iteration in range(n_batches):
                    X_batch, y_batch = mnist.train.next_batch(batch_size)
                    noisy = X_batch + noise_level * np.random.normal(size=X_batch.shape)
                    sess.run(training_op, feed_dict={X: X_batch, X_noisy: noisy})
                loss_train = reconstruction_loss.eval(feed_dict={X: X_batch,
                                                                 X_noisy: noisy})
            # the graph's own noise, unfed: only its statistics can match
            own_noise = X_noisy.eval(feed_dict={X: X_batch}) - X_batch
        out["gaussian_mse"] = float(loss_train)
        out["noise_mean"] = float(own_noise.mean())
        out["noise_std"] = float(own_noise.std())

    # Using dropout
    with tf.Graph().as_default():
        reset_graph()
        dropout_rate = 0.3

        training = tf.placeholder_with_default(False, shape=(), name='training')

        X = tf.placeholder(tf.float32, shape=[None, n_inputs])
        X_drop = tf.layers.dropout(X, dropout_rate, training=training)

        hidden1 = tf.layers.dense(X_drop, n_hidden1, activation=tf.nn.relu,
                                  name="hidden1")
        hidden2 = tf.layers.dense(hidden1, n_hidden2, activation=tf.nn.relu,  # not shown
                                  name="hidden2")                             # not shown
        hidden3 = tf.layers.dense(hidden2, n_hidden3, activation=tf.nn.relu,  # not shown
                                  name="hidden3")                             # not shown
        outputs = tf.layers.dense(hidden3, n_outputs, name="outputs")         # not shown

        reconstruction_loss = tf.reduce_mean(tf.square(outputs - X))  # MSE
        optimizer = tf.train.AdamOptimizer(learning_rate)
        training_op = optimizer.minimize(reconstruction_loss)

        init = tf.global_variables_initializer()
        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=2)
            for epoch in range(n_epochs):
                n_batches = mnist.train.num_examples // batch_size
                for iteration in range(n_batches):
                    X_batch, y_batch = mnist.train.next_batch(batch_size)
                    sess.run(training_op, feed_dict={X: X_batch})  # training: False
                loss_train = reconstruction_loss.eval(feed_dict={X: X_batch})
            # evaluation (training=False) passes the input through unchanged
            out["dropout_eval_equal"] = [bool(np.array_equal(
                X_drop.eval(feed_dict={X: X_batch}), X_batch))]
            # training=True: each library's own mask, so only its statistics can match
            ones = np.ones((150, n_inputs), np.float32)
            dropped = X_drop.eval(feed_dict={X: ones, training: True})
        out["dropout_kept_fraction"] = float(np.mean(dropped != 0))
        out["dropout_kept_values"] = sorted({round(float(v), 5) for v in np.unique(dropped)})
        out["dropout_mse"] = float(loss_train)

    # Sparse Autoencoder
    def kl_divergence(p, q):
        # Kullback Leibler divergence
        return p * tf.log(p / q) + (1 - p) * tf.log((1 - p) / (1 - q))

    with tf.Graph().as_default():
        reset_graph()
        n_hidden1 = 1000  # sparse codings
        learning_rate = 0.01
        sparsity_target = 0.1
        sparsity_weight = 0.2

        X = tf.placeholder(tf.float32, shape=[None, n_inputs])             # not shown

        hidden1 = tf.layers.dense(X, n_hidden1, activation=tf.nn.sigmoid)  # not shown
        outputs = tf.layers.dense(hidden1, n_outputs)                      # not shown

        hidden1_mean = tf.reduce_mean(hidden1, axis=0)  # batch mean
        sparsity_loss = tf.reduce_sum(kl_divergence(sparsity_target, hidden1_mean))
        reconstruction_loss = tf.reduce_mean(tf.square(outputs - X))  # MSE
        loss = reconstruction_loss + sparsity_weight * sparsity_loss

        optimizer = tf.train.AdamOptimizer(learning_rate)
        training_op = optimizer.minimize(loss)

        # the cross-entropy variant the notebook shows next
        logits = tf.layers.dense(hidden1, n_outputs)
        outputs_xent = tf.nn.sigmoid(logits)  # noqa: F841
        xentropy = tf.nn.sigmoid_cross_entropy_with_logits(labels=X, logits=logits)
        xent_loss = tf.reduce_mean(xentropy) + sparsity_weight * sparsity_loss
        xent_training_op = tf.train.AdamOptimizer(learning_rate).minimize(xent_loss)

        init = tf.global_variables_initializer()
        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=3)
            for epoch in range(2):
                X_batch, y_batch = mnist.train.next_batch(1000)
                sess.run(training_op, feed_dict={X: X_batch})
            reconstruction_loss_val, sparsity_loss_val, loss_val = sess.run(
                [reconstruction_loss, sparsity_loss, loss], feed_dict={X: X_batch})
            for epoch in range(2):
                sess.run(xent_training_op, feed_dict={X: X_batch})
            out["sparse_xent"] = float(xent_loss.eval(feed_dict={X: X_batch}))
        out["sparse_mse"] = float(reconstruction_loss_val)
        out["sparse_loss"] = float(loss_val)

    n_hidden1 = 500
    n_hidden2 = 500
    n_hidden3 = 20  # codings
    n_hidden4 = n_hidden2
    n_hidden5 = n_hidden1
    learning_rate = 0.001

    # Variational Autoencoder
    with tf.Graph().as_default():
        reset_graph()
        initializer = contrib.variance_scaling_initializer()

        my_dense_layer = partial(
            tf.layers.dense,
            activation=tf.nn.elu,
            kernel_initializer=initializer)

        X = tf.placeholder(tf.float32, [None, n_inputs])
        hidden1 = my_dense_layer(X, n_hidden1)
        hidden2 = my_dense_layer(hidden1, n_hidden2)
        hidden3_mean = my_dense_layer(hidden2, n_hidden3, activation=None)
        hidden3_sigma = my_dense_layer(hidden2, n_hidden3, activation=None)
        noise = tf.random_normal(tf.shape(hidden3_sigma), dtype=tf.float32)
        hidden3 = hidden3_mean + hidden3_sigma * noise
        hidden4 = my_dense_layer(hidden3, n_hidden4)
        hidden5 = my_dense_layer(hidden4, n_hidden5)
        logits = my_dense_layer(hidden5, n_outputs, activation=None)
        outputs = tf.sigmoid(logits)

        xentropy = tf.nn.sigmoid_cross_entropy_with_logits(labels=X, logits=logits)
        reconstruction_loss = tf.reduce_sum(xentropy)
        eps = 1e-10  # smoothing term to avoid computing log(0) which is NaN
        latent_loss = 0.5 * tf.reduce_sum(
            tf.square(hidden3_sigma) + tf.square(hidden3_mean)
            - 1 - tf.log(eps + tf.square(hidden3_sigma)))
        loss = reconstruction_loss + latent_loss

        optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
        training_op = optimizer.minimize(loss)

        init = tf.global_variables_initializer()
        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=4)
            for epoch in range(n_epochs):
                n_batches = 1  # see the docstring: 1/sigma amplifies rounding
                for iteration in range(n_batches):
                    X_batch, y_batch = mnist.train.next_batch(batch_size)
                    draw = np.random.normal(size=[len(X_batch), n_hidden3])
                    if iteration == 0:
                        out["vae_first_latent"] = float(latent_loss.eval(
                            feed_dict={X: X_batch, noise: draw}))
                    sess.run(training_op, feed_dict={X: X_batch, noise: draw})
                loss_val, reconstruction_loss_val, latent_loss_val = sess.run(
                    [loss, reconstruction_loss, latent_loss],
                    feed_dict={X: X_batch, noise: draw})
        out["vae_loss"] = float(loss_val)
        out["vae_latent"] = float(latent_loss_val)

    # Variational Autoencoder, the gamma variant; Generate digits
    with tf.Graph().as_default():
        reset_graph()
        initializer = contrib.variance_scaling_initializer()
        my_dense_layer = partial(
            tf.layers.dense,
            activation=tf.nn.elu,
            kernel_initializer=initializer)

        X = tf.placeholder(tf.float32, [None, n_inputs])
        hidden1 = my_dense_layer(X, n_hidden1)
        hidden2 = my_dense_layer(hidden1, n_hidden2)
        hidden3_mean = my_dense_layer(hidden2, n_hidden3, activation=None)
        hidden3_gamma = my_dense_layer(hidden2, n_hidden3, activation=None)
        noise = tf.random_normal(tf.shape(hidden3_gamma), dtype=tf.float32)
        hidden3 = hidden3_mean + tf.exp(0.5 * hidden3_gamma) * noise
        hidden4 = my_dense_layer(hidden3, n_hidden4)
        hidden5 = my_dense_layer(hidden4, n_hidden5)
        logits = my_dense_layer(hidden5, n_outputs, activation=None)
        outputs = tf.sigmoid(logits)

        xentropy = tf.nn.sigmoid_cross_entropy_with_logits(labels=X, logits=logits)
        reconstruction_loss = tf.reduce_sum(xentropy)
        latent_loss = 0.5 * tf.reduce_sum(
            tf.exp(hidden3_gamma) + tf.square(hidden3_mean) - 1 - hidden3_gamma)
        loss = reconstruction_loss + latent_loss

        optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
        training_op = optimizer.minimize(loss)

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()
        n_digits = 60

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=5)
            for epoch in range(n_epochs):
                n_batches = mnist.train.num_examples // batch_size
                for iteration in range(n_batches):
                    X_batch, y_batch = mnist.train.next_batch(batch_size)
                    draw = np.random.normal(size=[len(X_batch), n_hidden3])
                    sess.run(training_op, feed_dict={X: X_batch, noise: draw})
                loss_val, reconstruction_loss_val, latent_loss_val = sess.run(
                    [loss, reconstruction_loss, latent_loss],
                    feed_dict={X: X_batch, noise: draw})
                saver.save(sess, os.path.join(tmp, "my_model_variational.ckpt"))

            codings_rnd = np.random.normal(size=[n_digits, n_hidden3])
            outputs_val = outputs.eval(feed_dict={hidden3: codings_rnd})
        out["vae2_loss"] = float(loss_val)
        out["vae2_reconstruction"] = float(reconstruction_loss_val)
        out["generated_sum"] = float(np.sum(outputs_val))

        # Encode & Decode
        n_digits = 3
        X_test = mnist.test.images[:batch_size]
        codings = hidden3

        with tf.Session() as sess:
            saver.restore(sess, os.path.join(tmp, "my_model_variational.ckpt"))
            draw = np.random.normal(size=[len(X_test), n_hidden3])
            codings_val = codings.eval(feed_dict={X: X_test, noise: draw})

        with tf.Session() as sess:
            saver.restore(sess, os.path.join(tmp, "my_model_variational.ckpt"))
            outputs_val = outputs.eval(feed_dict={codings: codings_val})
        out["codings_sum"] = float(np.sum(np.abs(codings_val[:n_digits])))
        out["decoded_sum"] = float(np.sum(outputs_val[:n_digits]))

        # Interpolate digits
        n_iterations = 3
        n_digits = 6
        codings_rnd = np.random.normal(size=[n_digits, n_hidden3])
        interpolated = []

        with tf.Session() as sess:
            saver.restore(sess, os.path.join(tmp, "my_model_variational.ckpt"))
            target_codings = np.roll(codings_rnd, -1, axis=0)
            for iteration in range(n_iterations + 1):
                codings_interpolate = codings_rnd + (target_codings - codings_rnd) * \
                    iteration / n_iterations
                outputs_val = outputs.eval(feed_dict={codings: codings_interpolate})
                interpolated.append(float(np.sum(outputs_val)))
        out["interpolated_sums"] = float(np.sum(np.array(interpolated) * np.arange(1, 5)))
    shutil.rmtree(tmp, ignore_errors=True)
    return out
