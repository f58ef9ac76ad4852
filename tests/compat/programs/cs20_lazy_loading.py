"""Normal versus lazy loading: Stanford CS20 ("TensorFlow for Deep Learning Research",
Chip Huyen), repo ``chiphuyen/stanford-tensorflow-tutorials``, ``examples/02_lazy_loading.py``
at commit 51e53daaa2a32cfe7a1966f060b28dbbd081791c. Two int32 variables added once and run
ten times (one ``Add`` node in the graph), then the same with ``tf.add(x, y)`` made inside
the loop (ten ``Add`` nodes); each time the graph is written by a ``FileWriter`` opened
with ``sess.graph`` and printed with ``as_graph_def()``.

Adapted: the events go to a temporary directory; instead of printing the two
``GraphDef``s the program returns their nodes (name, op, inputs) and ``z``'s value; the
script's default graph is a ``tf.Graph()`` of its own."""

from __future__ import annotations

import os
import tempfile

COMPARE = {"normal_nodes": 0.0, "lazy_nodes": 0.0, "values": 0.0}


def _nodes(graph_def):
    return [[n.name, n.op, list(n.input)] for n in graph_def.node]


def main(tf):
    work = tempfile.mkdtemp()
    out = {"values": []}
    with tf.Graph().as_default():
        ########################################
        # NORMAL LOADING                       #
        # print out a graph with 1 Add node    #
        ########################################

        x = tf.Variable(10, name='x')
        y = tf.Variable(20, name='y')
        z = tf.add(x, y)

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            writer = tf.summary.FileWriter(os.path.join(work, 'graphs/normal_loading'),
                                           sess.graph)
            for _ in range(10):
                out["values"].append(int(sess.run(z)))
            out["normal_nodes"] = _nodes(tf.get_default_graph().as_graph_def())
            writer.close()

        ########################################
        # LAZY LOADING                         #
        # print out a graph with 10 Add nodes  #
        ########################################

        x = tf.Variable(10, name='x')
        y = tf.Variable(20, name='y')

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            writer = tf.summary.FileWriter(os.path.join(work, 'graphs/lazy_loading'),
                                           sess.graph)
            for _ in range(10):
                out["values"].append(int(sess.run(tf.add(x, y))))
            out["lazy_nodes"] = _nodes(tf.get_default_graph().as_graph_def())
            writer.close()
    return out
