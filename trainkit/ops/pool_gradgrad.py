"""``MaxPoolGradGrad`` on stride planes (``ops/pool_planes.py``): ``ggx`` (the gradient
of ``MaxPoolGrad``'s output, shaped like ``x``) read at each window's first maximum.

The semantics are the per-offset formulation's over an input padded with the dtype's
lowest value (``pool_ops._argmax_windows``): padding takes part in the maximum and may
hold the window's first one (when every real pixel holds the lowest value), a window
without any (NaN) reads offset 0, and ``ggx`` is 0 on padding. The value is copied bit
for bit: exactly one offset per window is selected, so OR-ing the bit patterns of every
offset's value under an all-ones or all-zeros integer mask is a copy (+0/-0 and NaN
payloads kept), in contiguous passes instead of masked copies.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.ops import parallel
from trainkit.ops.pool_planes import (
    fill_planes,
    first_hits,
    kernel_setup,
    plane_geometry,
    scratch_buffers,
    window_max,
)

_BITS = {1: (np.uint8, np.int8), 2: (np.uint16, np.int16), 4: (np.uint32, np.int32),
         8: (np.uint64, np.int64)}


def max_pool_grad_grad(ctx: Any, x: np.ndarray, ggx: np.ndarray, g: Any,
                       low: Any) -> np.ndarray:
    """``[n, oh, ow, C]``: ``ggx`` (NHWC, ``x``'s shape, float) at each window's first
    maximum of ``x`` (padding reads ``low``)."""
    pl = plane_geometry(x.shape, g)
    n_img, _, _, c = x.shape
    shape = (n_img, g.oh, g.ow, c)
    out, per, count, threads = kernel_setup(ctx, shape, ggx.dtype, x.shape, x.itemsize)
    cells = pl.ph * pl.pw
    size_max = per * cells * c
    ubits, sbits = _BITS[ggx.dtype.itemsize]
    scratch = scratch_buffers(ctx, "maxpoolgradgrad", threads, [
        ("planes", (pl.count, per, pl.ph, pl.pw, c), x.dtype, None),
        ("rows", (len(pl.rows), size_max) if pl.separable else None, x.dtype, None),
        ("best", (size_max,), x.dtype, None),
        ("hit", (len(pl.offs), size_max), np.dtype(bool), None),
        ("taken", (size_max,), np.dtype(bool), None),
        ("gplanes", (pl.count, per, pl.ph, pl.pw, c), ggx.dtype, None),
        ("sel", (size_max,), np.dtype(ubits), None),
        ("mask", (size_max,), np.dtype(ubits), None)])
    zero = ggx.dtype.type(0)

    def work(i: int, worker: int) -> None:
        s, e = i * per, min(n_img, i * per + per)
        m = e - s
        P, rows, best, hit, taken, G, sel, mask = scratch[worker]
        P, G = P[:, :m], G[:, :m]
        size = m * cells * c
        n = size - pl.tail * c
        flat = P.reshape(pl.count, size)
        fill_planes(pl, P, x[s:e], low)
        window_max(pl, flat, None if rows is None else rows[:, :size], best[:n], c)
        first_hits(pl, flat, best[:n], hit, taken[:n], c)
        fill_planes(pl, G, ggx[s:e], zero)
        gbits = G.reshape(pl.count, size).view(ubits)
        res, mk = sel[:n], mask[:n]
        for j, (p, sft) in enumerate(pl.offs):
            np.negative(hit[j, :n].view(np.int8), out=mk.view(sbits))  # 1 -> all ones
            if j == 0:
                np.bitwise_and(gbits[p, sft * c:sft * c + n], mk, out=res)
            else:
                np.bitwise_and(gbits[p, sft * c:sft * c + n], mk, out=mk)
                np.bitwise_or(res, mk, out=res)
        np.copyto(out[s:e].view(ubits),
                  sel[:size].reshape(m, pl.ph, pl.pw, c)[:, :g.oh, :g.ow])

    parallel.run(work, count, threads)
    return out


__all__ = ["max_pool_grad_grad"]
