"""TensorFlow's "MNIST with XLA JIT and timelines" program: tensorflow/tensorflow,
``tensorflow/examples/tutorials/mnist/mnist_softmax_xla.py`` (read at
tensorflow/tensorflow@164165e, the r1.x form with ``softmax_cross_entropy_with_logits(
labels=, logits=)``): softmax regression on one-hot labels, SGD at 0.5, a
``tf.ConfigProto`` whose ``graph_options.optimizer_options.global_jit_level`` is
``tf.OptimizerOptions.ON_1`` (the ``--xla`` default), and on the last training step a
``FULL_TRACE`` run whose ``run_metadata.step_stats`` go through
``timeline.Timeline(...).generate_chrome_trace_format()`` into ``timeline.ctf.json``.

``timeline`` is ``tensorflow.python.client.timeline`` under TF and
``trainkit.client.timeline`` under trainkit. The JIT level is recorded by both and acted
on by neither here (TF's CPU autoclustering needs ``--tf_xla_cpu_global_jit``; trainkit
has no XLA): the numbers are those of the plain graph.

Adapted: ``input_data`` is the bundled digits (``common.read_data_sets``); 300 training
loops instead of 1000; the trace file is written in a temporary working directory;
``main(_)`` is called directly instead of through ``tf.app.run``; the printed accuracy,
the final weights and what the trace file holds are returned."""

# Copyright 2015 The TensorFlow Authors. Licensed under the Apache License, Version
# 2.0 (http://www.apache.org/licenses/LICENSE-2.0); modified as described above.

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import sys
import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets as _read_data_sets

# SGD from zeros on the same batches: round-off only. The trace is compared by the
# optimizer ops it names: TF adds executor nodes of its own and its graph rewriter fuses
# the forward MatMul into the bias add, so other names differ.
COMPARE = {"printed_accuracy": 0.0, "weight_norm": 1e-5, "jit_level": 0.0,
           "traced_ops": 0.0, "trace_events_have_times": 0.0}


class _InputData:
    read_data_sets = staticmethod(_read_data_sets)


input_data = _InputData()


def _timeline(tf):
    if tf.__name__.startswith("trainkit"):
        return importlib.import_module("trainkit.client.timeline")
    return importlib.import_module("tensorflow.python.client.timeline")


def _program(tf, FLAGS, out):
    """mnist_softmax_xla.py's ``main``, as published."""
    timeline = _timeline(tf)

    def main(_):
        mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True)

        x = tf.placeholder(tf.float32, [None, 784])
        w = tf.Variable(tf.zeros([784, 10]))
        b = tf.Variable(tf.zeros([10]))
        y = tf.matmul(x, w) + b

        y_ = tf.placeholder(tf.float32, [None, 10])

        cross_entropy = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
        train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cross_entropy)

        config = tf.ConfigProto()
        jit_level = 0
        if FLAGS.xla:
            jit_level = tf.OptimizerOptions.ON_1

        config.graph_options.optimizer_options.global_jit_level = jit_level
        run_metadata = tf.RunMetadata()
        sess = tf.Session(config=config)
        tf.global_variables_initializer().run(session=sess)
        train_loops = 300  # adapted: 300 loops
        for i in range(train_loops):
            batch_xs, batch_ys = mnist.train.next_batch(100)

            if i == train_loops - 1:
                sess.run(train_step,
                         feed_dict={x: batch_xs,
                                    y_: batch_ys},
                         options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                         run_metadata=run_metadata)
                trace = timeline.Timeline(step_stats=run_metadata.step_stats)
                with open('timeline.ctf.json', 'w') as trace_file:
                    trace_file.write(trace.generate_chrome_trace_format())
            else:
                sess.run(train_step, feed_dict={x: batch_xs, y_: batch_ys})

        correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        print(sess.run(accuracy,
                       feed_dict={x: mnist.test.images,
                                  y_: mnist.test.labels}))
        # adapted: what the comparison reads
        out["weight_norm"] = float(np.linalg.norm(sess.run(w)))
        out["jit_level"] = [int(config.graph_options.optimizer_options.global_jit_level)]
        out["graph_ops"] = {op.name for op in tf.get_default_graph().get_operations()}
        sess.close()

    return main


def main(tf):
    parser = argparse.ArgumentParser()
    parser.add_argument('--data_dir', type=str,
                        default='/tmp/tensorflow/mnist/input_data',
                        help='Directory for storing input data')
    parser.add_argument('--no-xla', dest='xla', action='store_false',
                        help='Turn xla via JIT off (default is on)')
    parser.add_argument('--xla', dest='xla', action='store_true',
                        help='Turn xla via JIT on (default is on)')
    parser.set_defaults(xla=True)
    FLAGS, _unparsed = parser.parse_known_args([])
    out = {}
    printed = io.StringIO()
    with contextlib.chdir(tempfile.mkdtemp()), contextlib.redirect_stdout(printed):
        _program(tf, FLAGS, out)(sys.argv[:1])
        with open('timeline.ctf.json') as f:
            trace = json.load(f)
    events = [e for e in trace["traceEvents"] if e.get("ph") == "X"]
    graph_ops = out.pop("graph_ops")
    traced = {e["args"]["name"] for e in events} & graph_ops
    out["traced_ops"] = sorted(n for n in traced if "GradientDescent" in n)
    out["trace_events_have_times"] = [all("ts" in e and "dur" in e for e in events)]
    out["printed_accuracy"] = [round(float(printed.getvalue().split()[0]) * 397)]
    return out
