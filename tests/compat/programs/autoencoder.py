"""Autoencoder 784-256-128-256-784 with sigmoid layers, mean squared reconstruction
error and RMSProp (weights and biases in dicts, encoder/decoder functions)."""

from __future__ import annotations

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"loss": 1e-5, "test_loss": 1e-5}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    learning_rate = 0.01
    num_steps = 60
    batch_size = 256
    num_hidden_1, num_hidden_2, num_input = 256, 128, 784

    X = tf.placeholder("float", [None, num_input])
    weights = {
        "encoder_h1": tf.Variable(tf.random_normal([num_input, num_hidden_1])),
        "encoder_h2": tf.Variable(tf.random_normal([num_hidden_1, num_hidden_2])),
        "decoder_h1": tf.Variable(tf.random_normal([num_hidden_2, num_hidden_1])),
        "decoder_h2": tf.Variable(tf.random_normal([num_hidden_1, num_input])),
    }
    biases = {
        "encoder_b1": tf.Variable(tf.random_normal([num_hidden_1])),
        "encoder_b2": tf.Variable(tf.random_normal([num_hidden_2])),
        "decoder_b1": tf.Variable(tf.random_normal([num_hidden_1])),
        "decoder_b2": tf.Variable(tf.random_normal([num_input])),
    }

    def encoder(x):
        layer_1 = tf.nn.sigmoid(tf.add(tf.matmul(x, weights["encoder_h1"]),
                                       biases["encoder_b1"]))
        return tf.nn.sigmoid(tf.add(tf.matmul(layer_1, weights["encoder_h2"]),
                                    biases["encoder_b2"]))

    def decoder(x):
        layer_1 = tf.nn.sigmoid(tf.add(tf.matmul(x, weights["decoder_h1"]),
                                       biases["decoder_b1"]))
        return tf.nn.sigmoid(tf.add(tf.matmul(layer_1, weights["decoder_h2"]),
                                    biases["decoder_b2"]))

    encoder_op = encoder(X)
    decoder_op = decoder(encoder_op)
    y_pred = decoder_op
    y_true = X
    loss = tf.reduce_mean(tf.pow(y_true - y_pred, 2))
    optimizer = tf.train.RMSPropOptimizer(learning_rate).minimize(loss)
    init = tf.global_variables_initializer()

    with tf.Session() as sess:
        sess.run(init)
        same_start(sess, tf, biases=True)
        lv = None
        for _i in range(1, num_steps + 1):
            batch_x, _ = mnist.train.next_batch(batch_size)
            _, lv = sess.run([optimizer, loss], feed_dict={X: batch_x})
        test_loss = sess.run(loss, feed_dict={X: mnist.test.images})
        return {"loss": float(lv), "test_loss": float(test_loss)}
