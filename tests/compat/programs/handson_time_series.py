"""Time-series prediction with RNNs, from Aurélien Géron's "Hands-On Machine Learning"
(1st edition), chapter 14: ``ageron/handson-ml``, ``14_recurrent_neural_networks.ipynb``
at commit b7051594afbb1d835f5e031af8664c4363878050 (sections "Time series", "Using an
OuputProjectionWrapper", "Without using an OutputProjectionWrapper", "Generating a
creative new sequence" and "Deep RNN / Dropout"). The notebook's own generated series
``t * sin(t) / 3 + 2 * sin(5t)`` and its ``next_batch`` (random windows drawn with
``np.random``); a 100-unit ReLU ``BasicRNNCell`` wrapped in
``tf.contrib.rnn.OutputProjectionWrapper(..., output_size=1)`` under
``tf.nn.dynamic_rnn``, MSE and Adam, saved with ``tf.train.Saver`` and restored to
predict the next values of ``t_instance``; the same without the wrapper (the stacked
outputs ``tf.reshape(rnn_outputs, [-1, n_neurons])`` through one ``tf.layers.dense``
and reshaped back), then used from a restored checkpoint to generate a sequence one
step at a time from zeros; three ``BasicRNNCell`` layers each in a
``tf.nn.rnn_cell.DropoutWrapper(cell, input_keep_prob=keep_prob)`` with ``keep_prob =
tf.placeholder_with_default(1.0, shape=())``.

Adapted: 30 training iterations instead of 1500 and 30 generated steps instead of 300;
the dropout model's training ``keep_prob`` fed as 1.0 instead of 0.5 (dropout masks come
from each library's own random stream, which cannot match; at 1.0 the wrappers pass
their inputs through); checkpoints in a temporary directory; each model in its own
``tf.Graph()`` instead of ``reset_graph()``; the weights are ``same_start``'s NumPy
draws. TF 2.x has no ``tf.contrib``: the reference run uses a stand-in
``OutputProjectionWrapper`` written as TF 1.15's (``kernel``/``bias`` of a linear map of
the cell's output, under the wrapper's scope); trainkit runs its own.
"""

# ruff: noqa: B007 - the notebook's loop variables are kept

from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"opw_mse": 1e-4, "opw_pred_sum": 1e-4, "opw_variables": 0.0,
           "stacked_mse": 1e-4, "stacked_pred_sum": 1e-4, "generated_sum": 1e-3,
           "dropout_mse": 1e-4, "dropout_pred_sum": 1e-4, "dropout_variables": 0.0}


def output_projection_wrapper(tf):
    """``tf.contrib.rnn.OutputProjectionWrapper``, or TF 1.15's under TF 2.x."""
    if hasattr(tf, "contrib"):
        return tf.contrib.rnn.OutputProjectionWrapper

    class OutputProjectionWrapper(tf.nn.rnn_cell.RNNCell):
        def __init__(self, cell, output_size):
            super().__init__()
            self._cell, self._output_size = cell, output_size

        state_size = property(lambda self: self._cell.state_size)
        output_size = property(lambda self: self._output_size)

        def call(self, inputs, state):
            output, res_state = self._cell(inputs, state)
            kernel = tf.get_variable("kernel", [output.shape[-1], self._output_size])
            bias = tf.get_variable("bias", [self._output_size],
                                   initializer=tf.zeros_initializer())
            return tf.matmul(output, kernel) + bias, res_state

    return OutputProjectionWrapper


def main(tf):
    def reset_graph(seed=42):
        tf.set_random_seed(seed)
        np.random.seed(seed)

    t_min, t_max = 0, 30
    resolution = 0.1

    def time_series(t):
        return t * np.sin(t) / 3 + 2 * np.sin(t * 5)

    def next_batch(batch_size, n_steps):
        t0 = np.random.rand(batch_size, 1) * (t_max - t_min - n_steps * resolution)
        Ts = t0 + np.arange(0., n_steps + 1) * resolution
        ys = time_series(Ts)
        return ys[:, :-1].reshape(-1, n_steps, 1), ys[:, 1:].reshape(-1, n_steps, 1)

    n_steps = 20
    t_instance = np.linspace(12.2, 12.2 + resolution * (n_steps + 1), n_steps + 1)
    tmp = tempfile.mkdtemp()
    out = {}

    # Using an OuputProjectionWrapper
    with tf.Graph().as_default():
        reset_graph()
        n_steps = 20
        n_inputs = 1
        n_neurons = 100
        n_outputs = 1

        X = tf.placeholder(tf.float32, [None, n_steps, n_inputs])
        y = tf.placeholder(tf.float32, [None, n_steps, n_outputs])
        cell = output_projection_wrapper(tf)(
            tf.nn.rnn_cell.BasicRNNCell(num_units=n_neurons, activation=tf.nn.relu),
            output_size=n_outputs)
        outputs, states = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
        learning_rate = 0.001

        loss = tf.reduce_mean(tf.square(outputs - y))  # MSE
        optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
        training_op = optimizer.minimize(loss)

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()
        n_iterations = 30
        batch_size = 50

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=1, biases=True)
            for iteration in range(n_iterations):
                X_batch, y_batch = next_batch(batch_size, n_steps)
                sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                if iteration % 10 == 0:
                    mse = loss.eval(feed_dict={X: X_batch, y: y_batch})

            saver.save(sess, os.path.join(tmp, "my_time_series_model"))

        with tf.Session() as sess:
            saver.restore(sess, os.path.join(tmp, "my_time_series_model"))

            X_new = time_series(np.array(t_instance[:-1].reshape(-1, n_steps, n_inputs)))
            y_pred = sess.run(outputs, feed_dict={X: X_new})
        out["opw_mse"] = float(mse)
        out["opw_pred_sum"] = float(np.sum(y_pred))
        out["opw_variables"] = sorted(v.op.name for v in tf.trainable_variables())

    # Without using an OutputProjectionWrapper
    with tf.Graph().as_default():
        reset_graph()
        X = tf.placeholder(tf.float32, [None, n_steps, n_inputs])
        y = tf.placeholder(tf.float32, [None, n_steps, n_outputs])
        cell = tf.nn.rnn_cell.BasicRNNCell(num_units=n_neurons, activation=tf.nn.relu)
        rnn_outputs, states = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
        n_outputs = 1
        learning_rate = 0.001

        stacked_rnn_outputs = tf.reshape(rnn_outputs, [-1, n_neurons])
        stacked_outputs = tf.layers.dense(stacked_rnn_outputs, n_outputs)
        outputs = tf.reshape(stacked_outputs, [-1, n_steps, n_outputs])

        loss = tf.reduce_mean(tf.square(outputs - y))
        optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
        training_op = optimizer.minimize(loss)

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=2, biases=True)
            for iteration in range(n_iterations):
                X_batch, y_batch = next_batch(batch_size, n_steps)
                sess.run(training_op, feed_dict={X: X_batch, y: y_batch})
                if iteration % 10 == 0:
                    mse = loss.eval(feed_dict={X: X_batch, y: y_batch})

            X_new = time_series(np.array(t_instance[:-1].reshape(-1, n_steps, n_inputs)))
            y_pred = sess.run(outputs, feed_dict={X: X_new})

            saver.save(sess, os.path.join(tmp, "my_time_series_model"))
        out["stacked_mse"] = float(mse)
        out["stacked_pred_sum"] = float(np.sum(y_pred))

        # Generating a creative new sequence
        with tf.Session() as sess:
            saver.restore(sess, os.path.join(tmp, "my_time_series_model"))

            sequence = [0.] * n_steps
            for iteration in range(30):
                X_batch = np.array(sequence[-n_steps:]).reshape(1, n_steps, 1)
                y_pred = sess.run(outputs, feed_dict={X: X_batch})
                sequence.append(y_pred[0, -1, 0])
        out["generated_sum"] = float(np.sum(sequence))

    # Dropout
    with tf.Graph().as_default():
        reset_graph()
        n_inputs = 1
        n_neurons = 100
        n_layers = 3
        n_steps = 20
        n_outputs = 1

        X = tf.placeholder(tf.float32, [None, n_steps, n_inputs])
        y = tf.placeholder(tf.float32, [None, n_steps, n_outputs])
        keep_prob = tf.placeholder_with_default(1.0, shape=())
        cells = [tf.nn.rnn_cell.BasicRNNCell(num_units=n_neurons)
                 for layer in range(n_layers)]
        cells_drop = [tf.nn.rnn_cell.DropoutWrapper(cell, input_keep_prob=keep_prob)
                      for cell in cells]
        multi_layer_cell = tf.nn.rnn_cell.MultiRNNCell(cells_drop)
        rnn_outputs, states = tf.nn.dynamic_rnn(multi_layer_cell, X, dtype=tf.float32)
        learning_rate = 0.01

        stacked_rnn_outputs = tf.reshape(rnn_outputs, [-1, n_neurons])
        stacked_outputs = tf.layers.dense(stacked_rnn_outputs, n_outputs)
        outputs = tf.reshape(stacked_outputs, [-1, n_steps, n_outputs])

        loss = tf.reduce_mean(tf.square(outputs - y))
        optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
        training_op = optimizer.minimize(loss)

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()
        train_keep_prob = 1.0  # the notebook's 0.5 draws each library's own masks

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=3, biases=True)
            for iteration in range(n_iterations):
                X_batch, y_batch = next_batch(batch_size, n_steps)
                _, mse = sess.run([training_op, loss],
                                  feed_dict={X: X_batch, y: y_batch,
                                             keep_prob: train_keep_prob})
            saver.save(sess, os.path.join(tmp, "my_dropout_time_series_model"))

        with tf.Session() as sess:
            saver.restore(sess, os.path.join(tmp, "my_dropout_time_series_model"))

            X_new = time_series(np.array(t_instance[:-1].reshape(-1, n_steps, n_inputs)))
            y_pred = sess.run(outputs, feed_dict={X: X_new})
        out["dropout_mse"] = float(mse)
        out["dropout_pred_sum"] = float(np.sum(y_pred))
        out["dropout_variables"] = sorted(v.op.name for v in tf.trainable_variables())
    shutil.rmtree(tmp, ignore_errors=True)
    return out
