"""WGAN with gradient penalty, after hwalsuklee/tensorflow-generative-model-collections:
``WGAN_GP.py`` and the ``ops.py`` it uses (carpedm20's DCGAN ops: ``bn`` as
``tf.contrib.layers.batch_norm(decay=0.9, updates_collections=None, epsilon=1e-5,
scale=True, is_training=...)``, ``conv2d`` / ``deconv2d`` over ``tf.get_variable`` with
``truncated_normal`` / ``random_normal`` initializers, ``tf.nn.conv2d_transpose`` and a
``tf.reshape(tf.nn.bias_add(...), conv.get_shape())``, ``lrelu`` as ``tf.maximum``,
``linear``), as published: the infoGAN-shaped critic and generator; the critic's loss
plus ``lambd`` times the gradient penalty, built from ``tf.gradients`` of the critic at
the interpolates (the penalty's ``reduce_sum(..., reduction_indices=[1])`` over one axis
of the 4-D gradient, as in the repository), so the critic's Adam step differentiates
through a gradient (second derivatives of conv, fused and plain batch norm, ``tf.maximum``
and matmul); variables split by ``'d_'`` / ``'g_'`` in their names; two Adam optimizers
under ``control_dependencies(UPDATE_OPS)``; merged summaries into a ``FileWriter``;
``train`` with its ``load`` / ``save`` of checkpoints (``tf.train.get_checkpoint_state``
and the step parsed back from the file name); ``visualize_results``; ``main.py``'s
``tf.Session(config=tf.ConfigProto(allow_soft_placement=True))`` and
``show_all_variables`` through ``slim.model_analyzer.analyze_vars``.

Adapted: MNIST is replaced by the bundled digits in its shapes (24 images, in order,
:func:`common.read_data_sets`); the layer widths are divided by 8 (critic 8-16 filters
and 128 units, generator 128 units, 16x7x7, 8 filters) with batches of 8 and an
8-dimensional z; one epoch of 3 batches; ``alpha``'s ``tf.random_uniform`` draw is a
constant of a NumPy uniform draw of the same shape (the two backends' random streams
differ); ``save_images`` and the prints are left out (the sample statistics and losses are
returned); ``np.random.seed(0)`` for the noise; weights start from
:func:`common.same_start`'s NumPy draws."""

from __future__ import annotations

import os
import re
import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start
from tests.compat.programs.slim_lenet import _slim
from tests.compat.programs.tf_contrib import contrib

COMPARE = {"d_losses": 1e-4, "g_losses": 1e-4, "first_d_loss": 1e-5, "sample_mean": 1e-4,
           "sample_std": 1e-4, "loaded": 0.0, "n_d_vars": 0.0, "n_g_vars": 0.0,
           "model_size": 0.0}


def _wgan_gp(tf):
    tfc = contrib(tf)  # ``tf.contrib`` (or TF 1.15's stand-in under TF 2.x)

    # ---- ops.py ----
    def concat(tensors, axis, *args, **kwargs):
        return tf.concat(tensors, axis, *args, **kwargs)

    def bn(x, is_training, scope):
        return tfc.layers.batch_norm(x,
                                     decay=0.9,
                                     updates_collections=None,
                                     epsilon=1e-5,
                                     scale=True,
                                     is_training=is_training,
                                     scope=scope)

    def conv2d(input_, output_dim, k_h=5, k_w=5, d_h=2, d_w=2, stddev=0.02, name="conv2d"):
        with tf.variable_scope(name):
            w = tf.get_variable('w', [k_h, k_w, input_.get_shape()[-1], output_dim],
                                initializer=tf.truncated_normal_initializer(stddev=stddev))
            conv = tf.nn.conv2d(input_, w, strides=[1, d_h, d_w, 1], padding='SAME')

            biases = tf.get_variable('biases', [output_dim],
                                     initializer=tf.constant_initializer(0.0))
            conv = tf.reshape(tf.nn.bias_add(conv, biases), conv.get_shape())

            return conv

    def deconv2d(input_, output_shape, k_h=5, k_w=5, d_h=2, d_w=2, name="deconv2d",
                 stddev=0.02, with_w=False):
        with tf.variable_scope(name):
            # filter : [height, width, output_channels, in_channels]
            w = tf.get_variable('w', [k_h, k_w, output_shape[-1], input_.get_shape()[-1]],
                                initializer=tf.random_normal_initializer(stddev=stddev))

            try:
                deconv = tf.nn.conv2d_transpose(input_, w, output_shape=output_shape,
                                                strides=[1, d_h, d_w, 1])

            # Support for verisons of TensorFlow before 0.7.0
            except AttributeError:
                deconv = tf.nn.deconv2d(input_, w, output_shape=output_shape,
                                        strides=[1, d_h, d_w, 1])

            biases = tf.get_variable('biases', [output_shape[-1]],
                                     initializer=tf.constant_initializer(0.0))
            deconv = tf.reshape(tf.nn.bias_add(deconv, biases), deconv.get_shape())

            if with_w:
                return deconv, w, biases
            else:
                return deconv

    def lrelu(x, leak=0.2, name="lrelu"):
        return tf.maximum(x, leak*x)

    def linear(input_, output_size, scope=None, stddev=0.02, bias_start=0.0, with_w=False):
        shape = input_.get_shape().as_list()

        with tf.variable_scope(scope or "Linear"):
            matrix = tf.get_variable("Matrix", [shape[1], output_size], tf.float32,
                                     tf.random_normal_initializer(stddev=stddev))
            bias = tf.get_variable("bias", [output_size],
                                   initializer=tf.constant_initializer(bias_start))
            if with_w:
                return tf.matmul(input_, matrix) + bias, matrix, bias
            else:
                return tf.matmul(input_, matrix) + bias

    # ---- utils.py ----
    def load_mnist(dataset_name):
        data = read_data_sets("./data/" + dataset_name, one_hot=True)
        return data.train.images[:24].reshape(-1, 28, 28, 1), data.train.labels[:24]

    def check_folder(log_dir):
        if not os.path.exists(log_dir):
            os.makedirs(log_dir)
        return log_dir

    def show_all_variables():
        model_vars = tf.trainable_variables()
        return _slim(tf).model_analyzer.analyze_vars(model_vars, print_info=False)

    # ---- WGAN_GP.py ----
    class WGAN_GP(object):  # noqa: UP004
        model_name = "WGAN_GP"     # name for checkpoint

        def __init__(self, sess, epoch, batch_size, z_dim, dataset_name, checkpoint_dir,
                     result_dir, log_dir):
            self.sess = sess
            self.dataset_name = dataset_name
            self.checkpoint_dir = checkpoint_dir
            self.result_dir = result_dir
            self.log_dir = log_dir
            self.epoch = epoch
            self.batch_size = batch_size

            if dataset_name == 'mnist' or dataset_name == 'fashion-mnist':
                # parameters
                self.input_height = 28
                self.input_width = 28
                self.output_height = 28
                self.output_width = 28

                self.z_dim = z_dim         # dimension of noise-vector
                self.c_dim = 1

                # WGAN_GP parameter
                self.lambd = 0.25       # The higher value, the more stable, but the slower
                self.disc_iters = 1     # The number of critic iterations for one-step of G

                # train
                self.learning_rate = 0.0002
                self.beta1 = 0.5

                # test
                self.sample_num = 64  # number of generated images to be saved

                # load mnist
                self.data_X, self.data_y = load_mnist(self.dataset_name)

                # get number of batches for a single epoch
                self.num_batches = len(self.data_X) // self.batch_size
            else:
                raise NotImplementedError

        def discriminator(self, x, is_training=True, reuse=False):
            # Architecture : (64)4c2s-(128)4c2s_BL-FC1024_BL-FC1_S
            with tf.variable_scope("discriminator", reuse=reuse):

                net = lrelu(conv2d(x, 8, 4, 4, 2, 2, name='d_conv1'))
                net = lrelu(bn(conv2d(net, 16, 4, 4, 2, 2, name='d_conv2'),
                               is_training=is_training, scope='d_bn2'))
                net = tf.reshape(net, [self.batch_size, -1])
                net = lrelu(bn(linear(net, 128, scope='d_fc3'), is_training=is_training,
                               scope='d_bn3'))
                out_logit = linear(net, 1, scope='d_fc4')
                out = tf.nn.sigmoid(out_logit)

                return out, out_logit, net

        def generator(self, z, is_training=True, reuse=False):
            # Architecture : FC1024_BR-FC7x7x128_BR-(64)4dc2s_BR-(1)4dc2s_S
            with tf.variable_scope("generator", reuse=reuse):
                net = tf.nn.relu(bn(linear(z, 128, scope='g_fc1'), is_training=is_training,
                                    scope='g_bn1'))
                net = tf.nn.relu(bn(linear(net, 16 * 7 * 7, scope='g_fc2'),
                                    is_training=is_training, scope='g_bn2'))
                net = tf.reshape(net, [self.batch_size, 7, 7, 16])
                net = tf.nn.relu(
                    bn(deconv2d(net, [self.batch_size, 14, 14, 8], 4, 4, 2, 2, name='g_dc3'),
                       is_training=is_training, scope='g_bn3'))

                out = tf.nn.sigmoid(deconv2d(net, [self.batch_size, 28, 28, 1], 4, 4, 2, 2,
                                             name='g_dc4'))

                return out

        def build_model(self):
            # some parameters
            image_dims = [self.input_height, self.input_width, self.c_dim]
            bs = self.batch_size

            """ Graph Input """
            # images
            self.inputs = tf.placeholder(tf.float32, [bs] + image_dims, name='real_images')

            # noises
            self.z = tf.placeholder(tf.float32, [bs, self.z_dim], name='z')

            """ Loss Function """

            # output of D for real images
            D_real, D_real_logits, _ = self.discriminator(self.inputs, is_training=True,
                                                          reuse=False)

            # output of D for fake images
            G = self.generator(self.z, is_training=True, reuse=False)
            D_fake, D_fake_logits, _ = self.discriminator(G, is_training=True, reuse=True)

            # get loss for discriminator
            d_loss_real = - tf.reduce_mean(D_real_logits)
            d_loss_fake = tf.reduce_mean(D_fake_logits)

            self.d_loss = d_loss_real + d_loss_fake

            # get loss for generator
            self.g_loss = - d_loss_fake

            """ Gradient Penalty """
            alpha = tf.constant(np.random.RandomState(1).uniform(
                0., 1., self.inputs.get_shape().as_list()).astype(np.float32))
            differences = G - self.inputs # This is different from MAGAN  # noqa: E261
            interpolates = self.inputs + (alpha * differences)
            _, D_inter, _ = self.discriminator(interpolates, is_training=True, reuse=True)
            gradients = tf.gradients(D_inter, [interpolates])[0]
            slopes = tf.sqrt(tf.reduce_sum(tf.square(gradients), reduction_indices=[1]))
            gradient_penalty = tf.reduce_mean((slopes - 1.) ** 2)
            self.d_loss += self.lambd * gradient_penalty

            """ Training """
            # divide trainable variables into a group for D and a group for G
            t_vars = tf.trainable_variables()
            d_vars = [var for var in t_vars if 'd_' in var.name]
            g_vars = [var for var in t_vars if 'g_' in var.name]
            self.n_vars = (len(d_vars), len(g_vars))

            # optimizers
            with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
                self.d_optim = tf.train.AdamOptimizer(self.learning_rate, beta1=self.beta1) \
                          .minimize(self.d_loss, var_list=d_vars)
                self.g_optim = tf.train.AdamOptimizer(self.learning_rate*5, beta1=self.beta1) \
                          .minimize(self.g_loss, var_list=g_vars)

            """" Testing """
            # for test
            self.fake_images = self.generator(self.z, is_training=False, reuse=True)

            """ Summary """
            d_loss_real_sum = tf.summary.scalar("d_loss_real", d_loss_real)
            d_loss_fake_sum = tf.summary.scalar("d_loss_fake", d_loss_fake)
            d_loss_sum = tf.summary.scalar("d_loss", self.d_loss)
            g_loss_sum = tf.summary.scalar("g_loss", self.g_loss)

            # final summary operations
            self.g_sum = tf.summary.merge([d_loss_fake_sum, g_loss_sum])
            self.d_sum = tf.summary.merge([d_loss_real_sum, d_loss_sum])

        def train(self):

            # initialize all variables
            tf.global_variables_initializer().run()
            same_start(self.sess, tf)
            self.history = []

            # graph inputs for visualize training results
            self.sample_z = np.random.uniform(-1, 1, size=(self.batch_size, self.z_dim))

            # saver to save model
            self.saver = tf.train.Saver()

            # summary writer
            self.writer = tf.summary.FileWriter(self.log_dir + '/' + self.model_name,
                                                self.sess.graph)

            # restore check-point if it exits
            could_load, checkpoint_counter = self.load(self.checkpoint_dir)
            if could_load:
                start_epoch = (int)(checkpoint_counter / self.num_batches)
                start_batch_id = checkpoint_counter - start_epoch * self.num_batches
                counter = checkpoint_counter
            else:
                start_epoch = 0
                start_batch_id = 0
                counter = 1

            # loop for epoch
            for epoch in range(start_epoch, self.epoch):

                # get batch data
                for idx in range(start_batch_id, self.num_batches):
                    batch_images = self.data_X[idx*self.batch_size:(idx+1)*self.batch_size]
                    batch_z = np.random.uniform(-1, 1, [self.batch_size, self.z_dim]).astype(
                        np.float32)

                    # update D network
                    _, summary_str, d_loss = self.sess.run(
                        [self.d_optim, self.d_sum, self.d_loss],
                        feed_dict={self.inputs: batch_images, self.z: batch_z})
                    self.writer.add_summary(summary_str, counter)

                    # update G network
                    if (counter-1) % self.disc_iters == 0:
                        batch_z = np.random.uniform(-1, 1, [self.batch_size, self.z_dim]) \
                            .astype(np.float32)
                        _, summary_str, g_loss = self.sess.run(
                            [self.g_optim, self.g_sum, self.g_loss], feed_dict={self.z: batch_z})
                        self.writer.add_summary(summary_str, counter)

                    counter += 1
                    self.history.append((float(d_loss), float(g_loss)))

                # After an epoch, start_batch_id is set to zero
                start_batch_id = 0

                # save model
                self.save(self.checkpoint_dir, counter)

                # show temporal results
                self.visualize_results(epoch)

            # save model for final step
            self.save(self.checkpoint_dir, counter)

        def visualize_results(self, epoch):
            """ random condition, random noise """

            z_sample = np.random.uniform(-1, 1, size=(self.batch_size, self.z_dim))

            samples = self.sess.run(self.fake_images, feed_dict={self.z: z_sample})
            self.samples = samples

        @property
        def model_dir(self):
            return f"{self.model_name}_{self.dataset_name}_{self.batch_size}_{self.z_dim}"

        def save(self, checkpoint_dir, step):
            checkpoint_dir = os.path.join(checkpoint_dir, self.model_dir, self.model_name)

            if not os.path.exists(checkpoint_dir):
                os.makedirs(checkpoint_dir)

            self.saver.save(self.sess, os.path.join(checkpoint_dir, self.model_name+'.model'),
                            global_step=step)

        def load(self, checkpoint_dir):
            checkpoint_dir = os.path.join(checkpoint_dir, self.model_dir, self.model_name)

            ckpt = tf.train.get_checkpoint_state(checkpoint_dir)
            if ckpt and ckpt.model_checkpoint_path:
                ckpt_name = os.path.basename(ckpt.model_checkpoint_path)
                self.saver.restore(self.sess, os.path.join(checkpoint_dir, ckpt_name))
                counter = int(next(re.finditer(r"(\d+)(?!.*\d)", ckpt_name)).group(0))
                return True, counter
            else:
                return False, 0

    return WGAN_GP, show_all_variables, check_folder


def main(tf):
    np.random.seed(0)
    WGAN_GP, show_all_variables, check_folder = _wgan_gp(tf)
    root = tempfile.mkdtemp(prefix="wgan_gp_")
    # main.py
    with tf.Session(config=tf.ConfigProto(allow_soft_placement=True)) as sess:
        gan = WGAN_GP(sess, epoch=1, batch_size=8, z_dim=8, dataset_name='mnist',
                      checkpoint_dir=check_folder(root + '/checkpoint'),
                      result_dir=check_folder(root + '/results'),
                      log_dir=check_folder(root + '/logs'))
        gan.build_model()
        model_size = show_all_variables()
        gan.train()
        gan.visualize_results(0)
        loaded = gan.load(gan.checkpoint_dir)
    d_losses, g_losses = zip(*gan.history)
    return {"d_losses": float(np.dot(d_losses, [1, 2, 3])),
            "g_losses": float(np.dot(g_losses, [1, 2, 3])), "first_d_loss": d_losses[0],
            "sample_mean": float(gan.samples.mean()), "sample_std": float(gan.samples.std()),
            "loaded": [bool(loaded[0]), int(loaded[1])], "n_d_vars": gan.n_vars[0],
            "n_g_vars": gan.n_vars[1], "model_size": [int(v) for v in model_size]}
