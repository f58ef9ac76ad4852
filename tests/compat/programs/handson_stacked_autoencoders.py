"""Linear and stacked autoencoders from Aurélien Géron's "Hands-On Machine Learning" (1st
edition), chapter 15: ``ageron/handson-ml``, ``15_autoencoders.ipynb`` at commit
b7051594afbb1d835f5e031af8664c4363878050 (sections "PCA with a linear Autoencoder",
"Stacked Autoencoders": "Train all layers at once", "Tying weights", "Training one
Autoencoder at a time in multiple graphs", "... in a single graph", "Cache the frozen
layer outputs", and "Unsupervised pretraining"). A 3-2-3 linear autoencoder of
``tf.layers.dense`` layers on the notebook's noisy 3-D point cloud; a 784-300-150-300-784
ELU autoencoder built with ``functools.partial(tf.layers.dense, ...,
kernel_initializer=tf.contrib.layers.variance_scaling_initializer(),
kernel_regularizer=tf.contrib.layers.l2_regularizer(l2_reg))`` and trained on the
reconstruction MSE plus ``tf.add_n`` of the ``REGULARIZATION_LOSSES``; the same with the
decoder's weights the encoder's ``tf.transpose``; the notebook's ``train_autoencoder``
(one shallow autoencoder per ``tf.Graph``, batches picked by ``rnd.permutation``, the
trained parameters read back by ``var.name``) stacked into a NumPy-weighted graph; one
graph with two phases, each its own ``optimizer.minimize`` (phase 1 bypasses the middle
layers, phase 2 trains only ``var_list=[weights2, biases2, weights3, biases3]`` on
``hidden3`` against ``hidden1``), then again with phase 2 fed a cached ``hidden1``
through ``feed_dict={hidden1: ...}``; finally a classifier whose first two layers are
restored from that model's checkpoint with a ``tf.train.Saver([weights1, weights2,
biases1, biases2])``, trained against one without pretraining.

Adapted: MNIST from the bundled digits (``common.read_data_sets``; 1400 training images,
so ``num_examples // batch_size`` is 9 batches, and 1400 labelled instances instead of
20000); one epoch per phase/model instead of 4 or 5; 200 iterations of the linear
autoencoder instead of 1000; scikit-learn's ``StandardScaler`` written in NumPy; the
plots replaced by sums of what they show; checkpoints in a temporary directory; each
model in its own ``tf.Graph()`` instead of ``reset_graph()``; every weight matrix
``same_start``'s NumPy draw instead of the He/variance-scaling draw, so both backends
start alike. TF 2.x has no ``tf.contrib``: the reference run takes
``variance_scaling_initializer`` and ``l2_regularizer`` from ``tf_slim.layers``;
trainkit runs its own ``tf.contrib.layers``.
"""

# ruff: noqa: B007 - the notebook's loop variables are kept

from __future__ import annotations

import os
import shutil
import tempfile
from functools import partial

import numpy as np
import numpy.random as rnd

from tests.compat.programs.common import read_data_sets, same_start
from tests.compat.programs.dcgan_contrib_bn import contrib_layers

# Tolerances cover float rounding of another BLAS kernel set: with NumPy's OpenBLAS on its AVX-512
# kernels (no OPENBLAS_CORETYPE pin) instead of AVX2 ones, all_layers_digits_sum moves by 1.6e-4
# (TF 2.21 itself gave 24.0012 on one AMD EPYC and 23.9958 on another).
COMPARE = {"pca_codings_sum": 1e-4, "pca_loss": 1e-4, "all_layers_mse": 1e-4,
           "all_layers_digits_sum": 1e-3, "reg_losses": 0.0, "tied_mse": 1e-4,
           "tied_variables": 0.0, "multi_graph_mse": 1e-4, "stacked_digits_sum": 1e-4,
           "phase_mse": 1e-4, "phase_test_mse": 1e-4, "weights1_frozen": 0.0,
           "cached_test_mse": 1e-4, "supervised_acc": 0.01, "pretrained_acc": 0.01,
           "pretrained_loss": 1e-3}


def main(tf):
    def reset_graph(seed=42):
        tf.set_random_seed(seed)
        np.random.seed(seed)

    contrib = contrib_layers(tf)
    tmp = tempfile.mkdtemp()
    out = {}

    # PCA with a linear Autoencoder
    rnd.seed(4)
    m = 200
    w1, w2 = 0.1, 0.3
    noise = 0.1

    angles = rnd.rand(m) * 3 * np.pi / 2 - 0.5
    data = np.empty((m, 3))
    data[:, 0] = np.cos(angles) + np.sin(angles) / 2 + noise * rnd.randn(m) / 2
    data[:, 1] = np.sin(angles) * 0.7 + noise * rnd.randn(m) / 2
    data[:, 2] = data[:, 0] * w1 + data[:, 1] * w2 + noise * rnd.randn(m)

    mean, scale = data[:100].mean(axis=0), data[:100].std(axis=0)  # StandardScaler
    X_train = (data[:100] - mean) / scale
    X_test = (data[100:] - mean) / scale

    with tf.Graph().as_default():
        reset_graph()
        n_inputs = 3
        n_hidden = 2  # codings
        n_outputs = n_inputs

        learning_rate = 0.01

        X = tf.placeholder(tf.float32, shape=[None, n_inputs])
        hidden = tf.layers.dense(X, n_hidden)
        outputs = tf.layers.dense(hidden, n_outputs)

        reconstruction_loss = tf.reduce_mean(tf.square(outputs - X))

        optimizer = tf.train.AdamOptimizer(learning_rate)
        training_op = optimizer.minimize(reconstruction_loss)

        init = tf.global_variables_initializer()
        n_iterations = 200
        codings = hidden

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=1)
            for iteration in range(n_iterations):
                training_op.run(feed_dict={X: X_train})
            codings_val = codings.eval(feed_dict={X: X_test})
            out["pca_loss"] = float(reconstruction_loss.eval(feed_dict={X: X_test}))
        out["pca_codings_sum"] = float(np.sum(np.abs(codings_val)))

    mnist = read_data_sets("/tmp/data/")

    def show_reconstructed_digits(X, outputs, model_path=None, n_test_digits=2):
        with tf.Session() as sess:
            if model_path:
                saver.restore(sess, model_path)
            X_test = mnist.test.images[:n_test_digits]
            outputs_val = outputs.eval(feed_dict={X: X_test})
        return float(np.sum(outputs_val))

    n_inputs = 28 * 28
    n_hidden1 = 300
    n_hidden2 = 150  # codings
    n_hidden3 = n_hidden1
    n_outputs = n_inputs

    # Train all layers at once
    with tf.Graph().as_default():
        reset_graph()
        learning_rate = 0.01
        l2_reg = 0.0001

        X = tf.placeholder(tf.float32, shape=[None, n_inputs])

        he_init = contrib.variance_scaling_initializer()  # He initialization
        l2_regularizer = contrib.l2_regularizer(l2_reg)
        my_dense_layer = partial(tf.layers.dense,
                                 activation=tf.nn.elu,
                                 kernel_initializer=he_init,
                                 kernel_regularizer=l2_regularizer)

        hidden1 = my_dense_layer(X, n_hidden1)
        hidden2 = my_dense_layer(hidden1, n_hidden2)
        hidden3 = my_dense_layer(hidden2, n_hidden3)
        outputs = my_dense_layer(hidden3, n_outputs, activation=None)

        reconstruction_loss = tf.reduce_mean(tf.square(outputs - X))

        reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
        loss = tf.add_n([reconstruction_loss] + reg_losses)

        optimizer = tf.train.AdamOptimizer(learning_rate)
        training_op = optimizer.minimize(loss)

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()  # not shown in the book
        n_epochs = 1
        batch_size = 150

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=2)
            for epoch in range(n_epochs):
                n_batches = mnist.train.num_examples // batch_size
                for iteration in range(n_batches):
                    X_batch, y_batch = mnist.train.next_batch(batch_size)
                    sess.run(training_op, feed_dict={X: X_batch})
                loss_train = reconstruction_loss.eval(feed_dict={X: X_batch})
                saver.save(sess, os.path.join(tmp, "my_model_all_layers.ckpt"))
        out["all_layers_mse"] = float(loss_train)
        out["reg_losses"] = len(reg_losses)
        out["all_layers_digits_sum"] = show_reconstructed_digits(
            X, outputs, os.path.join(tmp, "my_model_all_layers.ckpt"))

    # Tying weights
    with tf.Graph().as_default():
        reset_graph()
        learning_rate = 0.01
        l2_reg = 0.0005

        activation = tf.nn.elu
        regularizer = contrib.l2_regularizer(l2_reg)
        initializer = contrib.variance_scaling_initializer()

        X = tf.placeholder(tf.float32, shape=[None, n_inputs])

        weights1_init = initializer([n_inputs, n_hidden1])
        weights2_init = initializer([n_hidden1, n_hidden2])

        weights1 = tf.Variable(weights1_init, dtype=tf.float32, name="weights1")
        weights2 = tf.Variable(weights2_init, dtype=tf.float32, name="weights2")
        weights3 = tf.transpose(weights2, name="weights3")  # tied weights
        weights4 = tf.transpose(weights1, name="weights4")  # tied weights

        biases1 = tf.Variable(tf.zeros(n_hidden1), name="biases1")
        biases2 = tf.Variable(tf.zeros(n_hidden2), name="biases2")
        biases3 = tf.Variable(tf.zeros(n_hidden3), name="biases3")
        biases4 = tf.Variable(tf.zeros(n_outputs), name="biases4")

        hidden1 = activation(tf.matmul(X, weights1) + biases1)
        hidden2 = activation(tf.matmul(hidden1, weights2) + biases2)
        hidden3 = activation(tf.matmul(hidden2, weights3) + biases3)
        outputs = tf.matmul(hidden3, weights4) + biases4

        reconstruction_loss = tf.reduce_mean(tf.square(outputs - X))
        reg_loss = regularizer(weights1) + regularizer(weights2)
        loss = reconstruction_loss + reg_loss

        optimizer = tf.train.AdamOptimizer(learning_rate)
        training_op = optimizer.minimize(loss)

        init = tf.global_variables_initializer()
        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=3)
            for epoch in range(n_epochs):
                n_batches = mnist.train.num_examples // batch_size
                for iteration in range(n_batches):
                    X_batch, y_batch = mnist.train.next_batch(batch_size)
                    sess.run(training_op, feed_dict={X: X_batch})
                loss_train = reconstruction_loss.eval(feed_dict={X: X_batch})
        out["tied_mse"] = float(loss_train)
        out["tied_variables"] = sorted(v.op.name for v in tf.trainable_variables())

    # Training one Autoencoder at a time in multiple graphs
    def train_autoencoder(X_train, n_neurons, n_epochs, batch_size,
                          learning_rate=0.01, l2_reg=0.0005, seed=42,
                          hidden_activation=tf.nn.elu,
                          output_activation=tf.nn.elu):
        graph = tf.Graph()
        with graph.as_default():
            tf.set_random_seed(seed)

            n_inputs = X_train.shape[1]

            X = tf.placeholder(tf.float32, shape=[None, n_inputs])

            my_dense_layer = partial(
                tf.layers.dense,
                kernel_initializer=contrib.variance_scaling_initializer(),
                kernel_regularizer=contrib.l2_regularizer(l2_reg))

            hidden = my_dense_layer(X, n_neurons, activation=hidden_activation, name="hidden")
            outputs = my_dense_layer(hidden, n_inputs, activation=output_activation,
                                     name="outputs")

            reconstruction_loss = tf.reduce_mean(tf.square(outputs - X))

            reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
            loss = tf.add_n([reconstruction_loss] + reg_losses)

            optimizer = tf.train.AdamOptimizer(learning_rate)
            training_op = optimizer.minimize(loss)

            init = tf.global_variables_initializer()

        with tf.Session(graph=graph) as sess:
            init.run()
            same_start(sess, tf, seed=seed)
            for epoch in range(n_epochs):
                n_batches = len(X_train) // batch_size
                for iteration in range(n_batches):
                    indices = rnd.permutation(len(X_train))[:batch_size]
                    X_batch = X_train[indices]
                    sess.run(training_op, feed_dict={X: X_batch})
                loss_train = reconstruction_loss.eval(feed_dict={X: X_batch})
                mses.append(float(loss_train))
            params = dict([(var.name, var.eval())
                           for var in tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)])
            hidden_val = hidden.eval(feed_dict={X: X_train})
            return (hidden_val, params["hidden/kernel:0"], params["hidden/bias:0"],
                    params["outputs/kernel:0"], params["outputs/bias:0"])

    mses = []
    hidden_output, W1, b1, W4, b4 = train_autoencoder(mnist.train.images, n_neurons=300,
                                                      n_epochs=1, batch_size=150,
                                                      output_activation=None)
    _, W2, b2, W3, b3 = train_autoencoder(hidden_output, n_neurons=150, n_epochs=1,
                                          batch_size=150)
    out["multi_graph_mse"] = float(np.sum(mses))

    with tf.Graph().as_default():
        reset_graph()
        X = tf.placeholder(tf.float32, shape=[None, n_inputs])
        hidden1 = tf.nn.elu(tf.matmul(X, W1) + b1)
        hidden2 = tf.nn.elu(tf.matmul(hidden1, W2) + b2)
        hidden3 = tf.nn.elu(tf.matmul(hidden2, W3) + b3)
        outputs = tf.matmul(hidden3, W4) + b4
        out["stacked_digits_sum"] = show_reconstructed_digits(X, outputs)

    # Training one Autoencoder at a time in a single graph
    with tf.Graph().as_default():
        reset_graph()
        learning_rate = 0.01
        l2_reg = 0.0001

        activation = tf.nn.elu
        regularizer = contrib.l2_regularizer(l2_reg)
        initializer = contrib.variance_scaling_initializer()

        X = tf.placeholder(tf.float32, shape=[None, n_inputs])

        weights1_init = initializer([n_inputs, n_hidden1])
        weights2_init = initializer([n_hidden1, n_hidden2])
        weights3_init = initializer([n_hidden2, n_hidden3])
        weights4_init = initializer([n_hidden3, n_outputs])

        weights1 = tf.Variable(weights1_init, dtype=tf.float32, name="weights1")
        weights2 = tf.Variable(weights2_init, dtype=tf.float32, name="weights2")
        weights3 = tf.Variable(weights3_init, dtype=tf.float32, name="weights3")
        weights4 = tf.Variable(weights4_init, dtype=tf.float32, name="weights4")

        biases1 = tf.Variable(tf.zeros(n_hidden1), name="biases1")
        biases2 = tf.Variable(tf.zeros(n_hidden2), name="biases2")
        biases3 = tf.Variable(tf.zeros(n_hidden3), name="biases3")
        biases4 = tf.Variable(tf.zeros(n_outputs), name="biases4")

        hidden1 = activation(tf.matmul(X, weights1) + biases1)
        hidden2 = activation(tf.matmul(hidden1, weights2) + biases2)
        hidden3 = activation(tf.matmul(hidden2, weights3) + biases3)
        outputs = tf.matmul(hidden3, weights4) + biases4

        reconstruction_loss = tf.reduce_mean(tf.square(outputs - X))
        optimizer = tf.train.AdamOptimizer(learning_rate)

        with tf.name_scope("phase1"):
            phase1_outputs = tf.matmul(hidden1, weights4) + biases4  # bypass hidden2, hidden3
            phase1_reconstruction_loss = tf.reduce_mean(tf.square(phase1_outputs - X))
            phase1_reg_loss = regularizer(weights1) + regularizer(weights4)
            phase1_loss = phase1_reconstruction_loss + phase1_reg_loss
            phase1_training_op = optimizer.minimize(phase1_loss)

        with tf.name_scope("phase2"):
            phase2_reconstruction_loss = tf.reduce_mean(tf.square(hidden3 - hidden1))
            phase2_reg_loss = regularizer(weights2) + regularizer(weights3)
            phase2_loss = phase2_reconstruction_loss + phase2_reg_loss
            train_vars = [weights2, biases2, weights3, biases3]
            phase2_training_op = optimizer.minimize(phase2_loss,
                                                    var_list=train_vars)  # freeze hidden1

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()

        training_ops = [phase1_training_op, phase2_training_op]
        reconstruction_losses = [phase1_reconstruction_loss, phase2_reconstruction_loss]
        n_epochs = [1, 1]
        batch_sizes = [150, 150]
        phase_mse = []

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=4)
            for phase in range(2):
                if phase == 1:
                    weights1_before = weights1.eval()
                for epoch in range(n_epochs[phase]):
                    n_batches = mnist.train.num_examples // batch_sizes[phase]
                    for iteration in range(n_batches):
                        X_batch, y_batch = mnist.train.next_batch(batch_sizes[phase])
                        sess.run(training_ops[phase], feed_dict={X: X_batch})
                    loss_train = reconstruction_losses[phase].eval(feed_dict={X: X_batch})
                    phase_mse.append(float(loss_train))
                    saver.save(sess, os.path.join(tmp, "my_model_one_at_a_time.ckpt"))
            loss_test = reconstruction_loss.eval(feed_dict={X: mnist.test.images})
            out["weights1_frozen"] = [bool(np.array_equal(weights1.eval(), weights1_before))]
        out["phase_mse"] = float(np.sum(phase_mse))
        out["phase_test_mse"] = float(loss_test)

        # Cache the frozen layer outputs
        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=4)
            for phase in range(2):
                if phase == 1:
                    hidden1_cache = hidden1.eval(feed_dict={X: mnist.train.images})
                for epoch in range(n_epochs[phase]):
                    n_batches = mnist.train.num_examples // batch_sizes[phase]
                    for iteration in range(n_batches):
                        if phase == 1:
                            indices = rnd.permutation(mnist.train.num_examples)
                            hidden1_batch = hidden1_cache[indices[:batch_sizes[phase]]]
                            feed_dict = {hidden1: hidden1_batch}
                            sess.run(training_ops[phase], feed_dict=feed_dict)
                        else:
                            X_batch, y_batch = mnist.train.next_batch(batch_sizes[phase])
                            feed_dict = {X: X_batch}
                            sess.run(training_ops[phase], feed_dict=feed_dict)
                    loss_train = reconstruction_losses[phase].eval(feed_dict=feed_dict)
                    saver.save(sess, os.path.join(tmp, "my_model_cache_frozen.ckpt"))
            loss_test = reconstruction_loss.eval(feed_dict={X: mnist.test.images})
        out["cached_test_mse"] = float(loss_test)

    # Unsupervised pretraining
    with tf.Graph().as_default():
        reset_graph()
        n_hidden1 = 300
        n_hidden2 = 150
        n_outputs = 10

        learning_rate = 0.01
        l2_reg = 0.0005

        activation = tf.nn.elu
        regularizer = contrib.l2_regularizer(l2_reg)
        initializer = contrib.variance_scaling_initializer()

        X = tf.placeholder(tf.float32, shape=[None, n_inputs])
        y = tf.placeholder(tf.int32, shape=[None])

        weights1_init = initializer([n_inputs, n_hidden1])
        weights2_init = initializer([n_hidden1, n_hidden2])
        weights3_init = initializer([n_hidden2, n_outputs])

        weights1 = tf.Variable(weights1_init, dtype=tf.float32, name="weights1")
        weights2 = tf.Variable(weights2_init, dtype=tf.float32, name="weights2")
        weights3 = tf.Variable(weights3_init, dtype=tf.float32, name="weights3")

        biases1 = tf.Variable(tf.zeros(n_hidden1), name="biases1")
        biases2 = tf.Variable(tf.zeros(n_hidden2), name="biases2")
        biases3 = tf.Variable(tf.zeros(n_outputs), name="biases3")

        hidden1 = activation(tf.matmul(X, weights1) + biases1)
        hidden2 = activation(tf.matmul(hidden1, weights2) + biases2)
        logits = tf.matmul(hidden2, weights3) + biases3

        cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
        reg_loss = regularizer(weights1) + regularizer(weights2) + regularizer(weights3)
        loss = cross_entropy + reg_loss
        optimizer = tf.train.AdamOptimizer(learning_rate)
        training_op = optimizer.minimize(loss)

        correct = tf.nn.in_top_k(logits, y, 1)
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

        init = tf.global_variables_initializer()
        pretrain_saver = tf.train.Saver([weights1, weights2, biases1, biases2])
        saver = tf.train.Saver()

        n_epochs = 1
        batch_size = 150
        n_labeled_instances = 1400

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=5)
            for epoch in range(n_epochs):
                n_batches = n_labeled_instances // batch_size
                for iteration in range(n_batches):
                    indices = rnd.permutation(n_labeled_instances)[:batch_size]
                    X_batch, y_batch = mnist.train.images[indices], mnist.train.labels[indices]
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                accuracy_val = accuracy.eval(feed_dict={X: X_batch, y: y_batch})
                saver.save(sess, os.path.join(tmp, "my_model_supervised.ckpt"))
                accuracy_val = accuracy.eval(feed_dict={X: mnist.test.images,
                                                        y: mnist.test.labels})
        out["supervised_acc"] = float(accuracy_val)

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=5)
            pretrain_saver.restore(sess, os.path.join(tmp, "my_model_cache_frozen.ckpt"))
            for epoch in range(n_epochs):
                n_batches = n_labeled_instances // batch_size
                for iteration in range(n_batches):
                    indices = rnd.permutation(n_labeled_instances)[:batch_size]
                    X_batch, y_batch = mnist.train.images[indices], mnist.train.labels[indices]
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                accuracy_val = accuracy.eval(feed_dict={X: X_batch, y: y_batch})
                saver.save(sess, os.path.join(tmp, "my_model_supervised_pretrained.ckpt"))
                accuracy_val, loss_val = sess.run(
                    [accuracy, tf.reduce_mean(loss)],
                    feed_dict={X: mnist.test.images, y: mnist.test.labels})
        out["pretrained_acc"] = float(accuracy_val)
        out["pretrained_loss"] = float(loss_val)
    shutil.rmtree(tmp, ignore_errors=True)
    return out
