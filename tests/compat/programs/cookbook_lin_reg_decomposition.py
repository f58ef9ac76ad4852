"""Linear regression by the normal equations, two ways: nfmcclure's tensorflow_cookbook,
``03_Linear_Regression/01_Using_the_Matrix_Inverse_Method/01_lin_reg_inverse.py`` and
``02_Implementing_a_Decomposition_Method/02_lin_reg_decomposition.py``. float64
constants made from ``np.matrix`` columns; ``tf.matrix_inverse`` of ``A^T A`` in the
first recipe; in the second ``tf.cholesky`` of ``A^T A``, ``tf.matmul`` of a tensor and
the ``np.matrix`` ``b`` itself, and two ``tf.matrix_solve`` calls (the recipe solves with
the lower factor and then its transpose with the general solver, as written).

Adapted: the two recipes (each clearing the default graph with ``ops.reset_default_graph
()``) run in two ``tf.Graph()`` contexts; ``np.random`` is seeded (neither recipe seeds
it), each drawing its own data as written; the prints and the matplotlib plots are left
out (the slopes, intercepts and best-fit sums are returned)."""

from __future__ import annotations

import numpy as np

COMPARE = {"inverse_slope": 1e-9, "inverse_y_intercept": 1e-9, "inverse_best_fit": 1e-9,
           "cholesky_slope": 1e-9, "cholesky_y_intercept": 1e-9, "cholesky_best_fit": 1e-9,
           "cholesky_factor": 1e-9}


def _inverse(tf):
    sess = tf.Session()
    x_vals = np.linspace(0, 10, 100)
    y_vals = x_vals + np.random.normal(0, 1, 100)
    x_vals_column = np.transpose(np.matrix(x_vals))
    ones_column = np.transpose(np.matrix(np.repeat(1, 100)))
    A = np.column_stack((x_vals_column, ones_column))
    b = np.transpose(np.matrix(y_vals))
    A_tensor = tf.constant(A)
    b_tensor = tf.constant(b)
    tA_A = tf.matmul(tf.transpose(A_tensor), A_tensor)
    tA_A_inv = tf.matrix_inverse(tA_A)
    product = tf.matmul(tA_A_inv, tf.transpose(A_tensor))
    solution = tf.matmul(product, b_tensor)
    solution_eval = sess.run(solution)
    slope = solution_eval[0][0]
    y_intercept = solution_eval[1][0]
    best_fit = []
    for i in x_vals:
        best_fit.append(slope * i + y_intercept)
    sess.close()
    return slope, y_intercept, best_fit, None


def _decomposition(tf):
    sess = tf.Session()
    x_vals = np.linspace(0, 10, 100)
    y_vals = x_vals + np.random.normal(0, 1, 100)
    x_vals_column = np.transpose(np.matrix(x_vals))
    ones_column = np.transpose(np.matrix(np.repeat(1, 100)))
    A = np.column_stack((x_vals_column, ones_column))
    b = np.transpose(np.matrix(y_vals))
    A_tensor = tf.constant(A)
    b_tensor = tf.constant(b)  # noqa: F841 (the recipe makes it, then multiplies by b)
    tA_A = tf.matmul(tf.transpose(A_tensor), A_tensor)
    L = tf.cholesky(tA_A)
    tA_b = tf.matmul(tf.transpose(A_tensor), b)
    sol1 = tf.matrix_solve(L, tA_b)
    sol2 = tf.matrix_solve(tf.transpose(L), sol1)
    solution_eval = sess.run(sol2)
    slope = solution_eval[0][0]
    y_intercept = solution_eval[1][0]
    best_fit = []
    for i in x_vals:
        best_fit.append(slope * i + y_intercept)
    factor = sess.run(L)
    sess.close()
    return slope, y_intercept, best_fit, factor


def main(tf):
    np.random.seed(3)
    out = {}
    for key, recipe in (("inverse", _inverse), ("cholesky", _decomposition)):
        with tf.Graph().as_default():
            slope, y_intercept, best_fit, factor = recipe(tf)
        out[f"{key}_slope"] = float(slope)
        out[f"{key}_y_intercept"] = float(y_intercept)
        out[f"{key}_best_fit"] = float(np.sum(best_fit))
    out["cholesky_factor"] = float(np.sum(factor))
    return out
