"""Graphs profiled against real TF by ``test_profile.py``; each builder takes the ``tf``
module (real ``tensorflow.compat.v1`` in ``make_reference.py``, ``trainkit`` in the tests)
and builds its graph into the default graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _cnn(tf: Any) -> Any:
    x = tf.placeholder(tf.float32, [8, 28, 28, 1], name="x")
    y = tf.placeholder(tf.float32, [8, 10], name="y")
    with tf.name_scope("conv1"):
        w1 = tf.Variable(tf.truncated_normal([5, 5, 1, 4], stddev=0.1), name="w")
        b1 = tf.Variable(tf.constant(0.1, shape=[4]), name="b")
        h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w1, [1, 1, 1, 1], "SAME"), b1))
        p = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    with tf.name_scope("fc"):
        f = tf.reshape(p, [8, 14 * 14 * 4])
        w2 = tf.Variable(tf.random_normal([14 * 14 * 4, 10], stddev=0.1), name="w")
        b2 = tf.Variable(tf.zeros([10]), name="b")
        logits = tf.matmul(f, w2) + b2
    return tf.reduce_mean(tf.square(logits - y))


def cnn(tf: Any) -> None:
    """conv 5x5 + bias + relu + max pool + dense + softmax cross entropy (forward)."""
    _cnn(tf)


def cnn_adam(tf: Any) -> None:
    """``cnn`` with an Adam training op: pooling/conv backprops, BiasAddGrad, AddN."""
    loss = _cnn(tf)
    tf.train.AdamOptimizer(1e-3).minimize(loss)


def _mlp(tf: Any) -> Any:
    x = tf.placeholder(tf.float32, [32, 100], name="x")
    labels = tf.placeholder(tf.int64, [32], name="labels")
    w1 = tf.get_variable("w1", [100, 50], initializer=tf.random_normal_initializer(0, 0.1))
    b1 = tf.get_variable("b1", [50], initializer=tf.zeros_initializer())
    h = tf.nn.sigmoid(tf.matmul(x, w1) + b1)
    w2 = tf.get_variable("w2", [50, 10], initializer=tf.random_normal_initializer(0, 0.1))
    b2 = tf.get_variable("b2", [10], initializer=tf.zeros_initializer())
    logits = tf.nn.xw_plus_b(h, w2, b2, name="logits")
    correct = tf.equal(tf.argmax(logits, 1), labels)
    tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy")
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=logits)) + 1e-4 * tf.nn.l2_loss(w1)


def mlp(tf: Any) -> None:
    """A two-layer sigmoid MLP with its loss (L2 weight decay) and accuracy."""
    _mlp(tf)


def mlp_sgd(tf: Any) -> None:
    """``mlp`` with a gradient descent step (AddN of w1's two gradients, BiasAddGrad)."""
    tf.train.GradientDescentOptimizer(0.1).minimize(_mlp(tf))


def op_zoo(tf: Any) -> None:
    """One op of each type TF's flops registry knows (but Dilation2D, which trainkit
    lacks), with fully defined shapes."""
    a = tf.placeholder(tf.float32, [4, 6], name="a")
    b = tf.placeholder(tf.float32, [4, 6], name="b")
    for fn in (tf.reciprocal, tf.square, tf.rsqrt, tf.log, tf.negative, tf.nn.l2_loss,
               tf.nn.softmax):
        fn(a)
    for fn in (tf.add, tf.subtract, tf.multiply, tf.realdiv, tf.maximum, tf.minimum, tf.pow,
               tf.greater_equal, tf.greater, tf.less_equal, tf.less, tf.equal, tf.not_equal,
               tf.squared_difference):
        fn(a, b)
    tf.reduce_mean(a, axis=1)
    tf.reduce_sum(a, axis=0)
    tf.argmax(a, 1)
    tf.argmin(a, 0)
    tf.add_n([a, b, a])
    tf.matmul(a, b, transpose_a=True)
    tf.matmul(tf.ones([3, 4, 6]), tf.ones([3, 6, 5]))
    tf.matmul(tf.ones([3, 6, 4]), tf.ones([3, 6, 5]), adjoint_a=True)
    counter = tf.Variable(tf.zeros([5]), name="counter")
    tf.assign_add(counter, tf.ones([5]))
    tf.assign_sub(counter, tf.ones([5]))
    img = tf.placeholder(tf.float32, [2, 9, 9, 3], name="img")
    kernel = tf.Variable(tf.ones([3, 3, 3, 4]), name="kernel")
    conv = tf.nn.conv2d(img, kernel, [1, 2, 2, 1], "SAME")
    biased = tf.nn.bias_add(conv, tf.ones([4]))
    dw = tf.nn.depthwise_conv2d(img, tf.ones([3, 3, 3, 2]), [1, 1, 1, 1], "VALID")
    avg = tf.nn.avg_pool(biased, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    mx = tf.nn.max_pool(biased, [1, 2, 2, 1], [1, 1, 1, 1], "VALID")
    loss = (tf.reduce_sum(avg) + tf.reduce_sum(mx) + tf.reduce_sum(dw)
            + tf.reduce_sum(tf.rsqrt(tf.abs(conv) + 1.0)))
    tf.gradients(loss, [img, kernel])


def unknown_batch(tf: Any) -> None:
    """A dense layer on a batch of unknown size: its MatMul and adds count 0 flops."""
    x = tf.placeholder(tf.float32, [None, 20], name="x")
    w = tf.Variable(tf.ones([20, 5]), name="w")
    s = tf.Variable(3.0, name="scalar")
    tf.nn.softmax(tf.matmul(x, w) * s)
    tf.Variable(tf.zeros([4]), name="frozen", trainable=False)


def keras_cnn(tf: Any) -> None:
    """A tf.keras Sequential CNN called on a placeholder (TF: tf_keras, graph mode)."""
    images = tf.placeholder(tf.float32, [2, 12, 12, 3], name="images")
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(4, 3, activation="relu", input_shape=(12, 12, 3)),
        tf.keras.layers.MaxPooling2D(2),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model(images)


GRAPHS: dict[str, Callable[[Any], None]] = {
    "cnn": cnn, "cnn_adam": cnn_adam, "mlp": mlp, "mlp_sgd": mlp_sgd, "op_zoo": op_zoo,
    "unknown_batch": unknown_batch, "keras_cnn": keras_cnn,
}


def traced_unknown_batch(tf: Any) -> tuple[Any, Any]:
    """``unknown_batch`` with one traced run on a batch of 7; (graph, run metadata)."""
    import numpy as np

    graph = tf.Graph()
    with graph.as_default():
        unknown_batch(tf)
        run_meta = tf.RunMetadata()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run("Softmax:0", {"x:0": np.ones([7, 20], np.float32)},
                     options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                     run_metadata=run_meta)
    return graph, run_meta


def tree(node: Any) -> list:
    """``[name, float_ops, total_float_ops, parameters, total_parameters, children]``."""
    return [node.name, int(node.float_ops), int(node.total_float_ops), int(node.parameters),
            int(node.total_parameters), [tree(c) for c in node.children]]


def op_tree(node: Any) -> list:
    """The 'op' view's chain: ``[name, float_ops, total_float_ops, parameters,
    total_parameters, [graph node names], children]``."""
    return [node.name, int(node.float_ops), int(node.total_float_ops), int(node.parameters),
            int(node.total_parameters), [g.name for g in node.graph_nodes],
            [op_tree(c) for c in node.children]]


def op_flops(graph: Any, root: Any) -> list:
    """Sorted ``[op type, float_ops]`` of every op the profile gave FLOPs."""
    found = []

    def walk(node: Any) -> None:
        if node.float_ops:
            found.append([graph.get_operation_by_name(node.name).type, int(node.float_ops)])
        for child in node.children:
            walk(child)

    walk(root)
    return sorted(found)


def option_sets(tf: Any) -> dict[str, dict]:
    """The option dicts each graph is profiled with."""
    b = tf.profiler.ProfileOptionBuilder
    return {
        "flops": b.float_operation(),
        "params": b.trainable_variables_parameter(),
        "flops_depth1_min100": b(b.float_operation()).with_max_depth(1)
        .with_min_float_operations(100).build(),
        "params_by_params": b(b.trainable_variables_parameter()).order_by("params")
        .with_min_parameters(11).build(),
        "flops_hide_trim": b(b.float_operation()).with_node_names(
            hide_name_regexes=[".*Conv2D.*", "gradients"], trim_name_regexes=["Adam"])
        .account_displayed_op_only(False).build(),
        "flops_start": b(b.float_operation()).with_node_names(
            start_name_regexes=["gradients/.*"]).select(["float_ops", "params"]).build(),
        "account_types": b(b.float_operation()).with_accounted_types(
            ["Mat.*", ".*Mul", "Conv2D", "_trainable_variables"]).select(["float_ops", "params"])
        .build(),
        "by_micros_name_regexes": b(b.float_operation()).order_by("micros").with_node_names(
            show_name_regexes=[".*/.*", "Mean"], start_name_regexes=["fc", "Mean", "MatMul"])
        .build(),
        "by_occurrence_depth2": b(b.trainable_variables_parameter()).order_by("occurrence")
        .with_max_depth(2).select(["params", "float_ops"]).build(),
        "default": b().with_empty_output().select(["params", "float_ops"])
        .order_by("float_ops").build(),
    }


def builder_dicts(tf: Any) -> dict[str, dict]:
    """The dicts ``ProfileOptionBuilder`` builds, its static ones and chains of setters."""
    b = tf.profiler.ProfileOptionBuilder
    return {
        "float_operation": b.float_operation(),
        "trainable_variables_parameter": b.trainable_variables_parameter(),
        "time_and_memory": b.time_and_memory(),
        "time_and_memory_args": b.time_and_memory(5, 6, 7, 8, 9, 10, 11),
        "default": b().build(),
        "chain": b(b.float_operation()).with_max_depth(3).with_min_float_operations(5)
        .with_min_parameters(2).select(["params"]).order_by("params")
        .account_displayed_op_only(False).with_node_names(
            start_name_regexes=["a"], show_name_regexes=["b"], hide_name_regexes=["c"],
            trim_name_regexes=["d"]).with_stdout_output().with_empty_output().build(),
        "chain2": b().with_file_output("x.txt").with_min_memory(1, 2, 3, 4)
        .with_min_execution_time(5, 6, 7).with_min_occurrence(8)
        .with_accounted_types(["Mul"]).with_step(3).with_node_names(show_name_regexes=["s"])
        .build(),
        "timeline": b().with_timeline_output("t.json").build(),
        "pprof": b().with_pprof_output("p.pb.gz").build(),
    }
