"""Variables: Stanford CS20 ("TensorFlow for Deep Learning Research", Chip Huyen), repo
``chiphuyen/stanford-tensorflow-tutorials``, ``examples/02_variables.py`` at commit
51e53daaa2a32cfe7a1966f060b28dbbd081791c. ``tf.Variable``s named ``scalar``, ``matrix``,
``big_matrix`` and ``normal_matrix``, then ``tf.get_variable``s of the same names (the
variable store does not know the ``tf.Variable``s, so their ops are uniquified to
``scalar_1`` ...); an ``assign`` that is never run (the value stays 10) and one that is
run; ``a.assign(a * 2)`` run three times; ``assign_add`` / ``assign_sub``; one variable in
two sessions, each with its own copy; a variable initialised from another one's value.

As written, the script stops in example 2: its second ``tf.get_variable('scalar', ...)``
in the same graph raises ``ValueError`` (the variable exists and reuse is off). The
program records that error and runs the rest of the script in a new graph, as the
script would run with those lines alone.

Adapted: ``tf.set_random_seed(0)`` is added (so ``V.eval()``, printed by the script, is
TF's own truncated normal draw, summarised by its sum); the prints are returned; the
script's default graph is a ``tf.Graph()`` of its own."""

from __future__ import annotations

COMPARE = {"names": 0.0, "v_sum": 1e-5, "error": 0.0, "values": 0.0, "u_shape": 0.0}


def main(tf):
    out = {"values": []}
    values = out["values"]
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        # Example 1: creating variables
        s = tf.Variable(2, name='scalar')
        m = tf.Variable([[0, 1], [2, 3]], name='matrix')
        W = tf.Variable(tf.zeros([784, 10]), name='big_matrix')
        V = tf.Variable(tf.truncated_normal([784, 10]), name='normal_matrix')
        names = [s.name, m.name, W.name, V.name]

        s = tf.get_variable('scalar', initializer=tf.constant(2))
        m = tf.get_variable('matrix', initializer=tf.constant([[0, 1], [2, 3]]))
        W = tf.get_variable('big_matrix', shape=(784, 10), initializer=tf.zeros_initializer())
        V = tf.get_variable('normal_matrix', shape=(784, 10),
                            initializer=tf.truncated_normal_initializer())
        out["names"] = names + [s.name, m.name, W.name, V.name]

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out["v_sum"] = float(V.eval().sum())

        # Example 2: assigning values to variables
        W = tf.Variable(10)
        W.assign(100)
        with tf.Session() as sess:
            sess.run(W.initializer)
            values.append(int(sess.run(W)))  # >> 10

        W = tf.Variable(10)
        assign_op = W.assign(100)
        with tf.Session() as sess:
            sess.run(assign_op)
            values.append(int(W.eval()))  # >> 100

        # create a variable whose original value is 2
        try:
            a = tf.get_variable('scalar', initializer=tf.constant(2))
            out["error"] = ["none"]
        except ValueError as e:
            out["error"] = [type(e).__name__, str(e).split(",")[0]]

    with tf.Graph().as_default():  # the rest of the script, in a graph of its own
        a = tf.get_variable('scalar', initializer=tf.constant(2))
        a_times_two = a.assign(a * 2)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            values.append(int(sess.run(a_times_two)))  # >> 4
            values.append(int(sess.run(a_times_two)))  # >> 8
            values.append(int(sess.run(a_times_two)))  # >> 16

        W = tf.Variable(10)
        with tf.Session() as sess:
            sess.run(W.initializer)
            values.append(int(sess.run(W.assign_add(10))))  # >> 20
            values.append(int(sess.run(W.assign_sub(2))))  # >> 18

        # Example 3: Each session has its own copy of variable
        W = tf.Variable(10)
        sess1 = tf.Session()
        sess2 = tf.Session()
        sess1.run(W.initializer)
        sess2.run(W.initializer)
        values.append(int(sess1.run(W.assign_add(10))))  # >> 20
        values.append(int(sess2.run(W.assign_sub(2))))  # >> 8
        values.append(int(sess1.run(W.assign_add(100))))  # >> 120
        values.append(int(sess2.run(W.assign_sub(50))))  # >> -42
        sess1.close()
        sess2.close()

        # Example 4: create a variable with the initial value depending on another variable
        W = tf.Variable(tf.truncated_normal([700, 10]))
        U = tf.Variable(W * 2)
        # (TF's U.dtype is float32_ref, the dtype of a reference variable; trainkit has no
        # reference dtypes, its U.dtype is float32: the base dtype is compared)
        out["u_shape"] = [U.shape.as_list(), U.dtype.base_dtype.name]
    return out
