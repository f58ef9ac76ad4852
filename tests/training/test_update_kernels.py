"""The dense update kernels (the optimizers', ProximalGradientDescent's, FTRL's) in float32,
step by step, against a float64 NumPy evaluation of TF1's own formulas
(``training_ops.cc``), on sizes around the block boundaries of ``update_blocks``; and
bitwise independence of the kernel thread count and blocking.

Each step is checked from the kernel's own state before it (read back from the
session), so the tolerance is that of one step: a few float32 roundings of each term
(``|got - want| <= 2 ulp(want) + 4e-6 |want - old|``), tight enough that a missing
term, a wrong coefficient or a block updated twice or not at all fails.
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.client.state import SessionState
from trainkit.ops import parallel
from trainkit.training import optimizers as opt_mod
from trainkit.training import update_blocks

B = update_blocks.BLOCK
# around the whole-array threshold (2 B), block ends, a short last block, 2-D shapes
SHAPES = [(1,), (7,), (B - 1,), (2 * B - 1,), (2 * B,), (2 * B + 1,), (3 * B + 17,),
          (3, 5), (257, 511)]
STEPS = 2


def f32(*xs):
    """Hyperparameters as the float32 tensors the kernels get (TF1's ``1 - beta2`` is
    computed from the float32 ``beta2``, 1.3e-5 away from 0.001 for 0.999)."""
    return [float(np.float32(x)) for x in xs]


def _adam_ref(lr, b1=0.9, b2=0.999, eps=1e-8):
    lr, b1, b2, eps = f32(lr, b1, b2, eps)

    def step(t, w, g, s):
        alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        s["m"] += (g - s["m"]) * (1 - b1)
        s["v"] += (g * g - s["v"]) * (1 - b2)
        w -= s["m"] * alpha / (np.sqrt(s["v"]) + eps)
    return step


def _gd_ref(lr):
    (lr,) = f32(lr)

    def step(t, w, g, s):
        w -= g * lr
    return step


def _momentum_ref(lr, mu, nesterov=False):
    lr, mu = f32(lr, mu)

    def step(t, w, g, s):
        a = s["momentum"]
        a[...] = a * mu + g
        w -= g * lr + a * mu * lr if nesterov else a * lr
    return step


def _adagrad_ref(lr):
    (lr,) = f32(lr)

    def step(t, w, g, s):
        s["accumulator"] += g * g
        w -= g * lr / np.sqrt(s["accumulator"])
    return step


def _rmsprop_ref(lr, rho=0.9, mu=0.0, eps=1e-10, centered=False):
    lr, rho, mu, eps = f32(lr, rho, mu, eps)

    def step(t, w, g, s):
        ms, mom = s["rms"], s["momentum"]
        ms += (g * g - ms) * (1 - rho)
        denom = ms + eps
        if centered:
            s["mg"] += (g - s["mg"]) * (1 - rho)
            denom = ms - s["mg"] * s["mg"] + eps
        mom[...] = mom * mu + g * lr / np.sqrt(denom)
        w -= mom
    return step


def _adadelta_ref(lr, rho=0.95, eps=1e-8):
    lr, rho, eps = f32(lr, rho, eps)

    def step(t, w, g, s):
        acc, up = s["accum"], s["accum_update"]
        acc[...] = acc * rho + g * g * (1 - rho)
        update = np.sqrt(up + eps) / np.sqrt(acc + eps) * g
        w -= update * lr
        up[...] = up * rho + update * update * (1 - rho)
    return step


def _proximal_gd_ref(lr, l1=0.0, l2=0.0):
    lr, l1, l2 = f32(lr, l1, l2)

    def step(t, w, g, s):
        prox = w - g * lr
        if l1 > 0:
            # |prox| - lr l1 cancels: float32 errors scale with its terms
            s["scale"] = {"w": (np.abs(prox) + lr * l1) / (1.0 + l2 * lr)}
            prox = np.sign(prox) * np.maximum(np.abs(prox) - lr * l1, 0.0)
        w[...] = prox / (1.0 + l2 * lr)
    return step


def _ftrl_ref(lr, lr_power=-0.5, l1=0.0, l2=0.0, shrinkage=0.0):
    lr, p, l1, l2, shrinkage = f32(lr, -lr_power, l1, l2, shrinkage)

    def step(t, w, g, s):
        a, lin = s["accum"], s["linear"]
        a_new = a + g * g
        sigma = (a_new ** p - a ** p) / lr
        lin += g + 2 * shrinkage * w - sigma * w
        quad = a_new ** p / lr + 2 * l2
        # float32 errors: of the differences a_new^p - a^p, g - sigma w, l1 - |lin|
        lin_scale = (a_new ** p + a ** p) / lr * np.abs(w) + np.abs(g) \
            + np.abs(2 * shrinkage * w)
        s["scale"] = {"linear": lin_scale, "w": (l1 + np.abs(lin) + lin_scale) / quad}
        w[...] = np.where(np.abs(lin) > l1, (np.sign(lin) * l1 - lin) / quad, 0.0)
        a[...] = a_new
    return step


CASES = {
    "gd": (lambda: opt_mod.GradientDescentOptimizer(0.1), _gd_ref(0.1)),
    "momentum": (lambda: opt_mod.MomentumOptimizer(0.1, 0.9), _momentum_ref(0.1, 0.9)),
    "nesterov": (lambda: opt_mod.MomentumOptimizer(0.05, 0.8, use_nesterov=True),
                 _momentum_ref(0.05, 0.8, nesterov=True)),
    "adam": (lambda: opt_mod.AdamOptimizer(0.01), _adam_ref(0.01)),
    "adam_custom": (lambda: opt_mod.AdamOptimizer(0.2, beta1=0.5, beta2=0.6, epsilon=1e-3),
                    _adam_ref(0.2, 0.5, 0.6, 1e-3)),
    "adagrad": (lambda: opt_mod.AdagradOptimizer(0.3, initial_accumulator_value=0.2),
                _adagrad_ref(0.3)),
    "rmsprop": (lambda: opt_mod.RMSPropOptimizer(0.01), _rmsprop_ref(0.01)),
    "rmsprop_momentum": (lambda: opt_mod.RMSPropOptimizer(0.01, decay=0.8, momentum=0.7,
                                                          epsilon=1e-6),
                         _rmsprop_ref(0.01, 0.8, 0.7, 1e-6)),
    "rmsprop_centered": (lambda: opt_mod.RMSPropOptimizer(0.01, momentum=0.5, epsilon=0.1,
                                                          centered=True),
                         _rmsprop_ref(0.01, 0.9, 0.5, 0.1, centered=True)),
    "rmsprop_centered_no_momentum": (
        lambda: opt_mod.RMSPropOptimizer(0.02, epsilon=0.1, centered=True),
        _rmsprop_ref(0.02, 0.9, 0.0, 0.1, centered=True)),
    "adadelta": (lambda: opt_mod.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6),
                 _adadelta_ref(1.0, 0.9, 1e-6)),
    "proximal_gd": (lambda: tk.train.ProximalGradientDescentOptimizer(
        0.1, l2_regularization_strength=0.3), _proximal_gd_ref(0.1, 0.0, 0.3)),
    "proximal_gd_l1": (lambda: tk.train.ProximalGradientDescentOptimizer(
        0.1, l1_regularization_strength=0.5, l2_regularization_strength=0.3),
        _proximal_gd_ref(0.1, 0.5, 0.3)),
    "ftrl": (lambda: tk.train.FtrlOptimizer(0.5, l1_regularization_strength=0.3,
                                            l2_regularization_strength=0.2),
             _ftrl_ref(0.5, -0.5, 0.3, 0.2)),
    "ftrl_power_shrinkage": (
        lambda: tk.train.FtrlOptimizer(0.5, learning_rate_power=-0.7,
                                       initial_accumulator_value=0.5,
                                       l1_regularization_strength=0.1,
                                       l2_shrinkage_regularization_strength=0.3),
        _ftrl_ref(0.5, -0.7, 0.1, 0.0, 0.3)),
}


def _build(make, shapes, seed=3):
    rng = np.random.default_rng(seed)
    inits = [rng.normal(size=s).astype(np.float32) for s in shapes]
    vars_ = [tk.Variable(v, name=f"w{i}") for i, v in enumerate(inits)]
    phs = [tk.placeholder(tk.float32, s, name=f"g{i}") for i, s in enumerate(shapes)]
    opt = make()
    train = opt.apply_gradients(list(zip(phs, vars_)))
    slots = {n: [opt.get_slot(v, n) for v in vars_] for n in opt.get_slot_names()}
    return vars_, phs, train, slots


def _grads(rng, shapes):
    # gradients over several orders of magnitude, some exact zeros
    out = []
    for s in shapes:
        g = rng.normal(size=s) * 10.0 ** rng.integers(-3, 2, size=s)
        g[rng.random(size=s) < 0.05] = 0.0
        out.append(g.astype(np.float32))
    return out


def _assert_step(name, got, want, want0, old, scale=0.0):
    """``got`` (float32) against the float64 ``want``; ``want0`` is the reference with a
    zero gradient: float32 errors scale with the state's and the gradient's parts of
    the change, which may cancel (momentum ``a * mu + g``), or with a ``scale`` the
    reference gives for a cancellation of its own."""
    got64 = got.astype(np.float64)
    tol = 2 * np.spacing(np.abs(want).astype(np.float32)).astype(np.float64) \
        + 4e-6 * (np.abs(want - want0) + np.abs(want0 - old) + scale)
    bad = ~(np.abs(got64 - want) <= tol)
    assert not bad.any(), (
        f"{name}: {bad.sum()} of {bad.size} elements off, first at "
        f"{np.argwhere(bad)[0]}: got {got64[bad][0]!r} want {want[bad][0]!r} "
        f"old {old[bad][0]!r}")


@pytest.mark.parametrize("case", sorted(CASES))
def test_float32_step_matches_float64_tf1_formula(case):
    make, ref = CASES[case]
    vars_, phs, train, slots = _build(make, SHAPES)
    rng = np.random.default_rng(11)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        for t in range(1, STEPS + 1):
            before = sess.run([vars_, slots])
            grads = _grads(rng, SHAPES)
            sess.run(train, dict(zip(phs, grads)))
            after = sess.run([vars_, slots])
            for i, g in enumerate(grads):
                old = {"w": before[0][i], **{n: v[i] for n, v in before[1].items()}}
                want, want0 = (_ref_step(ref, t, old, gg)
                               for gg in (g.astype(np.float64), np.zeros(g.shape)))
                got = {"w": after[0][i], **{n: v[i] for n, v in after[1].items()}}
                for n in old:
                    _assert_step(f"{case} {n} of w{i} {SHAPES[i]} step {t}", got[n],
                                 want[n], want0[n], old[n].astype(np.float64),
                                 want["scale"].get(n, 0.0))


def _ref_step(ref, t, old, g):
    """The float64 reference step from the float32 state ``old`` (name -> array)."""
    new = {n: v.astype(np.float64) for n, v in old.items()}
    w = new.pop("w")
    ref(t, w, g, new)
    return {"w": w, "scale": new.pop("scale", {}), **new}


def _run_case(make, shapes, threads, policy, monkeypatch):
    for name, value in zip(("BLOCK", "THREAD_BLOCK", "MIN_THREAD_CHUNK"), policy):
        monkeypatch.setattr(update_blocks, name, value)
    parallel.set_kernel_threads(threads)
    try:
        tk.reset_default_graph()
        vars_, phs, train, slots = _build(make, shapes)
        rng = np.random.default_rng(5)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            for _ in range(3):
                sess.run(train, dict(zip(phs, _grads(rng, shapes))))
            return sess.run([vars_, slots])
    finally:
        parallel.set_kernel_threads(None)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bitwise_independent_of_threads_and_blocking(case, monkeypatch):
    make = CASES[case][0]
    monkeypatch.setattr(parallel, "BAD_CALLS", 10 ** 9)  # keep the helpers working
    monkeypatch.setattr(update_blocks, "SOLO_CALLS", 0)
    default = (B, update_blocks.THREAD_BLOCK, update_blocks.MIN_THREAD_CHUNK)
    shapes = [(2 * update_blocks.MIN_THREAD_CHUNK + 333,), (3 * B + 17,), (B + 5,), (40, 30)]
    whole = _run_case(make, shapes, 1, (10 ** 9,) + default[1:], monkeypatch)
    for threads, policy in ((1, default), (2, default), (2, (1000, 1000, 500)),
                            (3, (777, 700, 300))):
        got = _run_case(make, shapes, threads, policy, monkeypatch)
        for a, b in zip(tk.nest.flatten(whole), tk.nest.flatten(got)):
            np.testing.assert_array_equal(a, b, err_msg=f"{case} threads={threads} "
                                                        f"policy={policy}")


@pytest.mark.parametrize("centered", [False, True])
def test_rmsprop_momentum_zero_path_equals_general_rule_bitwise_on_finite_values(centered):
    """RMSProp with momentum 0 writes ``mom = lr g / sqrt(ms + eps)`` directly instead of
    ``0 * mom + ...``: the same bits wherever the update is not a zero."""
    shapes = [(2 * B + 3,)]
    got = []
    for mu in (0.0, 1e-30):  # 1e-30 * mom is below half an ulp of the update
        tk.reset_default_graph()
        vars_, phs, train, slots = _build(
            lambda mu=mu: opt_mod.RMSPropOptimizer(0.01, momentum=mu, epsilon=0.1,
                                                   centered=centered), shapes)
        rng = np.random.default_rng(2)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            for _ in range(3):
                g = rng.normal(size=shapes[0]).astype(np.float32)
                sess.run(train, {phs[0]: g})
            got.append(sess.run([vars_, slots]))
    for a, b in zip(tk.nest.flatten(got[0]), tk.nest.flatten(got[1])):
        np.testing.assert_array_equal(a, b)


def test_gradient_aliasing_the_variable_buffer_updates_like_a_copy():
    """A variable fed as its own gradient (the kernel reads each block before writing)."""
    n = 2 * B + 9
    w0 = np.random.default_rng(4).normal(size=n).astype(np.float32)
    w = tk.Variable(w0)
    train = opt_mod.AdamOptimizer(0.1).apply_gradients([(w.value(), w)])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(train)
        got = sess.run(w)
    g = w0.astype(np.float64)
    m, v = 0.1 * g, 0.001 * g * g
    want = g - 0.1 * np.sqrt(1 - 0.999) / (1 - 0.9) * m / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("workers", [1, 2, 3])
@pytest.mark.parametrize("n", [1, 64, B - 1, 2 * B - 1, 2 * B + 1, 6 * B + 5, 50 * B + 3])
def test_chunking_covers_the_array_in_equal_aligned_chunks(n, workers):
    size, chunks, threads = update_blocks.chunking(n, workers)
    assert (chunks - 1) * size < n <= chunks * size  # every element once, no empty chunk
    if chunks > 1:
        assert size % 64 == 0  # chunk starts stay 256-byte aligned for float32
    if workers == 1 or n < workers * update_blocks.MIN_THREAD_CHUNK:
        assert threads == 1  # small updates stay in one thread, in cache-sized blocks
        assert size == (n if n < 2 * B else B)
    else:
        assert threads == workers
        assert size <= update_blocks.THREAD_BLOCK
        rounds = -(-n // (workers * update_blocks.THREAD_BLOCK))
        assert workers * rounds - 1 <= chunks <= workers * rounds  # balanced


def test_an_update_whose_helpers_got_no_core_runs_the_next_calls_in_one_thread(monkeypatch):
    calls = []
    def fake_run(work, chunks, threads=None, key=None):
        calls.append(threads)
        for i in range(chunks):
            work(i, 0)
        return threads > 1  # offered when threaded (and took none)

    monkeypatch.setattr(parallel, "run", fake_run)
    monkeypatch.setattr(update_blocks, "SOLO_CALLS", 2)
    parallel.set_kernel_threads(2)
    try:
        n = 2 * update_blocks.MIN_THREAD_CHUNK
        w, g = np.zeros(n, np.float32), np.ones(n, np.float32)
        ctx = type("Ctx", (), {"state": SessionState()})()
        update_blocks._solo.clear()
        for _ in range(4):
            update_blocks.run(ctx, _gd_block, (w,), g, (0.5,))
    finally:
        parallel.set_kernel_threads(None)
        update_blocks._solo.clear()
    # the helper ran nothing in call 1: calls 2 and 3 in one thread, then threads again
    assert calls == [2, 1, 1, 2]
    np.testing.assert_array_equal(w, np.full(n, -2.0, np.float32))


def _gd_block(w, g, t, lr):
    np.multiply(g, lr, t)
    np.subtract(w, t, w)


def test_a_helper_miss_on_one_variable_size_leaves_other_sizes_threaded(monkeypatch):
    """The solo rule and ``parallel.run``'s helpfulness are kept per update and size: a
    miss on the small variable must not send the large one (same function) solo."""
    small, large = 2 * update_blocks.MIN_THREAD_CHUNK, 3 * update_blocks.MIN_THREAD_CHUNK
    calls, keys = [], set()

    def fake_run(work, chunks, threads=None, key=None):
        n = (small, large)[len(calls) % 2]
        calls.append((n, threads))
        keys.add(key)
        for i in range(chunks):  # the helper misses every small call, helps the large
            work(i, 0 if n == small else i % threads)
        return threads > 1  # the helpers were offered chunks when threaded

    monkeypatch.setattr(parallel, "run", fake_run)
    monkeypatch.setattr(update_blocks, "SOLO_CALLS", 2)
    parallel.set_kernel_threads(2)
    update_blocks._solo.clear()
    try:
        ctx = type("Ctx", (), {"state": SessionState()})()
        arrays = {n: (np.zeros(n, np.float32), np.ones(n, np.float32)) for n in (small, large)}
        for _ in range(3):
            for n in (small, large):
                w, g = arrays[n]
                update_blocks.run(ctx, _gd_block, (w,), g, (0.5,))
    finally:
        parallel.set_kernel_threads(None)
        update_blocks._solo.clear()
    # small: threaded (missed), then 2 solo calls; large: threaded every time
    assert calls == [(small, 2), (large, 2), (small, 1), (large, 2), (small, 1), (large, 2)]
    assert len(keys) == 2  # parallel.run's helpfulness is told the two apart too
    for w, _ in arrays.values():
        np.testing.assert_array_equal(w, np.full(w.shape, -1.5, np.float32))


def test_a_call_parallel_run_kept_in_the_caller_does_not_start_a_solo_spell(monkeypatch):
    """When ``parallel.run`` runs a call in the caller only (its own solo spell: the
    helpers were not offered chunks), the update must stay threaded: counting that call
    as a miss kept the two solo rules feeding each other and the update on one thread
    for good. A call whose offered helpers took no chunk still starts a spell."""
    n = 3 * update_blocks.MIN_THREAD_CHUNK
    offered = [False, False, False, True, True]
    calls = []

    def fake_run(work, chunks, threads=None, key=None):
        calls.append(threads)
        for i in range(chunks):
            work(i, 0)  # no helper ever runs a chunk
        return threads > 1 and offered[len(calls) - 1]

    monkeypatch.setattr(parallel, "run", fake_run)
    monkeypatch.setattr(update_blocks, "SOLO_CALLS", 1)
    parallel.set_kernel_threads(2)
    update_blocks._solo.clear()
    try:
        ctx = type("Ctx", (), {"state": SessionState()})()
        w, g = np.zeros(n, np.float32), np.ones(n, np.float32)
        for _ in range(5):
            update_blocks.run(ctx, _gd_block, (w,), g, (0.5,))
    finally:
        parallel.set_kernel_threads(None)
        update_blocks._solo.clear()
    # three calls kept in the caller by parallel.run: still threaded; the fourth was
    # offered and missed: the fifth runs in one thread
    assert calls == [2, 2, 2, 2, 1]
    np.testing.assert_array_equal(w, np.full(n, -2.5, np.float32))


# Five float32 steps of TF 2.21's ApplyAdam (tf.compat.v1, graph mode) on
# sum(c * (w - target)^2): AdamOptimizer(0.01), and the raw op with use_nesterov=True
# (contrib's Nadam step; lr 0.05, epsilon 1e-7, beta powers fed as float32 products).
_ADAM_W0 = [0.5, -1.25, 3.0, 1e-3, -2e-4, 0.75, 7.5, -0.3]
_ADAM_TARGET = [1.0, 2.0, -3.0, 0.5, 0.25, 0.75, -7.5, 0.3]
_ADAM_C = [0.001, 0.3, 1.0, 2.5, 10.0, 0.7, 0.01, 5.0]
_TF_ADAM = [0.5498912334442139, -1.2000137567520142, 2.950007438659668,
            0.050901319831609726, 0.04957759752869606, 0.75, 7.450003147125244,
            -0.250080406665802]
_TF_NADAM = [0.8233996629714966, -0.9058963060379028, 2.654755115509033,
             0.3250465393066406, 0.27926966547966003, 0.75, 7.15398645401001,
             0.029146160930395126]


def test_adam_and_nadam_steps_match_tf_bit_for_bit():
    """The kernel evaluates training_ops.cc's expressions in float32 in TF's order
    (``m += (g - m) * (1 - beta1)``, ``alpha`` from float32 powers, ``(m * alpha) /
    (sqrt(v) + eps)``): any other order drifts by ulps that Adam's normalized steps
    carry into the loss (Hands-On ML ch. 11's DNNClassifier moved by 0.1 in 100 steps)."""
    from trainkit.training.training_ops import apply_op

    f32 = np.float32
    target, c = np.array(_ADAM_TARGET, f32), np.array(_ADAM_C, f32)
    w = tk.Variable(np.array(_ADAM_W0, f32), name="w")
    train = opt_mod.AdamOptimizer(0.01).minimize(tk.reduce_sum(tk.square(w - target) * c))
    w2 = tk.Variable(np.array(_ADAM_W0, f32), name="w2")
    m2 = tk.Variable(np.zeros(8, f32), name="m2")
    v2 = tk.Variable(np.zeros(8, f32), name="v2")
    (g2,) = tk.gradients(tk.reduce_sum(tk.square(w2 - target) * c), [w2])
    b1p, b2p = tk.placeholder(tk.float32, []), tk.placeholder(tk.float32, [])
    nadam = apply_op("ApplyAdam", [w2, m2, v2], [b1p, b2p, 0.05, 0.9, 0.999, 1e-7], g2,
                     attrs={"use_nesterov": True})
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        p1, p2 = f32(0.9), f32(0.999)
        for _ in range(5):
            sess.run([train, nadam], {b1p: p1, b2p: p2})
            p1, p2 = p1 * f32(0.9), p2 * f32(0.999)
        np.testing.assert_array_equal(sess.run(w), np.array(_TF_ADAM, f32))
        np.testing.assert_array_equal(sess.run(w2), np.array(_TF_NADAM, f32))
