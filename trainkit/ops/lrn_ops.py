"""Local response normalization: ``tf.nn.lrn`` / ``tf.nn.local_response_normalization``.

TF's formula, per pixel, over the last (depth) axis::

    sqr_sum[..., d] = sum(x[..., d - r : d + r + 1] ** 2)     (clipped to the depth)
    lrn(x)[..., d]  = x[..., d] / (bias + alpha * sqr_sum[..., d]) ** beta

and its gradient (TF's ``LRNGrad``), with ``N = bias + alpha * sqr_sum`` and
``y = lrn(x)``::

    dx = dy * N ** -beta - 2 * alpha * beta * x * window_sum(dy * y / N)

(the window is symmetric, so "the windows that contain ``d``" are the window around
``d``). Both are whole-array arithmetic on cache-sized chunks of pixels (on the kernel
threads, ``ops.parallel``): the window sum is ``2r`` shifted adds over a depth-padded
("wide") recycled buffer, run over its flattened memory so each add is one contiguous
pass (:func:`_window_sum`), no per-pixel or per-channel Python loop. Results are bitwise
those of the plain formulation (same operations, same order). With compiled loops on
(``ops/jit.py``), float32/float64 inputs run the one-pass loops of ``lrn_loops.py``
instead, bitwise the same values (CIFAR's first LRN 11.4 -> 2.6 ms CPU, its gradient
10.1 -> 7.0).

Example:
    >>> import trainkit as tk
    >>> y = tk.nn.lrn(tk.ones([1, 1, 1, 3]), depth_radius=1, bias=1.0, alpha=1.0, beta=1.0)
    >>> tk.Session().run(y).ravel().tolist()   # 1 / (1 + 2), 1 / (1 + 3), 1 / (1 + 2)
    [0.3333333432674408, 0.25, 0.3333333432674408]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.tensor import Tensor
from trainkit.ops import jit, lrn_loops, parallel
from trainkit.ops.buffer_pool import MIN_BYTES, output, session_pool
from trainkit.ops.derived_cache import session_cache
from trainkit.ops.op_util import make_op

_FLOATS = ("float16", "float32", "float64")


def _check_attrs(depth_radius: Any, bias: Any, alpha: Any, beta: Any) -> dict:
    if isinstance(depth_radius, bool) or not isinstance(depth_radius, int | np.integer):
        raise TypeError(f"lrn: depth_radius must be an int, got {depth_radius!r}.")
    if depth_radius < 0:
        raise ValueError(f"lrn: depth_radius must be >= 0, got {depth_radius}.")
    attrs = {"depth_radius": int(depth_radius)}
    for name, v in (("bias", bias), ("alpha", alpha), ("beta", beta)):
        if isinstance(v, bool) or not isinstance(v, int | float | np.floating | np.integer):
            raise TypeError(f"lrn: {name} must be a float, got {v!r}.")
        attrs[name] = float(v)
    return attrs


def local_response_normalization(input: Any, depth_radius: int = 5, bias: float = 1.0,
                                 alpha: float = 1.0, beta: float = 0.5,
                                 name: str | None = None) -> Tensor:
    """Local response normalization over the last axis of a 4-D tensor (see module doc).

    Differs from TF: float64 inputs are accepted too (TF's kernel takes half/float).

    Args:
        input: a 4-D float tensor ``[batch, height, width, depth]``.
        depth_radius: half-width of the channel window (``>= 0``).
        bias, alpha, beta: the constants of the formula.
        name: op name (default ``"LRN"``).

    Raises:
        ValueError: input not rank 4, or negative ``depth_radius``.
        TypeError: non-float input or non-numeric constants.
    """
    x = conversion.convert_to_tensor(input)
    attrs = _check_attrs(depth_radius, bias, alpha, beta)
    if x.dtype.name not in _FLOATS:
        raise TypeError(f"lrn: input must be float16, float32 or float64, got "
                        f"{x.dtype.name}.")
    if x.shape.ndims not in (None, 4):
        raise ValueError(f"Shape must be rank 4 but is rank {x.shape.ndims} for "
                         f"'{name or 'LRN'}' (op: 'LRN') with input shape {x.shape}.")
    return make_op("LRN", [x], [x.dtype], name=name or "LRN", attrs=attrs,
                   shapes=[x.shape]).outputs[0]


lrn = local_response_normalization


#: rows (pixels) of one chunk: its few row-sized temporaries stay in cache
CHUNK_ROWS_BYTES = 1 << 18


def _window_sum(wide: np.ndarray, r: int, out: np.ndarray) -> np.ndarray:
    """Window sums over the channels in the *wide* layout: ``wide`` is ``[rows, C + 2r]``
    with the values in columns ``r .. r+C`` and zeros around them; ``out`` (same shape)
    gets ``out[:, d] = wide[:, d] + wide[:, d+1] + ... + wide[:, d+2r]`` for ``d < C``
    (the other columns are junk). The ``2r`` shifted adds run over the flattened arrays,
    one contiguous pass each (on ``[rows, C]`` views each pass would run ``C``-element
    inner loops, ~3x slower per element); the order of the adds is the same."""
    src, dst = wide.reshape(-1), out.reshape(-1)
    if r == 0:
        np.copyto(dst, src)
        return out
    n = src.size - 2 * r
    np.add(src[0:n], src[1:1 + n], out=dst[:n])
    for k in range(2, 2 * r + 1):
        np.add(dst[:n], src[k:k + n], out=dst[:n])
    return out


def _norm(x: np.ndarray, attrs: dict, sq: np.ndarray, ws: np.ndarray,
          n: np.ndarray) -> np.ndarray:
    """``N = bias + alpha * window_sum(x ** 2)`` into ``n`` (``[rows, C]``); ``sq`` is a
    zero-bordered wide scratch, ``ws`` a wide one."""
    r, c = attrs["depth_radius"], x.shape[1]
    dt = x.dtype.type
    if _compiled(x.dtype, r):
        lrn_loops.norm(x, n, _taps(r), dt(attrs["alpha"]), dt(attrs["bias"]))
        return n
    np.multiply(x, x, out=sq[:, r:r + c])
    _window_sum(sq, r, ws)
    np.multiply(ws[:, :c], dt(attrs["alpha"]), out=n)
    np.add(n, dt(attrs["bias"]), out=n)
    return n


def _chunked(ctx: Any, x: np.ndarray, r: int, zeroed: int, wide: int, narrow: int,
             tag: str, body: Any) -> None:
    """Runs ``body(start, stop, temps)`` over chunks of the rows (pixels) of ``x`` viewed
    as ``[rows, C]``, on the kernel threads; each worker has ``zeroed`` recycled wide
    ``[chunk, C + 2r]`` temporaries whose border columns are zero (only their interior
    is ever written), then ``wide`` plain ones, then ``narrow`` ``[chunk, C]`` ones."""
    c = x.shape[-1]
    rows = x.size // max(1, c)
    per = max(1, min(rows, CHUNK_ROWS_BYTES // max(1, c * x.dtype.itemsize)))
    count = -(-rows // per)
    threads = max(1, min(parallel.kernel_threads(), count))
    pool = session_pool(ctx)
    shape = (per, c + 2 * r)
    scratch = [[pool.take(shape, x.dtype, (tag, i, "zero", j), fill=0) for j in range(zeroed)]
               + [pool.take(shape, x.dtype, (tag, i, j)) for j in range(wide)]
               + [pool.take((per, c), x.dtype, (tag, i, "narrow", j)) for j in range(narrow)]
               for i in range(threads)]

    def work(i: int, worker: int) -> None:
        s, e = i * per, min(rows, i * per + per)
        body(s, e, [t[:e - s] for t in scratch[worker]])

    parallel.run(work, count, threads)


#: the compiled loops take radii up to this (a window of ``2r + 1`` taps is unrolled)
MAX_COMPILED_RADIUS = 8
#: rows (pixels) per chunk of the compiled loops on the kernel threads: a numba call
#: costs a few microseconds, so chunks are larger than ``CHUNK_ROWS_BYTES``
LOOP_CHUNK_BYTES = 1 << 20


def _compiled(dtype: np.dtype, r: int) -> bool:
    """Whether the compiled loops (``lrn_loops``) run for this dtype and radius."""
    return (dtype.char in "fd" and dtype.isnative and r <= MAX_COMPILED_RADIUS
            and jit.enabled())


def _taps(r: int) -> tuple:
    return (0,) * (2 * r + 1)


def _rows(x2: np.ndarray, work: Any, tag: str) -> None:
    """Calls ``work(start, stop)`` over chunks of the rows of ``x2`` on the kernel
    threads (each row is computed alone, so the chunking does not change results);
    ``tag`` keeps ``parallel.run``'s helper statistics per kernel."""
    rows, c = x2.shape
    per = max(1, LOOP_CHUNK_BYTES // max(1, c * x2.itemsize))
    if rows <= per:
        work(0, rows)
        return

    def chunk(i: int, worker: int) -> None:
        work(i * per, min(rows, i * per + per))

    parallel.run(chunk, -(-rows // per), key=(tag, rows, c))


def _check_value(x: Any) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 4:
        raise errors.InvalidArgumentError(None, None, f"input must be 4-dimensional, got "
                                                      f"shape {list(x.shape)}")
    return x


def _pow_neg(n: np.ndarray, beta: float, out: np.ndarray) -> np.ndarray:
    """``n ** -beta`` with cheap paths for the common betas (0.5, 0.75, 1). ``1 / v`` is
    ``np.divide(1, v)``: bitwise ``np.reciprocal(v)`` (checked on every float16 and 2M
    random float32/float64 bit patterns) and half its CPU here."""
    dt = n.dtype.type
    one = dt(1)
    if beta == 0.5:
        np.sqrt(n, out=out)
        np.divide(one, out, out=out)
    elif beta == 1.0:
        np.divide(one, n, out=out)
    elif beta == 0.75:  # n ** -0.75 = 1 / (sqrt(n) * sqrt(sqrt(n)))
        np.sqrt(n, out=out)
        np.multiply(out, np.sqrt(out), out=out)
        np.divide(one, out, out=out)
    else:
        np.power(n, dt(-beta), out=out)
    return out


def _cache_key(x: np.ndarray, a: dict) -> tuple:
    return ("lrn", a["depth_radius"], a["bias"], a["alpha"], a["beta"], x.shape,
            x.dtype.str)


@registry.register_kernel("LRN")
def _lrn_kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    """``y = x * N ** -beta``; ``N`` and ``N ** -beta`` are kept in the session's
    :class:`~trainkit.ops.derived_cache.DerivedCache` for ``LRNGrad`` on the same ``x``
    (CIFAR's LRN gradient: 6.2 -> 3.6 CPU ms)."""
    x = _check_value(x)
    a = ctx.attrs
    r = a["depth_radius"]
    y = output(ctx, x.shape, x.dtype)
    if y is None:
        y = np.empty(x.shape, x.dtype)
    c = x.shape[-1]
    x2, y2 = x.reshape(-1, c), y.reshape(-1, c)
    mode = lrn_loops.MODES.get(a["beta"])
    if mode is not None and x.size and _compiled(x.dtype, r):
        dt = x.dtype.type
        args = (_taps(r), dt(a["alpha"]), dt(a["bias"]), mode, dt(1))
        _rows(x2, lambda s, e: lrn_loops.forward(x2[s:e], y2[s:e], *args), "LRN")
        return y
    keep = y.nbytes >= MIN_BYTES
    if keep:
        pool = session_pool(ctx)
        nb = pool.take(x.shape, x.dtype, "lrn_norm")
        pb = pool.take(x.shape, x.dtype, "lrn_pow")
        n2, p2 = nb.reshape(-1, c), pb.reshape(-1, c)

    def body(s: int, e: int, temps: list) -> None:
        sq, ws, n = temps
        if keep:
            n, p = n2[s:e], p2[s:e]
        else:
            p = y2[s:e]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            _norm(x2[s:e], a, sq, ws, n)
            _pow_neg(n, a["beta"], out=p)
            np.multiply(x2[s:e], p, out=y2[s:e])

    _chunked(ctx, x, r, 1, 1, 1, "lrn", body)
    if keep:
        session_cache(ctx, "lrn").put(_cache_key(x, a), x, (nb, pb))
    return y


def lrn_grad(input_grads: Tensor, input_image: Tensor, output_image: Tensor,
             attrs: dict, name: str = "LRNGrad") -> Tensor:
    """The gradient of ``lrn`` (TF's ``LRNGrad``): ``dx`` from ``dy``, ``x`` and ``y``."""
    return make_op("LRNGrad", [input_grads, input_image, output_image], [input_grads.dtype],
                   name=name, attrs=dict(attrs), shapes=[input_image.shape]).outputs[0]


@registry.register_kernel("LRNGrad")
def _lrn_grad_kernel(ctx: registry.KernelContext, dy: Any, x: Any, y: Any) -> np.ndarray:
    dy, x, y = _check_value(dy), _check_value(x), _check_value(y)
    if not dy.shape == x.shape == y.shape:
        raise errors.InvalidArgumentError(
            None, None, f"LRNGrad: input_grads, input_image and output_image must have the "
                        f"same shape, got {list(dy.shape)}, {list(x.shape)}, {list(y.shape)}")
    a = ctx.attrs
    r = a["depth_radius"]
    dt = x.dtype.type
    dx = output(ctx, x.shape, x.dtype)
    if dx is None:
        dx = np.empty(x.shape, x.dtype)
    c = x.shape[-1]
    x2, y2, dy2, dx2 = (v.reshape(-1, c) for v in (x, y, dy, dx))
    scale = dt(2.0 * a["alpha"] * a["beta"])
    mode = lrn_loops.MODES.get(a["beta"])
    if mode is not None and x.size and _compiled(x.dtype, r):
        args = (_taps(r), dt(a["alpha"]), dt(a["bias"]), mode, dt(1), scale)
        _rows(x2, lambda s, e: lrn_loops.grad(dy2[s:e], x2[s:e], y2[s:e], dx2[s:e], *args),
              "LRNGrad")
        return dx
    kept = session_cache(ctx, "lrn").find(_cache_key(x, a), x) \
        if dx.nbytes >= MIN_BYTES else None
    loops = _compiled(x.dtype, r)

    def finish(s: int, e: int, n: np.ndarray, p: np.ndarray, t: np.ndarray,
               ws: np.ndarray, u: np.ndarray) -> None:
        """``dx = N ** -beta * dy - scale * x * window_sum(dy * y / N)``; ``t`` is a
        zero-bordered wide scratch, ``ws`` a wide one, ``u`` a narrow one."""
        o = dx2[s:e]
        if loops:
            lrn_loops.grad_given(dy2[s:e], x2[s:e], y2[s:e], n, p, o, _taps(r), scale)
            return
        np.multiply(dy2[s:e], y2[s:e], out=u)
        np.divide(u, n, out=t[:, r:r + c])              # dy * y / N
        _window_sum(t, r, ws)
        np.multiply(ws[:, :c], x2[s:e], out=u)
        np.multiply(u, scale, out=u)
        np.multiply(p, dy2[s:e], out=o)                 # N ** -beta * dy
        np.subtract(o, u, out=o)

    if kept is not None:
        n2, p2 = (v.reshape(-1, c) for v in kept)

        def body_kept(s: int, e: int, temps: list) -> None:
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                finish(s, e, n2[s:e], p2[s:e], *temps)

        _chunked(ctx, x, r, 1, 1, 1, "lrn_grad_kept", body_kept)
        return dx

    def body(s: int, e: int, temps: list) -> None:
        t, ws, u, n, p = temps
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            _norm(x2[s:e], a, t, ws, n)
            _pow_neg(n, a["beta"], out=p)
            finish(s, e, n, p, t, ws, u)

    _chunked(ctx, x, r, 1, 1, 3, "lrn_grad", body)
    return dx


__all__ = ["lrn", "local_response_normalization", "lrn_grad"]
