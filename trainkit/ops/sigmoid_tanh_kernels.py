"""The kernels of ``Sigmoid``, ``Tanh``, ``SigmoidGrad`` and ``TanhGrad``, and the fused
``BiasAdd`` -> ``Sigmoid`` / ``Tanh`` steps (``_FusedBiasAddSigmoid``,
``_FusedBiasAddTanh`` and their in-place forms), which the executor runs in place of the
pair when nothing else reads the ``BiasAdd`` output (``client/fusion.py``;
docs/internals.md "Plan-time fusion").

The formulas are fixed, in the input's dtype: ``sigmoid(x) = 1 / (exp(-x) + 1)``
(``exp(-x)`` overflows to inf for very negative ``x`` and ``1 / inf`` is the right 0),
``tanh = np.tanh``, ``SigmoidGrad = (dy * y) * (1 - y)``, ``TanhGrad = dy * (1 - y *
y)``. The unfused kernels are single NumPy calls writing with ``out=`` into the first
temporary (fewest arrays); they allocate it fresh: session-pooled outputs and chunking
on the kernel threads measured slower at the autoencoder's sizes (4 ``SigmoidGrad``
256x{256,128,256,784}: 0.132 ms CPU pooled and chunked, 0.101 fresh, 0.106 before).
``1 / v`` is ``np.divide(1, v)`` rather than ``np.reciprocal(v)``: both are IEEE
divisions, bitwise the same for every float16/32/64 input (checked over all float16 bit
patterns and random float32/64 ones, tests/ops/test_sigmoid_tanh_kernels.py), but NumPy
vectorizes only the division (256x784 float32: 16 against 30-34 us). The fused steps
work in chunks of ``ACT_CHUNK_BYTES`` on the kernel threads (``bias_add_into``);
elementwise work on each chunk's own part of the output, so bitwise one call's results
for any thread count. With compiled loops on (``ops/jit.py``), ``SigmoidGrad`` and
``TanhGrad`` of float32/float64 arrays from ``LOOP_MIN_BYTES`` on are one loop of
``activation_loops.py`` (bitwise the same values; [128, 14, 14, 64] 0.49 -> 0.19 ms).

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
from trainkit.ops import activation_loops, buffer_pool
from trainkit.ops.elementwise import quiet
from trainkit.ops.relu_bias_kernels import CHUNK_BYTES, bias_add_into, compiled_for, for_chunks

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


@registry.register_kernel("Sigmoid")
@quiet
def _sigmoid(ctx: registry.KernelContext, x: Any) -> Any:
    e = np.negative(x)
    if not isinstance(e, np.ndarray):  # a 0-d input: NumPy gives a scalar
        return np.divide(_one(e.dtype), np.exp(e) + _one(e.dtype))
    one = _one(e.dtype)
    np.exp(e, out=e)
    np.add(e, one, out=e)
    return np.divide(one, e, out=e)


@registry.register_kernel("Tanh")
def _tanh(ctx: registry.KernelContext, x: Any) -> Any:
    return np.tanh(x)


def _same_float(y: Any, dy: Any) -> bool:
    """Whether the ``out=`` form applies: arrays (not 0-d) of one shape and float dtype."""
    return (isinstance(y, np.ndarray) and isinstance(dy, np.ndarray) and y.ndim > 0
            and y.shape == dy.shape and y.dtype == dy.dtype and y.dtype.kind == "f")


def _loopable(y: np.ndarray, dy: np.ndarray) -> bool:
    """Whether the compiled loop runs (``_same_float`` arrays, C-contiguous)."""
    return (y.flags.c_contiguous and dy.flags.c_contiguous
            and compiled_for(y.dtype, y.nbytes))


def _run_loop(loop: Any, y: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """``loop(y, dy, out, 1)`` into a fresh array, in ``CHUNK_BYTES`` chunks on the
    kernel threads (elementwise: the chunking does not change results)."""
    out = np.empty_like(y)
    yf, dyf, of = y.reshape(-1), dy.reshape(-1), out.reshape(-1)
    one = y.dtype.type(1)
    for_chunks(yf.size, y.itemsize, lambda s, e: loop(yf[s:e], dyf[s:e], of[s:e], one),
               (loop, yf.size))
    return out


@registry.register_kernel("TanhGrad")
@quiet
def _tanh_grad(ctx: registry.KernelContext, y: Any, dy: Any) -> Any:
    if not _same_float(y, dy):
        return dy * (1 - y * y)
    if _loopable(y, dy):
        return _run_loop(activation_loops.tanh_grad, y, dy)
    o = np.multiply(y, y)
    np.subtract(_one(o.dtype), o, out=o)
    return np.multiply(dy, o, out=o)


@registry.register_kernel("SigmoidGrad")
@quiet
def _sigmoid_grad(ctx: registry.KernelContext, y: Any, dy: Any) -> Any:
    if not _same_float(y, dy):
        return dy * y * (1 - y)
    if _loopable(y, dy):
        return _run_loop(activation_loops.sigmoid_grad, y, dy)
    o = np.multiply(dy, y)
    return np.multiply(o, np.subtract(_one(y.dtype), y), out=o)


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
