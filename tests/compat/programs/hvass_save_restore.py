"""Saving and restoring the best network (early stopping): Hvass-Labs'
TensorFlow-Tutorials, ``04_Save_Restore.ipynb``. A ``tf.train.Saver()`` over every
variable; ``optimize`` checks the validation accuracy periodically and saves a checkpoint
(``saver.save(sess=..., save_path=...)`` into a created ``checkpoints/`` directory)
whenever it improves, stopping when there has been no improvement for
``require_improvement`` iterations; then ``init_variables()`` wipes the weights (a
re-run of ``global_variables_initializer``) and ``saver.restore`` brings the best ones
back. The conv-layer weights are fetched with the notebook's ``get_weights_variable``:
``tf.variable_scope(layer_name, reuse=True)`` + ``tf.get_variable``.

Adapted: the notebook builds the network with PrettyTensor, which has no TF 2 port;
here it is the same network (5x5 conv 16 and 36 with ReLU and 2x2 max-pooling, flatten,
a 128 ReLU layer, softmax on 10 classes) written with ``tf.layers`` exactly as the
author's own ``03B_Layers_API.ipynb`` rewrote it, so ``get_weights_variable`` asks for
``'kernel'`` (03B's spelling) instead of PrettyTensor's ``'weights'``. The MNIST download
is the bundled digits in MNIST's shapes (``common.read_data_sets``, in-order batches;
its validation set is its test set); the layers start from the same draw on both
backends (``common.same_start``); the checkpoint directory is a temporary one; the
validation check every 100 iterations is every 5, ``require_improvement`` 1000 is 10,
and 10000 iterations are 40; timing, printing and plots (images, errors, confusion
matrix, conv weights) left out: their numbers are returned instead."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"acc_test": 0.01, "reset_changed": 0.0, "acc_restored": 0.01,
           "best_validation_accuracy": 0.01, "last_improvement": 0.0,
           "total_iterations": 0.0, "w_conv1_std_restored": 1e-4,
           "restored_equals_best": 0.0, "variables": 0.0, "checkpoint_files": 0.0}


def main(tf):
    data = read_data_sets('data/MNIST/', one_hot=True)
    data.test.cls = np.argmax(data.test.labels, axis=1)
    data.validation.cls = np.argmax(data.validation.labels, axis=1)
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
    net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
    net = tf.layers.conv2d(inputs=net, name='layer_conv2', padding='same',
                           filters=36, kernel_size=5, activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
    net = tf.layers.flatten(net)
    net = tf.layers.dense(inputs=net, name='layer_fc1',
                          units=128, activation=tf.nn.relu)
    net = tf.layers.dense(inputs=net, name='layer_fc_out',
                          units=num_classes, activation=None)
    logits = net
    y_pred = tf.nn.softmax(logits=logits)
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits(labels=y_true, logits=logits)
    loss = tf.reduce_mean(cross_entropy)

    def get_weights_variable(layer_name):
        with tf.variable_scope(layer_name, reuse=True):
            variable = tf.get_variable('kernel')
        return variable

    weights_conv1 = get_weights_variable(layer_name='layer_conv1')
    optimizer = tf.train.AdamOptimizer(learning_rate=1e-4).minimize(loss)
    y_pred_cls = tf.argmax(y_pred, axis=1)
    correct_prediction = tf.equal(y_pred_cls, y_true_cls)
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    variables = [var.name for var in tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)]

    saver = tf.train.Saver()
    save_dir = os.path.join(tempfile.mkdtemp(), 'checkpoints/')
    if not os.path.exists(save_dir):
        os.makedirs(save_dir)
    save_path = os.path.join(save_dir, 'best_validation')
    session = tf.Session()

    def init_variables():
        session.run(tf.global_variables_initializer())

    init_variables()
    same_start(session, tf, seed=4)
    train_batch_size = 64
    best_validation_accuracy = 0.0
    last_improvement = 0
    require_improvement = 10
    total_iterations = 0
    best_weights = None

    batch_size = 256

    def predict_cls(images, labels, cls_true):
        num_images = len(images)
        cls_pred = np.zeros(shape=num_images, dtype=np.int64)
        i = 0
        while i < num_images:
            j = min(i + batch_size, num_images)
            feed_dict = {x: images[i:j, :],
                         y_true: labels[i:j, :]}
            cls_pred[i:j] = session.run(y_pred_cls, feed_dict=feed_dict)
            i = j
        correct = (cls_true == cls_pred)
        return correct, cls_pred

    def predict_cls_test():
        return predict_cls(images=data.test.images,
                           labels=data.test.labels,
                           cls_true=data.test.cls)

    def predict_cls_validation():
        return predict_cls(images=data.validation.images,
                           labels=data.validation.labels,
                           cls_true=data.validation.cls)

    def cls_accuracy(correct):
        correct_sum = correct.sum()
        acc = float(correct_sum) / len(correct)
        return acc, correct_sum

    def validation_accuracy():
        correct, _ = predict_cls_validation()
        return cls_accuracy(correct)

    def optimize(num_iterations):
        nonlocal total_iterations, best_validation_accuracy, last_improvement, best_weights
        for i in range(num_iterations):
            total_iterations += 1
            x_batch, y_true_batch = data.train.next_batch(train_batch_size)
            feed_dict_train = {x: x_batch,
                               y_true: y_true_batch}
            session.run(optimizer, feed_dict=feed_dict_train)
            if (total_iterations % 5 == 0) or (i == (num_iterations - 1)):
                session.run(accuracy, feed_dict=feed_dict_train)
                acc_validation, _ = validation_accuracy()
                if acc_validation > best_validation_accuracy:
                    best_validation_accuracy = acc_validation
                    last_improvement = total_iterations
                    saver.save(sess=session, save_path=save_path)
                    best_weights = session.run(weights_conv1)
            if total_iterations - last_improvement > require_improvement:
                break

    def print_test_accuracy():
        correct, cls_pred = predict_cls_test()
        acc, num_correct = cls_accuracy(correct)
        return acc

    optimize(num_iterations=40)
    acc_test = print_test_accuracy()
    init_variables()
    reset_changed = not np.array_equal(session.run(weights_conv1), best_weights)
    saver.restore(sess=session, save_path=save_path)
    acc_restored = print_test_accuracy()
    w = session.run(weights_conv1)
    session.close()
    return {"acc_test": acc_test, "reset_changed": [bool(reset_changed)],
            "acc_restored": acc_restored,
            "best_validation_accuracy": best_validation_accuracy,
            "last_improvement": [last_improvement], "total_iterations": [total_iterations],
            "w_conv1_std_restored": float(w.std()),
            "restored_equals_best": [bool(np.array_equal(w, best_weights))],
            "variables": variables, "checkpoint_files": sorted(os.listdir(save_dir))}
