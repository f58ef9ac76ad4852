"""TensorFlow's TF1 guide "Introduction" to the low-level APIs (tensorflow/docs,
``site/en/r1/guide/low_level_intro.md``), its code in the order the page runs it: two
constants and ``a + b`` (their names ``Const:0``, ``Const_1:0``, ``add:0``), the graph
written with ``tf.summary.FileWriter.add_graph``, ``sess.run`` of a dict holding a tuple,
one ``tf.random_uniform`` seen once per run by ``vec + 1`` and ``vec + 2``, placeholders
fed a scalar and a list, a one-shot iterator over ``from_tensor_slices`` read until
``OutOfRangeError``, an initializable iterator over ``tf.random_normal`` rows,
``tf.layers.Dense`` called on a ``[None, 3]`` placeholder and the ``tf.layers.dense``
shortcut, ``input_layer`` of a numeric and an indicator column (``tables_initializer``),
and the tiny ``Dense`` regressor trained with ``mean_squared_error`` and plain gradient
descent (0.01) for 100 steps.

Adapted: the log directory is a temporary one; random values are reported through what
the page says of them (shapes, ``out2 - out1``, row counts), not their draws; the
layers' kernels start from ``same_start`` (biases start at zero on both backends)."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"names": 0.0, "total": 0.0, "run_dict": 0.0, "random": 0.0, "feeds": 0.0,
           "slices": 0.0, "random_rows": 0.0, "layer_out": 1e-6, "shortcut_out": 1e-6,
           "inputs": 0.0, "first_loss": 1e-6, "losses": 1e-5, "y_pred": 1e-5,
           "events": 0.0}


def main(tf):
    out = {}
    a = tf.constant(3.0, dtype=tf.float32)
    b = tf.constant(4.0)  # also tf.float32 implicitly
    total = a + b
    out["names"] = [a.name, b.name, total.name, str(total.dtype.name),
                    total.shape.as_list()]

    logdir = tempfile.mkdtemp()
    writer = tf.summary.FileWriter(logdir)
    writer.add_graph(tf.get_default_graph())
    writer.flush()
    out["events"] = [sum(f.startswith("events.out.tfevents.") for f in os.listdir(logdir))]

    sess = tf.Session()
    out["total"] = float(sess.run(total))
    ab = sess.run({'ab': (a, b), 'total': total})
    out["run_dict"] = [sorted(ab), type(ab["ab"]).__name__, [float(v) for v in ab["ab"]],
                       float(ab["total"])]

    vec = tf.random_uniform(shape=(3,))
    out1 = vec + 1
    out2 = vec + 2
    v1 = sess.run(vec)
    v2 = sess.run(vec)
    o1, o2 = sess.run((out1, out2))
    out["random"] = [list(v1.shape), bool(np.all((v1 >= 0) & (v1 < 1))),
                     bool(np.any(v1 != v2)), bool(np.allclose(o2 - o1, 1.0))]

    x = tf.placeholder(tf.float32)
    y = tf.placeholder(tf.float32)
    z = x + y
    out["feeds"] = [float(sess.run(z, feed_dict={x: 3, y: 4.5})),
                    sess.run(z, feed_dict={x: [1, 3], y: [2, 4]}).tolist()]

    my_data = [
        [0, 1, ],
        [2, 3, ],
        [4, 5, ],
        [6, 7, ],
    ]
    slices = tf.data.Dataset.from_tensor_slices(my_data)
    next_item = slices.make_one_shot_iterator().get_next()
    items = []
    while True:
        try:
            items.append(sess.run(next_item).tolist())
        except tf.errors.OutOfRangeError:
            break
    out["slices"] = items + [next_item.dtype.name, next_item.shape.as_list()]

    r = tf.random_normal([10, 3])
    dataset = tf.data.Dataset.from_tensor_slices(r)
    iterator = dataset.make_initializable_iterator()
    next_row = iterator.get_next()

    sess.run(iterator.initializer)
    rows = []
    while True:
        try:
            rows.append(sess.run(next_row))
        except tf.errors.OutOfRangeError:
            break
    out["random_rows"] = [len(rows), list(rows[0].shape), next_row.shape.as_list()]

    x = tf.placeholder(tf.float32, shape=[None, 3])
    linear_model = tf.layers.Dense(units=1)
    y = linear_model(x)
    init = tf.global_variables_initializer()
    sess.run(init)
    same_start(sess, tf)
    out["layer_out"] = float(np.sum(sess.run(y, {x: [[1, 2, 3], [4, 5, 6]]})))

    x = tf.placeholder(tf.float32, shape=[None, 3])
    y = tf.layers.dense(x, units=1)
    init = tf.global_variables_initializer()
    sess.run(init)
    same_start(sess, tf, seed=1)
    out["shortcut_out"] = float(np.sum(sess.run(y, {x: [[1, 2, 3], [4, 5, 6]]})))

    features = {
        'sales': [[5], [10], [8], [9]],
        'department': ['sports', 'sports', 'gardening', 'gardening']}

    department_column = tf.feature_column.categorical_column_with_vocabulary_list(
        'department', ['sports', 'gardening'])
    department_column = tf.feature_column.indicator_column(department_column)

    columns = [
        tf.feature_column.numeric_column('sales'),
        department_column
    ]

    inputs = tf.feature_column.input_layer(features, columns)
    var_init = tf.global_variables_initializer()
    table_init = tf.tables_initializer()
    sess = tf.Session()
    sess.run((var_init, table_init))
    out["inputs"] = sess.run(inputs).tolist() + [inputs.shape.as_list()]

    x = tf.constant([[1], [2], [3], [4]], dtype=tf.float32)
    y_true = tf.constant([[0], [-1], [-2], [-3]], dtype=tf.float32)
    linear_model = tf.layers.Dense(units=1)
    y_pred = linear_model(x)
    sess = tf.Session()
    init = tf.global_variables_initializer()
    sess.run(init)
    same_start(sess, tf, seed=2)
    loss = tf.losses.mean_squared_error(labels=y_true, predictions=y_pred)
    out["first_loss"] = float(sess.run(loss))

    optimizer = tf.train.GradientDescentOptimizer(0.01)
    train = optimizer.minimize(loss)
    losses = []
    for _ in range(100):
        _, loss_value = sess.run((train, loss))
        losses.append(float(loss_value))
    out["losses"] = float(np.sum(losses))
    out["y_pred"] = float(np.sum(sess.run(y_pred) * np.arange(1, 5)[:, None]))
    return out
