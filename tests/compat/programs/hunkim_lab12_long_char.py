"""A two-layer LSTM predicting the next character of a long sentence, from Sung Kim's
"DeepLearningZeroToAll" (github.com/hunkim/DeepLearningZeroToAll at commit
60c707e02af7bd950401faeadcc6c0e1b39b2978, ``lab-12-4-rnn_long_char.py``): 10-character
windows of the sentence as ``tf.int32`` ids, ``tf.one_hot`` inputs, a
``rnn.MultiRNNCell([lstm_cell() for _ in range(2)], state_is_tuple=True)`` of
``rnn.BasicLSTMCell(hidden_size, state_is_tuple=True)`` (``from tensorflow.contrib import
rnn``) run by ``tf.nn.dynamic_rnn``, a ``tf.contrib.layers.fully_connected`` output layer
over the reshaped outputs, ``tf.contrib.seq2seq.sequence_loss`` with ``tf.ones`` weights,
``AdamOptimizer(0.1)``, and the argmax characters of every window joined into the
predicted sentence.

Adapted: ``char_set = list(set(sentence))`` is sorted (a set of strings iterates in an
order that changes with each interpreter's hash seed, so the two backends would number
the characters differently); 40 steps instead of 500; the weights start from
``same_start``'s draw (biases zero, as the cells and ``fully_connected`` initialize
them); the prints are left out (their values are returned). Under TF 2.x the
``tf.contrib`` names are ``tests/compat/programs/tf_contrib.py``'s stand-ins.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.tf_contrib import contrib

# The losses agree to 3e-7 for the first 14 steps; then Adam at learning rate 0.1 amplifies
# float32 round-off (about 2.5x a step around step 16, while the loss bumps), so after 40
# steps the loss agrees to 1.1e-3 and the logits to 6e-4 (the sentence exactly).
COMPARE = {"first_loss": 1e-6, "loss_10": 1e-6, "loss": 3e-3, "logits_sum": 2e-3,
           "sentence": 0.0, "variables": 0.0}


def main(tf):
    rnn = contrib(tf).rnn
    tf.set_random_seed(777)  # reproducibility

    sentence = ("if you want to build a ship, don't drum up people together to "
                "collect wood and don't assign them tasks and work, but rather "
                "teach them to long for the endless immensity of the sea.")

    char_set = sorted(set(sentence))
    char_dic = {w: i for i, w in enumerate(char_set)}

    data_dim = len(char_set)  # noqa: F841 - as written
    hidden_size = len(char_set)
    num_classes = len(char_set)
    sequence_length = 10  # Any arbitrary number
    learning_rate = 0.1

    dataX = []
    dataY = []
    for i in range(0, len(sentence) - sequence_length):
        x_str = sentence[i:i + sequence_length]
        y_str = sentence[i + 1: i + sequence_length + 1]

        x = [char_dic[c] for c in x_str]  # x str to index
        y = [char_dic[c] for c in y_str]  # y str to index

        dataX.append(x)
        dataY.append(y)

    batch_size = len(dataX)

    X = tf.placeholder(tf.int32, [None, sequence_length])
    Y = tf.placeholder(tf.int32, [None, sequence_length])

    # One-hot encoding
    X_one_hot = tf.one_hot(X, num_classes)

    # Make a lstm cell with hidden_size (each unit output vector size)
    def lstm_cell():
        cell = rnn.BasicLSTMCell(hidden_size, state_is_tuple=True)
        return cell

    multi_cells = rnn.MultiRNNCell([lstm_cell() for _ in range(2)], state_is_tuple=True)

    # outputs: unfolding size x hidden size, state = hidden size
    outputs, _states = tf.nn.dynamic_rnn(multi_cells, X_one_hot, dtype=tf.float32)

    # FC layer
    X_for_fc = tf.reshape(outputs, [-1, hidden_size])
    outputs = contrib(tf).layers.fully_connected(X_for_fc, num_classes, activation_fn=None)

    # reshape out for sequence_loss
    outputs = tf.reshape(outputs, [batch_size, sequence_length, num_classes])

    # All weights are 1 (equal weights)
    weights = tf.ones([batch_size, sequence_length])

    sequence_loss = contrib(tf).seq2seq.sequence_loss(
        logits=outputs, targets=Y, weights=weights)
    mean_loss = tf.reduce_mean(sequence_loss)
    train_op = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(mean_loss)

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=12)

    for i in range(40):
        _, l, results = sess.run(  # noqa: E741 - as written
            [train_op, mean_loss, outputs], feed_dict={X: dataX, Y: dataY})
        if i == 0:
            first_loss = l
        if i == 10:
            loss_10 = l

    # Let's print the last char of each result to check it works
    results = sess.run(outputs, feed_dict={X: dataX})
    predicted = ""
    for j, result in enumerate(results):
        index = np.argmax(result, axis=1)
        if j == 0:  # print all for the first result to make a sentence
            predicted += ''.join([char_set[t] for t in index])
        else:
            predicted += char_set[index[-1]]
    variables = sorted(v.op.name for v in tf.trainable_variables())
    sess.close()
    return {"first_loss": float(first_loss), "loss_10": float(loss_10), "loss": float(l),
            "logits_sum": float(np.sum(results[::7, -1] * np.arange(1, num_classes + 1))),
            "sentence": [predicted], "variables": variables}
