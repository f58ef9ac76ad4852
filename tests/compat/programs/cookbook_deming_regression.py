"""Deming (total least squares) regression: nfmcclure's tensorflow_cookbook,
``03_Linear_Regression/05_Implementing_Deming_Regression/05_deming_regression.py``. The
loss is the mean perpendicular distance ``|y - (xA + b)| / sqrt(A^2 + 1)`` written with
``tf.abs``, ``tf.sqrt``, ``tf.square`` and ``tf.truediv`` of ``[None, 1]`` tensors, minimised
by plain gradient descent on the ``[1, 1]`` slope and intercept variables.

Adapted: the iris download (``sklearn.datasets.load_iris``) is replaced by the iris-shaped
rows of :func:`common.iris_arrays` (sepal length against petal width, as the recipe takes);
``A`` and ``b``'s ``random_normal`` starts are loaded from a NumPy draw so both backends
start alike; 300 generations instead of 1000; the progress prints and the matplotlib
plots are left out."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import iris_arrays

COMPARE = {"first_loss": 1e-5, "last_loss": 1e-4, "slope": 1e-4, "y_intercept": 1e-4,
           "best_fit_sum": 1e-4}


def main(tf):
    tf.set_random_seed(42)
    np.random.seed(42)
    sess = tf.Session()

    iris_data, _ = iris_arrays()
    x_vals = np.array([x[3] for x in iris_data])
    y_vals = np.array([y[0] for y in iris_data])
    batch_size = 50

    x_data = tf.placeholder(shape=[None, 1], dtype=tf.float32)
    y_target = tf.placeholder(shape=[None, 1], dtype=tf.float32)
    A = tf.Variable(tf.random_normal(shape=[1, 1]))
    b = tf.Variable(tf.random_normal(shape=[1, 1]))
    model_output = tf.add(tf.matmul(x_data, A), b)  # noqa: F841 (the recipe's model)

    deming_numerator = tf.abs(tf.subtract(y_target, tf.add(tf.matmul(x_data, A), b)))
    deming_denominator = tf.sqrt(tf.add(tf.square(A), 1))
    loss = tf.reduce_mean(tf.truediv(deming_numerator, deming_denominator))

    my_opt = tf.train.GradientDescentOptimizer(0.15)
    train_step = my_opt.minimize(loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    A.load(np.random.normal(size=[1, 1]).astype(np.float32), sess)
    b.load(np.random.normal(size=[1, 1]).astype(np.float32), sess)

    loss_vec = []
    for _ in range(300):
        rand_index = np.random.choice(len(x_vals), size=batch_size)
        rand_x = np.transpose([x_vals[rand_index]])
        rand_y = np.transpose([y_vals[rand_index]])
        sess.run(train_step, feed_dict={x_data: rand_x, y_target: rand_y})
        temp_loss = sess.run(loss, feed_dict={x_data: rand_x, y_target: rand_y})
        loss_vec.append(temp_loss)

    [slope] = sess.run(A)
    [y_intercept] = sess.run(b)
    best_fit = []
    for i in x_vals:
        best_fit.append(slope * i + y_intercept)
    sess.close()
    return {"first_loss": float(loss_vec[0]), "last_loss": float(loss_vec[-1]),
            "slope": float(slope[0]), "y_intercept": float(y_intercept[0]),
            "best_fit_sum": float(np.sum(best_fit))}
