"""Initialization, nonsaturating activations and batch normalization from Aurélien
Géron's *Hands-On Machine Learning* (1st edition), chapter 11 notebook
``11_deep_learning.ipynb`` of ``ageron/handson-ml`` (commit
8ce07eda461431a9965a5b02d352dc6da4af5623, the file as of the repository's
b7051594afbb1d835f5e031af8664c4363878050): "Xavier and He Initialization"
(``tf.variance_scaling_initializer()`` as ``kernel_initializer`` of ``tf.layers.dense``),
"Leaky ReLU" (``tf.maximum(0.01 * z, z)`` as a dense layer's activation, trained on
MNIST with ``in_top_k`` accuracy), "ELU" (``activation=tf.nn.elu``), "SELU" (the
notebook's ``selu`` built from ``tf.where`` and ``tf.nn.elu``, with its ``alpha_0_1`` /
``scale_0_1`` constants, on standardized inputs) and "Batch Normalization"
(``tf.layers.batch_normalization`` with a ``training`` ``placeholder_with_default``,
``momentum=0.9``, written out and through ``functools.partial``, then the full network
with He-initialized dense layers, ELU, and the ``UPDATE_OPS`` run beside the training op).

Adapted: MNIST becomes the bundled digits (``handson_mlp_mnist.load_mnist``); 40 / 20
epochs become 2; ``scipy.special.erfc`` becomes ``math.erfc`` (same function; SciPy is not
installed); ``print`` calls become returned values; each model builds in a fresh
``tf.Graph()`` instead of ``reset_graph()``'s ``tf.reset_default_graph()`` (the test runs
each program inside a graph). The random initial weights (TF's and trainkit's generators
differ) are compared by their statistics (the He kernel's standard deviation and largest
magnitude, which the variance scaling and the truncation fix) and then replaced by
``same_start``'s NumPy draw so both backends train from the same weights. The shuffling
is the notebook's ``np.random.permutation`` after ``np.random.seed(42)``."""

# ruff: noqa: B007, F841 - the author's unused loop variables and names are kept

from __future__ import annotations

from functools import partial
from math import erfc

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.handson_mlp_mnist import load_mnist

# he_kernel_std: a sample deviation of 235,200 draws (relative error ~0.15%); the
# bound tells a missing truncation correction (12% smaller) or scale 2 (41% larger).
COMPARE = {"he_kernel_std": 5e-4, "he_kernel_max": 2e-3, "he_kernel_mean": 2e-4,
           "leaky_acc_batch": 1e-6, "leaky_acc_valid": 1e-6, "elu_sum": 1e-4,
           "selu_acc_batch": 1e-6, "selu_acc_valid": 1e-6, "bn_names": 0.0,
           "bn_partial_names": 0.0, "bn_accuracy": 1e-6, "bn_moving_mean_sum": 1e-4,
           "bn_trainable": 0.0, "bn_global": 0.0, "bn_update_ops": 0.0}


def main(tf):
    def reset_graph(seed=42):
        tf.set_random_seed(seed)
        np.random.seed(seed)

    X_train, y_train, X_valid, y_valid, X_test, y_test = load_mnist()
    results = {}

    def shuffle_batch(X, y, batch_size):
        rnd_idx = np.random.permutation(len(X))
        n_batches = len(X) // batch_size
        for batch_idx in np.array_split(rnd_idx, n_batches):
            X_batch, y_batch = X[batch_idx], y[batch_idx]
            yield X_batch, y_batch

    # Xavier and He Initialization
    with tf.Graph().as_default():
        reset_graph()

        n_inputs = 28 * 28  # MNIST
        n_hidden1 = 300

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")

        he_init = tf.variance_scaling_initializer()
        hidden1 = tf.layers.dense(X, n_hidden1, activation=tf.nn.relu,
                                  kernel_initializer=he_init, name="hidden1")

        with tf.Session() as sess:  # not in the notebook: the draw's statistics
            sess.run(tf.global_variables_initializer())
            kernel = sess.run(tf.get_default_graph().get_tensor_by_name("hidden1/kernel:0"))
        results.update(he_kernel_std=float(kernel.std()), he_kernel_max=float(np.abs(kernel).max()),
                       he_kernel_mean=float(kernel.mean()))

    # Leaky ReLU
    with tf.Graph().as_default():
        reset_graph()

        n_inputs = 28 * 28  # MNIST
        n_hidden1 = 300
        n_hidden2 = 100
        n_outputs = 10

        def leaky_relu(z, name=None):
            return tf.maximum(0.01 * z, z, name=name)

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
        y = tf.placeholder(tf.int32, shape=(None), name="y")

        with tf.name_scope("dnn"):
            hidden1 = tf.layers.dense(X, n_hidden1, activation=leaky_relu, name="hidden1")
            hidden2 = tf.layers.dense(hidden1, n_hidden2, activation=leaky_relu, name="hidden2")
            logits = tf.layers.dense(hidden2, n_outputs, name="outputs")

        with tf.name_scope("loss"):
            xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
            loss = tf.reduce_mean(xentropy, name="loss")

        learning_rate = 0.01

        with tf.name_scope("train"):
            optimizer = tf.train.GradientDescentOptimizer(learning_rate)
            training_op = optimizer.minimize(loss)

        with tf.name_scope("eval"):
            correct = tf.nn.in_top_k(logits, y, 1)
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()

        n_epochs = 2
        batch_size = 50

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf)
            for epoch in range(n_epochs):
                for X_batch, y_batch in shuffle_batch(X_train, y_train, batch_size):
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                if epoch % 5 == 0:
                    acc_batch = accuracy.eval(feed_dict={X: X_batch, y: y_batch})
                    acc_valid = accuracy.eval(feed_dict={X: X_valid, y: y_valid})
        results.update(leaky_acc_batch=float(acc_batch), leaky_acc_valid=float(acc_valid))

    # ELU
    with tf.Graph().as_default():
        reset_graph()

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")

        hidden1 = tf.layers.dense(X, n_hidden1, activation=tf.nn.elu, name="hidden1")

        with tf.Session() as sess:  # not in the notebook: the layer's output
            sess.run(tf.global_variables_initializer())
            same_start(sess, tf)
            results["elu_sum"] = float(hidden1.eval(feed_dict={X: X_valid}).sum())

    # SELU
    # alpha and scale to self normalize with mean 0 and standard deviation 1
    # (see equation 14 in the paper):
    alpha_0_1 = -np.sqrt(2 / np.pi) / (erfc(1/np.sqrt(2)) * np.exp(1/2) - 1)
    scale_0_1 = (
        (1 - erfc(1 / np.sqrt(2)) * np.sqrt(np.e)) * np.sqrt(2 * np.pi)
        * (2 * erfc(np.sqrt(2))*np.e**2 + np.pi*erfc(1/np.sqrt(2))**2*np.e
           - 2*(2+np.pi)*erfc(1/np.sqrt(2))*np.sqrt(np.e)+np.pi+2)**(-1/2))

    def selu(z, scale=alpha_0_1, alpha=scale_0_1):
        return scale * tf.where(z >= 0.0, z, alpha * tf.nn.elu(z))

    with tf.Graph().as_default():
        reset_graph()

        n_inputs = 28 * 28  # MNIST
        n_hidden1 = 300
        n_hidden2 = 100
        n_outputs = 10

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
        y = tf.placeholder(tf.int32, shape=(None), name="y")

        with tf.name_scope("dnn"):
            hidden1 = tf.layers.dense(X, n_hidden1, activation=selu, name="hidden1")
            hidden2 = tf.layers.dense(hidden1, n_hidden2, activation=selu, name="hidden2")
            logits = tf.layers.dense(hidden2, n_outputs, name="outputs")

        with tf.name_scope("loss"):
            xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
            loss = tf.reduce_mean(xentropy, name="loss")

        learning_rate = 0.01

        with tf.name_scope("train"):
            optimizer = tf.train.GradientDescentOptimizer(learning_rate)
            training_op = optimizer.minimize(loss)

        with tf.name_scope("eval"):
            correct = tf.nn.in_top_k(logits, y, 1)
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()
        n_epochs = 2
        batch_size = 50

        means = X_train.mean(axis=0, keepdims=True)
        stds = X_train.std(axis=0, keepdims=True) + 1e-10
        X_val_scaled = (X_valid - means) / stds

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf)
            for epoch in range(n_epochs):
                for X_batch, y_batch in shuffle_batch(X_train, y_train, batch_size):
                    X_batch_scaled = (X_batch - means) / stds
                    sess.run(training_op, feed_dict={X: X_batch_scaled, y: y_batch})
                if epoch % 5 == 0:
                    acc_batch = accuracy.eval(feed_dict={X: X_batch_scaled, y: y_batch})
                    acc_valid = accuracy.eval(feed_dict={X: X_val_scaled, y: y_valid})
        results.update(selu_acc_batch=float(acc_batch), selu_acc_valid=float(acc_valid))

    # Batch Normalization
    with tf.Graph().as_default():
        reset_graph()

        n_inputs = 28 * 28
        n_hidden1 = 300
        n_hidden2 = 100
        n_outputs = 10

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")

        training = tf.placeholder_with_default(False, shape=(), name='training')

        hidden1 = tf.layers.dense(X, n_hidden1, name="hidden1")
        bn1 = tf.layers.batch_normalization(hidden1, training=training, momentum=0.9)
        bn1_act = tf.nn.elu(bn1)

        hidden2 = tf.layers.dense(bn1_act, n_hidden2, name="hidden2")
        bn2 = tf.layers.batch_normalization(hidden2, training=training, momentum=0.9)
        bn2_act = tf.nn.elu(bn2)

        logits_before_bn = tf.layers.dense(bn2_act, n_outputs, name="outputs")
        logits = tf.layers.batch_normalization(logits_before_bn, training=training,
                                               momentum=0.9)
        results["bn_names"] = [v.op.name for v in tf.global_variables()]

    with tf.Graph().as_default():
        reset_graph()

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
        training = tf.placeholder_with_default(False, shape=(), name='training')

        my_batch_norm_layer = partial(tf.layers.batch_normalization,
                                      training=training, momentum=0.9)

        hidden1 = tf.layers.dense(X, n_hidden1, name="hidden1")
        bn1 = my_batch_norm_layer(hidden1)
        bn1_act = tf.nn.elu(bn1)
        hidden2 = tf.layers.dense(bn1_act, n_hidden2, name="hidden2")
        bn2 = my_batch_norm_layer(hidden2)
        bn2_act = tf.nn.elu(bn2)
        logits_before_bn = tf.layers.dense(bn2_act, n_outputs, name="outputs")
        logits = my_batch_norm_layer(logits_before_bn)
        results["bn_partial_names"] = [v.op.name for v in tf.global_variables()]

    with tf.Graph().as_default():
        reset_graph()

        batch_norm_momentum = 0.9

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
        y = tf.placeholder(tf.int32, shape=(None), name="y")
        training = tf.placeholder_with_default(False, shape=(), name='training')

        with tf.name_scope("dnn"):
            he_init = tf.variance_scaling_initializer()

            my_batch_norm_layer = partial(
                    tf.layers.batch_normalization,
                    training=training,
                    momentum=batch_norm_momentum)

            my_dense_layer = partial(
                    tf.layers.dense,
                    kernel_initializer=he_init)

            hidden1 = my_dense_layer(X, n_hidden1, name="hidden1")
            bn1 = tf.nn.elu(my_batch_norm_layer(hidden1))
            hidden2 = my_dense_layer(bn1, n_hidden2, name="hidden2")
            bn2 = tf.nn.elu(my_batch_norm_layer(hidden2))
            logits_before_bn = my_dense_layer(bn2, n_outputs, name="outputs")
            logits = my_batch_norm_layer(logits_before_bn)

        with tf.name_scope("loss"):
            xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
            loss = tf.reduce_mean(xentropy, name="loss")

        with tf.name_scope("train"):
            optimizer = tf.train.GradientDescentOptimizer(learning_rate)
            training_op = optimizer.minimize(loss)

        with tf.name_scope("eval"):
            correct = tf.nn.in_top_k(logits, y, 1)
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()

        n_epochs = 2
        batch_size = 200

        extra_update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf)
            for epoch in range(n_epochs):
                for X_batch, y_batch in shuffle_batch(X_train, y_train, batch_size):
                    sess.run([training_op, extra_update_ops],
                             feed_dict={training: True, X: X_batch, y: y_batch})
                accuracy_val = accuracy.eval(feed_dict={X: X_valid, y: y_valid})
            moving_means = [v for v in tf.global_variables() if "moving_mean" in v.name]
            moving_mean_sum = sum(float(np.sum(v.eval())) for v in moving_means)

        results.update(
            bn_accuracy=float(accuracy_val), bn_moving_mean_sum=moving_mean_sum,
            bn_trainable=[v.name for v in tf.trainable_variables()],
            bn_global=[v.name for v in tf.global_variables()],
            bn_update_ops=[len(extra_update_ops)])
    return results
