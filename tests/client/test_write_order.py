"""Reads of a variable run before the in-place writes they do not depend on
(``client/write_order.py``).

TF numbers are from TensorFlow 2.21 ``tf.compat.v1`` with ``disable_v2_behavior()``
(reference variables, as trainkit's): 200 fresh graphs each. ``sess.run([inc, v * 10])``
with ``inc = assign_add(v, 1)`` created first gave 10.0 in 192 runs and 20.0 in 8 (its
executor leaves the order open; with resource variables all 200 gave 10.0). The two
optimizers stepping ``w`` and ``u`` of ``loss = w * u`` in one run left ``u`` at 2.8 in
all 200 runs: the gradient for ``u`` read ``w`` before ``w``'s update (3 - 0.1 * 2).
"""

from __future__ import annotations

import numpy as np

import trainkit as tf
from trainkit.client import write_order
from trainkit.framework import topo


def _session():
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    return sess


def test_read_created_after_a_write_sees_the_value_before_it():
    v = tf.Variable(1.0)
    inc = tf.assign_add(v, 1.0)
    y = v * 10.0
    with _session() as sess:
        assert sess.run([inc, y])[1] == 10.0
        assert sess.run(v) == 2.0


def test_read_that_depends_on_the_write_sees_the_new_value():
    v = tf.Variable(1.0)
    inc = tf.assign_add(v, 1.0)
    with tf.control_dependencies([inc]):
        y = v * 10.0
    with _session() as sess:
        assert sess.run(y) == 20.0


def test_fetched_variable_still_shows_the_value_after_the_run():
    v = tf.Variable(1.0)
    inc = tf.assign_add(v, 1.0)
    read = tf.identity(v)
    with _session() as sess:
        assert sess.run([inc, v, read])[1:] == [2.0, 2.0]


def test_two_optimizers_in_one_run_read_each_others_variables_before_updating():
    w = tf.Variable(2.0)
    u = tf.Variable(3.0)
    loss = w * u
    train_d = tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[w])
    train_g = tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[u])
    with _session() as sess:
        sess.run([train_d, train_g])
        w_, u_ = sess.run([w, u])
    np.testing.assert_allclose([w_, u_], [2.0 - 0.1 * 3.0, 3.0 - 0.1 * 2.0], rtol=1e-6)


def test_same_in_a_session_with_inter_op_threads():
    w = tf.Variable(np.full((64, 64), 0.5, np.float32))
    u = tf.Variable(np.full((64, 64), 0.25, np.float32))
    loss = tf.reduce_sum(tf.matmul(w, u))
    train_d = tf.train.GradientDescentOptimizer(0.01).minimize(loss, var_list=[w])
    train_g = tf.train.GradientDescentOptimizer(0.01).minimize(loss, var_list=[u])
    config = tf.ConfigProto(inter_op_parallelism_threads=2)
    with tf.Session(config=config) as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run([train_d, train_g])
        w_, u_ = sess.run([w, u])
    # NumPy reference: both gradients from the values before the step's updates
    wn, un = np.full((64, 64), 0.5), np.full((64, 64), 0.25)
    for _ in range(3):
        ones = np.ones((64, 64))
        wn, un = wn - 0.01 * ones @ un.T, un - 0.01 * wn.T @ ones
    np.testing.assert_allclose(w_, wn, rtol=1e-5)
    np.testing.assert_allclose(u_, un, rtol=1e-5)


def test_swap_in_one_run_keeps_creation_order():
    # Each assign reads the variable the other writes: no order runs both reads first,
    # so the plan keeps creation order (the first assign runs first).
    v = tf.Variable(1.0)
    u = tf.Variable(2.0)
    a = tf.assign(v, u)
    b = tf.assign(u, v)
    with _session() as sess:
        sess.run([a, b])
        assert sess.run([v, u]) == [2.0, 2.0]


def test_a_training_plan_keeps_its_order():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.layers.dense(x, 2)
    loss = tf.reduce_mean(tf.square(y))
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    order = topo.prune([loss], [train], {x})
    assert write_order.reads_first(order, {x}) is order


def test_fed_variable_read_is_not_a_read_of_the_buffer():
    v = tf.Variable(1.0)
    inc = tf.assign_add(v, 1.0)
    snapshot = v.value()
    y = snapshot * 10.0
    with _session() as sess:
        assert sess.run([inc, y], {snapshot: 5.0})[1] == 50.0
        assert sess.run(v) == 2.0


def test_is_variable_initialized_is_not_a_write():
    v = tf.Variable(1.0)
    ready = tf.is_variable_initialized(v)
    y = v * 2.0
    order = topo.prune([ready, y], [], set())
    assert write_order.reads_first(order, set()) is order
    with _session() as sess:
        assert sess.run([ready, y]) == [True, 2.0]
