"""Stride-1 convolutions in the Fourier domain, with the DFTs done as matrix products.

A ``KxK`` convolution of an ``HxW`` image costs ``H*W*K*K`` multiply-adds per
(input, output) channel pair as im2col + GEMM. Zero-padded to ``Ph x Pw`` (just large
enough that the circular convolution equals the linear one on every pixel we keep), the
same convolution is one complex product per frequency: per channel pair
``4 * Ph * (Pw // 2 + 1)`` real multiply-adds, 5-8x fewer for 5x5 kernels on 12-28
pixel images, and all of them in one large batched complex GEMM (``[N, C] @ [C, CO]``
per frequency). The transforms themselves are small dense DFT matrices applied as GEMMs
along one spatial axis at a time (NumPy's FFT is slower here: its cost per transform of
16 points is dominated by call overhead), so everything runs in BLAS.

With ``x`` zero outside ``[0, H)`` and the filter's spectrum taken at the shifted
positions ``k - pad_before``::

    X(f)   = sum_q x[q] e^{-i t(f) q}             W'(f) = sum_k w[k] e^{+i t(f) (k - pad)}
    y      = IDFT(X W')              (forward, per frequency [N, C] @ [C, CO])
    dx     = IDFT(DY conj(W')^T)     (input gradient: the adjoint)
    dw[k]  = (1 / P) sum_f X^T conj(DY) e^{+i t(f) (k - pad)}  (filter gradient)

where ``t(f) = 2 pi f / P`` per axis. The real-valued results only need the
non-negative half of the frequencies along the width (Hermitian symmetry), weighted 2
except the zero and Nyquist columns.

Results match the direct sums to float rounding (not bitwise: the sums run in another
order); tests compare them with float64 references. Every frequency and every block of
columns is an independent product, cut into chunks fixed by the shapes alone and run on
the kernel threads (``ops.parallel``), so results do not depend on the thread count.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from trainkit.ops import parallel
from trainkit.ops.buffer_pool import session_pool
from trainkit.ops.derived_cache import session_cache

#: the Fourier path is used for kernels with at least this many taps ...
MIN_TAPS = 9
#: ... and at least this many input and output channels (below, im2col's GEMM is cheap
#: and the transforms dominate)
MIN_CHANNELS = 16


def period(size_in: int, size_out: int, k: int, before: int) -> int:
    """The smallest DFT length at which the circular convolution along one axis equals
    the linear one on every output (and input) position that is kept."""
    return max(size_in + before, size_out + k - 1 - before, size_in, size_out)


def usable(g: Any, c: int, co: int, dtype: np.dtype) -> bool:
    """Whether a convolution of geometry ``g`` (see ``conv_ops._Geom``) with ``c`` input
    and ``co`` output channels goes through the Fourier path."""
    return (g.sh == 1 and g.sw == 1 and g.dh == 1 and g.dw == 1
            and g.kh * g.kw >= MIN_TAPS and min(c, co) >= MIN_CHANNELS
            and dtype in (np.dtype(np.float32), np.dtype(np.float64)))


def _complex(dtype: np.dtype) -> np.dtype:
    return np.dtype(np.complex64 if dtype == np.float32 else np.complex128)


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@lru_cache(maxsize=64)
def _forward_h(n: int, p: int, dtype: np.dtype) -> np.ndarray:
    """``[2P, n]`` real: rows ``cos`` then ``-sin`` of ``t(f) q`` (a real signal's DFT
    along the first axis, real and imaginary parts stacked)."""
    ang = 2 * np.pi * np.outer(np.arange(p), np.arange(n)) / p
    return _frozen(np.concatenate([np.cos(ang), -np.sin(ang)]).astype(dtype))


@lru_cache(maxsize=64)
def _forward_w(n: int, p: int, dtype: np.dtype) -> np.ndarray:
    """``[P//2 + 1, n]`` complex: ``e^{-i t(f) q}`` for the non-negative frequencies."""
    ang = 2 * np.pi * np.outer(np.arange(p // 2 + 1), np.arange(n)) / p
    return _frozen(np.exp(-1j * ang).astype(_complex(dtype)))


@lru_cache(maxsize=64)
def _inverse_h(n: int, p: int, dtype: np.dtype) -> np.ndarray:
    """``[n, P]`` complex: ``e^{+i t(f) q}`` for outputs ``q < n``."""
    ang = 2 * np.pi * np.outer(np.arange(n), np.arange(p)) / p
    return _frozen(np.exp(1j * ang).astype(_complex(dtype)))


def _hermitian_weights(p: int) -> np.ndarray:
    w = np.full(p // 2 + 1, 2.0)
    w[0] = 1.0
    if p % 2 == 0:
        w[-1] = 1.0
    return w


@lru_cache(maxsize=64)
def _inverse_w(n: int, p: int, ph: int, dtype: np.dtype) -> np.ndarray:
    """``[n, P//2 + 1]`` complex: ``e^{+i t(f) q}`` times the Hermitian weight of column
    ``f`` and the ``1 / (Ph * Pw)`` of the inverse DFT."""
    ang = 2 * np.pi * np.outer(np.arange(n), np.arange(p // 2 + 1)) / p
    m = np.exp(1j * ang) * _hermitian_weights(p)[None, :] / (p * ph)
    return _frozen(m.astype(_complex(dtype)))


@lru_cache(maxsize=64)
def _taps(k: int, p: int, before: int, half: bool, dtype: np.dtype) -> np.ndarray:
    """``[F, k]`` complex: ``e^{+i t(f) (j - before)}`` for filter taps ``j`` at the
    frequencies ``f < P`` (or ``f <= P // 2`` with ``half``)."""
    f = np.arange(p // 2 + 1 if half else p)
    ang = 2 * np.pi * np.outer(f, np.arange(k) - before) / p
    return _frozen(np.exp(1j * ang).astype(_complex(dtype)))


class Plan:
    """DFT sizes of one convolution geometry: input ``h x w``, output ``oh x ow``."""

    __slots__ = ("h", "w", "oh", "ow", "kh", "kw", "pt", "pl", "ph", "pw", "qw")

    def __init__(self, g: Any, h: int, w: int):
        (_, _), (pt, _), (pl, _), _ = g.pads
        self.h, self.w, self.oh, self.ow, self.kh, self.kw = h, w, g.oh, g.ow, g.kh, g.kw
        self.pt, self.pl = pt, pl
        self.ph = period(h, g.oh, g.kh, pt)
        self.pw = period(w, g.ow, g.kw, pl)
        self.qw = self.pw // 2 + 1

    @property
    def freqs(self) -> int:
        """The number of (complex) frequencies kept: ``Ph * (Pw // 2 + 1)``."""
        return self.ph * self.qw


def _split(total: int, parts: int = 8) -> list[tuple[int, int]]:
    """``[start, stop)`` ranges cutting ``range(total)`` into at most ``parts`` pieces
    (fixed by the sizes alone, so results never depend on the thread count)."""
    parts = max(1, min(parts, total))
    return [(total * i // parts, total * (i + 1) // parts) for i in range(parts)]


def _columns(fn: Any, total: int) -> None:
    """Runs ``fn(start, stop)`` over fixed ranges of ``total`` columns on the kernel
    threads."""
    ranges = _split(total)

    def work(i: int, worker: int) -> None:
        fn(*ranges[i])

    parallel.run(work, len(ranges))


def spectrum(ctx: Any, a: np.ndarray, p: Plan, tag: str) -> np.ndarray:
    """The DFT of NHWC ``a`` (``[N, A, B, C]``, zero-padded to ``Ph x Pw``) as
    ``[Ph * Qw, N, C]`` complex: one ``[N, C]`` matrix per frequency."""
    n, ha, wa, c = a.shape
    rdt = a.dtype
    cdt = _complex(rdt)
    pool = session_pool(ctx)
    m = n * c
    at = pool.take((ha, wa, n, c), rdt, (tag, "t"))
    r = pool.take((2 * p.ph, wa * m), rdt, (tag, "r"))
    half = pool.take((p.ph, wa, m), cdt, (tag, "h"))
    out = pool.take((p.ph, p.qw, m), cdt, (tag, "s"))
    dh = _forward_h(ha, p.ph, rdt)
    dw = _forward_w(wa, p.pw, rdt)
    at2 = at.reshape(ha, wa * m)

    def transpose(s: int, e: int) -> None:
        np.copyto(at[:, :, s:e], a[s:e].transpose(1, 2, 0, 3))

    def along_h(s: int, e: int) -> None:
        np.matmul(dh, at2[:, s:e], out=r[:, s:e])

    def combine(s: int, e: int) -> None:
        hv = half[s:e].reshape(e - s, wa * m)
        hv.real = r[s:e]
        hv.imag = r[p.ph + s:p.ph + e]
        np.matmul(dw, half[s:e], out=out[s:e])

    _columns(transpose, n)
    _columns(along_h, wa * m)
    _columns(combine, p.ph)
    return out.reshape(p.freqs, n, c)


def spatial(ctx: Any, s: np.ndarray, p: Plan, hb: int, wb: int, dtype: np.dtype,
            out: np.ndarray, tag: str) -> np.ndarray:
    """The real NHWC ``[N, hb, wb, C]`` signal (written into ``out``) whose spectrum is
    ``s`` (``[Ph * Qw, N, C]``), keeping positions ``< hb, wb``."""
    _, n, c = s.shape
    m = n * c
    pool = session_pool(ctx)
    ih = _inverse_h(hb, p.ph, dtype)
    iw = _inverse_w(wb, p.pw, p.ph, dtype)
    s2 = s.reshape(p.ph, p.qw * m)
    g = pool.take((hb, p.qw, m), s.dtype, (tag, "g"))
    y = pool.take((hb, wb, m), s.dtype, (tag, "y"))
    g2 = g.reshape(hb, p.qw * m)
    yr = y.real.reshape(hb, wb, n, c)

    def along_h(s0: int, e0: int) -> None:
        np.matmul(ih, s2[:, s0:e0], out=g2[:, s0:e0])

    def along_w(s0: int, e0: int) -> None:
        np.matmul(iw, g[s0:e0], out=y[s0:e0])

    def transpose(s0: int, e0: int) -> None:
        np.copyto(out[s0:e0], yr[:, :, s0:e0].transpose(2, 0, 1, 3))

    _columns(along_h, p.qw * m)
    _columns(along_w, hb)
    _columns(transpose, n)
    return out


def filter_spectrum(w: np.ndarray, p: Plan) -> np.ndarray:
    """``W'(f) = sum_k w[k] e^{+i t(f) (k - pad)}`` of a ``[KH, KW, C, CO]`` filter as
    ``[Ph * Qw, C, CO]`` complex."""
    kh, kw, c, co = w.shape
    eh = _taps(kh, p.ph, p.pt, False, w.dtype)
    ew = _taps(kw, p.pw, p.pl, True, w.dtype)
    t = eh @ w.reshape(kh, kw * c * co).astype(eh.dtype)          # [Ph, KW*C*CO]
    return np.matmul(ew, t.reshape(p.ph, kw, c * co)).reshape(p.freqs, c, co)


def filter_from_spectrum(m: np.ndarray, p: Plan, dtype: np.dtype) -> np.ndarray:
    """The real ``[KH, KW, C, CO]`` filter ``(1 / (Ph Pw)) sum_f m(f) e^{-i ...}``-adjoint
    of :func:`filter_spectrum`: ``dw[k] = Re sum_f m(f) e^{+i t(f) (k - pad)}`` over all
    frequencies (the width half weighted by Hermitian symmetry)."""
    _, c, co = m.shape
    eh = _taps(p.kh, p.ph, p.pt, False, dtype).T                    # [KH, Ph]
    ew = _taps(p.kw, p.pw, p.pl, True, dtype).T * (
        _hermitian_weights(p.pw) / (p.ph * p.pw)).astype(dtype)    # [KW, Qw]
    t = eh @ m.reshape(p.ph, p.qw * c * co)                         # [KH, Qw*C*CO]
    dw = np.matmul(ew, t.reshape(p.kh, p.qw, c * co))               # [KH, KW, C*CO]
    return np.ascontiguousarray(dw.real).reshape(p.kh, p.kw, c, co)


def _products(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out[f] = a[f] @ b[f]`` for every frequency, in fixed chunks of frequencies on the
    kernel threads."""
    def fn(s: int, e: int) -> None:
        np.matmul(a[s:e], b[s:e], out=out[s:e])

    _columns(fn, a.shape[0])
    return out


def _spectrum_of(ctx: Any, a: np.ndarray, p: Plan, kind: str) -> np.ndarray:
    """:func:`spectrum` of ``a``, from the session's cache when it holds it; stored there
    for the next kernel otherwise. The result is shared: never written to."""
    key = (kind, a.shape, a.dtype.str, p.ph, p.pw)
    cache = session_cache(ctx, "conv_fourier")
    s = cache.find(key, a)
    if s is None:
        s = spectrum(ctx, a, p, "f" + kind)
        cache.put(key, a, s)
    return s


def conv_forward(ctx: Any, x: np.ndarray, w: np.ndarray, g: Any, out: np.ndarray
                 ) -> np.ndarray:
    """NHWC ``conv2d(x, w)`` (stride 1) into ``out`` (``[N, OH, OW, CO]``)."""
    n, h, wd, c = x.shape
    co = w.shape[3]
    p = Plan(g, h, wd)
    xs = _spectrum_of(ctx, x, p, "x")
    wf = filter_spectrum(w, p)
    ys = session_pool(ctx).take((p.freqs, n, co), xs.dtype, "fy")
    _products(xs, wf, ys)
    return spatial(ctx, ys, p, g.oh, g.ow, x.dtype, out, "fo")


def conv_input_grad(ctx: Any, dy: np.ndarray, w: np.ndarray, g: Any,
                    out: np.ndarray) -> np.ndarray:
    """The input gradient of a stride-1 ``conv2d`` into ``out`` (``[N, H, W, C]``)."""
    n, h, wd, c = out.shape
    p = Plan(g, h, wd)
    ds = _spectrum_of(ctx, dy, p, "dy")
    wf = filter_spectrum(w, p)
    wt = np.conj(wf).transpose(0, 2, 1)
    xs = session_pool(ctx).take((p.freqs, n, c), ds.dtype, "fdx")
    _products(ds, wt, xs)
    return spatial(ctx, xs, p, h, wd, dy.dtype, out, "fdo")


def conv_filter_grad(ctx: Any, x: np.ndarray, dy: np.ndarray, g: Any,
                     sizes: tuple[int, int, int, int]) -> np.ndarray:
    """The filter gradient of a stride-1 ``conv2d``: ``[KH, KW, C, CO]``."""
    n, h, wd, c = x.shape
    co = sizes[3]
    p = Plan(g, h, wd)
    xs = _spectrum_of(ctx, x, p, "x")
    ds = _spectrum_of(ctx, dy, p, "dy")
    pool = session_pool(ctx)
    dc = pool.take(ds.shape, ds.dtype, "fdyc")

    def conj(s: int, e: int) -> None:
        np.conjugate(ds[s:e], out=dc[s:e])

    _columns(conj, ds.shape[0])
    m = pool.take((p.freqs, c, co), xs.dtype, "fdw")
    _products(xs.transpose(0, 2, 1), dc, m)
    return filter_from_spectrum(m, p, x.dtype)


__all__ = ["usable", "period", "Plan", "spectrum", "spatial", "filter_spectrum",
           "filter_from_spectrum", "conv_forward", "conv_input_grad", "conv_filter_grad"]
