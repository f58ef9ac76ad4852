"""``tk.contrib.opt`` beyond the update numbers: slot and variable names (TF 1.15's),
global-step increments, ``decay_var_list``, the sign-decay schedules, RegAdagrad's
frozen slots, MovingAverageOptimizer's averages and swapping saver, and typed errors.

Expected numbers are NumPy or hand computations of TF 1.15's documented rules; the
AdamW variable names were recorded with TF 2.21 (contrib_opt_reference.json).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk

REF = json.loads((Path(__file__).parent / "contrib_opt_reference.json").read_text())
opt = tk.contrib.opt
W0 = np.array([[1.0, -2.0], [0.5, 3.0]], np.float32)
G = np.array([[0.5, -1.0], [0.0, 2.0]], np.float32)


def _names(vs):
    return sorted(v.op.name for v in vs)


def test_reachable_as_tf_contrib_opt():
    import trainkit as tf

    assert tf.contrib.opt.AdamWOptimizer is opt.AdamWOptimizer
    assert "opt" in tf.contrib.__all__


def test_adamw_variable_names_match_tf():
    """TF 2.21 with TF 1.15's AdamW: beta1_power, beta2_power, var/AdamW, var/AdamW_1."""
    with tk.Graph().as_default():
        v = tk.Variable(np.array(REF["inputs"]["var"], np.float32), name="var")
        gs = tk.train.get_or_create_global_step()
        o = opt.AdamWOptimizer(0.01, learning_rate=0.1)
        o.apply_gradients([(tk.constant(np.array(REF["inputs"]["grads"][0], np.float32)),
                            v)], global_step=gs)
        assert _names(tk.global_variables()) == REF["adamw_variables"]
        assert o.get_slot(v, "m").op.name == "var/AdamW"
        assert o.get_slot(v, "v").op.name == "var/AdamW_1"
        assert o.get_slot_names() == ["m", "v"]


@pytest.mark.parametrize("make, slots", [
    (lambda: opt.MomentumWOptimizer(0.1, 0.1, 0.9), ["var/MomentumW"]),
    (lambda: opt.LazyAdamOptimizer(), ["var/Adam", "var/Adam_1"]),
    (lambda: opt.NadamOptimizer(), ["var/Adam", "var/Adam_1"]),
    (lambda: opt.AdaMaxOptimizer(), ["var/AdaMax", "var/AdaMax_1"]),
    (lambda: opt.AddSignOptimizer(), ["var/AddSignOptimizer"]),
    (lambda: opt.PowerSignOptimizer(), ["var/PowerSignOptimizer"]),
    (lambda: opt.LARSOptimizer(0.1), ["var/LARSOptimizer"]),
    (lambda: opt.RegAdagradOptimizer(0.1), ["var/RegAdagrad"]),
    (lambda: opt.extend_with_decoupled_weight_decay(tk.train.AdamOptimizer)(0.1),
     ["var/Adam", "var/Adam_1"]),
])
def test_slot_names_and_global_step(make, slots):
    """TF 1.15 names slots ``<var>/<optimizer name>`` (the defaults of the contrib
    classes: Nadam's is "Adam"); minimize with a global step adds 1 per run."""
    with tk.Graph().as_default():
        v = tk.Variable(W0, name="var")
        gs = tk.train.get_or_create_global_step()
        o = make()
        train = o.minimize(tk.reduce_sum(v * G), global_step=gs)
        names = _names(tk.global_variables())
        assert [n for n in names if n.startswith("var/")] == slots
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            for _ in range(3):
                s.run(train)
            assert s.run(gs) == 3
            assert not np.allclose(s.run(v), W0)


def _sgdw_run(decay_list_of, via_minimize=False, wd=0.1, steps=1):
    sgdw_cls = opt.extend_with_decoupled_weight_decay(tk.train.GradientDescentOptimizer)
    with tk.Graph().as_default():
        a = tk.Variable(W0, name="a")
        b = tk.Variable(W0, name="b")
        o = sgdw_cls(wd, learning_rate=0.5)
        loss = tk.reduce_sum(a * G) + tk.reduce_sum(b * G)
        if via_minimize:
            train = o.minimize(loss, decay_var_list=decay_list_of(a, b))
        else:
            train = o.apply_gradients(o.compute_gradients(loss),
                                      decay_var_list=decay_list_of(a, b))
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            for _ in range(steps):
                s.run(train)
            return s.run([a, b])


def test_decay_runs_before_the_update():
    """SGDW by hand: var = (1 - wd) var - lr g, per step (TF 1.15: decay, then update)."""
    a, b = _sgdw_run(lambda a, b: None, steps=2)
    want = W0.astype(np.float64)
    for _ in range(2):
        want = 0.9 * want - 0.5 * G
    np.testing.assert_allclose(a, want, rtol=1e-6)
    np.testing.assert_allclose(b, want, rtol=1e-6)


def test_decay_var_list_of_apply_gradients():
    a, b = _sgdw_run(lambda a, b: [a])
    np.testing.assert_allclose(a, 0.9 * W0 - 0.5 * G, rtol=1e-6)
    np.testing.assert_allclose(b, W0 - 0.5 * G, rtol=1e-6)


def test_decay_var_list_of_minimize_decays_all_as_tf_1_15():
    """TF 1.15's minimize calls apply_gradients, which resets the list: all decay."""
    with pytest.warns(UserWarning, match="decays every updated variable"):
        a, b = _sgdw_run(lambda a, b: [a], via_minimize=True)
    np.testing.assert_allclose(b, 0.9 * W0 - 0.5 * G, rtol=1e-6)


def test_callable_and_tensor_weight_decay():
    """A callable weight decay is called when the update is built; a float64 variable
    takes a float32 tensor decay cast to its dtype."""
    with tk.Graph().as_default():
        v = tk.Variable(W0.astype(np.float64), name="v")
        wd = tk.constant(0.25)
        o = opt.MomentumWOptimizer(lambda: wd, learning_rate=0.1, momentum=0.9)
        train = o.apply_gradients([(tk.constant(G.astype(np.float64)), v)])
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            s.run(train)
            s.run(train)
            got = s.run(v)
    w, acc = W0.astype(np.float64), np.zeros((2, 2))
    for _ in range(2):
        w = 0.75 * w
        acc = 0.9 * acc + G
        w = w - 0.1 * acc
    np.testing.assert_allclose(got, w, rtol=1e-12)


def _np_addsign(steps, decays, w, dtype):
    m = np.zeros_like(w)
    for g, d in zip(steps, decays):
        m = 0.9 * m + 0.1 * g
        w = w - 0.1 * (1.0 + d * np.sign(g) * np.sign(m)) * g
    return w.astype(dtype)


def test_addsign_with_linear_sign_decay_reads_the_global_step():
    """AddSign-ld by hand (float64): step k uses sign_decay = (4 - k) / 4, the global
    step read before its increment. (The float32 learning rate tensor cast to float64,
    as TF's ``_prepare`` does, limits the match to float32 precision.)"""
    grads = [G, -G, 0.5 * G]
    with tk.Graph().as_default():
        v = tk.Variable(W0.astype(np.float64), name="v")
        gs = tk.train.get_or_create_global_step()
        gp = tk.placeholder(tk.float64, [2, 2])
        o = opt.AddSignOptimizer(0.1, sign_decay_fn=opt.get_linear_decay_fn(4))
        train = o.apply_gradients([(gp, v)], global_step=gs)
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            for g in grads:
                s.run(train, {gp: g})
            got = s.run(v)
    want = _np_addsign([g.astype(np.float64) for g in grads], [1.0, 0.75, 0.5],
                       W0.astype(np.float64), np.float64)
    np.testing.assert_allclose(got, want, rtol=1e-7)


def _np_decays(steps, T):
    s = np.minimum(steps, T).astype(np.float64)
    linear = np.maximum(0.0, (T - s) / T)
    cosine = 0.5 * (1.0 + np.cos(np.pi * 2 * 2.0 * s / T))      # num_periods=2
    cosine_zero = np.where(2 * 0.5 * s / T >= 2 * 0.25, 0.0,
                           0.5 * (1.0 + np.cos(np.pi * 2 * 0.5 * s / T)))
    restart = 0.5 * (1.0 + np.cos(np.pi * np.mod(3 * s, T) / T))  # num_periods=3
    restart_zero = np.where(1 * s / T >= 0.5, 0.0, 0.5 * (1.0 + np.cos(np.pi * s / T)))
    return linear, cosine, cosine_zero, restart, restart_zero


def test_sign_decay_schedules_match_numpy():
    T = 10
    steps = np.arange(0, 14)
    with tk.Graph().as_default():
        gs = tk.placeholder(tk.int64, [])
        fns = [opt.get_linear_decay_fn(T), opt.get_cosine_decay_fn(T, num_periods=2.0),
               opt.get_cosine_decay_fn(T, zero_after=0.25),
               opt.get_restart_decay_fn(T, num_periods=3),
               opt.get_restart_decay_fn(T, zero_after=0.5)]
        outs = [f(gs) for f in fns]
        with tk.Session() as s:
            got = np.array([s.run(outs, {gs: k}) for k in steps]).T
    for g, w in zip(got, _np_decays(steps, T)):
        np.testing.assert_allclose(g, w, atol=1e-6)


def test_reg_adagrad_avoid_updating_slots():
    """Inside the context the accumulator stays 0.1; outside it takes g^2 (hand)."""
    with tk.Graph().as_default():
        v = tk.Variable(W0, name="v")
        o = opt.RegAdagradOptimizer(0.1)
        gp = tk.placeholder(tk.float32, [2, 2])
        with o.avoid_updating_slots():
            frozen = o.apply_gradients([(gp, v)])
        assert o._should_update_slots
        normal = o.apply_gradients([(gp, v)])
        acc = o.get_slot(v, "accumulator")
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            s.run(frozen, {gp: G})
            np.testing.assert_allclose(s.run(acc), np.full((2, 2), 0.1), rtol=1e-6)
            np.testing.assert_allclose(s.run(v), W0 - 0.1 * G / np.sqrt(0.1), rtol=1e-6)
            s.run(normal, {gp: G})
            np.testing.assert_allclose(s.run(acc), 0.1 + G * G, rtol=1e-6)


def test_reg_adagrad_context_restores_after_an_error():
    o = opt.RegAdagradOptimizer(0.1)
    with pytest.raises(RuntimeError), o.avoid_updating_slots():
        raise RuntimeError("boom")
    assert o._should_update_slots


def test_moving_average_optimizer_and_swapping_saver(tmp_path):
    """avg = var_0, then avg -= (1 - d) (avg - var) after each update (NumPy); the
    swapping saver stores the average under ``v``'s name, so a plain restore of ``v``
    reads the average."""
    d = 0.5
    with tk.Graph().as_default():
        v = tk.Variable(W0, name="v")
        o = opt.MovingAverageOptimizer(tk.train.GradientDescentOptimizer(0.1),
                                       average_decay=d)
        with pytest.raises(RuntimeError, match="Must call apply_gradients"):
            o.swapping_saver()
        train = o.minimize(tk.reduce_sum(v * G))
        assert train.name == "train_with_avg"
        saver = o.swapping_saver()
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            for _ in range(3):
                s.run(train)
            w, avg = W0.astype(np.float64), W0.astype(np.float64)
            for _ in range(3):
                w = w - 0.1 * G
                avg = avg - (1 - d) * (avg - w)
            np.testing.assert_allclose(s.run(v), w, rtol=1e-6)
            ema = [x for x in tk.global_variables()
                   if x.op.name == "v/ExponentialMovingAverage"][0]
            np.testing.assert_allclose(s.run(ema), avg, rtol=1e-6)
            path = saver.save(s, str(tmp_path / "model"))
    with tk.Graph().as_default():
        v2 = tk.Variable(np.zeros((2, 2), np.float32), name="v")
        with tk.Session() as s:
            tk.train.Saver([v2]).restore(s, path)
            np.testing.assert_allclose(s.run(v2), avg, rtol=1e-6)


@pytest.mark.parametrize("make, err, match", [
    (lambda: opt.AdamWOptimizer("0.1"), TypeError, "weight_decay"),
    (lambda: opt.AdamWOptimizer(-0.1), ValueError, "weight_decay"),
    (lambda: opt.AdamWOptimizer(0.1, beta1=1.0), ValueError, "beta1"),
    (lambda: opt.MomentumWOptimizer(0.1, 0.1, momentum=-1.0), ValueError, "momentum"),
    (lambda: opt.MomentumWOptimizer(None, 0.1, 0.9), TypeError, "weight_decay"),
    (lambda: opt.LazyAdamOptimizer(learning_rate="x"), TypeError, "learning_rate"),
    (lambda: opt.NadamOptimizer(beta2=1.5), ValueError, "beta2"),
    (lambda: opt.AdaMaxOptimizer(epsilon=-1.0), ValueError, "epsilon"),
    (lambda: opt.AddSignOptimizer(sign_decay_fn=3), TypeError, "sign_decay_fn"),
    (lambda: opt.AddSignOptimizer(beta=2.0), ValueError, "beta"),
    (lambda: opt.AddSignOptimizer(alpha="1"), TypeError, "alpha"),
    (lambda: opt.PowerSignOptimizer(base=0.0), ValueError, "base"),
    (lambda: opt.PowerSignOptimizer(base="e"), TypeError, "base"),
    (lambda: opt.LARSOptimizer(0.1, momentum=-0.5), ValueError, "momentum"),
    (lambda: opt.LARSOptimizer(0.1, weight_decay=-1e-4), ValueError, "weight_decay"),
    (lambda: opt.LARSOptimizer(0.1, skip_list="bias"), TypeError, "skip_list"),
    (lambda: opt.RegAdagradOptimizer(0.1, initial_accumulator_value=0.0), ValueError,
     "initial_accumulator_value"),
    (lambda: opt.MovingAverageOptimizer(3), TypeError, "Optimizer"),
    (lambda: opt.MovingAverageOptimizer(tk.train.AdamOptimizer(), average_decay=2.0),
     ValueError, "decay"),
    (lambda: opt.extend_with_decoupled_weight_decay(int), TypeError, "Optimizer class"),
    (lambda: opt.get_linear_decay_fn(0), ValueError, "decay_steps"),
    (lambda: opt.get_cosine_decay_fn("10"), TypeError, "decay_steps"),
    (lambda: opt.get_restart_decay_fn(-5), ValueError, "decay_steps"),
])
def test_bad_hyperparameters_raise_typed_errors(make, err, match):
    with pytest.raises(err, match=match):
        make()


def test_sign_decay_without_global_step_is_a_value_error():
    with tk.Graph().as_default():
        v = tk.Variable(W0, name="v")
        o = opt.PowerSignOptimizer(sign_decay_fn=opt.get_cosine_decay_fn(10))
        with pytest.raises(ValueError, match="global_step is required"):
            o.minimize(tk.reduce_sum(v * G))


def test_power_sign_base_e_is_the_default():
    """PowerSign's default base is e (logbase 1): one step by hand."""
    with tk.Graph().as_default():
        v = tk.Variable(W0, name="v")
        train = opt.PowerSignOptimizer(0.1).apply_gradients([(tk.constant(G), v)])
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            s.run(train)
            got = s.run(v)
    m = 0.1 * G
    want = W0 - 0.1 * np.exp(np.sign(G) * np.sign(m)) * G
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert math.isclose(np.exp(1.0), math.e)


def _np_big_rules():
    """NumPy forms of the dense kernels (TF's ApplyAdam use_nesterov, ApplyAdaMax,
    ApplyAddSign, ApplyPowerSign), 2 steps at lr 0.01 from zero slots."""
    def nadam(w, g, st, t):
        st["m"] = 0.9 * st["m"] + 0.1 * g
        st["v"] = 0.999 * st["v"] + 0.001 * g * g
        lr = 0.01 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        return w - lr * (0.9 * st["m"] + 0.1 * g) / (np.sqrt(st["v"]) + 1e-8)

    def adamax(w, g, st, t):
        st["m"] = 0.9 * st["m"] + 0.1 * g
        st["v"] = np.maximum(0.999 * st["v"], np.abs(g))
        return w - 0.01 / (1 - 0.9 ** t) * st["m"] / (st["v"] + 1e-8)

    def sign(power):
        def rule(w, g, st, t):
            st["m"] = 0.9 * st["m"] + 0.1 * g
            s = np.sign(g) * np.sign(st["m"])
            return w - 0.01 * (np.exp(s) if power else 1.0 + s) * g
        return rule

    return {"nadam": (lambda: opt.NadamOptimizer(0.01), nadam),
            "adamax": (lambda: opt.AdaMaxOptimizer(0.01), adamax),
            "addsign": (lambda: opt.AddSignOptimizer(0.01), sign(False)),
            "powersign": (lambda: opt.PowerSignOptimizer(0.01), sign(True))}


@pytest.mark.parametrize("name", sorted(_np_big_rules()))
def test_blocked_dense_kernels_match_numpy_on_a_large_variable(name):
    """160,000 elements: the update runs in blocks (and threads), with pooled scratch."""
    make, rule = _np_big_rules()[name]
    rng = np.random.default_rng(3)
    w0 = rng.standard_normal((400, 400))
    grads = [rng.standard_normal((400, 400)), rng.standard_normal((400, 400))]
    with tk.Graph().as_default():
        v = tk.Variable(w0, name="v")
        gp = tk.placeholder(tk.float64, [400, 400])
        train = make().apply_gradients([(gp, v)])
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            for g in grads:
                s.run(train, {gp: g})
            got = s.run(v)
    w, st = w0, {"m": np.zeros_like(w0), "v": np.zeros_like(w0)}
    for t, g in enumerate(grads, 1):
        w = rule(w, g, st, t)
    # AddSign/PowerSign cast their float32 learning rate tensor to float64, as TF does
    # (relative error ~2e-8 of steps up to ~0.1)
    np.testing.assert_allclose(got, w, rtol=1e-6, atol=1e-8)


def test_lars_sparse_gradient_takes_plain_momentum():
    """TF 1.15 LARS scales dense gradients only; a gather's gradient gets sparse
    momentum with the base learning rate (by hand)."""
    with tk.Graph().as_default():
        v = tk.Variable(W0, name="v")
        o = opt.LARSOptimizer(0.1, momentum=0.9)
        train = o.minimize(tk.reduce_sum(tk.gather(v, [1, 1]) * G))
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            s.run(train)
            s.run(train)
            got = s.run(v)
    g = G.sum(axis=0)
    acc, want = np.zeros(2), W0.astype(np.float64).copy()
    for _ in range(2):
        acc = 0.9 * acc + g
        want[1] -= 0.1 * acc
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_adamw_sparse_leaves_a_variable_outside_decay_var_list_undecayed():
    """With decay_var_list=[a], b's gathered rows get Adam's sparse update only: b equals
    the same run under plain AdamOptimizer."""
    def run(make, decay):
        with tk.Graph().as_default():
            a = tk.Variable(W0, name="a")
            b = tk.Variable(W0, name="b")
            o = make()
            loss = tk.reduce_sum(tk.gather(a, [0]) * G[:1]) + \
                tk.reduce_sum(tk.gather(b, [0]) * G[:1])
            gvs = o.compute_gradients(loss)
            train = (o.apply_gradients(gvs, decay_var_list=[a]) if decay
                     else o.apply_gradients(gvs))
            with tk.Session() as s:
                s.run(tk.global_variables_initializer())
                s.run(train)
                return s.run([a, b])

    a_w, b_w = run(lambda: opt.AdamWOptimizer(0.5, learning_rate=0.1), True)
    a_p, b_p = run(lambda: tk.train.AdamOptimizer(0.1), False)
    np.testing.assert_array_equal(b_w, b_p)
    np.testing.assert_allclose(a_w[0], a_p[0] - 0.5 * W0[0], rtol=1e-6)
    np.testing.assert_array_equal(a_w[1], a_p[1])


def test_moving_average_parallel_update_reads_the_old_value():
    """sequential_update=False: the average update is not ordered after the step; with
    decay 0 it copies the variable either before or after the update (both allowed)."""
    with tk.Graph().as_default():
        v = tk.Variable(W0, name="v")
        o = opt.MovingAverageOptimizer(tk.train.GradientDescentOptimizer(0.1),
                                       average_decay=0.0, sequential_update=False)
        train = o.minimize(tk.reduce_sum(v * G))
        with tk.Session() as s:
            s.run(tk.global_variables_initializer())
            s.run(train)
            avg = s.run(o._ema.average(v))
    assert np.allclose(avg, W0) or np.allclose(avg, W0 - 0.1 * G)
