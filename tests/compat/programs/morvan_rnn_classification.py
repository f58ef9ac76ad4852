"""An LSTM reading MNIST rows, from MorvanZhou's "Tensorflow-Tutorial"
(github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6, ``tutorial-contents/402_RNN_classification.py``):
the image placeholder reshaped to ``[-1, 28, 28]`` (28 steps of 28 pixels),
``tf.nn.rnn_cell.LSTMCell(num_units=64)`` run by ``tf.nn.dynamic_rnn(..., initial_state=None,
dtype=tf.float32, time_major=False)`` with its final ``LSTMStateTuple`` unpacked as
``(h_c, h_n)``; a dense layer on ``outputs[:, -1, :]``,
``tf.losses.softmax_cross_entropy``, ``AdamOptimizer(0.01)``, the running
``tf.metrics.accuracy`` update op on the test images every 50 steps, ten test predictions.

Adapted: MNIST is the bundled digits (``common.read_data_sets``; its 397 test images
stand for ``test_x[:2000]``); 12 steps instead of 1200, tested every 6 instead of 50; the
weights start from ``same_start``'s draw; the matplotlib figure of one example digit is
left out, and so are the prints, whose numbers are returned (with the final state).
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"loss": 1e-4, "accuracies": 1e-6, "h_sum": 1e-4, "pred_y": 0.0, "shapes": 0.0,
           "variables": 0.0}


def main(tf):
    tf.set_random_seed(1)
    np.random.seed(1)

    # Hyper Parameters
    BATCH_SIZE = 64
    TIME_STEP = 28          # rnn time step / image height
    INPUT_SIZE = 28         # rnn input size / image width
    LR = 0.01               # learning rate

    # data
    mnist = read_data_sets('./mnist', one_hot=True)  # they has been normalized to range (0,1)
    test_x = mnist.test.images[:2000]
    test_y = mnist.test.labels[:2000]

    # tensorflow placeholders
    tf_x = tf.placeholder(tf.float32, [None, TIME_STEP * INPUT_SIZE])       # shape(batch, 784)
    image = tf.reshape(tf_x, [-1, TIME_STEP, INPUT_SIZE])  # (batch, height, width, channel)
    tf_y = tf.placeholder(tf.int32, [None, 10])                             # input y

    # RNN
    rnn_cell = tf.nn.rnn_cell.LSTMCell(num_units=64)
    outputs, (h_c, h_n) = tf.nn.dynamic_rnn(
        rnn_cell,                   # cell you have chosen
        image,                      # input
        initial_state=None,         # the initial hidden state
        dtype=tf.float32,           # must given if set initial_state = None
        time_major=False,  # False: (batch, time step, input); True: (time step, batch, input)
    )
    output = tf.layers.dense(outputs[:, -1, :], 10)  # output based on the last output step

    loss = tf.losses.softmax_cross_entropy(onehot_labels=tf_y, logits=output)  # compute cost
    train_op = tf.train.AdamOptimizer(LR).minimize(loss)

    accuracy = tf.metrics.accuracy(  # return (acc, update_op), and create 2 local variables
        labels=tf.argmax(tf_y, axis=1), predictions=tf.argmax(output, axis=1),)[1]

    sess = tf.Session()
    init_op = tf.group(tf.global_variables_initializer(),
                       tf.local_variables_initializer())  # the local var is for accuracy_op
    sess.run(init_op)     # initialize var in graph
    same_start(sess, tf, seed=8)

    accuracies = []
    for step in range(12):    # training
        b_x, b_y = mnist.train.next_batch(BATCH_SIZE)
        _, loss_ = sess.run([train_op, loss], {tf_x: b_x, tf_y: b_y})
        if step % 6 == 0:      # testing
            accuracy_ = sess.run(accuracy, {tf_x: test_x, tf_y: test_y})
            accuracies.append(float(accuracy_))

    # print 10 predictions from test data
    test_output, h_c_, h_n_ = sess.run([output, h_c, h_n], {tf_x: test_x[:10]})
    pred_y = np.argmax(test_output, 1)
    return {"loss": float(loss_), "accuracies": float(np.sum(accuracies)),
            "h_sum": float(np.sum(h_c_) + 2 * np.sum(h_n_)),
            "pred_y": [int(p) for p in pred_y],
            "shapes": [outputs.shape.as_list(), h_c.shape.as_list(), h_n.shape.as_list()],
            "variables": [v.op.name for v in tf.trainable_variables()]}
