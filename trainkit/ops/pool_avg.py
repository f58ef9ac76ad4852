"""Average pooling and its gradient on stride planes (``ops/pool_planes.py``).

Bitwise the per-offset formulation: each window sums ``0 + x_0 + x_1 + ...`` in kernel
order (padding adds ``+0``) and is divided by its number of real pixels; the gradient
spreads ``dy / count`` to every pixel of the window, each input pixel summing what it
receives in kernel order from ``+0``. Each per-offset pass is one contiguous NumPy
operation; chunks of whole images run on the kernel threads. With the compiled loops on
(``ops/jit.py``), float32/64 pools run ``pool_loops`` instead (the same bits).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.ops import parallel, pool_loops
from trainkit.ops.pool_planes import (
    fill_planes,
    interleave,
    kernel_setup,
    plane_geometry,
    scatter,
    scratch_buffers,
)


def avg_pool(ctx: Any, x: np.ndarray, g: Any, counts: np.ndarray) -> np.ndarray:
    """``AvgPool`` of float NHWC ``x``; ``counts`` is ``[oh, ow, 1]`` in ``x``'s dtype
    (float32/64 with the compiled loops on: ``pool_loops``)."""
    if pool_loops.usable(x):
        return pool_loops.avg_pool(ctx, x, g, counts)
    pl = plane_geometry(x.shape, g)
    n_img, _, _, c = x.shape
    shape = (n_img, g.oh, g.ow, c)
    out, per, count, threads = kernel_setup(ctx, shape, x.dtype, x.shape, x.itemsize)
    cells = pl.ph * pl.pw
    scratch = scratch_buffers(ctx, "avgpool", threads, [
        ("planes", (pl.count, per, pl.ph, pl.pw, c), x.dtype, None),
        ("sum", (per * cells * c,), x.dtype, None)])
    zero = x.dtype.type(0)

    @np.errstate(invalid="ignore")   # inf + -inf in a window: NaN, as summed plainly
    def work(i: int, worker: int) -> None:
        s, e = i * per, min(n_img, i * per + per)
        m = e - s
        P, acc = scratch[worker]
        P = P[:, :m]
        fill_planes(pl, P, x[s:e], zero)
        size = m * cells * c
        n = size - pl.tail * c
        flat = P.reshape(pl.count, size)
        b = acc[:n]
        (p0, s0), rest = pl.offs[0], pl.offs[1:]
        np.add(flat[p0, s0 * c:s0 * c + n], zero, out=b)
        for p, sft in rest:
            np.add(b, flat[p, sft * c:sft * c + n], out=b)
        np.divide(acc[:size].reshape(m, pl.ph, pl.pw, c)[:, :g.oh, :g.ow], counts,
                  out=out[s:e])

    parallel.run(work, count, threads)
    return out


def avg_pool_grad(ctx: Any, dy: np.ndarray, g: Any, shape: tuple,
                  counts: np.ndarray) -> np.ndarray:
    """``AvgPoolGrad``: the gradient for an NHWC input of ``shape`` from float ``dy``
    (``[n, oh, ow, c]``); ``counts`` is ``[oh, ow, 1]`` in ``dy``'s dtype (float32/64
    with the compiled loops on: ``pool_loops``)."""
    if pool_loops.usable(dy):
        return pool_loops.avg_pool_grad(ctx, dy, g, shape, counts)
    pl = plane_geometry(shape, g)
    n_img, _, _, c = shape
    out, per, count, threads = kernel_setup(ctx, shape, dy.dtype, shape, dy.dtype.itemsize)
    cells = pl.ph * pl.pw
    scratch = scratch_buffers(ctx, "avgpoolgrad", threads, [
        (("share", g.oh, g.ow), (per, pl.ph, pl.pw, c), dy.dtype, 0),
        ("acc", (pl.count, per * cells * c), dy.dtype, None)])

    @np.errstate(invalid="ignore")
    def work(i: int, worker: int) -> None:
        s, e = i * per, min(n_img, i * per + per)
        m = e - s
        share, acc = scratch[worker]
        share = share[:m]
        size = m * cells * c
        n = size - pl.tail * c
        np.divide(dy[s:e], counts, out=share[:, :g.oh, :g.ow])  # junk cells stay 0
        gs = share.reshape(-1)[:n]
        scatter(pl, acc, None, n, size, c, lambda j, into: gs)
        interleave(pl, acc, out[s:e], size, c)

    parallel.run(work, count, threads)
    return out


__all__ = ["avg_pool", "avg_pool_grad"]
