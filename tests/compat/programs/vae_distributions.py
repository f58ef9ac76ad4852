"""A VAE with ``tf.distributions``: Donggeun Kwon's (Korea University) public TF1
implementation of Kingma et al.'s "Semi-Supervised Learning with Deep Generative Models"
(NIPS 2014), header "Created on Mon Jun 10 12:12:33 2019" (a GitHub file found through
the code index, which did not name its repository). Its M1 model: a softplus encoder to
``mu`` and ``sig = softplus(...)``, the reparameterised ``z = mu + random_normal * sig``, a
softplus decoder to logits, and the loss ``mean(tf.losses.sigmoid_cross_entropy) + 0.5 *
mean(tf.distributions.kl_divergence(tf.distributions.Normal(mu, sig),
tf.distributions.Normal(0, 1)))`` minimised by Adam, variables made by
``tf.get_variable`` under ``AUTO_REUSE`` scopes.

Adapted: MNIST is the bundled digits in MNIST's shapes (``common.read_data_sets``); the
author's unfinished M2 model and the tqdm / matplotlib plotting are left out; 84 steps
(6 epochs of 14 batches) instead of 100 epochs of 550; the ``truncated_normal`` starting
weights are replaced by :func:`common.same_start` draws so both backends start alike.
``eps`` is drawn by each backend's own generator, so the losses are compared loosely (1%,
the loss being a mean over 100 x 128 latent draws); the KL term at the starting weights
(read out with the author's own encoder and ``_get_dist``) is deterministic and compared
tightly."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"kl_start": 1e-5, "first_loss": 0.01, "last_loss": 0.01}


def main(tf):
    tf.logging.set_verbosity(tf.logging.ERROR)
    tf.set_random_seed(0)

    # fully connected hidden layer
    def fully_conn(x, n_hid, name):
        n_batch, n_dim = x.shape
        W = tf.get_variable(name + '_W', dtype=tf.float32,  # noqa: N806 - the author's
                            initializer=tf.truncated_normal([int(n_dim), n_hid], stddev=0.01))
        b = tf.get_variable(name + '_b', dtype=tf.float32, initializer=tf.zeros([n_hid]))

        return tf.matmul(x, W) + b

    # ordinary Variational Autoencoder
    class M1:
        def __init__(self, n_in, n_z):
            self.n_in = n_in
            self.n_z = n_z

        def _build_encoder(self, x):
            with tf.variable_scope('M1_encoder', reuse=tf.AUTO_REUSE):
                h1 = tf.nn.softplus(fully_conn(x, int(self.n_in / 2), 'M1_encoder1'))
                mu = fully_conn(h1, self.n_z, 'M1_mu')
                sig = tf.nn.softplus(fully_conn(h1, self.n_z, 'M1_sig'))

            return mu, sig

        def _build_decoder(self, z):
            with tf.variable_scope('M1_decoder', reuse=tf.AUTO_REUSE):
                h1 = tf.nn.softplus(fully_conn(z, int(self.n_in / 2), 'M1_decoder1'))
                y = fully_conn(h1, self.n_in, 'M1_output')

            return y

        # code edited
        def ELBO(self, mu, sig, y):  # noqa: N802 - the author's name
            loss_recon = tf.reduce_mean(tf.losses.sigmoid_cross_entropy(
                multi_class_labels=self.x, logits=y))
            loss_kld = tf.reduce_mean(tf.distributions.kl_divergence(
                self._get_dist(mu, sig),
                self._get_dist(tf.zeros([self.n_z]), tf.ones([self.n_z]))))
            return loss_recon + 0.5 * loss_kld

        def build(self):
            self.x = tf.placeholder(tf.float32, [None, self.n_in])
            self.lr = tf.placeholder(tf.float32, [])

            mu, sig = self._build_encoder(self.x)
            e = tf.random_normal(tf.shape(mu))
            self.z = mu + tf.multiply(e, sig)

            y = self._build_decoder(self.z)

            self.loss = self.ELBO(mu, sig, y)
            self.opt = tf.train.AdamOptimizer(self.lr).minimize(self.loss)

        def _get_dist(self, mu, sig):
            dist = tf.distributions.Normal(loc=mu, scale=sig)
            return dist

    # hyper parameters
    total_epoch = 60
    batch_size = 100
    n_in = 784
    n_z1 = 128
    lr = 1e-3
    mnist = read_data_sets('./MNIST-data/', one_hot=True)

    sess = tf.Session()
    m1 = M1(n_in, n_z1)
    m1.build()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=3)

    # read-out: the KL term at the starting weights, on the first batch
    mu0, sig0 = m1._build_encoder(m1.x)
    kl0 = tf.reduce_mean(tf.distributions.kl_divergence(
        m1._get_dist(mu0, sig0), m1._get_dist(tf.zeros([n_z1]), tf.ones([n_z1]))))
    kl_start = sess.run(kl0, feed_dict={m1.x: mnist.train.images[:batch_size]})

    losses = list()
    for _ in range(total_epoch // 10):
        total_loss = 0
        for _ in range(int(mnist.train.num_examples // batch_size)):
            tr_x, _ = mnist.train.next_batch(batch_size)
            loss, _ = sess.run([m1.loss, m1.opt], feed_dict={m1.x: tr_x, m1.lr: lr})
            total_loss += loss
            losses.append(loss)
    sess.close()
    return {"kl_start": float(kl_start), "first_loss": float(np.mean(losses[:10])),
            "last_loss": float(np.mean(losses[-14:]))}
