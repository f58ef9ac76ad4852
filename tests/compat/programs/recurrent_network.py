"""LSTM classifier reading each image as 28 rows of 28 pixels: ``tf.unstack`` into
time steps, ``rnn.BasicLSTMCell(num_hidden, forget_bias=1.0)``, ``rnn.static_rnn``, a
dense output on the last step, Adam."""

from __future__ import annotations

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"loss": 1e-5, "accuracy": 1e-6}


def main(tf):
    rnn = tf.contrib.rnn if hasattr(tf, "contrib") else tf.nn.rnn_cell
    static_rnn = getattr(rnn, "static_rnn", None) or tf.nn.static_rnn
    mnist = read_data_sets("/tmp/data/", one_hot=True)
    learning_rate = 0.001
    training_steps = 30
    batch_size = 64
    num_input, timesteps, num_hidden, num_classes = 28, 28, 64, 10

    X = tf.placeholder("float", [None, timesteps, num_input])
    Y = tf.placeholder("float", [None, num_classes])
    weights = {"out": tf.Variable(tf.random_normal([num_hidden, num_classes]))}
    biases = {"out": tf.Variable(tf.random_normal([num_classes]))}

    def RNN(x, weights, biases):
        x = tf.unstack(x, timesteps, 1)
        lstm_cell = rnn.BasicLSTMCell(num_hidden, forget_bias=1.0)
        outputs, states = static_rnn(lstm_cell, x, dtype=tf.float32)
        return tf.matmul(outputs[-1], weights["out"]) + biases["out"]

    logits = RNN(X, weights, biases)
    prediction = tf.nn.softmax(logits)
    loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
    optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
    train_op = optimizer.minimize(loss_op)
    correct_pred = tf.equal(tf.argmax(prediction, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))
    init = tf.global_variables_initializer()

    with tf.Session() as sess:
        sess.run(init)
        same_start(sess, tf, biases=True)
        for _step in range(1, training_steps + 1):
            batch_x, batch_y = mnist.train.next_batch(batch_size)
            batch_x = batch_x.reshape((batch_size, timesteps, num_input))
            sess.run(train_op, feed_dict={X: batch_x, Y: batch_y})
        test_data = mnist.test.images.reshape((-1, timesteps, num_input))
        test_label = mnist.test.labels
        loss, acc = sess.run([loss_op, accuracy], feed_dict={X: test_data, Y: test_label})
        return {"loss": float(loss), "accuracy": float(acc)}
