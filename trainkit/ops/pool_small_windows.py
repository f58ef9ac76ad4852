"""``MaxPoolGrad`` for small overlapping windows (at most 3x3, each pixel in at most two
windows per axis: CIFAR's and AlexNet's 3x3 stride 2) as one compiled loop whose folds
run in registers; ``pool_loops.max_pool_grad`` dispatches to it.

The general loop (``pool_loops.max_pool_grad_loop``) keeps each window's state (maximum,
hit) in memory and folds one kernel offset at a time over a row of windows: 9 loads,
stores and ~17 vector operations per offset for 3x3 windows. Here each window's 3x3
pixels are folded at once per channel, in registers, and each pixel's gradient is summed
from its (at most 2 x 2) windows in one expression and written once. Same results, bit
for bit (``tests/ops/test_pool_loops.py``), by the same IEEE operations in the same
order:

- hit: a window's first real pixel equal to its maximum (``==``), offset 0 if it holds a
  NaN. Folding ``v > best`` from the first real pixel finds the first maximum (a later
  equal pixel never claims), and a NaN anywhere sends the hit to 0: what the general
  loop's fold gives. A window cut by padding is folded over 3x3 positions clamped into
  its real rows and columns, each position carrying the offset of the pixel it reads: a
  repeated pixel never claims again, and the first occurrences keep the row-major order.
- gradient: per pixel, ``+0`` plus the ``dy`` (or ``+0``) of each window holding it, in
  kernel-offset order: the general loop's sum, written once instead of accumulated.

Before an image's windows, the loop reads one value per cache line of the next image
(a sequential scan the hardware prefetchers stream; the windows' three-row reads alone
left the loop waiting on memory, see ``docs/internals.md``).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from trainkit.ops import jit


def fits(g: Any) -> bool:
    """Whether the windows of pool geometry ``g`` suit :func:`max_pool_grad_small`: at most
    3x3, overlapping or gapped (not tiling: ``pool_loops.max_pool_grad_tiles`` takes
    those), each pixel in at most two windows along each axis."""
    return (g.kh <= 3 and g.kw <= 3 and g.kh <= 2 * g.sh and g.kw <= 2 * g.sw
            and not (g.kh == g.sh and g.kw == g.sw))


@functools.lru_cache(maxsize=64)
def holders(size: int, k: int, s: int, before: int, out: int) -> np.ndarray:
    """Per input index along one axis, the windows that hold it: ``[size, 5]`` int64 rows
    ``(count, window 0, its offset, window 1, its offset)``, offsets ascending (so windows
    descending); ``k`` kernel size, ``s`` stride, ``before`` padding, ``out`` windows.
    Read-only (cached)."""
    idx = np.arange(size)[:, None] + before - np.arange(k)[None, :]    # [size, k]
    win = idx // s
    held = (idx >= 0) & (idx % s == 0) & (win < out)
    table = np.zeros((size, 5), np.int64)
    table[:, 0] = held.sum(axis=1)
    if size and int(table[:, 0].max(initial=0)) > 2:
        raise ValueError(f"a pixel lies in more than 2 windows (kernel {k}, stride {s})")
    for r in range(size):
        offs = np.flatnonzero(held[r])
        for e, i in enumerate(offs):
            table[r, 1 + 2 * e], table[r, 2 + 2 * e] = win[r, i], i
    table.flags.writeable = False
    return table


@jit.loop
def max_pool_grad_small(x, flat, dy, dx, n0, n1, kh, kw, sh, sw, pt, pl, zero,  # noqa: ANN001
                        one, relu, rows, cols, line, hits, sink):  # noqa: ANN001, ANN201
    """dx[m] = per pixel, +0 plus the dy of each window whose first maximum it is, in
    kernel-offset order, for windows of :func:`fits`; with ``relu``, times ``one`` where
    ``x > 0``, else ``zero`` (``ReluGrad`` by ``x``, the product its kernel makes).
    ``flat``: ``x`` as ``[N, H*W*C]``; ``rows``/``cols``: :func:`holders` of the two axes;
    ``line``: elements per cache line. Scratch: ``hits`` ``[OH, OW, C]`` int32, ``sink``
    ``[1]`` (x's dtype)."""
    h, w, c = x.shape[1], x.shape[2], x.shape[3]
    oh, ow = dy.shape[1], dy.shape[2]
    zk = np.int32(0)
    size = flat.shape[1]
    for m in range(n0, n1):
        if m + 1 < n1 and size:     # touch the next image: its reads stream meanwhile
            t0 = t1 = flat[m + 1, 0]
            for u in range(0, size - line, 2 * line):
                t0 = max(t0, flat[m + 1, u])
                t1 = max(t1, flat[m + 1, u + line])
            sink[0] = max(t0, t1)
        for a in range(oh):
            r0 = a * sh - pt
            i0, i1 = max(0, -r0), min(kh, h - r0) - 1
            ra, rb, rc = r0 + i0, r0 + min(max(1, i0), i1), r0 + min(max(2, i0), i1)
            ka, kb, kc = (ra - r0) * kw, (rb - r0) * kw, (rc - r0) * kw
            for b in range(ow):
                c0 = b * sw - pl
                j0, j1 = max(0, -c0), min(kw, w - c0) - 1
                qa, qb, qc = c0 + j0, c0 + min(max(1, j0), j1), c0 + min(max(2, j0), j1)
                ja, jb, jc = qa - c0, qb - c0, qc - c0
                k0, k1, k2 = np.int32(ka + ja), np.int32(ka + jb), np.int32(ka + jc)
                k3, k4, k5 = np.int32(kb + ja), np.int32(kb + jb), np.int32(kb + jc)
                k6, k7, k8 = np.int32(kc + ja), np.int32(kc + jb), np.int32(kc + jc)
                for ch in range(c):
                    bv = x[m, ra, qa, ch]
                    hv = k0
                    nan = bv != bv
                    v = x[m, ra, qb, ch]
                    g = v > bv
                    bv, hv, nan = v if g else bv, k1 if g else hv, nan | (v != v)
                    v = x[m, ra, qc, ch]
                    g = v > bv
                    bv, hv, nan = v if g else bv, k2 if g else hv, nan | (v != v)
                    v = x[m, rb, qa, ch]
                    g = v > bv
                    bv, hv, nan = v if g else bv, k3 if g else hv, nan | (v != v)
                    v = x[m, rb, qb, ch]
                    g = v > bv
                    bv, hv, nan = v if g else bv, k4 if g else hv, nan | (v != v)
                    v = x[m, rb, qc, ch]
                    g = v > bv
                    bv, hv, nan = v if g else bv, k5 if g else hv, nan | (v != v)
                    v = x[m, rc, qa, ch]
                    g = v > bv
                    bv, hv, nan = v if g else bv, k6 if g else hv, nan | (v != v)
                    v = x[m, rc, qb, ch]
                    g = v > bv
                    bv, hv, nan = v if g else bv, k7 if g else hv, nan | (v != v)
                    v = x[m, rc, qc, ch]
                    hv = k8 if v > bv else hv
                    hits[a, b, ch] = zk if nan | (v != v) else hv
        for r in range(h):
            na, a0, i0, a1, i1 = rows[r, 0], rows[r, 1], rows[r, 2], rows[r, 3], rows[r, 4]
            for q in range(w):
                nb, b0, j0, b1, j1 = cols[q, 0], cols[q, 1], cols[q, 2], cols[q, 3], cols[q, 4]
                k00, k01 = np.int32(i0 * kw + j0), np.int32(i0 * kw + j1)
                k10, k11 = np.int32(i1 * kw + j0), np.int32(i1 * kw + j1)
                if na == 0 or nb == 0:      # no window (VALID's leftovers, gaps)
                    for ch in range(c):
                        g = zero
                        if relu:
                            g = g * (one if x[m, r, q, ch] > zero else zero)
                        dx[m, r, q, ch] = g
                elif na == 1 and nb == 1:
                    for ch in range(c):
                        g = zero + (dy[m, a0, b0, ch] if hits[a0, b0, ch] == k00 else zero)
                        if relu:
                            g = g * (one if x[m, r, q, ch] > zero else zero)
                        dx[m, r, q, ch] = g
                elif na == 1:
                    for ch in range(c):
                        g = (zero + (
                            dy[m, a0, b0, ch] if hits[a0, b0, ch] == k00 else zero)) + (
                            dy[m, a0, b1, ch] if hits[a0, b1, ch] == k01 else zero)
                        if relu:
                            g = g * (one if x[m, r, q, ch] > zero else zero)
                        dx[m, r, q, ch] = g
                elif nb == 1:
                    for ch in range(c):
                        g = (zero + (
                            dy[m, a0, b0, ch] if hits[a0, b0, ch] == k00 else zero)) + (
                            dy[m, a1, b0, ch] if hits[a1, b0, ch] == k10 else zero)
                        if relu:
                            g = g * (one if x[m, r, q, ch] > zero else zero)
                        dx[m, r, q, ch] = g
                else:
                    for ch in range(c):
                        g = (((zero + (
                            dy[m, a0, b0, ch] if hits[a0, b0, ch] == k00 else zero)) + (
                            dy[m, a0, b1, ch] if hits[a0, b1, ch] == k01 else zero)) + (
                            dy[m, a1, b0, ch] if hits[a1, b0, ch] == k10 else zero)) + (
                            dy[m, a1, b1, ch] if hits[a1, b1, ch] == k11 else zero)
                        if relu:
                            g = g * (one if x[m, r, q, ch] > zero else zero)
                        dx[m, r, q, ch] = g

__all__ = ["fits", "holders", "max_pool_grad_small"]
