"""TensorFlow's TF1 guide "Graphs and Sessions" (tensorflow/docs,
``site/en/r1/guide/graphs.md``), its code in the order the page runs it: ``name="c"``
uniquified to ``c_1``, nested and re-entered ``tf.name_scope``s (``outer/inner_1/c``);
``tf.device`` pins (``/device:CPU:0``, ``/device:GPU:0``, ``/job:ps/task:0``,
``/job:worker``) and ``tf.train.replica_device_setter(ps_tasks=3)``'s round-robin
variable placement; ``sess.run`` of a softmax over ``matmul(x, w)`` and of ``[y,
output]``; a fed ``[3]`` placeholder, the ``InvalidArgumentError`` of not feeding it and
the ``ValueError`` of feeding a scalar; ``tf.RunOptions(trace_level=FULL_TRACE)`` with a
``tf.RunMetadata``; a ``FileWriter`` given ``sess.graph`` around an Adagrad loop; two
graphs made default with ``as_default``, a session per graph, ``get_operations()``.

Adapted: the device snippets read no JPEG (``img`` is a constant 3x2 image, ``weights``
a ``2x3`` constant) and their ops are built, not run, as the page does (no GPU or ps job
here: the placements are read back from ``op.device``), in a graph of their own: TF
refuses to run any part of a graph holding an op pinned to an absent device; ``train_batch`` is a
placeholder; the page's ``loss = ...`` is ``reduce_mean(square(y))`` and its 1000 steps
are 50; ``w`` is set to a fixed value before the runs so the numbers do not depend on
the random draw; the log directory is a temporary one."""

from __future__ import annotations

import tempfile

import numpy as np

COMPARE = {"names": 0.0, "devices": 0.0, "replica_devices": 0.0, "output": 1e-6,
           "y_and_output": 0.0, "feeds": 0.0, "errors": 0.0, "traced": 1e-6,
           "adagrad_loss": 1e-5, "graphs": 0.0}

W0 = np.array([[0.25, -0.5], [0.75, 0.1]], np.float32)


def main(tf):
    out = {}
    c_0 = tf.constant(0, name="c")  # => operation named "c"
    c_1 = tf.constant(2, name="c")  # => operation named "c_1"
    with tf.name_scope("outer"):
        c_2 = tf.constant(2, name="c")  # => operation named "outer/c"
        with tf.name_scope("inner"):
            c_3 = tf.constant(3, name="c")  # => operation named "outer/inner/c"
        c_4 = tf.constant(4, name="c")  # => operation named "outer/c_1"
        with tf.name_scope("inner"):
            c_5 = tf.constant(5, name="c")  # => operation named "outer/inner_1/c"
    out["names"] = [t.op.name for t in (c_0, c_1, c_2, c_3, c_4, c_5)] + [c_5.name]

    with tf.Graph().as_default():  # never run: see the docstring
        weights = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
        with tf.device("/device:CPU:0"):
            img = tf.constant(np.ones((3, 2), np.float32), name="img")
        with tf.device("/device:GPU:0"):
            result = tf.matmul(weights, img)

        train_batch = tf.placeholder(tf.float32, [None, 784])
        with tf.device("/job:ps/task:0"):
            weights_1 = tf.Variable(tf.truncated_normal([784, 100]))
            biases_1 = tf.Variable(tf.zeros([100]))
        with tf.device("/job:ps/task:1"):
            weights_2 = tf.Variable(tf.truncated_normal([100, 10]))
            biases_2 = tf.Variable(tf.zeros([10]))
        with tf.device("/job:worker"):
            layer_1 = tf.matmul(train_batch, weights_1) + biases_1
            layer_2 = tf.matmul(layer_1, weights_2) + biases_2
        out["devices"] = [t.device for t in (weights, img, result, weights_1, biases_1,
                                             weights_2, biases_2, layer_1, layer_2)]

        with tf.device(tf.train.replica_device_setter(ps_tasks=3)):
            w_0 = tf.Variable(tf.zeros([3, 4]))  # placed on "/job:ps/task:0"
            b_0 = tf.Variable(tf.zeros([4]))  # placed on "/job:ps/task:1"
            w_1 = tf.Variable(tf.zeros([4, 2]))  # placed on "/job:ps/task:2"
            b_1 = tf.Variable(tf.zeros([2]))  # placed on "/job:ps/task:0"
            input_data = tf.placeholder(tf.float32)  # placed on "/job:worker"
            layer_0 = tf.matmul(input_data, w_0) + b_0  # placed on "/job:worker"
            layer_1 = tf.matmul(layer_0, w_1) + b_1  # placed on "/job:worker"
        out["replica_devices"] = [t.device for t in (w_0, b_0, w_1, b_1, input_data,
                                                     layer_0, layer_1)]

    x = tf.constant([[37.0, -23.0], [1.0, 4.0]])
    w = tf.Variable(tf.random_uniform([2, 2]))
    y = tf.matmul(x, w)
    output = tf.nn.softmax(y)
    init_op = w.initializer
    with tf.Session() as sess:
        sess.run(init_op)
        w.load(W0, sess)
        out["output"] = float(np.sum(sess.run(output) * [[1, 2], [3, 4]]))
        y_val, output_val = sess.run([y, output])
        out["y_and_output"] = [y_val.tolist(), bool(np.allclose(
            output_val, np.exp(y_val) / np.exp(y_val).sum(1, keepdims=True)))]

    x = tf.placeholder(tf.float32, shape=[3])
    y = tf.square(x)
    errors = []
    with tf.Session() as sess:
        out["feeds"] = [sess.run(y, {x: [1.0, 2.0, 3.0]}).tolist(),
                        sess.run(y, {x: [0.0, 0.0, 5.0]}).tolist()]
        try:
            sess.run(y)
        except tf.errors.InvalidArgumentError:
            errors.append("InvalidArgumentError")
        try:
            sess.run(y, {x: 37.0})
        except ValueError:
            errors.append("ValueError")
    out["errors"] = errors

    y = tf.matmul([[37.0, -23.0], [1.0, 4.0]], tf.constant(W0))
    with tf.Session() as sess:
        options = tf.RunOptions()
        options.output_partition_graphs = True
        options.trace_level = tf.RunOptions.FULL_TRACE
        metadata = tf.RunMetadata()
        traced = sess.run(y, options=options, run_metadata=metadata)
        out["traced"] = float(np.sum(traced * [[1, 2], [3, 4]]))

    x = tf.constant([[37.0, -23.0], [1.0, 4.0]])
    w = tf.Variable(tf.random_uniform([2, 2]))
    y = tf.matmul(x, w)
    loss = tf.reduce_mean(tf.square(y))
    train_op = tf.train.AdagradOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w.load(W0, sess)
        writer = tf.summary.FileWriter(tempfile.mkdtemp(), sess.graph)
        for _ in range(50):
            sess.run(train_op)
        writer.close()
        out["adagrad_loss"] = float(sess.run(loss))

    g_1 = tf.Graph()
    with g_1.as_default():
        c = tf.constant("Node in g_1")
        sess_1 = tf.Session()
    g_2 = tf.Graph()
    with g_2.as_default():
        d = tf.constant("Node in g_2")
    sess_2 = tf.Session(graph=g_2)
    assert c.graph is g_1
    assert sess_1.graph is g_1
    assert d.graph is g_2
    assert sess_2.graph is g_2
    g = tf.get_default_graph()
    ops = g.get_operations()
    out["graphs"] = [sess_1.run(c).decode(), sess_2.run(d).decode(),
                     [op.name for op in g_2.get_operations()], len(ops) > 20,
                     g is not g_1 and g is not g_2]
    return out
