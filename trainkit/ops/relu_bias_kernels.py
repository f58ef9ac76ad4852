"""The kernels of ``Relu``, ``ReluGrad``, ``BiasAdd`` and ``BiasAddGrad``, and
``_FusedBiasAddRelu``: ``BiasAdd`` then ``Relu`` in one pass over memory, which the
executor runs in place of the pair when nothing else reads the ``BiasAdd`` output
(``client/fusion.py``; docs/internals.md "Plan-time fusion").

Large arrays are cut into chunks of ``CHUNK_BYTES`` (fixed by the shape alone) run on the
kernel threads (``parallel.run``); every chunk is elementwise or row-wise work on its own
part of the output, so the results are bitwise those of one NumPy call, for any thread
count. Why 1 MiB chunks rather than ``parallel.for_blocks``' 256 KiB blocks: a 256 KiB
block of ``ReluGrad`` takes ~25 µs, of the order of waking a helper thread, so the
helpers were judged unhelpful and the kernels ran alone (measured: CIFAR's 4.7 M-float
``ReluGrad`` 1.95 ms wall with two threads as with one; in 1 MiB chunks 1.2 ms). Inside a
chunk every pass runs over the whole chunk: NumPy's per-call cost outweighs what
smaller, L1-sized passes save (``ReluGrad`` 2.9 ms in 32 KiB passes, 1.9 in 1 MiB).
With compiled loops on (``ops/jit.py``), ``ReluGrad`` and ``BiasAdd`` + ``Relu`` of
float32/float64 run each chunk as one loop of ``activation_loops.py`` (bitwise the same
values; CIFAR's ``ReluGrad`` 2.8 -> 1.9 ms CPU per step).

Example:
    >>> import trainkit as tk
    >>> with tk.Session() as s:
    ...     s.run(tk.nn.relu(tk.nn.bias_add(tk.constant([[-1.0, 1.0]]), [0.5, 0.5])))
    array([[0. , 1.5]], dtype=float32)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import registry
from trainkit.ops import activation_loops, buffer_pool, jit, parallel

#: bytes of output per chunk of the kernel threads
CHUNK_BYTES = 1 << 20
#: elements per row of the tiled bias of ``BiasAdd``
TILE_ITEMS = 2048


def for_chunks(n: int, item_bytes: int, work: Callable[[int, int], None], key: Any) -> int:
    """Calls ``work(start, stop)`` over chunks of at most ``CHUNK_BYTES`` (``n`` items of
    ``item_bytes`` each; one call below that) on the kernel threads; ``key`` keeps the
    helper-thread bookkeeping of ``parallel.run`` per kernel. Returns the items per chunk.
    """
    per = max(1, CHUNK_BYTES // max(1, item_bytes))
    if n <= per:
        work(0, n)
        return per

    def chunk(i: int, worker: int) -> None:
        s = i * per
        work(s, min(n, s + per))

    parallel.run(chunk, -(-n // per), key=key)
    return per


#: arrays below this many bytes take the NumPy paths: a compiled loop's call costs a
#: few microseconds more than a ufunc's (``SigmoidGrad``, float32: 1000 items NumPy 1.9
#: us, compiled 3.5; 4096 items 6.0 and 4.0)
LOOP_MIN_BYTES = 16384


def compiled_for(dtype: np.dtype, nbytes: int) -> bool:
    """Whether the compiled loops (``activation_loops``) run for ``nbytes`` of
    ``dtype``: float32/float64 in native byte order, from ``LOOP_MIN_BYTES`` on, with
    the ``jit`` backend on."""
    return (nbytes >= LOOP_MIN_BYTES and dtype.char in "fd" and dtype.isnative
            and jit.enabled())


def _zeros_for(dtype: np.dtype) -> np.ndarray:
    """A read-only zeros vector as long as a chunk of ``dtype`` items: ``np.maximum(x,
    zeros)`` runs NumPy's vectorized loop (2.9x faster than against the scalar 0,
    bitwise the same)."""
    return buffer_pool.zeros(max(1, CHUNK_BYTES // dtype.itemsize), dtype)


def relu_into(x: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """``np.maximum(x, 0)``, into ``out`` when given (may be ``x`` itself)."""
    if not x.flags.c_contiguous or x.dtype.kind not in "fiu" or not x.size or (
            out is not None and not out.flags.c_contiguous):
        return np.maximum(x, x.dtype.type(0), out=out)
    zeros = _zeros_for(x.dtype)
    xf = x.reshape(-1)
    if out is None:
        if xf.size > zeros.size:
            return np.maximum(x, x.dtype.type(0))
        return np.maximum(xf, zeros[:xf.size]).reshape(x.shape)
    of = out.reshape(-1)

    def work(s: int, e: int) -> None:
        np.maximum(xf[s:e], zeros[:e - s], out=of[s:e])

    for_chunks(xf.size, x.itemsize, work, ("Relu", xf.size))
    return out


@registry.register_kernel("Relu")
def _relu(ctx: registry.KernelContext, x: Any) -> Any:
    x = np.asarray(x)
    return relu_into(x, buffer_pool.output(ctx, x.shape, x.dtype))


@registry.register_kernel("ReluGrad")
def _relu_grad(ctx: registry.KernelContext, g: Any, x: Any) -> Any:
    g, x = np.asarray(g), np.asarray(x)
    out = buffer_pool.output(ctx, g.shape, g.dtype) if g.shape == x.shape else None
    if out is None:
        return np.multiply(g, x > 0, dtype=g.dtype)
    if not (g.flags.c_contiguous and x.flags.c_contiguous):
        return np.multiply(g, x > 0, out=out)
    gf, xf, of = g.reshape(-1), x.reshape(-1), out.reshape(-1)
    if x.dtype == g.dtype and compiled_for(g.dtype, g.nbytes):
        zero, one = g.dtype.type(0), g.dtype.type(1)
        for_chunks(gf.size, g.itemsize,
                   lambda s, e: activation_loops.relu_grad(gf[s:e], xf[s:e], of[s:e], zero,
                                                           one), ("ReluGradLoop", gf.size))
        return out
    pool = buffer_pool.session_pool(ctx)
    per = max(1, CHUNK_BYTES // g.itemsize)
    masks: dict[int, np.ndarray] = {}  # one scratch mask per kernel thread

    def chunk(i: int, worker: int) -> None:
        s = i * per
        e = min(gf.size, s + per)
        m = masks.get(worker)
        if m is None:
            m = masks[worker] = pool.take((min(per, gf.size),), np.dtype(bool),
                                          ("relu_mask", worker))
        np.greater(xf[s:e], 0, out=m[:e - s])
        np.multiply(gf[s:e], m[:e - s], out=of[s:e])

    parallel.run(chunk, -(-gf.size // per), key=("ReluGrad", gf.size))
    return out


# -- bias_add -----------------------------------------------------------------------------
def _check_bias(x: Any, b: Any, data_format: str, op: Any = None) -> int:
    c = x.shape[1] if data_format == "NCHW" else x.shape[-1]
    if np.shape(b) != (c,):
        raise errors.InvalidArgumentError(
            None, op, f"Must provide as many biases as the channel dimension of the input "
                      f"tensor: {list(np.shape(b))} vs. {c} in {list(x.shape)}")
    return c


def _bias_view(x: Any, b: Any, data_format: str) -> Any:
    if data_format == "NCHW":
        return np.reshape(b, (-1,) + (1,) * (np.ndim(x) - 2))
    return b


def bias_add_into(x: np.ndarray, b: Any, data_format: str, out: np.ndarray | None,
                  relu: bool, op: Any = None,
                  act: Callable[[np.ndarray], Any] | None = None,
                  chunk_bytes: int = CHUNK_BYTES) -> np.ndarray:
    """``x + b`` along the channel axis into ``out`` (a new array when None), then, with
    ``relu``, ``np.maximum(., 0)`` in place, or ``act(part)`` (an elementwise activation
    that overwrites ``part``, e.g. ``sigmoid_tanh_kernels.sigmoid_in_place``) on each
    part; in the row-wise path both run on one chunk (about ``chunk_bytes``) while it is
    in cache. ``op`` is named by the error for a wrong bias size."""
    c = _check_bias(x, b, data_format, op)
    dtype = np.result_type(x, b)
    if (out is None or data_format == "NCHW" or not x.flags.c_contiguous
            or x.dtype != dtype or not c):
        y = np.add(x, _bias_view(x, b, data_format), out=out)
        if act is not None:
            act(y)
            return y
        return relu_into(y, y) if relu else y
    x2, o2 = x.reshape(-1, c), out.reshape(-1, c)
    # the bias tiled over ``r`` rows: NumPy's inner loop runs over ~2048 elements
    # instead of ``c`` (26 % less CPU at c = 32), the same additions; chunks are whole
    # tiles, so only the last one has a tail of rows
    r = max(1, TILE_ITEMS // c)
    bt = np.tile(np.asarray(b, dtype), r)
    zeros = _zeros_for(dtype) if relu and dtype.kind in "fiu" else None
    rows = max(r, chunk_bytes // (c * x.itemsize) // r * r)
    if relu and zeros is not None and zeros.size < rows * c:
        zeros = np.zeros(rows * c, dtype)
    loop = relu and act is None and compiled_for(dtype, out.nbytes)
    b_arr, zero = np.ascontiguousarray(b, dtype), dtype.type(0)

    def work(s: int, e: int) -> None:
        if loop:  # the add and the maximum in one compiled pass
            if out is x:
                activation_loops.bias_relu_in_place(o2[s:e], b_arr, zero)
            else:
                activation_loops.bias_relu(x2[s:e], b_arr, o2[s:e], zero)
            return
        m = s + (e - s) // r * r
        if m > s:
            np.add(x2[s:m].reshape(-1, r * c), bt, out=o2[s:m].reshape(-1, r * c))
        if m < e:
            np.add(x2[m:e], b, out=o2[m:e])
        if act is not None:
            act(o2[s:e].reshape(-1))
        elif relu:
            of = o2[s:e].reshape(-1)
            if zeros is None:
                np.maximum(of, dtype.type(0), out=of)
            else:
                np.maximum(of, zeros[:of.size], out=of)

    n = x2.shape[0]
    if n <= rows:
        work(0, n)
    else:
        def chunk(i: int, worker: int) -> None:
            s = i * rows
            work(s, min(n, s + rows))

        parallel.run(chunk, -(-n // rows), key=("BiasAdd", relu, act, n, c))
    return out


@registry.register_kernel("BiasAdd")
def _bias_add(ctx: registry.KernelContext, x: Any, b: Any) -> Any:
    x = np.asarray(x)
    out = buffer_pool.output(ctx, x.shape, np.result_type(x, b)) if np.ndim(x) else None
    return bias_add_into(x, b, ctx.attrs["data_format"], out, relu=False)


@registry.register_kernel("_FusedBiasAddRelu")
def _fused_bias_add_relu(ctx: registry.KernelContext, x: Any, b: Any) -> Any:
    """``Relu(BiasAdd(x, b))`` with ``ctx`` the ``BiasAdd`` op's context: bitwise the two
    kernels in turn, without the intermediate array."""
    x = np.asarray(x)
    out = buffer_pool.output(ctx, x.shape, np.result_type(x, b)) if np.ndim(x) else None
    return bias_add_into(x, b, ctx.attrs["data_format"], out, relu=True, op=ctx.op)


@registry.register_kernel("_FusedBiasAddReluInPlace")
def _fused_bias_add_relu_in_place(ctx: registry.KernelContext, x: Any, b: Any) -> Any:
    """``_FusedBiasAddRelu`` written into ``x`` itself when it is a contiguous NHWC array
    of the result's dtype: the executor passes this kernel only a value that nothing
    else reads or sees (a ``Conv2D``/``MatMul`` output read by the ``BiasAdd`` alone;
    ``client/fusion.py``). The same arithmetic, so bitwise the same values; one stream
    of memory less (CIFAR conv1: 1.69 -> 1.22-1.34 ms CPU)."""
    if (type(x) is np.ndarray and ctx.attrs["data_format"] != "NCHW" and x.ndim
            and x.flags.c_contiguous and x.flags.writeable
            and x.dtype == np.result_type(x, b)):
        return bias_add_into(x, b, "NHWC", x, relu=True, op=ctx.op)
    return _fused_bias_add_relu(ctx, x, b)


registry.not_differentiable("_FusedBiasAddRelu", "_FusedBiasAddReluInPlace")


@registry.register_kernel("BiasAddGrad")
def _bias_add_grad(ctx: registry.KernelContext, g: Any) -> Any:
    g = np.asarray(g)
    nchw = ctx.attrs["data_format"] == "NCHW"
    if not nchw and g.dtype.kind == "f" and g.dtype.itemsize >= 4 and g.flags.c_contiguous \
            and g.ndim >= 2 and g.size:
        # A BLAS matrix-vector product: ~15x faster than a reduction over the outer axis.
        c = g.shape[-1]
        return buffer_pool.ones(g.size // c, g.dtype) @ g.reshape(-1, c)
    axes = tuple(i for i in range(g.ndim) if i != (1 if nchw else g.ndim - 1))
    return np.sum(g, axis=axes, dtype=g.dtype)


__all__ = ["for_chunks", "compiled_for", "relu_into", "bias_add_into", "CHUNK_BYTES",
           "TILE_ITEMS", "LOOP_MIN_BYTES"]
