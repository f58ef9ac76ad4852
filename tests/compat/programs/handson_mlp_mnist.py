"""Training an MLP on MNIST with plain TensorFlow, from Aurélien Géron's *Hands-On
Machine Learning* (1st edition), chapter 10 notebook
``10_introduction_to_artificial_neural_networks.ipynb`` of ``ageron/handson-ml`` (commit
7f30984876edb3d702ccba461767e50bdb333fd0, the file as of the repository's
b7051594afbb1d835f5e031af8664c4363878050): "Using plain TensorFlow" (the hand-made
``neuron_layer`` under ``tf.name_scope``, sparse softmax cross-entropy, plain gradient
descent, ``tf.nn.in_top_k`` accuracy, ``shuffle_batch``, a ``Saver`` restored to predict
20 test digits), "Using ``dense()`` instead of ``neuron_layer()``", and exercise 9's
solution (``log_loss`` / ``accuracy`` summaries written every epoch, a checkpoint plus an
epoch file every 5 epochs and resuming from them, early stopping on the validation loss,
the best model restored for the test accuracy).

Adapted: MNIST (``tf.keras.datasets.mnist``) becomes the bundled digits in MNIST's shape
(``common.read_data_sets``: 1400 training and 397 test images; the first 200 training
images are the validation set, as the notebook's first 5000); 40 / 20 / 10001 epochs
become 3 / 3 / 8 (early stopping after 50 epochs without progress never triggers so
soon); checkpoints and logs go to a temporary directory; ``print`` calls become returned
values; each model builds in a fresh ``tf.Graph()`` instead of ``reset_graph()``'s
``tf.reset_default_graph()`` (the test runs each program inside a graph); the
``truncated_normal`` and Glorot weights are replaced by ``same_start``'s NumPy draw so
both backends start from the same weights. The shuffling is the notebook's own
``np.random.permutation`` after ``np.random.seed(42)``, the same under both backends."""

# ruff: noqa: B007, F841 - the author's unused loop variables and names are kept

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"plain_acc_batch": 1e-6, "plain_acc_val": 1e-6, "plain_y_pred": 0.0,
           "dense_acc_batch": 1e-6, "dense_acc_valid": 1e-6, "dense_names": 0.0,
           "ex9_accuracy": 1e-6, "ex9_loss": 1e-4, "ex9_resumed_at": 0.0,
           "ex9_summary_tags": 0.0, "ex9_test_accuracy": 1e-6}


def load_mnist():
    """The notebook's arrays from ``common.read_data_sets`` (the bundled digits)."""
    mnist = read_data_sets()
    X_train, y_train = mnist.train.images, mnist.train.labels.astype(np.int32)
    X_test, y_test = mnist.test.images, mnist.test.labels.astype(np.int32)
    X_valid, X_train = X_train[:200], X_train[200:]
    y_valid, y_train = y_train[:200], y_train[200:]
    return X_train, y_train, X_valid, y_valid, X_test, y_test


def main(tf):
    def reset_graph(seed=42):
        tf.set_random_seed(seed)
        np.random.seed(seed)

    X_train, y_train, X_valid, y_valid, X_test, y_test = load_mnist()
    workdir = tempfile.mkdtemp()
    results = {}

    n_inputs = 28*28  # MNIST
    n_hidden1 = 300
    n_hidden2 = 100
    n_outputs = 10

    def shuffle_batch(X, y, batch_size):
        rnd_idx = np.random.permutation(len(X))
        n_batches = len(X) // batch_size
        for batch_idx in np.array_split(rnd_idx, n_batches):
            X_batch, y_batch = X[batch_idx], y[batch_idx]
            yield X_batch, y_batch

    # Using plain TensorFlow
    with tf.Graph().as_default():
        reset_graph()

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
        y = tf.placeholder(tf.int32, shape=(None), name="y")

        def neuron_layer(X, n_neurons, name, activation=None):
            with tf.name_scope(name):
                n_inputs = int(X.get_shape()[1])
                stddev = 2 / np.sqrt(n_inputs)
                init = tf.truncated_normal((n_inputs, n_neurons), stddev=stddev)
                W = tf.Variable(init, name="kernel")
                b = tf.Variable(tf.zeros([n_neurons]), name="bias")
                Z = tf.matmul(X, W) + b
                if activation is not None:
                    return activation(Z)
                else:
                    return Z

        with tf.name_scope("dnn"):
            hidden1 = neuron_layer(X, n_hidden1, name="hidden1",
                                   activation=tf.nn.relu)
            hidden2 = neuron_layer(hidden1, n_hidden2, name="hidden2",
                                   activation=tf.nn.relu)
            logits = neuron_layer(hidden2, n_outputs, name="outputs")

        with tf.name_scope("loss"):
            xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                      logits=logits)
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

        n_epochs = 3
        batch_size = 50

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf)
            for epoch in range(n_epochs):
                for X_batch, y_batch in shuffle_batch(X_train, y_train, batch_size):
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                acc_batch = accuracy.eval(feed_dict={X: X_batch, y: y_batch})
                acc_val = accuracy.eval(feed_dict={X: X_valid, y: y_valid})

            save_path = saver.save(sess, os.path.join(workdir, "my_model_final.ckpt"))

        with tf.Session() as sess:
            saver.restore(sess, save_path)
            X_new_scaled = X_test[:20]
            Z = logits.eval(feed_dict={X: X_new_scaled})
            y_pred = np.argmax(Z, axis=1)
        results.update(plain_acc_batch=float(acc_batch), plain_acc_val=float(acc_val),
                       plain_y_pred=[int(c) for c in y_pred])

    # Using dense() instead of neuron_layer()
    with tf.Graph().as_default():
        reset_graph()

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
        y = tf.placeholder(tf.int32, shape=(None), name="y")

        with tf.name_scope("dnn"):
            hidden1 = tf.layers.dense(X, n_hidden1, name="hidden1",
                                      activation=tf.nn.relu)
            hidden2 = tf.layers.dense(hidden1, n_hidden2, name="hidden2",
                                      activation=tf.nn.relu)
            logits = tf.layers.dense(hidden2, n_outputs, name="outputs")
            y_proba = tf.nn.softmax(logits)

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

        n_epochs = 3
        n_batches = 50

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf)
            for epoch in range(n_epochs):
                for X_batch, y_batch in shuffle_batch(X_train, y_train, batch_size):
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                acc_batch = accuracy.eval(feed_dict={X: X_batch, y: y_batch})
                acc_valid = accuracy.eval(feed_dict={X: X_valid, y: y_valid})

            save_path = saver.save(sess, os.path.join(workdir, "my_model_final.ckpt"))
        results.update(dense_acc_batch=float(acc_batch), dense_acc_valid=float(acc_valid),
                       dense_names=[v.op.name for v in tf.global_variables()]
                       + [y_proba.op.name, loss.op.name, accuracy.op.name])

    # Exercise 9
    with tf.Graph().as_default():
        reset_graph()

        X = tf.placeholder(tf.float32, shape=(None, n_inputs), name="X")
        y = tf.placeholder(tf.int32, shape=(None), name="y")

        with tf.name_scope("dnn"):
            hidden1 = tf.layers.dense(X, n_hidden1, name="hidden1",
                                      activation=tf.nn.relu)
            hidden2 = tf.layers.dense(hidden1, n_hidden2, name="hidden2",
                                      activation=tf.nn.relu)
            logits = tf.layers.dense(hidden2, n_outputs, name="outputs")

        with tf.name_scope("loss"):
            xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
            loss = tf.reduce_mean(xentropy, name="loss")
            loss_summary = tf.summary.scalar('log_loss', loss)

        learning_rate = 0.01

        with tf.name_scope("train"):
            optimizer = tf.train.GradientDescentOptimizer(learning_rate)
            training_op = optimizer.minimize(loss)

        with tf.name_scope("eval"):
            correct = tf.nn.in_top_k(logits, y, 1)
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
            accuracy_summary = tf.summary.scalar('accuracy', accuracy)

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()

        logdir = os.path.join(workdir, "tf_logs", "mnist_dnn-run")

        file_writer = tf.summary.FileWriter(logdir, tf.get_default_graph())

        m, n = X_train.shape

        batch_size = 50
        n_batches = int(np.ceil(m / batch_size))

        checkpoint_path = os.path.join(workdir, "my_deep_mnist_model.ckpt")
        checkpoint_epoch_path = checkpoint_path + ".epoch"
        final_model_path = os.path.join(workdir, "my_deep_mnist_model")

        best_loss = np.inf
        epochs_without_progress = 0
        max_epochs_without_progress = 50

        resumed_at = []

        def train(n_epochs):
            nonlocal best_loss, epochs_without_progress
            with tf.Session() as sess:
                if os.path.isfile(checkpoint_epoch_path):
                    # if the checkpoint file exists, restore the model and load the epoch number
                    with open(checkpoint_epoch_path, "rb") as f:
                        start_epoch = int(f.read())
                    resumed_at.append(start_epoch)
                    saver.restore(sess, checkpoint_path)
                else:
                    start_epoch = 0
                    sess.run(init)
                    same_start(sess, tf)

                for epoch in range(start_epoch, n_epochs):
                    for X_batch, y_batch in shuffle_batch(X_train, y_train, batch_size):
                        sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                    accuracy_val, loss_val, accuracy_summary_str, loss_summary_str = sess.run(
                        [accuracy, loss, accuracy_summary, loss_summary],
                        feed_dict={X: X_valid, y: y_valid})
                    file_writer.add_summary(accuracy_summary_str, epoch)
                    file_writer.add_summary(loss_summary_str, epoch)
                    if epoch % 5 == 0:
                        saver.save(sess, checkpoint_path)
                        with open(checkpoint_epoch_path, "wb") as f:
                            f.write(b"%d" % (epoch + 1))
                        if loss_val < best_loss:
                            saver.save(sess, final_model_path)
                            best_loss = loss_val
                        else:
                            epochs_without_progress += 5
                            if epochs_without_progress > max_epochs_without_progress:
                                break
            return accuracy_val, loss_val

        train(3)  # not in the notebook: training "interrupted" after 3 epochs,
        accuracy_val, loss_val = train(8)  # then resumed from epoch 1's checkpoint
        file_writer.close()

        os.remove(checkpoint_epoch_path)

        with tf.Session() as sess:
            saver.restore(sess, final_model_path)
            accuracy_val_test = accuracy.eval(feed_dict={X: X_test, y: y_test})

        tags = set()
        for path in os.listdir(logdir):
            for event in tf.train.summary_iterator(os.path.join(logdir, path)):
                tags.update(v.tag for v in event.summary.value)
        results.update(ex9_accuracy=float(accuracy_val), ex9_loss=float(loss_val),
                       ex9_resumed_at=resumed_at, ex9_summary_tags=sorted(tags),
                       ex9_test_accuracy=float(accuracy_val_test))
    return results
