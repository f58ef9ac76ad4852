"""TensorFlow's TensorBoard tutorial program: tensorflow/tensorflow,
``tensorflow/examples/tutorials/mnist/mnist_with_summaries.py`` as on the r1.x branches
(``tf.summary.*``, ``tf.summary.FileWriter``, ``softmax_cross_entropy_with_logits(labels=,
logits=)``; read in the copy akadiao/tensorflow@41bf296): an ``InteractiveSession``;
name scopes ``input``/``input_reshape`` with an image summary; ``variable_summaries``
(mean, stddev, max, min scalars and a histogram under ``summaries``) on every weight and
bias of ``nn_layer``, histograms of pre-activations and activations; a dropout scope with
a scalar of the fed keep probability; Adam; the accuracy scope; ``merge_all``; train and
test ``FileWriter``s; every 10th step the merged summaries of the test set, every 100th
(i % 100 == 99) a ``FULL_TRACE`` run whose ``RunMetadata`` goes to
``add_run_metadata(run_metadata, 'step%03d' % i)``.

Adapted: ``input_data`` is the bundled digits (``common.read_data_sets``); ``max_steps``
is 101 instead of 1000 (so step 99 records run metadata); the ``--dropout`` flag (keep
probability) is 1.0 instead of 0.9, since each backend draws its own dropout masks; the
log directory is a temporary one; ``main(_)`` is called directly instead of through
``tf.app.run``; the weights start from ``same_start``'s draw (one line after the
initializer). Returned: the printed test accuracies, and what the two event files hold
(read back with ``summary_iterator``; ``tests/compat/test_tutorial_events.py`` reads the
same files with TensorBoard's ``EventAccumulator``)."""

# Copyright 2015 The TensorFlow Authors. Licensed under the Apache License, Version
# 2.0 (http://www.apache.org/licenses/LICENSE-2.0); modified as described above.

# ruff: noqa: UP031 - the authors' code is kept as written

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile

from tests.compat.programs.common import read_data_sets as _read_data_sets
from tests.compat.programs.common import same_start

# Adam on the same batches: float32 round-off (measured: 1e-7 relative or better).
# Tolerances cover float rounding of another BLAS kernel set: with NumPy's OpenBLAS on its AVX-512
# kernels (no OPENBLAS_CORETYPE pin) instead of AVX2 ones, the histogram's sum moves by 1.2e-5.
COMPARE = {"accuracies": 0.0, "last_accuracy": 1e-6, "runs": 0.0,
           "train_cross_entropy": 1e-6, "test_cross_entropy": 1e-6,
           "layer1_weights_stddev": 1e-6, "layer2_activations_histogram": 3e-5,
           "run_metadata_tags": 0.0, "image_sizes": 0.0, "graph_in_train": 0.0}


class _InputData:
    read_data_sets = staticmethod(_read_data_sets)


input_data = _InputData()


def _program(tf, FLAGS):
    """mnist_with_summaries.py's ``train`` and ``main``, as published."""

    def train():
        mnist = input_data.read_data_sets(FLAGS.data_dir,
                                          one_hot=True,
                                          fake_data=FLAGS.fake_data)

        sess = tf.InteractiveSession()

        with tf.name_scope('input'):
            x = tf.placeholder(tf.float32, [None, 784], name='x-input')
            y_ = tf.placeholder(tf.float32, [None, 10], name='y-input')

        with tf.name_scope('input_reshape'):
            image_shaped_input = tf.reshape(x, [-1, 28, 28, 1])
            tf.summary.image('input', image_shaped_input, 10)

        def weight_variable(shape):
            initial = tf.truncated_normal(shape, stddev=0.1)
            return tf.Variable(initial)

        def bias_variable(shape):
            initial = tf.constant(0.1, shape=shape)
            return tf.Variable(initial)

        def variable_summaries(var):
            with tf.name_scope('summaries'):
                mean = tf.reduce_mean(var)
                tf.summary.scalar('mean', mean)
                with tf.name_scope('stddev'):
                    stddev = tf.sqrt(tf.reduce_mean(tf.square(var - mean)))
                tf.summary.scalar('stddev', stddev)
                tf.summary.scalar('max', tf.reduce_max(var))
                tf.summary.scalar('min', tf.reduce_min(var))
                tf.summary.histogram('histogram', var)

        def nn_layer(input_tensor, input_dim, output_dim, layer_name, act=tf.nn.relu):
            with tf.name_scope(layer_name):
                with tf.name_scope('weights'):
                    weights = weight_variable([input_dim, output_dim])
                    variable_summaries(weights)
                with tf.name_scope('biases'):
                    biases = bias_variable([output_dim])
                    variable_summaries(biases)
                with tf.name_scope('Wx_plus_b'):
                    preactivate = tf.matmul(input_tensor, weights) + biases
                    tf.summary.histogram('pre_activations', preactivate)
                activations = act(preactivate, name='activation')
                tf.summary.histogram('activations', activations)
                return activations

        hidden1 = nn_layer(x, 784, 500, 'layer1')

        with tf.name_scope('dropout'):
            keep_prob = tf.placeholder(tf.float32)
            tf.summary.scalar('dropout_keep_probability', keep_prob)
            dropped = tf.nn.dropout(hidden1, keep_prob)

        y = nn_layer(dropped, 500, 10, 'layer2', act=tf.identity)

        with tf.name_scope('cross_entropy'):
            diff = tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y)
            with tf.name_scope('total'):
                cross_entropy = tf.reduce_mean(diff)
        tf.summary.scalar('cross_entropy', cross_entropy)

        with tf.name_scope('train'):
            train_step = tf.train.AdamOptimizer(FLAGS.learning_rate).minimize(
                cross_entropy)

        with tf.name_scope('accuracy'):
            with tf.name_scope('correct_prediction'):
                correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
            with tf.name_scope('accuracy'):
                accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        tf.summary.scalar('accuracy', accuracy)

        merged = tf.summary.merge_all()
        train_writer = tf.summary.FileWriter(FLAGS.log_dir + '/train', sess.graph)
        test_writer = tf.summary.FileWriter(FLAGS.log_dir + '/test')
        tf.global_variables_initializer().run()
        same_start(sess, tf)  # adapted: the same starting weights on both backends

        def feed_dict(train):
            if train or FLAGS.fake_data:
                xs, ys = mnist.train.next_batch(100, fake_data=FLAGS.fake_data)
                k = FLAGS.dropout
            else:
                xs, ys = mnist.test.images, mnist.test.labels
                k = 1.0
            return {x: xs, y_: ys, keep_prob: k}

        for i in range(FLAGS.max_steps):
            if i % 10 == 0:
                summary, acc = sess.run([merged, accuracy], feed_dict=feed_dict(False))
                test_writer.add_summary(summary, i)
                print('Accuracy at step %s: %s' % (i, acc))
            else:
                if i % 100 == 99:
                    run_options = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)
                    run_metadata = tf.RunMetadata()
                    summary, _ = sess.run([merged, train_step],
                                          feed_dict=feed_dict(True),
                                          options=run_options,
                                          run_metadata=run_metadata)
                    train_writer.add_run_metadata(run_metadata, 'step%03d' % i)
                    train_writer.add_summary(summary, i)
                    print('Adding run metadata for', i)
                else:
                    summary, _ = sess.run([merged, train_step], feed_dict=feed_dict(True))
                    train_writer.add_summary(summary, i)
        train_writer.close()
        test_writer.close()
        sess.close()  # adapted: the test runs many programs in one process

    def main(_):
        if tf.gfile.Exists(FLAGS.log_dir):
            tf.gfile.DeleteRecursively(FLAGS.log_dir)
        tf.gfile.MakeDirs(FLAGS.log_dir)
        train()

    return main


def _parser(log_dir):
    parser = argparse.ArgumentParser()
    parser.add_argument('--fake_data', nargs='?', const=True, type=bool,
                        default=False,
                        help='If true, uses fake data for unit testing.')
    parser.add_argument('--max_steps', type=int, default=1000,
                        help='Number of steps to run trainer.')
    parser.add_argument('--learning_rate', type=float, default=0.001,
                        help='Initial learning rate')
    parser.add_argument('--dropout', type=float, default=0.9,
                        help='Keep probability for training dropout.')
    parser.add_argument('--data_dir', type=str,
                        default=os.path.join(os.getenv('TEST_TMPDIR', '/tmp'),
                                             'tensorflow/mnist/input_data'),
                        help='Directory for storing input data')
    parser.add_argument('--log_dir', type=str, default=log_dir,
                        help='Summaries log directory')
    return parser


def _events(tf, run_dir):
    """The events of one run: ``{tag: [(step, value)]}`` (scalars as floats, histograms
    as ``(count, sum)``, images as ``(height, width)``), the run-metadata tags, and
    whether a graph was written."""
    values, metadata, graph = {}, [], False
    for path in sorted(tf.gfile.Glob(os.path.join(run_dir, "events.out.tfevents.*"))):
        for event in tf.train.summary_iterator(path):
            graph = graph or bool(event.graph_def)
            if event.HasField("tagged_run_metadata"):
                metadata.append(event.tagged_run_metadata.tag)
            for v in event.summary.value:
                kind = v.WhichOneof("value")
                if kind == "simple_value":
                    item = v.simple_value
                elif kind == "histo":
                    item = (v.histo.num, v.histo.sum)
                else:
                    item = (v.image.height, v.image.width)
                values.setdefault(v.tag, []).append((event.step, item))
    return values, metadata, graph


def main(tf, log_dir=None):
    log_dir = log_dir or os.path.join(tempfile.mkdtemp(), "logs", "mnist_with_summaries")
    FLAGS, _unparsed = _parser(log_dir).parse_known_args(
        ["--max_steps", "101", "--dropout", "1.0"])
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        _program(tf, FLAGS)(sys.argv[:1])
    lines = printed.getvalue().splitlines()
    accuracies = [float(line.split(": ")[1]) for line in lines if line.startswith("Accuracy")]
    train, train_meta, train_graph = _events(tf, os.path.join(log_dir, "train"))
    test, test_meta, _ = _events(tf, os.path.join(log_dir, "test"))
    return {
        "accuracies": [round(a * 397) for a in accuracies],
        "last_accuracy": accuracies[-1],
        "runs": [sorted(train), len(train["cross_entropy_1"]), sorted(test),
                 [step for step, _ in test["accuracy_1"]]],
        "train_cross_entropy": float(train["cross_entropy_1"][-1][1]),
        "test_cross_entropy": float(test["cross_entropy_1"][-1][1]),
        "layer1_weights_stddev": float(train["layer1/weights/summaries/stddev_1"][-1][1]),
        "layer2_activations_histogram": float(
            train["layer2/activations"][-1][1][1]) / 1000.0,
        "run_metadata_tags": train_meta + test_meta,
        "image_sizes": [list(s) for s in
                        sorted({tuple(v[1]) for v in test["input_reshape/input/image/0"]})],
        "graph_in_train": [train_graph],
    }
