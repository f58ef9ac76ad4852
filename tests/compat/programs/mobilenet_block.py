"""MobileNet's depthwise-separable conv block against a vanilla conv block, after
Udacity's ``CarND-Object-Detection-Lab`` (exercise 1 and its solution
``exercise-solutions/e1.py``): ``mobilenet_conv_block`` builds a ``tf.Variable`` depthwise
filter of shape ``(k, k, in, 1)`` from ``tf.truncated_normal`` and applies
``tf.nn.depthwise_conv2d(x, W, (1, 2, 2, 1), padding='SAME')``, then
``tf.layers.batch_normalization`` (called without ``training``: inference mode) and relu,
a 1x1 ``tf.layers.conv2d`` pointwise conv, batch norm, relu; ``vanilla_conv_block`` is a
strided 3x3 ``tf.layers.conv2d`` + batch norm + relu. As in the lab, both blocks are
built under ``tf.variable_scope('vanilla')`` / ``('mobile')`` in a
``tf.Session(graph=tf.Graph())`` on a ``tf.constant`` input, and the parameters are
counted from ``tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope)``.

Adapted: a 32x32 input instead of 256x256 and 64 output channels; the lab prints the
counts, here they are returned with the two blocks' outputs; and, beyond the lab, each
block is trained for a few steps as the body of a digit classifier (``tf.layers.flatten``,
``tf.layers.dense``, ``sparse_softmax_cross_entropy``, Adam) so the
depthwise filter's gradient is exercised; same starting weights."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"vanilla_params": 0.0, "mobile_params": 0.0, "reduction": 1e-9,
           "vanilla_out_sum": 1e-4, "mobile_out_sum": 1e-4, "mobile_out_shape": 0.0,
           "vanilla_loss": 1e-4, "mobile_loss": 1e-4, "mobile_accuracy": 0.01,
           "depthwise_filter_sum": 1e-4}

INPUT_CHANNELS = 32
OUTPUT_CHANNELS = 64
KERNEL_SIZE = 3
IMG_HEIGHT = 32
IMG_WIDTH = 32


def blocks(tf):
    def vanilla_conv_block(x, kernel_size, output_channels):
        """
        Vanilla Conv -> Batch Norm -> ReLU
        """
        x = tf.layers.conv2d(x, output_channels, kernel_size, (2, 2), padding="SAME")
        x = tf.layers.batch_normalization(x)
        return tf.nn.relu(x)

    def mobilenet_conv_block(x, kernel_size, output_channels):
        """
        Depthwise Conv -> Batch Norm -> ReLU -> Pointwise Conv -> Batch Norm -> ReLU
        """
        # assumes BHWC format
        input_channel_dim = x.get_shape().as_list()[-1]
        W = tf.Variable(tf.truncated_normal((kernel_size, kernel_size, input_channel_dim, 1)))

        # depthwise conv
        x = tf.nn.depthwise_conv2d(x, W, (1, 2, 2, 1), padding="SAME")
        x = tf.layers.batch_normalization(x)
        x = tf.nn.relu(x)

        # pointwise conv
        x = tf.layers.conv2d(x, output_channels, (1, 1), padding="SAME")
        x = tf.layers.batch_normalization(x)
        return tf.nn.relu(x)

    return vanilla_conv_block, mobilenet_conv_block


def compare_blocks(tf):
    """The lab's cell: build both blocks and count their parameters."""
    vanilla_conv_block, mobilenet_conv_block = blocks(tf)
    with tf.Session(graph=tf.Graph()) as sess:
        # input
        x = tf.constant(np.random.RandomState(0).randn(1, IMG_HEIGHT, IMG_WIDTH,
                                                        INPUT_CHANNELS), dtype=tf.float32)

        with tf.variable_scope("vanilla"):
            vanilla_conv = vanilla_conv_block(x, KERNEL_SIZE, OUTPUT_CHANNELS)
        with tf.variable_scope("mobile"):
            mobilenet_conv = mobilenet_conv_block(x, KERNEL_SIZE, OUTPUT_CHANNELS)

        vanilla_params = [
            (v.name, np.prod(v.get_shape().as_list()))
            for v in tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, "vanilla")
        ]
        mobile_params = [
            (v.name, np.prod(v.get_shape().as_list()))
            for v in tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, "mobile")
        ]
        total_vanilla_params = sum([p[1] for p in vanilla_params])
        total_mobile_params = sum([p[1] for p in mobile_params])

        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, seed=1)
        v_out, m_out = sess.run([vanilla_conv, mobilenet_conv])
    return {"vanilla_params": [[n, int(c)] for n, c in vanilla_params],
            "mobile_params": [[n, int(c)] for n, c in mobile_params],
            "reduction": float(total_vanilla_params / total_mobile_params),
            "vanilla_out_sum": float(v_out.sum()), "mobile_out_sum": float(m_out.sum()),
            "mobile_out_shape": list(m_out.shape)}


def train_block(tf, which, mnist):
    vanilla_conv_block, mobilenet_conv_block = blocks(tf)
    block = vanilla_conv_block if which == "vanilla" else mobilenet_conv_block
    with tf.Graph().as_default():
        images = tf.placeholder(tf.float32, [None, 784])
        labels = tf.placeholder(tf.int64, [None])
        x = tf.tile(tf.reshape(images, [-1, 28, 28, 1]), [1, 1, 1, 4])
        with tf.variable_scope(which):
            net = block(x, KERNEL_SIZE, 16)
        logits = tf.layers.dense(tf.layers.flatten(net), 10)
        loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
        train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), labels), tf.float32))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            same_start(sess, tf, seed=2)
            for _ in range(25):
                batch_x, batch_y = mnist.train.next_batch(50)
                _, loss_ = sess.run([train_op, loss], {images: batch_x, labels: batch_y})
            acc = sess.run(accuracy, {images: mnist.test.images, labels: mnist.test.labels})
            filters = [v for v in tf.trainable_variables() if v.shape.ndims == 4]
            filter_sum = float(sess.run(filters[0]).sum())
    return float(loss_), float(acc), filter_sum


def main(tf):
    result = compare_blocks(tf)
    mnist = read_data_sets("/tmp/data/")
    result["vanilla_loss"], _, _ = train_block(tf, "vanilla", mnist)
    mnist = read_data_sets("/tmp/data/")
    result["mobile_loss"], result["mobile_accuracy"], result["depthwise_filter_sum"] = \
        train_block(tf, "mobile", mnist)
    return result
