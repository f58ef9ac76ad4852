"""An LSTM predicting cos from sin, its state carried across runs, from MorvanZhou's
"Tensorflow-Tutorial" (github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6, ``tutorial-contents/403_RNN_regression.py``):
``LSTMCell(num_units=32)`` with ``init_s = rnn_cell.zero_state(batch_size=1, ...)`` given
to ``tf.nn.dynamic_rnn`` as its ``initial_state``; outputs reshaped to 2-D for a dense
layer and back; ``tf.losses.mean_squared_error`` and ``AdamOptimizer(0.02)``. Each step
slides the time window by pi and, after the first, feeds the previous run's final state
(an ``LSTMStateTuple`` of arrays) back into the ``init_s`` tuple of tensors.

Adapted: 20 steps instead of 60; the test ``'final_s_' not in globals()`` reads
``locals()`` (the program body is a function here); no ``tf.set_random_seed`` (the
original sets none) and the weights start from ``same_start``'s draw; the matplotlib
plotting of each window's target and prediction is left out: the predictions and the
final state are returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"pred_sum": 1e-4, "last_pred": 1e-4, "state_c": 1e-4, "state_h": 1e-4,
           "shapes": 0.0}


def main(tf):
    # Hyper Parameters
    TIME_STEP = 10       # rnn time step
    INPUT_SIZE = 1      # rnn input size
    CELL_SIZE = 32      # rnn cell size
    LR = 0.02           # learning rate

    # tensorflow placeholders
    tf_x = tf.placeholder(tf.float32, [None, TIME_STEP, INPUT_SIZE])        # shape(batch, 5, 1)
    tf_y = tf.placeholder(tf.float32, [None, TIME_STEP, INPUT_SIZE])          # input y

    # RNN
    rnn_cell = tf.nn.rnn_cell.LSTMCell(num_units=CELL_SIZE)
    init_s = rnn_cell.zero_state(batch_size=1, dtype=tf.float32)    # very first hidden state
    outputs, final_s = tf.nn.dynamic_rnn(
        rnn_cell,                   # cell you have chosen
        tf_x,                       # input
        initial_state=init_s,       # the initial hidden state
        time_major=False,  # False: (batch, time step, input); True: (time step, batch, input)
    )
    # reshape 3D output to 2D for fully connected layer
    outs2D = tf.reshape(outputs, [-1, CELL_SIZE])
    net_outs2D = tf.layers.dense(outs2D, INPUT_SIZE)
    outs = tf.reshape(net_outs2D, [-1, TIME_STEP, INPUT_SIZE])          # reshape back to 3D

    loss = tf.losses.mean_squared_error(labels=tf_y, predictions=outs)  # compute cost
    train_op = tf.train.AdamOptimizer(LR).minimize(loss)

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())     # initialize var in graph
    same_start(sess, tf, seed=9)

    preds = []
    for step in range(20):
        start, end = step * np.pi, (step+1)*np.pi   # time range
        # use sin predicts cos
        steps = np.linspace(start, end, TIME_STEP)
        x = np.sin(steps)[np.newaxis, :, np.newaxis]    # shape (batch, time_step, input_size)
        y = np.cos(steps)[np.newaxis, :, np.newaxis]
        if 'final_s_' not in locals():                 # first state, no any hidden state
            feed_dict = {tf_x: x, tf_y: y}
        else:                                           # has hidden state, so pass it to rnn
            feed_dict = {tf_x: x, tf_y: y, init_s: final_s_}  # noqa: F821 - set below
        _, pred_, final_s_ = sess.run([train_op, outs, final_s], feed_dict)     # train
        preds.append(pred_.flatten())

    return {"pred_sum": float(np.sum(np.array(preds) * np.arange(1, 11))),
            "last_pred": float(np.sum(preds[-1])),
            "state_c": float(np.sum(final_s_.c)), "state_h": float(np.sum(final_s_.h)),
            "shapes": [outputs.shape.as_list(), final_s.c.shape.as_list(),
                       type(final_s_).__name__]}
