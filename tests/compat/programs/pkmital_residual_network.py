"""A residual network on MNIST: Parag K. Mital's "tensorflow_tutorials" (github.com/
pkmital/tensorflow_tutorials at commit c3eefe5, ``python/10_residual_network.py``, with
``conv2d`` and ``linear`` from ``python/libs/connections.py``: ``tf.get_variable`` in a
``tf.variable_scope`` per layer, named ``block_i/repeat_j/conv_in`` and so on,
``truncated_normal_initializer`` filters, ``tf.nn.bias_add``, an optional activation). A
7x7 stride-2 convolution to 64 channels, a 3x3 stride-2 ``max_pool``, a 1x1 convolution to
the first block's width, four blocks (``namedtuple`` ``LayerBlock``: 128/32, 256/64,
512/128, 1024/256) of three bottleneck units (1x1 in, 3x3, 1x1 out, added to the input)
with a bias-free 1x1 "upscale" between blocks (the ``try``/``except IndexError`` after
the last), a whole-map ``avg_pool``, a reshape from the static shape and
``linear(..., activation=tf.nn.softmax)``; the cross-entropy written out, Adam, and per
epoch the mean training accuracy (fetched with the optimizer) and validation accuracy.

Adapted: the MNIST download is the bundled digits in MNIST's shapes
(``common.read_data_sets``); 5 epochs of 1100 batches of 50 -> 1 epoch of 2 training and
2 validation batches of 10 (a training step of this network on 50 images costs some 10
GFLOP); the variables start
from ``common.same_start``'s draw (biases at zero) on both backends (the initializers'
streams are backend-specific); the printed accuracies are returned.
"""

from __future__ import annotations

from collections import namedtuple
from math import sqrt

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"train_accuracy": 0.0, "valid_accuracy": 0.0, "cost": 1e-3,
           "n_variables": 0.0, "some_variables": 0.0}


def make_connections(tf):
    """``libs.connections.conv2d`` and ``linear`` bound to the ``tf`` module given."""

    def linear(x, n_units, scope=None, stddev=0.02,
               activation=lambda x: x):
        """Fully-connected network."""
        shape = x.get_shape().as_list()

        with tf.variable_scope(scope or "Linear"):
            matrix = tf.get_variable("Matrix", [shape[1], n_units], tf.float32,
                                     tf.random_normal_initializer(stddev=stddev))
            return activation(tf.matmul(x, matrix))

    def conv2d(x, n_filters,
               k_h=5, k_w=5,
               stride_h=2, stride_w=2,
               stddev=0.02,
               activation=None,
               bias=True,
               padding='SAME',
               name="Conv2D"):
        """2D Convolution with options for kernel size, stride, and init deviation."""
        with tf.variable_scope(name):
            w = tf.get_variable(
                'w', [k_h, k_w, x.get_shape()[-1], n_filters],
                initializer=tf.truncated_normal_initializer(stddev=stddev))
            conv = tf.nn.conv2d(
                x, w, strides=[1, stride_h, stride_w, 1], padding=padding)
            if bias:
                b = tf.get_variable(
                    'b', [n_filters],
                    initializer=tf.truncated_normal_initializer(stddev=stddev))
                conv = tf.nn.bias_add(conv, b)
            if activation:
                conv = activation(conv)
            return conv

    return conv2d, linear


def main(tf):
    conv2d, linear = make_connections(tf)

    def residual_network(x, n_outputs,
                         activation=tf.nn.relu):
        """Builds a residual network."""
        # %%
        LayerBlock = namedtuple(
            'LayerBlock', ['num_repeats', 'num_filters', 'bottleneck_size'])
        blocks = [LayerBlock(3, 128, 32),
                  LayerBlock(3, 256, 64),
                  LayerBlock(3, 512, 128),
                  LayerBlock(3, 1024, 256)]

        # %%
        input_shape = x.get_shape().as_list()
        if len(input_shape) == 2:
            ndim = int(sqrt(input_shape[1]))
            if ndim * ndim != input_shape[1]:
                raise ValueError('input_shape should be square')
            x = tf.reshape(x, [-1, ndim, ndim, 1])

        # %%
        # First convolution expands to 64 channels and downsamples
        net = conv2d(x, 64, k_h=7, k_w=7,
                     name='conv1',
                     activation=activation)

        # %%
        # Max pool and downsampling
        net = tf.nn.max_pool(
            net, [1, 3, 3, 1], strides=[1, 2, 2, 1], padding='SAME')

        # %%
        # Setup first chain of resnets
        net = conv2d(net, blocks[0].num_filters, k_h=1, k_w=1,
                     stride_h=1, stride_w=1, padding='VALID', name='conv2')

        # %%
        # Loop through all res blocks
        for block_i, block in enumerate(blocks):
            for repeat_i in range(block.num_repeats):

                name = 'block_%d/repeat_%d' % (block_i, repeat_i)  # noqa: UP031
                conv = conv2d(net, block.bottleneck_size, k_h=1, k_w=1,
                              padding='VALID', stride_h=1, stride_w=1,
                              activation=activation,
                              name=name + '/conv_in')

                conv = conv2d(conv, block.bottleneck_size, k_h=3, k_w=3,
                              padding='SAME', stride_h=1, stride_w=1,
                              activation=activation,
                              name=name + '/conv_bottleneck')

                conv = conv2d(conv, block.num_filters, k_h=1, k_w=1,
                              padding='VALID', stride_h=1, stride_w=1,
                              activation=activation,
                              name=name + '/conv_out')

                net = conv + net
            try:
                # upscale to the next block size
                next_block = blocks[block_i + 1]
                net = conv2d(net, next_block.num_filters, k_h=1, k_w=1,
                             padding='SAME', stride_h=1, stride_w=1, bias=False,
                             name='block_%d/conv_upscale' % block_i)  # noqa: UP031
            except IndexError:
                pass

        # %%
        net = tf.nn.avg_pool(net,
                             ksize=[1, net.get_shape().as_list()[1],
                                    net.get_shape().as_list()[2], 1],
                             strides=[1, 1, 1, 1], padding='VALID')
        net = tf.reshape(
            net,
            [-1, net.get_shape().as_list()[1] *
             net.get_shape().as_list()[2] *
             net.get_shape().as_list()[3]])

        net = linear(net, n_outputs, activation=tf.nn.softmax)

        # %%
        return net

    # test_mnist
    mnist = read_data_sets('MNIST_data/', one_hot=True)
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.float32, [None, 10])
    y_pred = residual_network(x, 10)

    # %% Define loss/eval/training functions
    cross_entropy = -tf.reduce_sum(y * tf.log(y_pred))
    optimizer = tf.train.AdamOptimizer().minimize(cross_entropy)

    # %% Monitor accuracy
    correct_prediction = tf.equal(tf.argmax(y_pred, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, 'float'))

    # %% We now create a new session to actually perform the initialization
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, biases=True)

    # %% We'll train in minibatches and report accuracy:
    batch_size = 10  # 50 in the original
    n_epochs = 1  # 5 in the original
    n_train, n_valid = 2, 2  # mnist.train/validation.num_examples // batch_size
    for epoch_i in range(n_epochs):  # noqa: B007 - the author's loop
        # Training
        train_accuracy = 0
        for batch_i in range(n_train):  # noqa: B007
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            train_accuracy += sess.run([optimizer, accuracy], feed_dict={
                x: batch_xs, y: batch_ys})[1]
        train_accuracy /= n_train

        # Validation
        valid_accuracy = 0
        for batch_i in range(n_valid):  # noqa: B007
            batch_xs, batch_ys = mnist.validation.next_batch(batch_size)
            valid_accuracy += sess.run(accuracy,
                                       feed_dict={
                                           x: batch_xs,
                                           y: batch_ys
                                       })
        valid_accuracy /= n_valid
    cost = sess.run(cross_entropy, feed_dict={x: batch_xs, y: batch_ys})
    names = [v.name for v in tf.trainable_variables()]
    sess.close()
    return {"train_accuracy": [float(train_accuracy)], "valid_accuracy": [float(valid_accuracy)],
            "cost": float(cost), "n_variables": [len(names)],
            "some_variables": names[:4] + names[-3:]}
