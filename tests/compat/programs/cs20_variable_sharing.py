"""Variable sharing with ``tf.AUTO_REUSE``: Stanford CS20 ("TensorFlow for Deep Learning
Research", Chip Huyen), repo ``chiphuyen/stanford-tensorflow-tutorials``,
``examples/05_variable_sharing.py`` at commit 51e53daaa2a32cfe7a1966f060b28dbbd081791c.
Two ``tf.truncated_normal`` inputs named ``x1`` and ``x2``; the script's final version
(its earlier attempts are commented out): ``fully_connected(x, output_dim, scope)`` opens
``tf.variable_scope(scope, reuse=tf.AUTO_REUSE)`` and gets ``weights`` (shape ``[x.shape[1],
output_dim]``, a ``Dimension``) and ``biases``, ``two_hidden_layers`` applies it twice
(``h1``, ``h2``) and returns nothing, called for both inputs inside
``variable_scope('two_layers')`` so that the second call shares the first call's
variables; the graph goes to a ``FileWriter``. The unused first ``two_hidden_layers`` and
``two_hidden_layers_2`` are defined as written.

Adapted: the events go to a temporary directory; the script's default graph is a
``tf.Graph()`` of its own; the program returns the variables, the ops' names (so the
shared use shows in them) and the results of running the second input's layer (which the
script never runs, its function returning ``None``), with ``tf.set_random_seed(3)`` added
so that the inputs and the ``random_normal_initializer`` weights are TF's own."""

from __future__ import annotations

import os
import tempfile

import numpy as np

COMPARE = {"variables": 0.0, "returned": 0.0, "matmul_ops": 0.0, "h2_sums": 1e-4,
           "scope_names": 0.0}


def main(tf):
    work = tempfile.mkdtemp()
    out = {}
    with tf.Graph().as_default() as graph:
        tf.set_random_seed(3)
        x1 = tf.truncated_normal([200, 100], name='x1')
        x2 = tf.truncated_normal([200, 100], name='x2')

        def two_hidden_layers(x):  # noqa: F811 - redefined below, as written
            assert x.shape.as_list() == [200, 100]
            w1 = tf.Variable(tf.random_normal([100, 50]), name='h1_weights')
            b1 = tf.Variable(tf.zeros([50]), name='h1_biases')
            h1 = tf.matmul(x, w1) + b1
            assert h1.shape.as_list() == [200, 50]
            w2 = tf.Variable(tf.random_normal([50, 10]), name='h2_weights')
            b2 = tf.Variable(tf.zeros([10]), name='2_biases')
            logits = tf.matmul(h1, w2) + b2
            return logits

        def two_hidden_layers_2(x):
            assert x.shape.as_list() == [200, 100]
            w1 = tf.get_variable('h1_weights', [100, 50],
                                 initializer=tf.random_normal_initializer())
            b1 = tf.get_variable('h1_biases', [50], initializer=tf.constant_initializer(0.0))
            h1 = tf.matmul(x, w1) + b1
            assert h1.shape.as_list() == [200, 50]
            w2 = tf.get_variable('h2_weights', [50, 10],
                                 initializer=tf.random_normal_initializer())
            b2 = tf.get_variable('h2_biases', [10], initializer=tf.constant_initializer(0.0))
            logits = tf.matmul(h1, w2) + b2
            return logits

        def fully_connected(x, output_dim, scope):
            with tf.variable_scope(scope, reuse=tf.AUTO_REUSE) as scope:
                w = tf.get_variable('weights', [x.shape[1], output_dim],
                                    initializer=tf.random_normal_initializer())
                b = tf.get_variable('biases', [output_dim],
                                    initializer=tf.constant_initializer(0.0))
                return tf.matmul(x, w) + b

        def two_hidden_layers(x):  # noqa: F811 - as written
            h1 = fully_connected(x, 50, 'h1')
            h2 = fully_connected(h1, 10, 'h2')  # noqa: F841 - never returned, as written

        with tf.variable_scope('two_layers') as scope:
            logits1 = two_hidden_layers(x1)
            # scope.reuse_variables()
            logits2 = two_hidden_layers(x2)

        writer = tf.summary.FileWriter(os.path.join(work, 'graphs/cool_variables'),
                                       tf.get_default_graph())
        writer.close()

        out["variables"] = [[v.name, v.shape.as_list()] for v in tf.global_variables()]
        out["returned"] = [logits1 is None, logits2 is None]
        matmuls = [op for op in graph.get_operations() if op.type == "MatMul"]
        out["matmul_ops"] = [op.name for op in matmuls]
        out["scope_names"] = [scope.name, scope.original_name_scope]
        h2 = [op.outputs[0] for op in matmuls if op.name.startswith("two_layers/h2")]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out["h2_sums"] = float(sum(np.abs(v).sum() for v in sess.run(h2)))
    return out
