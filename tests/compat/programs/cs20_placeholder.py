"""Placeholders and ``feed_dict``: Stanford CS20 ("TensorFlow for Deep Learning
Research", Chip Huyen), repo ``chiphuyen/stanford-tensorflow-tutorials``,
``examples/02_placeholder.py`` at commit 51e53daaa2a32cfe7a1966f060b28dbbd081791c. A
``[3]`` float32 placeholder plus a constant fed with a Python list, then a graph of
constants ``a = tf.add(2, 5)``, ``b = tf.multiply(a, 3)`` run as it is and with ``a``
itself fed (any feedable tensor can be fed, not only placeholders).

Adapted: the events go to a temporary directory; the prints are returned; the script's
default graph is a ``tf.Graph()`` of its own."""

from __future__ import annotations

import os
import tempfile

COMPARE = {"c": 0.0, "b": 0.0, "b_fed": 0.0, "dtypes": 0.0}


def main(tf):
    work = tempfile.mkdtemp()
    out = {}
    with tf.Graph().as_default():
        # Example 1: feed_dict with placeholder

        # a is a placeholderfor a vector of 3 elements, type tf.float32
        a = tf.placeholder(tf.float32, shape=[3])
        b = tf.constant([5, 5, 5], tf.float32)

        # use the placeholder as you would a constant
        c = a + b  # short for tf.add(a, b)

        writer = tf.summary.FileWriter(os.path.join(work, 'graphs/placeholders'),
                                       tf.get_default_graph())
        with tf.Session() as sess:
            # compute the value of c given the value of a is [1, 2, 3]
            out["c"] = sess.run(c, {a: [1, 2, 3]}).tolist()  # [6. 7. 8.]
        writer.close()

        # Example 2: feed_dict with variables
        a = tf.add(2, 5)
        b = tf.multiply(a, 3)

        with tf.Session() as sess:
            out["b"] = [int(sess.run(b))]  # >> 21
            # compute the value of b given the value of a is 15
            out["b_fed"] = [int(sess.run(b, feed_dict={a: 15}))]  # >> 45
        out["dtypes"] = [c.dtype.name, a.dtype.name, b.dtype.name]
    return out
