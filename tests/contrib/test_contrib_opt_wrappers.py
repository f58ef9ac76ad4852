"""``tk.contrib.opt``'s ``VariableClippingOptimizer``, ``MultitaskOptimizerWrapper`` and
``clip_gradients_by_global_norm`` against hand / NumPy computations of TF 1.15's rules."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

opt = tk.contrib.opt
W0 = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]], np.float32)


def _clip_rows(w, max_norm):
    n = np.linalg.norm(w, axis=1, keepdims=True)
    return w * max_norm / np.maximum(n, max_norm)


def test_variable_clipping_dense_clips_rows_after_the_update():
    g = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], np.float32)
    with tk.Graph().as_default():
        v = tk.Variable(W0, name="v")
        o = opt.VariableClippingOptimizer(tk.train.GradientDescentOptimizer(0.1), {v: [1]},
                                          max_norm=1.0)
        train = o.minimize(tk.reduce_sum(v * g))
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            s.run(train)
            got = s.run(v)
    np.testing.assert_allclose(got, _clip_rows(W0 - 0.1 * g, 1.0), rtol=1e-6)


def test_variable_clipping_sparse_clips_only_the_looked_up_rows():
    """Rows 0 (looked up twice) and 2 move and are clipped once; row 1 is untouched."""
    with tk.Graph().as_default():
        v = tk.Variable(W0, name="v")
        o = opt.VariableClippingOptimizer(tk.train.GradientDescentOptimizer(0.1), {v: [1]},
                                          max_norm=2.0)
        train = o.minimize(tk.reduce_sum(tk.gather(v, [0, 0, 2])))
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            s.run(train)
            got = s.run(v)
    want = W0.astype(np.float64).copy()
    want[0] -= 0.2
    want[2] -= 0.1
    want[[0, 2]] = _clip_rows(want[[0, 2]], 2.0)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_variable_clipping_leaves_other_variables_alone():
    with tk.Graph().as_default():
        v = tk.Variable(W0, name="v")
        u = tk.Variable(W0, name="u")
        o = opt.VariableClippingOptimizer(tk.train.GradientDescentOptimizer(0.1), {v: [1]},
                                          max_norm=1.0)
        train = o.minimize(tk.reduce_sum(v) + tk.reduce_sum(u))
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            s.run(train)
            np.testing.assert_allclose(s.run(u), W0 - 0.1, rtol=1e-6)


def test_multitask_wrapper_skips_all_zero_gradients():
    """Momentum 0.9, lr 0.1, b's slot preset to 1: b's all-zero gradient in step 1
    leaves b and the slot as they are (plain momentum would set accum = 0.9 and move b
    by 0.09); step 2 updates from the kept slot: accum = 0.9 + 1 = 1.9."""
    with tk.Graph().as_default():
        a = tk.Variable(W0, name="a")
        b = tk.Variable(W0, name="b")
        ga = tk.placeholder(tk.float32, [3, 2])
        gb = tk.placeholder(tk.float32, [3, 2])
        base = tk.train.MomentumOptimizer(0.1, momentum=0.9)
        o = opt.MultitaskOptimizerWrapper(base)
        train = o.apply_gradients([(ga, a), (gb, b)])
        acc_b = o.get_slot(b, "momentum")
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            s.run(acc_b.assign(np.ones((3, 2), np.float32)))
            ones = np.ones((3, 2), np.float32)
            s.run(train, {ga: ones, gb: np.zeros((3, 2), np.float32)})
            np.testing.assert_allclose(s.run(b), W0)
            np.testing.assert_allclose(s.run(acc_b), ones)
            np.testing.assert_allclose(s.run(a), W0 - 0.1, rtol=1e-6)
            s.run(train, {ga: ones, gb: ones})
            np.testing.assert_allclose(s.run(acc_b), 1.9 * ones, rtol=1e-6)
            np.testing.assert_allclose(s.run(b), W0 - 0.19, rtol=1e-6)


def test_clip_gradients_by_global_norm_ignores_all_zero_gradients():
    g1 = np.array([3.0, 4.0], np.float32)
    with tk.Graph().as_default():
        a = tk.Variable(np.zeros(2, np.float32), name="a")
        b = tk.Variable(np.zeros(2, np.float32), name="b")
        c = tk.Variable(np.zeros(2, np.float32), name="c")
        gvs, norm = opt.clip_gradients_by_global_norm(
            [(tk.constant(g1), a), (tk.zeros([2]), b), (None, c)], clip_norm=2.5)
        assert gvs[2] == (None, c) and gvs[0][1] is a
        with tk.Session() as s:
            n, ga, gb = s.run([norm, gvs[0][0], gvs[1][0]])
    assert n == pytest.approx(5.0)
    np.testing.assert_allclose(ga, g1 * 0.5, rtol=1e-6)
    np.testing.assert_allclose(gb, [0.0, 0.0])


@pytest.mark.parametrize("make, err", [
    (lambda v: opt.VariableClippingOptimizer("sgd", {v: [1]}, 1.0), TypeError),
    (lambda v: opt.VariableClippingOptimizer(tk.train.AdamOptimizer(), [v], 1.0), TypeError),
    (lambda v: opt.VariableClippingOptimizer(tk.train.AdamOptimizer(), {v: 1}, 1.0),
     TypeError),
    (lambda v: opt.MultitaskOptimizerWrapper(object()), TypeError),
    (lambda v: opt.clip_gradients_by_global_norm([]), ValueError),
])
def test_wrapper_errors(make, err):
    with tk.Graph().as_default():
        v = tk.Variable(W0, name="v")
        with pytest.raises(err):
            make(v)
