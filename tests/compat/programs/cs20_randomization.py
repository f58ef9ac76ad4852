"""Op-level and graph-level random seeds: Stanford CS20 ("TensorFlow for Deep Learning
Research", Chip Huyen), repo ``chiphuyen/stanford-tensorflow-tutorials``,
``examples/05_randomization.py`` at commit 51e53daaa2a32cfe7a1966f060b28dbbd081791c. Four
examples on one graph: a ``tf.random_uniform([], -10, 10, seed=2)`` run twice in a
session (the session keeps the op's random state), the same op in two new sessions (each
starts the state afresh), two ops with the same op seed (each keeps its own state, so
they agree), and, after ``tf.set_random_seed(2)``, two unseeded ops (their op seeds come
from the graph). The script's comments give 3.574932, -5.9731865, 9.123926 and
-4.5340395: the first two are TF 2.21's as well, the last two TF 1.x's, whose op seeds
were the number of ops made before; TF 2.x counts the graph-seeded ops instead (0, 1),
and gives 6.5812798 and -5.2316904.

Adapted: the prints are returned instead; the examples run on a graph of their own
(``tf.Graph().as_default()``) rather than the process's default graph."""

from __future__ import annotations

COMPARE = {"example1": 1e-6, "example2": 1e-6, "example3": 1e-6, "example4": 1e-6,
           "op_seeds": 0.0}


def main(tf):
    out = {}
    with tf.Graph().as_default():
        # Example 1: session keeps track of the random state
        c = tf.random_uniform([], -10, 10, seed=2)

        with tf.Session() as sess:
            out["example1"] = float(sess.run(c) * 10 + sess.run(c))  # 3.574932, -5.9731865

        # Example 2: each new session will start the random state all over again.
        c = tf.random_uniform([], -10, 10, seed=2)

        with tf.Session() as sess:
            first = sess.run(c)  # >> 3.574932

        with tf.Session() as sess:
            out["example2"] = float(first * 10 + sess.run(c))  # >> 3.574932

        # Example 3: with operation level random seed, each op keeps its own seed.
        c = tf.random_uniform([], -10, 10, seed=2)
        d = tf.random_uniform([], -10, 10, seed=2)

        with tf.Session() as sess:
            out["example3"] = float(sess.run(c) * 10 + sess.run(d))  # 3.574932, 3.574932

        # Example 4: graph level random seed
        tf.set_random_seed(2)
        c = tf.random_uniform([], -10, 10)
        d = tf.random_uniform([], -10, 10)

        with tf.Session() as sess:
            out["example4"] = float(sess.run(c) * 10 + sess.run(d))  # TF 2.x: 6.5812798, -5.2316904
        out["op_seeds"] = [[op.get_attr("seed"), op.get_attr("seed2")]
                           for op in tf.get_default_graph().get_operations()
                           if op.type == "RandomUniform"]
    return out
