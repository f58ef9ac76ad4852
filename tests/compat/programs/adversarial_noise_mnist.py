"""Adversarial noise for MNIST and making the network immune to it: Hvass-Labs'
TensorFlow-Tutorials, ``12_Adversarial_Noise_MNIST.ipynb``. A non-trainable noise
``Variable`` created in two collections (``GLOBAL_VARIABLES`` and a custom
``'adversary_variables'``), added to the images and clipped; a ``tf.layers`` CNN; two
Adam optimizers: the network's on the trainable variables and the adversary's on
``var_list=tf.get_collection(ADVERSARY_VARIABLES)`` with an ``nn.l2_loss`` penalty on the
noise; the noise clipped after each adversary step by a separate ``tf.assign(x_noise,
clip_by_value(...))`` run, reset with ``tf.variables_initializer([x_noise])``; then the
notebook's ``optimize`` / ``print_test_accuracy`` / ``make_immune`` sequence.

Adapted: MNIST is the bundled digits in MNIST's shapes (``common.read_data_sets``;
``data.random_batch`` becomes ``next_batch``, in order); ``tf.contrib.layers.flatten`` is
``tf.layers.flatten`` (the notebook's own comment says so); the layers' starting weights
are :func:`common.same_start` draws; iteration counts cut from 1000 / 500 / 200 to 60 /
40 / 20; one ``make_immune(3)`` instead of the loops over every class; plots and timing
left out."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"test_loss": 1e-4, "acc_trained": 0.01, "acc_noisy": 0.01, "acc_immune": 0.01,
           "batch_accuracy": 0.01,
           "noise_std": 0.02, "noise_max": 1e-6, "adversary_variables": 0.0,
           "trainable": 0.0}


def main(tf):
    data = read_data_sets("data/MNIST/", one_hot=True)
    y_test_cls = np.argmax(data.test.labels, axis=1)
    img_size, img_size_flat, num_classes, num_channels = 28, 784, 10, 1

    x = tf.placeholder(tf.float32, shape=[None, img_size_flat], name='x')
    x_image = tf.reshape(x, [-1, img_size, img_size, num_channels])
    y_true = tf.placeholder(tf.float32, shape=[None, num_classes], name='y_true')
    y_true_cls = tf.argmax(y_true, axis=1)
    noise_limit = 0.35
    noise_l2_weight = 0.02
    ADVERSARY_VARIABLES = 'adversary_variables'
    collections = [tf.GraphKeys.GLOBAL_VARIABLES, ADVERSARY_VARIABLES]
    x_noise = tf.Variable(tf.zeros([img_size, img_size, num_channels]),
                          name='x_noise', trainable=False, collections=collections)
    x_noise_clip = tf.assign(x_noise, tf.clip_by_value(x_noise, -noise_limit, noise_limit))
    x_noisy_image = x_image + x_noise
    x_noisy_image = tf.clip_by_value(x_noisy_image, 0.0, 1.0)

    net = x_noisy_image
    net = tf.layers.conv2d(inputs=net, name='layer_conv1', padding='same',
                           filters=16, kernel_size=5, activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
    net = tf.layers.conv2d(inputs=net, name='layer_conv2', padding='same',
                           filters=36, kernel_size=5, activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(inputs=net, pool_size=2, strides=2)
    net = tf.layers.flatten(net)
    net = tf.layers.dense(inputs=net, name='layer_fc1', units=128, activation=tf.nn.relu)
    net = tf.layers.dense(inputs=net, name='layer_fc_out', units=num_classes, activation=None)
    logits = net
    y_pred = tf.nn.softmax(logits=logits)
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits_v2(labels=y_true, logits=logits)
    loss = tf.reduce_mean(cross_entropy)
    trainable = [var.name for var in tf.trainable_variables()]
    optimizer = tf.train.AdamOptimizer(learning_rate=1e-4).minimize(loss)
    adversary_variables = tf.get_collection(ADVERSARY_VARIABLES)
    l2_loss_noise = noise_l2_weight * tf.nn.l2_loss(x_noise)
    loss_adversary = loss + l2_loss_noise
    optimizer_adversary = tf.train.AdamOptimizer(learning_rate=1e-2).minimize(
        loss_adversary, var_list=adversary_variables)
    y_pred_cls = tf.argmax(y_pred, axis=1)
    correct_prediction = tf.equal(y_pred_cls, y_true_cls)
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    session = tf.Session()
    session.run(tf.global_variables_initializer())
    same_start(session, tf, seed=12)

    def init_noise():
        session.run(tf.variables_initializer([x_noise]))

    init_noise()
    train_batch_size = 64

    batch_accuracies = []

    def optimize(num_iterations, adversary_target_cls=None):
        for i in range(num_iterations):
            x_batch, y_true_batch = data.train.next_batch(train_batch_size)
            if adversary_target_cls is not None:
                y_true_batch = np.zeros_like(y_true_batch)
                y_true_batch[:, adversary_target_cls] = 1.0
            feed_dict_train = {x: x_batch, y_true: y_true_batch}
            if adversary_target_cls is None:
                session.run(optimizer, feed_dict=feed_dict_train)
            else:
                session.run(optimizer_adversary, feed_dict=feed_dict_train)
                session.run(x_noise_clip)
            if (i % 100 == 0) or (i == num_iterations - 1):
                batch_accuracies.append(session.run(accuracy, feed_dict=feed_dict_train))

    def get_noise():
        noise = session.run(x_noise)
        return np.squeeze(noise)

    test_batch_size = 256

    def print_test_accuracy():
        num_test = data.test.num_examples
        cls_pred = np.zeros(shape=num_test, dtype=np.int64)
        i = 0
        while i < num_test:
            j = min(i + test_batch_size, num_test)
            feed_dict = {x: data.test.images[i:j, :], y_true: data.test.labels[i:j, :]}
            cls_pred[i:j] = session.run(y_pred_cls, feed_dict=feed_dict)
            i = j
        correct = (y_test_cls == cls_pred)
        return float(correct.sum()) / num_test

    optimize(num_iterations=60)
    acc_trained = print_test_accuracy()
    test_loss = session.run(loss, {x: data.test.images, y_true: data.test.labels})
    init_noise()
    optimize(num_iterations=40, adversary_target_cls=3)
    noise = get_noise()
    acc_noisy = print_test_accuracy()

    def make_immune(target_cls, num_iterations_adversary=40, num_iterations_immune=20):
        optimize(num_iterations=num_iterations_adversary, adversary_target_cls=target_cls)
        print_test_accuracy()
        optimize(num_iterations=num_iterations_immune)
        return print_test_accuracy()

    acc_immune = make_immune(target_cls=3)
    session.close()
    return {"test_loss": float(test_loss), "acc_trained": acc_trained, "acc_noisy": acc_noisy,
            "acc_immune": acc_immune, "batch_accuracy": float(np.mean(batch_accuracies)),
            "noise_std": float(noise.std()), "noise_max": float(np.abs(noise).max()),
            "adversary_variables": [v.name for v in adversary_variables],
            "trainable": trainable}
