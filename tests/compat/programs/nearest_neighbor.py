"""Nearest neighbor: L1 distance of each test image to every training image with
``reduce_sum(abs(add(xtr, negative(xte))))`` and ``arg_min``; accuracy over 200 tests."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets

COMPARE = {"accuracy": 0.0, "first_predictions": 0.0}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    Xtr, Ytr = mnist.train.next_batch(1000)
    Xte, Yte = mnist.test.next_batch(200)

    xtr = tf.placeholder("float", [None, 784])
    xte = tf.placeholder("float", [784])
    distance = tf.reduce_sum(tf.abs(tf.add(xtr, tf.negative(xte))), reduction_indices=1)
    pred = tf.arg_min(distance, 0)
    accuracy = 0.0
    first = []
    init = tf.global_variables_initializer()
    with tf.Session() as sess:
        sess.run(init)
        for i in range(len(Xte)):
            nn_index = sess.run(pred, feed_dict={xtr: Xtr, xte: Xte[i, :]})
            if i < 10:
                first.append(int(np.argmax(Ytr[nn_index])))
            if np.argmax(Ytr[nn_index]) == np.argmax(Yte[i]):
                accuracy += 1.0 / len(Xte)
    return {"accuracy": float(accuracy), "first_predictions": first}
