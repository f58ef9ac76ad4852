"""The compiled activation loops (``ops/activation_loops.py``) against the NumPy paths of
``ReluGrad``, ``_FusedBiasAddRelu`` (copying and in place), ``SigmoidGrad`` and
``TanhGrad``: bitwise the same outputs for float32/float64, in one call and in many
chunks on 1 and 2 kernel threads, with signed zeros, infinities and NaNs in every input
(NaNs compared as NaNs: see ``test_lrn_loops.py`` on the NaN NumPy picks when two
meet); and that the loops are the ones that ran.
"""

from __future__ import annotations

import threading
import types

import numpy as np
import pytest

from tests.bits import specials
from trainkit.framework import registry
from trainkit.ops import activation_loops, jit, parallel, relu_bias_kernels

pytest.importorskip("numba")

RNG = np.random.default_rng(11)
CHUNK32 = relu_bias_kernels.CHUNK_BYTES // 4


class _State:
    def __init__(self) -> None:
        self.resources: dict = {}
        self.lock = threading.Lock()


def _ctx(**attrs):
    return types.SimpleNamespace(attrs=attrs, state=_State(), op=None, name="k", key="k",
                                 session=None)


def _canon(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a[np.isnan(a)] = np.nan
    return a.reshape(-1).view(np.uint8)


def _kernel_runs(op: str, args: tuple, attrs: dict, backend: str, threads: int) -> list:
    """Two calls of ``op``'s kernel (the second on recycled buffers); the inputs are
    copied first, so an in-place kernel leaves ``args`` alone."""
    prev = jit.set_backend(backend)
    parallel.set_kernel_threads(threads)
    try:
        assert jit.enabled() is (backend == "numba")
        kernel, ctx = registry.get_kernel(op), _ctx(**attrs)
        return [np.array(kernel(ctx, *[a.copy() for a in args])) for _ in range(2)]
    finally:
        parallel.set_kernel_threads(None)
        jit.set_backend(prev)


SHAPES = [((5, 3), np.float32), ((50, 28, 28, 32), np.float32),
          ((3, 2 * CHUNK32 // 3 + 7), np.float32), ((300, 513), np.float64)]
CASES = [("ReluGrad", {}), ("_FusedBiasAddRelu", {"data_format": "NHWC"}),
         ("_FusedBiasAddReluInPlace", {"data_format": "NHWC"}), ("SigmoidGrad", {}),
         ("TanhGrad", {})]


def _inputs(op: str, shape, dtype) -> tuple:
    a = specials((RNG.normal(size=shape) * 3).astype(dtype))
    if "Bias" in op:
        b = (RNG.normal(size=shape[-1]) * 3).astype(dtype)
        b[1::5] = -np.inf
        b[::4] = -0.0
        return a, b
    b = specials(RNG.normal(size=shape).astype(dtype)[..., ::-1].copy())
    if op == "SigmoidGrad":     # sigmoid values in [0, 1], and the specials
        b = np.where(np.isfinite(b) & (b != 0), np.abs(np.tanh(b)), b).astype(dtype)
    return a, b


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("op,attrs", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("shape,dtype", SHAPES)
def test_compiled_activation_kernels_give_the_numpy_bits(monkeypatch, op, attrs, shape,
                                                         dtype):
    monkeypatch.setattr(parallel, "BAD_CALLS", 10 ** 9)  # keep the helpers working
    args = _inputs(op, shape, dtype)
    want = _kernel_runs(op, args, attrs, "numpy", 1)
    for threads in (1, 2):
        for got, w in zip(_kernel_runs(op, args, attrs, "numba", threads), want):
            assert got.dtype == w.dtype and got.shape == w.shape
            assert np.array_equal(_canon(got), _canon(w)), (op, shape, threads)


def test_the_loops_are_what_runs(monkeypatch):
    calls = []
    for name in ("relu_grad", "bias_relu", "bias_relu_in_place", "sigmoid_grad",
                 "tanh_grad"):
        loop = getattr(activation_loops, name)
        monkeypatch.setattr(activation_loops, name,
                            lambda *a, _l=loop, _n=name: calls.append(_n) or _l(*a))
    x = RNG.normal(size=(256, 33)).astype(np.float32)     # pooled outputs: 33 KiB
    for op, attrs in CASES:
        _kernel_runs(op, (x, x[0]) if "Bias" in op else (x, x), attrs, "numba", 1)
    assert sorted(set(calls)) == ["bias_relu", "bias_relu_in_place", "relu_grad",
                                  "sigmoid_grad", "tanh_grad"]
    calls.clear()
    for op, attrs in CASES:     # float16 and the NumPy backend: the NumPy paths
        h = x.astype(np.float16)
        _kernel_runs(op, (h, h[0]) if "Bias" in op else (h, h), attrs, "numba", 1)
        _kernel_runs(op, (x, x[0]) if "Bias" in op else (x, x), attrs, "numpy", 1)
    assert calls == []
