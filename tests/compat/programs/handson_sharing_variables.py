"""Modularity and variable sharing from Aurélien Géron's *Hands-On Machine Learning*
(1st edition), chapter 9 notebook ``09_up_and_running_with_tensorflow.ipynb`` of
``ageron/handson-ml`` (commit 963b83f1737026307c5bfc9b92fab8fc669a7baf, the file as of
the repository's b7051594afbb1d835f5e031af8664c4363878050): the cut-and-paste two-ReLU
graph, a ``relu()`` function called five times and summed with ``tf.add_n`` (bare, then
under ``tf.name_scope("relu")``), the ``threshold`` shared as an argument, as a function
attribute, and as a ``tf.get_variable`` in ``tf.variable_scope("relu")`` reached again
with ``reuse=True`` and with ``scope.reuse_variables()``; the three ways of creating it
(outside ``relu``; on the first call in an unnamed scope; inside ``relu`` with
``reuse=(relu_index >= 1)``); the "Extra material" cell on how ``get_variable`` and
``tf.Variable`` name things under ``variable_scope`` (``my_scope/x``, ``my_scope/x_1``,
``my_scope_1/x`` ...), and the "Strings" cell (a ``tf.constant`` of a NumPy string array).

Adapted: ``save_graph`` (TensorBoard) is left out; each variant's variable and op names
and its output on a fixed batch are returned instead; each section builds in a fresh
``tf.Graph()`` instead of ``reset_graph()``'s ``tf.reset_default_graph()`` (the test runs
each program inside a graph); the ``random_normal`` weights are replaced by
``same_start``'s NumPy draw so both backends compute the same outputs."""

# ruff: noqa: B007, F841 - the author's unused loop variables and names are kept

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"cut_and_paste": 1e-5, "relu1": 1e-5, "relu1_names": 0.0, "relu2": 1e-5,
           "relu2_names": 0.0, "threshold_argument": 1e-5, "threshold_attribute": 1e-5,
           "threshold_attribute_names": 0.0, "get_variable": 0.0, "relu6": 1e-5,
           "relu6_names": 0.0, "relu8": 1e-5, "relu8_names": 0.0, "relu9": 1e-5,
           "relu9_names": 0.0, "extra_names": 0.0, "strings": 0.0}

X_FEED = np.array([[1.0, -2.0, 0.5], [0.3, 0.8, -1.0], [-1.5, 2.0, 1.0], [2.0, 1.0, 1.0]],
                  np.float32)


def main(tf):
    def reset_graph(seed=42):
        tf.set_random_seed(seed)
        np.random.seed(seed)

    results = {}

    def evaluate(key, output, X):
        """Not in the notebook: the output on ``X_FEED`` and the variables' names."""
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            same_start(sess, tf)
            results[key] = float(np.sum(output.eval(feed_dict={X: X_FEED})))
        results[key + "_names"] = [v.op.name for v in tf.global_variables()] + [output.op.name]

    with tf.Graph().as_default():
        reset_graph()

        n_features = 3
        X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")

        w1 = tf.Variable(tf.random_normal((n_features, 1)), name="weights1")
        w2 = tf.Variable(tf.random_normal((n_features, 1)), name="weights2")
        b1 = tf.Variable(0.0, name="bias1")
        b2 = tf.Variable(0.0, name="bias2")

        z1 = tf.add(tf.matmul(X, w1), b1, name="z1")
        z2 = tf.add(tf.matmul(X, w2), b2, name="z2")

        relu1 = tf.maximum(z1, 0., name="relu1")
        relu2 = tf.maximum(z1, 0., name="relu2")  # Oops, cut&paste error! Did you spot it?

        output = tf.add(relu1, relu2, name="output")
        evaluate("cut_and_paste", output, X)
        del results["cut_and_paste_names"]

    with tf.Graph().as_default():
        reset_graph()

        def relu(X):
            w_shape = (int(X.get_shape()[1]), 1)
            w = tf.Variable(tf.random_normal(w_shape), name="weights")
            b = tf.Variable(0.0, name="bias")
            z = tf.add(tf.matmul(X, w), b, name="z")
            return tf.maximum(z, 0., name="relu")

        n_features = 3
        X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
        relus = [relu(X) for i in range(5)]
        output = tf.add_n(relus, name="output")
        evaluate("relu1", output, X)

    with tf.Graph().as_default():
        reset_graph()

        def relu(X):
            with tf.name_scope("relu"):
                w_shape = (int(X.get_shape()[1]), 1)  # not shown in the book
                w = tf.Variable(tf.random_normal(w_shape), name="weights")  # not shown
                b = tf.Variable(0.0, name="bias")  # not shown
                z = tf.add(tf.matmul(X, w), b, name="z")  # not shown
                return tf.maximum(z, 0., name="max")  # not shown

        n_features = 3
        X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
        relus = [relu(X) for i in range(5)]
        output = tf.add_n(relus, name="output")
        evaluate("relu2", output, X)

    # Sharing Variables
    with tf.Graph().as_default():
        reset_graph()

        def relu(X, threshold):
            with tf.name_scope("relu"):
                w_shape = (int(X.get_shape()[1]), 1)  # not shown in the book
                w = tf.Variable(tf.random_normal(w_shape), name="weights")  # not shown
                b = tf.Variable(0.0, name="bias")  # not shown
                z = tf.add(tf.matmul(X, w), b, name="z")  # not shown
                return tf.maximum(z, threshold, name="max")

        threshold = tf.Variable(0.0, name="threshold")
        X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
        relus = [relu(X, threshold) for i in range(5)]
        output = tf.add_n(relus, name="output")
        evaluate("threshold_argument", output, X)
        del results["threshold_argument_names"]

    with tf.Graph().as_default():
        reset_graph()

        def relu(X):
            with tf.name_scope("relu"):
                if not hasattr(relu, "threshold"):
                    relu.threshold = tf.Variable(0.0, name="threshold")
                w_shape = int(X.get_shape()[1]), 1  # not shown in the book
                w = tf.Variable(tf.random_normal(w_shape), name="weights")  # not shown
                b = tf.Variable(0.0, name="bias")  # not shown
                z = tf.add(tf.matmul(X, w), b, name="z")  # not shown
                return tf.maximum(z, relu.threshold, name="max")

        X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
        relus = [relu(X) for i in range(5)]
        output = tf.add_n(relus, name="output")
        evaluate("threshold_attribute", output, X)

    with tf.Graph().as_default():
        reset_graph()

        with tf.variable_scope("relu"):
            threshold = tf.get_variable("threshold", shape=(),
                                        initializer=tf.constant_initializer(0.0))

        with tf.variable_scope("relu", reuse=True):
            threshold2 = tf.get_variable("threshold")

        with tf.variable_scope("relu") as scope:
            scope.reuse_variables()
            threshold3 = tf.get_variable("threshold")
        results["get_variable"] = [threshold.op.name, threshold2 is threshold,
                                   threshold3 is threshold, len(tf.global_variables())]

    with tf.Graph().as_default():
        reset_graph()

        def relu(X):
            with tf.variable_scope("relu", reuse=True):
                threshold = tf.get_variable("threshold")
                w_shape = int(X.get_shape()[1]), 1  # not shown
                w = tf.Variable(tf.random_normal(w_shape), name="weights")  # not shown
                b = tf.Variable(0.0, name="bias")  # not shown
                z = tf.add(tf.matmul(X, w), b, name="z")  # not shown
                return tf.maximum(z, threshold, name="max")

        X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
        with tf.variable_scope("relu"):
            threshold = tf.get_variable("threshold", shape=(),
                                        initializer=tf.constant_initializer(0.0))
        relus = [relu(X) for relu_index in range(5)]
        output = tf.add_n(relus, name="output")
        evaluate("relu6", output, X)

    with tf.Graph().as_default():
        reset_graph()

        def relu(X):
            with tf.variable_scope("relu"):
                threshold = tf.get_variable("threshold", shape=(),
                                            initializer=tf.constant_initializer(0.0))
                w_shape = (int(X.get_shape()[1]), 1)
                w = tf.Variable(tf.random_normal(w_shape), name="weights")
                b = tf.Variable(0.0, name="bias")
                z = tf.add(tf.matmul(X, w), b, name="z")
                return tf.maximum(z, threshold, name="max")

        X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
        with tf.variable_scope("", default_name="") as scope:
            first_relu = relu(X)     # create the shared variable
            scope.reuse_variables()  # then reuse it
            relus = [first_relu] + [relu(X) for i in range(4)]
        output = tf.add_n(relus, name="output")
        evaluate("relu8", output, X)

    with tf.Graph().as_default():
        reset_graph()

        def relu(X):
            threshold = tf.get_variable("threshold", shape=(),
                                        initializer=tf.constant_initializer(0.0))
            w_shape = (int(X.get_shape()[1]), 1)  # not shown in the book
            w = tf.Variable(tf.random_normal(w_shape), name="weights")  # not shown
            b = tf.Variable(0.0, name="bias")  # not shown
            z = tf.add(tf.matmul(X, w), b, name="z")  # not shown
            return tf.maximum(z, threshold, name="max")

        X = tf.placeholder(tf.float32, shape=(None, n_features), name="X")
        relus = []
        for relu_index in range(5):
            with tf.variable_scope("relu", reuse=(relu_index >= 1)) as scope:
                relus.append(relu(X))
        output = tf.add_n(relus, name="output")
        evaluate("relu9", output, X)

    # Extra material
    with tf.Graph().as_default():
        reset_graph()

        with tf.variable_scope("my_scope"):
            x0 = tf.get_variable("x", shape=(), initializer=tf.constant_initializer(0.))
            x1 = tf.Variable(0., name="x")
            x2 = tf.Variable(0., name="x")

        with tf.variable_scope("my_scope", reuse=True):
            x3 = tf.get_variable("x")
            x4 = tf.Variable(0., name="x")

        with tf.variable_scope("", default_name="", reuse=True):
            x5 = tf.get_variable("my_scope/x")

        results["extra_names"] = [x.op.name for x in (x0, x1, x2, x3, x4, x5)] + [
            x0 is x3 and x3 is x5]

    # Strings
    with tf.Graph().as_default():
        reset_graph()

        text = np.array("Do you want some café?".split())
        text_tensor = tf.constant(text)

        with tf.Session() as sess:
            results["strings"] = [t.decode("utf-8") for t in text_tensor.eval()]
    return results
