"""TF-Slim's CifarNet (tensorflow/models ``research/slim/nets/cifarnet.py``: ``cifarnet``
with its two ``tf.nn.lrn`` layers and ``cifarnet_arg_scope``'s nested arg_scopes for
``slim.conv2d`` and ``slim.fully_connected``, as published), trained as
``train_image_classifier.py`` builds its loss: ``tf.losses.softmax_cross_entropy`` with
``label_smoothing``, the ``slim.l2_regularizer`` terms from
``tf.losses.get_regularization_losses()`` added with ``tf.add_n``, a
``slim.learning.create_train_op`` with ``MomentumOptimizer`` under an exponentially
decayed learning rate, run by hand for a few steps; then the logits of the test images
from the same weights with ``is_training=False`` and ``reuse=True``.

Adapted: CIFAR-10's images are replaced by the bundled digits padded to 32x32 and put
in three channels; ``dropout_keep_prob=1.0`` while training (the two backends draw
different dropout masks); a few steps. ``slim`` is ``tf.contrib.slim`` under trainkit and
``tf_slim`` 1.1.0 under TF 2.21 (``slim_lenet._slim``'s stand-in). Both start from
``same_start``'s NumPy weights, biases included.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start
from tests.compat.programs.slim_lenet import _slim

COMPARE = {"first_loss": 1e-5, "final_loss": 1e-3, "regularization": 1e-3,
           "test_logits_mean": 1e-3, "accuracy": 0.01, "variables": 0.0,
           "regularization_losses": 0.0, "end_points": 0.0}


def cifarnet(tf, slim, images, num_classes=10, is_training=False, dropout_keep_prob=0.5,
             prediction_fn=None, scope="CifarNet", reuse=None):
    """nets/cifarnet.py, as published (``reuse`` passed to the variable scope)."""
    prediction_fn = prediction_fn or slim.softmax
    trunc_normal = lambda stddev: tf.truncated_normal_initializer(stddev=stddev)  # noqa: E731
    end_points = {}
    with tf.variable_scope(scope, "CifarNet", [images], reuse=reuse):
        net = slim.conv2d(images, 64, [5, 5], scope="conv1")
        end_points["conv1"] = net
        net = slim.max_pool2d(net, [2, 2], 2, scope="pool1")
        end_points["pool1"] = net
        net = tf.nn.lrn(net, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75, name="norm1")
        net = slim.conv2d(net, 64, [5, 5], scope="conv2")
        end_points["conv2"] = net
        net = tf.nn.lrn(net, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75, name="norm2")
        net = slim.max_pool2d(net, [2, 2], 2, scope="pool2")
        end_points["pool2"] = net
        net = slim.flatten(net)
        end_points["Flatten"] = net
        net = slim.fully_connected(net, 384, scope="fc3")
        end_points["fc3"] = net
        net = slim.dropout(net, dropout_keep_prob, is_training=is_training, scope="dropout3")
        net = slim.fully_connected(net, 192, scope="fc4")
        end_points["fc4"] = net
        if not num_classes:
            return net, end_points
        logits = slim.fully_connected(
            net, num_classes, biases_initializer=tf.zeros_initializer(),
            weights_initializer=trunc_normal(1 / 192.0), weights_regularizer=None,
            activation_fn=None, scope="logits")
        end_points["Logits"] = logits
        end_points["Predictions"] = prediction_fn(logits, scope="Predictions")
    return logits, end_points


def cifarnet_arg_scope(tf, slim, weight_decay=0.004):
    with slim.arg_scope(
            [slim.conv2d],
            weights_initializer=tf.truncated_normal_initializer(stddev=5e-2),
            activation_fn=tf.nn.relu):
        with slim.arg_scope(
                [slim.fully_connected],
                biases_initializer=tf.constant_initializer(0.1),
                weights_initializer=tf.truncated_normal_initializer(stddev=0.04),
                weights_regularizer=slim.l2_regularizer(weight_decay),
                activation_fn=tf.nn.relu) as sc:
            return sc


def _cifar_like(images: np.ndarray) -> np.ndarray:
    x = np.pad(images.reshape(-1, 28, 28, 1), ((0, 0), (2, 2), (2, 2), (0, 0)))
    return np.repeat(x, 3, axis=3).astype(np.float32)


def main(tf):
    slim = _slim(tf)
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    batch, steps = 16, 10
    images = tf.placeholder(tf.float32, [None, 32, 32, 3])
    labels = tf.placeholder(tf.float32, [None, 10])
    with slim.arg_scope(cifarnet_arg_scope(tf, slim)):
        logits, end_points = cifarnet(tf, slim, images, is_training=True,
                                      dropout_keep_prob=1.0)
    tf.losses.softmax_cross_entropy(labels, logits, label_smoothing=0.1, weights=1.0)
    regs = tf.losses.get_regularization_losses()
    total_loss = tf.add_n(tf.losses.get_losses() + regs, name="total_loss")
    global_step = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.005, global_step, 5, 0.94, staircase=True)
    optimizer = tf.train.MomentumOptimizer(lr, 0.9)
    train_op = slim.learning.create_train_op(total_loss, optimizer)
    with slim.arg_scope(cifarnet_arg_scope(tf, slim)):
        test_logits, _ = cifarnet(tf, slim, images, is_training=False, reuse=True)
    names = sorted(v.op.name for v in tf.global_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, biases=True)
        losses = []
        for _ in range(steps):
            x, y = mnist.train.next_batch(batch)
            losses.append(sess.run(train_op, {images: _cifar_like(x), labels: y}))
        reg = sess.run(tf.add_n(regs))
        out = sess.run(test_logits, {images: _cifar_like(mnist.test.images[:200])})
    acc = float(np.mean(out.argmax(1) == mnist.test.labels[:200].argmax(1)))
    return {"first_loss": float(losses[0]), "final_loss": float(losses[-1]),
            "regularization": float(reg), "test_logits_mean": float(out.mean()),
            "accuracy": acc, "variables": names,
            "regularization_losses": sorted(t.op.name for t in regs),
            "end_points": sorted(end_points)}
