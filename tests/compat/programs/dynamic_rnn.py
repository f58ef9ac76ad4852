"""Variable-length sequence classification with ``tf.nn.dynamic_rnn``: sequences of
different lengths padded to 20 steps, ``sequence_length`` fed, the output at each
sequence's last real step gathered with ``tf.gather`` over a flattened index, GRU cell,
Adam (the "dynamic RNN" example of the collections, with generated sequences)."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"loss": 1e-4, "accuracy": 1e-6, "padded_output_zero": 0.0}


def _sequences(n, max_len, rng):
    """Class 1: a linear ramp; class 0: random values; lengths 4..max_len."""
    data = np.zeros((n, max_len, 1), np.float32)
    labels = np.zeros((n, 2), np.float32)
    lengths = rng.randint(4, max_len + 1, size=n)
    for i, length in enumerate(lengths):
        if rng.rand() < 0.5:
            start = rng.randint(0, 10)
            data[i, :length, 0] = (np.arange(start, start + length) / 20.0)
            labels[i, 1] = 1.0
        else:
            data[i, :length, 0] = rng.randint(0, 20, size=length) / 20.0
            labels[i, 0] = 1.0
    return data, labels, lengths.astype(np.int32)


def main(tf):
    rng = np.random.RandomState(3)
    seq_max_len, n_hidden, n_classes = 20, 32, 2
    train_x, train_y, train_len = _sequences(512, seq_max_len, rng)
    test_x, test_y, test_len = _sequences(128, seq_max_len, rng)

    x = tf.placeholder("float", [None, seq_max_len, 1])
    y = tf.placeholder("float", [None, n_classes])
    seqlen = tf.placeholder(tf.int32, [None])
    weights = {"out": tf.Variable(tf.random_normal([n_hidden, n_classes]))}
    biases = {"out": tf.Variable(tf.random_normal([n_classes]))}

    cell = tf.nn.rnn_cell.GRUCell(n_hidden)
    outputs, states = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32, sequence_length=seqlen)
    batch_size = tf.shape(outputs)[0]
    index = tf.range(0, batch_size) * seq_max_len + (seqlen - 1)
    last = tf.gather(tf.reshape(outputs, [-1, n_hidden]), index)
    pred = tf.matmul(last, weights["out"]) + biases["out"]
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=pred, labels=y))
    optimizer = tf.train.AdamOptimizer(learning_rate=0.01).minimize(cost)
    correct_pred = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, biases=True)
        for step in range(40):
            lo = (step * 64) % 512
            sess.run(optimizer, feed_dict={x: train_x[lo:lo + 64], y: train_y[lo:lo + 64],
                                           seqlen: train_len[lo:lo + 64]})
        feed = {x: test_x, y: test_y, seqlen: test_len}
        loss, acc, out = sess.run([cost, accuracy, outputs], feed)
    past_end = np.concatenate([out[i, test_len[i]:] for i in range(len(test_len))])
    return {"loss": float(loss), "accuracy": float(acc),
            "padded_output_zero": [bool(np.all(past_end == 0.0))]}
