"""The array work of the conv/pool kernels of ``conv_ops``, on recycled buffers.

Every function takes NHWC arrays and a geometry ``g`` (``conv_ops._Geom``: kernel size,
strides, dilations, output size, pads and the per-offset slices ``g.offs``) and returns
exactly the values of the straightforward formulation (same operations in the same order,
so results are bitwise equal), but writes the large temporaries (padded input, im2col
matrix, col2im accumulator, pooling windows) and outputs into ``buffer_pool`` buffers
instead of fresh allocations.

``max_pool_grad_tiled`` is the fast path for non-overlapping pools (stride == window, no
padding, windows tiling the input exactly — the usual 2x2/2 pool): the windows are copied
once into a window-major array so every later pass is a contiguous whole-array operation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.ops.buffer_pool import output, session_pool


def _pads(g: Any) -> tuple[int, int, int, int]:
    (_, _), (pt, pb), (pl, pr), _ = g.pads
    return pt, pb, pl, pr


def padded(ctx: Any, x: np.ndarray, g: Any, fill: Any) -> np.ndarray:
    """``x`` padded by ``g.pads`` with ``fill``: ``x`` itself when nothing is padded, else a
    recycled buffer whose border always holds ``fill`` (only its interior is written)."""
    pt, pb, pl, pr = _pads(g)
    if not (pt or pb or pl or pr):
        return x
    n, h, w, c = x.shape
    xp = session_pool(ctx).take((n, h + pt + pb, w + pl + pr, c), x.dtype,
                                ("pad", pt, pl, fill), fill=fill)
    xp[:, pt:pt + h, pl:pl + w, :] = x
    return xp


def im2col(ctx: Any, xp: np.ndarray, g: Any) -> np.ndarray:
    """The ``[N*OH*OW, KH*KW*C]`` matrix of receptive fields of padded input ``xp``
    (row-major, columns ordered ``(kh, kw, c)``), in a recycled scratch buffer."""
    n, c = xp.shape[0], xp.shape[3]
    cols = session_pool(ctx).take((n, g.oh, g.ow, g.kh, g.kw, c), xp.dtype, "cols")
    for i, j, sl in g.offs:
        cols[:, :, :, i, j, :] = xp[sl]
    return cols.reshape(n * g.oh * g.ow, g.kh * g.kw * c)


def conv_forward(ctx: Any, x: np.ndarray, w: np.ndarray, g: Any) -> np.ndarray:
    """NHWC convolution of ``x`` with ``[KH, KW, C, CO]`` filter ``w``: im2col + matmul."""
    n = x.shape[0]
    co = w.shape[3]
    cols = im2col(ctx, padded(ctx, x, g, 0), g)
    out = output(ctx, (cols.shape[0], co), np.result_type(x.dtype, w.dtype))
    y = np.matmul(cols, w.reshape(cols.shape[1], co), out=out)
    return y.reshape(n, g.oh, g.ow, co)


def conv_filter_grad(ctx: Any, x: np.ndarray, dy: np.ndarray, g: Any,
                     sizes: tuple[int, int, int, int]) -> np.ndarray:
    """The filter gradient ``im2col(x).T @ dy`` shaped ``sizes`` (``[KH, KW, C, CO]``)."""
    cols = im2col(ctx, padded(ctx, x, g, 0), g)
    return (cols.T @ dy.reshape(-1, sizes[3])).reshape(sizes)


def conv_input_grad(ctx: Any, dy: np.ndarray, w: np.ndarray, g: Any,
                    shape: tuple[int, int, int, int]) -> np.ndarray:
    """The input gradient (col2im of ``dy @ w.T``) for an NHWC input of ``shape``."""
    n, h, wd, c = shape
    kh, kw, _, co = w.shape
    pool = session_pool(ctx)
    dtype = dy.dtype
    dcols = pool.take((n * g.oh * g.ow, kh * kw * c), dtype, "dcols")
    np.matmul(dy.reshape(-1, co), w.reshape(-1, co).T, out=dcols)
    dcols = dcols.reshape(n, g.oh, g.ow, kh, kw, c)
    pt, pb, pl, pr = _pads(g)
    if pt or pb or pl or pr:
        dxp = pool.take((n, h + pt + pb, wd + pl + pr, c), dtype, "col2im")
    else:
        dxp = output(ctx, shape, dtype)
        if dxp is None:
            dxp = np.empty(shape, dtype)
    dxp.fill(0)
    for i, j, sl in g.offs:
        dxp[sl] += dcols[:, :, :, i, j, :]
    if dxp.shape == shape:
        return dxp
    out = output(ctx, shape, dtype)
    crop = dxp[:, pt:pt + h, pl:pl + wd, :]
    if out is None:
        return np.ascontiguousarray(crop)
    np.copyto(out, crop)
    return out


def max_pool(ctx: Any, x: np.ndarray, g: Any, low: Any) -> np.ndarray:
    """The maximum over every window (padding reads ``low``, the dtype's minimum)."""
    xp = padded(ctx, x, g, low)
    shape = (x.shape[0], g.oh, g.ow, x.shape[3])
    offs = g.offs
    out = output(ctx, shape, x.dtype)
    if out is None:
        out = np.empty(shape, x.dtype)
    if len(offs) == 1:
        np.copyto(out, xp[offs[0][2]])
        return out
    np.maximum(xp[offs[0][2]], xp[offs[1][2]], out=out)
    for _, _, sl in offs[2:]:
        np.maximum(out, xp[sl], out=out)
    return out


def tiles(g: Any, h: int, w: int) -> bool:
    """Whether the pooling windows tile the ``h x w`` input exactly: stride == window,
    no padding, no dilation, no leftover rows or columns."""
    return (g.sh == g.kh and g.sw == g.kw and g.oh * g.kh == h and g.ow * g.kw == w
            and not any(_pads(g)) and g.dh == 1 and g.dw == 1)


def max_pool_grad_tiled(ctx: Any, x: np.ndarray, dy: np.ndarray, g: Any) -> np.ndarray:
    """``MaxPoolGrad`` for tiling windows: ``dy`` goes to the first maximum (in row-major
    window order) of each window — to its first pixel if it has none (NaN); every other
    input pixel gets 0."""
    n, h, w, c = x.shape
    kh, kw, oh, ow = g.kh, g.kw, g.oh, g.ow
    k = kh * kw
    pool = session_pool(ctx)
    win = pool.take((kh, kw, n, oh, ow, c), x.dtype, "mp_win")
    np.copyto(win, x.reshape(n, oh, kh, ow, kw, c).transpose(2, 4, 0, 1, 3, 5))
    win = win.reshape(k, n, oh, ow, c)
    best = pool.take((n, oh, ow, c), x.dtype, "mp_best")
    if k == 1:
        np.copyto(best, win[0])
    else:
        np.maximum(win[0], win[1], out=best)
        for r in win[2:]:
            np.maximum(best, r, out=best)
    hit = pool.take((k, n, oh, ow, c), np.dtype(bool), "mp_hit")
    np.equal(win, best, out=hit)
    # Keep only the first hit of each window; a window without one (NaN) sends its
    # gradient to its first pixel, as the general path does.
    taken = pool.take((n, oh, ow, c), np.dtype(bool), "mp_taken")
    np.copyto(taken, hit[0])
    for i in range(1, k):
        np.greater(hit[i], taken, out=hit[i])
        np.logical_or(taken, hit[i], out=taken)
    np.less_equal(taken, hit[0], out=hit[0])  # hit[0] or no hit at all
    part = pool.take((k, n, oh, ow, c), dy.dtype, "mp_part")
    np.multiply(hit, dy, out=part)
    out = output(ctx, (n, h, w, c), dy.dtype)
    if out is None:
        out = np.empty((n, h, w, c), dy.dtype)
    # 0 + part, as accumulating into zeros would (turns -0 into +0).
    np.add(part.reshape(kh, kw, n, oh, ow, c).transpose(2, 3, 0, 4, 1, 5),
           dy.dtype.type(0), out=out.reshape(n, oh, kh, ow, kw, c))
    return out


__all__ = ["padded", "im2col", "conv_forward", "conv_filter_grad", "conv_input_grad",
           "max_pool", "tiles", "max_pool_grad_tiled"]
