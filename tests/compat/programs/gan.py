"""A dense GAN: generator 100-256-784 and discriminator 784-256-1 from weight dicts,
``-log(D(x)) - log(1 - D(G(z)))`` losses, two Adam optimizers each restricted to its
own ``var_list``, noise drawn with NumPy and fed."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"gen_loss": 1e-4, "disc_loss": 1e-4, "sample_mean": 1e-4}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    num_steps = 40
    batch_size = 64
    learning_rate = 0.0002
    image_dim, gen_hidden_dim, disc_hidden_dim, noise_dim = 784, 256, 256, 100

    def glorot_init(shape):
        return tf.random_normal(shape=shape, stddev=1.0 / tf.sqrt(shape[0] / 2.0))

    weights = {
        "gen_hidden1": tf.Variable(glorot_init([noise_dim, gen_hidden_dim])),
        "gen_out": tf.Variable(glorot_init([gen_hidden_dim, image_dim])),
        "disc_hidden1": tf.Variable(glorot_init([image_dim, disc_hidden_dim])),
        "disc_out": tf.Variable(glorot_init([disc_hidden_dim, 1])),
    }
    biases = {
        "gen_hidden1": tf.Variable(tf.zeros([gen_hidden_dim])),
        "gen_out": tf.Variable(tf.zeros([image_dim])),
        "disc_hidden1": tf.Variable(tf.zeros([disc_hidden_dim])),
        "disc_out": tf.Variable(tf.zeros([1])),
    }

    def generator(x):
        hidden_layer = tf.nn.relu(tf.add(tf.matmul(x, weights["gen_hidden1"]),
                                         biases["gen_hidden1"]))
        return tf.nn.sigmoid(tf.add(tf.matmul(hidden_layer, weights["gen_out"]),
                                    biases["gen_out"]))

    def discriminator(x):
        hidden_layer = tf.nn.relu(tf.add(tf.matmul(x, weights["disc_hidden1"]),
                                         biases["disc_hidden1"]))
        return tf.nn.sigmoid(tf.add(tf.matmul(hidden_layer, weights["disc_out"]),
                                    biases["disc_out"]))

    gen_input = tf.placeholder(tf.float32, shape=[None, noise_dim], name="input_noise")
    disc_input = tf.placeholder(tf.float32, shape=[None, image_dim], name="disc_input")
    gen_sample = generator(gen_input)
    disc_real = discriminator(disc_input)
    disc_fake = discriminator(gen_sample)
    gen_loss = -tf.reduce_mean(tf.log(disc_fake))
    disc_loss = -tf.reduce_mean(tf.log(disc_real) + tf.log(1.0 - disc_fake))
    optimizer_gen = tf.train.AdamOptimizer(learning_rate=learning_rate)
    optimizer_disc = tf.train.AdamOptimizer(learning_rate=learning_rate)
    gen_vars = [weights["gen_hidden1"], weights["gen_out"], biases["gen_hidden1"],
                biases["gen_out"]]
    disc_vars = [weights["disc_hidden1"], weights["disc_out"], biases["disc_hidden1"],
                 biases["disc_out"]]
    train_gen = optimizer_gen.minimize(gen_loss, var_list=gen_vars)
    train_disc = optimizer_disc.minimize(disc_loss, var_list=disc_vars)
    init = tf.global_variables_initializer()

    rng = np.random.RandomState(1)
    with tf.Session() as sess:
        sess.run(init)
        same_start(sess, tf)
        gl = dl = None
        for _i in range(1, num_steps + 1):
            batch_x, _ = mnist.train.next_batch(batch_size)
            z = rng.uniform(-1.0, 1.0, size=[batch_size, noise_dim])
            feed_dict = {disc_input: batch_x, gen_input: z}
            _, _, gl, dl = sess.run([train_gen, train_disc, gen_loss, disc_loss],
                                    feed_dict=feed_dict)
        z = rng.uniform(-1.0, 1.0, size=[4, noise_dim])
        g = sess.run(gen_sample, feed_dict={gen_input: z})
    return {"gen_loss": float(gl), "disc_loss": float(dl), "sample_mean": float(g.mean())}
