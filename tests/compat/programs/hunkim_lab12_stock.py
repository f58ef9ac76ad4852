"""Next-day stock price prediction by an LSTM over 7-day windows, from Sung Kim's
"DeepLearningZeroToAll" (github.com/hunkim/DeepLearningZeroToAll at commit
60c707e02af7bd950401faeadcc6c0e1b39b2978, ``lab-12-5-rnn_stock_prediction.py``): the
program's ``MinMaxScaler`` applied to the train and test parts separately, the test part
starting ``seq_length`` rows before the split, ``build_dataset``'s windows of five
columns with the next close as target, a ``tf.contrib.rnn.BasicLSTMCell(num_units=10,
state_is_tuple=True, activation=tf.tanh)`` run by ``tf.nn.dynamic_rnn``, the last step
``outputs[:, -1]`` into ``tf.contrib.layers.fully_connected(..., activation_fn=None)``,
a sum-of-squares loss with ``AdamOptimizer(0.01)``, then the test predictions and the
RMSE computed by a second small graph fed through ``targets`` / ``predictions``
placeholders.

Adapted: ``data-02-stock_daily.csv`` (732 days of open, high, low, volume, close, newest
first, reversed by the program) is a seeded NumPy random walk of the same shape and
columns; 60 iterations instead of 500; the weights start from ``same_start``'s draw
(biases zero); the window prints and the matplotlib plot are left out.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.tf_contrib import contrib

COMPARE = {"first_loss": 1e-6, "loss": 1e-4, "rmse": 1e-4, "test_predict_sum": 1e-4,
           "shapes": 0.0}


def stock_daily():
    """732 rows of Open, High, Low, Volume, Close, newest first (as in the CSV)."""
    rng = np.random.RandomState(13)
    close = 500 + np.cumsum(rng.normal(0.3, 6.0, 732))
    open_ = close + rng.normal(0, 3.0, 732)
    high = np.maximum(open_, close) + rng.uniform(0, 5, 732)
    low = np.minimum(open_, close) - rng.uniform(0, 5, 732)
    volume = np.round(rng.uniform(0.8e6, 3e6, 732))
    return np.column_stack([open_, high, low, volume, close])[::-1]


def main(tf):
    tf.set_random_seed(777)  # reproducibility

    def MinMaxScaler(data):
        ''' Min Max Normalization (see the original for the full docstring)'''
        numerator = data - np.min(data, 0)
        denominator = np.max(data, 0) - np.min(data, 0)
        # noise term prevents the zero division
        return numerator / (denominator + 1e-7)

    # train Parameters
    seq_length = 7
    data_dim = 5
    hidden_dim = 10
    output_dim = 1
    learning_rate = 0.01
    iterations = 60

    # Open, High, Low, Volume, Close
    xy = stock_daily()
    xy = xy[::-1]  # reverse order (chronically ordered)

    # train/test split
    train_size = int(len(xy) * 0.7)
    train_set = xy[0:train_size]
    test_set = xy[train_size - seq_length:]  # Index from [train_size - seq_length] to utilize past sequence  # noqa: E501 - as written

    # Scale each
    train_set = MinMaxScaler(train_set)
    test_set = MinMaxScaler(test_set)

    # build datasets
    def build_dataset(time_series, seq_length):
        dataX = []
        dataY = []
        for i in range(0, len(time_series) - seq_length):
            _x = time_series[i:i + seq_length, :]
            _y = time_series[i + seq_length, [-1]]  # Next close price
            dataX.append(_x)
            dataY.append(_y)
        return np.array(dataX), np.array(dataY)

    trainX, trainY = build_dataset(train_set, seq_length)
    testX, testY = build_dataset(test_set, seq_length)

    # input place holders
    X = tf.placeholder(tf.float32, [None, seq_length, data_dim])
    Y = tf.placeholder(tf.float32, [None, 1])

    # build a LSTM network
    cell = contrib(tf).rnn.BasicLSTMCell(
        num_units=hidden_dim, state_is_tuple=True, activation=tf.tanh)
    outputs, _states = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
    Y_pred = contrib(tf).layers.fully_connected(
        outputs[:, -1], output_dim, activation_fn=None)  # We use the last cell's output

    # cost/loss
    loss = tf.reduce_sum(tf.square(Y_pred - Y))  # sum of the squares
    # optimizer
    optimizer = tf.train.AdamOptimizer(learning_rate)
    train = optimizer.minimize(loss)

    # RMSE
    targets = tf.placeholder(tf.float32, [None, 1])
    predictions = tf.placeholder(tf.float32, [None, 1])
    rmse = tf.sqrt(tf.reduce_mean(tf.square(targets - predictions)))

    with tf.Session() as sess:
        init = tf.global_variables_initializer()
        sess.run(init)
        same_start(sess, tf, seed=13)

        # Training step
        for i in range(iterations):
            _, step_loss = sess.run([train, loss], feed_dict={
                                    X: trainX, Y: trainY})
            if i == 0:
                first_loss = step_loss

        # Test step
        test_predict = sess.run(Y_pred, feed_dict={X: testX})
        rmse_val = sess.run(rmse, feed_dict={
                        targets: testY, predictions: test_predict})
    return {"first_loss": float(first_loss), "loss": float(step_loss), "rmse": float(rmse_val),
            "test_predict_sum": float(np.sum(test_predict)),
            "shapes": [list(trainX.shape), list(testX.shape), list(test_predict.shape)]}
