"""The kernels of ``Sigmoid``, ``Tanh``, ``SigmoidGrad`` and ``TanhGrad``, and the fused
``BiasAdd`` -> ``Sigmoid`` / ``Tanh`` steps (``_FusedBiasAddSigmoid``,
``_FusedBiasAddTanh`` and their in-place forms), which the executor runs in place of the
pair when nothing else reads the ``BiasAdd`` output (``client/fusion.py``;
docs/internals.md "Plan-time fusion").

Every kernel writes one output buffer (session-pooled when large enough) with ``out=``
passes over it; the formulas are fixed, so the values do not depend on how the work is
cut: ``sigmoid(x) = 1 / (exp(-x) + 1)`` (``exp(-x)`` overflows to inf for very negative
``x`` and ``1 / inf`` is the right 0), ``tanh = np.tanh``, ``SigmoidGrad = (dy * y) * (1 -
y)``, ``TanhGrad = dy * (1 - y * y)``, all in the input's dtype. ``1 / v`` is
``np.divide(1, v)`` rather than ``np.reciprocal(v)``: both are IEEE divisions, bitwise
the same for every float16/32/64 input (checked over all float16 bit patterns and random
float32/64 ones, tests/ops/test_sigmoid_tanh_kernels.py), but NumPy vectorizes only the
division (256x784 float32: 16 against 30-34 us). Large arrays are cut into chunks of
``ACT_CHUNK_BYTES`` run on the kernel threads (``parallel.run``); elementwise work on
each chunk's own part of the output, so bitwise one call's results for any thread count.

Example:
    >>> import trainkit as tk
    >>> with tk.Session() as s:
    ...     s.run(tk.sigmoid(tk.nn.bias_add(tk.constant([[0.0, 1.0]]), [0.0, -1.0])))
    array([[0.5, 0.5]], dtype=float32)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.ops import buffer_pool, parallel
from trainkit.ops.elementwise import quiet
from trainkit.ops.relu_bias_kernels import CHUNK_BYTES, bias_add_into

#: bytes of output per chunk of the kernel threads: ``relu_bias_kernels.CHUNK_BYTES``.
#: 256 KiB chunks (~30 us of ``exp`` each, so the autoencoder's layers would use both
#: threads) measured worse with the other core busy (4 fused BiasAdd+Sigmoid of the
#: autoencoder: 0.33 ms CPU against 0.25 in 1 MiB chunks, 2 kernel threads, load 1.3)
ACT_CHUNK_BYTES = CHUNK_BYTES

_ONES = {c: np.ones((), c) for c in "efd"}


def _one(dtype: np.dtype) -> Any:
    """A 0-d ``1`` of ``dtype`` (no Python-scalar promotion cost)."""
    one = _ONES.get(dtype.char)
    return one if one is not None else dtype.type(1)


def sigmoid_in_place(a: np.ndarray) -> np.ndarray:
    """``a`` overwritten with ``1 / (exp(-a) + 1)``."""
    one = _one(a.dtype)
    with np.errstate(all="ignore"):
        np.negative(a, out=a)
        np.exp(a, out=a)
        np.add(a, one, out=a)
        return np.divide(one, a, out=a)


def tanh_in_place(a: np.ndarray) -> np.ndarray:
    """``a`` overwritten with ``np.tanh(a)``."""
    return np.tanh(a, out=a)


def _for_chunks(n: int, item_bytes: int, work: Callable[[int, int], None], key: Any) -> None:
    per = max(1, ACT_CHUNK_BYTES // max(1, item_bytes))
    if n <= per:
        work(0, n)
        return

    def chunk(i: int, worker: int) -> None:
        s = i * per
        with np.errstate(all="ignore"):  # helper threads do not see the kernel's state
            work(s, min(n, s + per))

    parallel.run(chunk, -(-n // per), key=key)


def _unary(ctx: registry.KernelContext, x: Any, first: Callable[..., Any],
           rest: Callable[[np.ndarray], Any] | None, key: str) -> Any:
    """``first(x, out=o)`` then ``rest(o)`` per chunk into one output buffer ``o``."""
    x = np.asarray(x)
    if not x.ndim or not x.flags.c_contiguous or x.dtype.kind != "f":
        o = first(x)
        if rest is None:
            return o
        if not isinstance(o, np.ndarray):  # a 0-d input: NumPy gives a scalar
            o = np.asarray(o)
            rest(o)
            return o[()]
        rest(o)
        return o
    out = buffer_pool.output(ctx, x.shape, x.dtype)
    if out is None:
        out = np.empty_like(x)
    xf, of = x.reshape(-1), out.reshape(-1)

    def work(s: int, e: int) -> None:
        first(xf[s:e], out=of[s:e])
        if rest is not None:
            rest(of[s:e])

    _for_chunks(xf.size, x.itemsize, work, (key, xf.size))
    return out


def _neg_then_sigmoid_rest(a: np.ndarray) -> None:
    one = _one(a.dtype)
    with np.errstate(all="ignore"):
        np.exp(a, out=a)
        np.add(a, one, out=a)
        np.divide(one, a, out=a)


@registry.register_kernel("Sigmoid")
@quiet
def _sigmoid(ctx: registry.KernelContext, x: Any) -> Any:
    return _unary(ctx, x, np.negative, _neg_then_sigmoid_rest, "Sigmoid")


@registry.register_kernel("Tanh")
def _tanh(ctx: registry.KernelContext, x: Any) -> Any:
    return _unary(ctx, x, np.tanh, None, "Tanh")


def _grad_buffers(ctx: registry.KernelContext, y: Any, dy: Any) -> tuple | None:
    """``(y, dy, out)`` flat, when the fast path applies (same shape and float dtype,
    contiguous), else None."""
    y, dy = np.asarray(y), np.asarray(dy)
    if (y.shape != dy.shape or y.dtype != dy.dtype or y.dtype.kind != "f" or not y.ndim
            or not (y.flags.c_contiguous and dy.flags.c_contiguous)):
        return None
    out = buffer_pool.output(ctx, y.shape, y.dtype)
    if out is None:
        out = np.empty_like(y)
    return y.reshape(-1), dy.reshape(-1), out


@registry.register_kernel("TanhGrad")
@quiet
def _tanh_grad(ctx: registry.KernelContext, y: Any, dy: Any) -> Any:
    bufs = _grad_buffers(ctx, y, dy)
    if bufs is None:
        return dy * (1 - y * y)
    yf, dyf, out = bufs
    of, one = out.reshape(-1), _one(out.dtype)

    def work(s: int, e: int) -> None:
        o = of[s:e]
        np.multiply(yf[s:e], yf[s:e], out=o)
        np.subtract(one, o, out=o)
        np.multiply(dyf[s:e], o, out=o)

    _for_chunks(yf.size, out.itemsize, work, ("TanhGrad", yf.size))
    return out


@registry.register_kernel("SigmoidGrad")
@quiet
def _sigmoid_grad(ctx: registry.KernelContext, y: Any, dy: Any) -> Any:
    bufs = _grad_buffers(ctx, y, dy)
    if bufs is None:
        return dy * y * (1 - y)
    yf, dyf, out = bufs
    of, one = out.reshape(-1), _one(out.dtype)
    per = max(1, ACT_CHUNK_BYTES // out.itemsize)
    pool = buffer_pool.session_pool(ctx)
    scratch: dict[int, np.ndarray] = {}  # one (1 - y) chunk per kernel thread

    def chunk(i: int, worker: int) -> None:
        s = i * per
        e = min(yf.size, s + per)
        t = scratch.get(worker)
        if t is None:
            t = scratch[worker] = pool.take((min(per, yf.size),), out.dtype,
                                            ("sigmoid_grad", worker))
        t = t[:e - s]
        o = of[s:e]
        with np.errstate(all="ignore"):
            np.subtract(one, yf[s:e], out=t)
            np.multiply(dyf[s:e], yf[s:e], out=o)
            np.multiply(o, t, out=o)

    parallel.run(chunk, -(-yf.size // per), key=("SigmoidGrad", yf.size))
    return out


# -- BiasAdd -> Sigmoid / Tanh -------------------------------------------------------------
def _fused(ctx: registry.KernelContext, x: Any, b: Any, act: Callable[[np.ndarray], Any],
           in_place: bool) -> Any:
    x = np.asarray(x)
    fmt = ctx.attrs["data_format"]
    if (in_place and type(x) is np.ndarray and fmt != "NCHW" and x.ndim
            and x.flags.c_contiguous and x.flags.writeable
            and x.dtype == np.result_type(x, b)):
        return bias_add_into(x, b, "NHWC", x, relu=False, op=ctx.op, act=act,
                             chunk_bytes=ACT_CHUNK_BYTES)
    out = buffer_pool.output(ctx, x.shape, np.result_type(x, b)) if np.ndim(x) else None
    return bias_add_into(x, b, fmt, out, relu=False, op=ctx.op, act=act,
                         chunk_bytes=ACT_CHUNK_BYTES)


@registry.register_kernel("_FusedBiasAddSigmoid")
@quiet
def _fused_bias_add_sigmoid(ctx: registry.KernelContext, x: Any, b: Any) -> Any:
    """``Sigmoid(BiasAdd(x, b))`` with ``ctx`` the ``BiasAdd`` op's context: bitwise the
    two kernels in turn, without the intermediate array."""
    return _fused(ctx, x, b, sigmoid_in_place, False)


@registry.register_kernel("_FusedBiasAddSigmoidInPlace")
@quiet
def _fused_bias_add_sigmoid_in_place(ctx: registry.KernelContext, x: Any, b: Any) -> Any:
    """``_FusedBiasAddSigmoid`` written into ``x`` itself (a fresh ``MatMul``/``Conv2D``
    output only this step reads, ``client/fusion.py``) when it is a contiguous NHWC
    array of the result's dtype."""
    return _fused(ctx, x, b, sigmoid_in_place, True)


@registry.register_kernel("_FusedBiasAddTanh")
def _fused_bias_add_tanh(ctx: registry.KernelContext, x: Any, b: Any) -> Any:
    """``Tanh(BiasAdd(x, b))``: bitwise the two kernels in turn."""
    return _fused(ctx, x, b, tanh_in_place, False)


@registry.register_kernel("_FusedBiasAddTanhInPlace")
def _fused_bias_add_tanh_in_place(ctx: registry.KernelContext, x: Any, b: Any) -> Any:
    """``_FusedBiasAddTanh`` written into ``x`` itself (as the sigmoid form)."""
    return _fused(ctx, x, b, tanh_in_place, True)


registry.not_differentiable("_FusedBiasAddSigmoid", "_FusedBiasAddSigmoidInPlace",
                            "_FusedBiasAddTanh", "_FusedBiasAddTanhInPlace")

__all__ = ["sigmoid_in_place", "tanh_in_place", "ACT_CHUNK_BYTES"]
