"""TensorBoard, the advanced example: aymericdamien's TensorFlow-Examples,
``tensorflow_v1/examples/4_Utils/tensorboard_advanced.py``. A two-layer ReLU perceptron
in name scopes; the gradients computed by ``tf.gradients`` and applied with
``apply_gradients(list(zip(grads, tf.trainable_variables())))``; histogram summaries of
both ReLU activations (created inside the ``Model`` scope), of every variable under its
``var.name`` (``'W1:0'``: a colon, which the summary op's name does not allow and is
replaced) and of every gradient (``var.name + '/gradient'``), scalar summaries of loss
and accuracy, ``merge_all``, a ``FileWriter`` with the graph and ``add_summary`` at every
step. Returns the numbers and what the event file holds (``summary_iterator``): the tags,
and the first step's summaries.

Adapted: MNIST is the bundled digits in MNIST's shapes (``common.read_data_sets``); 1
epoch (14 steps) instead of 25; the ``random_normal`` starting values (weights and biases)
are loaded from NumPy normal draws so both backends start alike; a temporary log
directory.

This program races in TF1 itself: ``apply_gradients`` of a layer's (ref) variable may run
before the backward ``matmul`` that reads it for the layer below, and the variables'
histograms are read in the same ``run`` as their updates; with the author's unit-variance
starting weights (first losses about 3000) training is chaotic enough that two TF runs
give average costs of 1367 and 1440. So what the race cannot touch is compared tightly
(the first step's loss, activation histograms and output-layer gradient histogram, the
tags and event counts) and the training's outcome loosely."""

from __future__ import annotations

import glob
import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets

COMPARE = {"avg_cost": 0.15, "accuracy": 0.1, "tags": 0.0, "events": 0.0,
           "first_loss": 1e-5, "relu1_histo": 1e-5, "relu2_histo": 1e-5,
           "w3_grad_histo": 1e-4, "relu1_buckets": 0.0}


def _events(tf, logdir):
    """tag -> [(step, summary value)] of every summary in ``logdir``'s event files."""
    out = {}
    for path in glob.glob(logdir + "/events.out.tfevents.*"):
        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                out.setdefault(value.tag, []).append((event.step, value))
    return out


def _histo(value):
    """A histogram summary's statistics: min, max, num, sum, sum of squares."""
    h = value.histo
    return [float(h.min), float(h.max), float(h.num), float(h.sum), float(h.sum_squares)]


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    learning_rate = 0.01
    training_epochs = 1
    batch_size = 100
    logs_path = tempfile.mkdtemp()
    n_hidden_1 = 256
    n_hidden_2 = 256
    n_input = 784
    n_classes = 10

    x = tf.placeholder(tf.float32, [None, 784], name='InputData')
    y = tf.placeholder(tf.float32, [None, 10], name='LabelData')

    def multilayer_perceptron(x, weights, biases):
        layer_1 = tf.add(tf.matmul(x, weights['w1']), biases['b1'])
        layer_1 = tf.nn.relu(layer_1)
        tf.summary.histogram("relu1", layer_1)
        layer_2 = tf.add(tf.matmul(layer_1, weights['w2']), biases['b2'])
        layer_2 = tf.nn.relu(layer_2)
        tf.summary.histogram("relu2", layer_2)
        out_layer = tf.add(tf.matmul(layer_2, weights['w3']), biases['b3'])
        return out_layer

    weights = {
        'w1': tf.Variable(tf.random_normal([n_input, n_hidden_1]), name='W1'),
        'w2': tf.Variable(tf.random_normal([n_hidden_1, n_hidden_2]), name='W2'),
        'w3': tf.Variable(tf.random_normal([n_hidden_2, n_classes]), name='W3')
    }
    biases = {
        'b1': tf.Variable(tf.random_normal([n_hidden_1]), name='b1'),
        'b2': tf.Variable(tf.random_normal([n_hidden_2]), name='b2'),
        'b3': tf.Variable(tf.random_normal([n_classes]), name='b3')
    }
    with tf.name_scope('Model'):
        pred = multilayer_perceptron(x, weights, biases)
    with tf.name_scope('Loss'):
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=pred, labels=y))
    with tf.name_scope('SGD'):
        optimizer = tf.train.GradientDescentOptimizer(learning_rate)
        grads = tf.gradients(loss, tf.trainable_variables())
        grads = list(zip(grads, tf.trainable_variables()))
        apply_grads = optimizer.apply_gradients(grads_and_vars=grads)
    with tf.name_scope('Accuracy'):
        acc = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
        acc = tf.reduce_mean(tf.cast(acc, tf.float32))
    init = tf.global_variables_initializer()
    tf.summary.scalar("loss", loss)
    tf.summary.scalar("accuracy", acc)
    for var in tf.trainable_variables():
        tf.summary.histogram(var.name, var)
    for grad, var in grads:
        tf.summary.histogram(var.name + '/gradient', grad)
    merged_summary_op = tf.summary.merge_all()

    with tf.Session() as sess:
        sess.run(init)
        rng = np.random.RandomState(11)
        for var in sorted(tf.trainable_variables(), key=lambda v: v.name):
            var.load(rng.normal(size=var.shape.as_list()).astype(np.float32), sess)
        summary_writer = tf.summary.FileWriter(logs_path, graph=tf.get_default_graph())
        for epoch in range(training_epochs):
            avg_cost = 0.
            total_batch = int(mnist.train.num_examples / batch_size)
            for i in range(total_batch):
                batch_xs, batch_ys = mnist.train.next_batch(batch_size)
                _, c, summary = sess.run([apply_grads, loss, merged_summary_op],
                                         feed_dict={x: batch_xs, y: batch_ys})
                summary_writer.add_summary(summary, epoch * total_batch + i)
                avg_cost += c / total_batch
        summary_writer.close()
        accuracy = acc.eval({x: mnist.test.images, y: mnist.test.labels})
    events = _events(tf, logs_path)
    first = {tag: min(values, key=lambda sv: sv[0])[1] for tag, values in events.items()}
    return {"avg_cost": float(avg_cost), "accuracy": float(accuracy), "tags": sorted(events),
            "events": sorted({len(v) for v in events.values()}),
            "first_loss": float(first["loss_1"].simple_value),
            "relu1_histo": float(np.sum(_histo(first["Model/relu1"]))),
            "relu2_histo": float(np.sum(_histo(first["Model/relu2"]))),
            "w3_grad_histo": float(np.sum(_histo(first["W3_0/gradient"]))),
            "relu1_buckets": [len(first["Model/relu1"].histo.bucket),
                              float(first["Model/relu1"].histo.bucket_limit[0])]}
