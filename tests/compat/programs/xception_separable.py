"""A small Xception written with ``tf.layers``, after a public TF1 ``XceptionNet`` module
(class ``XceptionNet`` with ``conv2d`` / ``separable_conv2d`` / ``residual_separableConv``
/ ``block_separableConv`` / ``forward`` / ``loss`` methods): ``tf.layers.conv2d`` and
``tf.layers.separable_conv2d`` (``depthwise_initializer``, ``pointwise_initializer``,
``pointwise_regularizer``) each followed by ``tf.layers.batch_normalization(training=
self.is_training)``, residual blocks joining a strided 1x1 conv shortcut with
``max_pooling2d(3, 2, 'same')`` by ``tf.add``, ``average_pooling2d``, ``flatten``,
``tf.layers.dropout`` (its default ``training=False``), a dense head with a kernel
regularizer; the loss is ``tf.losses.sparse_softmax_cross_entropy`` plus
``tf.add_n(tf.losses.get_regularization_losses())``.

Adapted: the module only builds the forward pass; the training loop around it (Adam
under ``control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))``, then an
inference graph with ``is_training=False`` sharing the variables via ``reuse``) is the
usual TF1 one; widths and repeats scaled down for 28x28 digits; ``tf.contrib.layers``'
``l2_regularizer(scale)`` / ``xavier_initializer()`` are written as
``scale * tf.nn.l2_loss`` / ``tf.glorot_uniform_initializer()`` (the same functions;
TF 2.x has no contrib); the digits get a little uniform noise (exactly blank regions make
near-ties in the max pools that the two backends' float32 rounding resolves differently)
and the rate is small (at 1e-3, relu sign flips of values within rounding of zero grow
to a 7% loss difference in 30 steps; at 1e-4, 1e-4); same starting weights."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_loss": 1e-5, "loss": 1e-3, "reg_loss": 1e-3, "eval_loss": 1e-3,
           "accuracy": 0.02, "moving_var_sum": 1e-3, "variables": 0.0,
           "update_ops": 0.0, "depthwise_shape": 0.0}


def make_net(tf):
    def l2_regularizer(scale):
        return lambda weights: scale * tf.nn.l2_loss(weights)

    class XceptionNet:
        """docstring for XceptionNet"""

        def __init__(self, num_classes=10, is_training=True):
            self.num_classes = num_classes
            self.is_training = is_training
            self.regularizer = l2_regularizer(scale=5e-4)
            self.initializer = tf.glorot_uniform_initializer()

        def conv2d(self, inputs, output_channel, kernel_size, stride=1):
            inputs = tf.layers.conv2d(inputs, filters=output_channel, kernel_size=kernel_size,
                                      strides=stride, padding="same",
                                      kernel_initializer=self.initializer,
                                      kernel_regularizer=self.regularizer)
            inputs = tf.layers.batch_normalization(inputs, training=self.is_training)
            return tf.nn.relu(inputs)

        def separable_conv2d(self, inputs, output_channel):
            inputs = tf.layers.separable_conv2d(inputs, filters=output_channel, kernel_size=3,
                                                padding="same",
                                                depthwise_initializer=self.initializer,
                                                pointwise_initializer=self.initializer,
                                                pointwise_regularizer=self.regularizer)
            inputs = tf.layers.batch_normalization(inputs, training=self.is_training)
            return inputs

        def residual_separableConv(self, inputs, num_channels):
            residual = tf.layers.conv2d(inputs, filters=num_channels[-1], kernel_size=1,
                                        strides=2, padding="same",
                                        kernel_initializer=self.initializer,
                                        kernel_regularizer=self.regularizer)
            for channel in num_channels:
                inputs = tf.nn.relu(inputs)
                inputs = self.separable_conv2d(inputs, channel)
            inputs = tf.layers.max_pooling2d(inputs, pool_size=3, strides=2, padding="same")
            return tf.add(inputs, residual)

        def block_separableConv(self, inputs, num_channels, repeat=8):
            for _index in range(repeat):
                for channel in num_channels:
                    inputs = tf.nn.relu(inputs)
                    inputs = self.separable_conv2d(inputs, channel)
            return inputs

        def forward(self, inputs):
            out = self.conv2d(inputs, 8, 3, 2)
            out = self.conv2d(out, 16, 3)
            out = self.residual_separableConv(out, [24, 24])
            out = self.residual_separableConv(out, [32, 32])
            out = self.block_separableConv(out, [32, 32], repeat=1)
            out = self.residual_separableConv(out, [32, 48])
            out = tf.nn.relu(self.separable_conv2d(out, 64))
            out = tf.layers.average_pooling2d(out, pool_size=1, strides=1)
            out = tf.layers.flatten(out)
            out = tf.layers.dropout(out, rate=0.5)
            predicts = tf.layers.dense(out, units=self.num_classes,
                                       kernel_regularizer=self.regularizer)
            softmax_out = tf.nn.softmax(predicts, name="output")
            return predicts, softmax_out

        def loss(self, predicts, labels):
            losses = tf.reduce_mean(tf.losses.sparse_softmax_cross_entropy(labels, predicts))
            l2_reg = tf.losses.get_regularization_losses()
            losses += tf.add_n(l2_reg)
            return losses

    return XceptionNet


def main(tf):
    mnist = read_data_sets("/tmp/data/")
    noise = np.random.RandomState(5)
    for part in (mnist.train, mnist.test):  # no exactly blank regions: see the docstring
        part.images = part.images + noise.uniform(0, 0.05, part.images.shape).astype(np.float32)
    XceptionNet = make_net(tf)
    inputs = tf.placeholder(tf.float32, [None, 28, 28, 1])
    labels = tf.placeholder(tf.int64, [None])

    with tf.variable_scope("xception"):
        net = XceptionNet()
        predicts, _ = net.forward(inputs)
        loss = net.loss(predicts, labels)
    with tf.variable_scope("xception", reuse=True):
        eval_net = XceptionNet(is_training=False)
        eval_predicts, eval_softmax = eval_net.forward(inputs)
    eval_loss = tf.reduce_mean(tf.losses.sparse_softmax_cross_entropy(labels, eval_predicts))
    correct = tf.equal(tf.argmax(eval_softmax, 1), labels)
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    reg_loss = tf.add_n(tf.losses.get_regularization_losses())

    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.train.AdamOptimizer(1e-4).minimize(loss)

    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf)
        for _step in range(30):
            batch_x, batch_y = mnist.train.next_batch(32)
            _, loss_ = sess.run([train_op, loss],
                                {inputs: batch_x.reshape(-1, 28, 28, 1), labels: batch_y})
            losses.append(loss_)
        test_x = mnist.test.images[:200].reshape(-1, 28, 28, 1)
        test_y = mnist.test.labels[:200]
        eval_loss_, acc_, reg_ = sess.run([eval_loss, accuracy, reg_loss],
                                          {inputs: test_x, labels: test_y})
        moving = [v for v in tf.global_variables() if "moving_variance" in v.name]
        var_sum = float(sum(np.sum(m) for m in sess.run(moving)))
        names = sorted(v.name for v in tf.trainable_variables())
        depthwise = [v for v in names if "depthwise_kernel" in v][0]
        shape = tf.trainable_variables()[[v.name for v in tf.trainable_variables()]
                                         .index(depthwise)].shape.as_list()
    return {"first_loss": float(losses[0]), "loss": float(losses[-1]), "reg_loss": float(reg_),
            "eval_loss": float(eval_loss_), "accuracy": float(acc_),
            "moving_var_sum": var_sum, "variables": names, "update_ops": len(update_ops),
            "depthwise_shape": shape}
