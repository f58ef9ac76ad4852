"""Dropout on the 8x8 digits with TensorBoard summaries, from MorvanZhou's older
"tutorials" repository (github.com/MorvanZhou/tutorials at commit
c36c8995951bc09890efd329635c2b74bd532610, ``tensorflowTUT/tf17_dropout/full_code.py``):
an ``add_layer`` helper of ``tf.Variable(tf.random_normal(...))`` weights, biases
``tf.zeros([1, out_size]) + 0.1``, ``tf.nn.dropout(Wx_plus_b, keep_prob)`` with
``keep_prob`` a placeholder read from the enclosing module, and a
``tf.summary.histogram(layer_name + '/outputs', ...)``; a tanh layer and a softmax layer,
the cross entropy written out as ``-tf.reduce_sum(ys * tf.log(prediction),
reduction_indices=[1])``, a ``tf.summary.scalar``, ``GradientDescentOptimizer(0.5)``,
two ``tf.summary.FileWriter``s (train and test, both given ``sess.graph``) and
``tf.summary.merge_all()`` evaluated on the training and the test data every 50 steps.

Adapted: ``sklearn``'s ``load_digits`` is the bundled copy of the same data
(``common.load_digits``) and ``LabelBinarizer`` is ``np.eye(10)[y]``; the random
``train_test_split(test_size=.3)`` is the first 70% / last 30% (no shuffle); 8 steps
instead of 500, summaries every 2 instead of 50 (a learning rate of 0.5 on the unscaled
0-16 pixels makes the loss oscillate, and any rounding difference, one summation order
against another, then grows about threefold a step: past 10 steps the two backends part
by more than 1e-4); ``keep_prob`` fed 1.0 instead of 0.5 in
training (each backend draws its own dropout masks; the dropout ops stay); the weights
start from ``same_start``'s draw (the 0.1 biases stay); the logs go to temporary
directories instead of ``logs/train`` and ``logs/test``, and the writers are closed to be
read back; the TF-version test for ``initialize_all_variables`` is kept as written.
"""

from __future__ import annotations

import glob
import tempfile

import numpy as np

from tests.compat.programs.common import load_digits, same_start

COMPARE = {"train_losses": 1e-4, "test_losses": 1e-4, "last_train_loss": 1e-4,
           "last_test_loss": 1e-4, "tags": 0.0, "steps": 0.0, "l2_histo": 1e-4}


def _events(tf, logdir):
    out = {}
    for path in glob.glob(logdir + "/events.out.tfevents.*"):
        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                out.setdefault(value.tag, []).append((event.step, value))
    return {tag: sorted(v, key=lambda p: p[0]) for tag, v in out.items()}


def main(tf):
    train_dir, test_dir = tempfile.mkdtemp(), tempfile.mkdtemp()

    # load data
    digits = load_digits()
    X = digits.data
    y = digits.target
    y = np.eye(10)[y]
    n_train = int(len(X) * .7)
    X_train, X_test, y_train, y_test = X[:n_train], X[n_train:], y[:n_train], y[n_train:]

    def add_layer(inputs, in_size, out_size, layer_name, activation_function=None, ):
        # add one more layer and return the output of this layer
        Weights = tf.Variable(tf.random_normal([in_size, out_size]))
        biases = tf.Variable(tf.zeros([1, out_size]) + 0.1, )
        Wx_plus_b = tf.matmul(inputs, Weights) + biases
        # here to dropout
        Wx_plus_b = tf.nn.dropout(Wx_plus_b, keep_prob)
        if activation_function is None:
            outputs = Wx_plus_b
        else:
            outputs = activation_function(Wx_plus_b, )
        tf.summary.histogram(layer_name + '/outputs', outputs)
        return outputs

    # define placeholder for inputs to network
    keep_prob = tf.placeholder(tf.float32)
    xs = tf.placeholder(tf.float32, [None, 64])  # 8x8
    ys = tf.placeholder(tf.float32, [None, 10])

    # add output layer
    l1 = add_layer(xs, 64, 50, 'l1', activation_function=tf.nn.tanh)
    prediction = add_layer(l1, 50, 10, 'l2', activation_function=tf.nn.softmax)

    # the loss between prediction and real data
    cross_entropy = tf.reduce_mean(-tf.reduce_sum(ys * tf.log(prediction),
                                                  reduction_indices=[1]))  # loss
    tf.summary.scalar('loss', cross_entropy)
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)

    sess = tf.Session()
    merged = tf.summary.merge_all()
    # summary writer goes in here
    train_writer = tf.summary.FileWriter(train_dir, sess.graph)
    test_writer = tf.summary.FileWriter(test_dir, sess.graph)

    # tf.initialize_all_variables() no long valid from
    # 2017-03-02 if using tensorflow >= 0.12
    if int((tf.__version__).split('.')[1]) < 12 and int((tf.__version__).split('.')[0]) < 1:
        init = tf.initialize_all_variables()
    else:
        init = tf.global_variables_initializer()
    sess.run(init)
    same_start(sess, tf, seed=21)
    for i in range(8):
        # here to determine the keeping probability (1.0 here: see the docstring)
        sess.run(train_step, feed_dict={xs: X_train, ys: y_train, keep_prob: 1.0})
        if i % 2 == 0:
            # record loss
            train_result = sess.run(merged, feed_dict={xs: X_train, ys: y_train, keep_prob: 1})
            test_result = sess.run(merged, feed_dict={xs: X_test, ys: y_test, keep_prob: 1})
            train_writer.add_summary(train_result, i)
            test_writer.add_summary(test_result, i)
    train_writer.close()
    test_writer.close()

    train, test = _events(tf, train_dir), _events(tf, test_dir)
    train_losses = [v.simple_value for _, v in train['loss']]
    test_losses = [v.simple_value for _, v in test['loss']]
    h = test['l2/outputs'][-1][1].histo
    return {"train_losses": float(np.sum(train_losses)),
            "test_losses": float(np.sum(test_losses)),
            "last_train_loss": float(train_losses[-1]), "last_test_loss": float(test_losses[-1]),
            "tags": [sorted(train), sorted(test)], "steps": [s for s, _ in train['loss']],
            "l2_histo": float(h.num + h.sum + 2 * h.sum_squares)}
