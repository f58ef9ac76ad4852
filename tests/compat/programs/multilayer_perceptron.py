"""Multilayer perceptron (two hidden layers of 256, weights and biases in dicts),
softmax cross entropy with logits and Adam, test accuracy at the end."""

from __future__ import annotations

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"avg_cost": 1e-5, "accuracy": 1e-6}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    learning_rate = 0.001
    training_epochs = 2
    batch_size = 100
    n_hidden_1, n_hidden_2, n_input, n_classes = 256, 256, 784, 10

    X = tf.placeholder("float", [None, n_input])
    Y = tf.placeholder("float", [None, n_classes])
    weights = {
        "h1": tf.Variable(tf.random_normal([n_input, n_hidden_1])),
        "h2": tf.Variable(tf.random_normal([n_hidden_1, n_hidden_2])),
        "out": tf.Variable(tf.random_normal([n_hidden_2, n_classes])),
    }
    biases = {
        "b1": tf.Variable(tf.random_normal([n_hidden_1])),
        "b2": tf.Variable(tf.random_normal([n_hidden_2])),
        "out": tf.Variable(tf.random_normal([n_classes])),
    }

    def multilayer_perceptron(x):
        layer_1 = tf.add(tf.matmul(x, weights["h1"]), biases["b1"])
        layer_2 = tf.add(tf.matmul(layer_1, weights["h2"]), biases["b2"])
        return tf.matmul(layer_2, weights["out"]) + biases["out"]

    logits = multilayer_perceptron(X)
    loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
    train_op = optimizer.minimize(loss_op)
    init = tf.global_variables_initializer()

    with tf.Session() as sess:
        sess.run(init)
        same_start(sess, tf, biases=True)
        avg_cost = 0.0
        for _epoch in range(training_epochs):
            avg_cost = 0.0
            total_batch = int(mnist.train.num_examples / batch_size)
            for _i in range(total_batch):
                batch_x, batch_y = mnist.train.next_batch(batch_size)
                _, c = sess.run([train_op, loss_op], feed_dict={X: batch_x, Y: batch_y})
                avg_cost += c / total_batch
        pred = tf.nn.softmax(logits)
        correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(Y, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))
        acc = accuracy.eval({X: mnist.test.images, Y: mnist.test.labels})
        return {"avg_cost": float(avg_cost), "accuracy": float(acc)}
