"""A summarized MLP that saves each epoch and resumes from its checkpoint, from Sung Kim's
"DeepLearningZeroToAll" (github.com/hunkim/DeepLearningZeroToAll at commit
60c707e02af7bd950401faeadcc6c0e1b39b2978, ``lab-13-3-mnist_save_restore.py``): five
``tf.variable_scope('layerN')`` layers of ``tf.get_variable("W", ...,
initializer=tf.contrib.layers.xavier_initializer())`` and ``tf.Variable`` biases with
dropout, ``tf.summary.image('input', x_image, 3)`` and ``tf.summary.histogram``s of every
layer, ``tf.summary.scalar("loss", cost)`` and ``merge_all``, a non-trainable
bookkeeping ``last_epoch = tf.Variable(0, name='last_epoch')``, ``tf.train.Saver()`` with
``tf.train.get_checkpoint_state(CHECK_POINT_DIR)`` and ``saver.restore`` when a
checkpoint exists, training from ``sess.run(last_epoch)``, each step's summary written
with ``add_summary(s, global_step=global_step)`` and the cost re-run on the batch, and at
each epoch's end ``sess.run(last_epoch.assign(epoch + 1))`` and ``saver.save(sess,
CHECK_POINT_DIR + "/model", global_step=i)`` (``i``: the last batch index).

The program is run twice, as its author's output shows ("Successfully loaded ...",
"Start learning from: 2"): first with ``training_epochs = 1``, then in a fresh graph
with ``training_epochs = 2``, which restores the first run's checkpoint and trains the
second epoch only.

Adapted: MNIST is the bundled digits (``common.read_data_sets``; an epoch is 14 batches
of 100); ``keep_prob`` fed as 1.0 instead of 0.7 in training (a dropout mask is drawn by
each backend's own generator; the dropout ops stay); ``CHECK_POINT_DIR`` is a temporary
directory; the weights start from ``same_start``'s draw (biases zero) before the
restore; the writer is closed at the end of each run; the random test-image prediction
and the prints are left out. Under TF 2.x ``tf.contrib.layers.xavier_initializer`` is
``tests/compat/programs/tf_contrib.py``'s stand-in.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start
from tests.compat.programs.tf_contrib import contrib

# Tolerances cover float rounding of another BLAS kernel set: with NumPy's OpenBLAS on its AVX-512
# kernels (no OPENBLAS_CORETYPE pin) instead of AVX2 ones, accuracy_2 moves by one test image,
# last_loss_summary and W5_sum by 4e-5.
COMPARE = {"avg_cost_1": 1e-5, "avg_cost_2": 1e-5, "accuracy_2": 6e-3, "start_from": 0.0,
           "loaded": 0.0, "checkpoints": 0.0, "tags": 0.0, "event_files": 0.0,
           "loss_steps": 0.0, "last_loss_summary": 1e-4, "image_size": 0.0,
           "W5_sum": 1e-4}


def run(tf, CHECK_POINT_DIR, training_epochs):
    tf.set_random_seed(777)  # reproducibility

    mnist = read_data_sets("MNIST_data/", one_hot=True)

    # parameters
    learning_rate = 0.001
    batch_size = 100

    TB_SUMMARY_DIR = CHECK_POINT_DIR

    # input place holders
    X = tf.placeholder(tf.float32, [None, 784])
    Y = tf.placeholder(tf.float32, [None, 10])

    # Image input
    x_image = tf.reshape(X, [-1, 28, 28, 1])
    tf.summary.image('input', x_image, 3)

    # dropout (keep_prob) rate  0.7~0.5 on training, but should be 1 for testing
    keep_prob = tf.placeholder(tf.float32)

    # weights & bias for nn layers
    xavier_initializer = contrib(tf).layers.xavier_initializer
    with tf.variable_scope('layer1'):
        W1 = tf.get_variable("W", shape=[784, 512],
                             initializer=xavier_initializer())
        b1 = tf.Variable(tf.random_normal([512]))
        L1 = tf.nn.relu(tf.matmul(X, W1) + b1)
        L1 = tf.nn.dropout(L1, keep_prob=keep_prob)

        tf.summary.histogram("X", X)
        tf.summary.histogram("weights", W1)
        tf.summary.histogram("bias", b1)
        tf.summary.histogram("layer", L1)

    with tf.variable_scope('layer2'):
        W2 = tf.get_variable("W", shape=[512, 512],
                             initializer=xavier_initializer())
        b2 = tf.Variable(tf.random_normal([512]))
        L2 = tf.nn.relu(tf.matmul(L1, W2) + b2)
        L2 = tf.nn.dropout(L2, keep_prob=keep_prob)

        tf.summary.histogram("weights", W2)
        tf.summary.histogram("bias", b2)
        tf.summary.histogram("layer", L2)

    with tf.variable_scope('layer3'):
        W3 = tf.get_variable("W", shape=[512, 512],
                             initializer=xavier_initializer())
        b3 = tf.Variable(tf.random_normal([512]))
        L3 = tf.nn.relu(tf.matmul(L2, W3) + b3)
        L3 = tf.nn.dropout(L3, keep_prob=keep_prob)

        tf.summary.histogram("weights", W3)
        tf.summary.histogram("bias", b3)
        tf.summary.histogram("layer", L3)

    with tf.variable_scope('layer4'):
        W4 = tf.get_variable("W", shape=[512, 512],
                             initializer=xavier_initializer())
        b4 = tf.Variable(tf.random_normal([512]))
        L4 = tf.nn.relu(tf.matmul(L3, W4) + b4)
        L4 = tf.nn.dropout(L4, keep_prob=keep_prob)

        tf.summary.histogram("weights", W4)
        tf.summary.histogram("bias", b4)
        tf.summary.histogram("layer", L4)

    with tf.variable_scope('layer5'):
        W5 = tf.get_variable("W", shape=[512, 10],
                             initializer=xavier_initializer())
        b5 = tf.Variable(tf.random_normal([10]))
        hypothesis = tf.matmul(L4, W5) + b5

        tf.summary.histogram("weights", W5)
        tf.summary.histogram("bias", b5)
        tf.summary.histogram("hypothesis", hypothesis)

    # define cost/loss & optimizer
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
        logits=hypothesis, labels=Y))
    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)

    tf.summary.scalar("loss", cost)

    last_epoch = tf.Variable(0, name='last_epoch')

    # Summary
    summary = tf.summary.merge_all()

    # initialize
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=14, biases=True)

    # Create summary writer
    writer = tf.summary.FileWriter(TB_SUMMARY_DIR)
    writer.add_graph(sess.graph)
    global_step = 0

    # Saver and Restore
    saver = tf.train.Saver()
    checkpoint = tf.train.get_checkpoint_state(CHECK_POINT_DIR)

    loaded = None
    if checkpoint and checkpoint.model_checkpoint_path:
        try:
            saver.restore(sess, checkpoint.model_checkpoint_path)
            loaded = os.path.basename(checkpoint.model_checkpoint_path)
        except:  # noqa: E722 - as written
            loaded = "Error on loading old network weights"

    start_from = sess.run(last_epoch)

    # train my model
    for epoch in range(start_from, training_epochs):
        avg_cost = 0
        total_batch = int(mnist.train.num_examples / batch_size)

        for i in range(total_batch):  # noqa: B007 - as written
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            feed_dict = {X: batch_xs, Y: batch_ys, keep_prob: 1.0}
            s, _ = sess.run([summary, optimizer], feed_dict=feed_dict)
            writer.add_summary(s, global_step=global_step)
            global_step += 1

            avg_cost += sess.run(cost, feed_dict=feed_dict) / total_batch

        sess.run(last_epoch.assign(epoch + 1))
        if not os.path.exists(CHECK_POINT_DIR):
            os.makedirs(CHECK_POINT_DIR)
        saver.save(sess, CHECK_POINT_DIR + "/model", global_step=i)

    # Test model and check accuracy
    correct_prediction = tf.equal(tf.argmax(hypothesis, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    acc = sess.run(accuracy, feed_dict={
        X: mnist.test.images, Y: mnist.test.labels, keep_prob: 1})
    W5_val = sess.run(W5)
    writer.close()
    sess.close()
    return {"avg_cost": float(avg_cost), "accuracy": float(acc), "start_from": int(start_from),
            "loaded": loaded, "W5_sum": float(np.sum(W5_val * np.arange(1, 11)))}


def main(tf):
    ckpt_dir = os.path.join(tempfile.mkdtemp(), "mnist2")
    with tf.Graph().as_default():
        first = run(tf, ckpt_dir, training_epochs=1)
    with tf.Graph().as_default():
        second = run(tf, ckpt_dir, training_epochs=2)
    checkpoints = sorted(os.path.basename(p)[:-len(".index")]
                         for p in glob.glob(ckpt_dir + "/model-*.index"))
    tags, loss_steps, last_loss, image_size = set(), [], None, None
    event_files = sorted(glob.glob(ckpt_dir + "/events.out.tfevents.*"))
    for path in event_files:
        for event in tf.train.summary_iterator(path):
            for value in event.summary.value:
                tags.add(value.tag)
                if value.tag == "loss":
                    loss_steps.append(int(event.step))
                    last_loss = value.simple_value
                if value.HasField("image"):
                    image_size = [value.image.height, value.image.width]
    shutil.rmtree(os.path.dirname(ckpt_dir), ignore_errors=True)
    return {"avg_cost_1": first["avg_cost"], "avg_cost_2": second["avg_cost"],
            "accuracy_2": second["accuracy"], "start_from": [first["start_from"],
                                                              second["start_from"]],
            "loaded": [first["loaded"], second["loaded"]], "checkpoints": checkpoints,
            "tags": sorted(tags), "event_files": [len(event_files)],
            "loss_steps": sorted(set(loss_steps)) + [len(loss_steps)],
            "last_loss_summary": float(last_loss), "image_size": image_size,
            "W5_sum": second["W5_sum"]}
