"""2-D pooling: ``max_pool``/``max_pool2d``, ``avg_pool`` and the backprop kernels their
gradients use (``MaxPoolGrad``, ``MaxPoolGradGrad``, ``AvgPoolGrad``).

The array work of max pool, its float gradient, ``MaxPoolGradGrad`` and float average
pool and its gradient runs on stride planes (``ops/pool_planes.py``, ``pool_avg.py``,
``pool_gradgrad.py``: every per-offset pass is one contiguous NumPy operation); integer
max-pool gradients use the per-offset formulation over a padded copy
(``_argmax_windows``). With the compiled loops on (``ops/jit.py``), float32/64 max
and average pools and their gradients run ``pool_loops`` (bitwise the same results).
``NCHW`` inputs are transposed to ``NHWC`` inside the kernels. Geometry (output sizes,
TF's SAME padding) is ``conv_ops``'s.

Example:
    >>> import trainkit as tk
    >>> tk.nn.max_pool(tk.zeros([2, 8, 8, 1]), [1, 3, 3, 1], [1, 2, 2, 1],
    ...                "SAME").shape.as_list()
    [2, 4, 4, 1]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import pool_avg, pool_gradgrad, pool_loops, pool_planes, pool_small_windows
from trainkit.ops.conv_ops import (
    _check_format,
    _check_padding,
    _from_nhwc,
    _from_nhwc_shape,
    _Geom,
    _geometry,
    _hw,
    _nhwc_shape,
    _static_out,
    _to_nhwc,
)
from trainkit.ops.op_util import make_op


def _pool(op_type: str, value: Any, ksize: Any, strides: Any, padding: Any,
          data_format: str, name: str | None) -> Tensor:
    x = conversion.convert_to_tensor(value)
    fmt = _check_format(data_format)
    attrs = {"ksize_hw": _hw(ksize, "ksize", fmt), "strides_hw": _hw(strides, "strides", fmt),
             "padding": _check_padding(padding), "data_format": fmt}
    name = name or op_type
    if x.shape.ndims not in (None, 4):
        raise ValueError(f"Shape must be rank 4 but is rank {x.shape.ndims} for '{name}' "
                         f"(op: '{op_type}') with input shape {x.shape}.")
    out = TensorShape(None)
    if x.shape.ndims == 4:
        n, h, w, c = _nhwc_shape(x.shape.as_list(), fmt)
        (kh, kw), (sh, sw) = attrs["ksize_hw"], attrs["strides_hw"]
        out = TensorShape(_from_nhwc_shape(
            [n, _static_out(h, kh, sh, attrs["padding"]),
             _static_out(w, kw, sw, attrs["padding"]), c], fmt))
    return make_op(op_type, [x], [x.dtype], name=name, attrs=attrs, shapes=[out]).outputs[0]


def max_pool(value: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",
             name: str | None = None, input: Any = None) -> Tensor:
    """The maximum over each ``ksize`` window, moved by ``strides``."""
    return _pool("MaxPool", value if value is not None else input, ksize, strides, padding,
                 data_format, name)


def max_pool2d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",
               name: str | None = None) -> Tensor:
    """``max_pool`` under its TF2 name."""
    return _pool("MaxPool", input, ksize, strides, padding, data_format, name)


def avg_pool(value: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",
             name: str | None = None, input: Any = None) -> Tensor:
    """The mean over each window; with ``SAME`` padding only real (unpadded) entries count."""
    return _pool("AvgPool", value if value is not None else input, ksize, strides, padding,
                 data_format, name)


def _pool_geom(x_shape: tuple, attrs: dict) -> _Geom:
    kh, kw = attrs["ksize_hw"]
    return _geometry(x_shape[1], x_shape[2], kh, kw, attrs)


def _lowest(dtype: np.dtype) -> Any:
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _argmax_windows(x: np.ndarray, g: _Geom) -> tuple[np.ndarray, np.ndarray]:
    """Per output pixel: the window maximum and the flat kernel offset of its first max.

    Only whole-array arithmetic: masked assignment and ``argmax`` over a small axis are
    each ~10x slower in NumPy than these passes.
    """
    padded = g.pads[1] != (0, 0) or g.pads[2] != (0, 0)
    xp = np.pad(x, g.pads, constant_values=_lowest(x.dtype)) if padded else x
    offsets = g.offs
    best = xp[offsets[0][2]].copy()
    for _, _, sl in offsets[1:]:
        np.maximum(best, xp[sl], out=best)
    idx = np.zeros(best.shape, dtype=np.int32)
    taken = np.zeros(best.shape, dtype=bool)
    hit = np.empty(best.shape, dtype=bool)
    for i, j, sl in offsets:
        np.equal(xp[sl], best, out=hit)
        np.greater(hit, taken, out=hit)  # a max not claimed by an earlier offset
        taken |= hit
        k = i * g.kw + j
        if k:
            idx += hit * np.int32(k)
    return best, idx


@registry.register_kernel("MaxPool")
def _max_pool_kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    fmt = ctx.attrs["data_format"]
    x = _to_nhwc(np.asarray(x), fmt)
    g = _pool_geom(x.shape, ctx.attrs)
    return _from_nhwc(pool_planes.max_pool(ctx, x, g, _lowest(x.dtype)), fmt)


def _max_pool_grad_general(x: np.ndarray, dy: np.ndarray, g: _Geom) -> np.ndarray:
    """``MaxPoolGrad`` for any window geometry (overlapping, padded): accumulates ``dy``
    at each window's first argmax, one kernel offset at a time."""
    _, idx = _argmax_windows(x, g)
    n, h, w, c = x.shape
    dxp = np.zeros((n, h + sum(g.pads[1]), w + sum(g.pads[2]), c), dtype=dy.dtype)
    hit = np.empty(idx.shape, dtype=bool)
    part = np.empty(dy.shape, dtype=dy.dtype)
    for i, j, sl in g.offs:
        np.equal(idx, i * g.kw + j, out=hit)
        np.multiply(dy, hit, out=part)
        dxp[sl] += part
    return np.ascontiguousarray(g.crop(dxp))


@registry.register_kernel("MaxPoolGrad")
def _max_pool_grad_kernel(ctx: registry.KernelContext, x: Any, y: Any, dy: Any) -> Any:
    fmt = ctx.attrs["data_format"]
    x = _to_nhwc(np.asarray(x), fmt)
    dy = _to_nhwc(np.asarray(dy), fmt)
    g = _pool_geom(x.shape, ctx.attrs)
    if dy.shape == (x.shape[0], g.oh, g.ow, x.shape[3]) and x.dtype.kind == "f":
        return _from_nhwc(pool_planes.max_pool_grad(ctx, x, dy, g), fmt)
    # Integers: padding (the lowest value) may hold a window's first maximum here.
    return _from_nhwc(_max_pool_grad_general(x, dy, g), fmt)


@registry.register_kernel("_FusedMaxPoolGradReluGrad")
def _fused_max_pool_grad_relu_grad(ctx: registry.KernelContext, x: Any, y: Any, dy: Any
                                   ) -> Any:
    """``ReluGrad(MaxPoolGrad(x, y, dy), x)`` with ``ctx`` the ``MaxPoolGrad`` op's
    context (``client/fusion.py`` fuses the pair when the ``ReluGrad``'s features are the
    pool's input, as in a ReLU followed by a max-pool): for windows that tile the image,
    one compiled pass (``pool_loops.max_pool_grad_tiles``) that makes bitwise the two
    kernels' values, and so for small overlapping windows
    (``pool_small_windows.max_pool_grad_small``: CIFAR's conv1, one thread, in the step
    5.8 -> 3.6 ms); otherwise the two kernels in turn. deep-MNIST b50, one thread:
    conv1's 0.55 + 0.30 ms -> 0.36 ms, conv2's 0.18 + 0.08 -> 0.16 ms."""
    xa, dya = np.asarray(x), np.asarray(dy)
    if ctx.attrs["data_format"] == "NHWC" and xa.ndim == 4 and xa.dtype == dya.dtype:
        g = _pool_geom(xa.shape, ctx.attrs)
        if ((pool_loops.tiles(g) or pool_small_windows.fits(g))
                and pool_loops.usable(xa, dya)
                and dya.shape == (xa.shape[0], g.oh, g.ow, xa.shape[3])):
            return pool_loops.max_pool_grad(ctx, xa, dya, g, relu=True)
    dx = _max_pool_grad_kernel(ctx, x, y, dy)
    return registry.get_op_def("ReluGrad").kernel(ctx, dx, x)


registry.not_differentiable("_FusedMaxPoolGradReluGrad")


@registry.register_kernel("MaxPoolGradGrad")
def _max_pool_grad_grad_kernel(ctx: registry.KernelContext, x: Any, y: Any, ggx: Any) -> Any:
    """The gradient of ``MaxPoolGrad`` with respect to its ``grad`` input: ``ggx`` read
    at each window's argmax."""
    fmt = ctx.attrs["data_format"]
    x = _to_nhwc(np.asarray(x), fmt)
    ggx = _to_nhwc(np.asarray(ggx), fmt)
    g = _pool_geom(x.shape, ctx.attrs)
    if ggx.shape == x.shape and ggx.dtype.kind == "f" and x.dtype.kind in "fiu":
        return _from_nhwc(pool_gradgrad.max_pool_grad_grad(ctx, x, ggx, g,
                                                           _lowest(x.dtype)), fmt)
    _, idx = _argmax_windows(x, g)
    gp = np.pad(ggx, g.pads)
    out = np.zeros(idx.shape, dtype=ggx.dtype)
    for i, j, sl in g.offs:
        np.copyto(out, gp[sl], where=idx == i * g.kw + j)
    return _from_nhwc(out, fmt)


def _avg_counts(h: int, w: int, g: _Geom) -> np.ndarray:
    """How many real (unpadded) input pixels each output pixel averages: ``[OH, OW]``."""
    def axis(size: int, k: int, s: int, o: int, before: int) -> np.ndarray:
        start = np.arange(o) * s - before
        return np.minimum(start + k, size) - np.maximum(start, 0)

    return np.outer(axis(h, g.kh, g.sh, g.oh, g.pads[1][0]),
                    axis(w, g.kw, g.sw, g.ow, g.pads[2][0]))


@registry.register_kernel("AvgPool")
def _avg_pool_kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    fmt = ctx.attrs["data_format"]
    x = _to_nhwc(np.asarray(x), fmt)
    g = _pool_geom(x.shape, ctx.attrs)
    counts = _avg_counts(x.shape[1], x.shape[2], g).astype(x.dtype)
    if x.dtype.kind == "f":
        return _from_nhwc(pool_avg.avg_pool(ctx, x, g, counts[:, :, None]), fmt)
    xp = np.pad(x, g.pads)
    out = np.zeros((x.shape[0], g.oh, g.ow, x.shape[3]), dtype=x.dtype)
    for _, _, sl in g.offs:
        out += xp[sl]
    out /= counts[None, :, :, None]
    return _from_nhwc(out, fmt)


def avg_pool_grad(orig_input_shape: Tensor, grad: Tensor, attrs: dict) -> Tensor:
    """The gradient of ``avg_pool`` with respect to its input."""
    from trainkit.ops.static_value import partial_shape_value

    return make_op("AvgPoolGrad", [orig_input_shape, grad], [grad.dtype], name="AvgPoolGrad",
                   attrs=dict(attrs), shapes=[partial_shape_value(orig_input_shape)]
                   ).outputs[0]


@registry.register_kernel("AvgPoolGrad")
def _avg_pool_grad_kernel(ctx: registry.KernelContext, shape: Any, dy: Any) -> Any:
    fmt = ctx.attrs["data_format"]
    n, h, w, c = _nhwc_shape([int(d) for d in shape], fmt)
    dy = _to_nhwc(np.asarray(dy), fmt)
    g = _pool_geom((n, h, w, c), ctx.attrs)
    counts = _avg_counts(h, w, g).astype(dy.dtype)
    if dy.dtype.kind == "f" and dy.shape == (n, g.oh, g.ow, c):
        return _from_nhwc(pool_avg.avg_pool_grad(ctx, dy, g, (n, h, w, c),
                                                 counts[:, :, None]), fmt)
    gs = dy / counts[None, :, :, None]
    dxp = np.zeros((n, h + sum(g.pads[1]), w + sum(g.pads[2]), c), dtype=dy.dtype)
    for _, _, sl in g.offs:
        dxp[sl] += gs
    return _from_nhwc(np.ascontiguousarray(g.crop(dxp)), fmt)


def pool_grad(op_type: str, inputs: list, like: Tensor, attrs: dict) -> Tensor:
    """Builds ``MaxPoolGrad``/``MaxPoolGradGrad`` with the attrs of the forward op."""
    return make_op(op_type, inputs, [like.dtype], name=op_type, attrs=dict(attrs),
                   shapes=[like.shape]).outputs[0]



__all__ = ["max_pool", "max_pool2d", "avg_pool", "avg_pool_grad", "pool_grad"]
