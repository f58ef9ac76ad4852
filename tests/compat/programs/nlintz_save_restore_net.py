"""Saving and resuming a training run: nlintz's TensorFlow-Tutorials,
``10_save_restore_net.py`` at commit 45c89be0128bbc1d84556e2d9b3b3df5674a345e (repo
``nlintz/TensorFlow-Tutorials``). The 784-625-625-10 ReLU net of ``04_modern_net.py``
(``init_weights`` = ``Variable(random_normal(shape, stddev=0.01))``, ``tf.nn.dropout``
with fed keep probabilities, no biases), RMSProp(0.001, 0.9); a ``global_step``
Variable (not trainable) and ``tf.train.Saver()`` created before
``non_storable_variable = tf.Variable(777)``, which the saver therefore leaves out; at
start ``get_checkpoint_state(ckpt_dir)`` and ``saver.restore`` of
``model_checkpoint_path``, ``start = global_step.eval()``, and every epoch
``global_step.assign(i).eval()`` then ``saver.save(sess, ckpt_dir + "/model.ckpt",
global_step=global_step)``. The author's note says to stop the program during training
and restart it: here it runs to epoch 3, then again in a fresh graph, resuming from the
checkpoint (the stored step is the last epoch's index, so epoch 2 runs twice, as in the
original) up to epoch 5. Adapted: the MNIST download (bundled digits), the 100 epochs
(3 + 3 here), the keep probabilities fed as 1.0 instead of 0.8 / 0.5 (dropout's random
masks are backend-specific), ``ckpt_dir`` in a temporary directory, same starting
weights."""

from __future__ import annotations

import glob
import os
import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_accuracy": 3e-3, "last_accuracy": 3e-3, "restored_w_o_sum": 1e-4,
           "starts": 0.0, "checkpoint_paths": 0.0, "files": 0.0, "saved": 0.0,
           "non_storable": 0.0}


def init_weights(tf, shape):
    return tf.Variable(tf.random_normal(shape, stddev=0.01))


def model(tf, X, w_h, w_h2, w_o, p_keep_input, p_keep_hidden):
    X = tf.nn.dropout(X, p_keep_input)
    h = tf.nn.relu(tf.matmul(X, w_h))

    h = tf.nn.dropout(h, p_keep_hidden)
    h2 = tf.nn.relu(tf.matmul(h, w_h2))

    h2 = tf.nn.dropout(h2, p_keep_hidden)

    return tf.matmul(h2, w_o)


def run(tf, ckpt_dir, epochs, log):
    """One launch of the script, training up to epoch ``epochs``."""
    mnist = read_data_sets("MNIST_data/", one_hot=True)
    trX, trY, teX, teY = (mnist.train.images, mnist.train.labels, mnist.test.images,
                          mnist.test.labels)

    X = tf.placeholder("float", [None, 784])
    Y = tf.placeholder("float", [None, 10])

    w_h = init_weights(tf, [784, 625])
    w_h2 = init_weights(tf, [625, 625])
    w_o = init_weights(tf, [625, 10])

    p_keep_input = tf.placeholder("float")
    p_keep_hidden = tf.placeholder("float")
    py_x = model(tf, X, w_h, w_h2, w_o, p_keep_input, p_keep_hidden)

    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=py_x, labels=Y))
    train_op = tf.train.RMSPropOptimizer(0.001, 0.9).minimize(cost)
    predict_op = tf.argmax(py_x, 1)

    if not os.path.exists(ckpt_dir):
        os.makedirs(ckpt_dir)

    global_step = tf.Variable(0, name='global_step', trainable=False)

    # Call this after declaring all tf.Variables.
    saver = tf.train.Saver()

    # This variable won't be stored, since it is declared after tf.train.Saver()
    non_storable_variable = tf.Variable(777)

    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        same_start(sess, tf)

        ckpt = tf.train.get_checkpoint_state(ckpt_dir)
        if ckpt and ckpt.model_checkpoint_path:
            saver.restore(sess, ckpt.model_checkpoint_path)  # restore all variables
            log["restored_w_o_sum"] = float(np.sum(sess.run(w_o)))

        start = global_step.eval()  # get last global_step
        log["starts"].append(int(start))

        for i in range(start, epochs):
            for start, end in zip(range(0, len(trX), 128), range(128, len(trX)+1, 128)):
                sess.run(train_op, feed_dict={X: trX[start:end], Y: trY[start:end],
                                              p_keep_input: 1.0, p_keep_hidden: 1.0})

            global_step.assign(i).eval()  # set and update(eval) global_step with index, i
            saver.save(sess, ckpt_dir + "/model.ckpt", global_step=global_step)
            log["accuracy"].append(float(np.mean(
                np.argmax(teY, axis=1) == sess.run(predict_op, feed_dict={
                    X: teX, p_keep_input: 1.0, p_keep_hidden: 1.0}))))
        log["non_storable"] = [non_storable_variable.op.name,
                               int(non_storable_variable.eval())]


def main(tf):
    ckpt_dir = os.path.join(tempfile.mkdtemp(), "ckpt_dir")
    log = {"starts": [], "accuracy": []}
    for epochs in (3, 5):  # stopped after epoch 3, then restarted
        with tf.Graph().as_default():
            run(tf, ckpt_dir, epochs, log)
    state = tf.train.get_checkpoint_state(ckpt_dir)
    saved = sorted(name for name, _ in tf.train.list_variables(state.model_checkpoint_path))
    files = sorted(os.path.basename(p) for p in glob.glob(ckpt_dir + "/*.index"))
    return {"first_accuracy": log["accuracy"][0], "last_accuracy": log["accuracy"][-1],
            "restored_w_o_sum": log["restored_w_o_sum"], "starts": log["starts"],
            "checkpoint_paths": [os.path.basename(p)
                                 for p in state.all_model_checkpoint_paths],
            "files": files, "saved": saved, "non_storable": log["non_storable"]}
