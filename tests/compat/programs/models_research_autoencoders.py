"""tensorflow/models' ``research/autoencoder``: the classes of
``autoencoder_models/DenoisingAutoencoder.py`` (``AdditiveGaussianNoiseAutoencoder``,
``MaskingNoiseAutoencoder``) and ``autoencoder_models/VariationalAutoencoder.py`` (read
at tensorflow/models@4f77686), each owning its ``tf.compat.v1.Session`` and exposing
``partial_fit`` / ``calc_total_cost`` / ``transform`` / ``generate`` / ``reconstruct`` /
``getWeights``, driven by their runner scripts ``AdditiveGaussianNoiseAutoencoderRunner.py``,
``MaskingNoiseAutoencoderRunner.py`` and ``VariationalAutoencoderRunner.py`` (epochs of
``get_random_block_from_data`` batches, the cost averaged per epoch, the total cost of the
test set at the end). The three runners are three processes upstream: here each runs in
a fresh default graph.

Adapted: ``input_data`` is the bundled digits (``common.read_data_sets``); scikit-learn's
``StandardScaler`` and ``MinMaxScaler`` are their NumPy formulas (population standard
deviation, a zero scale taken as 1); 5 epochs instead of 20 / 100 / 20;
``np.random.seed(0)`` before each runner so both backends take the same blocks;
``tf.contrib.layers.xavier_initializer()`` is ``tf.glorot_uniform_initializer()`` under
TF 2.21 (no contrib) and the ``w1``/``log_sigma_w1`` draws are replaced by the same NumPy
Glorot draw on both backends (the zero-initialized variables stay zero);
``generate`` is called with a fixed hidden vector; the printed costs are returned.

Each model draws noise in the graph without a seed (the additive Gaussian noise, the
masking dropout, the VAE's ``eps``), so each backend trains on different noise: the
additive noise is tiny (scale 0.01) and its costs agree to 1e-3; the masking and
variational costs are compared loosely (measured: two trainkit runs differ from each
other about as much as from TF)."""

# Copyright 2016 The TensorFlow Authors. Licensed under the Apache License, Version
# 2.0 (http://www.apache.org/licenses/LICENSE-2.0); modified as described above.

# ruff: noqa: UP031, UP004, UP032, B007 - the authors' code is kept as written

from __future__ import annotations

import contextlib
import io

import numpy as np

from tests.compat.programs.common import read_data_sets

# Measured over five trainkit runs and two TF 2.21 runs: the additive-noise costs and
# weight norm within 8e-4 relative, masking within 1 %, the VAE's costs within 2.5 % and
# the norm of a decoded fixed latent vector 1.56-1.84; the tolerances are about three
# times the spread (the noise is unseeded, so every run of the
# suite draws afresh).
COMPARE = {"agn_epoch_costs": 0.0, "agn_last_epoch_cost": 3e-3, "agn_total_cost": 3e-3,
           "agn_weights_norm": 3e-3, "masking_last_epoch_cost": 0.03,
           "masking_total_cost": 0.02, "masking_hidden_mean": 0.02,
           "vae_last_epoch_cost": 0.08, "vae_total_cost": 0.08,
           "vae_generated_norm": 0.25, "shapes": 0.0}


class _InputData:
    read_data_sets = staticmethod(read_data_sets)


input_data = _InputData()


class _Prep:
    """sklearn.preprocessing's two scalers, as NumPy formulas (adapted)."""

    class StandardScaler:
        def fit(self, X):
            self.mean_, scale = X.mean(axis=0), X.std(axis=0)
            self.scale_ = np.where(scale == 0.0, 1.0, scale)
            return self

        def transform(self, X):
            return (X - self.mean_) / self.scale_

    class MinMaxScaler:
        def fit(self, X):
            self.min_, span = X.min(axis=0), X.max(axis=0) - X.min(axis=0)
            self.span_ = np.where(span == 0.0, 1.0, span)
            return self

        def transform(self, X):
            return (X - self.min_) / self.span_


prep = _Prep()


def _xavier(tf):
    if hasattr(tf, "contrib"):
        return tf.contrib.layers.xavier_initializer()
    return tf.glorot_uniform_initializer()


def _same_xavier(model, tf, names):
    """The same Glorot-uniform draw for the named weights on both backends (adapted)."""
    rng = np.random.RandomState(0)
    for name in names:
        var = model.weights[name]
        fan_in, fan_out = var.shape.as_list()
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        var.load(rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32),
                 model.sess)


def _models(tf):
    """The two model files, as published (class bodies unchanged)."""

    class xavier:  # noqa: N801 - stands for tf.contrib.layers
        xavier_initializer = staticmethod(lambda: _xavier(tf))

    class AdditiveGaussianNoiseAutoencoder(object):
        def __init__(self, n_input, n_hidden, transfer_function=tf.nn.softplus,
                     optimizer=tf.train.AdamOptimizer(), scale=0.1):
            self.n_input = n_input
            self.n_hidden = n_hidden
            self.transfer = transfer_function
            self.scale = tf.placeholder(tf.float32)
            self.training_scale = scale
            network_weights = self._initialize_weights()
            self.weights = network_weights

            self.x = tf.placeholder(tf.float32, [None, self.n_input])
            self.hidden = self.transfer(tf.add(tf.matmul(
                self.x + scale * tf.random_normal((n_input,)),
                self.weights['w1']),
                self.weights['b1']))
            self.reconstruction = tf.add(tf.matmul(self.hidden, self.weights['w2']),
                                         self.weights['b2'])

            self.cost = 0.5 * tf.reduce_sum(tf.pow(tf.subtract(self.reconstruction,
                                                               self.x), 2.0))
            self.optimizer = optimizer.minimize(self.cost)

            init = tf.global_variables_initializer()
            self.sess = tf.compat.v1.Session()
            self.sess.run(init)

        def _initialize_weights(self):
            all_weights = dict()
            all_weights['w1'] = tf.get_variable(
                "w1", shape=[self.n_input, self.n_hidden],
                initializer=xavier.xavier_initializer())
            all_weights['b1'] = tf.Variable(tf.zeros([self.n_hidden], dtype=tf.float32))
            all_weights['w2'] = tf.Variable(tf.zeros([self.n_hidden, self.n_input],
                                                     dtype=tf.float32))
            all_weights['b2'] = tf.Variable(tf.zeros([self.n_input], dtype=tf.float32))
            return all_weights

        def partial_fit(self, X):
            cost, opt = self.sess.run((self.cost, self.optimizer),
                                      feed_dict={self.x: X,
                                                 self.scale: self.training_scale})
            return cost

        def calc_total_cost(self, X):
            return self.sess.run(self.cost, feed_dict={self.x: X,
                                                       self.scale: self.training_scale})

        def transform(self, X):
            return self.sess.run(self.hidden, feed_dict={self.x: X,
                                                         self.scale: self.training_scale})

        def generate(self, hidden=None):
            if hidden is None:
                hidden = self.sess.run(tf.random_normal([1, self.n_hidden]))
            return self.sess.run(self.reconstruction, feed_dict={self.hidden: hidden})

        def reconstruct(self, X):
            return self.sess.run(self.reconstruction,
                                 feed_dict={self.x: X, self.scale: self.training_scale})

        def getWeights(self):
            return self.sess.run(self.weights['w1'])

        def getBiases(self):
            return self.sess.run(self.weights['b1'])

    class MaskingNoiseAutoencoder(object):
        def __init__(self, n_input, n_hidden, transfer_function=tf.nn.softplus,
                     optimizer=tf.train.AdamOptimizer(), dropout_probability=0.95):
            self.n_input = n_input
            self.n_hidden = n_hidden
            self.transfer = transfer_function
            self.dropout_probability = dropout_probability
            self.keep_prob = tf.placeholder(tf.float32)

            network_weights = self._initialize_weights()
            self.weights = network_weights

            self.x = tf.placeholder(tf.float32, [None, self.n_input])
            self.hidden = self.transfer(tf.add(tf.matmul(tf.nn.dropout(self.x, self.keep_prob),
                                                         self.weights['w1']),
                                               self.weights['b1']))
            self.reconstruction = tf.add(tf.matmul(self.hidden, self.weights['w2']),
                                         self.weights['b2'])

            self.cost = 0.5 * tf.reduce_sum(tf.pow(tf.subtract(self.reconstruction,
                                                               self.x), 2.0))
            self.optimizer = optimizer.minimize(self.cost)

            init = tf.global_variables_initializer()
            self.sess = tf.compat.v1.Session()
            self.sess.run(init)

        def _initialize_weights(self):
            all_weights = dict()
            all_weights['w1'] = tf.get_variable(
                "w1", shape=[self.n_input, self.n_hidden],
                initializer=xavier.xavier_initializer())
            all_weights['b1'] = tf.Variable(tf.zeros([self.n_hidden], dtype=tf.float32))
            all_weights['w2'] = tf.Variable(tf.zeros([self.n_hidden, self.n_input],
                                                     dtype=tf.float32))
            all_weights['b2'] = tf.Variable(tf.zeros([self.n_input], dtype=tf.float32))
            return all_weights

        def partial_fit(self, X):
            cost, opt = self.sess.run((self.cost, self.optimizer),
                                      feed_dict={self.x: X,
                                                 self.keep_prob: self.dropout_probability})
            return cost

        def calc_total_cost(self, X):
            return self.sess.run(self.cost, feed_dict={self.x: X, self.keep_prob: 1.0})

        def transform(self, X):
            return self.sess.run(self.hidden, feed_dict={self.x: X, self.keep_prob: 1.0})

        def generate(self, hidden=None):
            if hidden is None:
                hidden = self.sess.run(tf.random_normal([1, self.n_hidden]))
            return self.sess.run(self.reconstruction, feed_dict={self.hidden: hidden})

        def reconstruct(self, X):
            return self.sess.run(self.reconstruction,
                                 feed_dict={self.x: X, self.keep_prob: 1.0})

        def getWeights(self):
            return self.sess.run(self.weights['w1'])

        def getBiases(self):
            return self.sess.run(self.weights['b1'])

    class VariationalAutoencoder(object):

        def __init__(self, n_input, n_hidden, optimizer=tf.train.AdamOptimizer()):
            self.n_input = n_input
            self.n_hidden = n_hidden

            network_weights = self._initialize_weights()
            self.weights = network_weights

            self.x = tf.placeholder(tf.float32, [None, self.n_input])
            self.z_mean = tf.add(tf.matmul(self.x, self.weights['w1']), self.weights['b1'])
            self.z_log_sigma_sq = tf.add(tf.matmul(self.x, self.weights['log_sigma_w1']),
                                         self.weights['log_sigma_b1'])

            eps = tf.random_normal(tf.stack([tf.shape(self.x)[0], self.n_hidden]), 0, 1,
                                   dtype=tf.float32)
            self.z = tf.add(self.z_mean, tf.multiply(tf.sqrt(tf.exp(self.z_log_sigma_sq)),
                                                     eps))

            self.reconstruction = tf.add(tf.matmul(self.z, self.weights['w2']),
                                         self.weights['b2'])

            reconstr_loss = 0.5 * tf.reduce_sum(tf.pow(tf.subtract(self.reconstruction,
                                                                   self.x), 2.0))
            latent_loss = -0.5 * tf.reduce_sum(1 + self.z_log_sigma_sq
                                               - tf.square(self.z_mean)
                                               - tf.exp(self.z_log_sigma_sq), 1)
            self.cost = tf.reduce_mean(reconstr_loss + latent_loss)
            self.optimizer = optimizer.minimize(self.cost)

            init = tf.global_variables_initializer()
            self.sess = tf.compat.v1.Session()
            self.sess.run(init)

        def _initialize_weights(self):
            all_weights = dict()
            all_weights['w1'] = tf.get_variable(
                "w1", shape=[self.n_input, self.n_hidden],
                initializer=xavier.xavier_initializer())
            all_weights['log_sigma_w1'] = tf.get_variable(
                "log_sigma_w1", shape=[self.n_input, self.n_hidden],
                initializer=xavier.xavier_initializer())
            all_weights['b1'] = tf.Variable(tf.zeros([self.n_hidden], dtype=tf.float32))
            all_weights['log_sigma_b1'] = tf.Variable(tf.zeros([self.n_hidden],
                                                               dtype=tf.float32))
            all_weights['w2'] = tf.Variable(tf.zeros([self.n_hidden, self.n_input],
                                                     dtype=tf.float32))
            all_weights['b2'] = tf.Variable(tf.zeros([self.n_input], dtype=tf.float32))
            return all_weights

        def partial_fit(self, X):
            cost, opt = self.sess.run((self.cost, self.optimizer), feed_dict={self.x: X})
            return cost

        def calc_total_cost(self, X):
            return self.sess.run(self.cost, feed_dict={self.x: X})

        def transform(self, X):
            return self.sess.run(self.z_mean, feed_dict={self.x: X})

        def generate(self, hidden=None):
            if hidden is None:
                hidden = self.sess.run(tf.random_normal([1, self.n_hidden]))
            return self.sess.run(self.reconstruction, feed_dict={self.z: hidden})

        def reconstruct(self, X):
            return self.sess.run(self.reconstruction, feed_dict={self.x: X})

        def getWeights(self):
            return self.sess.run(self.weights['w1'])

        def getBiases(self):
            return self.sess.run(self.weights['b1'])

    return AdditiveGaussianNoiseAutoencoder, MaskingNoiseAutoencoder, VariationalAutoencoder


def _runner(tf, make_autoencoder, scale, training_epochs, adapt):
    """The runner scripts' shared body, as published (module level of each)."""
    mnist = input_data.read_data_sets('MNIST_data', one_hot=True)

    def standard_scale(X_train, X_test):
        preprocessor = scale().fit(X_train)
        X_train = preprocessor.transform(X_train)
        X_test = preprocessor.transform(X_test)
        return X_train, X_test

    def get_random_block_from_data(data, batch_size):
        start_index = np.random.randint(0, len(data) - batch_size)
        return data[start_index:(start_index + batch_size)]

    X_train, X_test = standard_scale(mnist.train.images, mnist.test.images)

    n_samples = int(mnist.train.num_examples)
    batch_size = 128
    display_step = 1

    autoencoder = make_autoencoder()
    adapt(autoencoder)

    for epoch in range(training_epochs):
        avg_cost = 0.
        total_batch = int(n_samples / batch_size)
        for i in range(total_batch):
            batch_xs = get_random_block_from_data(X_train, batch_size)

            cost = autoencoder.partial_fit(batch_xs)
            avg_cost += cost / n_samples * batch_size

        if epoch % display_step == 0:
            print("Epoch:", '%d,' % (epoch + 1),
                  "Cost:", "{:.9f}".format(avg_cost))

    print("Total cost: " + str(autoencoder.calc_total_cost(X_test)))
    return autoencoder, X_test


def _costs(printed):
    lines = printed.getvalue().splitlines()
    epochs = [float(ln.split()[-1]) for ln in lines if ln.startswith("Epoch:")]
    total = float([ln for ln in lines if ln.startswith("Total cost")][0].split()[-1])
    return epochs, total


def main(tf):
    out, shapes = {}, []
    hidden = np.linspace(-1.0, 1.0, 200, dtype=np.float32).reshape(1, 200)

    with tf.Graph().as_default():
        AGN, _, _ = _models(tf)
        np.random.seed(0)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            model, X_test = _runner(
                tf, lambda: AGN(n_input=784, n_hidden=200, transfer_function=tf.nn.softplus,
                                optimizer=tf.train.AdamOptimizer(learning_rate=0.001),
                                scale=0.01),
                prep.StandardScaler, 5, lambda m: _same_xavier(m, tf, ["w1"]))
        epochs, total = _costs(printed)
        out["agn_epoch_costs"] = [len(epochs)]
        out["agn_last_epoch_cost"] = epochs[-1]
        out["agn_total_cost"] = total
        out["agn_weights_norm"] = float(np.linalg.norm(model.getWeights()))
        shapes.append(list(model.transform(X_test[:5]).shape))
        model.sess.close()

    with tf.Graph().as_default():
        _, Masking, _ = _models(tf)
        np.random.seed(0)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            model, X_test = _runner(
                tf, lambda: Masking(n_input=784, n_hidden=200,
                                    transfer_function=tf.nn.softplus,
                                    optimizer=tf.train.AdamOptimizer(learning_rate=0.001),
                                    dropout_probability=0.95),
                prep.StandardScaler, 5, lambda m: _same_xavier(m, tf, ["w1"]))
        epochs, total = _costs(printed)
        out["masking_last_epoch_cost"] = epochs[-1]
        out["masking_total_cost"] = total
        out["masking_hidden_mean"] = float(model.transform(X_test).mean())
        shapes.append(list(model.reconstruct(X_test[:5]).shape))
        model.sess.close()

    with tf.Graph().as_default():
        _, _, VAE = _models(tf)
        np.random.seed(0)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            model, X_test = _runner(
                tf, lambda: VAE(n_input=784, n_hidden=200,
                                optimizer=tf.train.AdamOptimizer(learning_rate=0.001)),
                prep.MinMaxScaler, 5, lambda m: _same_xavier(m, tf, ["w1", "log_sigma_w1"]))
        epochs, total = _costs(printed)
        out["vae_last_epoch_cost"] = epochs[-1]
        out["vae_total_cost"] = total
        out["vae_generated_norm"] = float(np.linalg.norm(model.generate(hidden)))
        shapes.append(list(model.generate(hidden).shape))
        model.sess.close()
    out["shapes"] = shapes
    return out
