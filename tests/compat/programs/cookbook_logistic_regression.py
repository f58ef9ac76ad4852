"""Logistic regression on the low-birth-weight data: nfmcclure's tensorflow_cookbook,
``03_Linear_Regression/08_Implementing_Logistic_Regression/08_logistic_regression.py``.
An 80/20 split by ``np.random.choice``, min-max column normalisation,
``tf.nn.sigmoid_cross_entropy_with_logits`` on a ``[7, 1]`` linear model, predictions by
``tf.round(tf.sigmoid(...))`` compared with ``tf.equal`` and averaged as accuracy on the
whole training and test sets after each step.

Adapted: the download of ``birthweight.dat`` (and the CSV cache written from it) is
replaced by the generated rows of :func:`common.birth_weight_data` (same columns, 189
rows); ``A`` and ``b``'s ``random_normal`` starts are loaded from a NumPy draw so both
backends start alike; ``np.nan_to_num`` is applied to the normalised matrices rather than
to ``normalize_cols``'s ``(matrix, min, max)`` tuple (NumPy 1.24+ refuses ragged tuples;
the values are the same); 600 generations instead of 1500; the progress prints and the
matplotlib plots are left out."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import birth_weight_data

COMPARE = {"first_loss": 1e-5, "last_loss": 1e-4, "train_acc": 1e-6, "test_acc": 1e-6,
           "mean_test_acc": 1e-6}


def main(tf):
    sess = tf.Session()
    birth_data = birth_weight_data()
    y_vals = np.array([x[0] for x in birth_data])
    x_vals = np.array([x[1:8] for x in birth_data])

    seed = 99
    np.random.seed(seed)
    tf.set_random_seed(seed)
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

    batch_size = 25
    x_data = tf.placeholder(shape=[None, 7], dtype=tf.float32)
    y_target = tf.placeholder(shape=[None, 1], dtype=tf.float32)
    A = tf.Variable(tf.random_normal(shape=[7, 1]))
    b = tf.Variable(tf.random_normal(shape=[1, 1]))
    model_output = tf.add(tf.matmul(x_data, A), b)
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=model_output,
                                                                  labels=y_target))
    my_opt = tf.train.GradientDescentOptimizer(0.01)
    train_step = my_opt.minimize(loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    A.load(np.random.normal(size=[7, 1]).astype(np.float32), sess)
    b.load(np.random.normal(size=[1, 1]).astype(np.float32), sess)

    prediction = tf.round(tf.sigmoid(model_output))
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
            "mean_test_acc": float(np.mean(test_acc))}
