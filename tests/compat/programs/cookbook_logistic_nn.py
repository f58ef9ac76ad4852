"""Logistic regression improved by a neural network: nfmcclure's tensorflow_cookbook,
``06_Neural_Networks/07_Improving_Linear_Regression/07_improving_linear_regression.py``.
The low-birth-weight flag from seven columns through two sigmoid layers (14 and 5 nodes)
and a linear output, ``tf.nn.sigmoid_cross_entropy_with_logits``, Adam, and the
``round(sigmoid(...))`` accuracy on the whole training and test sets after each step.

Adapted: the download of ``birthweight.dat`` (and the CSV cache written from it) is
replaced by the generated rows of :func:`common.birth_weight_data` (same columns, 189
rows); ``np.nan_to_num`` is applied to the normalised matrices rather than to
``normalize_cols``'s ``(matrix, min, max)`` tuple (NumPy 1.24+ refuses ragged tuples; the
values are the same); the six ``random_normal`` starts are loaded from NumPy draws so both
backends start alike; 600 generations instead of 1500; the prints and the matplotlib
plots are left out."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import birth_weight_data

COMPARE = {"first_loss": 1e-5, "last_loss": 1e-4, "train_acc": 1e-6, "test_acc": 1e-6,
           "mean_train_acc": 1e-6}


def main(tf):
    birth_data = birth_weight_data()
    y_vals = np.array([x[0] for x in birth_data])
    x_vals = np.array([x[1:8] for x in birth_data])
    seed = 99
    np.random.seed(seed)
    tf.set_random_seed(seed)
    batch_size = 90
    train_indices = np.random.choice(len(x_vals), round(len(x_vals) * 0.8), replace=False)
    test_indices = np.array(list(set(range(len(x_vals))) - set(train_indices)))
    x_vals_train = x_vals[train_indices]
    x_vals_test = x_vals[test_indices]
    y_vals_train = y_vals[train_indices]
    y_vals_test = y_vals[test_indices]

    def normalize_cols(m, col_min=np.array([None]), col_max=np.array([None])):
        if not col_min[0]:
            col_min = m.min(axis=0)
        if not col_max[0]:
            col_max = m.max(axis=0)
        return (m - col_min) / (col_max - col_min), col_min, col_max

    x_vals_train, train_min, train_max = normalize_cols(x_vals_train)
    x_vals_test, _, _ = normalize_cols(x_vals_test, train_min, train_max)
    x_vals_train, x_vals_test = np.nan_to_num(x_vals_train), np.nan_to_num(x_vals_test)

    sess = tf.Session()
    x_data = tf.placeholder(shape=[None, 7], dtype=tf.float32)
    y_target = tf.placeholder(shape=[None, 1], dtype=tf.float32)

    def init_variable(shape):
        return tf.Variable(tf.random_normal(shape=shape))

    def logistic(input_layer, multiplication_weight, bias_weight, activation=True):
        linear_layer = tf.add(tf.matmul(input_layer, multiplication_weight), bias_weight)
        if activation:
            return tf.nn.sigmoid(linear_layer)
        else:
            return linear_layer

    A1 = init_variable(shape=[7, 14])
    b1 = init_variable(shape=[14])
    logistic_layer1 = logistic(x_data, A1, b1)
    A2 = init_variable(shape=[14, 5])
    b2 = init_variable(shape=[5])
    logistic_layer2 = logistic(logistic_layer1, A2, b2)
    A3 = init_variable(shape=[5, 1])
    b3 = init_variable(shape=[1])
    final_output = logistic(logistic_layer2, A3, b3, activation=False)
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=final_output,
                                                                  labels=y_target))
    my_opt = tf.train.AdamOptimizer(learning_rate=0.002)
    train_step = my_opt.minimize(loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    for var in [A1, b1, A2, b2, A3, b3]:
        var.load(np.random.normal(size=var.shape.as_list()).astype(np.float32), sess)

    prediction = tf.round(tf.nn.sigmoid(final_output))
    predictions_correct = tf.cast(tf.equal(prediction, y_target), tf.float32)
    accuracy = tf.reduce_mean(predictions_correct)

    loss_vec = []
    train_acc = []
    test_acc = []
    for _ in range(600):
        rand_index = np.random.choice(len(x_vals_train), size=batch_size)
        rand_x = x_vals_train[rand_index]
        rand_y = np.transpose([y_vals_train[rand_index]])
        sess.run(train_step, feed_dict={x_data: rand_x, y_target: rand_y})
        temp_loss = sess.run(loss, feed_dict={x_data: rand_x, y_target: rand_y})
        loss_vec.append(temp_loss)
        temp_acc_train = sess.run(accuracy, feed_dict={x_data: x_vals_train,
                                                       y_target: np.transpose([y_vals_train])})
        train_acc.append(temp_acc_train)
        temp_acc_test = sess.run(accuracy, feed_dict={x_data: x_vals_test,
                                                      y_target: np.transpose([y_vals_test])})
        test_acc.append(temp_acc_test)
    sess.close()
    return {"first_loss": float(loss_vec[0]), "last_loss": float(loss_vec[-1]),
            "train_acc": float(train_acc[-1]), "test_acc": float(test_acc[-1]),
            "mean_train_acc": float(np.mean(train_acc))}
