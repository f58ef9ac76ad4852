"""TensorBoard basics: name scopes for the model, loss, SGD and accuracy; scalar
summaries merged with ``merge_all``; a ``FileWriter`` with the graph; the summary of
every step written with its step number. Returns the numbers and what the event file
holds (read back with ``summary_iterator``)."""

from __future__ import annotations

import glob
import tempfile

from tests.compat.programs.common import read_data_sets

COMPARE = {"avg_cost": 1e-5, "accuracy": 1e-6, "tags": 0.0, "loss_events": 0.0,
           "last_loss_event": 1e-5}


def _scalar_events(tf, logdir):
    """tag -> sorted (step, value) pairs of the scalar summaries in ``logdir``."""
    out = {}
    for path in glob.glob(logdir + "/events.out.tfevents.*"):
        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                out.setdefault(value.tag, []).append((event.step, value.simple_value))
    return {tag: sorted(v) for tag, v in out.items()}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    learning_rate = 0.01
    batch_size = 100
    logs_path = tempfile.mkdtemp()

    x = tf.placeholder(tf.float32, [None, 784], name="InputData")
    y = tf.placeholder(tf.float32, [None, 10], name="LabelData")
    W = tf.Variable(tf.zeros([784, 10]), name="Weights")
    b = tf.Variable(tf.zeros([10]), name="Bias")
    with tf.name_scope("Model"):
        pred = tf.nn.softmax(tf.matmul(x, W) + b)
    with tf.name_scope("Loss"):
        cost = tf.reduce_mean(-tf.reduce_sum(y * tf.log(pred), reduction_indices=1))
    with tf.name_scope("SGD"):
        optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)
    with tf.name_scope("Accuracy"):
        acc = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
        acc = tf.reduce_mean(tf.cast(acc, tf.float32))
    init = tf.global_variables_initializer()
    tf.summary.scalar("loss", cost)
    tf.summary.scalar("accuracy", acc)
    merged_summary_op = tf.summary.merge_all()

    with tf.Session() as sess:
        sess.run(init)
        summary_writer = tf.summary.FileWriter(logs_path, graph=tf.get_default_graph())
        total_batch = int(mnist.train.num_examples / batch_size)
        avg_cost = 0.0
        for epoch in range(2):
            avg_cost = 0.0
            for i in range(total_batch):
                batch_xs, batch_ys = mnist.train.next_batch(batch_size)
                _, c, summary = sess.run([optimizer, cost, merged_summary_op],
                                         feed_dict={x: batch_xs, y: batch_ys})
                summary_writer.add_summary(summary, epoch * total_batch + i)
                avg_cost += c / total_batch
        summary_writer.close()
        accuracy = acc.eval({x: mnist.test.images, y: mnist.test.labels})
    events = _scalar_events(tf, logs_path)
    # The summary op named "loss" is uniquified to "loss_1" (its tag too): TF compares op
    # names case-insensitively and the scope "Loss" exists.
    losses = events["loss_1"]
    return {"avg_cost": float(avg_cost), "accuracy": float(accuracy), "tags": sorted(events),
            "loss_events": [len(losses), losses[-1][0]],
            "last_loss_event": float(losses[-1][1])}
