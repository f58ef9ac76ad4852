"""Elastic net regression: nfmcclure's tensorflow_cookbook, ``03_Linear_Regression/
07_Implementing_Elasticnet_Regression/07_elasticnet_regression.py``. Sepal length from
the three other iris columns through a ``[3, 1]`` slope; the loss is the mean squared
error plus the mean absolute and the mean squared slope (``tf.abs`` and ``tf.square``
penalties), ``expand_dims``'d to shape ``[1]``; plain gradient descent.

Adapted: the iris download (``sklearn.datasets.load_iris``) is replaced by the iris-shaped
rows of :func:`common.iris_arrays`; ``A`` and ``b``'s ``random_normal`` starts are loaded
from a NumPy draw so both backends start alike; 400 generations instead of 1000; the
progress prints and the matplotlib plot are left out."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import iris_arrays

COMPARE = {"first_loss": 1e-5, "last_loss": 1e-4, "sw_coef": 1e-4, "pl_coef": 1e-4,
           "pw_coef": 1e-4, "y_intercept": 1e-4}


def main(tf):
    sess = tf.Session()
    iris_data, _ = iris_arrays()
    x_vals = np.array([[x[1], x[2], x[3]] for x in iris_data])
    y_vals = np.array([y[0] for y in iris_data])

    seed = 13
    np.random.seed(seed)
    tf.set_random_seed(seed)
    batch_size = 50
    x_data = tf.placeholder(shape=[None, 3], dtype=tf.float32)
    y_target = tf.placeholder(shape=[None, 1], dtype=tf.float32)
    A = tf.Variable(tf.random_normal(shape=[3, 1]))
    b = tf.Variable(tf.random_normal(shape=[1, 1]))
    model_output = tf.add(tf.matmul(x_data, A), b)

    elastic_param1 = tf.constant(1.)
    elastic_param2 = tf.constant(1.)
    l1_a_loss = tf.reduce_mean(tf.abs(A))
    l2_a_loss = tf.reduce_mean(tf.square(A))
    e1_term = tf.multiply(elastic_param1, l1_a_loss)
    e2_term = tf.multiply(elastic_param2, l2_a_loss)
    loss = tf.expand_dims(tf.add(tf.add(tf.reduce_mean(tf.square(y_target - model_output)),
                                        e1_term), e2_term), 0)

    my_opt = tf.train.GradientDescentOptimizer(0.001)
    train_step = my_opt.minimize(loss)
    init = tf.global_variables_initializer()
    sess.run(init)
    A.load(np.random.normal(size=[3, 1]).astype(np.float32), sess)
    b.load(np.random.normal(size=[1, 1]).astype(np.float32), sess)

    loss_vec = []
    for _ in range(400):
        rand_index = np.random.choice(len(x_vals), size=batch_size)
        rand_x = x_vals[rand_index]
        rand_y = np.transpose([y_vals[rand_index]])
        sess.run(train_step, feed_dict={x_data: rand_x, y_target: rand_y})
        temp_loss = sess.run(loss, feed_dict={x_data: rand_x, y_target: rand_y})
        loss_vec.append(temp_loss[0])

    [[sw_coef], [pl_coef], [pw_ceof]] = sess.run(A)
    [y_intercept] = sess.run(b)
    sess.close()
    return {"first_loss": float(loss_vec[0]), "last_loss": float(loss_vec[-1]),
            "sw_coef": float(sw_coef), "pl_coef": float(pl_coef), "pw_coef": float(pw_ceof),
            "y_intercept": float(y_intercept[0])}
