"""A three-layer convnet with RMSProp: nlintz's TensorFlow-Tutorials,
``05_convolutional_net.py`` at commit 45c89be0128bbc1d84556e2d9b3b3df5674a345e (repo
``nlintz/TensorFlow-Tutorials``). ``init_weights`` = ``Variable(random_normal(shape,
stddev=0.01))`` and no biases; three ``conv2d`` (3x3, 'SAME', 32 / 64 / 128) + relu +
``max_pool`` (2x2, stride 2, 'SAME', so 7x7 pools to 4x4) blocks, ``tf.nn.dropout``
after each with a fed ``p_keep_conv``, a reshape to ``w4.get_shape().as_list()[0]``
(2048) columns, a 625 relu layer with dropout ``p_keep_hidden``, softmax cross entropy,
``RMSPropOptimizer(0.001, 0.9)``; after each epoch the accuracy on 256 test images
picked by ``np.random.shuffle``. Adapted: the MNIST download (bundled digits, the first
640 training images: 5 batches of 128), 100 epochs -> 2, the keep probabilities fed as
1.0 instead of 0.8 / 0.5 (dropout's random masks are backend-specific), the test
indices shuffled by a seeded ``RandomState``, same starting weights."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_accuracy": 4e-3, "last_accuracy": 4e-3, "test_cost": 1e-5,
           "w_abs_sums": 1e-4, "shapes": 0.0}

batch_size = 128
test_size = 256


def init_weights(tf, shape):
    return tf.Variable(tf.random_normal(shape, stddev=0.01))


def model(tf, X, w, w2, w3, w4, w_o, p_keep_conv, p_keep_hidden):
    l1a = tf.nn.relu(tf.nn.conv2d(X, w,                       # l1a shape=(?, 28, 28, 32)
                        strides=[1, 1, 1, 1], padding='SAME'))
    l1 = tf.nn.max_pool(l1a, ksize=[1, 2, 2, 1],              # l1 shape=(?, 14, 14, 32)
                        strides=[1, 2, 2, 1], padding='SAME')
    l1 = tf.nn.dropout(l1, p_keep_conv)

    l2a = tf.nn.relu(tf.nn.conv2d(l1, w2,                     # l2a shape=(?, 14, 14, 64)
                        strides=[1, 1, 1, 1], padding='SAME'))
    l2 = tf.nn.max_pool(l2a, ksize=[1, 2, 2, 1],              # l2 shape=(?, 7, 7, 64)
                        strides=[1, 2, 2, 1], padding='SAME')
    l2 = tf.nn.dropout(l2, p_keep_conv)

    l3a = tf.nn.relu(tf.nn.conv2d(l2, w3,                     # l3a shape=(?, 7, 7, 128)
                        strides=[1, 1, 1, 1], padding='SAME'))
    l3 = tf.nn.max_pool(l3a, ksize=[1, 2, 2, 1],              # l3 shape=(?, 4, 4, 128)
                        strides=[1, 2, 2, 1], padding='SAME')
    l3 = tf.reshape(l3, [-1, w4.get_shape().as_list()[0]])    # reshape to (?, 2048)
    l3 = tf.nn.dropout(l3, p_keep_conv)

    l4 = tf.nn.relu(tf.matmul(l3, w4))
    l4 = tf.nn.dropout(l4, p_keep_hidden)

    pyx = tf.matmul(l4, w_o)
    return pyx


def main(tf):
    rng = np.random.RandomState(5)  # np.random in the original
    mnist = read_data_sets("MNIST_data/", one_hot=True)
    trX, trY, teX, teY = (mnist.train.images[:640], mnist.train.labels[:640],
                          mnist.test.images, mnist.test.labels)
    trX = trX.reshape(-1, 28, 28, 1)  # 28x28x1 input img
    teX = teX.reshape(-1, 28, 28, 1)  # 28x28x1 input img

    X = tf.placeholder("float", [None, 28, 28, 1])
    Y = tf.placeholder("float", [None, 10])

    w = init_weights(tf, [3, 3, 1, 32])       # 3x3x1 conv, 32 outputs
    w2 = init_weights(tf, [3, 3, 32, 64])     # 3x3x32 conv, 64 outputs
    w3 = init_weights(tf, [3, 3, 64, 128])    # 3x3x32 conv, 128 outputs
    w4 = init_weights(tf, [128 * 4 * 4, 625])  # FC 128 * 4 * 4 inputs, 625 outputs
    w_o = init_weights(tf, [625, 10])         # FC 625 inputs, 10 outputs (labels)

    p_keep_conv = tf.placeholder("float")
    p_keep_hidden = tf.placeholder("float")
    py_x = model(tf, X, w, w2, w3, w4, w_o, p_keep_conv, p_keep_hidden)

    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=py_x, labels=Y))
    train_op = tf.train.RMSPropOptimizer(0.001, 0.9).minimize(cost)
    predict_op = tf.argmax(py_x, 1)

    accuracies = []
    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        same_start(sess, tf)

        for i in range(2):  # noqa: B007 - the author's loop
            training_batch = zip(range(0, len(trX), batch_size),
                                 range(batch_size, len(trX)+1, batch_size))
            for start, end in training_batch:
                sess.run(train_op, feed_dict={X: trX[start:end], Y: trY[start:end],
                                              p_keep_conv: 1.0, p_keep_hidden: 1.0})

            test_indices = np.arange(len(teX))  # Get A Test Batch
            rng.shuffle(test_indices)
            test_indices = test_indices[0:test_size]

            accuracies.append(float(np.mean(
                np.argmax(teY[test_indices], axis=1) ==
                sess.run(predict_op, feed_dict={X: teX[test_indices], p_keep_conv: 1.0,
                                                p_keep_hidden: 1.0}))))
        test_cost = sess.run(cost, feed_dict={X: teX[test_indices], Y: teY[test_indices],
                                              p_keep_conv: 1.0, p_keep_hidden: 1.0})
        w_abs_sums = [float(np.abs(v).sum()) for v in sess.run([w, w2, w3, w4, w_o])]
    return {"first_accuracy": accuracies[0], "last_accuracy": accuracies[-1],
            "test_cost": float(test_cost), "w_abs_sums": sum(w_abs_sums),
            "shapes": [py_x.shape.as_list()]}
