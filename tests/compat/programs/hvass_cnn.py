"""Convolutional neural network on MNIST: Hvass-Labs' TensorFlow-Tutorials,
``02_Convolutional_Neural_Network.ipynb`` (TF1 code run through ``tensorflow.compat.v1``).
The notebook's helpers ``new_weights`` (``truncated_normal``), ``new_biases``
(``constant(0.05)``), ``new_conv_layer`` (``conv2d`` SAME, ``+= biases``, 2x2
``max_pool``, then ``relu``), ``flatten_layer`` (``get_shape()[1:4].num_elements()``) and
``new_fc_layer``; two conv layers (5x5, 16 and 36 filters), a 128-unit layer, Adam at
1e-4; ``optimize`` with the every-100-iterations training accuracy and
``print_test_accuracy`` in batches of 256; the first conv layer's output for one image.

Adapted: the MNIST download is the bundled digits in MNIST's shapes
(``common.HvassMNIST``; ``random_batch`` is in order); the weights start from the same
draw on both backends (``common.same_start``); iterations 1 / 99 / 900 / 9000 cut to
1 / 14 / 15; timing, printing and every plot (images, example errors, confusion matrix,
conv weights and outputs) left out: the numbers they show are returned instead."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import HvassMNIST, same_start

COMPARE = {"acc_0": 0.0, "acc_1": 1e-6, "acc_15": 0.01, "acc_30": 0.01,
           "train_acc": 1e-6, "conv1_mean": 1e-4, "layer_shapes": 0.0,
           "num_features": 0.0}


def main(tf):
    filter_size1 = 5          # Convolution filters are 5 x 5 pixels.
    num_filters1 = 16         # There are 16 of these filters.
    filter_size2 = 5          # Convolution filters are 5 x 5 pixels.
    num_filters2 = 36         # There are 36 of these filters.
    fc_size = 128             # Number of neurons in fully-connected layer.
    data = HvassMNIST(data_dir="data/MNIST/")
    img_size = data.img_size
    img_size_flat = data.img_size_flat
    num_classes = data.num_classes
    num_channels = data.num_channels

    def new_weights(shape):
        return tf.Variable(tf.truncated_normal(shape, stddev=0.05))

    def new_biases(length):
        return tf.Variable(tf.constant(0.05, shape=[length]))

    def new_conv_layer(input, num_input_channels, filter_size, num_filters,
                       use_pooling=True):
        shape = [filter_size, filter_size, num_input_channels, num_filters]
        weights = new_weights(shape=shape)
        biases = new_biases(length=num_filters)
        layer = tf.nn.conv2d(input=input,
                             filter=weights,
                             strides=[1, 1, 1, 1],
                             padding='SAME')
        layer += biases
        if use_pooling:
            layer = tf.nn.max_pool(value=layer,
                                   ksize=[1, 2, 2, 1],
                                   strides=[1, 2, 2, 1],
                                   padding='SAME')
        layer = tf.nn.relu(layer)
        return layer, weights

    def flatten_layer(layer):
        layer_shape = layer.get_shape()
        num_features = layer_shape[1:4].num_elements()
        layer_flat = tf.reshape(layer, [-1, num_features])
        return layer_flat, num_features

    def new_fc_layer(input, num_inputs, num_outputs, use_relu=True):
        weights = new_weights(shape=[num_inputs, num_outputs])
        biases = new_biases(length=num_outputs)
        layer = tf.matmul(input, weights) + biases
        if use_relu:
            layer = tf.nn.relu(layer)
        return layer

    x = tf.placeholder(tf.float32, shape=[None, img_size_flat], name='x')
    x_image = tf.reshape(x, [-1, img_size, img_size, num_channels])
    y_true = tf.placeholder(tf.float32, shape=[None, num_classes], name='y_true')
    y_true_cls = tf.argmax(y_true, axis=1)
    layer_conv1, weights_conv1 = \
        new_conv_layer(input=x_image,
                       num_input_channels=num_channels,
                       filter_size=filter_size1,
                       num_filters=num_filters1,
                       use_pooling=True)
    layer_conv2, weights_conv2 = \
        new_conv_layer(input=layer_conv1,
                       num_input_channels=num_filters1,
                       filter_size=filter_size2,
                       num_filters=num_filters2,
                       use_pooling=True)
    layer_flat, num_features = flatten_layer(layer_conv2)
    layer_fc1 = new_fc_layer(input=layer_flat,
                             num_inputs=num_features,
                             num_outputs=fc_size,
                             use_relu=True)
    layer_fc2 = new_fc_layer(input=layer_fc1,
                             num_inputs=fc_size,
                             num_outputs=num_classes,
                             use_relu=False)
    layer_shapes = [str(t.get_shape()) for t in (layer_conv1, layer_conv2, layer_flat,
                                                 layer_fc1, layer_fc2)]
    y_pred = tf.nn.softmax(layer_fc2)
    y_pred_cls = tf.argmax(y_pred, axis=1)
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(logits=layer_fc2,
                                                            labels=y_true)
    cost = tf.reduce_mean(cross_entropy)
    optimizer = tf.train.AdamOptimizer(learning_rate=1e-4).minimize(cost)
    correct_prediction = tf.equal(y_pred_cls, y_true_cls)
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    session = tf.Session()
    session.run(tf.global_variables_initializer())
    same_start(session, tf, seed=2)
    train_batch_size = 64
    total_iterations = 0
    train_accs = []

    def optimize(num_iterations):
        nonlocal total_iterations
        for i in range(total_iterations,
                       total_iterations + num_iterations):
            x_batch, y_true_batch, _ = data.random_batch(batch_size=train_batch_size)
            feed_dict_train = {x: x_batch,
                               y_true: y_true_batch}
            session.run(optimizer, feed_dict=feed_dict_train)
            if i % 100 == 0:
                train_accs.append(float(session.run(accuracy, feed_dict=feed_dict_train)))
        total_iterations += num_iterations

    test_batch_size = 256

    def print_test_accuracy():
        num_test = data.num_test
        cls_pred = np.zeros(shape=num_test, dtype=np.int64)
        i = 0
        while i < num_test:
            j = min(i + test_batch_size, num_test)
            images = data.x_test[i:j, :]
            labels = data.y_test[i:j, :]
            feed_dict = {x: images,
                         y_true: labels}
            cls_pred[i:j] = session.run(y_pred_cls, feed_dict=feed_dict)
            i = j
        cls_true = data.y_test_cls
        correct = (cls_true == cls_pred)
        correct_sum = correct.sum()
        return float(correct_sum) / num_test

    acc_0 = print_test_accuracy()
    optimize(num_iterations=1)
    acc_1 = print_test_accuracy()
    optimize(num_iterations=14)
    acc_15 = print_test_accuracy()
    optimize(num_iterations=15)
    acc_30 = print_test_accuracy()

    def plot_conv_layer(layer, image):
        feed_dict = {x: [image]}
        values = session.run(layer, feed_dict=feed_dict)
        return values

    conv1 = plot_conv_layer(layer=layer_conv1, image=data.x_test[0])
    session.close()
    return {"acc_0": acc_0, "acc_1": acc_1, "acc_15": acc_15, "acc_30": acc_30,
            "train_acc": train_accs[0], "conv1_mean": float(conv1.mean()),
            "layer_shapes": layer_shapes, "num_features": [int(num_features)]}
