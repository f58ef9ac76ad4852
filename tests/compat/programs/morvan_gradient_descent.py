"""Gradient descent on two scalar parameters of ``sin(b*cos(a*x))``, from MorvanZhou's
"Tensorflow-Tutorial" (github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6,
``tutorial-contents/503_visualize_gradient_descent.py``): two ``tf.Variable(initial_value=p,
dtype=tf.float32)`` made from Python ints and floats, a model built by a lambda of TF ops
over a NumPy float32 ``x``, ``tf.reduce_mean(tf.square(y - pred))`` with ``y`` a float64
NumPy array, ``GradientDescentOptimizer(0.1)``, the parameters and the cost read before
every training step inside ``with tf.Session() as sess``.

Adapted: ``np.random.seed(1)`` before the noise is drawn (the original draws it
unseeded); 100 steps instead of 400; the matplotlib figures (the fitted curve and the
3-D cost surface with the descent path) are left out: the path's numbers are returned.
"""

from __future__ import annotations

import numpy as np

COMPARE = {"a": 1e-5, "b": 1e-5, "mse": 1e-5, "a_path": 1e-5, "b_path": 1e-5,
           "cost_path": 1e-5, "result_sum": 1e-5, "dtypes": 0.0}


def main(tf):
    np.random.seed(1)
    LR = 0.1
    REAL_PARAMS = [1.2, 2.5]
    INIT_PARAMS = [[5, 4],
                   [5, 1],
                   [2, 4.5]][2]

    x = np.linspace(-1, 1, 200, dtype=np.float32)   # x data

    # Test (3): Most simplest two parameters and two layers Neural Net, and their local &
    # global minimum, you can try different INIT_PARAMS set to visualize the gradient
    # descent.

    y_fun = lambda a, b: np.sin(b*np.cos(a*x))
    tf_y_fun = lambda a, b: tf.sin(b*tf.cos(a*x))

    noise = np.random.randn(200)/10
    y = y_fun(*REAL_PARAMS) + noise         # target

    # tensorflow graph
    a, b = [tf.Variable(initial_value=p, dtype=tf.float32) for p in INIT_PARAMS]
    pred = tf_y_fun(a, b)
    mse = tf.reduce_mean(tf.square(y-pred))
    train_op = tf.train.GradientDescentOptimizer(LR).minimize(mse)

    a_list, b_list, cost_list = [], [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(100):  # noqa: B007
            a_, b_, mse_ = sess.run([a, b, mse])
            a_list.append(a_); b_list.append(b_); cost_list.append(mse_)  # noqa: E702
            result, _ = sess.run([pred, train_op])                          # training

    return {"a": float(a_), "b": float(b_), "mse": float(mse_),
            "a_path": float(np.sum(a_list)), "b_path": float(np.sum(b_list)),
            "cost_path": float(np.sum(cost_list)),
            "result_sum": float(np.sum(result * np.arange(200))),
            "dtypes": [a.dtype.base_dtype.name, pred.dtype.name, mse.dtype.name]}
