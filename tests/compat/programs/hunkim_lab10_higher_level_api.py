"""An MNIST network of ``tf.contrib.layers`` under ``arg_scope``, from Sung Kim's
"DeepLearningZeroToAll" (github.com/hunkim/DeepLearningZeroToAll at commit
60c707e02af7bd950401faeadcc6c0e1b39b2978, ``lab-10-7-mnist_nn_higher_level_API.py``):
``from tensorflow.contrib.layers import fully_connected, batch_norm, dropout`` and
``from tensorflow.contrib.framework import arg_scope``, a ``tf.bool`` placeholder
``train_mode``, ``tf.contrib.layers.xavier_initializer()``, an ``arg_scope`` giving every
``fully_connected`` relu, the Xavier initializer, no biases and ``batch_norm`` as
``normalizer_fn`` with ``{'is_training': train_mode, 'decay': 0.9, 'updates_collections':
None}`` (moving statistics updated in place), four 512-unit layers each followed by
``dropout(h, keep_prob, is_training=train_mode)``, a linear ``hypothesis`` layer,
``softmax_cross_entropy_with_logits`` and ``AdamOptimizer(0.01)``; each batch is one
training run (``train_mode: True``) then the cost in inference mode (``train_mode:
False``: the moving statistics), averaged over the epoch, then the test accuracy.

Adapted: MNIST is the bundled digits (``common.read_data_sets``); one epoch of 14
batches of 100 instead of 15 epochs of 550; ``keep_prob = 1.0`` instead of 0.7 (a
dropout mask is drawn by each backend's own generator, so the two would train different
networks; the dropout layers and the ``train_mode`` switch stay); the weights start from
``same_start``'s draw (the batch norms' betas and moving statistics as initialized);
the random test-image prediction and the prints are left out. Under TF 2.x the
``tf.contrib`` names are ``tests/compat/programs/tf_contrib.py``'s tf_slim stand-ins.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start
from tests.compat.programs.tf_contrib import contrib

# The first layer's weights are not compared: pixels constant over a batch get a gradient
# that is zero but for round-off (the batch norm removes it), and Adam's first steps turn
# that noise into steps of +-learning_rate, differently on each backend.
# Tolerances cover float rounding of another BLAS kernel set: with NumPy's OpenBLAS on its AVX-512
# kernels (no OPENBLAS_CORETYPE pin) instead of AVX2 ones, avg_cost and moving_mean_sum move by
# 6e-4 (batch norm over 20 epochs).
COMPARE = {"avg_cost": 2e-3, "accuracy": 3e-3, "first_cost": 1e-5, "moving_mean_sum": 2e-3,
           "out_weights_sum": 1e-4, "variables": 0.0}


def main(tf):
    fully_connected = contrib(tf).layers.fully_connected
    batch_norm = contrib(tf).layers.batch_norm
    dropout = contrib(tf).layers.dropout
    arg_scope = contrib(tf).framework.arg_scope
    tf.set_random_seed(777)  # reproducibility

    mnist = read_data_sets("MNIST_data/", one_hot=True)

    # parameters
    learning_rate = 0.01  # we can use large learning rate using Batch Normalization
    training_epochs = 1
    batch_size = 100
    keep_prob = 1.0

    # input place holders
    X = tf.placeholder(tf.float32, [None, 784])
    Y = tf.placeholder(tf.float32, [None, 10])
    train_mode = tf.placeholder(tf.bool, name='train_mode')

    # layer output size
    hidden_output_size = 512
    final_output_size = 10

    xavier_init = contrib(tf).layers.xavier_initializer()
    bn_params = {
        'is_training': train_mode,
        'decay': 0.9,
        'updates_collections': None
    }

    # We can build short code using 'arg_scope' to avoid duplicate code
    # same function with different arguments
    with arg_scope([fully_connected],
                   activation_fn=tf.nn.relu,
                   weights_initializer=xavier_init,
                   biases_initializer=None,
                   normalizer_fn=batch_norm,
                   normalizer_params=bn_params
                   ):
        hidden_layer1 = fully_connected(X, hidden_output_size, scope="h1")
        h1_drop = dropout(hidden_layer1, keep_prob, is_training=train_mode)
        hidden_layer2 = fully_connected(h1_drop, hidden_output_size, scope="h2")
        h2_drop = dropout(hidden_layer2, keep_prob, is_training=train_mode)
        hidden_layer3 = fully_connected(h2_drop, hidden_output_size, scope="h3")
        h3_drop = dropout(hidden_layer3, keep_prob, is_training=train_mode)
        hidden_layer4 = fully_connected(h3_drop, hidden_output_size, scope="h4")
        h4_drop = dropout(hidden_layer4, keep_prob, is_training=train_mode)
        hypothesis = fully_connected(h4_drop, final_output_size, activation_fn=None,
                                     scope="hypothesis")

    # define cost/loss & optimizer
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
        logits=hypothesis, labels=Y))
    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)

    # initialize
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=10)

    # train my model
    first_cost = None
    for epoch in range(training_epochs):  # noqa: B007 - as written
        avg_cost = 0
        total_batch = int(mnist.train.num_examples / batch_size)

        for i in range(total_batch):  # noqa: B007 - as written
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            feed_dict_train = {X: batch_xs, Y: batch_ys, train_mode: True}
            feed_dict_cost = {X: batch_xs, Y: batch_ys, train_mode: False}
            opt = sess.run(optimizer, feed_dict=feed_dict_train)  # noqa: F841 - as written
            c = sess.run(cost, feed_dict=feed_dict_cost)
            avg_cost += c / total_batch
            if first_cost is None:
                first_cost = c

    # Test model and check accuracy
    correct_prediction = tf.equal(tf.argmax(hypothesis, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    acc = sess.run(accuracy, feed_dict={
        X: mnist.test.images, Y: mnist.test.labels, train_mode: False})
    by_name = {v.op.name: v for v in tf.global_variables()}
    moving_mean, weights = sess.run([by_name["h2/BatchNorm/moving_mean"],
                                     by_name["hypothesis/weights"]])
    sess.close()
    return {"avg_cost": float(avg_cost), "accuracy": float(acc), "first_cost": float(first_cost),
            "moving_mean_sum": float(np.sum(moving_mean)),
            "out_weights_sum": float(np.sum(weights * np.arange(1, 11))),
            "variables": sorted(v.op.name for v in tf.global_variables()
                                if "Adam" not in v.op.name)}
