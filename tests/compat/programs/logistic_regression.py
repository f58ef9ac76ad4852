"""Logistic (softmax) regression on MNIST with zero-initialized weights, mini-batch
gradient descent, the average cost per epoch, and test accuracy."""

from __future__ import annotations

from tests.compat.programs.common import read_data_sets

COMPARE = {"avg_cost": 1e-5, "accuracy": 1e-6}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    learning_rate = 0.01
    training_epochs = 3
    batch_size = 100

    x = tf.placeholder(tf.float32, [None, 784])
    y = tf.placeholder(tf.float32, [None, 10])
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    pred = tf.nn.softmax(tf.matmul(x, W) + b)
    cost = tf.reduce_mean(-tf.reduce_sum(y * tf.log(pred), reduction_indices=1))
    optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)
    init = tf.global_variables_initializer()

    with tf.Session() as sess:
        sess.run(init)
        avg_cost = 0.0
        for _epoch in range(training_epochs):
            avg_cost = 0.0
            total_batch = int(mnist.train.num_examples / batch_size)
            for _i in range(total_batch):
                batch_xs, batch_ys = mnist.train.next_batch(batch_size)
                _, c = sess.run([optimizer, cost], feed_dict={x: batch_xs, y: batch_ys})
                avg_cost += c / total_batch
        correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        acc = accuracy.eval({x: mnist.test.images, y: mnist.test.labels})
        return {"avg_cost": float(avg_cost), "accuracy": float(acc)}
