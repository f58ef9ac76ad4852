"""Each optimizer against a hand-written NumPy implementation of its published update
rule, step by step (variables and slots), plus the Optimizer base-class contract."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.training import optimizers as opt_mod

SHAPES = [(3,), (2, 2)]
STEPS = 5


class NpGD:
    slots: dict = {}

    def __init__(self, lr):
        self.lr = lr

    def init(self, w):
        return {}

    def step(self, w, g, s, t):
        w -= self.lr * g


class NpMomentum:
    def __init__(self, lr, mu, nesterov=False):
        self.lr, self.mu, self.nesterov = lr, mu, nesterov

    def init(self, w):
        return {"momentum": np.zeros_like(w)}

    def step(self, w, g, s, t):
        a = s["momentum"]
        a[...] = self.mu * a + g
        if self.nesterov:
            w -= self.lr * g + self.lr * self.mu * a
        else:
            w -= self.lr * a


class NpAdam:
    def __init__(self, lr=0.001, b1=0.9, b2=0.999, eps=1e-8):
        self.lr, self.b1, self.b2, self.eps = lr, b1, b2, eps

    def init(self, w):
        return {"m": np.zeros_like(w), "v": np.zeros_like(w)}

    def step(self, w, g, s, t):  # t = 1, 2, ...
        m, v = s["m"], s["v"]
        m[...] = self.b1 * m + (1 - self.b1) * g
        v[...] = self.b2 * v + (1 - self.b2) * g * g
        lr_t = self.lr * np.sqrt(1 - self.b2 ** t) / (1 - self.b1 ** t)
        w -= lr_t * m / (np.sqrt(v) + self.eps)


class NpAdagrad:
    def __init__(self, lr, init=0.1):
        self.lr, self.a0 = lr, init

    def init(self, w):
        return {"accumulator": np.full_like(w, self.a0)}

    def step(self, w, g, s, t):
        a = s["accumulator"]
        a += g * g
        w -= self.lr * g / np.sqrt(a)


class NpRMSProp:
    def __init__(self, lr, rho=0.9, mu=0.0, eps=1e-10, centered=False):
        self.lr, self.rho, self.mu, self.eps, self.centered = lr, rho, mu, eps, centered

    def init(self, w):
        s = {"rms": np.ones_like(w), "momentum": np.zeros_like(w)}
        if self.centered:
            s["mg"] = np.zeros_like(w)
        return s

    def step(self, w, g, s, t):
        ms, mom = s["rms"], s["momentum"]
        ms[...] = self.rho * ms + (1 - self.rho) * g * g
        denom = ms + self.eps
        if self.centered:
            mg = s["mg"]
            mg[...] = self.rho * mg + (1 - self.rho) * g
            denom = ms - mg * mg + self.eps
        mom[...] = self.mu * mom + self.lr * g / np.sqrt(denom)
        w -= mom


class NpAdadelta:
    def __init__(self, lr=0.001, rho=0.95, eps=1e-8):
        self.lr, self.rho, self.eps = lr, rho, eps

    def init(self, w):
        return {"accum": np.zeros_like(w), "accum_update": np.zeros_like(w)}

    def step(self, w, g, s, t):
        acc, up = s["accum"], s["accum_update"]
        acc[...] = self.rho * acc + (1 - self.rho) * g * g
        update = np.sqrt(up + self.eps) / np.sqrt(acc + self.eps) * g
        up[...] = self.rho * up + (1 - self.rho) * update * update
        w -= self.lr * update


CASES = {
    "gd": (lambda: opt_mod.GradientDescentOptimizer(0.1), NpGD(0.1)),
    "momentum": (lambda: opt_mod.MomentumOptimizer(0.1, 0.9), NpMomentum(0.1, 0.9)),
    "nesterov": (lambda: opt_mod.MomentumOptimizer(0.05, 0.8, use_nesterov=True),
                 NpMomentum(0.05, 0.8, nesterov=True)),
    "adam": (lambda: opt_mod.AdamOptimizer(0.01), NpAdam(0.01)),
    "adam_custom": (lambda: opt_mod.AdamOptimizer(0.2, beta1=0.5, beta2=0.6, epsilon=1e-3),
                    NpAdam(0.2, 0.5, 0.6, 1e-3)),
    "adagrad": (lambda: opt_mod.AdagradOptimizer(0.3, initial_accumulator_value=0.2),
                NpAdagrad(0.3, 0.2)),
    "rmsprop": (lambda: opt_mod.RMSPropOptimizer(0.01), NpRMSProp(0.01)),
    "rmsprop_momentum": (lambda: opt_mod.RMSPropOptimizer(0.01, decay=0.8, momentum=0.7,
                                                          epsilon=1e-6),
                         NpRMSProp(0.01, 0.8, 0.7, 1e-6)),
    "rmsprop_centered": (lambda: opt_mod.RMSPropOptimizer(0.01, momentum=0.5, epsilon=0.1,
                                                          centered=True),
                         NpRMSProp(0.01, 0.9, 0.5, 0.1, centered=True)),
    "adadelta": (lambda: opt_mod.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6),
                 NpAdadelta(1.0, 0.9, 1e-6)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_numpy_reference_step_by_step(case):
    make, ref = CASES[case]
    rng = np.random.default_rng(7)
    inits = [rng.normal(size=s) for s in SHAPES]
    vars_ = [tk.Variable(v, dtype=tk.float64, name=f"w{i}") for i, v in enumerate(inits)]
    phs = [tk.placeholder(tk.float64, s, name=f"g{i}") for i, s in enumerate(SHAPES)]
    gs = tk.train.get_or_create_global_step()
    opt = make()
    train = opt.apply_gradients(list(zip(phs, vars_)), global_step=gs)
    names = opt.get_slot_names()
    np_w = [v.copy() for v in inits]
    np_s = [ref.init(w) for w in np_w]
    assert names == sorted(np_s[0])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        for t in range(1, STEPS + 1):
            grads = [rng.normal(size=s) for s in SHAPES]
            sess.run(train, dict(zip(phs, grads)))
            for w, g, s in zip(np_w, grads, np_s):
                ref.step(w, g, s, t)
            got = sess.run(vars_)
            for i in range(len(SHAPES)):
                np.testing.assert_allclose(got[i], np_w[i], rtol=1e-6, atol=1e-6,
                                           err_msg=f"{case}: w{i} after step {t}")
                for n in names:
                    np.testing.assert_allclose(
                        sess.run(opt.get_slot(vars_[i], n)), np_s[i][n], rtol=1e-6,
                        atol=1e-6, err_msg=f"{case}: slot {n} of w{i} after step {t}")
            assert sess.run(gs) == t


def test_learning_rate_may_be_a_tensor():
    lr = tk.placeholder(tk.float64, [])
    w = tk.Variable([1.0, 2.0], dtype=tk.float64)
    g = tk.constant([1.0, -1.0], dtype=tk.float64)
    train = opt_mod.MomentumOptimizer(lr, 0.5).apply_gradients([(g, w)])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(train, {lr: 0.1})   # a = g; w -= 0.1 g
        sess.run(train, {lr: 1.0})   # a = 1.5 g; w -= 1.5 g
        np.testing.assert_allclose(sess.run(w), [1.0 - 0.1 - 1.5, 2.0 + 0.1 + 1.5])


def test_callable_and_float32_hyperparameters():
    w = tk.Variable([1.0, 2.0])
    train = opt_mod.GradientDescentOptimizer(lambda: 0.5).minimize(tk.reduce_sum(w * w))
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(train)
        got = sess.run(w)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, [0.0, 0.0])


def test_slots_are_non_trainable_global_variables_with_tf_names():
    w = tk.Variable(tk.zeros([2, 3]), name="dense/kernel")
    b = tk.Variable(tk.zeros([3]), name="dense/bias")
    opt = opt_mod.AdamOptimizer()
    opt.minimize(tk.reduce_sum(tk.matmul(tk.ones([1, 2]), w) + b))
    m = opt.get_slot(w, "m")
    v = opt.get_slot(w, "v")
    assert m.op.name == "dense/kernel/Adam" and v.op.name == "dense/kernel/Adam_1"
    assert opt.get_slot(b, "m").op.name == "dense/bias/Adam"
    assert m.shape.as_list() == [2, 3] and m.dtype is tk.float32
    globals_ = tk.global_variables()
    assert m in globals_ and v in globals_
    assert m not in tk.trainable_variables()
    names = [x.op.name for x in opt.variables()]
    assert names == sorted(["beta1_power", "beta2_power", "dense/bias/Adam",
                            "dense/bias/Adam_1", "dense/kernel/Adam", "dense/kernel/Adam_1"])
    assert opt.get_slot(w, "nope") is None
    assert opt.get_slot_names() == ["m", "v"]


def test_global_step_incremented_after_the_updates():
    w = tk.Variable(1.0, dtype=tk.float64)
    gs = tk.train.get_or_create_global_step()
    train = opt_mod.GradientDescentOptimizer(0.5).minimize(w * w, global_step=gs)
    assert isinstance(train, tk.Operation)
    assert train in tk.get_collection(tk.GraphKeys.TRAIN_OP)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert sess.run(gs) == 3
        assert sess.run(w) == pytest.approx(0.0)


def test_var_list_and_compute_gradients_pairs():
    a = tk.Variable(1.0, dtype=tk.float64, name="a")
    b = tk.Variable(2.0, dtype=tk.float64, name="b")
    c = tk.Variable(3.0, dtype=tk.float64, name="c")
    loss = a * b
    opt = opt_mod.GradientDescentOptimizer(1.0)
    gvs = opt.compute_gradients(loss)
    assert [v for _, v in gvs] == [a, b, c]
    assert gvs[2][0] is None
    train = opt.minimize(loss, var_list=[a])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(train)
        assert sess.run([a, b]) == [pytest.approx(-1.0), pytest.approx(2.0)]


def test_grad_loss_scales_the_gradient():
    w = tk.Variable(1.0, dtype=tk.float64)
    opt = opt_mod.GradientDescentOptimizer(1.0)
    ((g, _),) = opt.compute_gradients(w * 3.0, grad_loss=tk.constant(2.0, tk.float64))
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        assert sess.run(g) == pytest.approx(6.0)


def test_integer_variables_get_no_gradient_and_no_error():
    # TF1 (checked on TF 2.21's tf.compat.v1): compute_gradients checks the dtype of the
    # variables that got a gradient only, so an int32 trainable counter is paired with None
    # and minimize(global_step=it) works.
    w = tk.Variable(1.0, name="w")
    iv = tk.Variable(0, name="intvar")
    opt = opt_mod.GradientDescentOptimizer(0.5)
    assert opt.compute_gradients(w * 2.0, var_list=[iv]) == [(None, iv)]
    gv = opt.compute_gradients(w * tk.cast(iv, tk.float32))
    assert [v for _, v in gv] == [w, iv] and gv[1][0] is None
    train = opt.minimize(w * 2.0, global_step=iv)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(train)
        assert sess.run([w, iv]) == [0.0, 1]


def test_errors():
    opt = opt_mod.GradientDescentOptimizer(0.1)
    x = tk.constant(1.0)
    with pytest.raises(ValueError, match="No variables to optimize"):
        opt.minimize(x * 2.0)
    w = tk.Variable(1.0, name="lonely")
    with pytest.raises(ValueError, match="No gradients provided for any variable.*lonely"):
        opt.minimize(x * 2.0, var_list=[w])
    with pytest.raises(ValueError, match=r"No gradients provided for any variable: \['lonely'"):
        opt.apply_gradients([(None, w)])
    with pytest.raises(ValueError, match="No variables provided"):
        opt.apply_gradients([])
    with pytest.raises(TypeError, match=r"grads_and_vars\[0\].*not a Variable"):
        opt.apply_gradients([(x, x)])
    with pytest.raises(TypeError, match=r"grads_and_vars\[0\] must be a \(gradient, variable"):
        opt.apply_gradients([x])
    with pytest.raises(ValueError, match="gate_gradients"):
        opt.compute_gradients(w * 2.0, gate_gradients=7)
    with pytest.raises(ValueError, match="Invalid type int32 for"):
        opt.compute_gradients(tk.constant(2) * 3)
    with pytest.raises(ValueError, match="Must specify the optimizer name"):
        opt_mod.GradientDescentOptimizer(0.1, name="")
    with pytest.raises(ValueError, match=r"beta1 must be < 1.0, got 1.0"):
        opt_mod.AdamOptimizer(beta1=1.0)
    with pytest.raises(ValueError, match="initial_accumulator_value must be positive"):
        opt_mod.AdagradOptimizer(0.1, initial_accumulator_value=0.0)
    with pytest.raises(TypeError, match="learning_rate must be a number"):
        opt_mod.GradientDescentOptimizer("fast")
    with pytest.raises(ValueError, match="momentum must be >= 0.0"):
        opt_mod.MomentumOptimizer(0.1, -0.5)


def test_uninitialized_variable_and_shape_mismatch_fail_at_run_time():
    w = tk.Variable([1.0, 2.0], name="w")
    g = tk.placeholder(tk.float32, None)
    train = opt_mod.GradientDescentOptimizer(0.1).apply_gradients([(g, w)])
    with tk.Session() as sess:
        with pytest.raises(tk.errors.FailedPreconditionError, match="w"):
            sess.run(train, {g: [1.0, 1.0]})
        sess.run(w.initializer)
        with pytest.raises(tk.errors.InvalidArgumentError,
                           match="var and grad do not have the same shape"):
            sess.run(train, {g: [1.0, 1.0, 1.0]})
        sess.run(train, {g: [1.0, 1.0]})
        np.testing.assert_allclose(sess.run(w), [0.9, 1.9])
