"""Solving a system of ODEs: nfmcclure's tensorflow_cookbook, ``11_More_with_TensorFlow/
04_Solving_A_System_of_ODEs/04_solving_ode_system.py``. The Lotka-Volterra
predator-prey equations integrated by Euler steps: two scalar ``Variable``s updated
together by ``tf.group`` of two ``assign``s whose right-hand sides read the old values,
with the coefficients and the step fed to shape-``()`` placeholders and the step run by
``Operation.run(feed_dict, session=sess)``.

TF1 runs the two assigns and the reads of the old values in no fixed order (see
``COMPARE``), so its numbers vary a little from run to run.

Adapted: nothing but the output: the plotted trajectories are returned as a few samples
and their sums."""

from __future__ import annotations

import numpy as np

# TF1 races here: the two assigns have no control dependency on the reads of the other
# variable, and with ref variables a read that runs after the other assign sees the new
# value, so TF's sums change from run to run (927.90 / 554.65 and 927.90 / 554.67 on two
# runs of TF 2.21). trainkit reads both old values (NumPy's simultaneous Euler step gives
# its 927.8024 / 554.5846 exactly); always updating x first would give 928.006 / 552.580.
# The tolerance covers every order: 5e-3 of the sums.
COMPARE = {"prey_sum": 5e-3, "predator_sum": 5e-3, "prey_samples": 5e-3,
           "predator_samples": 5e-3}


def main(tf):
    sess = tf.Session()
    x_initial = tf.constant(1.0)
    y_initial = tf.constant(1.0)
    X_t1 = tf.Variable(x_initial)
    Y_t1 = tf.Variable(y_initial)
    t_delta = tf.placeholder(tf.float32, shape=())
    a = tf.placeholder(tf.float32, shape=())
    b = tf.placeholder(tf.float32, shape=())
    c = tf.placeholder(tf.float32, shape=())
    d = tf.placeholder(tf.float32, shape=())
    X_t2 = X_t1 + (a * X_t1 + b * X_t1 * Y_t1) * t_delta
    Y_t2 = Y_t1 + (c * Y_t1 + d * X_t1 * Y_t1) * t_delta
    step = tf.group(X_t1.assign(X_t2), Y_t1.assign(Y_t2))
    init = tf.global_variables_initializer()
    sess.run(init)

    prey_values = []
    predator_values = []
    for _ in range(1000):
        step.run({a: (2. / 3.), b: (-4. / 3.), c: -1.0, d: 1.0, t_delta: 0.01}, session=sess)
        temp_prey, temp_pred = sess.run([X_t1, Y_t1])
        prey_values.append(temp_prey)
        predator_values.append(temp_pred)
    sess.close()
    return {"prey_sum": float(np.sum(prey_values)),
            "predator_sum": float(np.sum(predator_values)),
            "prey_samples": float(np.sum(prey_values[::100])),
            "predator_samples": float(np.sum(predator_values[::100]))}
