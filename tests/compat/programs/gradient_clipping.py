"""The explicit-gradient idiom: ``opt.compute_gradients``, ``tf.clip_by_global_norm``
over the gradients, ``opt.apply_gradients(zip(...), global_step=...)``, with an L2
weight penalty from ``tf.nn.l2_loss`` and the global norm fetched each step."""

from __future__ import annotations

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"loss": 1e-5, "global_norm": 1e-5, "step": 0.0}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.float32, [None, 10])
    w1 = tf.get_variable("w1", [784, 100])
    b1 = tf.get_variable("b1", [100], initializer=tf.zeros_initializer())
    w2 = tf.get_variable("w2", [100, 10])
    b2 = tf.get_variable("b2", [10], initializer=tf.zeros_initializer())
    h = tf.nn.tanh(tf.matmul(x, w1) + b1)
    logits = tf.matmul(h, w2) + b2
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
    loss += 1e-4 * (tf.nn.l2_loss(w1) + tf.nn.l2_loss(w2))
    global_step = tf.Variable(0, trainable=False, name="global_step")
    opt = tf.train.GradientDescentOptimizer(0.5)
    grads_and_vars = opt.compute_gradients(loss)
    grads, variables = zip(*grads_and_vars)
    clipped, global_norm = tf.clip_by_global_norm(grads, 1.0)
    train_op = opt.apply_gradients(zip(clipped, variables), global_step=global_step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf)
        lv = gn = None
        for _ in range(40):
            bx, by = mnist.train.next_batch(50)
            _, lv, gn = sess.run([train_op, loss, global_norm], {x: bx, y: by})
        step = sess.run(global_step)
    return {"loss": float(lv), "global_norm": float(gn), "step": [int(step)]}
