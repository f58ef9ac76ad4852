"""carpedm20/DCGAN-tensorflow without labels (``y_dim=None``): ``ops.py``'s
``batch_norm`` class, a ``tf.contrib.layers.batch_norm(decay=0.9,
updates_collections=None, epsilon=1e-5, scale=True, is_training=train, scope=name)``
(moving averages updated in place, no UPDATE_OPS), its ``conv2d`` / ``deconv2d``
(``tf.nn.conv2d_transpose`` to a fixed ``output_shape``) / ``linear`` (``Matrix`` and
``bias``) with ``tf.reshape(tf.nn.bias_add(...), conv.get_shape())`` and ``lrelu`` as
``tf.maximum(x, leak*x)``; ``model.py``'s ``discriminator`` (four strided convs, batch
norm after the last three, a linear logit; called again with ``scope.reuse_variables()``),
``generator`` (linear -> reshape -> four ``deconv2d`` with ``g_bn0..3`` + relu -> tanh)
and ``sampler`` (the same layers reused, ``train=False``: the moving statistics), the
``d_loss_real + d_loss_fake`` and ``g_loss`` sigmoid cross-entropies, ``d_vars`` /
``g_vars`` split by ``'d_' in var.name`` / ``'g_' in var.name``, and ``train``'s step:
``d_optim`` once, ``g_optim`` twice on the same ``batch_z``, then ``errD_fake``,
``errD_real``, ``errG`` read with ``Tensor.eval`` (which, in training mode, moves the
batch-norm averages again, as in the original). The moving mean compared is the
generator's ``g_bn0``: the discriminator's are assigned twice in one ``run`` (real and
fake batches), in an order TF leaves open.

Adapted: MNIST without labels from the bundled digits padded to 32x32 (one channel)
and scaled to [-1, 1]; ``df_dim = gf_dim = 8``, ``z_dim = 16``, batch 16, a few steps;
``batch_z`` from a seeded NumPy generator; the ``z`` placeholder
given the batch size instead of ``None`` (TF 2.21's ``conv2d_transpose`` leaves the batch
dimension unknown, and ``deconv2d``'s ``tf.reshape(..., deconv.get_shape())`` then
refuses the partial shape); the summaries and the ``DCGAN`` class around
the functions left out. ``tf.contrib.layers`` is trainkit's under trainkit and
``tf_slim.layers`` (tf_slim 1.1.0, with ``slim_lenet._slim``'s stand-in) under TF 2.21.
Both start from ``same_start``'s NumPy weights (gammas 1, biases 0 by the original
initializers).
"""

from __future__ import annotations

import importlib

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start
from tests.compat.programs.slim_lenet import _slim

COMPARE = {"first_errD": 1e-4, "errD_fake": 1e-3, "errD_real": 1e-3, "errG": 1e-3,
           "sample_mean": 1e-3, "sample_std": 1e-3, "moving_mean_sum": 1e-3,
           "d_vars": 0.0, "g_vars": 0.0, "update_ops": 0.0}


def contrib_layers(tf):
    """``tf.contrib.layers``; under TF 2 the same functions from ``tf_slim.layers``."""
    if hasattr(tf, "contrib"):
        return tf.contrib.layers
    _slim(tf)
    return importlib.import_module("tf_slim.layers")


def build(tf, layers, batch_size=16, z_dim=16, gf_dim=8, df_dim=8, size=32, c_dim=1):
    class batch_norm:  # noqa: N801 - ops.py's name
        def __init__(self, epsilon=1e-5, momentum=0.9, name="batch_norm"):
            with tf.variable_scope(name):
                self.epsilon = epsilon
                self.momentum = momentum
                self.name = name

        def __call__(self, x, train=True):
            return layers.batch_norm(x, decay=self.momentum, updates_collections=None,
                                     epsilon=self.epsilon, scale=True, is_training=train,
                                     scope=self.name)

    def conv2d(input_, output_dim, k_h=5, k_w=5, d_h=2, d_w=2, stddev=0.02, name="conv2d"):
        with tf.variable_scope(name):
            w = tf.get_variable("w", [k_h, k_w, input_.get_shape()[-1], output_dim],
                                initializer=tf.truncated_normal_initializer(stddev=stddev))
            conv = tf.nn.conv2d(input_, w, strides=[1, d_h, d_w, 1], padding="SAME")
            biases = tf.get_variable("biases", [output_dim],
                                     initializer=tf.constant_initializer(0.0))
            return tf.reshape(tf.nn.bias_add(conv, biases), conv.get_shape())

    def deconv2d(input_, output_shape, k_h=5, k_w=5, d_h=2, d_w=2, stddev=0.02,
                 name="deconv2d"):
        with tf.variable_scope(name):
            w = tf.get_variable("w", [k_h, k_w, output_shape[-1], input_.get_shape()[-1]],
                                initializer=tf.random_normal_initializer(stddev=stddev))
            deconv = tf.nn.conv2d_transpose(input_, w, output_shape=output_shape,
                                            strides=[1, d_h, d_w, 1])
            biases = tf.get_variable("biases", [output_shape[-1]],
                                     initializer=tf.constant_initializer(0.0))
            return tf.reshape(tf.nn.bias_add(deconv, biases), deconv.get_shape())

    def lrelu(x, leak=0.2, name="lrelu"):
        return tf.maximum(x, leak * x)

    def linear(input_, output_size, scope=None, stddev=0.02, bias_start=0.0):
        shape = input_.get_shape().as_list()
        with tf.variable_scope(scope or "Linear"):
            matrix = tf.get_variable("Matrix", [shape[1], output_size], tf.float32,
                                     tf.random_normal_initializer(stddev=stddev))
            bias = tf.get_variable("bias", [output_size],
                                   initializer=tf.constant_initializer(bias_start))
            return tf.matmul(input_, matrix) + bias

    d_bn1, d_bn2, d_bn3 = (batch_norm(name=f"d_bn{i}") for i in (1, 2, 3))
    g_bn0, g_bn1, g_bn2, g_bn3 = (batch_norm(name=f"g_bn{i}") for i in (0, 1, 2, 3))

    def discriminator(image, reuse=False):
        with tf.variable_scope("discriminator") as scope:
            if reuse:
                scope.reuse_variables()
            h0 = lrelu(conv2d(image, df_dim, name="d_h0_conv"))
            h1 = lrelu(d_bn1(conv2d(h0, df_dim * 2, name="d_h1_conv")))
            h2 = lrelu(d_bn2(conv2d(h1, df_dim * 4, name="d_h2_conv")))
            h3 = lrelu(d_bn3(conv2d(h2, df_dim * 8, name="d_h3_conv")))
            h4 = linear(tf.reshape(h3, [batch_size, -1]), 1, "d_h4_lin")
            return tf.nn.sigmoid(h4), h4

    def generator(z, train=True, reuse=False):
        with tf.variable_scope("generator") as scope:
            if reuse:
                scope.reuse_variables()
            s, s2, s4, s8, s16 = size, size // 2, size // 4, size // 8, size // 16
            z_ = linear(z, gf_dim * 8 * s16 * s16, "g_h0_lin")
            h0 = tf.nn.relu(g_bn0(tf.reshape(z_, [-1, s16, s16, gf_dim * 8]), train=train))
            h1 = deconv2d(h0, [batch_size, s8, s8, gf_dim * 4], name="g_h1")
            h1 = tf.nn.relu(g_bn1(h1, train=train))
            h2 = deconv2d(h1, [batch_size, s4, s4, gf_dim * 2], name="g_h2")
            h2 = tf.nn.relu(g_bn2(h2, train=train))
            h3 = deconv2d(h2, [batch_size, s2, s2, gf_dim * 1], name="g_h3")
            h3 = tf.nn.relu(g_bn3(h3, train=train))
            h4 = deconv2d(h3, [batch_size, s, s, c_dim], name="g_h4")
            return tf.nn.tanh(h4)

    inputs = tf.placeholder(tf.float32, [batch_size, size, size, c_dim], name="real_images")
    z = tf.placeholder(tf.float32, [batch_size, z_dim], name="z")
    G = generator(z)
    D, D_logits = discriminator(inputs, reuse=False)
    sampler = generator(z, train=False, reuse=True)
    D_, D_logits_ = discriminator(G, reuse=True)

    def sigmoid_cross_entropy_with_logits(x, y):
        return tf.nn.sigmoid_cross_entropy_with_logits(logits=x, labels=y)

    d_loss_real = tf.reduce_mean(sigmoid_cross_entropy_with_logits(D_logits, tf.ones_like(D)))
    d_loss_fake = tf.reduce_mean(sigmoid_cross_entropy_with_logits(D_logits_,
                                                                   tf.zeros_like(D_)))
    g_loss = tf.reduce_mean(sigmoid_cross_entropy_with_logits(D_logits_, tf.ones_like(D_)))
    d_loss = d_loss_real + d_loss_fake
    t_vars = tf.trainable_variables()
    d_vars = [var for var in t_vars if "d_" in var.name]
    g_vars = [var for var in t_vars if "g_" in var.name]
    return dict(inputs=inputs, z=z, sampler=sampler, d_loss=d_loss, d_loss_real=d_loss_real,
                d_loss_fake=d_loss_fake, g_loss=g_loss, d_vars=d_vars, g_vars=g_vars)


def main(tf):
    layers = contrib_layers(tf)
    mnist = read_data_sets("/tmp/data/")
    batch_size, z_dim, steps = 16, 16, 4
    m = build(tf, layers, batch_size=batch_size, z_dim=z_dim)
    d_optim = tf.train.AdamOptimizer(0.0002, beta1=0.5).minimize(m["d_loss"],
                                                                 var_list=m["d_vars"])
    g_optim = tf.train.AdamOptimizer(0.0002, beta1=0.5).minimize(m["g_loss"],
                                                                 var_list=m["g_vars"])
    rng = np.random.RandomState(1)
    moving = [v for v in tf.global_variables() if v.op.name == "generator/g_bn0/moving_mean"]
    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        same_start(sess, tf)
        first_errD = None
        for _ in range(steps):
            x, _ = mnist.train.next_batch(batch_size)
            batch_images = np.pad(x.reshape(-1, 28, 28, 1), ((0, 0), (2, 2), (2, 2), (0, 0)))
            batch_images = batch_images * 2.0 - 1.0
            batch_z = rng.uniform(-1, 1, [batch_size, z_dim]).astype(np.float32)
            if first_errD is None:
                first_errD = m["d_loss"].eval({m["inputs"]: batch_images, m["z"]: batch_z})
            sess.run([d_optim], feed_dict={m["inputs"]: batch_images, m["z"]: batch_z})
            sess.run([g_optim], feed_dict={m["z"]: batch_z})
            sess.run([g_optim], feed_dict={m["z"]: batch_z})
            errD_fake = m["d_loss_fake"].eval({m["z"]: batch_z})
            errD_real = m["d_loss_real"].eval({m["inputs"]: batch_images})
            errG = m["g_loss"].eval({m["z"]: batch_z})
        samples = sess.run(m["sampler"], {m["z"]: rng.uniform(-1, 1, [batch_size, z_dim])})
        moving_mean = sess.run(moving[0])
    return {"first_errD": float(first_errD), "errD_fake": float(errD_fake),
            "errD_real": float(errD_real), "errG": float(errG),
            "sample_mean": float(samples.mean()), "sample_std": float(samples.std()),
            "moving_mean_sum": float(moving_mean.sum()),
            "d_vars": [v.op.name for v in m["d_vars"]],
            "g_vars": [v.op.name for v in m["g_vars"]],
            "update_ops": sorted(o.name for o in tf.get_collection(tf.GraphKeys.UPDATE_OPS))}
