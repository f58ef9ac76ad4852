"""Faster optimizers, learning-rate scheduling and regularization from Aurélien Géron's
*Hands-On Machine Learning* (1st edition), chapter 11 notebook ``11_deep_learning.ipynb``
of ``ageron/handson-ml`` (commit 8ce07eda461431a9965a5b02d352dc6da4af5623, the file as of
the repository's b7051594afbb1d835f5e031af8664c4363878050): "Faster Optimizers" (momentum,
Nesterov, AdaGrad, RMSProp with momentum, Adam), "Learning Rate Scheduling"
(``tf.train.exponential_decay`` on a ``global_step`` variable incremented by
``minimize``), "ℓ1 and ℓ2 regularization" (an ℓ1 penalty on kernels found with
``get_tensor_by_name``, then ``kernel_regularizer=tf.contrib.layers.l1_regularizer`` set
through ``functools.partial`` and the ``REGULARIZATION_LOSSES`` collection added with
``tf.add_n``), "Dropout" (``tf.layers.dropout`` with a ``training``
``placeholder_with_default``) and "Max norm" (``tf.clip_by_norm(weights, axes=1)``
assigned after each training step, then as a ``max_norm_regularizer`` that puts its
clipping ops in a collection instead of returning a loss).

Adapted: MNIST becomes the bundled digits (``handson_mlp_mnist.load_mnist``); 5 / 20
epochs become 1 / 2; the notebook only constructs the optimizers of "Faster Optimizers":
each here minimizes the scheduling section's network for one epoch; the dropout section
compares what does not depend on the random masks (TF's and trainkit's generators
differ): the layer at inference, the scaling and the drop rate of the kept inputs in
training, and, loosely, the loss after training; ``tf.losses.get_regularization_loss()``
is checked against the collection's sum; ``tf.contrib.layers`` is trainkit's under
trainkit and ``tf_slim.layers`` under TF 2.21 (no ``tf.contrib``); ``print`` calls become
returned values; each model builds in a fresh ``tf.Graph()`` instead of
``reset_graph()``'s ``tf.reset_default_graph()`` (the test runs each program inside a
graph); the Glorot weights are replaced by ``same_start``'s NumPy draw. The shuffling is
the notebook's ``np.random.permutation`` after ``np.random.seed(42)``."""

# ruff: noqa: B007, F841 - the author's unused loop variables and names are kept

from __future__ import annotations

from functools import partial

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.dcgan_contrib_bn import contrib_layers
from tests.compat.programs.handson_mlp_mnist import load_mnist

OPTIMIZERS = ("momentum", "nesterov", "adagrad", "rmsprop", "adam")

COMPARE = {"schedule_accuracy": 6e-3, "schedule_loss": 1e-4, "schedule_lr": 1e-6,
           "schedule_global_step": 0.0, "l1_manual_accuracy": 6e-3,
           "l1_manual_loss": 1e-4, "l1_contrib_accuracy": 6e-3, "l1_contrib_loss": 1e-4,
           "l1_contrib_reg_losses": 0.0, "l1_contrib_reg_sum_gap": 1e-6,
           "dropout_inference_gap": 0.0, "dropout_kept_scale": 1e-6,
           "dropout_kept_fraction": 1e-2, "dropout_loss": 0.25,
           "max_norm_accuracy": 6e-3, "max_norm_loss": 1e-4, "max_norm_row_norm": 1e-5,
           "max_norm_reg_accuracy": 6e-3, "max_norm_reg_loss": 1e-4,
           "max_norm_reg_ops": 0.0}
COMPARE.update({name + "_loss": 1e-4 for name in OPTIMIZERS})


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

    def scheduling_network():
        """Cell 152: the network of "Learning Rate Scheduling"."""
        n_inputs = 28 * 28  # MNIST
        n_hidden1 = 300
        n_hidden2 = 50
        n_outputs = 10

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
        y = tf.placeholder(tf.int32, shape=(None), name="y")

        with tf.name_scope("dnn"):
            hidden1 = tf.layers.dense(X, n_hidden1, activation=tf.nn.relu, name="hidden1")
            hidden2 = tf.layers.dense(hidden1, n_hidden2, activation=tf.nn.relu, name="hidden2")
            logits = tf.layers.dense(hidden2, n_outputs, name="outputs")

        with tf.name_scope("loss"):
            xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
            loss = tf.reduce_mean(xentropy, name="loss")

        with tf.name_scope("eval"):
            correct = tf.nn.in_top_k(logits, y, 1)
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy")
        return X, y, loss, accuracy

    # Faster Optimizers
    learning_rate = 0.01
    for name in OPTIMIZERS:
        with tf.Graph().as_default():
            reset_graph()
            X, y, loss, accuracy = scheduling_network()

            if name == "momentum":
                optimizer = tf.train.MomentumOptimizer(learning_rate=learning_rate,
                                                       momentum=0.9)
            elif name == "nesterov":
                optimizer = tf.train.MomentumOptimizer(learning_rate=learning_rate,
                                                       momentum=0.9, use_nesterov=True)
            elif name == "adagrad":
                optimizer = tf.train.AdagradOptimizer(learning_rate=learning_rate)
            elif name == "rmsprop":
                optimizer = tf.train.RMSPropOptimizer(learning_rate=learning_rate,
                                                      momentum=0.9, decay=0.9, epsilon=1e-10)
            else:
                optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
            training_op = optimizer.minimize(loss)

            with tf.Session() as sess:
                tf.global_variables_initializer().run()
                same_start(sess, tf)
                for X_batch, y_batch in shuffle_batch(X_train, y_train, 50):
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                results[name + "_loss"] = float(loss.eval(feed_dict={X: X_valid, y: y_valid}))

    # Learning Rate Scheduling
    with tf.Graph().as_default():
        reset_graph()
        X, y, loss, accuracy = scheduling_network()

        with tf.name_scope("train"):       # not shown in the book
            initial_learning_rate = 0.1
            decay_steps = 10000
            decay_rate = 1/10
            global_step = tf.Variable(0, trainable=False, name="global_step")
            learning_rate = tf.train.exponential_decay(initial_learning_rate, global_step,
                                                       decay_steps, decay_rate)
            optimizer = tf.train.MomentumOptimizer(learning_rate, momentum=0.9)
            training_op = optimizer.minimize(loss, global_step=global_step)

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()

        n_epochs = 1
        batch_size = 50

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf)
            for epoch in range(n_epochs):
                for X_batch, y_batch in shuffle_batch(X_train, y_train, batch_size):
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                accuracy_val = accuracy.eval(feed_dict={X: X_valid, y: y_valid})
            results.update(schedule_accuracy=float(accuracy_val),
                           schedule_loss=float(loss.eval(feed_dict={X: X_valid, y: y_valid})),
                           schedule_lr=float(learning_rate.eval()),
                           schedule_global_step=[int(global_step.eval())])

    # l1 and l2 regularization
    with tf.Graph().as_default():
        reset_graph()

        n_inputs = 28 * 28  # MNIST
        n_hidden1 = 300
        n_outputs = 10

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
        y = tf.placeholder(tf.int32, shape=(None), name="y")

        with tf.name_scope("dnn"):
            hidden1 = tf.layers.dense(X, n_hidden1, activation=tf.nn.relu, name="hidden1")
            logits = tf.layers.dense(hidden1, n_outputs, name="outputs")

        W1 = tf.get_default_graph().get_tensor_by_name("hidden1/kernel:0")
        W2 = tf.get_default_graph().get_tensor_by_name("outputs/kernel:0")

        scale = 0.001 # l1 regularization hyperparameter

        with tf.name_scope("loss"):
            xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                      logits=logits)
            base_loss = tf.reduce_mean(xentropy, name="avg_xentropy")
            reg_losses = tf.reduce_sum(tf.abs(W1)) + tf.reduce_sum(tf.abs(W2))
            loss = tf.add(base_loss, scale * reg_losses, name="loss")

        with tf.name_scope("eval"):
            correct = tf.nn.in_top_k(logits, y, 1)
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy")

        learning_rate = 0.01

        with tf.name_scope("train"):
            optimizer = tf.train.GradientDescentOptimizer(learning_rate)
            training_op = optimizer.minimize(loss)

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()

        n_epochs = 2
        batch_size = 200

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf)
            for epoch in range(n_epochs):
                for X_batch, y_batch in shuffle_batch(X_train, y_train, batch_size):
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                accuracy_val = accuracy.eval(feed_dict={X: X_valid, y: y_valid})
            results.update(l1_manual_accuracy=float(accuracy_val), l1_manual_loss=float(
                loss.eval(feed_dict={X: X_valid, y: y_valid})))

    with tf.Graph().as_default():
        reset_graph()

        n_inputs = 28 * 28  # MNIST
        n_hidden1 = 300
        n_hidden2 = 50
        n_outputs = 10

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
        y = tf.placeholder(tf.int32, shape=(None), name="y")

        scale = 0.001

        my_dense_layer = partial(
            tf.layers.dense, activation=tf.nn.relu,
            kernel_regularizer=contrib_layers(tf).l1_regularizer(scale))

        with tf.name_scope("dnn"):
            hidden1 = my_dense_layer(X, n_hidden1, name="hidden1")
            hidden2 = my_dense_layer(hidden1, n_hidden2, name="hidden2")
            logits = my_dense_layer(hidden2, n_outputs, activation=None,
                                    name="outputs")

        with tf.name_scope("loss"):  # not shown in the book
            xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(  # not shown
                labels=y, logits=logits)  # not shown
            base_loss = tf.reduce_mean(xentropy, name="avg_xentropy")  # not shown
            reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
            loss = tf.add_n([base_loss] + reg_losses, name="loss")

        with tf.name_scope("eval"):
            correct = tf.nn.in_top_k(logits, y, 1)
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy")

        learning_rate = 0.01

        with tf.name_scope("train"):
            optimizer = tf.train.GradientDescentOptimizer(learning_rate)
            training_op = optimizer.minimize(loss)

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()

        n_epochs = 2
        batch_size = 200

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf)
            for epoch in range(n_epochs):
                for X_batch, y_batch in shuffle_batch(X_train, y_train, batch_size):
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                accuracy_val = accuracy.eval(feed_dict={X: X_valid, y: y_valid})
            # not in the notebook: the collection against get_regularization_loss()
            total_reg = tf.losses.get_regularization_loss()
            reg_values, total_value = sess.run([reg_losses, total_reg])
            results.update(
                l1_contrib_accuracy=float(accuracy_val),
                l1_contrib_loss=float(loss.eval(feed_dict={X: X_valid, y: y_valid})),
                l1_contrib_reg_losses=[len(reg_losses)],
                l1_contrib_reg_sum_gap=float(abs(sum(reg_values) - total_value)))

    # Dropout
    with tf.Graph().as_default():
        reset_graph()

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
        y = tf.placeholder(tf.int32, shape=(None), name="y")

        training = tf.placeholder_with_default(False, shape=(), name='training')

        dropout_rate = 0.5  # == 1 - keep_prob
        X_drop = tf.layers.dropout(X, dropout_rate, training=training)

        with tf.name_scope("dnn"):
            hidden1 = tf.layers.dense(X_drop, n_hidden1, activation=tf.nn.relu,
                                      name="hidden1")
            hidden1_drop = tf.layers.dropout(hidden1, dropout_rate, training=training)
            hidden2 = tf.layers.dense(hidden1_drop, n_hidden2, activation=tf.nn.relu,
                                      name="hidden2")
            hidden2_drop = tf.layers.dropout(hidden2, dropout_rate, training=training)
            logits = tf.layers.dense(hidden2_drop, n_outputs, name="outputs")

        with tf.name_scope("loss"):
            xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
            loss = tf.reduce_mean(xentropy, name="loss")

        with tf.name_scope("train"):
            optimizer = tf.train.MomentumOptimizer(learning_rate, momentum=0.9)
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
            # not in the notebook: the dropout layer itself, at inference and in training
            dropped = X_drop.eval(feed_dict={X: X_valid, training: True})
            kept = (dropped != 0) & (X_valid != 0)
            results.update(
                dropout_inference_gap=[float(np.abs(X_drop.eval(feed_dict={X: X_valid})
                                                    - X_valid).max())],
                dropout_kept_scale=float(dropped[kept].sum() / X_valid[kept].sum()),
                dropout_kept_fraction=float(kept.sum() / (X_valid != 0).sum()))
            for epoch in range(n_epochs):
                for X_batch, y_batch in shuffle_batch(X_train, y_train, batch_size):
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch, training: True})
                accuracy_val = accuracy.eval(feed_dict={X: X_valid, y: y_valid})
            results["dropout_loss"] = float(loss.eval(feed_dict={X: X_valid, y: y_valid}))

    # Max norm
    with tf.Graph().as_default():
        reset_graph()

        n_inputs = 28 * 28
        n_hidden1 = 300
        n_hidden2 = 50
        n_outputs = 10

        learning_rate = 0.01
        momentum = 0.9

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
        y = tf.placeholder(tf.int32, shape=(None), name="y")

        with tf.name_scope("dnn"):
            hidden1 = tf.layers.dense(X, n_hidden1, activation=tf.nn.relu, name="hidden1")
            hidden2 = tf.layers.dense(hidden1, n_hidden2, activation=tf.nn.relu, name="hidden2")
            logits = tf.layers.dense(hidden2, n_outputs, name="outputs")

        with tf.name_scope("loss"):
            xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
            loss = tf.reduce_mean(xentropy, name="loss")

        with tf.name_scope("train"):
            optimizer = tf.train.MomentumOptimizer(learning_rate, momentum)
            training_op = optimizer.minimize(loss)

        with tf.name_scope("eval"):
            correct = tf.nn.in_top_k(logits, y, 1)
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

        threshold = 1.0
        weights = tf.get_default_graph().get_tensor_by_name("hidden1/kernel:0")
        clipped_weights = tf.clip_by_norm(weights, clip_norm=threshold, axes=1)
        clip_weights = tf.assign(weights, clipped_weights)

        weights2 = tf.get_default_graph().get_tensor_by_name("hidden2/kernel:0")
        clipped_weights2 = tf.clip_by_norm(weights2, clip_norm=threshold, axes=1)
        clip_weights2 = tf.assign(weights2, clipped_weights2)

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()

        n_epochs = 2
        batch_size = 50

        with tf.Session() as sess:  # not shown in the book
            init.run()  # not shown
            same_start(sess, tf)
            for epoch in range(n_epochs):  # not shown
                for X_batch, y_batch in shuffle_batch(X_train, y_train, batch_size):  # not shown
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                    clip_weights.eval()
                    clip_weights2.eval()  # not shown
                acc_valid = accuracy.eval(feed_dict={X: X_valid, y: y_valid})  # not shown
            results.update(
                max_norm_accuracy=float(acc_valid),
                max_norm_loss=float(loss.eval(feed_dict={X: X_valid, y: y_valid})),
                max_norm_row_norm=float(np.linalg.norm(weights.eval(), axis=1).max()))

    def max_norm_regularizer(threshold, axes=1, name="max_norm",
                             collection="max_norm"):
        def max_norm(weights):
            clipped = tf.clip_by_norm(weights, clip_norm=threshold, axes=axes)
            clip_weights = tf.assign(weights, clipped, name=name)
            tf.add_to_collection(collection, clip_weights)
            return None # there is no regularization loss term
        return max_norm

    with tf.Graph().as_default():
        reset_graph()

        n_inputs = 28 * 28
        n_hidden1 = 300
        n_hidden2 = 50
        n_outputs = 10

        learning_rate = 0.01
        momentum = 0.9

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
        y = tf.placeholder(tf.int32, shape=(None), name="y")

        max_norm_reg = max_norm_regularizer(threshold=1.0)

        with tf.name_scope("dnn"):
            hidden1 = tf.layers.dense(X, n_hidden1, activation=tf.nn.relu,
                                      kernel_regularizer=max_norm_reg, name="hidden1")
            hidden2 = tf.layers.dense(hidden1, n_hidden2, activation=tf.nn.relu,
                                      kernel_regularizer=max_norm_reg, name="hidden2")
            logits = tf.layers.dense(hidden2, n_outputs, name="outputs")

        with tf.name_scope("loss"):
            xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
            loss = tf.reduce_mean(xentropy, name="loss")

        with tf.name_scope("train"):
            optimizer = tf.train.MomentumOptimizer(learning_rate, momentum)
            training_op = optimizer.minimize(loss)

        with tf.name_scope("eval"):
            correct = tf.nn.in_top_k(logits, y, 1)
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()

        n_epochs = 2
        batch_size = 50

        clip_all_weights = tf.get_collection("max_norm")

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf)
            for epoch in range(n_epochs):
                for X_batch, y_batch in shuffle_batch(X_train, y_train, batch_size):
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                    sess.run(clip_all_weights)
                acc_valid = accuracy.eval(feed_dict={X: X_valid, y: y_valid})  # not shown
            results.update(
                max_norm_reg_accuracy=float(acc_valid),
                max_norm_reg_loss=float(loss.eval(feed_dict={X: X_valid, y: y_valid})),
                max_norm_reg_ops=[len(clip_all_weights),
                                  len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))])
    return results
