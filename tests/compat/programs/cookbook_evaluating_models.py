"""Evaluating models: nfmcclure's tensorflow_cookbook, ``02_TensorFlow_Way/
08_Evaluating_Models/08_evaluating_models.py``. A regression (``x A`` towards 10, gradient
descent, the mean squared error on an 80/20 split) and a classification (``x + A`` of
``[1, None]`` row placeholders, ``sigmoid_cross_entropy_with_logits``, ``A`` started by
``tf.random_normal(mean=10, shape=[1])``); the accuracy compares the ``squeeze``d rounded
sigmoid (shape ``[n]``) with the ``[1, n]`` targets by a broadcasting ``tf.equal``.

Adapted: the two ``ops.reset_default_graph()`` sections run in two ``tf.Graph()``
contexts; ``np.random`` is seeded (the recipe seeds nothing); ``A``'s ``random_normal``
starts are loaded from NumPy draws (of the same means) so both backends start alike; 600
classification steps instead of 1800; the prints and the histogram plot are left out."""

from __future__ import annotations

import numpy as np

COMPARE = {"mse_test": 1e-4, "mse_train": 1e-4, "A_regression": 1e-5, "acc_train": 1e-6,
           "acc_test": 1e-6, "A_result": 1e-4}


def _regression(tf):
    sess = tf.Session()
    batch_size = 25
    x_vals = np.random.normal(1, 0.1, 100)
    y_vals = np.repeat(10., 100)
    x_data = tf.placeholder(shape=[None, 1], dtype=tf.float32)
    y_target = tf.placeholder(shape=[None, 1], dtype=tf.float32)
    train_indices = np.random.choice(len(x_vals), round(len(x_vals) * 0.8), replace=False)
    test_indices = np.array(list(set(range(len(x_vals))) - set(train_indices)))
    x_vals_train = x_vals[train_indices]
    x_vals_test = x_vals[test_indices]
    y_vals_train = y_vals[train_indices]
    y_vals_test = y_vals[test_indices]
    A = tf.Variable(tf.random_normal(shape=[1, 1]))
    my_output = tf.matmul(x_data, A)
    loss = tf.reduce_mean(tf.square(my_output - y_target))
    my_opt = tf.train.GradientDescentOptimizer(0.02)
    train_step = my_opt.minimize(loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    A.load(np.random.normal(size=[1, 1]).astype(np.float32), sess)
    for _ in range(100):
        rand_index = np.random.choice(len(x_vals_train), size=batch_size)
        rand_x = np.transpose([x_vals_train[rand_index]])
        rand_y = np.transpose([y_vals_train[rand_index]])
        sess.run(train_step, feed_dict={x_data: rand_x, y_target: rand_y})
    mse_test = sess.run(loss, feed_dict={x_data: np.transpose([x_vals_test]),
                                         y_target: np.transpose([y_vals_test])})
    mse_train = sess.run(loss, feed_dict={x_data: np.transpose([x_vals_train]),
                                          y_target: np.transpose([y_vals_train])})
    a_value = sess.run(A)
    sess.close()
    return {"mse_test": float(mse_test), "mse_train": float(mse_train),
            "A_regression": float(a_value[0, 0])}


def _classification(tf):
    sess = tf.Session()
    batch_size = 25
    x_vals = np.concatenate((np.random.normal(-1, 1, 50), np.random.normal(2, 1, 50)))
    y_vals = np.concatenate((np.repeat(0., 50), np.repeat(1., 50)))
    x_data = tf.placeholder(shape=[1, None], dtype=tf.float32)
    y_target = tf.placeholder(shape=[1, None], dtype=tf.float32)
    train_indices = np.random.choice(len(x_vals), round(len(x_vals) * 0.8), replace=False)
    test_indices = np.array(list(set(range(len(x_vals))) - set(train_indices)))
    x_vals_train = x_vals[train_indices]
    x_vals_test = x_vals[test_indices]
    y_vals_train = y_vals[train_indices]
    y_vals_test = y_vals[test_indices]
    A = tf.Variable(tf.random_normal(mean=10, shape=[1]))
    my_output = tf.add(x_data, A)
    xentropy = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=my_output,
                                                                      labels=y_target))
    my_opt = tf.train.GradientDescentOptimizer(0.05)
    train_step = my_opt.minimize(xentropy)
    init = tf.global_variables_initializer()
    sess.run(init)
    A.load(np.random.normal(10, 1, size=[1]).astype(np.float32), sess)
    for _ in range(600):
        rand_index = np.random.choice(len(x_vals_train), size=batch_size)
        rand_x = [x_vals_train[rand_index]]
        rand_y = [y_vals_train[rand_index]]
        sess.run(train_step, feed_dict={x_data: rand_x, y_target: rand_y})
    y_prediction = tf.squeeze(tf.round(tf.nn.sigmoid(tf.add(x_data, A))))
    correct_prediction = tf.equal(y_prediction, y_target)
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    acc_value_test = sess.run(accuracy, feed_dict={x_data: [x_vals_test],
                                                   y_target: [y_vals_test]})
    acc_value_train = sess.run(accuracy, feed_dict={x_data: [x_vals_train],
                                                    y_target: [y_vals_train]})
    A_result = -sess.run(A)
    sess.close()
    return {"acc_train": float(acc_value_train), "acc_test": float(acc_value_test),
            "A_result": float(A_result[0])}


def main(tf):
    np.random.seed(8)
    out = {}
    with tf.Graph().as_default():
        out.update(_regression(tf))
    with tf.Graph().as_default():
        out.update(_classification(tf))
    return out
