"""Telling embedded Reber strings from corrupted ones with a GRU, the solution to
exercise 7 of chapter 14 of Aurélien Géron's "Hands-On Machine Learning" (1st edition):
``ageron/handson-ml``, ``14_recurrent_neural_networks.ipynb`` at commit
b7051594afbb1d835f5e031af8664c4363878050 (section "7. Embedded Reber Grammars"). The
notebook's grammar tables, ``generate_string`` / ``generate_corrupted_string`` (driven by
``np.random``), ``string_to_one_hot_vectors`` and ``generate_dataset`` (padded to the
longest string, shuffled with ``np.random.permutation``); a 30-unit ``GRUCell`` under
``tf.nn.dynamic_rnn`` with ``sequence_length`` on an input placeholder whose time
dimension is ``None``, its final state into a one-unit ``tf.layers.dense`` logit,
``sigmoid_cross_entropy_with_logits``, ``MomentumOptimizer(use_nesterov=True)``,
batches from ``np.array_split``, a ``tf.train.Saver`` checkpoint per epoch, and the
restored model's probabilities for the two tricky strings (fed as a Python list of
arrays).

Adapted: 1000 training and 400 validation strings instead of 10000 and 5000; 2 epochs
instead of 50; the checkpoint in a temporary directory; the graph in a ``tf.Graph()``
of its own instead of ``reset_graph()``; the weights are ``same_start``'s NumPy draws.
"""

# ruff: noqa: B007 - the notebook's loop variables are kept

from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"dataset": 0.0, "losses": 1e-4, "acc_train": 0.01, "acc_val": 0.01,
           "y_proba": 1e-4, "checkpoints": 0.0}


def main(tf):
    def reset_graph(seed=42):
        tf.set_random_seed(seed)
        np.random.seed(seed)

    np.random.seed(42)

    default_reber_grammar = [
        [("B", 1)],            # (state 0) =B=>(state 1)
        [("T", 2), ("P", 3)],  # (state 1) =T=>(state 2) or =P=>(state 3)
        [("S", 2), ("X", 4)],  # (state 2) =S=>(state 2) or =X=>(state 4)
        [("T", 3), ("V", 5)],  # and so on...
        [("X", 3), ("S", 6)],
        [("P", 4), ("V", 6)],
        [("E", None)]]         # (state 6) =E=>(terminal state)

    embedded_reber_grammar = [
        [("B", 1)],
        [("T", 2), ("P", 3)],
        [(default_reber_grammar, 4)],
        [(default_reber_grammar, 5)],
        [("T", 6)],
        [("P", 6)],
        [("E", None)]]

    def generate_string(grammar):
        state = 0
        output = []
        while state is not None:
            index = np.random.randint(len(grammar[state]))
            production, state = grammar[state][index]
            if isinstance(production, list):
                production = generate_string(grammar=production)
            output.append(production)
        return "".join(output)

    def generate_corrupted_string(grammar, chars="BEPSTVX"):
        good_string = generate_string(grammar)
        index = np.random.randint(len(good_string))
        good_char = good_string[index]
        bad_char = np.random.choice(sorted(set(chars) - set(good_char)))
        return good_string[:index] + bad_char + good_string[index + 1:]

    def string_to_one_hot_vectors(string, n_steps, chars="BEPSTVX"):
        char_to_index = {char: index for index, char in enumerate(chars)}
        output = np.zeros((n_steps, len(chars)), dtype=np.int32)
        for index, char in enumerate(string):
            output[index, char_to_index[char]] = 1.
        return output

    def generate_dataset(size):
        good_strings = [generate_string(embedded_reber_grammar)
                        for _ in range(size // 2)]
        bad_strings = [generate_corrupted_string(embedded_reber_grammar)
                       for _ in range(size - size // 2)]
        all_strings = good_strings + bad_strings
        n_steps = max([len(string) for string in all_strings])
        X = np.array([string_to_one_hot_vectors(string, n_steps)
                      for string in all_strings])
        seq_length = np.array([len(string) for string in all_strings])
        y = np.array([[1] for _ in range(len(good_strings))] +
                     [[0] for _ in range(len(bad_strings))])
        rnd_idx = np.random.permutation(size)
        return X[rnd_idx], seq_length[rnd_idx], y[rnd_idx]

    X_train, l_train, y_train = generate_dataset(1000)
    out = {"dataset": [list(X_train.shape), int(l_train[0]), int(y_train[0, 0])]}
    tmp = tempfile.mkdtemp()

    with tf.Graph().as_default():
        reset_graph()

        possible_chars = "BEPSTVX"
        n_inputs = len(possible_chars)
        n_neurons = 30
        n_outputs = 1

        learning_rate = 0.02
        momentum = 0.95

        X = tf.placeholder(tf.float32, [None, None, n_inputs], name="X")
        seq_length = tf.placeholder(tf.int32, [None], name="seq_length")
        y = tf.placeholder(tf.float32, [None, 1], name="y")

        gru_cell = tf.nn.rnn_cell.GRUCell(num_units=n_neurons)
        outputs, states = tf.nn.dynamic_rnn(gru_cell, X, dtype=tf.float32,
                                            sequence_length=seq_length)

        logits = tf.layers.dense(states, n_outputs, name="logits")
        y_pred = tf.cast(tf.greater(logits, 0.), tf.float32, name="y_pred")
        y_proba = tf.nn.sigmoid(logits, name="y_proba")

        xentropy = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits)
        loss = tf.reduce_mean(xentropy, name="loss")
        optimizer = tf.train.MomentumOptimizer(learning_rate=learning_rate,
                                               momentum=momentum,
                                               use_nesterov=True)
        training_op = optimizer.minimize(loss)

        correct = tf.equal(y_pred, y, name="correct")
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy")

        init = tf.global_variables_initializer()
        saver = tf.train.Saver()

        X_val, l_val, y_val = generate_dataset(400)
        n_epochs = 2
        batch_size = 50
        losses = []

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, biases=True)
            for epoch in range(n_epochs):
                X_batches = np.array_split(X_train, len(X_train) // batch_size)
                l_batches = np.array_split(l_train, len(l_train) // batch_size)
                y_batches = np.array_split(y_train, len(y_train) // batch_size)
                for X_batch, l_batch, y_batch in zip(X_batches, l_batches, y_batches):
                    loss_val, _ = sess.run(
                        [loss, training_op],
                        feed_dict={X: X_batch, seq_length: l_batch, y: y_batch})
                    losses.append(float(loss_val))
                acc_train = accuracy.eval(feed_dict={X: X_batch, seq_length: l_batch,
                                                     y: y_batch})
                acc_val = accuracy.eval(feed_dict={X: X_val, seq_length: l_val, y: y_val})
                saver.save(sess, os.path.join(tmp, "my_reber_classifier"))

        test_strings = [
            "BPBTSSSSSSSXXTTVPXVPXTTTTTVVETE",
            "BPBTSSSSSSSXXTTVPXVPXTTTTTVVEPE"]
        l_test = np.array([len(s) for s in test_strings])
        max_length = l_test.max()
        X_test = [string_to_one_hot_vectors(s, n_steps=max_length)
                  for s in test_strings]

        with tf.Session() as sess:
            saver.restore(sess, os.path.join(tmp, "my_reber_classifier"))
            y_proba_val = y_proba.eval(feed_dict={X: X_test, seq_length: l_test})
    out["checkpoints"] = sorted(n for n in os.listdir(tmp) if n.startswith("my_reber")
                                and n.endswith(".index"))
    shutil.rmtree(tmp, ignore_errors=True)
    out["losses"] = float(np.dot(losses, np.arange(1, len(losses) + 1)) / len(losses))
    out["acc_train"] = float(acc_train)
    out["acc_val"] = float(acc_val)
    out["y_proba"] = float(y_proba_val[0][0] + 2 * y_proba_val[1][0])
    return out
