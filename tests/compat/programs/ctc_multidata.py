"""CTC on variable-length "utterances", from igormq/ctc_tensorflow_example,
``ctc_tensorflow_multidata_example.py``: ``fake_data`` draws random 13-feature frames and
random label sequences, ``pad_sequences`` pads each batch and ``sparse_tuple_from`` turns
its labels into the ``(indices, values, shape)`` fed to a ``tf.sparse_placeholder(tf.int32)``;
an ``LSTMCell`` in a ``MultiRNNCell`` run by ``tf.nn.dynamic_rnn`` with ``seq_len``, one
affine projection reshaped to time-major logits, ``tf.nn.ctc_loss(targets, logits,
seq_len)``, ``MomentumOptimizer(1e-2, 0.9)``, ``tf.nn.ctc_greedy_decoder`` and the label
error rate ``tf.reduce_mean(tf.edit_distance(tf.cast(decoded[0], tf.int32), targets))``;
at the end all examples are decoded at once and densified with
``tf.sparse_tensor_to_dense(d, default_value=-1)``.

Adapted: a seeded NumPy generator instead of ``np.random``, fewer and shorter examples and
epochs, labels at most half as long as their inputs (a random label of nearly the input's
length can need more frames than it has, an infinite loss in TF too), no shuffling between
epochs, ``num_units = num_hidden`` (the script leaves ``num_units`` undefined), the
"Option 2" ``ctc_beam_search_decoder`` the script mentions run on the final batch too,
``tf.contrib.rnn`` written as ``tf.nn.rnn_cell`` when there is no contrib (TF 2.x), same
starting weights."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_cost": 1e-5, "cost": 1e-3, "ler": 0.05, "val_cost": 1e-3,
           "beam_log_prob": 1e-3, "dense_shape": 0.0}


def sparse_tuple_from(sequences, dtype=np.int32):
    """``(indices, values, shape)`` of a list of label sequences."""
    indices = []
    values = []
    for n, seq in enumerate(sequences):
        indices.extend(zip([n] * len(seq), range(len(seq))))
        values.extend(seq)
    indices = np.asarray(indices, dtype=np.int64)
    values = np.asarray(values, dtype=dtype)
    shape = np.asarray([len(sequences), np.asarray(indices).max(0)[1] + 1], dtype=np.int64)
    return indices, values, shape


def pad_sequences(sequences, dtype=np.float32, value=0.0):
    """Post-pads ``[time, features]`` arrays to the longest; returns them and lengths."""
    lengths = np.asarray([len(s) for s in sequences], dtype=np.int64)
    maxlen = int(np.max(lengths))
    sample_shape = np.asarray(sequences[0]).shape[1:]
    x = (np.ones((len(sequences), maxlen) + sample_shape) * value).astype(dtype)
    for idx, s in enumerate(sequences):
        x[idx, :len(s)] = s
    return x, lengths


def fake_data(rng, num_examples, num_features, num_labels, min_size=10, max_size=100):
    timesteps = rng.randint(min_size, max_size, (num_examples,))
    inputs = [rng.randn(t, num_features).astype(np.float32) for t in timesteps]
    labels = [rng.randint(0, num_labels, rng.randint(1, x.shape[0] // 2, (1,)))
              .astype(np.int64) for x in inputs]
    return inputs, labels


def main(tf):
    rnn = tf.contrib.rnn if hasattr(tf, "contrib") else tf.nn.rnn_cell
    num_features = 13
    num_classes = ord("z") - ord("a") + 1 + 1 + 1
    num_epochs = 40
    num_hidden = 50
    num_units = num_hidden
    num_layers = 1
    batch_size = 2
    initial_learning_rate = 1e-2
    num_examples = 8
    num_batches_per_epoch = int(num_examples / batch_size)
    rng = np.random.RandomState(0)
    train_inputs, train_targets = fake_data(rng, num_examples, num_features,
                                            num_classes - 1, max_size=30)

    inputs = tf.placeholder(tf.float32, [None, None, num_features])
    targets = tf.sparse_placeholder(tf.int32)
    seq_len = tf.placeholder(tf.int32, [None])
    cells = []
    for _ in range(num_layers):
        cells.append(rnn.LSTMCell(num_units))
    stack = rnn.MultiRNNCell(cells)
    outputs, _ = tf.nn.dynamic_rnn(stack, inputs, seq_len, dtype=tf.float32)
    shape = tf.shape(inputs)
    batch_s = shape[0]
    outputs = tf.reshape(outputs, [-1, num_hidden])
    W = tf.Variable(tf.truncated_normal([num_hidden, num_classes], stddev=0.1))
    b = tf.Variable(tf.constant(0., shape=[num_classes]))
    logits = tf.matmul(outputs, W) + b
    logits = tf.reshape(logits, [batch_s, -1, num_classes])
    logits = tf.transpose(logits, (1, 0, 2))
    loss = tf.nn.ctc_loss(targets, logits, seq_len)
    cost = tf.reduce_mean(loss)
    optimizer = tf.train.MomentumOptimizer(initial_learning_rate, 0.9).minimize(cost)
    decoded, log_prob = tf.nn.ctc_greedy_decoder(logits, seq_len)
    ler = tf.reduce_mean(tf.edit_distance(tf.cast(decoded[0], tf.int32), targets))
    beam_decoded, beam_log_prob = tf.nn.ctc_beam_search_decoder(logits, seq_len,
                                                                beam_width=10)

    costs = []
    with tf.Session() as session:
        tf.global_variables_initializer().run()
        same_start(session, tf, biases=True)
        for _curr_epoch in range(num_epochs):
            train_cost = train_ler = 0
            for batch in range(num_batches_per_epoch):
                indexes = [i % num_examples
                           for i in range(batch * batch_size, (batch + 1) * batch_size)]
                batch_train_inputs, batch_train_seq_len = pad_sequences(
                    [train_inputs[i] for i in indexes])
                batch_train_targets = sparse_tuple_from([train_targets[i] for i in indexes])
                feed = {inputs: batch_train_inputs, targets: batch_train_targets,
                        seq_len: batch_train_seq_len}
                batch_cost, _ = session.run([cost, optimizer], feed)
                costs.append(float(batch_cost))
                train_cost += batch_cost * batch_size
                train_ler += session.run(ler, feed_dict=feed) * batch_size
            train_cost /= num_examples
            train_ler /= num_examples
        batch_train_inputs, batch_train_seq_len = pad_sequences(train_inputs)
        batch_train_targets = sparse_tuple_from(train_targets)
        feed = {inputs: batch_train_inputs, targets: batch_train_targets,
                seq_len: batch_train_seq_len}
        d, val_cost, blp = session.run([decoded[0], cost, beam_log_prob], feed_dict=feed)
        dense_decoded = tf.sparse_tensor_to_dense(d, default_value=-1).eval(session=session)
    return {"first_cost": costs[0], "cost": float(train_cost), "ler": float(train_ler),
            "val_cost": float(val_cost), "beam_log_prob": float(np.mean(blp)),
            "dense_shape": [len(dense_decoded), int(dense_decoded.shape[1] > 0)]}
