"""The LRN kernels' arithmetic, bit for bit, against a per-pixel loop that spells out the
operation order (window sums from the lowest channel up, zero padding, then alpha, bias
and the beta path), with and without the forward's kept normalizer, for 1 and 2 kernel
threads, big and tiny chunks, float16/32/64 and radii 0 to 5."""

from __future__ import annotations

import numpy as np
import pytest

from trainkit.client.state import SessionState
from trainkit.ops import lrn_ops, parallel

RNG = np.random.default_rng(23)


class _Ctx:
    def __init__(self, **attrs) -> None:
        self.state = SessionState()
        self.attrs = attrs


@pytest.fixture(autouse=True)
def _restore():
    yield
    parallel.set_kernel_threads(None)


def _window(v, d, r):
    """``((v[d-r] + v[d-r+1]) + ...) + v[d+r]`` with zeros outside, in ``v``'s dtype."""
    zero = v.dtype.type(0)
    terms = [v[k] if 0 <= k < v.size else zero for k in range(d - r, d + r + 1)]
    if len(terms) == 1:
        return terms[0]
    acc = terms[0] + terms[1]
    for t in terms[2:]:
        acc = acc + t
    return acc


def _pow_neg(n, beta):
    one = n.dtype.type(1)
    if beta == 0.5:
        return one / np.sqrt(n)
    if beta == 1.0:
        return one / n
    if beta == 0.75:
        s = np.sqrt(n)
        return one / (s * np.sqrt(s))
    return np.power(n, n.dtype.type(-beta))


def lrn_ref(x, dy, r, bias, alpha, beta):
    """``y`` and ``dx`` pixel by pixel."""
    dt = x.dtype.type
    c = x.shape[-1]
    x2, dy2 = x.reshape(-1, c), dy.reshape(-1, c)
    y, dx = np.empty_like(x2), np.empty_like(x2)
    with np.errstate(all="ignore"):
        for row in range(x2.shape[0]):
            xs = x2[row]
            sq = xs * xs
            n = np.array([_window(sq, d, r) * dt(alpha) + dt(bias) for d in range(c)])
            p = np.array([_pow_neg(v, beta) for v in n])
            y[row] = xs * p
            t = dy2[row] * y[row] / n
            ws = np.array([_window(t, d, r) for d in range(c)])
            dx[row] = p * dy2[row] - ws * xs * dt(2.0 * alpha * beta)
    return y.reshape(x.shape), dx.reshape(x.shape)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("r,beta", [(0, 0.75), (1, 0.5), (2, 1.0), (4, 0.75), (5, 0.6)])
def test_lrn_and_gradient_are_bitwise_the_loop(monkeypatch, dtype, r, beta):
    x = RNG.normal(size=(2, 3, 5, 11)).astype(dtype)
    x[0, 0, 0, 3] = np.nan
    dy = RNG.normal(size=x.shape).astype(dtype)
    a = dict(depth_radius=r, bias=1.5, alpha=0.3, beta=beta)
    want_y, want_dx = lrn_ref(x, dy, r, 1.5, 0.3, beta)
    for chunk in (1 << 18, 64):
        monkeypatch.setattr(lrn_ops, "CHUNK_ROWS_BYTES", chunk)
        monkeypatch.setattr(lrn_ops, "MIN_BYTES", 0)    # keep the normalizer, always
        for threads in (1, 2):
            parallel.set_kernel_threads(threads)
            ctx = _Ctx(**a)
            y = lrn_ops._lrn_kernel(ctx, x)
            kept = lrn_ops._lrn_grad_kernel(ctx, dy, x, y)        # reuses N, N ** -beta
            fresh = lrn_ops._lrn_grad_kernel(_Ctx(**a), dy, x, y)  # recomputes them
            for got, want in ((y, want_y), (kept, want_dx), (fresh, want_dx)):
                np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


def test_reciprocal_by_division_is_bitwise_np_reciprocal():
    """``_pow_neg`` divides 1 by ``v`` instead of calling ``np.reciprocal`` (faster)."""
    for dt, ut in ((np.float16, np.uint16), (np.float32, np.uint32),
                   (np.float64, np.uint64)):
        bits = RNG.integers(0, np.iinfo(ut).max, size=200_000, dtype=ut)
        v = bits.view(dt)
        with np.errstate(all="ignore"):
            got = lrn_ops._pow_neg(v, 1.0, np.empty_like(v))
            np.testing.assert_array_equal(got.view(ut), np.reciprocal(v).view(ut))
