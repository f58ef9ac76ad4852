"""TensorFlow's own "TensorFlow Mechanics 101" program: tensorflow/tensorflow,
``tensorflow/examples/tutorials/mnist/mnist.py`` (``inference`` with three name scopes
``hidden1``/``hidden2``/``softmax_linear`` of ``truncated_normal`` weights, ``loss`` with
``tf.to_int64`` + ``tf.losses.sparse_softmax_cross_entropy``, ``training`` with a scalar
summary, an int ``global_step`` variable and SGD, ``evaluation`` with ``tf.nn.in_top_k``)
and ``fully_connected_feed.py`` (``placeholder_inputs`` with the batch size baked into the
shapes, ``fill_feed_dict``, ``do_eval`` over whole batches of an epoch, ``merge_all``, a
``FileWriter`` with ``sess.graph``, a summary every 100 steps, ``Saver.save`` to
``log_dir/model.ckpt`` at every 1000th and at the last step), as on the r1.x branches
(argparse ``FLAGS``, ``tf.summary.*``; read at tensorflow/tensorflow@08102e6 for
mnist.py and, for the pre-``tf.compat.v1`` spelling of fully_connected_feed.py, the 2018
copy miglopst/cs263_spring2018@51d0e2c whose only change is its step counts, restored
here to the upstream 100 / 1000).

Adapted: ``input_data`` is the bundled digits (``common.read_data_sets``, same
signature); ``max_steps`` is 1001 instead of 2000 (so one periodic checkpoint at step 999
and the final one at 1000); the log directory is a temporary one; ``main(_)`` is called
directly instead of through ``tf.app.run`` (which exits the process); the weights start
from ``same_start``'s draw (one line after ``sess.run(init)``); ``do_eval``'s printed
precisions and the step lines are captured from stdout and returned, with the checkpoint
files and the summary events."""

# Copyright 2015 The TensorFlow Authors. Licensed under the Apache License, Version
# 2.0 (http://www.apache.org/licenses/LICENSE-2.0); modified as described above.

# ruff: noqa: UP031, B007 - the authors' code is kept as written

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import tempfile
import time

from tests.compat.programs.common import read_data_sets as _read_data_sets
from tests.compat.programs.common import same_start

# Plain feed-forward float32 work on the same batches: TF's numbers to round-off, which
# 1001 SGD steps grow to 6e-6 in the last loss (measured).
COMPARE = {"last_loss": 2e-5, "precisions": 0.0, "num_correct": 0.0, "step_lines": 0.0,
           "loss_summaries": 0.0, "last_loss_summary": 2e-5, "checkpoints": 0.0,
           "checkpoint_variables": 0.0, "global_step": 0.0}


class _InputData:
    read_data_sets = staticmethod(_read_data_sets)


input_data = _InputData()


def _mnist_module(tf):
    """mnist.py, as published (the module's functions and constants)."""

    class mnist:  # noqa: N801 - stands for the imported module
        NUM_CLASSES = 10
        IMAGE_SIZE = 28
        IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE

        @staticmethod
        def inference(images, hidden1_units, hidden2_units):
            with tf.name_scope('hidden1'):
                weights = tf.Variable(
                    tf.truncated_normal([mnist.IMAGE_PIXELS, hidden1_units],
                                        stddev=1.0 / math.sqrt(float(mnist.IMAGE_PIXELS))),
                    name='weights')
                biases = tf.Variable(tf.zeros([hidden1_units]),
                                     name='biases')
                hidden1 = tf.nn.relu(tf.matmul(images, weights) + biases)
            with tf.name_scope('hidden2'):
                weights = tf.Variable(
                    tf.truncated_normal([hidden1_units, hidden2_units],
                                        stddev=1.0 / math.sqrt(float(hidden1_units))),
                    name='weights')
                biases = tf.Variable(tf.zeros([hidden2_units]),
                                     name='biases')
                hidden2 = tf.nn.relu(tf.matmul(hidden1, weights) + biases)
            with tf.name_scope('softmax_linear'):
                weights = tf.Variable(
                    tf.truncated_normal([hidden2_units, mnist.NUM_CLASSES],
                                        stddev=1.0 / math.sqrt(float(hidden2_units))),
                    name='weights')
                biases = tf.Variable(tf.zeros([mnist.NUM_CLASSES]),
                                     name='biases')
                logits = tf.matmul(hidden2, weights) + biases
            return logits

        @staticmethod
        def loss(logits, labels):
            labels = tf.to_int64(labels)
            return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)

        @staticmethod
        def training(loss, learning_rate):
            tf.summary.scalar('loss', loss)
            optimizer = tf.train.GradientDescentOptimizer(learning_rate)
            global_step = tf.Variable(0, name='global_step', trainable=False)
            train_op = optimizer.minimize(loss, global_step=global_step)
            return train_op

        @staticmethod
        def evaluation(logits, labels):
            correct = tf.nn.in_top_k(logits, labels, 1)
            return tf.reduce_sum(tf.cast(correct, tf.int32))

    return mnist


def _program(tf, FLAGS):
    """fully_connected_feed.py, as published (module level and functions)."""
    mnist = _mnist_module(tf)
    xrange = range

    def placeholder_inputs(batch_size):
        images_placeholder = tf.placeholder(tf.float32, shape=(batch_size,
                                                               mnist.IMAGE_PIXELS))
        labels_placeholder = tf.placeholder(tf.int32, shape=(batch_size))
        return images_placeholder, labels_placeholder

    def fill_feed_dict(data_set, images_pl, labels_pl):
        images_feed, labels_feed = data_set.next_batch(FLAGS.batch_size,
                                                       FLAGS.fake_data)
        feed_dict = {
            images_pl: images_feed,
            labels_pl: labels_feed,
        }
        return feed_dict

    def do_eval(sess,
                eval_correct,
                images_placeholder,
                labels_placeholder,
                data_set):
        true_count = 0
        steps_per_epoch = data_set.num_examples // FLAGS.batch_size
        num_examples = steps_per_epoch * FLAGS.batch_size
        for step in xrange(steps_per_epoch):
            feed_dict = fill_feed_dict(data_set,
                                       images_placeholder,
                                       labels_placeholder)
            true_count += sess.run(eval_correct, feed_dict=feed_dict)
        precision = float(true_count) / num_examples
        print('Num examples: %d  Num correct: %d  Precision @ 1: %0.04f' %
              (num_examples, true_count, precision))

    def run_training():
        data_sets = input_data.read_data_sets(FLAGS.input_data_dir, FLAGS.fake_data)

        with tf.Graph().as_default():
            images_placeholder, labels_placeholder = placeholder_inputs(
                FLAGS.batch_size)
            logits = mnist.inference(images_placeholder,
                                     FLAGS.hidden1,
                                     FLAGS.hidden2)
            loss = mnist.loss(logits, labels_placeholder)
            train_op = mnist.training(loss, FLAGS.learning_rate)
            eval_correct = mnist.evaluation(logits, labels_placeholder)
            summary = tf.summary.merge_all()
            init = tf.global_variables_initializer()
            saver = tf.train.Saver()
            sess = tf.Session()
            summary_writer = tf.summary.FileWriter(FLAGS.log_dir, sess.graph)

            sess.run(init)
            same_start(sess, tf)  # adapted: the same starting weights on both backends

            for step in xrange(FLAGS.max_steps):
                start_time = time.time()
                feed_dict = fill_feed_dict(data_sets.train,
                                           images_placeholder,
                                           labels_placeholder)
                _, loss_value = sess.run([train_op, loss],
                                         feed_dict=feed_dict)
                duration = time.time() - start_time

                if step % 100 == 0:
                    print('Step %d: loss = %.2f (%.3f sec)' % (step, loss_value, duration))
                    summary_str = sess.run(summary, feed_dict=feed_dict)
                    summary_writer.add_summary(summary_str, step)
                    summary_writer.flush()

                if (step + 1) % 1000 == 0 or (step + 1) == FLAGS.max_steps:
                    checkpoint_file = os.path.join(FLAGS.log_dir, 'model.ckpt')
                    saver.save(sess, checkpoint_file, global_step=step)
                    print('Training Data Eval:')
                    do_eval(sess,
                            eval_correct,
                            images_placeholder,
                            labels_placeholder,
                            data_sets.train)
                    print('Validation Data Eval:')
                    do_eval(sess,
                            eval_correct,
                            images_placeholder,
                            labels_placeholder,
                            data_sets.validation)
                    print('Test Data Eval:')
                    do_eval(sess,
                            eval_correct,
                            images_placeholder,
                            labels_placeholder,
                            data_sets.test)
            # adapted: what the run leaves behind, for the comparison
            result["last_loss"] = float(loss_value)
            result["global_step"] = [int(sess.run(tf.train.get_global_step()))]
            summary_writer.close()
            sess.close()

    def main(_):
        if tf.gfile.Exists(FLAGS.log_dir):
            tf.gfile.DeleteRecursively(FLAGS.log_dir)
        tf.gfile.MakeDirs(FLAGS.log_dir)
        run_training()

    result = {}
    return main, result


def _parser(log_dir):
    parser = argparse.ArgumentParser()
    parser.add_argument('--learning_rate', type=float, default=0.01,
                        help='Initial learning rate.')
    parser.add_argument('--max_steps', type=int, default=2000,
                        help='Number of steps to run trainer.')
    parser.add_argument('--hidden1', type=int, default=128,
                        help='Number of units in hidden layer 1.')
    parser.add_argument('--hidden2', type=int, default=32,
                        help='Number of units in hidden layer 2.')
    parser.add_argument('--batch_size', type=int, default=100,
                        help='Batch size.  Must divide evenly into the dataset sizes.')
    parser.add_argument('--input_data_dir', type=str,
                        default=os.path.join(os.getenv('TEST_TMPDIR', '/tmp'),
                                             'tensorflow/mnist/input_data'),
                        help='Directory to put the input data.')
    parser.add_argument('--log_dir', type=str, default=log_dir,
                        help='Directory to put the log data.')
    parser.add_argument('--fake_data', default=False, action='store_true',
                        help='If true, uses fake data for unit testing.')
    return parser


def main(tf):
    log_dir = os.path.join(tempfile.mkdtemp(), "logs", "fully_connected_feed")
    FLAGS, _unparsed = _parser(log_dir).parse_known_args(["--max_steps", "1001"])
    program_main, result = _program(tf, FLAGS)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        program_main(None)
    lines = printed.getvalue().splitlines()
    evals = [line.split() for line in lines if line.startswith("Num examples")]
    result["precisions"] = [line[-1] for line in evals]
    result["num_correct"] = [[int(line[2]), int(line[5])] for line in evals]
    result["step_lines"] = [line.split(" (")[0] for line in lines if line.startswith("Step")]
    losses = []
    for path in sorted(tf.gfile.Glob(os.path.join(log_dir, "events.out.tfevents.*"))):
        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                losses.append((event.step, value.tag, value.simple_value))
    result["loss_summaries"] = [[step, tag] for step, tag, _ in losses]
    result["last_loss_summary"] = float(losses[-1][2])
    state = tf.train.get_checkpoint_state(log_dir)
    result["checkpoints"] = [os.path.basename(p) for p in state.all_model_checkpoint_paths]
    result["checkpoint_variables"] = [
        [name, list(shape)] for name, shape in tf.train.list_variables(log_dir)]
    return result
