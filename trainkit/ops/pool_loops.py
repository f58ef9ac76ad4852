"""2-D max and average pooling and their gradients as compiled loops (``ops/jit.py``),
the twins of the stride-plane NumPy kernels (``pool_planes.py``, ``pool_avg.py``).

The NumPy kernels split each chunk of images into stride planes and make ~50 contiguous
passes over them (fold, compare, claim, multiply, scatter, interleave). The loops here
make two passes per NHWC image, channels innermost (contiguous, vectorized): per output
row, each window's maximum and its first maximum (the *hit*, an int32 offset per window
and channel); then per input pixel, its gradient gathered from the windows that hold it.
Chunks of whole images run on the kernel threads (``ops.parallel``; the loops release
the GIL); each image is computed alone, so results do not depend on the chunking or the
thread count.

Bitwise the NumPy kernels' results (``tests/ops/test_pool_loops.py``), because every
value is made by the same IEEE operations in the same order:

- max: ``best = best if (best > v or best is NaN) else v`` folded over the window's real
  pixels in row-major order (``np.maximum``'s choice: the first NaN, else the last pixel
  equal to the maximum, which decides between +0 and -0). Padding holds the lowest value
  in the NumPy kernels, which that fold never keeps over a real pixel, so the loops skip
  it.
- max gradient: a window's hit is its first real pixel equal to the maximum, else offset
  0 (a NaN window; dropped when offset 0 is padding). A pixel's gradient is ``+0`` plus,
  in kernel-offset order, the ``dy`` of each window holding it at that offset if the
  pixel is the window's hit, else ``+0``. The NumPy kernels add ``+0`` or ``-0`` (a
  finite ``dy`` times a miss) for a miss and start the sum from the first term; a sum
  that starts from ``+0`` is never ``-0``, so a zero term changes no bit and both give
  the same sums (an inf or NaN ``dy`` so reaches only its hit, as in TF).
- average: ``+0`` plus the window's real pixels in offset order (padding adds ``+0``: no
  bit), divided by the count of real pixels; its gradient gathers ``dy / count`` of each
  window holding a pixel, in kernel-offset order, from ``+0``.

Measured on this project's shared 2-core machine (load 4-6 from other processes), CPU
ms per call, float32, relu-like inputs, both backends alternated in one process
(``jit.set_backend``), medians of 15; kernel threads 2:

=====================  ===========  ===========  ===========  ===========
input (NHWC), SAME     MaxPool      MaxPoolGrad  AvgPool      AvgPoolGrad
(NumPy / compiled)
=====================  ===========  ===========  ===========  ===========
[50,28,28,32] 2x2/2    0.40 / 0.30  1.10 / 0.61  0.52 / 0.34  0.53 / 0.47
[128,24,24,64] 3x3/2   2.56 / 1.46  8.80 / 4.56  3.16 / 1.25  3.13 / 1.88
[128,12,12,64] 3x3/2   0.93 / 0.30  2.36 / 0.73  0.75 / 0.27  0.71 / 0.36
=====================  ===========  ===========  ===========  ===========

and in the training steps (``python -m benchmarks.op_cores --only deep_mnist,cifar10
--steps 20``, three runs per backend alternated, medians of the runs' CPU ms):
CIFAR-10 MaxPoolGrad 12.3 -> 5.8, MaxPool 3.9 -> 1.8, the step 72.2 -> 63.4; deep-MNIST
(batch 50) MaxPoolGrad 2.7 -> 1.5, MaxPool 0.63 -> 0.50, the step 29.0 -> 25.1.
Much of what is left is memory: one thread, the CIFAR gradient's loop takes 4.5 ms on
its 19 MB ``x`` (read once; ``dx`` written once) and 2.9 ms on 2 images that stay in
cache, run 64 times. Windows of at most 3x3 whose pixels lie in at most two windows per
axis (CIFAR's 3x3/2) now take ``pool_small_windows.max_pool_grad_small`` instead (folds
in registers; CIFAR 4.6 -> 2.9 ms, one thread).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.ops import jit, parallel, pool_small_windows
from trainkit.ops.buffer_pool import output

#: images per chunk: about this many input bytes (a chunk is one compiled call; more
#: chunks than threads let a free thread take over from one whose core is busy)
CHUNK_BYTES = 1 << 19
#: the dtypes the loops are compiled for (others take the NumPy kernels)
DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


# The loops take whole 4-D NHWC arrays and an image range [n0, n1); geometry: kernel
# (kh, kw), strides (sh, sw), padding before (pt, pl). Window (a, b) reads input pixel
# (a*sh - pt + i, b*sw - pl + j) at kernel offset (i, j); pixels outside the input are
# padding. The window passes walk one output row at a time, kernel row by kernel row, and
# in each the windows left to right, each over its offsets j: every window sees its
# offsets in row-major order, and the input is read nearly sequentially, which the
# hardware prefetchers stream (CIFAR's 3x3/2 pool of 19 MB: 1.2 ms against 1.8 ms
# offset-major, whose stride-2 reads are not prefetched; a backward walk: 1.6x slower).
# The gradient passes gather per input row in offset order (see the module doc).


@jit.loop
def max_pool_loop(x, out, n0, n1, kh, kw, sh, sw, pt, pl, low):  # noqa: ANN001, ANN201
    """out[m, a, b] = the row-major ``np.maximum`` fold of window (a, b) of image m."""
    h, w, c = x.shape[1], x.shape[2], x.shape[3]
    oh, ow = out.shape[1], out.shape[2]
    for m in range(n0, n1):
        for a in range(oh):
            r0 = a * sh - pt
            for b in range(ow):
                for ch in range(c):
                    out[m, a, b, ch] = low
            for i in range(max(0, -r0), min(kh, h - r0)):
                for b in range(ow):
                    c0 = b * sw - pl
                    for j in range(max(0, -c0), min(kw, w - c0)):
                        for ch in range(c):
                            bv = out[m, a, b, ch]
                            v = x[m, r0 + i, c0 + j, ch]
                            out[m, a, b, ch] = bv if (bv > v) | (bv != bv) else v


@jit.loop
def max_pool_grad_loop(x, dy, dx, n0, n1, kh, kw, sh, sw, pt, pl, low, zero,  # noqa: ANN001
                       best, hits):  # noqa: ANN001, ANN201
    """dx[m] = per pixel, +0 plus the dy of each window whose first maximum it is, in
    kernel-offset order. Scratch: ``best`` ``[ow, C]`` (x's dtype), ``hits`` ``[oh, ow,
    C]`` int32 (each window's hit offset)."""
    h, w, c = x.shape[1], x.shape[2], x.shape[3]
    oh, ow = dy.shape[1], dy.shape[2]
    zero_k = np.int32(0)
    for m in range(n0, n1):
        for a in range(oh):
            r0 = a * sh - pt
            i0, i1 = max(0, -r0), min(kh, h - r0)
            for b in range(ow):
                for ch in range(c):
                    best[b, ch] = low
                    hits[a, b, ch] = -1
            for i in range(i0, i1):
                for b in range(ow):
                    c0 = b * sw - pl
                    for j in range(max(0, -c0), min(kw, w - c0)):
                        k = np.int32(i * kw + j)
                        for ch in range(c):
                            # the first pixel equal to the maximum so far: a larger one
                            # takes over, an equal one only the first time (best starts
                            # at -inf, and may be -inf); a NaN maximum claims offset 0
                            bv = best[b, ch]
                            v = x[m, r0 + i, c0 + j, ch]
                            hv = hits[a, b, ch]
                            nan = bv != bv
                            hits[a, b, ch] = hv if nan else (
                                zero_k if v != v else
                                (k if (v > bv) | ((v == bv) & (hv < zero_k)) else hv))
                            best[b, ch] = bv if (bv > v) | nan else v
        for r in range(h):
            for q in range(w):
                for ch in range(c):
                    dx[m, r, q, ch] = zero
            for i in range(kh):                     # offsets in order: pixel sums in order
                t = r + pt - i
                a = t // sh
                if t < 0 or a * sh != t or a >= oh:
                    continue
                for j in range(kw):
                    k = np.int32(i * kw + j)
                    b0, b1 = max(0, -((j - pl) // sw)), min(ow, (w - 1 - j + pl) // sw + 1)
                    for b in range(b0, b1):   # the windows whose column j is real
                        q = b * sw + j - pl
                        for ch in range(c):     # + 0 for a miss: no bit of a sum from +0
                            dx[m, r, q, ch] = dx[m, r, q, ch] + (
                                dy[m, a, b, ch] if hits[a, b, ch] == k else zero)


@jit.loop
def max_pool_grad_tiles(x, dy, dx, n0, n1, kh, kw, pt, pl, low, zero, one, relu,  # noqa: ANN001
                        best, hits):  # noqa: ANN001, ANN201
    """``max_pool_grad_loop`` for windows that tile the image (kernel = stride): each
    pixel lies in at most one window, so its gradient is ``+0 + dy`` at the window's hit
    and ``+0`` elsewhere, written once. Per output row, the windows' fold runs over the
    whole row at each offset (``[OW * C]`` contiguous state, vectorized), then each
    offset's pixels are written. With ``relu``, also ``ReluGrad`` by ``x`` itself: each
    value times ``one`` where ``x > 0``, else ``zero`` (the product the ``ReluGrad``
    kernel makes). Scratch: ``best`` ``[OW * C]`` (x's dtype), ``hits`` ``[OW * C]``
    int32."""
    h, w, c = x.shape[1], x.shape[2], x.shape[3]
    oh, ow = dy.shape[1], dy.shape[2]
    zero_k = np.int32(0)
    r_end, q_end = min(h, oh * kh - pt), min(w, ow * kw - pl)
    for m in range(n0, n1):
        for a in range(oh):
            r0 = a * kh - pt
            d = dy[m, a]
            for t in range(ow * c):
                best[t] = low
                hits[t] = -1
            for i in range(max(0, -r0), min(kh, h - r0)):
                row = x[m, r0 + i]
                for j in range(kw):
                    k = np.int32(i * kw + j)
                    b0, b1 = max(0, -((j - pl) // kw)), min(ow, (w - 1 - j + pl) // kw + 1)
                    for bb in range(b1 - b0):   # the same fold as max_pool_grad_loop's
                        b = bb + b0             # (a range from 0: vectorized, 6x faster)
                        q = b * kw + j - pl
                        for ch in range(c):
                            t = b * c + ch
                            bv = best[t]
                            v = row[q, ch]
                            hv = hits[t]
                            nan = bv != bv
                            hits[t] = hv if nan else (
                                zero_k if v != v else
                                (k if (v > bv) | ((v == bv) & (hv < zero_k)) else hv))
                            best[t] = bv if (bv > v) | nan else v
            for i in range(max(0, -r0), min(kh, h - r0)):
                row, out = x[m, r0 + i], dx[m, r0 + i]
                for j in range(kw):
                    k = np.int32(i * kw + j)
                    b0, b1 = max(0, -((j - pl) // kw)), min(ow, (w - 1 - j + pl) // kw + 1)
                    for bb in range(b1 - b0):
                        b = bb + b0
                        q = b * kw + j - pl
                        for ch in range(c):
                            g = zero + d[b, ch] if hits[b * c + ch] == k else zero
                            if relu:
                                g = g * (one if row[q, ch] > zero else zero)
                            out[q, ch] = g
        for r in range(h):      # pixels no window holds (VALID's leftover rows, columns)
            for q in range(w):
                if r >= r_end or q >= q_end:
                    for ch in range(c):
                        dx[m, r, q, ch] = zero


@jit.loop
def avg_pool_loop(x, out, counts, n0, n1, kh, kw, sh, sw, pt, pl, zero):  # noqa: ANN001
    """out[m, a, b] = (+0 + the window's real pixels in offset order) / counts[a, b]."""
    h, w, c = x.shape[1], x.shape[2], x.shape[3]
    oh, ow = out.shape[1], out.shape[2]
    for m in range(n0, n1):
        for a in range(oh):
            r0 = a * sh - pt
            for b in range(ow):
                for ch in range(c):
                    out[m, a, b, ch] = zero
            for i in range(max(0, -r0), min(kh, h - r0)):
                for b in range(ow):
                    c0 = b * sw - pl
                    for j in range(max(0, -c0), min(kw, w - c0)):
                        for ch in range(c):
                            out[m, a, b, ch] = out[m, a, b, ch] + x[m, r0 + i, c0 + j, ch]
            for b in range(ow):
                cnt = counts[a, b]
                for ch in range(c):
                    out[m, a, b, ch] = out[m, a, b, ch] / cnt


@jit.loop
def avg_pool_grad_loop(dy, dx, counts, n0, n1, kh, kw, sh, sw, pt, pl, zero,  # noqa: ANN001
                       share):  # noqa: ANN001, ANN201
    """dx[m] = per pixel, +0 plus dy / counts of each window holding it, in kernel-offset
    order; ``share`` is ``[oh, ow, C]`` scratch in dy's dtype."""
    h, w, c = dx.shape[1], dx.shape[2], dx.shape[3]
    oh, ow = dy.shape[1], dy.shape[2]
    for m in range(n0, n1):
        for a in range(oh):
            for b in range(ow):
                cnt = counts[a, b]
                for ch in range(c):
                    share[a, b, ch] = dy[m, a, b, ch] / cnt
        for r in range(h):
            for q in range(w):
                for ch in range(c):
                    dx[m, r, q, ch] = zero
            for i in range(kh):
                t = r + pt - i
                a = t // sh
                if t < 0 or a * sh != t or a >= oh:
                    continue
                for j in range(kw):
                    b0, b1 = max(0, -((j - pl) // sw)), min(ow, (w - 1 - j + pl) // sw + 1)
                    for b in range(b0, b1):   # the windows whose column j is real
                        q = b * sw + j - pl
                        for ch in range(c):
                            dx[m, r, q, ch] = dx[m, r, q, ch] + share[a, b, ch]


def usable(*arrays: np.ndarray) -> bool:
    """Whether the compiled loops run for these arrays: the backend is on and every
    array is float32 or float64."""
    return all(a.dtype in DTYPES for a in arrays) and jit.enabled()


def _geometry(g: Any) -> tuple[int, int, int, int, int, int]:
    (_, _), (pt, _), (pl, _), _ = g.pads
    return g.kh, g.kw, g.sh, g.sw, pt, pl


def _chunked(ctx: Any, loop: jit.Loop, shape: tuple, dtype: np.dtype, n: int,
             image_bytes: int, call: Any) -> np.ndarray:
    """The result (``shape``, from the session's buffer pool when it has one) of
    ``call(out, n0, n1, worker)`` run over chunks of the ``n`` images."""
    out = output(ctx, tuple(shape), dtype)
    if out is None:
        out = np.empty(shape, dtype)
    per = max(1, CHUNK_BYTES // max(1, image_bytes))
    chunks = -(-n // per)
    threads = max(1, min(parallel.kernel_threads(), chunks))
    if threads == 1:
        if n:
            call(out, 0, n, 0)
        return out

    def work(i: int, worker: int) -> None:
        call(out, i * per, min(n, i * per + per), worker)

    parallel.run(work, chunks, threads, key=(loop, shape))
    return out


def max_pool(ctx: Any, x: np.ndarray, g: Any, low: Any) -> np.ndarray:
    """``MaxPool`` of float NHWC ``x`` (``pool_planes.max_pool``'s twin)."""
    x = np.ascontiguousarray(x)
    n, _, _, c = x.shape
    geo = _geometry(g)
    lo = x.dtype.type(low)

    def call(out: np.ndarray, n0: int, n1: int, worker: int) -> None:
        max_pool_loop(x, out, n0, n1, *geo, lo)

    return _chunked(ctx, max_pool_loop, (n, g.oh, g.ow, c), x.dtype, n,
                    x[:1].nbytes, call)


def tiles(g: Any) -> bool:
    """Whether the pooling windows of geometry ``g`` tile the image (kernel = stride):
    no pixel lies in two windows."""
    return g.kh == g.sh and g.kw == g.sw


def max_pool_grad(ctx: Any, x: np.ndarray, dy: np.ndarray, g: Any, relu: bool = False
                  ) -> np.ndarray:
    """``MaxPoolGrad`` of float NHWC ``x`` and ``dy`` (``pool_planes.max_pool_grad``'s
    twin); with ``relu`` (only for windows that tile, :func:`tiles`, or that
    ``pool_small_windows.fits``), ``ReluGrad`` of that by ``x`` too, in the same pass."""
    x, dy = np.ascontiguousarray(x), np.ascontiguousarray(dy)
    c = x.shape[3]
    geo = _geometry(g)
    lo, zero = x.dtype.type(-np.inf), dy.dtype.type(0)
    if relu and not (tiles(g) or pool_small_windows.fits(g)):
        raise ValueError("max_pool_grad(relu=True) needs windows that tile the image or "
                         "fit pool_small_windows")
    if tiles(g):
        kh, kw, _, _, pt, pl = geo
        one = dy.dtype.type(1)
        scratch1 = [(np.empty(g.ow * c, x.dtype), np.empty(g.ow * c, np.int32))
                    for _ in range(max(1, parallel.kernel_threads()))]

        def tile_call(out: np.ndarray, n0: int, n1: int, worker: int) -> None:
            best, hits = scratch1[worker]
            max_pool_grad_tiles(x, dy, out, n0, n1, kh, kw, pt, pl, lo, zero, one, relu,
                                best, hits)

        return _chunked(ctx, max_pool_grad_tiles, x.shape, dy.dtype, x.shape[0],
                        x[:1].nbytes, tile_call)
    workers = range(max(1, parallel.kernel_threads()))
    if pool_small_windows.fits(g):
        return _small_windows_grad(ctx, x, dy, g, zero, relu, workers)
    scratch = [(np.empty((g.ow, c), x.dtype), np.empty((g.oh, g.ow, c), np.int32))
               for _ in workers]

    def call(out: np.ndarray, n0: int, n1: int, worker: int) -> None:
        best, hits = scratch[worker]
        max_pool_grad_loop(x, dy, out, n0, n1, *geo, lo, zero, best, hits)

    return _chunked(ctx, max_pool_grad_loop, x.shape, dy.dtype, x.shape[0],
                    x[:1].nbytes, call)


def _small_windows_grad(ctx: Any, x: np.ndarray, dy: np.ndarray, g: Any, zero: Any,
                        relu: bool, workers: range) -> np.ndarray:
    """``MaxPoolGrad`` (and with ``relu`` the ``ReluGrad`` by ``x`` of it) by
    ``pool_small_windows.max_pool_grad_small`` (its windows fit)."""
    n, h, w, c = x.shape
    kh, kw, sh, sw, pt, pl = _geometry(g)
    loop = pool_small_windows.max_pool_grad_small
    rows = pool_small_windows.holders(h, kh, sh, pt, g.oh)
    cols = pool_small_windows.holders(w, kw, sw, pl, g.ow)
    flat = x.reshape(n, h * w * c)
    line = max(1, 64 // x.dtype.itemsize)
    scratch = [(np.empty((g.oh, g.ow, c), np.int32), np.empty(1, x.dtype)) for _ in workers]

    def call(out: np.ndarray, n0: int, n1: int, worker: int) -> None:
        hits, sink = scratch[worker]
        loop(x, flat, dy, out, n0, n1, kh, kw, sh, sw, pt, pl, zero, dy.dtype.type(1), relu,
             rows, cols, line, hits, sink)

    return _chunked(ctx, loop, x.shape, dy.dtype, n, x[:1].nbytes, call)


def avg_pool(ctx: Any, x: np.ndarray, g: Any, counts: np.ndarray) -> np.ndarray:
    """``AvgPool`` of float NHWC ``x``; ``counts`` is ``[oh, ow, 1]`` in ``x``'s dtype
    (``pool_avg.avg_pool``'s twin)."""
    x = np.ascontiguousarray(x)
    n, _, _, c = x.shape
    geo = _geometry(g)
    cnt = np.ascontiguousarray(counts[:, :, 0])
    zero = x.dtype.type(0)

    def call(out: np.ndarray, n0: int, n1: int, worker: int) -> None:
        avg_pool_loop(x, out, cnt, n0, n1, *geo, zero)

    return _chunked(ctx, avg_pool_loop, (n, g.oh, g.ow, c), x.dtype, n, x[:1].nbytes,
                    call)


def avg_pool_grad(ctx: Any, dy: np.ndarray, g: Any, shape: tuple,
                  counts: np.ndarray) -> np.ndarray:
    """``AvgPoolGrad`` for an NHWC input of ``shape`` from float ``dy``; ``counts`` is
    ``[oh, ow, 1]`` in ``dy``'s dtype (``pool_avg.avg_pool_grad``'s twin)."""
    dy = np.ascontiguousarray(dy)
    c = shape[3]
    geo = _geometry(g)
    cnt = np.ascontiguousarray(counts[:, :, 0])
    zero = dy.dtype.type(0)
    scratch = [np.empty((g.oh, g.ow, c), dy.dtype)
               for _ in range(max(1, parallel.kernel_threads()))]

    def call(out: np.ndarray, n0: int, n1: int, worker: int) -> None:
        avg_pool_grad_loop(dy, out, cnt, n0, n1, *geo, zero, scratch[worker])

    image = dy.dtype.itemsize * int(np.prod(shape[1:]))
    return _chunked(ctx, avg_pool_grad_loop, tuple(shape), dy.dtype, shape[0], image, call)


__all__ = ["max_pool_loop", "max_pool_grad_loop", "max_pool_grad_tiles", "tiles",
           "avg_pool_loop", "avg_pool_grad_loop",
           "usable", "max_pool", "max_pool_grad", "avg_pool", "avg_pool_grad",
           "CHUNK_BYTES", "DTYPES"]
