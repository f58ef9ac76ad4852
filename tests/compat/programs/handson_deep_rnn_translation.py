"""A deep RNN spread over devices by a hand-written cell wrapper, and the encoder-decoder
translation model, from Aurélien Géron's "Hands-On Machine Learning" (1st edition),
chapter 14: ``ageron/handson-ml``, ``14_recurrent_neural_networks.ipynb`` at commit
b7051594afbb1d835f5e031af8664c4363878050 (sections "Distributing a Deep RNN Across
Multiple GPUs" and "Machine Translation"). The notebook's ``DeviceCellWrapper``, a
``tf.nn.rnn_cell.RNNCell`` subclass that never calls ``RNNCell.__init__``, forwards
``state_size``/``output_size`` and overrides ``__call__`` to run the wrapped cell under
``tf.device``, three of them (100-unit ``BasicRNNCell``s) in a ``MultiRNNCell`` under
``tf.nn.dynamic_rnn``; then ``tf.contrib.legacy_seq2seq.embedding_rnn_seq2seq`` over
three 200-unit ``BasicLSTMCell`` layers, the inputs ``tf.unstack(tf.transpose(X))``, the
decoder fed ``Y[:, :-1]`` and scored against ``Y[:, 1:]`` with per-step weights ``W``
(``W_flat * sparse_softmax_cross_entropy_with_logits``), Adam.

Adapted: the notebook builds the translation model but trains nothing; here it trains 3
Adam steps on generated "sentences" (random word ids, the "translation" the reversed
sentence after a GO symbol, zero-padded with zero weights), with 100 encoder and decoder
symbols instead of 20000 and 8 steps instead of 50 (the generated vocabulary and
sentence length); the device RNN runs on a fixed ``RandomState`` input instead of
``np.random.rand``; each part in its own ``tf.Graph()`` instead of ``reset_graph()``;
the weights are ``same_start``'s NumPy draws. TF 2.x has no ``tf.contrib``: the
reference run builds ``embedding_rnn_seq2seq`` from TF 1.15's definition written out
below (``EmbeddingWrapper`` encoder under ``static_rnn``, ``OutputProjectionWrapper``
decoder in ``embedding_rnn_decoder``/``rnn_decoder``, the encoder cell a
``copy.deepcopy`` of the decoder's); trainkit runs its own.
"""

from __future__ import annotations

import copy

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.handson_time_series import output_projection_wrapper

COMPARE = {"device_outputs_sum": 1e-4, "device_variables": 0.0, "first_loss": 1e-5,
           "loss": 1e-4, "logits_shape": 0.0, "variables": 0.0}


def legacy_seq2seq(tf):
    """``tf.contrib.legacy_seq2seq``, or TF 1.15's ``embedding_rnn_seq2seq`` under TF 2.x."""
    if hasattr(tf, "contrib"):
        return tf.contrib.legacy_seq2seq

    class EmbeddingWrapper(tf.nn.rnn_cell.RNNCell):
        def __init__(self, cell, embedding_classes, embedding_size):
            super().__init__()
            self._cell, self._classes, self._size = cell, embedding_classes, embedding_size

        state_size = property(lambda self: self._cell.state_size)
        output_size = property(lambda self: self._cell.output_size)

        def call(self, inputs, state):
            embedding = tf.get_variable("embedding", [self._classes, self._size])
            embedded = tf.nn.embedding_lookup(embedding, tf.reshape(inputs, [-1]))
            return self._cell(embedded, state)

    def rnn_decoder(decoder_inputs, initial_state, cell):
        with tf.variable_scope("rnn_decoder"):
            state, outputs = initial_state, []
            for i, inp in enumerate(decoder_inputs):
                if i > 0:
                    tf.get_variable_scope().reuse_variables()
                output, state = cell(inp, state)
                outputs.append(output)
        return outputs, state

    def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                              num_decoder_symbols, embedding_size):
        with tf.variable_scope("embedding_rnn_seq2seq"):
            encoder_cell = EmbeddingWrapper(copy.deepcopy(cell), num_encoder_symbols,
                                            embedding_size)
            _, encoder_state = tf.nn.static_rnn(encoder_cell, encoder_inputs,
                                                dtype=tf.float32)
            cell = output_projection_wrapper(tf)(cell, num_decoder_symbols)
            with tf.variable_scope("embedding_rnn_decoder"):
                embedding = tf.get_variable("embedding",
                                            [num_decoder_symbols, embedding_size])
                emb_inp = [tf.nn.embedding_lookup(embedding, i) for i in decoder_inputs]
                return rnn_decoder(emb_inp, encoder_state, cell)

    class Namespace:
        pass

    legacy = Namespace()
    legacy.embedding_rnn_seq2seq = embedding_rnn_seq2seq
    return legacy


def main(tf):
    def reset_graph(seed=42):
        tf.set_random_seed(seed)
        np.random.seed(seed)

    out = {}

    class DeviceCellWrapper(tf.nn.rnn_cell.RNNCell):
        def __init__(self, device, cell):
            self._cell = cell
            self._device = device

        @property
        def state_size(self):
            return self._cell.state_size

        @property
        def output_size(self):
            return self._cell.output_size

        def __call__(self, inputs, state, scope=None):
            with tf.device(self._device):
                return self._cell(inputs, state, scope)

    with tf.Graph().as_default():
        reset_graph()
        n_inputs = 5
        n_steps = 20
        n_neurons = 100

        X = tf.placeholder(tf.float32, shape=[None, n_steps, n_inputs])
        devices = ["/cpu:0", "/cpu:0", "/cpu:0"]  # ["/gpu:0", "/gpu:1", "/gpu:2"] with GPUs
        cells = [DeviceCellWrapper(dev, tf.nn.rnn_cell.BasicRNNCell(num_units=n_neurons))
                 for dev in devices]
        multi_layer_cell = tf.nn.rnn_cell.MultiRNNCell(cells)
        outputs, states = tf.nn.dynamic_rnn(multi_layer_cell, X, dtype=tf.float32)
        init = tf.global_variables_initializer()

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=1, biases=True)
            outputs_val = sess.run(outputs, feed_dict={
                X: np.random.RandomState(0).rand(2, n_steps, n_inputs)})
        out["device_outputs_sum"] = float(np.sum(outputs_val * np.arange(1, 101)))
        out["device_variables"] = sorted(v.op.name for v in tf.global_variables())

    # Machine Translation
    with tf.Graph().as_default():
        reset_graph()

        n_steps = 8
        n_neurons = 200
        n_layers = 3
        num_encoder_symbols = 100
        num_decoder_symbols = 100
        embedding_size = 150
        learning_rate = 0.01

        X = tf.placeholder(tf.int32, [None, n_steps])  # English sentences
        Y = tf.placeholder(tf.int32, [None, n_steps])  # French translations
        W = tf.placeholder(tf.float32, [None, n_steps - 1, 1])
        Y_input = Y[:, :-1]
        Y_target = Y[:, 1:]

        encoder_inputs = tf.unstack(tf.transpose(X))  # list of 1D tensors
        decoder_inputs = tf.unstack(tf.transpose(Y_input))  # list of 1D tensors

        lstm_cells = [tf.nn.rnn_cell.BasicLSTMCell(num_units=n_neurons)
                      for layer in range(n_layers)]
        cell = tf.nn.rnn_cell.MultiRNNCell(lstm_cells)

        output_seqs, states = legacy_seq2seq(tf).embedding_rnn_seq2seq(
            encoder_inputs,
            decoder_inputs,
            cell,
            num_encoder_symbols,
            num_decoder_symbols,
            embedding_size)

        logits = tf.transpose(tf.unstack(output_seqs), perm=[1, 0, 2])

        logits_flat = tf.reshape(logits, [-1, num_decoder_symbols])
        Y_target_flat = tf.reshape(Y_target, [-1])
        W_flat = tf.reshape(W, [-1])
        xentropy = W_flat * tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=Y_target_flat, logits=logits_flat)
        loss = tf.reduce_mean(xentropy)
        optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
        training_op = optimizer.minimize(loss)

        init = tf.global_variables_initializer()

        # generated sentences: ids 2..99, the translation GO (1) + the reversed sentence
        rng = np.random.RandomState(5)
        batch = 16
        lengths = rng.randint(3, n_steps, size=batch)
        X_batch = np.zeros((batch, n_steps), np.int32)
        Y_batch = np.zeros((batch, n_steps), np.int32)
        W_batch = np.zeros((batch, n_steps - 1, 1), np.float32)
        for i, length in enumerate(lengths):
            words = rng.randint(2, num_encoder_symbols, size=length)
            X_batch[i, :length] = words
            Y_batch[i, 0] = 1
            Y_batch[i, 1:length + 1] = words[::-1]
            W_batch[i, :length, 0] = 1.0
        feed = {X: X_batch, Y: Y_batch, W: W_batch}

        with tf.Session() as sess:
            init.run()
            same_start(sess, tf, seed=2, biases=True)
            out["first_loss"] = float(loss.eval(feed_dict=feed))
            for _step in range(3):
                sess.run(training_op, feed_dict=feed)
            out["loss"] = float(loss.eval(feed_dict=feed))
        out["logits_shape"] = logits.shape.as_list()
        out["variables"] = sorted(v.op.name for v in tf.trainable_variables())
    return out
