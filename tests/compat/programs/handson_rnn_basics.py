"""The "Basic RNNs" part of Aurélien Géron's "Hands-On Machine Learning" (1st edition),
chapter 14: ``ageron/handson-ml``, ``14_recurrent_neural_networks.ipynb`` at commit
b7051594afbb1d835f5e031af8664c4363878050 (the notebook's sections "Manual RNN", "Using
static_rnn()" with its ``save_graph`` helper, "Packing sequences", "Using
dynamic_rnn()", "Setting the sequence lengths" and "Deep RNN / MultiRNNCell"). A
two-step RNN unrolled by hand (``Wx``, ``Wy`` and ``tf.tanh``), the same with
``BasicRNNCell`` + ``tf.nn.static_rnn`` over two placeholders, then over
``tf.unstack(tf.transpose(X, perm=[1, 0, 2]))`` packed back with
``tf.stack``/``tf.transpose``, with ``tf.nn.dynamic_rnn``, with ``dynamic_rnn``'s
``sequence_length`` (the padded step's output zero, the state the last real step's), and
a three-layer ``MultiRNNCell`` of 100 units over five steps.

Adapted: each section builds in its own ``tf.Graph()`` (the notebook's ``reset_graph()``
resets the default graph, which cannot be done inside the graph the reference runner
opens); the cells' weights are ``same_start``'s NumPy draws (including the manual RNN's
``tf.random_normal`` ``Wx``/``Wy`` and its ``[1, n_neurons]`` bias), so both backends
compute with the same numbers; the deep RNN's input is a fixed ``RandomState`` draw. The
notebook's ``save_graph`` writes to a temporary directory with a fixed ``run_id`` (its
event file is counted); its ``%tensorboard`` cells are left out.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"manual_y0_sum": 1e-5, "manual_y1_sum": 1e-5, "static_y1_sum": 1e-5,
           "packed_sum": 1e-5, "packed_t1_sum": 1e-5, "dynamic_sum": 1e-5,
           "seq_outputs_sum": 1e-5, "seq_states_sum": 1e-5, "padded_zero": 0.0,
           "deep_outputs_sum": 1e-4, "deep_state_sums": 0.0, "deep_shape": 0.0,
           "static_variables": 0.0, "graph_events": 0.0}


def main(tf):
    def reset_graph(seed=42):
        tf.set_random_seed(seed)
        np.random.seed(seed)

    out = {}
    # Manual RNN
    with tf.Graph().as_default():
        reset_graph()
        n_inputs = 3
        n_neurons = 5

        X0 = tf.placeholder(tf.float32, [None, n_inputs])
        X1 = tf.placeholder(tf.float32, [None, n_inputs])

        Wx = tf.Variable(tf.random_normal(shape=[n_inputs, n_neurons], dtype=tf.float32))
        Wy = tf.Variable(tf.random_normal(shape=[n_neurons, n_neurons], dtype=tf.float32))
        b = tf.Variable(tf.zeros([1, n_neurons], dtype=tf.float32))

        Y0 = tf.tanh(tf.matmul(X0, Wx) + b)
        Y1 = tf.tanh(tf.matmul(Y0, Wy) + tf.matmul(X1, Wx) + b)

        init = tf.global_variables_initializer()

        X0_batch = np.array([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 0, 1]])  # t = 0
        X1_batch = np.array([[9, 8, 7], [0, 0, 0], [6, 5, 4], [3, 2, 1]])  # t = 1

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=1)
            Y0_val, Y1_val = sess.run([Y0, Y1], feed_dict={X0: X0_batch, X1: X1_batch})
        out["manual_y0_sum"] = float(np.sum(Y0_val))
        out["manual_y1_sum"] = float(np.sum(Y1_val))

    # Using static_rnn()
    with tf.Graph().as_default():
        reset_graph()
        X0 = tf.placeholder(tf.float32, [None, n_inputs])
        X1 = tf.placeholder(tf.float32, [None, n_inputs])

        basic_cell = tf.nn.rnn_cell.BasicRNNCell(num_units=n_neurons)
        output_seqs, states = tf.nn.static_rnn(basic_cell, [X0, X1],
                                               dtype=tf.float32)
        Y0, Y1 = output_seqs
        init = tf.global_variables_initializer()

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=2)
            Y0_val, Y1_val = sess.run([Y0, Y1], feed_dict={X0: X0_batch, X1: X1_batch})
        out["static_y1_sum"] = float(np.sum(Y1_val))
        out["static_variables"] = sorted(v.name for v in tf.global_variables())

        root_logdir = os.path.join(tempfile.mkdtemp(), "tf_logs")

        def make_log_subdir(run_id=None):
            if run_id is None:
                run_id = datetime.utcnow().strftime("%Y%m%d%H%M%S")
            return "{}/run-{}/".format(root_logdir, run_id)  # noqa: UP032 - as written

        def save_graph(graph=None, run_id=None):
            if graph is None:
                graph = tf.get_default_graph()
            logdir = make_log_subdir(run_id)
            file_writer = tf.summary.FileWriter(logdir, graph=graph)
            file_writer.close()
            return logdir

        logdir = save_graph(run_id="static_rnn")
        out["graph_events"] = [len([n for n in os.listdir(logdir)
                                    if n.startswith("events.out.tfevents.")])]
        shutil.rmtree(os.path.dirname(root_logdir), ignore_errors=True)

    # Packing sequences
    n_steps = 2
    X_batch = np.array([
        # t = 0      t = 1
        [[0, 1, 2], [9, 8, 7]],  # instance 1
        [[3, 4, 5], [0, 0, 0]],  # instance 2
        [[6, 7, 8], [6, 5, 4]],  # instance 3
        [[9, 0, 1], [3, 2, 1]],  # instance 4
    ])
    with tf.Graph().as_default():
        reset_graph()
        X = tf.placeholder(tf.float32, [None, n_steps, n_inputs])
        X_seqs = tf.unstack(tf.transpose(X, perm=[1, 0, 2]))

        basic_cell = tf.nn.rnn_cell.BasicRNNCell(num_units=n_neurons)
        output_seqs, states = tf.nn.static_rnn(basic_cell, X_seqs,
                                               dtype=tf.float32)
        outputs = tf.transpose(tf.stack(output_seqs), perm=[1, 0, 2])
        init = tf.global_variables_initializer()

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=3)
            outputs_val = outputs.eval(feed_dict={X: X_batch})
        out["packed_sum"] = float(np.sum(outputs_val * np.arange(1, 6)))
        out["packed_t1_sum"] = float(np.sum(np.transpose(outputs_val, axes=[1, 0, 2])[1]))

    # Using dynamic_rnn()
    with tf.Graph().as_default():
        reset_graph()
        X = tf.placeholder(tf.float32, [None, n_steps, n_inputs])

        basic_cell = tf.nn.rnn_cell.BasicRNNCell(num_units=n_neurons)
        outputs, states = tf.nn.dynamic_rnn(basic_cell, X, dtype=tf.float32)
        init = tf.global_variables_initializer()

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=3)
            outputs_val = outputs.eval(feed_dict={X: X_batch})
        out["dynamic_sum"] = float(np.sum(outputs_val * np.arange(1, 6)))

    # Setting the sequence lengths
    with tf.Graph().as_default():
        reset_graph()
        X = tf.placeholder(tf.float32, [None, n_steps, n_inputs])
        basic_cell = tf.nn.rnn_cell.BasicRNNCell(num_units=n_neurons)

        seq_length = tf.placeholder(tf.int32, [None])
        outputs, states = tf.nn.dynamic_rnn(basic_cell, X, dtype=tf.float32,
                                            sequence_length=seq_length)
        init = tf.global_variables_initializer()
        seq_length_batch = np.array([2, 1, 2, 2])

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=4)
            outputs_val, states_val = sess.run(
                [outputs, states], feed_dict={X: X_batch, seq_length: seq_length_batch})
        out["seq_outputs_sum"] = float(np.sum(outputs_val * np.arange(1, 6)))
        out["seq_states_sum"] = float(np.sum(states_val * np.arange(1, 6)))
        out["padded_zero"] = [bool(np.all(outputs_val[1, 1] == 0.0)),
                              bool(np.all(states_val[1] == outputs_val[1, 0]))]

    # Deep RNN: MultiRNNCell
    with tf.Graph().as_default():
        reset_graph()
        n_inputs = 2
        n_steps = 5

        X = tf.placeholder(tf.float32, [None, n_steps, n_inputs])
        n_neurons = 100
        n_layers = 3

        layers = [tf.nn.rnn_cell.BasicRNNCell(num_units=n_neurons)
                  for layer in range(n_layers)]
        multi_layer_cell = tf.nn.rnn_cell.MultiRNNCell(layers)
        outputs, states = tf.nn.dynamic_rnn(multi_layer_cell, X, dtype=tf.float32)
        init = tf.global_variables_initializer()
        X_batch = np.random.RandomState(42).rand(2, n_steps, n_inputs)

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=5)
            outputs_val, states_val = sess.run([outputs, states], feed_dict={X: X_batch})
        out["deep_outputs_sum"] = float(np.sum(outputs_val))
        out["deep_state_sums"] = [bool(np.allclose(states_val[-1], outputs_val[:, -1]))]
        out["deep_shape"] = list(outputs_val.shape)
    return out
