"""Deep convolutional GAN, after Udacity's ``deep-learning`` notebook
``dcgan-svhn/DCGAN.ipynb``: ``model_inputs``; a ``generator`` of ``tf.layers.dense`` ->
reshape -> ``tf.layers.batch_normalization(training=training)`` -> leaky relu written
``tf.maximum(alpha * x, x)`` -> two strided ``tf.layers.conv2d_transpose(5, strides=2,
padding='same')`` + batch norm + leaky relu -> a ``conv2d_transpose`` to the image and
``tanh``; a ``discriminator`` of strided ``tf.layers.conv2d`` layers (batch norm with
``training=True`` after the first) and a dense logit, called twice with ``reuse=True``;
``model_loss`` from ``sigmoid_cross_entropy_with_logits`` against ``ones_like`` /
``zeros_like``; ``model_opt`` splitting ``tf.trainable_variables()`` by name prefix into
two ``AdamOptimizer(learning_rate, beta1=beta1)`` minimizers built under
``control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))``; the ``GAN`` class;
the ``train`` loop alternating ``d_opt`` and ``g_opt`` on the same noise batch, losses read
with ``Tensor.eval(feed_dict)``, and samples drawn from a second
``generator(..., reuse=True, training=False)``.

Adapted: SVHN's 32x32x3 images are replaced by the bundled digits padded to 32x32, put
in three channels and scaled to [-1, 1] as the notebook's ``scale`` does; layer widths
divided by 8 and a 32-dimensional z; a few steps; noise from a seeded NumPy generator;
``tf.reset_default_graph()`` left out of ``GAN.__init__`` (the test runs each program in
its own graph); same starting weights."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"d_loss": 1e-3, "g_loss": 1e-3, "first_d_loss": 1e-5, "first_g_loss": 1e-5,
           "sample_mean": 1e-3, "sample_std": 1e-3, "sample_shape": 0.0,
           "d_vars": 0.0, "g_vars": 0.0, "update_ops": 0.0}


def make_model(tf):
    def model_inputs(real_dim, z_dim):
        inputs_real = tf.placeholder(tf.float32, (None, *real_dim), name="input_real")
        inputs_z = tf.placeholder(tf.float32, (None, z_dim), name="input_z")
        return inputs_real, inputs_z

    def generator(z, output_dim, reuse=False, alpha=0.2, training=True):
        with tf.variable_scope("generator", reuse=reuse):
            # First fully connected layer
            x1 = tf.layers.dense(z, 4 * 4 * 64)
            # Reshape it to start the convolutional stack
            x1 = tf.reshape(x1, (-1, 4, 4, 64))
            x1 = tf.layers.batch_normalization(x1, training=training)
            x1 = tf.maximum(alpha * x1, x1)
            # 4x4x64 now

            x2 = tf.layers.conv2d_transpose(x1, 32, 5, strides=2, padding="same")
            x2 = tf.layers.batch_normalization(x2, training=training)
            x2 = tf.maximum(alpha * x2, x2)
            # 8x8x32 now

            x3 = tf.layers.conv2d_transpose(x2, 16, 5, strides=2, padding="same")
            x3 = tf.layers.batch_normalization(x3, training=training)
            x3 = tf.maximum(alpha * x3, x3)
            # 16x16x16 now

            # Output layer
            logits = tf.layers.conv2d_transpose(x3, output_dim, 5, strides=2, padding="same")
            # 32x32x3 now

            out = tf.tanh(logits)
            return out

    def discriminator(x, reuse=False, alpha=0.2):
        with tf.variable_scope("discriminator", reuse=reuse):
            # Input layer is 32x32x3
            x1 = tf.layers.conv2d(x, 8, 5, strides=2, padding="same")
            relu1 = tf.maximum(alpha * x1, x1)
            # 16x16x8

            x2 = tf.layers.conv2d(relu1, 16, 5, strides=2, padding="same")
            bn2 = tf.layers.batch_normalization(x2, training=True)
            relu2 = tf.maximum(alpha * bn2, bn2)
            # 8x8x16

            x3 = tf.layers.conv2d(relu2, 32, 5, strides=2, padding="same")
            bn3 = tf.layers.batch_normalization(x3, training=True)
            relu3 = tf.maximum(alpha * bn3, bn3)
            # 4x4x32

            # Flatten it
            flat = tf.reshape(relu3, (-1, 4 * 4 * 32))
            logits = tf.layers.dense(flat, 1)
            out = tf.sigmoid(logits)
            return out, logits

    def model_loss(input_real, input_z, output_dim, alpha=0.2):
        g_model = generator(input_z, output_dim, alpha=alpha)
        d_model_real, d_logits_real = discriminator(input_real, alpha=alpha)
        d_model_fake, d_logits_fake = discriminator(g_model, reuse=True, alpha=alpha)

        d_loss_real = tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(logits=d_logits_real,
                                                    labels=tf.ones_like(d_model_real)))
        d_loss_fake = tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(logits=d_logits_fake,
                                                    labels=tf.zeros_like(d_model_fake)))
        g_loss = tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(logits=d_logits_fake,
                                                    labels=tf.ones_like(d_model_fake)))

        d_loss = d_loss_real + d_loss_fake
        return d_loss, g_loss

    def model_opt(d_loss, g_loss, learning_rate, beta1):
        # Get weights and bias to update
        t_vars = tf.trainable_variables()
        d_vars = [var for var in t_vars if var.name.startswith("discriminator")]
        g_vars = [var for var in t_vars if var.name.startswith("generator")]

        # Optimize
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            d_train_opt = tf.train.AdamOptimizer(learning_rate, beta1=beta1).minimize(
                d_loss, var_list=d_vars)
            g_train_opt = tf.train.AdamOptimizer(learning_rate, beta1=beta1).minimize(
                g_loss, var_list=g_vars)

        return d_train_opt, g_train_opt

    class GAN:
        def __init__(self, real_size, z_size, learning_rate, alpha=0.2, beta1=0.5):
            self.input_real, self.input_z = model_inputs(real_size, z_size)
            self.d_loss, self.g_loss = model_loss(self.input_real, self.input_z,
                                                  real_size[2], alpha=0.2)
            self.d_opt, self.g_opt = model_opt(self.d_loss, self.g_loss, learning_rate, beta1)

    return GAN, generator


def scale(x, feature_range=(-1, 1)):
    # scale to (0, 1)
    x = ((x - x.min()) / (255 - x.min()))
    # scale to feature range
    lo, hi = feature_range
    x = x * (hi - lo) + lo
    return x


class Dataset:
    def __init__(self, images, scale_func=None):
        self.train_x = images
        self.scaler = scale if scale_func is None else scale_func

    def batches(self, batch_size):
        n_batches = len(self.train_x) // batch_size
        for ii in range(0, len(self.train_x), batch_size):
            if ii // batch_size >= n_batches:
                break
            x = self.train_x[ii:ii + batch_size]
            yield self.scaler(x)


def main(tf):
    digits = read_data_sets("/tmp/data/").train.images[:320].reshape(-1, 28, 28, 1)
    images = np.tile(np.pad(digits, ((0, 0), (2, 2), (2, 2), (0, 0))), (1, 1, 1, 3)) * 255
    dataset = Dataset(images.astype(np.float32))

    real_size = (32, 32, 3)
    z_size = 32
    learning_rate = 0.0002
    batch_size = 32
    alpha = 0.2
    beta1 = 0.5

    GAN, generator = make_model(tf)
    net = GAN(real_size, z_size, learning_rate, alpha=alpha, beta1=beta1)
    update_ops = len(tf.get_collection(tf.GraphKeys.UPDATE_OPS))
    rng = np.random.RandomState(0)
    sample_z = rng.uniform(-1, 1, size=(16, z_size))
    samples_op = generator(net.input_z, 3, reuse=True, training=False)

    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf)
        for x in dataset.batches(batch_size):
            batch_z = rng.uniform(-1, 1, size=(batch_size, z_size))
            _ = sess.run(net.d_opt, feed_dict={net.input_real: x, net.input_z: batch_z})
            _ = sess.run(net.g_opt, feed_dict={net.input_z: batch_z, net.input_real: x})
            train_loss_d = net.d_loss.eval({net.input_z: batch_z, net.input_real: x})
            train_loss_g = net.g_loss.eval({net.input_z: batch_z})
            losses.append((train_loss_d, train_loss_g))
        gen_samples = sess.run(samples_op, feed_dict={net.input_z: sample_z})
        t_vars = tf.trainable_variables()
    return {"d_loss": float(losses[-1][0]), "g_loss": float(losses[-1][1]),
            "first_d_loss": float(losses[0][0]), "first_g_loss": float(losses[0][1]),
            "sample_mean": float(gen_samples.mean()), "sample_std": float(gen_samples.std()),
            "sample_shape": list(gen_samples.shape),
            "d_vars": sorted(v.name for v in t_vars if v.name.startswith("discriminator")),
            "g_vars": sorted(v.name for v in t_vars if v.name.startswith("generator")),
            "update_ops": update_ops}
