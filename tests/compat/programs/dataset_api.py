"""The tf.data input pipeline of the TF 1.4+ tutorials: ``from_tensor_slices``,
``repeat``, ``batch``, ``make_one_shot_iterator().get_next()`` feeding a softmax model
directly (no feed_dict), trained until a step budget, then accuracy on the test set."""

from __future__ import annotations

from tests.compat.programs.common import read_data_sets

COMPARE = {"loss": 1e-5, "accuracy": 1e-6, "steps": 0.0}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    num_steps = 150
    batch_size = 128

    dataset = tf.data.Dataset.from_tensor_slices((mnist.train.images, mnist.train.labels))
    dataset = dataset.repeat()
    dataset = dataset.batch(batch_size)
    iterator = dataset.make_one_shot_iterator()
    X, Y = iterator.get_next()

    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    logits = tf.matmul(X, W) + b
    loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits,
                                                                        labels=Y))
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss_op)

    xt = tf.placeholder(tf.float32, [None, 784])
    yt = tf.placeholder(tf.float32, [None, 10])
    test_logits = tf.matmul(xt, W) + b
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(test_logits, 1),
                                               tf.argmax(yt, 1)), tf.float32))
    init = tf.global_variables_initializer()
    with tf.Session() as sess:
        sess.run(init)
        loss = None
        steps = 0
        for _step in range(1, num_steps + 1):
            _, loss = sess.run([train_op, loss_op])
            steps += 1
        acc = sess.run(accuracy, {xt: mnist.test.images, yt: mnist.test.labels})
    return {"loss": float(loss), "accuracy": float(acc), "steps": [steps]}
