"""Linear regression in TF1 from Aurélien Géron's *Hands-On Machine Learning* (1st
edition), chapter 9 notebook ``09_up_and_running_with_tensorflow.ipynb`` of
``ageron/handson-ml`` (commit 963b83f1737026307c5bfc9b92fab8fc669a7baf, the file as of
the repository's b7051594afbb1d835f5e031af8664c4363878050): the first graph
(``x*x*y + y + 2`` run with explicit initializers, ``global_variables_initializer`` and an
``InteractiveSession``), the normal equation with ``tf.matrix_inverse``, batch gradient
descent with manually computed gradients (``2/m * X^T error`` assigned with
``tf.assign``), with ``tf.gradients``, with a ``GradientDescentOptimizer`` and with a
``MomentumOptimizer``, and the autodiff of ``my_func`` (100 unrolled ``cos``/``sin``
steps) by ``tf.gradients``.

Adapted: California housing (a download through scikit-learn) becomes
``housing_data()``, a small generated regression set of the same shape (8 features, a
positive target), and ``StandardScaler`` a NumPy standardization; 1000 epochs become
300 (``n_epochs_full``); the ``print`` calls become returned values; ``reset_graph`` seeds
as the notebook does, but each section builds in a fresh ``tf.Graph()`` instead of
``tf.reset_default_graph()`` (the test runs each program inside a graph); ``theta``'s
seeded ``random_uniform`` draw is replaced by ``same_start``'s NumPy draw so both
backends start from the same weights."""

# ruff: noqa: B007, F841 - the author's unused loop variables and names are kept

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

# theta_normal_sum, theta_numpy_gap: float32 round-off of the normal equation. X^T X is
# ill-conditioned (condition number 6.7e7, as with the real housing data), so the sum
# depends on the summation order of X^T X: float64 gives -31.0114, NumPy's float32 -31.0150,
# TF 2.21's -31.0630 (its X^T X differs from NumPy's by up to 1.5). The tolerance admits
# TF's own distance from the exact value (theta_numpy_gap: TF 0.052, NumPy float32 0.004);
# trainkit's product follows the BLAS installed.
COMPARE = {"f": 0.0, "theta_normal_sum": 3e-3, "theta_numpy_gap": 6e-2,
           "mse_manual": 1e-4, "theta_manual_sum": 1e-4, "theta_autodiff_gap": 1e-5,
           "theta_optimizer_gap": 1e-5, "theta_momentum_sum": 1e-4, "my_func_z": 1e-4,
           "my_func_grads": 1e-3, "my_func_numpy_gap": 1e-4}


class Housing:
    """What ``fetch_california_housing()`` gives the notebook: ``data`` and ``target``."""

    def __init__(self, data: np.ndarray, target: np.ndarray):
        self.data = data
        self.target = target


def housing_data(m: int = 400, seed: int = 42) -> Housing:
    """A generated stand-in for California housing: ``m`` rows of 8 features with
    housing-like scales (income, age, rooms, ..., latitude, longitude) and a positive,
    mostly linear target around 2."""
    rng = np.random.RandomState(seed)
    means = np.array([3.9, 28.6, 5.4, 1.1, 14.3, 3.1, 35.6, -119.6])
    scales = np.array([1.9, 12.6, 2.5, 0.5, 11.3, 1.0, 2.1, 2.0])
    data = means + scales * rng.normal(size=(m, 8))
    weights = np.array([0.44, 0.01, -0.1, 0.6, 0.0, -0.004, -0.42, -0.43])
    target = (data - means) @ weights + 2.07 + 0.3 * rng.normal(size=m)
    return Housing(data, np.clip(target, 0.15, 5.0))


def standard_scale(data: np.ndarray) -> np.ndarray:
    """``StandardScaler().fit_transform``: zero mean, unit (population) deviation."""
    return (data - data.mean(axis=0)) / data.std(axis=0)


def main(tf, n_epochs_full=300):
    def reset_graph(seed=42):
        tf.set_random_seed(seed)
        np.random.seed(seed)

    results = {}
    with tf.Graph().as_default():
        reset_graph()

        x = tf.Variable(3, name="x")
        y = tf.Variable(4, name="y")
        f = x*x*y + y + 2

        sess = tf.Session()
        sess.run(x.initializer)
        sess.run(y.initializer)
        result = sess.run(f)
        sess.close()

        with tf.Session() as sess:
            x.initializer.run()
            y.initializer.run()
            result2 = f.eval()

        init = tf.global_variables_initializer()
        sess = tf.InteractiveSession()
        init.run()
        result3 = f.eval()
        sess.close()
        results["f"] = [int(result), int(result2), int(result3)]

    housing = housing_data()
    m, n = housing.data.shape
    housing_data_plus_bias = np.c_[np.ones((m, 1)), housing.data]

    with tf.Graph().as_default():
        reset_graph()
        X = tf.constant(housing_data_plus_bias, dtype=tf.float32, name="X")
        y = tf.constant(housing.target.reshape(-1, 1), dtype=tf.float32, name="y")
        XT = tf.transpose(X)
        theta = tf.matmul(tf.matmul(tf.matrix_inverse(tf.matmul(XT, X)), XT), y)

        with tf.Session() as sess:
            theta_value = theta.eval()

    X = housing_data_plus_bias
    y = housing.target.reshape(-1, 1)
    theta_numpy = np.linalg.inv(X.T.dot(X)).dot(X.T).dot(y)
    results["theta_normal_sum"] = float(np.sum(theta_value))
    results["theta_numpy_gap"] = float(np.max(np.abs(theta_value - theta_numpy)))

    scaled_housing_data = standard_scale(housing.data)
    scaled_housing_data_plus_bias = np.c_[np.ones((m, 1)), scaled_housing_data]

    # Manually computing the gradients
    with tf.Graph().as_default():
        reset_graph()

        n_epochs = n_epochs_full
        learning_rate = 0.01

        X = tf.constant(scaled_housing_data_plus_bias, dtype=tf.float32, name="X")
        y = tf.constant(housing.target.reshape(-1, 1), dtype=tf.float32, name="y")
        theta = tf.Variable(tf.random_uniform([n + 1, 1], -1.0, 1.0, seed=42), name="theta")
        y_pred = tf.matmul(X, theta, name="predictions")
        error = y_pred - y
        mse = tf.reduce_mean(tf.square(error), name="mse")
        gradients = 2/m * tf.matmul(tf.transpose(X), error)
        training_op = tf.assign(theta, theta - learning_rate * gradients)

        init = tf.global_variables_initializer()

        mses = []
        with tf.Session() as sess:
            sess.run(init)
            same_start(sess, tf)

            for epoch in range(n_epochs):
                if epoch % 100 == 0:
                    mses.append(float(mse.eval()))
                sess.run(training_op)

            best_theta_manual = theta.eval()
        results["mse_manual"] = mses[-1]
        results["theta_manual_sum"] = float(np.sum(best_theta_manual))

    # Using autodiff
    with tf.Graph().as_default():
        reset_graph()

        n_epochs = n_epochs_full
        learning_rate = 0.01

        X = tf.constant(scaled_housing_data_plus_bias, dtype=tf.float32, name="X")
        y = tf.constant(housing.target.reshape(-1, 1), dtype=tf.float32, name="y")
        theta = tf.Variable(tf.random_uniform([n + 1, 1], -1.0, 1.0, seed=42), name="theta")
        y_pred = tf.matmul(X, theta, name="predictions")
        error = y_pred - y
        mse = tf.reduce_mean(tf.square(error), name="mse")

        gradients = tf.gradients(mse, [theta])[0]

        training_op = tf.assign(theta, theta - learning_rate * gradients)

        init = tf.global_variables_initializer()

        with tf.Session() as sess:
            sess.run(init)
            same_start(sess, tf)

            for epoch in range(n_epochs):
                sess.run(training_op)

            best_theta = theta.eval()
        results["theta_autodiff_gap"] = float(np.max(np.abs(best_theta - best_theta_manual)))

    def my_func(a, b):
        z = 0
        for i in range(100):
            z = a * np.cos(z + i) + z * np.sin(b - i)
        return z

    with tf.Graph().as_default():
        reset_graph()

        a = tf.Variable(0.2, name="a")
        b = tf.Variable(0.3, name="b")
        z = tf.constant(0.0, name="z0")
        for i in range(100):
            z = a * tf.cos(z + i) + z * tf.sin(b - i)

        grads = tf.gradients(z, [a, b])
        init = tf.global_variables_initializer()

        with tf.Session() as sess:
            init.run()
            z_value = z.eval()
            grads_value = sess.run(grads)
        results["my_func_z"] = float(z_value)
        results["my_func_numpy_gap"] = float(abs(z_value - my_func(0.2, 0.3)))
        results["my_func_grads"] = float(np.sum(np.abs(grads_value)))

    # Using a GradientDescentOptimizer
    with tf.Graph().as_default():
        reset_graph()

        n_epochs = n_epochs_full
        learning_rate = 0.01

        X = tf.constant(scaled_housing_data_plus_bias, dtype=tf.float32, name="X")
        y = tf.constant(housing.target.reshape(-1, 1), dtype=tf.float32, name="y")
        theta = tf.Variable(tf.random_uniform([n + 1, 1], -1.0, 1.0, seed=42), name="theta")
        y_pred = tf.matmul(X, theta, name="predictions")
        error = y_pred - y
        mse = tf.reduce_mean(tf.square(error), name="mse")

        optimizer = tf.train.GradientDescentOptimizer(learning_rate=learning_rate)
        training_op = optimizer.minimize(mse)

        init = tf.global_variables_initializer()

        with tf.Session() as sess:
            sess.run(init)
            same_start(sess, tf)

            for epoch in range(n_epochs):
                sess.run(training_op)

            best_theta = theta.eval()
        results["theta_optimizer_gap"] = float(np.max(np.abs(best_theta - best_theta_manual)))

    # Using a momentum optimizer
    with tf.Graph().as_default():
        reset_graph()

        n_epochs = n_epochs_full
        learning_rate = 0.01

        X = tf.constant(scaled_housing_data_plus_bias, dtype=tf.float32, name="X")
        y = tf.constant(housing.target.reshape(-1, 1), dtype=tf.float32, name="y")
        theta = tf.Variable(tf.random_uniform([n + 1, 1], -1.0, 1.0, seed=42), name="theta")
        y_pred = tf.matmul(X, theta, name="predictions")
        error = y_pred - y
        mse = tf.reduce_mean(tf.square(error), name="mse")

        optimizer = tf.train.MomentumOptimizer(learning_rate=learning_rate,
                                               momentum=0.9)

        training_op = optimizer.minimize(mse)

        init = tf.global_variables_initializer()

        with tf.Session() as sess:
            sess.run(init)
            same_start(sess, tf)

            for epoch in range(n_epochs):
                sess.run(training_op)

            best_theta = theta.eval()
        results["theta_momentum_sum"] = float(np.sum(best_theta))
    return results
