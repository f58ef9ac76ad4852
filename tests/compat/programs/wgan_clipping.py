"""Wasserstein GAN with weight clipping, after wiseodd's ``generative-models``
(``GAN/wasserstein_gan/wgan_tensorflow.py``): generator and critic as two-layer MLPs
from ``tf.Variable(xavier_init(...))`` weights (``xavier_init`` drawing
``tf.random_normal`` with stddev ``1 / tf.sqrt(in_dim / 2.)``), the critic loss
``reduce_mean(D_real) - reduce_mean(D_fake)`` maximized by minimizing its negative,
two ``RMSPropOptimizer(learning_rate=1e-4)`` minimizers each with its ``var_list``,
``clip_D = [p.assign(tf.clip_by_value(p, -0.01, 0.01)) for p in theta_D]`` fetched in
the same ``sess.run`` as the critic step, five critic steps per generator step.

Adapted: the MNIST download is replaced by the bundled digits; the noise comes from a
seeded NumPy generator; a fixed, small number of iterations; the plots are left out;
the critic step and the clipping run as two ``sess.run`` calls, in that order (fetched
together, as in the original, TF gives the two no order: both backends are free to clip
before or after the update); same starting weights."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"D_loss": 1e-4, "G_loss": 1e-4, "first_D_loss": 1e-5, "max_abs_D_weight": 0.0,
           "sample_mean": 1e-4, "clipped_fraction": 0.02}


def main(tf):
    mb_size = 32
    X_dim = 784
    z_dim = 10
    h_dim = 128

    mnist = read_data_sets("../../MNIST_data", one_hot=True)
    rng = np.random.RandomState(0)

    def xavier_init(size):
        in_dim = size[0]
        xavier_stddev = 1. / tf.sqrt(in_dim / 2.)
        return tf.random_normal(shape=size, stddev=xavier_stddev)

    X = tf.placeholder(tf.float32, shape=[None, X_dim])

    D_W1 = tf.Variable(xavier_init([X_dim, h_dim]))
    D_b1 = tf.Variable(tf.zeros(shape=[h_dim]))
    D_W2 = tf.Variable(xavier_init([h_dim, 1]))
    D_b2 = tf.Variable(tf.zeros(shape=[1]))

    theta_D = [D_W1, D_W2, D_b1, D_b2]

    z = tf.placeholder(tf.float32, shape=[None, z_dim])

    G_W1 = tf.Variable(xavier_init([z_dim, h_dim]))
    G_b1 = tf.Variable(tf.zeros(shape=[h_dim]))
    G_W2 = tf.Variable(xavier_init([h_dim, X_dim]))
    G_b2 = tf.Variable(tf.zeros(shape=[X_dim]))

    theta_G = [G_W1, G_W2, G_b1, G_b2]

    def sample_z(m, n):
        return rng.uniform(-1., 1., size=[m, n])

    def generator(z):
        G_h1 = tf.nn.relu(tf.matmul(z, G_W1) + G_b1)
        G_log_prob = tf.matmul(G_h1, G_W2) + G_b2
        G_prob = tf.nn.sigmoid(G_log_prob)
        return G_prob

    def discriminator(x):
        D_h1 = tf.nn.relu(tf.matmul(x, D_W1) + D_b1)
        out = tf.matmul(D_h1, D_W2) + D_b2
        return out

    G_sample = generator(z)
    D_real = discriminator(X)
    D_fake = discriminator(G_sample)

    D_loss = tf.reduce_mean(D_real) - tf.reduce_mean(D_fake)
    G_loss = -tf.reduce_mean(D_fake)

    D_solver = (tf.train.RMSPropOptimizer(learning_rate=1e-4)
                .minimize(-D_loss, var_list=theta_D))
    G_solver = (tf.train.RMSPropOptimizer(learning_rate=1e-4)
                .minimize(G_loss, var_list=theta_G))

    clip_D = [p.assign(tf.clip_by_value(p, -0.01, 0.01)) for p in theta_D]

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf)

    first_D_loss = None
    for _it in range(20):
        for _ in range(5):
            X_mb, _ = mnist.train.next_batch(mb_size)
            _, D_loss_curr = sess.run([D_solver, D_loss],
                                      feed_dict={X: X_mb, z: sample_z(mb_size, z_dim)})
            sess.run(clip_D)
            if first_D_loss is None:
                first_D_loss = D_loss_curr
        _, G_loss_curr = sess.run([G_solver, G_loss],
                                  feed_dict={z: sample_z(mb_size, z_dim)})

    samples = sess.run(G_sample, feed_dict={z: sample_z(16, z_dim)})
    d_weights = sess.run(theta_D)
    sess.close()
    flat = np.concatenate([w.ravel() for w in d_weights])
    return {"D_loss": float(D_loss_curr), "G_loss": float(G_loss_curr),
            "first_D_loss": float(first_D_loss),
            "max_abs_D_weight": float(np.abs(flat).max()),
            "sample_mean": float(samples.mean()),
            "clipped_fraction": float(np.mean(np.abs(flat) == 0.01))}
