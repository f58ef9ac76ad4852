"""The filter gradient of the Fourier-domain convolutions (``ops/conv_fourier.py``), from
the spectra of ``x`` and ``dy`` to the ``[KH, KW, C, CO]`` taps.

Per kept frequency the ``[C, CO]`` product ``m = X^T conj(DY)`` (``[F, 2N, K]`` stacked
spectra, real parts over imaginary parts), then ``dw[k] = Re sum_f m(f) e^{+i t(f)
(k - pad)} / (Ph Pw)`` as real GEMMs: over the height taps per width frequency, then over
the width taps. Real-signal symmetry, as in the forward: at the width frequencies ``0``
and (``Pw`` even) ``Pw / 2`` (the *ends*) ``X`` and ``DY`` are Hermitian along the height,
so ``m`` is too; only its frequencies ``f <= Ph // 2`` are computed there, the height
step reads them with :func:`dft_matrices.hermitian_weights` and keeps only the real part
(``e^{+i t q b}`` is real at the ends, so the width step reads no imaginary part).

Products (:func:`products`), per fixed chunk of frequencies within one width frequency,
under ONNX Runtime on contiguous copies (its batched ``MatMul`` reads only those; under
NumPy, whose BLAS reads the transposed ``X`` parts as they are, the same sums without
the copies, :func:`_strided`):

- four real products, ``[Xr; Xi]^T [DYr; DYi]`` and ``[Xr; Xi]^T [-DYi; DYr]`` (inner
  dimension ``2N``), written straight into the real and imaginary rows of ``m``;
- three (Gauss, ``N``, ``C`` and ``CO`` all >= :data:`GAUSS_MIN`): ``k1 = (Xr + Xi)^T
  DYr``, ``k2 = Xr^T (DYr + DYi)``, ``k3 = Xi^T (DYr - DYi)`` as one batched GEMM of
  ``[3, C, N] @ [3, N, CO]``; ``Re m = k1 - k3``, ``Im m = k1 - k2``.

``m`` is packed: per width frequency ``q`` (ascending) its real rows then its imaginary
rows, ``Ph`` of each, or ``Ph // 2 + 1`` at the ends (:func:`layout`). Every chunk of
frequencies and every block of ``C * CO`` columns of the final steps is fixed by the
shapes alone and independent of the others, so results do not depend on the thread
count. Equal to the direct sums to float rounding (not bitwise).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.ops import dft_matrices as dft
from trainkit.ops import gemm, parallel
from trainkit.ops.buffer_pool import session_pool
from trainkit.ops.fourier_products import PARTS, split, split_ranges

#: Gauss's three-product form is used when the batch ``N`` and both channel counts are
#: at least this (see :func:`products`)
GAUSS_MIN = 64
#: the columns of the taps' steps are cut into this many fixed blocks
TAP_PARTS = 8


def ends(ph: int, pw: int) -> list[bool]:
    """Per kept width frequency ``q <= Pw // 2``: whether it is an end (``0``, or
    ``Pw / 2`` for even ``Pw``), where ``m`` is Hermitian along the height."""
    qw = pw // 2 + 1
    return [q == 0 or (pw % 2 == 0 and q == qw - 1) for q in range(qw)]


def layout(ph: int, pw: int) -> list[tuple[int, int]]:
    """Per kept width frequency ``q``: ``(first row, height frequencies kept)`` of its
    block in the packed ``m`` (its real rows, then as many imaginary rows)."""
    half = ph // 2 + 1
    rows, out = 0, []
    for end in ends(ph, pw):
        kept = half if end else ph
        out.append((rows, kept))
        rows += 2 * kept
    return out


def _chunks(ph: int, pw: int) -> list[tuple[int, int, int]]:
    """Fixed chunks ``(q, f0, f1)`` of the kept frequencies, none across two width
    frequencies (``PARTS`` of about equal size over all of them)."""
    spans = [(q * ph, q * ph + kept) for q, (_, kept) in enumerate(layout(ph, pw))]
    return [(s // ph, s % ph, s % ph + e - s) for s, e in split_ranges(spans, PARTS)]


def products(ctx: Any, xs: np.ndarray, ds: np.ndarray, ph: int, pw: int,
             m: np.ndarray) -> np.ndarray:
    """``m = X^T conj(DY)`` at the kept frequencies into packed ``m``
    (``[rows, C, CO]``, :func:`layout`); ``xs``: ``[Qw * Ph, 2N, C]``, ``ds``:
    ``[Qw * Ph, 2N, CO]`` (``conv_fourier.spectrum``'s layout). Returns ``m``."""
    _, n2, c = xs.shape
    n, co = n2 // 2, ds.shape[2]
    chunks = _chunks(ph, pw)
    where = layout(ph, pw)
    per = max(f1 - f0 for _, f0, f1 in chunks)
    three = min(n, c, co) >= GAUSS_MIN
    pool = session_pool(ctx)
    threads = max(1, min(parallel.kernel_threads(), len(chunks)))
    if not gemm.uses_runtime(xs.dtype):
        return _strided(pool, xs, ds, m, chunks, where, ph, three, threads)
    parts = 3 if three else 2
    ab = [pool.take((per, parts, c, n), xs.dtype, ("fdw_a", i)) for i in range(threads)]
    bb = [pool.take((per, parts, n, co), xs.dtype, ("fdw_b", i)) for i in range(threads)]
    kb = ([pool.take((per, 3, c, co), xs.dtype, ("fdw_k", i)) for i in range(threads)]
          if three else None)

    def work(i: int, worker: int) -> None:
        s, e, k, re, im, xr, xi, dr, di = _chunk_views(xs, ds, m, chunks[i], where, ph)
        a, b = ab[worker][:k], bb[worker][:k]
        if three:
            np.copyto(a[:, 1], xr)                # the transposing copies first,
            np.copyto(a[:, 2], xi)
            np.add(a[:, 1], a[:, 2], out=a[:, 0])  # the sum on contiguous rows
            np.copyto(b[:, 0], dr)
            np.add(dr, di, out=b[:, 1])
            np.subtract(dr, di, out=b[:, 2])
            kk = kb[worker][:k]
            gemm.matmul(a, b, out=kk)
            np.subtract(kk[:, 0], kk[:, 2], out=re)
            np.subtract(kk[:, 0], kk[:, 1], out=im)
        else:   # a = [Xr^T | Xi^T] as [C, 2N]; b = [DYr; DYi] then [-DYi; DYr]
            a2, b2 = a.reshape(k, c, 2 * n), b.reshape(k, 2 * n, co)
            np.copyto(a2[:, :, :n], xr)
            np.copyto(a2[:, :, n:], xi)
            gemm.matmul(a2, ds[s:e], out=re)
            np.negative(di, out=b2[:, :n])
            np.copyto(b2[:, n:], dr)
            gemm.matmul(a2, b2, out=im)

    parallel.run(work, len(chunks), threads)
    return m


def _chunk_views(xs: np.ndarray, ds: np.ndarray, m: np.ndarray,
                 chunk: tuple[int, int, int], where: list, ph: int) -> tuple:
    """The views one chunk ``(q, f0, f1)`` of :func:`products` works on: its rows
    ``s:e`` of the spectra and their count ``k``, the real and imaginary rows of ``m``
    it writes, ``Xr^T``, ``Xi^T``, ``DYr``, ``DYi``."""
    q, f0, f1 = chunk
    n = xs.shape[1] // 2
    s, e = q * ph + f0, q * ph + f1
    re, im = _rows(m, where[q], f0, f1)
    xr, xi = xs[s:e, :n].transpose(0, 2, 1), xs[s:e, n:].transpose(0, 2, 1)
    return s, e, f1 - f0, re, im, xr, xi, ds[s:e, :n], ds[s:e, n:]


def _rows(m: np.ndarray, where: tuple[int, int], f0: int, f1: int
          ) -> tuple[np.ndarray, np.ndarray]:
    """The real and imaginary rows of height frequencies ``[f0, f1)`` in the block
    ``where`` (``(first row, kept)``) of packed ``m``."""
    row, kept = where
    return m[row + f0:row + f1], m[row + kept + f0:row + kept + f1]


def _strided(pool: Any, xs: np.ndarray, ds: np.ndarray, m: np.ndarray, chunks: list,
             where: list, ph: int, three: bool, threads: int) -> np.ndarray:
    """:func:`products` for NumPy's BLAS, which reads the transposed ``X`` parts as they
    are: no copies of them (or of ``DYr``); Gauss's ``Xr + Xi`` summed in ``xs``'s own
    layout; ``Im m`` as ``Xi^T DYr - Xr^T DYi`` in the four-product form."""
    _, n2, c = xs.shape
    n, co = n2 // 2, ds.shape[2]
    per = max(f1 - f0 for _, f0, f1 in chunks)
    tb = [pool.take((per, c, co), xs.dtype, ("fdw_p", i)) for i in range(threads)]
    sb = ([pool.take((per, n, c), xs.dtype, ("fdw_s", i)) for i in range(threads)]
          if three else None)
    bb = ([pool.take((per, 2, n, co), xs.dtype, ("fdw_g", i)) for i in range(threads)]
          if three else None)

    def work(i: int, worker: int) -> None:
        s, e, k, re, im, xr, xi, dr, di = _chunk_views(xs, ds, m, chunks[i], where, ph)
        t = tb[worker][:k]
        if three:
            sm, g = sb[worker][:k], bb[worker][:k]
            np.add(xs[s:e, :n], xs[s:e, n:], out=sm)
            np.add(dr, di, out=g[:, 0])
            np.subtract(dr, di, out=g[:, 1])
            np.matmul(sm.transpose(0, 2, 1), dr, out=re)     # k1
            np.matmul(xr, g[:, 0], out=t)                    # k2
            np.subtract(re, t, out=im)
            np.matmul(xi, g[:, 1], out=t)                    # k3
            np.subtract(re, t, out=re)
        else:
            np.matmul(xs[s:e].transpose(0, 2, 1), ds[s:e], out=re)
            np.matmul(xi, dr, out=im)
            np.matmul(xr, di, out=t)
            np.subtract(im, t, out=im)

    parallel.run(work, len(chunks), threads)
    return m


def taps(ctx: Any, m: np.ndarray, p: Any, dtype: np.dtype) -> np.ndarray:
    """The real filter ``[KH, KW, C, CO]`` from packed ``m`` (``[rows, C, CO]``,
    :func:`layout`) of plan ``p`` (``conv_fourier.Plan``): per fixed block of ``C * CO``
    columns, the height taps of every width frequency (``[2KH, 2Ph]`` real, or
    ``[KH, 2 (Ph // 2 + 1)]`` at the ends) into ``[blocks, KH, cols]``, then the width
    taps (``[KW, blocks]``) over those."""
    rows, c, co = m.shape
    cc = c * co
    where = layout(p.ph, p.pw)
    mid = sum(not e for e in ends(p.ph, p.pw))   # between the ends, all Ph each
    th = dft.filter_taps_h(p.kh, p.ph, p.pt, dtype)           # [2KH, 2Ph]
    th_half = dft.filter_taps_h_half(p.kh, p.ph, p.pt, dtype)  # [KH, 2 (Ph // 2 + 1)]
    tw = dft.filter_taps_w(p.kw, p.pw, p.ph, p.pl, dtype)      # [KW, blocks]
    blocks = tw.shape[1]
    m2 = m.reshape(rows, cc)
    dw = np.empty((p.kh, p.kw, cc), dtype)
    ranges = split(cc, TAP_PARTS)
    per = max(e - s for s, e in ranges)
    pool = session_pool(ctx)
    threads = max(1, min(parallel.kernel_threads(), len(ranges)))
    tb = [pool.take((blocks * p.kh * per,), dtype, ("fdw_t", i)) for i in range(threads)]
    ob = [pool.take((p.kw * p.kh * per,), dtype, ("fdw_o", i)) for i in range(threads)]

    def work(i: int, worker: int) -> None:
        s, e = ranges[i]
        w = e - s
        t = tb[worker][:blocks * p.kh * w].reshape(blocks, p.kh, w)
        row, kept = where[0]
        np.matmul(th_half, m2[row:row + 2 * kept, s:e], out=t[0])
        if mid:                                 # the middle ones in one batch
            row = where[1][0]
            np.matmul(th, m2[row:row + 2 * p.ph * mid, s:e].reshape(mid, 2 * p.ph, w),
                      out=t[1:1 + 2 * mid].reshape(mid, 2 * p.kh, w))
        if len(where) > mid + 1:
            row, kept = where[-1]
            np.matmul(th_half, m2[row:row + 2 * kept, s:e], out=t[-1])
        o = ob[worker][:p.kw * p.kh * w].reshape(p.kw, p.kh, w)
        gemm.matmul(tw, t.reshape(blocks, p.kh * w), out=o.reshape(p.kw, p.kh * w))
        np.copyto(dw[:, :, s:e], o.transpose(1, 0, 2))

    parallel.run(work, len(ranges), threads)
    return dw.reshape(p.kh, p.kw, c, co)


__all__ = ["products", "taps", "layout", "ends", "GAUSS_MIN"]
