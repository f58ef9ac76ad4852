"""The Layers API: Hvass-Labs' TensorFlow-Tutorials, ``03B_Layers_API.ipynb`` (TF 1.9).
The author's ``tf.layers`` rewrite of the PrettyTensor network: two 5x5 conv layers of
16 and 36 filters (their ReLU outputs kept as ``layer_conv1`` / ``layer_conv2``) with 2x2
max-pooling, flatten, dense 128 ReLU and 10 logits; ``softmax_cross_entropy_with_logits``
and Adam at 1e-4; the graph's ``GLOBAL_VARIABLES`` listed (Adam's slots included); the
conv kernels fetched with ``get_weights_variable``
(``tf.variable_scope(layer_name, reuse=True)`` + ``tf.get_variable('kernel')``); the
``optimize`` / ``print_test_accuracy`` sequence; the conv weights and the conv layers'
outputs for two test images (what the notebook plots).

Adapted: ``input_data.read_data_sets`` is the bundled digits in MNIST's shapes
(``common.read_data_sets``, in-order batches); ``tf.contrib.layers.flatten`` is
``tf.layers.flatten``; ``dimension=`` of ``argmax`` is ``axis=``; the layers start from
the same draw on both backends (``common.same_start``); iterations 1 / 99 / 900 / 9000
cut to 1 / 9 / 10; the plots are left out (the numbers they show are returned)."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"acc_0": 0.0, "acc_1": 1e-6, "acc_10": 0.01, "acc_20": 0.01,
           "train_acc": 1e-6, "variables": 0.0, "w_conv1_absmax": 1e-4,
           "w_conv2_mean": 1e-4, "conv1_out_mean": 1e-4, "conv2_out_mean": 1e-4,
           "conv_shapes": 0.0}


def main(tf):
    data = read_data_sets('data/MNIST/', one_hot=True)
    data.test.cls = np.argmax(data.test.labels, axis=1)
    img_size = 28
    img_size_flat = img_size * img_size
    num_channels = 1
    num_classes = 10

    x = tf.placeholder(tf.float32, shape=[None, img_size_flat], name='x')
    x_image = tf.reshape(x, [-1, img_size, img_size, num_channels])
    y_true = tf.placeholder(tf.float32, shape=[None, num_classes], name='y_true')
    y_true_cls = tf.argmax(y_true, axis=1)
    net = x_image
    net = tf.layers.conv2d(inputs=net, name='layer_conv1', padding='same',
                           filters=16, kernel_size=5, activation=tf.nn.relu)
    layer_conv1 = net
    net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
    net = tf.layers.conv2d(inputs=net, name='layer_conv2', padding='same',
                           filters=36, kernel_size=5, activation=tf.nn.relu)
    layer_conv2 = net
    net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
    net = tf.layers.flatten(net)
    net = tf.layers.dense(inputs=net, name='layer_fc1',
                          units=128, activation=tf.nn.relu)
    net = tf.layers.dense(inputs=net, name='layer_fc_out',
                          units=num_classes, activation=None)
    logits = net
    y_pred = tf.nn.softmax(logits=logits)
    y_pred_cls = tf.argmax(y_pred, axis=1)
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(labels=y_true, logits=logits)
    loss = tf.reduce_mean(cross_entropy)
    optimizer = tf.train.AdamOptimizer(learning_rate=1e-4).minimize(loss)
    correct_prediction = tf.equal(y_pred_cls, y_true_cls)
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    variables = [var.name for var in tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)]

    def get_weights_variable(layer_name):
        with tf.variable_scope(layer_name, reuse=True):
            variable = tf.get_variable('kernel')
        return variable

    weights_conv1 = get_weights_variable(layer_name='layer_conv1')
    weights_conv2 = get_weights_variable(layer_name='layer_conv2')

    session = tf.Session()
    session.run(tf.global_variables_initializer())
    same_start(session, tf, seed=3)
    train_batch_size = 64
    total_iterations = 0
    train_accs = []

    def optimize(num_iterations):
        nonlocal total_iterations
        for i in range(total_iterations,
                       total_iterations + num_iterations):
            x_batch, y_true_batch = data.train.next_batch(train_batch_size)
            feed_dict_train = {x: x_batch,
                               y_true: y_true_batch}
            session.run(optimizer, feed_dict=feed_dict_train)
            if i % 100 == 0:
                train_accs.append(float(session.run(accuracy, feed_dict=feed_dict_train)))
        total_iterations += num_iterations

    test_batch_size = 256

    def print_test_accuracy():
        num_test = len(data.test.images)
        cls_pred = np.zeros(shape=num_test, dtype=np.int64)
        i = 0
        while i < num_test:
            j = min(i + test_batch_size, num_test)
            images = data.test.images[i:j, :]
            labels = data.test.labels[i:j, :]
            feed_dict = {x: images,
                         y_true: labels}
            cls_pred[i:j] = session.run(y_pred_cls, feed_dict=feed_dict)
            i = j
        cls_true = data.test.cls
        correct = (cls_true == cls_pred)
        correct_sum = correct.sum()
        return float(correct_sum) / num_test

    acc_0 = print_test_accuracy()
    optimize(num_iterations=1)
    acc_1 = print_test_accuracy()
    optimize(num_iterations=9)
    acc_10 = print_test_accuracy()
    optimize(num_iterations=10)
    acc_20 = print_test_accuracy()

    def plot_conv_weights(weights, input_channel=0):
        w = session.run(weights)
        return w[:, :, input_channel, :]

    def plot_conv_layer(layer, image):
        feed_dict = {x: [image]}
        values = session.run(layer, feed_dict=feed_dict)
        return values

    image1 = data.test.images[0]
    image2 = data.test.images[13]
    w1 = plot_conv_weights(weights=weights_conv1)
    w2 = np.stack([plot_conv_weights(weights=weights_conv2, input_channel=c)
                   for c in (0, 1)])
    outs1 = [plot_conv_layer(layer=layer_conv1, image=im) for im in (image1, image2)]
    outs2 = [plot_conv_layer(layer=layer_conv2, image=im) for im in (image1, image2)]
    session.close()
    return {"acc_0": acc_0, "acc_1": acc_1, "acc_10": acc_10, "acc_20": acc_20,
            "train_acc": train_accs[0], "variables": variables,
            "w_conv1_absmax": float(np.abs(w1).max()), "w_conv2_mean": float(w2.mean()),
            "conv1_out_mean": float(np.mean(outs1)), "conv2_out_mean": float(np.mean(outs2)),
            "conv_shapes": [list(outs1[0].shape), list(outs2[0].shape)]}
