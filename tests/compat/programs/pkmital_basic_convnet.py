"""A basic convnet on MNIST: Parag K. Mital's "tensorflow_tutorials" (github.com/pkmital/
tensorflow_tutorials at commit c3eefe5, ``python/05_basic_convnet.py`` with the helpers it
takes from ``python/libs/utils.py``: ``weight_variable`` and ``bias_variable``, both
``tf.Variable(tf.random_normal(shape, mean=0.0, stddev=0.01))``, and ``montage``). Two
5x5 convolutions of 16 filters with stride 2 instead of pooling (``tf.nn.conv2d`` called
with the keywords ``input=``/``filter=``), a 1024-unit ReLU layer, ``tf.nn.dropout`` with a
fed ``keep_prob``, a softmax output, the cross-entropy written out as
``-tf.reduce_sum(y * tf.log(y_pred))``, Adam at its default rate, accuracy per epoch on
the validation images; at the end the first layer's kernels laid out by ``montage``.

Adapted: the MNIST download is the bundled digits in MNIST's shapes
(``common.read_data_sets``); 5 epochs -> 1 (14 batches of 100); ``keep_prob`` is fed 1.0
in training too (dropout's random mask is backend-specific); the weights start from
``common.same_start``'s draw and the biases at zero, the same on both backends
(``tf.random_normal``'s stream is backend-specific); the montage is summed instead of
shown with ``plt.imshow``; the accuracy prints are returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"validation_accuracy": 3e-3, "cross_entropy": 1e-3, "montage_sum": 1e-4,
           "montage_shape": 0.0}


def montage(W):
    """Draws all filters (n_input * n_output filters) as a
    montage image separated by 1 pixel borders.
    """
    W = np.reshape(W, [W.shape[0], W.shape[1], 1, W.shape[2] * W.shape[3]])
    n_plots = int(np.ceil(np.sqrt(W.shape[-1])))
    m = np.ones(
        (W.shape[0] * n_plots + n_plots + 1,
         W.shape[1] * n_plots + n_plots + 1)) * 0.5
    for i in range(n_plots):
        for j in range(n_plots):
            this_filter = i * n_plots + j
            if this_filter < W.shape[-1]:
                m[1 + i + i * W.shape[0]:1 + i + (i + 1) * W.shape[0],
                  1 + j + j * W.shape[1]:1 + j + (j + 1) * W.shape[1]] = (
                    np.squeeze(W[:, :, :, this_filter]))
    return m


def main(tf):
    def weight_variable(shape):
        '''Helper function to create a weight variable initialized with
        a normal distribution'''
        initial = tf.random_normal(shape, mean=0.0, stddev=0.01)
        return tf.Variable(initial)

    def bias_variable(shape):
        '''Helper function to create a bias variable initialized with
        a constant value.'''
        initial = tf.random_normal(shape, mean=0.0, stddev=0.01)
        return tf.Variable(initial)

    # %% Setup input to the network and true output label.
    mnist = read_data_sets('MNIST_data/', one_hot=True)
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.float32, [None, 10])

    # %% Since x is currently [batch, height*width], we need to reshape to a
    # 4-D tensor to use it in a convolutional graph.
    x_tensor = tf.reshape(x, [-1, 28, 28, 1])

    # %% We'll setup the first convolutional layer
    filter_size = 5
    n_filters_1 = 16
    W_conv1 = weight_variable([filter_size, filter_size, 1, n_filters_1])

    # %% Bias is [output_channels]
    b_conv1 = bias_variable([n_filters_1])

    # %% Now we can build a graph which does the first layer of convolution
    h_conv1 = tf.nn.relu(
        tf.nn.conv2d(input=x_tensor,
                     filter=W_conv1,
                     strides=[1, 2, 2, 1],
                     padding='SAME') +
        b_conv1)

    # %% And just like the first layer, add additional layers
    n_filters_2 = 16
    W_conv2 = weight_variable([filter_size, filter_size, n_filters_1, n_filters_2])
    b_conv2 = bias_variable([n_filters_2])
    h_conv2 = tf.nn.relu(
        tf.nn.conv2d(input=h_conv1,
                     filter=W_conv2,
                     strides=[1, 2, 2, 1],
                     padding='SAME') +
        b_conv2)

    # %% We'll now reshape so we can connect to a fully-connected layer:
    h_conv2_flat = tf.reshape(h_conv2, [-1, 7 * 7 * n_filters_2])

    # %% Create a fully-connected layer:
    n_fc = 1024
    W_fc1 = weight_variable([7 * 7 * n_filters_2, n_fc])
    b_fc1 = bias_variable([n_fc])
    h_fc1 = tf.nn.relu(tf.matmul(h_conv2_flat, W_fc1) + b_fc1)

    # %% We can add dropout for regularizing and to reduce overfitting like so:
    keep_prob = tf.placeholder(tf.float32)
    h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)

    # %% And finally our softmax layer:
    W_fc2 = weight_variable([n_fc, 10])
    b_fc2 = bias_variable([10])
    y_pred = tf.nn.softmax(tf.matmul(h_fc1_drop, W_fc2) + b_fc2)

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
    batch_size = 100
    n_epochs = 1  # 5 in the original
    for epoch_i in range(n_epochs):  # noqa: B007 - the author's loop
        for batch_i in range(mnist.train.num_examples // batch_size):  # noqa: B007
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            sess.run(optimizer, feed_dict={
                x: batch_xs, y: batch_ys, keep_prob: 1.0})  # 0.5 in the original
        validation_accuracy, validation_cost = sess.run(
            [accuracy, cross_entropy],
            feed_dict={
                x: mnist.validation.images,
                y: mnist.validation.labels,
                keep_prob: 1.0
            })

    # %% Let's take a look at the kernels we've learned
    W = sess.run(W_conv1)
    m = montage(W / np.max(W))
    sess.close()
    return {"validation_accuracy": float(validation_accuracy),
            "cross_entropy": float(validation_cost), "montage_sum": float(m.sum()),
            "montage_shape": list(m.shape)}
