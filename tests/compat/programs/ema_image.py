"""Image preprocessing plus moving averages, as the CIFAR/ImageNet training scripts do:
``tf.image.per_image_standardization``, ``resize_images``, ``central_crop``; a model
trained with ``tf.train.ExponentialMovingAverage(0.99, num_updates=global_step)`` applied
after each step (``control_dependencies([opt_op])`` then ``ema.apply``), evaluated by
restoring the averages with ``ema.variables_to_restore()`` into a second Saver."""

from __future__ import annotations

import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"loss": 1e-5, "ema_loss": 1e-5, "restore_names": 0.0, "pre_sum": 1e-4}


def main(tf):
    rng = np.random.RandomState(9)
    raw = rng.uniform(0, 255, (16, 20, 20, 3)).astype(np.float32)
    label_np = rng.randint(0, 4, 16).astype(np.int64)
    images = tf.placeholder(tf.float32, [16, 20, 20, 3])
    labels = tf.placeholder(tf.int64, [16])
    pre = tf.map_fn(tf.image.per_image_standardization, images) if hasattr(tf, "map_fn") \
        else images
    pre = tf.image.resize_images(pre, [16, 16])
    pre = tf.image.central_crop(pre, 0.5)
    flat = tf.reshape(pre, [16, 8 * 8 * 3])
    with tf.variable_scope("model"):
        w = tf.get_variable("w", [192, 4])
        b = tf.get_variable("b", [4], initializer=tf.zeros_initializer())
    logits = tf.matmul(flat, w) + b
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                         logits=logits))
    global_step = tf.train.get_or_create_global_step()
    opt_op = tf.train.GradientDescentOptimizer(0.05).minimize(loss, global_step=global_step)
    ema = tf.train.ExponentialMovingAverage(0.99, num_updates=global_step)
    with tf.control_dependencies([opt_op]):
        train_op = ema.apply(tf.trainable_variables())
    saver = tf.train.Saver()
    path = tempfile.mkdtemp() + "/model.ckpt"
    feed = {images: raw, labels: label_np}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf)
        for _ in range(20):
            sess.run(train_op, feed)
        lv, pv = sess.run([loss, pre], feed)
        saver.save(sess, path)
    restore_map = ema.variables_to_restore()
    ema_saver = tf.train.Saver(restore_map)
    with tf.Session() as sess:
        ema_saver.restore(sess, path)
        ema_loss = sess.run(loss, feed)
    return {"loss": float(lv), "ema_loss": float(ema_loss), "pre_sum": float(np.abs(pv).sum()),
            "restore_names": sorted(restore_map)}
