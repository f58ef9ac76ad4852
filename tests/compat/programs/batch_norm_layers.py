"""A ``tf.layers`` CNN with batch normalization: conv2d -> batch_normalization(training=
is_training) -> relu -> max_pooling2d, dense head; the train op built under
``control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))`` so the moving
statistics update; evaluation with ``is_training=False``."""

from __future__ import annotations

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"loss": 1e-3, "moving_mean_sum": 1e-4, "moving_var_sum": 1e-4,
           "eval_loss": 1e-3, "accuracy": 0.01,
           "variables": 0.0}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.float32, [None, 10])
    is_training = tf.placeholder(tf.bool, [])
    net = tf.reshape(x, [-1, 28, 28, 1])
    net = tf.layers.conv2d(net, 8, 3, padding="same", use_bias=False)
    net = tf.layers.batch_normalization(net, training=is_training)
    net = tf.nn.relu(net)
    net = tf.layers.max_pooling2d(net, 2, 2)
    net = tf.layers.flatten(net)
    logits = tf.layers.dense(net, 10)
    loss = tf.losses.softmax_cross_entropy(onehot_labels=y, logits=logits)
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(update_ops):
        train_op = tf.train.AdamOptimizer(0.003).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)),
                                      tf.float32))
    moving_mean = [v for v in tf.global_variables() if "moving_mean" in v.name][0]
    moving_var = [v for v in tf.global_variables() if "moving_variance" in v.name][0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf)
        lv = None
        for _ in range(30):
            bx, by = mnist.train.next_batch(64)
            _, lv = sess.run([train_op, loss], {x: bx, y: by, is_training: True})
        eval_feed = {x: mnist.test.images, y: mnist.test.labels, is_training: False}
        eval_loss, acc = sess.run([loss, accuracy], eval_feed)
        mm, mv = sess.run([moving_mean, moving_var])
    names = sorted(v.name for v in tf.global_variables() if "Adam" not in v.name
                   and "beta1_power" not in v.name and "beta2_power" not in v.name)
    return {"loss": float(lv), "moving_mean_sum": float(mm.sum()),
            "moving_var_sum": float(mv.sum()),
            "eval_loss": float(eval_loss), "accuracy": float(acc), "variables": names}
