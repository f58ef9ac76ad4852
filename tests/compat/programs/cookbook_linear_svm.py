"""Linear soft-margin SVM: nfmcclure's tensorflow_cookbook, ``04_Support_Vector_Machines/
02_Working_with_Linear_SVMs/02_linear_svm.py``. I. setosa against the rest from sepal
length and petal width: the hinge loss ``reduce_mean(maximum(0., 1 - y * (xA - b)))`` plus
``alpha * ||A||^2`` (``alpha`` a shape-``[1]`` constant, so the loss has shape ``[1]``),
``tf.sign`` predictions compared with ``tf.equal``; plain gradient descent, with the
training and test accuracy evaluated after every step.

Adapted: the iris download (``sklearn.datasets.load_iris``) is replaced by the iris-shaped
rows of :func:`common.iris_arrays`; ``A`` and ``b``'s ``random_normal`` starts are loaded
from a NumPy draw so both backends start alike; the recipe's 500 generations; the
progress prints and the matplotlib plots are left out (the separating line's slope and
intercept, computed for the plot, are returned)."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import iris_arrays

COMPARE = {"first_loss": 1e-5, "last_loss": 1e-4, "train_accuracy": 1e-6,
           "test_accuracy": 1e-6, "slope": 1e-3, "y_intercept": 1e-3}


def main(tf):
    np.random.seed(7)
    tf.set_random_seed(7)
    sess = tf.Session()
    iris_data, iris_target = iris_arrays()
    x_vals = np.array([[x[0], x[3]] for x in iris_data])
    y_vals = np.array([1 if y == 0 else -1 for y in iris_target])
    train_indices = np.random.choice(len(x_vals), int(round(len(x_vals) * 0.9)), replace=False)
    test_indices = np.array(list(set(range(len(x_vals))) - set(train_indices)))
    x_vals_train = x_vals[train_indices]
    x_vals_test = x_vals[test_indices]
    y_vals_train = y_vals[train_indices]
    y_vals_test = y_vals[test_indices]

    batch_size = 135
    x_data = tf.placeholder(shape=[None, 2], dtype=tf.float32)
    y_target = tf.placeholder(shape=[None, 1], dtype=tf.float32)
    A = tf.Variable(tf.random_normal(shape=[2, 1]))
    b = tf.Variable(tf.random_normal(shape=[1, 1]))
    model_output = tf.subtract(tf.matmul(x_data, A), b)
    l2_norm = tf.reduce_sum(tf.square(A))
    alpha = tf.constant([0.01])
    classification_term = tf.reduce_mean(tf.maximum(0., tf.subtract(
        1., tf.multiply(model_output, y_target))))
    loss = tf.add(classification_term, tf.multiply(alpha, l2_norm))
    prediction = tf.sign(model_output)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, y_target), tf.float32))
    my_opt = tf.train.GradientDescentOptimizer(0.01)
    train_step = my_opt.minimize(loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    A.load(np.random.normal(size=[2, 1]).astype(np.float32), sess)
    b.load(np.random.normal(size=[1, 1]).astype(np.float32), sess)

    loss_vec = []
    train_accuracy = []
    test_accuracy = []
    for _ in range(500):
        rand_index = np.random.choice(len(x_vals_train), size=batch_size)
        rand_x = x_vals_train[rand_index]
        rand_y = np.transpose([y_vals_train[rand_index]])
        sess.run(train_step, feed_dict={x_data: rand_x, y_target: rand_y})
        temp_loss = sess.run(loss, feed_dict={x_data: rand_x, y_target: rand_y})
        loss_vec.append(temp_loss)
        train_acc_temp = sess.run(accuracy, feed_dict={
            x_data: x_vals_train, y_target: np.transpose([y_vals_train])})
        train_accuracy.append(train_acc_temp)
        test_acc_temp = sess.run(accuracy, feed_dict={
            x_data: x_vals_test, y_target: np.transpose([y_vals_test])})
        test_accuracy.append(test_acc_temp)

    [[a1], [a2]] = sess.run(A)
    [[b]] = sess.run(b)
    slope = -a2 / a1
    y_intercept = b / a1
    sess.close()
    return {"first_loss": float(loss_vec[0][0]), "last_loss": float(loss_vec[-1][0]),
            "train_accuracy": float(train_accuracy[-1]),
            "test_accuracy": float(test_accuracy[-1]),
            "slope": float(slope), "y_intercept": float(y_intercept)}
