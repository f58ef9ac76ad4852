"""Exploring a graph with ``tf.InteractiveSession``, as in a notebook or a REPL.

An ``InteractiveSession`` installs itself as the default session, so ``tensor.eval()``
and ``op.run()`` work without passing a session around. Shows: evaluating tensors,
feeding placeholders to ``eval``, creating and updating variables, ``sess.run`` on a
nested structure, and closing the session (after which ``eval`` fails).

Run:
    python examples/interactive_session.py
"""

from __future__ import annotations

import numpy as np

import trainkit as tf

sess = tf.InteractiveSession()

# Tensors are symbolic until evaluated; eval() uses the default (interactive) session.
a = tf.constant([[1.0, 2.0], [3.0, 4.0]], name="a")
b = tf.matmul(a, a, name="a_squared")
print("a @ a =", b.eval().tolist())
print("b is", b, "- its static shape is", b.shape)

# Placeholders get their values through feed_dict, in eval() as in run().
x = tf.placeholder(tf.float32, shape=[None], name="x")
mean_x = tf.reduce_mean(x)
print("mean of [1, 2, 6] =", mean_x.eval(feed_dict={x: [1.0, 2.0, 6.0]}))

# Variables hold state across calls; they must be initialized first.
counter = tf.Variable(0, name="counter")
increment = tf.assign_add(counter, 1)
weights = tf.Variable(tf.ones([2, 2]), name="weights")
tf.global_variables_initializer().run()
for _ in range(3):
    increment.op.run()
print("counter after 3 increments =", counter.eval())
weights.load(np.full((2, 2), 0.5, np.float32))       # overwrite a variable's value
print("a @ weights =", tf.matmul(a, weights).eval().tolist())

# sess.run takes any nested structure of fetches and returns the same structure.
result = sess.run({"sum": tf.reduce_sum(a), "pair": (counter, tf.shape(a))})
total, (count, shape) = result["sum"], result["pair"]
print(f"sess.run on a dict -> sum={total}, pair=({count}, {shape.tolist()})")

# Tensors can be looked up by name, like in TF.
graph = tf.get_default_graph()
print("looked up by name:", graph.get_tensor_by_name("a_squared:0").eval()[0, 0])
print("ops in the graph:", len(graph.get_operations()))

sess.close()
try:
    b.eval()
except Exception as err:  # noqa: BLE001 - shown on purpose
    print(f"after close(): {type(err).__name__}: {err}")
