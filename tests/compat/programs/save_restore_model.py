"""Save and restore a model: train an MLP for an epoch, ``saver.save``, restore into a
fresh session, train a second epoch from there, report the accuracy after each phase."""

from __future__ import annotations

import tempfile

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_accuracy": 1e-6, "restored_accuracy": 1e-6, "final_accuracy": 1e-6,
           "final_cost": 1e-5}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    learning_rate = 0.001
    batch_size = 100
    model_path = tempfile.mkdtemp() + "/model.ckpt"
    n_hidden_1, n_hidden_2 = 256, 256

    x = tf.placeholder("float", [None, 784])
    y = tf.placeholder("float", [None, 10])
    weights = {"h1": tf.Variable(tf.random_normal([784, n_hidden_1])),
               "h2": tf.Variable(tf.random_normal([n_hidden_1, n_hidden_2])),
               "out": tf.Variable(tf.random_normal([n_hidden_2, 10]))}
    biases = {"b1": tf.Variable(tf.random_normal([n_hidden_1])),
              "b2": tf.Variable(tf.random_normal([n_hidden_2])),
              "out": tf.Variable(tf.random_normal([10]))}
    layer_1 = tf.nn.relu(tf.add(tf.matmul(x, weights["h1"]), biases["b1"]))
    layer_2 = tf.nn.relu(tf.add(tf.matmul(layer_1, weights["h2"]), biases["b2"]))
    pred = tf.matmul(layer_2, weights["out"]) + biases["out"]
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=pred, labels=y))
    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)
    init = tf.global_variables_initializer()
    saver = tf.train.Saver()
    correct_prediction = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))

    def one_epoch(sess):
        c = 0.0
        for _i in range(int(mnist.train.num_examples / batch_size)):
            batch_x, batch_y = mnist.train.next_batch(batch_size)
            _, c = sess.run([optimizer, cost], feed_dict={x: batch_x, y: batch_y})
        return c

    test = {x: mnist.test.images, y: mnist.test.labels}
    with tf.Session() as sess:
        sess.run(init)
        same_start(sess, tf, biases=True)
        one_epoch(sess)
        first = accuracy.eval(test)
        saver.save(sess, model_path)
    with tf.Session() as sess:
        sess.run(init)
        saver.restore(sess, model_path)
        restored = accuracy.eval(test)
        final_cost = one_epoch(sess)
        final = accuracy.eval(test)
    return {"first_accuracy": float(first), "restored_accuracy": float(restored),
            "final_accuracy": float(final), "final_cost": float(final_cost)}
