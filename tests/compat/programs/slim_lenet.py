"""TF-Slim's LeNet (tensorflow/models ``research/slim/nets/lenet.py`` with its
``lenet_arg_scope``), trained the TF-Slim walkthrough's way: ``slim.losses``
cross-entropy plus the L2 weight decay from ``get_total_loss``,
``slim.learning.create_train_op`` with RMSProp and ``slim.learning.train`` (a Supervisor
loop writing checkpoints) for a few steps on a ``tf.data`` pipeline; then evaluation in a
fresh graph restored with ``assign_from_checkpoint_fn(get_variables_to_restore())``.

``slim`` is ``tf.contrib.slim`` under trainkit and ``tf_slim`` 1.1.0 under TF 2.21. Both
start from ``same_start``'s weights (``init_fn``); dropout keeps everything
(``dropout_keep_prob=1.0``) since the two draw different masks.
"""

from __future__ import annotations

import importlib
import sys
import tempfile

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"final_total_loss": 1e-3, "eval_loss": 1e-3, "accuracy": 0.01,
           "fc3_weights_sum": 5e-3, "variables": 0.0, "model_variables": 0.0,
           "regularization_losses": 0.0, "end_points": 0.0}


def _slim(tf):
    if hasattr(tf, "contrib"):
        return tf.contrib.slim
    # tf_slim 1.1.0 on TF 2.21: it still names ops.Tensor / ops.IndexedSlices /
    # control_flow_ops.cond, and TF's tf.layers shims look for tf_keras.legacy_tf_layers
    # (shipped as tf_keras.src.legacy_tf_layers).
    from tensorflow.python.framework import ops
    from tensorflow.python.ops import control_flow_ops
    ops.Tensor, ops.IndexedSlices = tf.Tensor, tf.IndexedSlices
    control_flow_ops.cond = tf.cond
    for sub in ("", ".base", ".core", ".convolutional", ".normalization", ".pooling"):
        sys.modules["tf_keras.legacy_tf_layers" + sub] = importlib.import_module(
            "tf_keras.src.legacy_tf_layers" + sub)
    return importlib.import_module("tf_slim")


def lenet(tf, slim, images, num_classes=10, is_training=False, dropout_keep_prob=0.5,
          scope="LeNet"):
    """nets/lenet.py, as published."""
    end_points = {}
    with tf.variable_scope(scope, "LeNet", [images]):
        net = end_points["conv1"] = slim.conv2d(images, 32, [5, 5], scope="conv1")
        net = end_points["pool1"] = slim.max_pool2d(net, [2, 2], 2, scope="pool1")
        net = end_points["conv2"] = slim.conv2d(net, 64, [5, 5], scope="conv2")
        net = end_points["pool2"] = slim.max_pool2d(net, [2, 2], 2, scope="pool2")
        net = slim.flatten(net)
        end_points["Flatten"] = net
        net = end_points["fc3"] = slim.fully_connected(net, 1024, scope="fc3")
        net = end_points["dropout3"] = slim.dropout(
            net, dropout_keep_prob, is_training=is_training, scope="dropout3")
        logits = end_points["Logits"] = slim.fully_connected(
            net, num_classes, activation_fn=None, scope="fc4")
    end_points["Predictions"] = slim.softmax(logits, scope="Predictions")
    return logits, end_points


def lenet_arg_scope(tf, slim, weight_decay=0.0):
    with slim.arg_scope([slim.conv2d, slim.fully_connected],
                        weights_regularizer=slim.l2_regularizer(weight_decay),
                        weights_initializer=tf.truncated_normal_initializer(stddev=0.1),
                        activation_fn=tf.nn.relu) as sc:
        return sc


def main(tf):
    slim = _slim(tf)
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    logdir = tempfile.mkdtemp(prefix="slim_lenet_")
    steps = 40
    data = tf.data.Dataset.from_tensor_slices(
        (mnist.train.images.reshape(-1, 28, 28, 1), mnist.train.labels)).repeat().batch(32)
    images, labels = tf.data.make_one_shot_iterator(data).get_next()
    with slim.arg_scope(lenet_arg_scope(tf, slim, weight_decay=0.0004)):
        logits, end_points = lenet(tf, slim, images, is_training=True, dropout_keep_prob=1.0)
    slim.losses.softmax_cross_entropy(logits, labels)
    total_loss = slim.losses.get_total_loss()
    optimizer = tf.train.RMSPropOptimizer(0.001, 0.9)
    train_op = slim.learning.create_train_op(total_loss, optimizer)
    regs = sorted(t.op.name for t in slim.losses.get_regularization_losses())
    names = sorted(v.op.name for v in tf.global_variables())
    model_names = [v.op.name for v in slim.get_model_variables()]
    final_total = slim.learning.train(
        train_op, logdir, number_of_steps=steps, summary_op=None,
        init_fn=lambda sess: same_start(sess, tf, biases=True),
        save_summaries_secs=10000, save_interval_secs=10000)
    with tf.Graph().as_default():
        x = tf.constant(mnist.test.images.reshape(-1, 28, 28, 1))
        y = tf.constant(mnist.test.labels)
        with slim.arg_scope(lenet_arg_scope(tf, slim)):
            logits, _ = lenet(tf, slim, x, is_training=False)
        eval_loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(
            labels=y, logits=logits))
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)),
                                          tf.float32))
        init_fn = slim.assign_from_checkpoint_fn(f"{logdir}/model.ckpt-{steps}",
                                                 slim.get_variables_to_restore())
        fc3 = slim.get_unique_variable("LeNet/fc3/weights")
        with tf.Session() as sess:
            init_fn(sess)
            el, acc, w = sess.run([eval_loss, accuracy, fc3])
    return {"final_total_loss": float(final_total),
            "eval_loss": float(el), "accuracy": float(acc), "fc3_weights_sum": float(w.sum()),
            "variables": names, "model_variables": model_names,
            "regularization_losses": regs, "end_points": sorted(end_points)}
