"""MNIST read row by row by recurrent classifiers, from Aurélien Géron's "Hands-On
Machine Learning" (1st edition), chapter 14: ``ageron/handson-ml``,
``14_recurrent_neural_networks.ipynb`` at commit
b7051594afbb1d835f5e031af8664c4363878050 (sections "Training a sequence classifier",
"Multi-layer RNN" and "LSTM"). A 150-unit ``BasicRNNCell`` under ``tf.nn.dynamic_rnn``
whose final state feeds ``tf.layers.dense`` logits, ``sparse_softmax_cross_entropy_
with_logits``, Adam and ``tf.nn.in_top_k`` accuracy; three ReLU ``BasicRNNCell`` layers
in a ``MultiRNNCell`` with their states joined by ``tf.concat(axis=1, values=states)``;
three ``BasicLSTMCell`` layers classifying from ``states[-1][1]`` (the top layer's
``h``); the notebook's ``shuffle_batch`` generator (a NumPy permutation, seeded by its
``reset_graph``) feeds every run.

Adapted: the MNIST download (``tf.keras.datasets.mnist``) becomes the bundled digits
(``common.read_data_sets``; the first 750 training images, so an epoch is 5 batches of
150, and the 397 test images); one epoch per model instead of 100/10/10; each model in
its own ``tf.Graph()`` instead of ``reset_graph()``'s reset of the default graph; the
weights are ``same_start``'s NumPy draws (the peephole weights, 1-D, a NumPy draw of
their own). The notebook only constructs ``LSTMCell(num_units=n_neurons,
use_peepholes=True)`` and ``GRUCell(num_units=n_neurons)``; here each is also trained
for an epoch in the single-layer classifier's place, so their numbers are checked too.
"""

# ruff: noqa: B007 - the notebook's loop variables are kept

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"basic_acc_test": 0.01, "basic_loss": 1e-3, "multi_acc_test": 0.01,
           "multi_loss": 1e-3, "lstm_acc_test": 0.01, "lstm_loss": 1e-3,
           "lstm_state_shapes": 0.0, "peephole_loss": 1e-3, "gru_loss": 1e-3,
           "cell_variables": 0.0}


def main(tf):
    def reset_graph(seed=42):
        tf.set_random_seed(seed)
        np.random.seed(seed)

    mnist = read_data_sets("/tmp/data/")
    X_train = mnist.train.images[:750].astype(np.float32)
    X_test = mnist.test.images.astype(np.float32)
    y_train = mnist.train.labels[:750].astype(np.int32)
    y_test = mnist.test.labels.astype(np.int32)

    def shuffle_batch(X, y, batch_size):
        rnd_idx = np.random.permutation(len(X))
        n_batches = len(X) // batch_size
        for batch_idx in np.array_split(rnd_idx, n_batches):
            X_batch, y_batch = X[batch_idx], y[batch_idx]
            yield X_batch, y_batch

    n_steps = 28
    n_inputs = 28
    n_outputs = 10
    learning_rate = 0.001
    X_test = X_test.reshape((-1, n_steps, n_inputs))
    out = {}

    def train(prefix, X, y, training_op, loss, accuracy, init, seed, n_epochs=1,
              batch_size=150):
        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=seed, biases=True)
            rng = np.random.RandomState(seed)
            for v in tf.trainable_variables():
                if "_diag" in v.name:  # peepholes: nonzero, so they count
                    v.load(rng.uniform(-0.5, 0.5, v.shape.as_list()).astype(np.float32),
                           sess)
            for epoch in range(n_epochs):
                for X_batch, y_batch in shuffle_batch(X_train, y_train, batch_size):
                    X_batch = X_batch.reshape((-1, n_steps, n_inputs))
                    sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                acc_batch = accuracy.eval(feed_dict={X: X_batch, y: y_batch})
                acc_test, loss_test = sess.run([accuracy, loss],
                                               feed_dict={X: X_test, y: y_test})
        out[prefix + "_acc_test"] = float(acc_test)
        out[prefix + "_loss"] = float(loss_test)
        return acc_batch

    def sequence_classifier(make_cell, prefix, seed):
        with tf.Graph().as_default():
            reset_graph()
            n_neurons = 150
            X = tf.placeholder(tf.float32, [None, n_steps, n_inputs])
            y = tf.placeholder(tf.int32, [None])

            basic_cell = make_cell(n_neurons)
            outputs, states = tf.nn.dynamic_rnn(basic_cell, X, dtype=tf.float32)
            if isinstance(states, tuple):  # LSTMCell's (c, h)
                states = states[1]

            logits = tf.layers.dense(states, n_outputs)
            xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                      logits=logits)
            loss = tf.reduce_mean(xentropy)
            optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
            training_op = optimizer.minimize(loss)
            correct = tf.nn.in_top_k(logits, y, 1)
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

            init = tf.global_variables_initializer()
            train(prefix, X, y, training_op, loss, accuracy, init, seed)
            return sorted(v.name for v in tf.trainable_variables())

    # Training a sequence classifier
    sequence_classifier(lambda n: tf.nn.rnn_cell.BasicRNNCell(num_units=n), "basic", 1)

    # Multi-layer RNN
    with tf.Graph().as_default():
        reset_graph()
        X = tf.placeholder(tf.float32, [None, n_steps, n_inputs])
        y = tf.placeholder(tf.int32, [None])
        n_neurons = 100
        n_layers = 3

        layers = [tf.nn.rnn_cell.BasicRNNCell(num_units=n_neurons,
                                              activation=tf.nn.relu)
                  for layer in range(n_layers)]
        multi_layer_cell = tf.nn.rnn_cell.MultiRNNCell(layers)
        outputs, states = tf.nn.dynamic_rnn(multi_layer_cell, X, dtype=tf.float32)

        states_concat = tf.concat(axis=1, values=states)
        logits = tf.layers.dense(states_concat, n_outputs)
        xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
        loss = tf.reduce_mean(xentropy)
        optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
        training_op = optimizer.minimize(loss)
        correct = tf.nn.in_top_k(logits, y, 1)
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

        init = tf.global_variables_initializer()
        train("multi", X, y, training_op, loss, accuracy, init, 2)

    # LSTM
    with tf.Graph().as_default():
        reset_graph()
        n_neurons = 150
        n_layers = 3

        X = tf.placeholder(tf.float32, [None, n_steps, n_inputs])
        y = tf.placeholder(tf.int32, [None])

        lstm_cells = [tf.nn.rnn_cell.BasicLSTMCell(num_units=n_neurons)
                      for layer in range(n_layers)]
        multi_cell = tf.nn.rnn_cell.MultiRNNCell(lstm_cells)
        outputs, states = tf.nn.dynamic_rnn(multi_cell, X, dtype=tf.float32)
        top_layer_h_state = states[-1][1]
        logits = tf.layers.dense(top_layer_h_state, n_outputs, name="softmax")
        xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
        loss = tf.reduce_mean(xentropy, name="loss")
        optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
        training_op = optimizer.minimize(loss)
        correct = tf.nn.in_top_k(logits, y, 1)
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

        init = tf.global_variables_initializer()
        out["lstm_state_shapes"] = [[s.shape.as_list() for s in layer] for layer in states]
        train("lstm", X, y, training_op, loss, accuracy, init, 3)

    peephole_vars = sequence_classifier(
        lambda n: tf.nn.rnn_cell.LSTMCell(num_units=n, use_peepholes=True), "peephole", 4)
    gru_vars = sequence_classifier(lambda n: tf.nn.rnn_cell.GRUCell(num_units=n), "gru", 5)
    out["cell_variables"] = peephole_vars + gru_vars
    for key in ("peephole_acc_test", "gru_acc_test"):
        del out[key]
    return out
