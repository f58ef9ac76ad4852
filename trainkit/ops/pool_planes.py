"""The array work of the 2-D pooling kernels, on stride planes.

A pool with strides ``(sh, sw)`` reads padded-input pixel ``(a*sh + i, b*sw + j)`` for
window ``(a, b)`` and kernel offset ``(i, j)``. Split the padded input into its
``sh * sw`` *stride planes* ``P[r, q](u, v) = xp(u*sh + r, v*sw + q)`` (one strided copy
of the input per chunk); then offset ``(i, j)`` of every window is plane
``(i % sh, j % sw)`` shifted by ``(i // sh, j // sw)`` cells, which in the planes' flat
``[images, ph, pw, C]`` layout is one contiguous slice. So every per-offset pass of a
pool or its gradient is a 1-D contiguous NumPy operation (here ~3x faster per element
than the same operation on the strided window views in NHWC, whose inner loops run over
``C`` elements). Window ``(a, b)`` lives at cell ``(a, b)`` of that layout; the cells
with ``a >= oh`` or ``b >= ow`` are junk that nothing reads back, plane cells outside the
input (padding, rows past the input) hold a *sentinel*.

Results are bitwise those of the straightforward per-offset formulation (and of the
previous implementation):

- max: ``np.maximum`` keeps its first argument when it is NaN, else the second unless
  the first is larger, so a fold over the window in row-major order gives the first NaN,
  else the last element equal to the maximum (``+0``/``-0`` ties). Folding each window
  row first and then the rows in order gives the same element, so the max is separable
  (``min(sh, kh) * (kw - 1) + kh - 1`` passes instead of ``kh * kw - 1``). The sentinel
  is the dtype's lowest value, which never changes a maximum.
- max gradient: ``dy`` goes to each window's first real pixel equal to its maximum in
  row-major order (to offset 0 if none, a NaN window; dropped when offset 0 is padding);
  per input pixel the contributions (``dy`` at a hit, ``+0`` elsewhere: ``dy * hit`` for
  a finite ``dy``, selected for an inf or NaN one, so it never spreads to other pixels,
  as in TF) of all offsets are summed in offset order starting from ``+0``. While hits
  are looked for the sentinel is NaN, so padding never matches (also for windows whose
  maximum is ``-inf``); contributions that land on padding cells are dropped with them.
- average (``pool_avg``): ``0 + x_0 + x_1 + ...`` in offset order (padding adds ``+0``),
  divided by the number of real pixels; its gradient adds ``dy / count`` per offset in
  offset order. ``MaxPoolGradGrad`` is ``pool_gradgrad``.

Max pools whose windows do not overlap (``k <= s``) read each pixel once anyway: their
forward folds clipped strided views of ``x`` directly instead of splitting it.

Chunks of whole images run on the kernel threads (``ops.parallel``), so results do not
depend on the thread count. With the compiled loops on (``ops/jit.py``), float32/64 max
pools and their gradients run ``pool_loops`` instead: the same bits, about half the CPU.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from trainkit.ops import parallel, pool_loops
from trainkit.ops.buffer_pool import output, session_pool

#: bytes of input per chunk of images (~50 NumPy calls per chunk: smaller chunks pay
#: the per-call overhead, larger ones fall out of the core's cache)
CHUNK_BYTES = 1 << 20


class Planes:
    """Where the stride planes of one pool geometry read and write.

    Attributes:
        ph, pw: cells per plane (``oh + (kh-1)//sh`` by ``ow + (kw-1)//sw``).
        count: number of planes (``sh * sw``).
        offs: per kernel offset in row-major order, ``(plane, shift)`` with ``shift`` in
            cells of the flat ``[ph, pw]`` layout.
        tail: cells at the end of the layout that no valid window's offset reaches past
            (the flat passes run over ``cells - tail``).
        inner: per plane, ``(plane_slice, input_slice)`` of the cells that hold input.
        borders: per plane, the slices of the cells that do not.
        first: per plane, the index of its first offset (shift 0), or None.
        leftover: slices of the input that no plane cell holds (VALID rows and columns
            past the last window: their gradient is 0).
        whole: ``(h // sh, w // sw)`` when the input splits into whole stride cells that
            all lie in the planes (no padding before, sizes multiples of the strides):
            then the split and its inverse are each one NumPy call over a 6-D view
            (about half the CPU of one call per plane); else None.
        rows, separable: the plane rows ``i % sh`` windows use, and whether folding
            window rows first saves passes.
        clipped: per offset, the windows and input pixels it reads without padding (the
            direct path of non-overlapping max pools).
        has_borders: whether any plane cell lies outside the input.
    """

    def __init__(self, h: int, w: int, kh: int, kw: int, sh: int, sw: int,
                 pt: int, pl: int, oh: int, ow: int) -> None:
        self.kh, self.kw, self.sh, self.sw, self.oh, self.ow = kh, kw, sh, sw, oh, ow
        self.clipped = _clipped(h, w, kh, kw, sh, sw, pt, pl, oh, ow)
        self.ph = oh + (kh - 1) // sh
        self.pw = ow + (kw - 1) // sw
        self.count = sh * sw
        self.offs = tuple(((i % sh) * sw + j % sw, (i // sh) * self.pw + j // sw)
                          for i in range(kh) for j in range(kw))
        self.tail = ((kh - 1) // sh) * self.pw + (kw - 1) // sw
        inner, borders = [], []
        for r in range(sh):
            for q in range(sw):
                u0, u1 = _axis(h, self.ph, sh, r, pt)
                v0, v1 = _axis(w, self.pw, sw, q, pl)
                inner.append(((slice(None), slice(u0, u1), slice(v0, v1)),
                              (slice(None), slice(u0 * sh + r - pt, (u1 - 1) * sh + r - pt + 1
                                                  if u1 > u0 else 0, sh),
                               slice(v0 * sw + q - pl, (v1 - 1) * sw + q - pl + 1
                                     if v1 > v0 else 0, sw))))
                b = [(slice(None), slice(0, u0)), (slice(None), slice(u1, self.ph)),
                     (slice(None), slice(u0, u1), slice(0, v0)),
                     (slice(None), slice(u0, u1), slice(v1, self.pw))]
                borders.append(tuple(s for s in b if _nonempty(s, self.ph, self.pw)))
        self.inner, self.borders = tuple(inner), tuple(borders)
        first: list = [None] * self.count
        for k, (p, _) in enumerate(self.offs):
            if first[p] is None:
                first[p] = k
        self.first = tuple(first)
        self.rows = tuple(sorted({i % sh for i in range(kh)}))
        #: whether folding window rows first saves passes (see _window_max)
        self.separable = kh > 1 and len(self.rows) * (kw - 1) + kh - 1 < kh * kw - 1
        self.has_borders = any(self.borders)
        #: every plane's non-input cells are the same slices (set in one call per slice)
        self.shared_borders = all(b == self.borders[0] for b in self.borders)
        r_end, c_end = max(0, self.ph * sh - pt), max(0, self.pw * sw - pl)
        hq, wq = h // sh, w // sw
        self.whole = (hq, wq) if (pt == 0 and pl == 0 and hq * sh == h and wq * sw == w
                                  and hq <= self.ph and wq <= self.pw) else None
        self.leftover = tuple(sl for sl, size, end in (
            ((slice(None), slice(r_end, None)), h, r_end),
            ((slice(None), slice(None), slice(c_end, None)), w, c_end)) if end < size)


def _clipped(h: int, w: int, kh: int, kw: int, sh: int, sw: int, pt: int, pl: int,
             oh: int, ow: int) -> tuple:
    """Per kernel offset (row-major) that reads any input pixel: ``(out_slices,
    in_slices, whole)`` -- the windows whose offset lies in the input, the input pixels
    they read there, and whether that is every window."""
    def span(size: int, o: int, s: int, off: int, before: int) -> tuple[int, int, int]:
        a0 = max(0, -(-(before - off) // s))
        a1 = max(a0, min(o, (size - 1 - off + before) // s + 1))
        return a0, a1, a0 * s + off - before

    res = []
    for i in range(kh):
        for j in range(kw):
            a0, a1, r0 = span(h, oh, sh, i, pt)
            b0, b1, c0 = span(w, ow, sw, j, pl)
            if a1 > a0 and b1 > b0:
                res.append(((slice(None), slice(a0, a1), slice(b0, b1)),
                            (slice(None), slice(r0, r0 + (a1 - a0 - 1) * sh + 1, sh),
                             slice(c0, c0 + (b1 - b0 - 1) * sw + 1, sw)),
                            a0 == 0 and b0 == 0 and a1 == oh and b1 == ow))
    return tuple(res)


def _clipped_max(pl: Planes, xs: np.ndarray, best: np.ndarray, low: Any) -> None:
    """``best`` = each window's maximum read straight from chunk ``xs`` (row-major fold;
    windows that start in padding start from ``low``): for windows that do not overlap
    (each pixel read once) cheaper than splitting into planes."""
    clip = pl.clipped
    if clip and clip[0][2]:
        np.copyto(best, xs[clip[0][1]])
        clip = clip[1:]
    else:
        best.fill(low)
    for osl, isl, _ in clip:
        sub = best[osl]
        np.maximum(sub, xs[isl], out=sub)


def _axis(size: int, cells: int, s: int, r: int, before: int) -> tuple[int, int]:
    """Cells ``[u0, u1)`` of a plane with phase ``r`` whose input position
    ``u*s + r - before`` lies in ``[0, size)``."""
    u0 = max(0, -(-(before - r) // s))
    last = size - 1 + before - r
    u1 = min(cells, last // s + 1) if last >= 0 else 0
    return u0, max(u0, u1)


def _nonempty(sl: tuple, ph: int, pw: int) -> bool:
    rows = range(ph)[sl[1]]
    cols = range(pw)[sl[2]] if len(sl) > 2 else range(pw)
    return len(rows) > 0 and len(cols) > 0


@lru_cache(maxsize=64)
def planes_of(h: int, w: int, kh: int, kw: int, sh: int, sw: int, pt: int, pl: int,
              oh: int, ow: int) -> Planes:
    """The (cached) :class:`Planes` of a pool geometry."""
    return Planes(h, w, kh, kw, sh, sw, pt, pl, oh, ow)


def chunking(n: int, image_bytes: int) -> tuple[int, int]:
    """Images per chunk and number of chunks, for ``n`` images of ``image_bytes``."""
    per = max(1, min(n, CHUNK_BYTES // max(1, image_bytes)))
    return per, -(-n // per)


def kernel_setup(ctx: Any, out_shape: tuple, out_dtype: np.dtype, in_shape: tuple,
                 in_itemsize: int) -> tuple[np.ndarray, int, int, int]:
    """A pooling kernel's output (from the session's buffer pool when it has one) and its
    chunking over the images of an NHWC input of ``in_shape``: ``(out, images per
    chunk, chunks, threads)``."""
    out_shape = tuple(out_shape)
    out = output(ctx, out_shape, out_dtype)
    if out is None:
        out = np.empty(out_shape, out_dtype)
    per, count = chunking(in_shape[0], in_itemsize * int(np.prod(in_shape[1:])))
    return out, per, count, max(1, min(parallel.kernel_threads(), count))


def fill_planes(pl: Planes, P: np.ndarray, xs: np.ndarray, fill: Any) -> None:
    """Copies chunk ``xs`` into its planes ``P`` (``[count, m, ph, pw, C]``) and sets
    their non-input cells to ``fill``."""
    if pl.whole is not None:
        m, c = xs.shape[0], xs.shape[3]
        (hq, wq), sh, sw = pl.whole, pl.sh, pl.sw
        np.copyto(P.reshape(sh, sw, m, pl.ph, pl.pw, c)[:, :, :, :hq, :wq],
                  xs.reshape(m, hq, sh, wq, sw, c).transpose(2, 4, 0, 1, 3, 5))
    else:
        for p, (psl, isl) in enumerate(pl.inner):
            dst = P[p][psl]
            if dst.size:
                np.copyto(dst, xs[isl])
    if pl.has_borders:
        set_borders(pl, P, fill)


def set_borders(pl: Planes, P: np.ndarray, fill: Any) -> None:
    """Sets the planes' cells outside the input to ``fill``: one assignment per border
    slice when all planes share them (CIFAR's 3x3/2 pool, per 1 MiB chunk: 5.4 us
    against 8.4 for the eight per-plane assignments; the chunk's whole split is ~90)."""
    fill = P.dtype.type(fill)
    if pl.shared_borders:
        for sl in pl.borders[0]:
            P[(slice(None),) + sl] = fill
        return
    for p, slices in enumerate(pl.borders):
        for sl in slices:
            P[p][sl] = fill


def _window_max(pl: Planes, flat: np.ndarray, rows: np.ndarray, best: np.ndarray,
                c: int) -> None:
    """``best`` (the first ``n`` cells * ``c``) = each window's maximum, each window row
    folded first, then the rows in order (see module doc); ``flat`` is the planes as
    ``[count, cells * c]``, ``rows`` scratch ``[len(pl.rows), cells * c]``."""
    n = best.shape[0]
    kh, kw, sh, sw, pw = pl.kh, pl.kw, pl.sh, pl.sw, pl.pw
    cut = flat.shape[1] - ((kw - 1) // sw) * c   # row maxima are read up to here

    def row_parts(r: int, length: int) -> list:
        return [flat[r * sw + j % sw, (j // sw) * c:(j // sw) * c + length]
                for j in range(kw)]

    if kh == 1:
        _fold(row_parts(0, n), best)
        return
    if not pl.separable:   # (then ``rows`` may be None)
        _fold([flat[p, sft * c:sft * c + n] for p, sft in pl.offs], best)
        return
    row_of = {}
    for idx, r in enumerate(pl.rows):
        parts = row_parts(r, cut)
        row_of[r] = parts[0] if len(parts) == 1 else _fold(parts, rows[idx, :cut])
    _fold([row_of[i % sh][(i // sh) * pw * c:(i // sh) * pw * c + n] for i in range(kh)],
          best)


def _fold(parts: list, out: np.ndarray) -> np.ndarray:
    """``out`` = ``maximum`` folded over ``parts`` in order."""
    if len(parts) == 1:
        np.copyto(out, parts[0])
        return out
    np.maximum(parts[0], parts[1], out=out)
    for a in parts[2:]:
        np.maximum(out, a, out=out)
    return out


def scratch_buffers(ctx: Any, tag: str, threads: int, specs: list) -> list:
    """Per worker, recycled buffers for ``specs`` ``(name, shape, dtype, fill)`` (None
    for a spec whose shape is None)."""
    pool = session_pool(ctx)
    return [[None if shape is None else pool.take(shape, dt, (tag, name, i), fill=fill)
             for name, shape, dt, fill in specs] for i in range(threads)]


def max_pool(ctx: Any, x: np.ndarray, g: Any, low: Any) -> np.ndarray:
    """``MaxPool`` of NHWC ``x`` (padding reads ``low``, the dtype's lowest value).
    Windows that overlap go through the planes; others read ``x`` directly (float32/64
    with the compiled loops on: ``pool_loops``)."""
    if pool_loops.usable(x):
        return pool_loops.max_pool(ctx, x, g, low)
    pl = plane_geometry(x.shape, g)
    n_img, _, _, c = x.shape
    shape = (n_img, g.oh, g.ow, c)
    out, per, count, threads = kernel_setup(ctx, shape, x.dtype, x.shape, x.itemsize)
    cells = pl.ph * pl.pw
    direct = pl.kh <= pl.sh and pl.kw <= pl.sw
    scratch = [] if direct else scratch_buffers(ctx, "maxpool", threads, [
        ("planes", (pl.count, per, pl.ph, pl.pw, c), x.dtype, None),
        ("rows", (len(pl.rows), per * cells * c) if pl.separable else None, x.dtype, None),
        ("best", (per * cells * c,), x.dtype, None)])

    def work(i: int, worker: int) -> None:
        s, e = i * per, min(n_img, i * per + per)
        if direct:
            _clipped_max(pl, x[s:e], out[s:e], low)
            return
        m = e - s
        P, rows, best = scratch[worker]
        P = P[:, :m]
        fill_planes(pl, P, x[s:e], low)
        size = m * cells * c
        b = best[:size - pl.tail * c]
        _window_max(pl, P.reshape(pl.count, size), None if rows is None else rows[:, :size],
                    b, c)
        np.copyto(out[s:e], best[:size].reshape(m, pl.ph, pl.pw, c)[:, :g.oh, :g.ow])

    parallel.run(work, count, threads)
    return out


def window_values(v: np.ndarray, scratch: np.ndarray, pl: Planes, g: Any,
                  n: int) -> np.ndarray:
    """Per-window values ``v`` (``[m, oh, ow, C]``) as the first ``n`` elements of the flat
    ``[m, ph, pw, C]`` layout: ``v`` itself when that is its layout, else copied into
    ``scratch``'s cells, whose junk cells must hold 0 (a buffer taken with ``fill=0``
    and a tag naming ``oh, ow``: only those cells are ever written)."""
    if pl.ph == g.oh and pl.pw == g.ow:
        return v.reshape(-1)[:n]
    sp = scratch[:v.shape[0]]
    np.copyto(sp[:, :g.oh, :g.ow], v)
    return sp.reshape(-1)[:n]


def scatter(pl: Planes, acc: np.ndarray, part: np.ndarray, n: int, size: int, c: int,
            term: Any) -> None:
    """Sums per-window contributions into the planes' cells, offset by offset in kernel
    order: ``term(j, into)`` returns offset ``j``'s contributions (``n`` values, written
    into ``into`` or any array), added at the offset's shift into ``acc[plane]``
    (``[count, >= size]``). The first offset of a plane writes, the rest add."""
    for j, (p, sft) in enumerate(pl.offs):
        if pl.first[p] == j:
            dst = acc[p, :n]
            v = term(j, dst)
            if v is not dst:
                np.copyto(dst, v)
            acc[p, n:size].fill(0)
        else:
            q = acc[p, sft * c:sft * c + n]
            np.add(q, term(j, None if part is None else part[:n]), out=q)


def interleave(pl: Planes, acc: np.ndarray, xo: np.ndarray, size: int, c: int) -> None:
    """Writes the planes' input cells of ``acc`` back into NHWC ``xo`` (+ 0: the sums
    start from +0, as accumulating into zeros would); pixels no window reads get 0."""
    m = xo.shape[0]
    zero = xo.dtype.type(0)
    if pl.whole is not None and None not in pl.first:
        (hq, wq), sh, sw = pl.whole, pl.sh, pl.sw
        np.add(acc[:, :size].reshape(sh, sw, m, pl.ph, pl.pw, c)[:, :, :, :hq, :wq]
               .transpose(2, 3, 0, 4, 1, 5), zero, out=xo.reshape(m, hq, sh, wq, sw, c))
        return
    for sl in pl.leftover:
        xo[sl] = 0
    for p, (psl, isl) in enumerate(pl.inner):
        dst = xo[isl]
        if not dst.size:
            continue
        if pl.first[p] is None:
            dst.fill(0)
        else:
            np.add(acc[p, :size].reshape(m, pl.ph, pl.pw, c)[psl], zero, out=dst)


def first_hits(pl: Planes, flat: np.ndarray, best: np.ndarray, hit: np.ndarray,
               taken: np.ndarray, c: int) -> None:
    """``hit[k, :n]`` = whether offset ``k`` is the first (row-major) of each window whose
    value equals ``best`` (``n = len(best)``); windows without one (NaN) take offset 0.
    ``taken`` is ``n`` flags of scratch."""
    n = best.shape[0]
    tiling = pl.kh == pl.sh and pl.kw == pl.sw
    if tiling:   # offset k is plane k, unshifted: one call for all
        np.equal(flat[:, :n], best, out=hit[:, :n])
    for j, (p, sft) in enumerate(pl.offs):
        h = hit[j, :n]
        if not tiling:
            np.equal(flat[p, sft * c:sft * c + n], best, out=h)
        if j == 0:
            np.copyto(taken, h)
        else:
            np.greater(h, taken, out=h)        # a maximum no earlier offset claimed
            np.logical_or(taken, h, out=taken)
    np.less_equal(taken, hit[0, :n], out=hit[0, :n])  # offset 0 also takes NaN windows


def window_max(pl: Planes, flat: np.ndarray, rows: np.ndarray, best: np.ndarray,
               c: int) -> None:
    """Each window's maximum into ``best`` (see :func:`_window_max`)."""
    _window_max(pl, flat, rows, best, c)


def plane_geometry(shape: tuple, g: Any) -> Planes:
    """The :class:`Planes` of pooling an NHWC ``shape`` with geometry ``g``."""
    (_, _), (pt, _), (pl, _), _ = g.pads
    return planes_of(shape[1], shape[2], g.kh, g.kw, g.sh, g.sw, pt, pl, g.oh, g.ow)


def _multiply_hits(hit: np.ndarray, d: np.ndarray, into: np.ndarray | None) -> np.ndarray:
    return np.multiply(hit, d, out=into)


def _select_hits(hit: np.ndarray, d: np.ndarray, into: np.ndarray | None) -> np.ndarray:
    chosen = np.where(hit, d, d.dtype.type(0))
    if into is None:
        return chosen
    np.copyto(into, chosen)
    return into


def max_pool_grad(ctx: Any, x: np.ndarray, dy: np.ndarray, g: Any) -> np.ndarray:
    """``MaxPoolGrad`` of float NHWC ``x`` and ``dy`` (see the module doc; float32/64
    with the compiled loops on: ``pool_loops``)."""
    if pool_loops.usable(x, dy):
        return pool_loops.max_pool_grad(ctx, x, dy, g)
    pl = plane_geometry(x.shape, g)
    n_img, _, _, c = x.shape
    out, per, count, threads = kernel_setup(ctx, x.shape, dy.dtype, x.shape, x.itemsize)
    cells = pl.ph * pl.pw
    size_max = per * cells * c
    k = len(pl.offs)
    direct_dy = pl.ph == g.oh and pl.pw == g.ow
    tiling = pl.kh == pl.sh and pl.kw == pl.sw
    same = x.dtype == dy.dtype   # (less memory: ~1 MiB chunks stay nearer the cache)
    rows_too = pl.separable or (same and not tiling)
    scratch = scratch_buffers(ctx, "maxpoolgrad", threads, [
        ("planes", (pl.count, per, pl.ph, pl.pw, c), x.dtype, None),
        ("rows", (len(pl.rows), size_max) if rows_too else None, x.dtype, None),
        ("best", (size_max,), x.dtype, None),
        ("hit", (k, size_max), np.dtype(bool), None),
        ("taken", (size_max,), np.dtype(bool), None),
        (("dy", g.oh, g.ow), None if direct_dy else (per, pl.ph, pl.pw, c), dy.dtype, 0),
        ("acc", None if same else (pl.count, size_max), dy.dtype, None),
        ("part", None if same or tiling else (size_max,), dy.dtype, None)])

    @np.errstate(invalid="ignore")   # inf + -inf at one pixel is NaN, as in TF
    def work(i: int, worker: int) -> None:
        s, e = i * per, min(n_img, i * per + per)
        m = e - s
        P, rows, best, hit, taken, dyp, acc, part = scratch[worker]
        if same:   # the sums reuse the planes, the contributions the row maxima
            acc, part = P.reshape(pl.count, -1), None if rows is None else rows[0]
        P = P[:, :m]
        size = m * cells * c
        n = size - pl.tail * c
        flat = P.reshape(pl.count, size)
        fill_planes(pl, P, x[s:e], -np.inf)
        b = best[:n]
        _window_max(pl, flat, None if rows is None else rows[:, :size], b, c)
        if pl.has_borders:
            set_borders(pl, P, np.nan)   # padding never equals a maximum
        first_hits(pl, flat, b, hit, taken[:n], c)
        d = window_values(dy[s:e], dyp, pl, g, n)
        # dy reaches only each window's first maximum, as TF's kernel routes it: with a
        # finite dy, dy * hit is that (0 elsewhere); an inf or NaN times a miss would be
        # NaN, so such chunks select instead of multiplying
        routed = _multiply_hits if np.isfinite(d).all() else _select_hits
        if tiling:
            routed(hit[:, :n], d, acc[:, :n])
        else:
            scatter(pl, acc, part, n, size, c,
                    lambda j, into: routed(hit[j, :n], d, into))
        interleave(pl, acc, out[s:e], size, c)

    parallel.run(work, count, threads)
    return out


__all__ = ["kernel_setup", "Planes", "planes_of", "plane_geometry", "chunking", "scratch_buffers",
           "fill_planes", "set_borders", "window_max", "first_hits", "window_values",
           "scatter", "interleave", "max_pool", "max_pool_grad", "CHUNK_BYTES"]
