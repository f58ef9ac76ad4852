"""Operational gates: nfmcclure's tensorflow_cookbook, ``06_Neural_Networks/
02_Implementing_an_Operational_Gate/02_gates.py``. A multiplication gate ``a * x`` and a
nested gate ``a * x + b`` of scalar variables, each trained by gradient descent so its
output reaches 50 from a shape-less ``tf.float32`` placeholder fed a Python float; the
optimizer is built after ``global_variables_initializer`` has run (gradient descent has
no slots, so nothing is left uninitialised).

Adapted: the recipe's two ``ops.reset_default_graph()`` sections run in two ``tf.Graph()``
contexts; the prints are returned as lists of the gate values per step."""

from __future__ import annotations

COMPARE = {"a_values": 0.0, "mult_outputs": 0.0, "two_gate_a": 0.0, "two_gate_b": 0.0,
           "two_gate_outputs": 0.0}


def main(tf):
    out = {"a_values": [], "mult_outputs": [], "two_gate_a": [], "two_gate_b": [],
           "two_gate_outputs": []}
    with tf.Graph().as_default():
        sess = tf.Session()
        a = tf.Variable(tf.constant(4.))
        x_val = 5.
        x_data = tf.placeholder(dtype=tf.float32)
        multiplication = tf.multiply(a, x_data)
        loss = tf.square(tf.subtract(multiplication, 50.))
        init = tf.global_variables_initializer()
        sess.run(init)
        my_opt = tf.train.GradientDescentOptimizer(0.01)
        train_step = my_opt.minimize(loss)
        for _ in range(10):
            sess.run(train_step, feed_dict={x_data: x_val})
            a_val = sess.run(a)
            mult_output = sess.run(multiplication, feed_dict={x_data: x_val})
            out["a_values"].append(round(float(a_val), 5))
            out["mult_outputs"].append(round(float(mult_output), 4))
        sess.close()

    with tf.Graph().as_default():
        sess = tf.Session()
        a = tf.Variable(tf.constant(1.))
        b = tf.Variable(tf.constant(1.))
        x_val = 5.
        x_data = tf.placeholder(dtype=tf.float32)
        two_gate = tf.add(tf.multiply(a, x_data), b)
        loss = tf.square(tf.subtract(two_gate, 50.))
        init = tf.global_variables_initializer()
        sess.run(init)
        my_opt = tf.train.GradientDescentOptimizer(0.01)
        train_step = my_opt.minimize(loss)
        for _ in range(10):
            sess.run(train_step, feed_dict={x_data: x_val})
            a_val, b_val = (sess.run(a), sess.run(b))
            two_gate_output = sess.run(two_gate, feed_dict={x_data: x_val})
            out["two_gate_a"].append(round(float(a_val), 5))
            out["two_gate_b"].append(round(float(b_val), 5))
            out["two_gate_outputs"].append(round(float(two_gate_output), 4))
        sess.close()
    return out
