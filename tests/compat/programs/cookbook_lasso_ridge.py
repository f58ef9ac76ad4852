"""LASSO and ridge regression: nfmcclure's tensorflow_cookbook, ``03_Linear_Regression/
06_Implementing_Lasso_and_Ridge_Regression/06_lasso_and_ridge_regression.py``. The LASSO
loss adds a steep sigmoid "Heaviside step" of the slope (``truediv(1., add(1., exp(...)))``
times 99) to the mean squared error; the ridge loss adds the mean squared slope and is
``expand_dims``'d to shape ``[1]`` (both losses are non-scalar: the LASSO one broadcasts
to ``[1, 1]``, and ``minimize`` differentiates their sum);
plain gradient descent on the ``[1, 1]`` slope and intercept.

Adapted: the recipe's ``regression_type`` switch is run both ways, each in its own graph
(the recipe clears the default graph with ``ops.reset_default_graph()``); the iris
download (``sklearn.datasets.load_iris``) is replaced by the iris-shaped rows of
:func:`common.iris_arrays` (sepal length against petal width); ``A`` and ``b``'s
``random_normal`` starts are loaded from a NumPy draw so both backends start alike; 400
generations instead of 1500; the progress prints and the matplotlib plots are left
out."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import iris_arrays

COMPARE = {"lasso_first_loss": 1e-5, "lasso_last_loss": 1e-4, "lasso_slope": 1e-4,
           "lasso_intercept": 1e-4, "ridge_first_loss": 1e-5, "ridge_last_loss": 1e-4,
           "ridge_slope": 1e-4, "ridge_intercept": 1e-4, "lasso_loss_shape": 0.0,
           "ridge_loss_shape": 0.0}


def run(tf, regression_type):
    sess = tf.Session()
    iris_data, _ = iris_arrays()
    x_vals = np.array([x[3] for x in iris_data])
    y_vals = np.array([y[0] for y in iris_data])
    batch_size = 50
    x_data = tf.placeholder(shape=[None, 1], dtype=tf.float32)
    y_target = tf.placeholder(shape=[None, 1], dtype=tf.float32)

    seed = 13
    np.random.seed(seed)
    tf.set_random_seed(seed)
    A = tf.Variable(tf.random_normal(shape=[1, 1]))
    b = tf.Variable(tf.random_normal(shape=[1, 1]))
    model_output = tf.add(tf.matmul(x_data, A), b)

    if regression_type == 'LASSO':
        lasso_param = tf.constant(0.9)
        heavyside_step = tf.truediv(1., tf.add(1., tf.exp(tf.multiply(-50., tf.subtract(
            A, lasso_param)))))
        regularization_param = tf.multiply(heavyside_step, 99.)
        loss = tf.add(tf.reduce_mean(tf.square(y_target - model_output)), regularization_param)
    elif regression_type == 'Ridge':
        ridge_param = tf.constant(1.)
        ridge_loss = tf.reduce_mean(tf.square(A))
        loss = tf.expand_dims(tf.add(tf.reduce_mean(tf.square(y_target - model_output)),
                                     tf.multiply(ridge_param, ridge_loss)), 0)

    my_opt = tf.train.GradientDescentOptimizer(0.001)
    train_step = my_opt.minimize(loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    A.load(np.random.normal(size=[1, 1]).astype(np.float32), sess)
    b.load(np.random.normal(size=[1, 1]).astype(np.float32), sess)

    loss_vec = []
    for _ in range(400):
        rand_index = np.random.choice(len(x_vals), size=batch_size)
        rand_x = np.transpose([x_vals[rand_index]])
        rand_y = np.transpose([y_vals[rand_index]])
        sess.run(train_step, feed_dict={x_data: rand_x, y_target: rand_y})
        temp_loss = sess.run(loss, feed_dict={x_data: rand_x, y_target: rand_y})
        loss_vec.append(temp_loss[0])

    [slope] = sess.run(A)
    [y_intercept] = sess.run(b)
    sess.close()
    return loss_vec, slope, y_intercept, list(np.shape(temp_loss))


def main(tf):
    out = {}
    for regression_type in ['LASSO', 'Ridge']:
        with tf.Graph().as_default():
            loss_vec, slope, y_intercept, shape = run(tf, regression_type)
        key = regression_type.lower()
        out.update({f"{key}_first_loss": float(np.squeeze(loss_vec[0])),
                    f"{key}_last_loss": float(np.squeeze(loss_vec[-1])),
                    f"{key}_slope": float(slope[0]), f"{key}_intercept": float(y_intercept[0]),
                    f"{key}_loss_shape": shape})
    return out
