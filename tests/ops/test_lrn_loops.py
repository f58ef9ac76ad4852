"""The compiled LRN loops (``ops/lrn_loops.py``) against the NumPy path of ``LRN`` and
``LRNGrad``: bitwise the same outputs, float32/float64, the shortcut betas (whole loop
compiled) and another beta (normalizer and gradient sums compiled, ``pow`` NumPy's),
radii 0 to the compiled maximum and beyond, in one call and in many chunks on 1 and 2
kernel threads, with signed zeros, infinities and NaNs in the data.

NaNs are compared as NaNs, not by payload: where two NaNs of different signs meet in an
addition (a NaN ``x`` and ``inf / inf`` from an infinite ``dy`` share a window), NumPy
itself returns the first operand's NaN in its SIMD body and the second's in the scalar
tail (checked with NumPy 2.4 on this machine), so the NaN's sign there depends on where
the element falls in a pass and is no property of either path.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.bits import specials
from trainkit.client.state import SessionState
from trainkit.ops import jit, lrn_loops, lrn_ops, parallel

pytest.importorskip("numba")

RNG = np.random.default_rng(5)


class _Ctx:
    def __init__(self, **attrs) -> None:
        self.state = SessionState()
        self.attrs = attrs


def _canon(a: np.ndarray) -> np.ndarray:
    """The bytes of ``a`` with every NaN made the same NaN."""
    a = np.array(a)
    a[np.isnan(a)] = np.nan
    return a.reshape(-1).view(np.uint8)


def _run(backend: str, threads: int, x, dy, attrs: dict, kept: bool) -> list:
    """``y``, ``dx`` (fresh) and, with ``kept``, ``dx`` after the forward in one
    session (the NumPy path then reuses the forward's normalizer)."""
    prev = jit.set_backend(backend)
    parallel.set_kernel_threads(threads)
    try:
        assert jit.enabled() is (backend == "numba")
        ctx = _Ctx(**attrs)
        y = lrn_ops._lrn_kernel(ctx, x)
        out = [y, lrn_ops._lrn_grad_kernel(_Ctx(**attrs), dy, x, y)]
        if kept:
            out.append(lrn_ops._lrn_grad_kernel(ctx, dy, x, y))
        return out
    finally:
        parallel.set_kernel_threads(None)
        jit.set_backend(prev)


def _data(shape, dtype):
    x = specials(RNG.normal(size=shape).astype(dtype))
    dy = RNG.normal(size=shape).astype(dtype)
    dy.reshape(-1)[2::23] = -0.0
    dy.reshape(-1)[4::29] = np.inf
    return x, dy


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("r,beta", [(0, 0.5), (1, 1.0), (4, 0.75), (2, 0.6),
                                    (lrn_ops.MAX_COMPILED_RADIUS + 1, 0.75)])
def test_compiled_lrn_gives_the_numpy_bits(monkeypatch, dtype, r, beta):
    monkeypatch.setattr(parallel, "BAD_CALLS", 10 ** 9)  # keep the helpers working
    monkeypatch.setattr(lrn_ops, "MIN_BYTES", 0)         # NumPy path: keep N always
    x, dy = _data((3, 7, 5, 19), dtype)
    attrs = dict(depth_radius=r, bias=1.0, alpha=0.3, beta=beta)
    want = _run("numpy", 1, x, dy, attrs, kept=True)
    for chunk in (1 << 20, 64 * x.itemsize * 19):          # one call; 2-row chunks
        monkeypatch.setattr(lrn_ops, "LOOP_CHUNK_BYTES", chunk)
        monkeypatch.setattr(lrn_ops, "CHUNK_ROWS_BYTES", chunk)
        for threads in (1, 2):
            got = _run("numba", threads, x, dy, attrs, kept=True)
            for i, (g, w) in enumerate(zip(got, want)):
                assert g.dtype == w.dtype and g.shape == w.shape
                assert np.array_equal(_canon(g), _canon(w)), (r, beta, chunk, threads, i)


def test_the_loops_run_at_the_cifar_settings(monkeypatch):
    """The shortcut-beta kernels go through the one-pass loops (a spy counts them), on
    a shape of several chunks."""
    monkeypatch.setattr(lrn_ops, "LOOP_CHUNK_BYTES", 1 << 16)    # 9 chunks of 256 rows
    calls = []
    for name in ("forward", "grad"):
        loop = getattr(lrn_loops, name)
        monkeypatch.setattr(lrn_loops, name,
                            lambda *a, _l=loop, _n=name: calls.append(_n) or _l(*a))
    x, dy = _data((4, 24, 24, 64), np.float32)
    attrs = dict(depth_radius=4, bias=1.0, alpha=0.001 / 9.0, beta=0.75)
    with np.errstate(all="ignore"):
        got = _run("numba", 2, x, dy, attrs, kept=False)
        n = len(calls)
        want = _run("numpy", 1, x, dy, attrs, kept=False)
    assert len(calls) == n and sorted(set(calls)) == ["forward", "grad"] and n == 18
    for g, w in zip(got, want):
        assert np.array_equal(_canon(g), _canon(w))
