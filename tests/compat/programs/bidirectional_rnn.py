"""Bidirectional LSTM classifier: forward and backward ``BasicLSTMCell``s over 28 row
steps with ``static_bidirectional_rnn``, the concatenated last output into a dense
layer, Adam."""

from __future__ import annotations

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"loss": 1e-4, "accuracy": 0.01, "variables": 0.0}


def main(tf):
    rnn = tf.contrib.rnn if hasattr(tf, "contrib") else tf.nn.rnn_cell
    bi_rnn = getattr(rnn, "static_bidirectional_rnn", None) or tf.nn.static_bidirectional_rnn
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    timesteps, num_input, num_hidden, num_classes = 28, 28, 32, 10
    X = tf.placeholder("float", [None, timesteps, num_input])
    Y = tf.placeholder("float", [None, num_classes])
    weights = {"out": tf.Variable(tf.random_normal([2 * num_hidden, num_classes]))}
    biases = {"out": tf.Variable(tf.random_normal([num_classes]))}

    def BiRNN(x, weights, biases):
        x = tf.unstack(x, timesteps, 1)
        lstm_fw_cell = rnn.BasicLSTMCell(num_hidden, forget_bias=1.0)
        lstm_bw_cell = rnn.BasicLSTMCell(num_hidden, forget_bias=1.0)
        outputs, _, _ = bi_rnn(lstm_fw_cell, lstm_bw_cell, x, dtype=tf.float32)
        return tf.matmul(outputs[-1], weights["out"]) + biases["out"]

    logits = BiRNN(X, weights, biases)
    loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
    train_op = tf.train.AdamOptimizer(learning_rate=0.002).minimize(loss_op)
    correct_pred = tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, biases=True)
        for _step in range(20):
            batch_x, batch_y = mnist.train.next_batch(64)
            sess.run(train_op, feed_dict={X: batch_x.reshape((-1, timesteps, num_input)),
                                          Y: batch_y})
        loss, acc = sess.run([loss_op, accuracy], feed_dict={
            X: mnist.test.images.reshape((-1, timesteps, num_input)),
            Y: mnist.test.labels})
    names = sorted(v.name for v in tf.trainable_variables())
    return {"loss": float(loss), "accuracy": float(acc), "variables": names}
