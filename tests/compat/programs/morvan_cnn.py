"""A two-layer CNN on MNIST, from MorvanZhou's "Tensorflow-Tutorial"
(github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6, ``tutorial-contents/401_CNN.py``): the input
placeholder divided by 255 as written (the images are already in [0, 1]), reshaped to
``[-1, 28, 28, 1]``; ``tf.layers.conv2d`` (5x5, 'same', relu; once with keyword arguments,
once positional) and ``tf.layers.max_pooling2d`` twice, a reshape and a dense output;
``tf.losses.softmax_cross_entropy`` with ``tf.int32`` one-hot labels,
``AdamOptimizer(0.001)``, the update op of ``tf.metrics.accuracy`` evaluated on the test
images every 50 steps (a running accuracy), then ten test predictions.

Adapted: MNIST is the bundled digits (``common.read_data_sets``; its 397 test images
stand for ``test_x[:2000]``); 20 steps instead of 600, tested every 10 instead of 50; the
weights start from ``same_start``'s draw; the matplotlib figures (an example digit, the
t-SNE view of the flat layer, which needs sklearn) are left out, and so are the prints,
whose numbers are returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"loss": 1e-4, "accuracies": 1e-6, "flat_sum": 1e-4, "pred_y": 0.0,
           "real_y": 0.0, "shapes": 0.0}


def main(tf):
    tf.set_random_seed(1)
    np.random.seed(1)

    BATCH_SIZE = 50
    LR = 0.001              # learning rate

    mnist = read_data_sets('./mnist', one_hot=True)  # they has been normalized to range (0,1)
    test_x = mnist.test.images[:2000]
    test_y = mnist.test.labels[:2000]

    tf_x = tf.placeholder(tf.float32, [None, 28*28]) / 255.
    image = tf.reshape(tf_x, [-1, 28, 28, 1])              # (batch, height, width, channel)
    tf_y = tf.placeholder(tf.int32, [None, 10])            # input y

    # CNN
    conv1 = tf.layers.conv2d(   # shape (28, 28, 1)
        inputs=image,
        filters=16,
        kernel_size=5,
        strides=1,
        padding='same',
        activation=tf.nn.relu
    )           # -> (28, 28, 16)
    pool1 = tf.layers.max_pooling2d(
        conv1,
        pool_size=2,
        strides=2,
    )           # -> (14, 14, 16)
    conv2 = tf.layers.conv2d(pool1, 32, 5, 1, 'same', activation=tf.nn.relu)  # -> (14, 14, 32)
    pool2 = tf.layers.max_pooling2d(conv2, 2, 2)    # -> (7, 7, 32)
    flat = tf.reshape(pool2, [-1, 7*7*32])          # -> (7*7*32, )
    output = tf.layers.dense(flat, 10)              # output layer

    loss = tf.losses.softmax_cross_entropy(onehot_labels=tf_y, logits=output)  # compute cost
    train_op = tf.train.AdamOptimizer(LR).minimize(loss)

    accuracy = tf.metrics.accuracy(  # return (acc, update_op), and create 2 local variables
        labels=tf.argmax(tf_y, axis=1), predictions=tf.argmax(output, axis=1),)[1]

    sess = tf.Session()
    init_op = tf.group(tf.global_variables_initializer(),
                       tf.local_variables_initializer())  # the local var is for accuracy_op
    sess.run(init_op)     # initialize var in graph
    same_start(sess, tf, seed=7)

    accuracies = []
    for step in range(20):
        b_x, b_y = mnist.train.next_batch(BATCH_SIZE)
        _, loss_ = sess.run([train_op, loss], {tf_x: b_x, tf_y: b_y})
        if step % 10 == 0:
            accuracy_, flat_representation = sess.run([accuracy, flat],
                                                       {tf_x: test_x, tf_y: test_y})
            accuracies.append(float(accuracy_))

    # print 10 predictions from test data
    test_output = sess.run(output, {tf_x: test_x[:10]})
    pred_y = np.argmax(test_output, 1)
    return {"loss": float(loss_), "accuracies": float(np.sum(accuracies)),
            "flat_sum": float(np.sum(flat_representation[:, ::17])),
            "pred_y": [int(p) for p in pred_y],
            "real_y": [int(p) for p in np.argmax(test_y[:10], 1)],
            "shapes": [conv1.shape.as_list(), pool2.shape.as_list(), output.shape.as_list()]}
