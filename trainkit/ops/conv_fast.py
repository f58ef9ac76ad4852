"""The array work of the conv kernels of ``conv_ops``, on recycled buffers.

Every function takes NHWC arrays and a geometry ``g`` (``conv_ops._Geom``: kernel size,
strides, dilations, output size, pads and the per-offset slices ``g.offs``) and returns
exactly the values of the straightforward formulation (same operations in the same order,
so results are bitwise equal), but writes the large temporaries (padded input, im2col
matrix, col2im accumulator) and outputs into ``buffer_pool`` buffers instead of fresh
allocations. (The pooling kernels' array work is ``pool_planes``.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.ops import conv_fourier, gemm, parallel
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


#: bytes of one im2col chunk: small enough to stay in a core's cache between the copy
#: that fills it and the matrix product that reads it
CHUNK_BYTES = 1 << 20
#: the filter gradient builds its im2col matrix transposed (``[K, rows]``, runs of ``OW``
#: pixels of a channel-planar copy) for inputs of at most this many channels: its product
#: ``[K, rows] @ [rows, CO]`` then reads both operands as they are (CIFAR conv1, 3
#: channels, one thread: 7.5 -> 6.4 ms CPU; the copy costs the same both ways)
PLANAR_MAX_C = 3
#: the filter gradient sums per-chunk products in this many fixed groups (in order), so
#: its value does not depend on how many threads ran the chunks
GRAD_GROUPS = 8


def windows(xp: np.ndarray, g: Any) -> np.ndarray:
    """A read-only ``[N, OH, OW, KH, KW, C]`` view of the receptive fields of padded
    input ``xp`` (strides and dilations applied); copying it is the im2col."""
    n, _, _, c = xp.shape
    s0, s1, s2, s3 = xp.strides
    return np.lib.stride_tricks.as_strided(
        xp, (n, g.oh, g.ow, g.kh, g.kw, c),
        (s0, s1 * g.sh, s2 * g.sw, s1 * g.dh, s2 * g.dw, s3), writeable=False)


def im2col(ctx: Any, xp: np.ndarray, g: Any) -> np.ndarray:
    """The ``[N*OH*OW, KH*KW*C]`` matrix of receptive fields of padded input ``xp``
    (row-major, columns ordered ``(kh, kw, c)``), in a recycled scratch buffer."""
    n, c = xp.shape[0], xp.shape[3]
    cols = session_pool(ctx).take((n, g.oh, g.ow, g.kh, g.kw, c), xp.dtype, "cols")
    np.copyto(cols, windows(xp, g))
    return cols.reshape(n * g.oh * g.ow, g.kh * g.kw * c)


def planar_windows(ctx: Any, xp: np.ndarray, g: Any) -> np.ndarray:
    """A read-only ``[C, N, OH, OW, KH, KW]`` view of the receptive fields of padded
    input ``xp``, each channel's plane contiguous: of ``xp`` itself for one channel, else
    of a recycled ``[C, N, H, W]`` copy."""
    if xp.shape[3] == 1:
        return windows(xp, g)[..., 0][None]
    planes = session_pool(ctx).take((xp.shape[3],) + xp.shape[:3], xp.dtype, "planes")
    np.copyto(planes, xp.transpose(3, 0, 1, 2))
    s0, s1, s2, s3 = planes.strides
    return np.lib.stride_tricks.as_strided(
        planes, (xp.shape[3], xp.shape[0], g.oh, g.ow, g.kh, g.kw),
        (s0, s1, s2 * g.sh, s3 * g.sw, s2 * g.dh, s3 * g.dw), writeable=False)


class _Chunks:
    """The batch cut into chunks of ``per`` images, with one recycled im2col scratch
    buffer per worker thread.

    With ``transposed`` the scratch is ``[K, rows]``, filled by one copy of the
    ``[KH, KW, C, images, OH, OW]`` view of :func:`planar_windows` (runs of ``OW``
    pixels) instead of gathering runs of ``KW * C`` values; :meth:`cols` then returns its
    transpose, which BLAS reads as is. Measured for single-channel inputs (deep-MNIST
    conv1 at batch 128, CPU ms: forward 3.8 -> 3.2, filter gradient 4.5 -> 3.3; one view
    copy instead of one per kernel offset: b50 forward 0.72 -> 0.61) and for the filter
    gradient of 3 channels (``conv_filter_grad``)."""

    def __init__(self, ctx: Any, n: int, g: Any, c: int, dtype: np.dtype, tag: str,
                 transposed: bool = False):
        k = g.kh * g.kw * c
        rows = g.oh * g.ow
        self.per = max(1, min(n, CHUNK_BYTES // max(1, rows * k * dtype.itemsize)))
        self.count = -(-n // self.per)
        self.n, self.rows, self.k = n, rows, k
        self.transposed = transposed
        threads = min(parallel.kernel_threads(), self.count)
        pool = session_pool(ctx)
        shape = (g.kh, g.kw, c, self.per, g.oh, g.ow) if self.transposed else \
            (self.per, g.oh, g.ow, g.kh, g.kw, c)
        self.scratch = [pool.take(shape, dtype, (tag, self.transposed, i))
                        for i in range(max(1, threads))]
        self.threads = len(self.scratch)

    def span(self, i: int) -> tuple[int, int]:
        """The images ``[start, stop)`` of chunk ``i``."""
        s = i * self.per
        return s, min(self.n, s + self.per)

    def cols(self, worker: int, win: np.ndarray, s: int, e: int) -> np.ndarray:
        """im2col of images ``[s, e)`` into ``worker``'s scratch: ``[rows, K]``. ``win``
        is :func:`windows`' view, or :func:`planar_windows`' when ``transposed``."""
        if self.transposed:
            buf = self.scratch[worker][:, :, :, :e - s]
            np.copyto(buf, win[:, s:e].transpose(4, 5, 0, 1, 2, 3))
            return buf.reshape(self.k, (e - s) * self.rows).T
        buf = self.scratch[worker][:e - s]
        np.copyto(buf, win[s:e])
        return buf.reshape((e - s) * self.rows, self.k)


def _pointwise(g: Any) -> bool:
    """A 1x1 kernel, stride 1, no padding: the input itself is the im2col matrix."""
    return (g.kh == 1 and g.kw == 1 and g.sh == 1 and g.sw == 1 and not any(_pads(g)))


def conv_forward(ctx: Any, x: np.ndarray, w: np.ndarray, g: Any) -> np.ndarray:
    """NHWC convolution of ``x`` with ``[KH, KW, C, CO]`` filter ``w``: im2col + matmul,
    chunk by chunk over the batch (a 1x1 stride-1 kernel is one matmul, no copy)."""
    n, c = x.shape[0], x.shape[3]
    co = w.shape[3]
    dtype = np.result_type(x.dtype, w.dtype)
    out = output(ctx, (n * g.oh * g.ow, co), dtype)
    if out is None:
        out = np.empty((n * g.oh * g.ow, co), dtype)
    if conv_fourier.usable(g, c, co, dtype) and x.dtype == w.dtype:
        return conv_fourier.conv_forward(ctx, x, w, g, out.reshape(n, g.oh, g.ow, co))
    w2 = w.reshape(-1, co)
    if _pointwise(g):
        gemm.matmul(np.ascontiguousarray(x).reshape(-1, c), w2, out=out)
        return out.reshape(n, g.oh, g.ow, co)
    xp = padded(ctx, x, g, 0)
    single = c == 1     # 3 channels: 5.4 -> 6.6 ms (CIFAR conv1), kept gathered
    win = planar_windows(ctx, xp, g) if single else windows(xp, g)
    ch = _Chunks(ctx, n, g, c, x.dtype, "cols", transposed=single)

    def work(i: int, worker: int) -> None:
        s, e = ch.span(i)
        gemm.matmul(ch.cols(worker, win, s, e), w2, out=out[s * ch.rows:e * ch.rows])

    parallel.run(work, ch.count, ch.threads)
    return out.reshape(n, g.oh, g.ow, co)


def conv_filter_grad(ctx: Any, x: np.ndarray, dy: np.ndarray, g: Any,
                     sizes: tuple[int, int, int, int]) -> np.ndarray:
    """The filter gradient ``im2col(x).T @ dy`` shaped ``sizes`` (``[KH, KW, C, CO]``):
    per-chunk products summed in ``GRAD_GROUPS`` fixed groups, then over the groups."""
    n, c = x.shape[0], x.shape[3]
    co = sizes[3]
    if conv_fourier.usable(g, c, co, dy.dtype) and x.dtype == dy.dtype:
        return conv_fourier.conv_filter_grad(ctx, x, dy, g, sizes)
    dy2 = np.ascontiguousarray(dy).reshape(-1, co)
    if _pointwise(g):
        return gemm.matmul(np.ascontiguousarray(x).reshape(-1, c), dy2,
                           transpose_a=True).reshape(sizes)
    xp = padded(ctx, x, g, 0)
    planar = c <= PLANAR_MAX_C
    win = planar_windows(ctx, xp, g) if planar else windows(xp, g)
    ch = _Chunks(ctx, n, g, c, x.dtype, "cols", transposed=planar)
    # [K, rows] @ [rows, CO] with few K rows: ONNX Runtime all the same (measured 1.6-1.9x
    # NumPy's time at 9-25 rows: deep-MNIST conv1's 25 x 10192 x 32 0.11 against 0.19 ms)
    rows = 1 if planar else None
    groups = min(GRAD_GROUPS, ch.count)
    bounds = [ch.count * j // groups for j in range(groups + 1)]
    pool = session_pool(ctx)
    acc = pool.take((groups, ch.k, co), dy.dtype, "dw_acc")
    tmp = [pool.take((ch.k, co), dy.dtype, ("dw_tmp", i)) for i in range(ch.threads)]

    def work(j: int, worker: int) -> None:
        for i in range(bounds[j], bounds[j + 1]):
            s, e = ch.span(i)
            cols = ch.cols(worker, win, s, e)
            first = i == bounds[j]
            part = acc[j] if first else tmp[worker]
            gemm.matmul(cols, dy2[s * ch.rows:e * ch.rows], transpose_a=True, out=part,
                        min_rows=rows)
            if not first:
                np.add(acc[j], part, out=acc[j])

    parallel.run(work, groups, ch.threads)
    dw = np.array(acc[0])
    for j in range(1, groups):
        np.add(dw, acc[j], out=dw)
    return dw.reshape(sizes)


class _FullGeom:
    """The geometry of the stride-1 input gradient as a convolution of ``dy`` with the
    flipped filter: ``dy`` padded by ``extent - 1 - pad`` on each side."""

    def __init__(self, g: Any, h: int, w: int):
        pt, pb, pl, pr = _pads(g)
        eh, ew = (g.kh - 1) * g.dh + 1, (g.kw - 1) * g.dw + 1
        self.kh, self.kw, self.sh, self.sw, self.dh, self.dw = g.kh, g.kw, 1, 1, g.dh, g.dw
        self.oh, self.ow = h, w
        self.pads = ((0, 0), (eh - 1 - pt, eh - 1 - pb), (ew - 1 - pl, ew - 1 - pr), (0, 0))


def conv_input_grad(ctx: Any, dy: np.ndarray, w: np.ndarray, g: Any,
                    shape: tuple[int, int, int, int]) -> np.ndarray:
    """The input gradient for an NHWC input of ``shape``. Stride 1 and >= 16 input
    channels: a convolution of ``dy`` with the flipped, transposed filter (no scatter-adds;
    measured 1.4-2x less CPU than col2im on the deep-MNIST and CIFAR conv2; with few input
    channels its matrix product is too narrow and col2im wins). Otherwise col2im of
    ``dy @ w.T``, chunk by chunk over the batch, so each chunk's ``dcols`` stays in cache
    for its adds."""
    n, h, wd, c = shape
    kh, kw, _, co = w.shape
    dtype = dy.dtype
    if conv_fourier.usable(g, c, co, dtype) and w.dtype == dtype:
        out = output(ctx, shape, dtype)
        return conv_fourier.conv_input_grad(ctx, dy, w, g, np.empty(shape, dtype)
                                            if out is None else out)
    if g.sh == 1 and g.sw == 1 and c >= 16 and not _pointwise(g):
        wf = np.ascontiguousarray(w[::-1, ::-1].transpose(0, 1, 3, 2))
        return conv_forward(ctx, np.ascontiguousarray(dy), wf, _FullGeom(g, h, wd))
    dy2 = np.ascontiguousarray(dy).reshape(-1, co)
    wt = w.reshape(-1, co).T
    out = output(ctx, shape, dtype)
    if out is None:
        out = np.empty(shape, dtype)
    if _pointwise(g):
        gemm.matmul(dy2, wt, out=out.reshape(-1, c))
        return out
    pt, pb, pl, pr = _pads(g)
    padded_grad = bool(pt or pb or pl or pr)
    pool = session_pool(ctx)
    dxp = pool.take((n, h + pt + pb, wd + pl + pr, c), dtype, "col2im") if padded_grad \
        else out
    ch = _Chunks(ctx, n, g, c, dtype, "dcols")
    offs = g.offs

    def work(i: int, worker: int) -> None:
        s, e = ch.span(i)
        dcols = ch.scratch[worker][:e - s]
        gemm.matmul(dy2[s * ch.rows:e * ch.rows], wt,
                    out=dcols.reshape((e - s) * ch.rows, ch.k))
        part = dxp[s:e]
        part.fill(0)
        for a, b, sl in offs:
            sub = part[sl]
            np.add(sub, dcols[:, :, :, a, b, :], out=sub)
        if padded_grad:
            np.copyto(out[s:e], part[:, pt:pt + h, pl:pl + wd, :])

    parallel.run(work, ch.count, ch.threads)
    return out


__all__ = ["padded", "windows", "planar_windows", "im2col", "conv_forward",
           "conv_filter_grad", "conv_input_grad", "PLANAR_MAX_C"]
