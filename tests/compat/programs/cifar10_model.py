"""The CIFAR-10 tutorial model (``cifar10.inference``) on 24x24x3 images: conv 5x5x64,
max-pool 3x3 stride 2, ``tf.nn.lrn(4, bias=1.0, alpha=0.001/9.0, beta=0.75)``, conv,
LRN, pool, dense 384 and 192 with L2 weight decay added to the ``losses`` collection,
``tf.add_n`` of the total loss, SGD; images generated (the dataset download replaced)."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"total_loss": 1e-4, "first_loss": 1e-5, "logits_sum": 1e-3}


def main(tf):
    rng = np.random.RandomState(5)
    images_np = rng.uniform(0, 1, (32, 24, 24, 3)).astype(np.float32)
    labels_np = rng.randint(0, 10, 32).astype(np.int32)
    images = tf.placeholder(tf.float32, [32, 24, 24, 3])
    labels = tf.placeholder(tf.int32, [32])

    def _variable_with_weight_decay(name, shape, stddev, wd):
        var = tf.get_variable(name, shape,
                              initializer=tf.truncated_normal_initializer(stddev=stddev))
        if wd is not None:
            weight_decay = tf.multiply(tf.nn.l2_loss(var), wd, name="weight_loss")
            tf.add_to_collection("losses", weight_decay)
        return var

    with tf.variable_scope("conv1") as scope:
        kernel = _variable_with_weight_decay("weights", [5, 5, 3, 64], 5e-2, None)
        conv = tf.nn.conv2d(images, kernel, [1, 1, 1, 1], padding="SAME")
        biases = tf.get_variable("biases", [64], initializer=tf.constant_initializer(0.0))
        conv1 = tf.nn.relu(tf.nn.bias_add(conv, biases), name=scope.name)
    pool1 = tf.nn.max_pool(conv1, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1],
                           padding="SAME", name="pool1")
    norm1 = tf.nn.lrn(pool1, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75, name="norm1")
    with tf.variable_scope("conv2") as scope:
        kernel = _variable_with_weight_decay("weights", [5, 5, 64, 64], 5e-2, None)
        conv = tf.nn.conv2d(norm1, kernel, [1, 1, 1, 1], padding="SAME")
        biases = tf.get_variable("biases", [64], initializer=tf.constant_initializer(0.1))
        conv2 = tf.nn.relu(tf.nn.bias_add(conv, biases), name=scope.name)
    norm2 = tf.nn.lrn(conv2, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75, name="norm2")
    pool2 = tf.nn.max_pool(norm2, ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1],
                           padding="SAME", name="pool2")
    with tf.variable_scope("local3") as scope:
        reshape = tf.reshape(pool2, [images.get_shape().as_list()[0], -1])
        dim = reshape.get_shape()[1].value
        weights = _variable_with_weight_decay("weights", [dim, 384], 0.04, 0.004)
        biases = tf.get_variable("biases", [384], initializer=tf.constant_initializer(0.1))
        local3 = tf.nn.relu(tf.matmul(reshape, weights) + biases, name=scope.name)
    with tf.variable_scope("local4") as scope:
        weights = _variable_with_weight_decay("weights", [384, 192], 0.04, 0.004)
        biases = tf.get_variable("biases", [192], initializer=tf.constant_initializer(0.1))
        local4 = tf.nn.relu(tf.matmul(local3, weights) + biases, name=scope.name)
    with tf.variable_scope("softmax_linear") as scope:
        weights = _variable_with_weight_decay("weights", [192, 10], 1 / 192.0, None)
        biases = tf.get_variable("biases", [10], initializer=tf.constant_initializer(0.0))
        softmax_linear = tf.add(tf.matmul(local4, weights), biases, name=scope.name)

    cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.cast(labels, tf.int64), logits=softmax_linear, name="cross_entropy_per_example")
    cross_entropy_mean = tf.reduce_mean(cross_entropy, name="cross_entropy")
    tf.add_to_collection("losses", cross_entropy_mean)
    total_loss = tf.add_n(tf.get_collection("losses"), name="total_loss")
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(total_loss)

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf)
        feed = {images: images_np, labels: labels_np}
        first = sess.run(total_loss, feed)
        for _ in range(5):
            sess.run(train_op, feed)
        lv, logits = sess.run([total_loss, softmax_linear], feed)
    return {"total_loss": float(lv), "first_loss": float(first),
            "logits_sum": float(np.abs(logits).sum())}
