"""The MNIST CNN of Aurélien Géron's "Hands-On Machine Learning" (1st edition), chapter
13: ``ageron/handson-ml``, ``13_convolutional_neural_networks.ipynb`` at commit
7fd688d21dae2814ffcadc09f7ef6a94be4a427b (the newest version of that notebook whose
text the mirror holds; section "MNIST"). Two ``tf.layers.conv2d`` ReLU layers (32 and 64
3x3 maps, stride 1, ``SAME``), ``tf.nn.max_pool`` 2x2 ``VALID``, ``tf.layers.dropout``
under a ``placeholder_with_default(False)`` ``is_training`` switch, a 128-unit
``tf.layers.dense`` ReLU layer and the output layer, sparse softmax cross entropy and
Adam, ``in_top_k`` accuracy; trained with the notebook's early stopping, which keeps the
best parameters seen at each check in NumPy (``get_model_params``: every global
variable's value by ``op.name``) and puts them back at the end
(``restore_model_params``: each variable's ``<name>/Assign`` op found with
``get_operation_by_name``, its initial value ``assign_op.inputs[1]`` fed with the kept
value), then ``tf.train.Saver().save``.

Adapted: MNIST from the bundled digits (``common.read_data_sets``; the notebook's
``test.images[:2000]`` / ``[2000:]`` split becomes the first 50 / the next 100 test
images); 2 epochs of 4 steps instead of 1000 epochs of 1100, a check every 2 steps and
early stopping after more than 1 check without progress instead of 100 (the best
parameters, kept at the last check, are one step older than the final ones, so the
restore changes the model); both dropout rates 0.0 (still fed
``is_training: True``) since dropout masks come from each library's own random stream;
the checkpoint in a temporary directory; the weights are ``same_start``'s NumPy draws.
The output layer reads ``fc1``, not ``fc1_drop``, as the notebook did at that commit
(fixed in 2019, ageron/handson-ml#304); with a dropout rate of 0 the two are equal.
"""

# ruff: noqa: B007 - the notebook's loop variables are kept

from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"acc_train": 1e-6, "acc_test": 0.01, "best_acc_val": 0.01,
           "final_acc_test": 0.01, "final_loss": 1e-3, "checks": 0.0, "saved": 0.0,
           "params": 0.0, "restored_equal": 0.0}


def main(tf):
    height = 28
    width = 28
    channels = 1
    n_inputs = height * width

    conv1_fmaps = 32
    conv1_ksize = 3
    conv1_stride = 1
    conv1_pad = "SAME"

    conv2_fmaps = 64
    conv2_ksize = 3
    conv2_stride = 1
    conv2_pad = "SAME"
    conv2_dropout_rate = 0.0  # the notebook's 0.25 draws each library's own masks

    pool3_fmaps = conv2_fmaps

    n_fc1 = 128
    fc1_dropout_rate = 0.0  # the notebook's 0.5, likewise

    n_outputs = 10

    graph = tf.Graph()
    with graph.as_default():
        with tf.name_scope("inputs"):
            X = tf.placeholder(tf.float32, shape=[None, n_inputs], name="X")
            X_reshaped = tf.reshape(X, shape=[-1, height, width, channels])
            y = tf.placeholder(tf.int32, shape=[None], name="y")
            is_training = tf.placeholder_with_default(False, shape=[], name='is_training')

        conv1 = tf.layers.conv2d(X_reshaped, filters=conv1_fmaps, kernel_size=conv1_ksize,
                                 strides=conv1_stride, padding=conv1_pad,
                                 activation=tf.nn.relu, name="conv1")
        conv2 = tf.layers.conv2d(conv1, filters=conv2_fmaps, kernel_size=conv2_ksize,
                                 strides=conv2_stride, padding=conv2_pad,
                                 activation=tf.nn.relu, name="conv2")

        with tf.name_scope("pool3"):
            pool3 = tf.nn.max_pool(conv2, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1],
                                   padding="VALID")
            pool3_flat = tf.reshape(pool3, shape=[-1, pool3_fmaps * 14 * 14])
            pool3_flat_drop = tf.layers.dropout(pool3_flat, conv2_dropout_rate,
                                                training=is_training)

        with tf.name_scope("fc1"):
            fc1 = tf.layers.dense(pool3_flat_drop, n_fc1, activation=tf.nn.relu, name="fc1")
            fc1_drop = tf.layers.dropout(fc1, fc1_dropout_rate, training=is_training)  # noqa: F841

        with tf.name_scope("output"):
            logits = tf.layers.dense(fc1, n_outputs, name="output")
            Y_proba = tf.nn.softmax(logits, name="Y_proba")  # noqa: F841

        with tf.name_scope("train"):
            xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logits, labels=y)
            loss = tf.reduce_mean(xentropy)
            optimizer = tf.train.AdamOptimizer()
            training_op = optimizer.minimize(loss)

        with tf.name_scope("eval"):
            correct = tf.nn.in_top_k(logits, y, 1)
            accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

        with tf.name_scope("init_and_save"):
            init = tf.global_variables_initializer()
            saver = tf.train.Saver()

    mnist = read_data_sets("/tmp/data/")

    def get_model_params():
        gvars = tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)
        return {gvar.op.name: value
                for gvar, value in zip(gvars, tf.get_default_session().run(gvars))}

    def restore_model_params(model_params):
        gvar_names = list(model_params.keys())
        assign_ops = {gvar_name: tf.get_default_graph().get_operation_by_name(
            gvar_name + "/Assign") for gvar_name in gvar_names}
        init_values = {gvar_name: assign_op.inputs[1]
                       for gvar_name, assign_op in assign_ops.items()}
        feed_dict = {init_values[gvar_name]: model_params[gvar_name]
                     for gvar_name in gvar_names}
        tf.get_default_session().run(assign_ops, feed_dict=feed_dict)

    n_epochs = 2
    batch_size = 50
    steps_per_epoch = 4

    best_acc_val = 0
    check_interval = 2
    checks_since_last_progress = 0
    max_checks_without_progress = 1
    best_model_params = None
    checks = []
    tmp = tempfile.mkdtemp()

    with tf.Session(graph=graph) as sess:
        init.run()
        same_start(sess, tf, biases=True)
        for epoch in range(n_epochs):
            for iteration in range(steps_per_epoch):
                X_batch, y_batch = mnist.train.next_batch(batch_size)
                sess.run(training_op, feed_dict={X: X_batch, y: y_batch, is_training: True})
                if iteration % check_interval == 0:
                    acc_val = accuracy.eval(feed_dict={X: mnist.test.images[:50],
                                                       y: mnist.test.labels[:50]})
                    if acc_val > best_acc_val:
                        best_acc_val = acc_val
                        checks_since_last_progress = 0
                        best_model_params = get_model_params()
                    else:
                        checks_since_last_progress += 1
                    checks.append(checks_since_last_progress)
            acc_train = accuracy.eval(feed_dict={X: X_batch, y: y_batch})
            acc_test = accuracy.eval(feed_dict={X: mnist.test.images[50:150],
                                                y: mnist.test.labels[50:150]})
            if checks_since_last_progress > max_checks_without_progress:
                break

        if best_model_params:
            restore_model_params(best_model_params)
        acc_test_final, final_loss = sess.run(
            [accuracy, loss], feed_dict={X: mnist.test.images[50:150],
                                         y: mnist.test.labels[50:150]})
        restored = get_model_params()
        save_path = saver.save(sess, os.path.join(tmp, "my_mnist_model"))
    saved = sorted(os.path.basename(p) for p in [save_path])
    shutil.rmtree(tmp, ignore_errors=True)
    return {"acc_train": float(acc_train), "acc_test": float(acc_test),
            "best_acc_val": float(best_acc_val), "final_acc_test": float(acc_test_final),
            "final_loss": float(final_loss), "checks": checks, "saved": saved,
            "params": sorted(best_model_params),
            "restored_equal": [all(np.array_equal(restored[k], best_model_params[k])
                                   for k in best_model_params)]}
