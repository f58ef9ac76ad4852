"""TensorFlow's own ``tensorflow/examples/learn/resnet.py`` of the ``tf.estimator`` era
(read from a stored copy of the file): a bottleneck residual network in an
``Estimator``'s ``model_fn``: the flat 784-pixel input reshaped to
``[-1, sqrt(784), sqrt(784), 1]``, a 7x7 ``tf.layers.conv2d`` (relu) and
``tf.layers.batch_normalization`` (called without ``training``, so it always normalizes
with its moving statistics) under ``conv_layer1``, ``max_pooling2d`` (3, stride 2, same),
a 1x1 conv under ``conv_layer2``, then per ``BottleneckGroup`` (a ``namedtuple``) blocks
of 1x1 / 3x3 / 1x1 conv + batch norm under ``group_%d/block_%d/conv_in`` /
``conv_bottleneck`` / ``conv_out`` with identity shortcuts, a bias-free 1x1
``conv_upscale`` between groups, a global ``tf.nn.avg_pool``, ``tf.layers.dense``
logits; ``tf.one_hot`` labels into ``tf.losses.softmax_cross_entropy``, Adagrad (0.01),
``tf.metrics.accuracy``; ``numpy_input_fn`` batches of 100, ``train``, ``evaluate``.

Adapted ("tiny sizes"): two bottleneck groups of one block each, ``(1, 8, 4)`` and
``(1, 16, 8)``, instead of four groups of three blocks of 128-1024 filters, and 8 first
filters instead of 64; the MNIST download is the bundled digits at 28x28
(``common.read_data_sets``); 5 training steps instead of 100; the training input's
``shuffle=True`` is ``shuffle=False`` (TF's shuffle queue draws from its own random
stream); a model directory of its own; the weights start from the same draw
(``same_start`` in a hook, which also gives the ``conv_upscale`` bias, Glorot-uniform
because of ``bias_initializer=None``, the same draw)."""

from __future__ import annotations

import tempfile
from collections import namedtuple
from math import sqrt

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"accuracy": 1e-6, "loss": 1e-4, "global_step": 0.0, "metric_keys": 0.0,
           "variables": 0.0}

N_DIGITS = 10  # Number of digits.
X_FEATURE = "x"  # Name of the input feature.


def main(tf):
    def res_net_model(features, labels, mode):
        """Builds a residual network."""

        # Configurations for each bottleneck group.
        BottleneckGroup = namedtuple("BottleneckGroup",  # noqa: N806 (the example's name)
                                     ["num_blocks", "num_filters", "bottleneck_size"])
        groups = [BottleneckGroup(1, 8, 4), BottleneckGroup(1, 16, 8)]

        x = features[X_FEATURE]
        input_shape = x.get_shape().as_list()

        # Reshape the input into the right shape if it's 2D tensor
        if len(input_shape) == 2:
            ndim = int(sqrt(input_shape[1]))
            x = tf.reshape(x, [-1, ndim, ndim, 1])

        # First convolution expands to 64 channels (8 here)
        with tf.variable_scope("conv_layer1"):
            net = tf.layers.conv2d(
                x,
                filters=8,
                kernel_size=7,
                activation=tf.nn.relu)
            net = tf.layers.batch_normalization(net)

        # Max pool
        net = tf.layers.max_pooling2d(
            net, pool_size=3, strides=2, padding="same")

        # First chain of resnets
        with tf.variable_scope("conv_layer2"):
            net = tf.layers.conv2d(
                net,
                filters=groups[0].num_filters,
                kernel_size=1,
                padding="valid")

        # Create the bottleneck groups, each of which contains `num_blocks`
        # bottleneck groups.
        for group_i, group in enumerate(groups):
            for block_i in range(group.num_blocks):
                name = "group_%d/block_%d" % (group_i, block_i)  # noqa: UP031

                # 1x1 convolution responsible for reducing dimension
                with tf.variable_scope(name + "/conv_in"):
                    conv = tf.layers.conv2d(
                        net,
                        filters=group.num_filters,
                        kernel_size=1,
                        padding="valid",
                        activation=tf.nn.relu)
                    conv = tf.layers.batch_normalization(conv)

                with tf.variable_scope(name + "/conv_bottleneck"):
                    conv = tf.layers.conv2d(
                        conv,
                        filters=group.bottleneck_size,
                        kernel_size=3,
                        padding="same",
                        activation=tf.nn.relu)
                    conv = tf.layers.batch_normalization(conv)

                # 1x1 convolution responsible for restoring dimension
                with tf.variable_scope(name + "/conv_out"):
                    input_dim = net.get_shape()[-1].value
                    conv = tf.layers.conv2d(
                        conv,
                        filters=input_dim,
                        kernel_size=1,
                        padding="valid",
                        activation=tf.nn.relu)
                    conv = tf.layers.batch_normalization(conv)

                # shortcut connections that turn the network into its counterpart
                # residual function (identity shortcut)
                net = conv + net

            try:
                # upscale to the next group size
                next_group = groups[group_i + 1]
                with tf.variable_scope("block_%d/conv_upscale" % group_i):  # noqa: UP031
                    net = tf.layers.conv2d(
                        net,
                        filters=next_group.num_filters,
                        kernel_size=1,
                        padding="same",
                        activation=None,
                        bias_initializer=None)
            except IndexError:
                pass

        net_shape = net.get_shape().as_list()
        net = tf.nn.avg_pool(
            net,
            ksize=[1, net_shape[1], net_shape[2], 1],
            strides=[1, 1, 1, 1],
            padding="VALID")

        net_shape = net.get_shape().as_list()
        net = tf.reshape(net, [-1, net_shape[1] * net_shape[2] * net_shape[3]])

        # Compute logits (1 per class) and compute loss.
        logits = tf.layers.dense(net, N_DIGITS, activation=None)

        # Compute predictions.
        predicted_classes = tf.argmax(logits, 1)
        if mode == tf.estimator.ModeKeys.PREDICT:
            predictions = {
                "class": predicted_classes,
                "prob": tf.nn.softmax(logits)
            }
            return tf.estimator.EstimatorSpec(mode, predictions=predictions)

        # Compute loss.
        onehot_labels = tf.one_hot(tf.cast(labels, tf.int32), N_DIGITS, 1, 0)
        loss = tf.losses.softmax_cross_entropy(
            onehot_labels=onehot_labels, logits=logits)

        # Create training op.
        if mode == tf.estimator.ModeKeys.TRAIN:
            optimizer = tf.train.AdagradOptimizer(learning_rate=0.01)
            train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
            return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

        # Compute evaluation metrics.
        eval_metric_ops = {
            "accuracy": tf.metrics.accuracy(
                labels=labels, predictions=predicted_classes)
        }
        return tf.estimator.EstimatorSpec(
            mode, loss=loss, eval_metric_ops=eval_metric_ops)

    # Download and load MNIST data.
    mnist = read_data_sets("/tmp/mnist")

    # Create a new resnet classifier.
    classifier = tf.estimator.Estimator(model_fn=res_net_model,
                                        model_dir=tempfile.mkdtemp())

    class SameStart(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            same_start(session, tf)
            # conv_upscale's bias_initializer=None gives its bias an unseeded
            # Glorot-uniform draw: the same draw on both backends
            rng = np.random.RandomState(1)
            for v in tf.trainable_variables():
                if "conv_upscale" in v.name and v.shape.ndims == 1:
                    limit = np.sqrt(6.0 / (2 * v.shape.as_list()[0]))
                    v.load(rng.uniform(-limit, limit, v.shape.as_list()).astype(np.float32),
                           session)

    # Train model and save summaries into logdir.
    train_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={X_FEATURE: mnist.train.images},
        y=mnist.train.labels.astype(np.int32),
        batch_size=100,
        num_epochs=None,
        shuffle=False)
    classifier.train(input_fn=train_input_fn, steps=5, hooks=[SameStart()])

    # Calculate accuracy.
    test_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={X_FEATURE: mnist.test.images},
        y=mnist.test.labels.astype(np.int32),
        num_epochs=1,
        shuffle=False)
    scores = classifier.evaluate(input_fn=test_input_fn)
    return {"accuracy": float(scores["accuracy"]), "loss": float(scores["loss"]),
            "global_step": [int(scores["global_step"])], "metric_keys": sorted(scores),
            "variables": sorted(n for n in classifier.get_variable_names()
                                if "Adagrad" not in n)}
