"""XOR by a two-layer sigmoid network with TensorBoard summaries, from Sung Kim's
"DeepLearningZeroToAll" (github.com/hunkim/DeepLearningZeroToAll at commit
60c707e02af7bd950401faeadcc6c0e1b39b2978, ``lab-09-4-xor_tensorboard.py``): named
placeholders, ``tf.name_scope("Layer1")`` / ``("Layer2")`` / ``("Cost")`` / ``("Train")``
with ``tf.summary.histogram`` of every weight, bias and activation and
``tf.summary.scalar`` of the cost and the accuracy, ``tf.summary.merge_all()`` called
inside the session block, ``tf.summary.FileWriter`` + ``add_graph(sess.graph)``,
``AdamOptimizer(0.01)`` fetched with the merged summary each step and
``writer.add_summary(summary, global_step=step)``, then the accuracy report. Returns the
numbers and what the event file holds, read back with ``tf.train.summary_iterator``.

Adapted: the log directory is a temporary one; 301 steps instead of 10001; the weights
start from ``same_start``'s draw (biases zero) instead of ``tf.random_normal``; the
writer is closed before the file is read (the original leaves it to the process exit);
the prints are left out.
"""

from __future__ import annotations

import glob
import shutil
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"cost": 1e-5, "hypothesis_sum": 1e-5, "accuracy": 0.0, "W2_sum": 1e-5,
           "tags": 0.0, "steps": 0.0, "last_cost_summary": 1e-5, "last_W1_histo": 1e-5,
           "graph_events": 0.0}


def main(tf):
    logdir = tempfile.mkdtemp()
    tf.set_random_seed(777)  # for reproducibility

    x_data = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y_data = np.array([[0], [1], [1], [0]], dtype=np.float32)

    X = tf.placeholder(tf.float32, [None, 2], name="x")
    Y = tf.placeholder(tf.float32, [None, 1], name="y")

    with tf.name_scope("Layer1"):
        W1 = tf.Variable(tf.random_normal([2, 2]), name="weight_1")
        b1 = tf.Variable(tf.random_normal([2]), name="bias_1")
        layer1 = tf.sigmoid(tf.matmul(X, W1) + b1)

        tf.summary.histogram("W1", W1)
        tf.summary.histogram("b1", b1)
        tf.summary.histogram("Layer1", layer1)

    with tf.name_scope("Layer2"):
        W2 = tf.Variable(tf.random_normal([2, 1]), name="weight_2")
        b2 = tf.Variable(tf.random_normal([1]), name="bias_2")
        hypothesis = tf.sigmoid(tf.matmul(layer1, W2) + b2)

        tf.summary.histogram("W2", W2)
        tf.summary.histogram("b2", b2)
        tf.summary.histogram("Hypothesis", hypothesis)

    # cost/loss function
    with tf.name_scope("Cost"):
        cost = -tf.reduce_mean(Y * tf.log(hypothesis) + (1 - Y) * tf.log(1 - hypothesis))
        tf.summary.scalar("Cost", cost)

    with tf.name_scope("Train"):
        train = tf.train.AdamOptimizer(learning_rate=0.01).minimize(cost)

    # Accuracy computation
    # True if hypothesis>0.5 else False
    predicted = tf.cast(hypothesis > 0.5, dtype=tf.float32)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(predicted, Y), dtype=tf.float32))
    tf.summary.scalar("accuracy", accuracy)

    # Launch graph
    with tf.Session() as sess:
        # tensorboard --logdir=./logs/xor_logs
        merged_summary = tf.summary.merge_all()
        writer = tf.summary.FileWriter(logdir + "/xor_logs_r0_01")
        writer.add_graph(sess.graph)  # Show the graph

        # Initialize TensorFlow variables
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, seed=9, biases=True)

        for step in range(301):
            _, summary, cost_val = sess.run(
                [train, merged_summary, cost], feed_dict={X: x_data, Y: y_data}
            )
            writer.add_summary(summary, global_step=step)

        # Accuracy report
        h, p, a = sess.run(
            [hypothesis, predicted, accuracy], feed_dict={X: x_data, Y: y_data}
        )
        W2_val = sess.run(W2)
        writer.close()

    tags, steps, graph_events = set(), set(), 0
    last = {}
    for path in glob.glob(logdir + "/xor_logs_r0_01/events.out.tfevents.*"):
        for event in tf.train.summary_iterator(path):
            graph_events += bool(event.graph_def)
            for value in event.summary.value:
                tags.add(value.tag)
                steps.add(event.step)
                last[value.tag] = value
    shutil.rmtree(logdir, ignore_errors=True)
    w1 = last["Layer1/W1"].histo
    return {"cost": float(cost_val), "hypothesis_sum": float(np.sum(h * [[1], [2], [3], [4]])),
            "accuracy": [float(a)], "W2_sum": float(W2_val[0, 0] + 2 * W2_val[1, 0]),
            "tags": sorted(tags), "steps": [min(steps), max(steps), len(steps)],
            "last_cost_summary": float(last["Cost/Cost"].simple_value),
            "last_W1_histo": float(w1.sum + w1.min + 2 * w1.max + w1.sum_squares),
            "graph_events": [graph_events]}
