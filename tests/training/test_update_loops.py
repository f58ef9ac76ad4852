"""The compiled one-pass optimizer updates (``training/update_loops.py``) against the NumPy
block functions they replace: bitwise the same variables and slots after several steps,
for every optimizer with a compiled twin, on sizes that run in one call and in chunks on
two kernel threads, with gradients holding zeros, subnormals, infinities and NaNs; and
the compiled-loop backend switch (``ops/jit.py``) with its typed errors.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops import jit, parallel
from trainkit.training import optimizers as opt_mod
from trainkit.training import update_blocks

pytest.importorskip("numba")

T = update_blocks.FUSED_THREAD_MIN
SHAPES = [(1,), (5, 3), (4097,), (T + 4099,)]

OPTIMIZERS = {
    "gd": lambda: opt_mod.GradientDescentOptimizer(0.1),
    "momentum": lambda: opt_mod.MomentumOptimizer(0.05, 0.9),
    "nesterov": lambda: opt_mod.MomentumOptimizer(0.05, 0.9, use_nesterov=True),
    "adam": lambda: opt_mod.AdamOptimizer(0.01),
    "adagrad": lambda: opt_mod.AdagradOptimizer(0.1),
    "rmsprop": lambda: opt_mod.RMSPropOptimizer(0.01, momentum=0.9, epsilon=0.1),
    "rmsprop_no_momentum": lambda: opt_mod.RMSPropOptimizer(0.01, epsilon=1e-3),
    "centered": lambda: opt_mod.RMSPropOptimizer(0.02, momentum=0.5, epsilon=0.1,
                                                 centered=True),
    "centered_no_momentum": lambda: opt_mod.RMSPropOptimizer(0.02, epsilon=0.1,
                                                             centered=True),
    "adadelta": lambda: opt_mod.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6),
}


def _grads(rng: np.random.Generator, special: bool) -> list[np.ndarray]:
    out = []
    for s in SHAPES:
        g = rng.normal(size=s) * 10.0 ** rng.integers(-3, 2, size=s)
        g[rng.random(size=s) < 0.05] = 0.0
        g = g.astype(np.float32)
        if special and g.size > 8:
            flat = g.reshape(-1)
            flat[:6] = [np.inf, -np.inf, np.nan, 1e-40, -1e-40, -0.0]
        out.append(g)
    return out


def _train(make, backend: str, threads: int, dtype=np.float32, special: bool = False,
           nesterov_adam: bool = False) -> list[np.ndarray]:
    """Variables and slots after three steps of ``make()``'s optimizer on ``backend``."""
    prev = jit.set_backend(backend)
    parallel.set_kernel_threads(threads)
    try:
        g = tk.Graph()
        with g.as_default():
            rng = np.random.default_rng(3)
            vars_ = [tk.Variable(rng.normal(size=s).astype(dtype), name=f"w{i}")
                     for i, s in enumerate(SHAPES)]
            phs = [tk.placeholder(tk.as_dtype(dtype), s) for s in SHAPES]
            if nesterov_adam:
                from trainkit.training.training_ops import apply_op
                train = []
                for v, p in zip(vars_, phs):
                    m = tk.Variable(np.zeros(v.shape, dtype))
                    vv = tk.Variable(np.zeros(v.shape, dtype))
                    train.append(apply_op("ApplyAdam", [v, m, vv],
                                          [0.9, 0.999, 0.05, 0.9, 0.999, 1e-7], p,
                                          attrs={"use_nesterov": True}))
                    vars_ += [m, vv]
                slots = []
            else:
                opt = make()
                train = opt.apply_gradients(list(zip(phs, vars_)))
                slots = [opt.get_slot(v, n) for n in opt.get_slot_names() for v in vars_]
            init = tk.global_variables_initializer()
        with tk.Session(graph=g) as sess:
            sess.run(init)
            rng = np.random.default_rng(7)
            for step in range(3):
                grads = [x.astype(dtype) for x in _grads(rng, special and step == 1)]
                sess.run(train, dict(zip(phs, grads)))
            return sess.run(vars_ + slots)
    finally:
        parallel.set_kernel_threads(None)
        jit.set_backend(prev)


def _assert_bitwise(a: list, b: list, what: str) -> None:
    for i, (x, y) in enumerate(zip(a, b)):
        assert x.dtype == y.dtype and x.shape == y.shape
        assert np.array_equal(x.view(np.uint8), y.view(np.uint8)), (
            f"{what}: array {i} differs at {np.argwhere(x != y)[:3].tolist()}")


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_compiled_updates_give_the_numpy_bits(name, monkeypatch):
    monkeypatch.setattr(parallel, "BAD_CALLS", 10 ** 9)   # keep the helpers working
    make = OPTIMIZERS[name]
    want = _train(make, "numpy", 1, special=True)
    for threads in (1, 2):
        got = _train(make, "numba", threads, special=True)
        _assert_bitwise(want, got, f"{name}, {threads} thread(s)")


def test_compiled_nadam_and_float64_give_the_numpy_bits():
    _assert_bitwise(_train(None, "numpy", 1, nesterov_adam=True),
                    _train(None, "numba", 2, nesterov_adam=True), "nadam")
    make = OPTIMIZERS["adam"]
    _assert_bitwise(_train(make, "numpy", 1, dtype=np.float64),
                    _train(make, "numba", 2, dtype=np.float64), "adam float64")


def test_adagrad_without_slot_updates_gives_the_numpy_bits():
    from trainkit.training.training_ops import apply_op

    def run(backend: str) -> list:
        prev = jit.set_backend(backend)
        try:
            g = tk.Graph()
            with g.as_default():
                w = tk.Variable(np.linspace(-1, 1, T + 7).astype(np.float32))
                a = tk.Variable(np.full(T + 7, 0.5, np.float32))
                gr = tk.constant(np.cos(np.arange(T + 7)).astype(np.float32))
                op = apply_op("ApplyAdagrad", [w, a], [0.3], gr,
                              attrs={"update_slots": False})
                init = tk.global_variables_initializer()
            with tk.Session(graph=g) as sess:
                sess.run(init)
                sess.run(op)
                return sess.run([w, a])
        finally:
            jit.set_backend(prev)
    _assert_bitwise(run("numpy"), run("numba"), "adagrad update_slots=False")


def test_backend_choices_and_typed_errors(monkeypatch):
    with pytest.raises(jit.JitBackendError, match="set_backend must be one of"):
        jit.set_backend("llvm")
    monkeypatch.setenv(jit.ENV, "fast please")
    prev = jit.set_backend(None)
    try:
        with pytest.raises(jit.JitBackendError, match="TRAINKIT_JIT must be one of"):
            jit.enabled()
        monkeypatch.setenv(jit.ENV, "numpy")
        jit.set_backend(None)
        assert jit.enabled() is False
        monkeypatch.setenv(jit.ENV, "NUMBA")
        jit.set_backend(None)
        assert jit.enabled() is True
    finally:
        jit.set_backend(prev)


def test_without_numba_kernels_take_their_numpy_path(monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "numba", None)   # import numba -> ImportError
    prev = jit.set_backend("numba")
    try:
        assert jit.enabled() is False
        assert "numba is not usable" in caplog.text
        got = _train(OPTIMIZERS["adam"], "numba", 1)   # runs, on the NumPy path
    finally:
        jit.set_backend(prev)
    monkeypatch.undo()
    _assert_bitwise(_train(OPTIMIZERS["adam"], "numpy", 1), got, "adam without numba")
