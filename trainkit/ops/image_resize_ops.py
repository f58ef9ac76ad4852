"""TF's resize ops with the size as a graph input: ``ResizeBilinear``,
``ResizeNearestNeighbor``, ``ResizeBicubic`` and ``ResizeArea`` (``tf.image.resize_*``
with a ``size`` known only when the graph runs, e.g. ``tf.shape(x)[1:3] * 2``), with the
gradient ops ``ResizeBilinearGrad``, ``ResizeNearestNeighborGrad`` and
``ResizeBicubicGrad`` (``ResizeArea`` has no gradient, as in TF).

Bilinear and nearest neighbour (and their gradients) also take TF's
``half_pixel_centers`` attribute (TF 1.14+, what TF2's ``tf.image.resize`` uses); like
TF, combining it with ``align_corners`` fails when the op runs.

The kernels build TF1's legacy per-axis sampling weights (:mod:`image_resize_weights`)
for the sizes they are given and contract height and width with them; the gradients
contract with the transposes. The static output shape is
``[batch, new_height, new_width, channels]`` with the new sizes TF's shape inference
would know: those of a small constant subgraph (:mod:`static_fold`), else None.

Example:
    >>> s = tk.shape(x)
    >>> up = resize_op("ResizeNearestNeighbor", x, tk.stack([2 * s[1], 2 * s[2]]))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops
from trainkit.ops.image_resize_weights import (
    area_weights,
    bicubic_weights,
    half_pixel_linear_weights,
    half_pixel_nearest,
    linear_weights,
    nearest_indices,
)
from trainkit.ops.op_util import make_op
from trainkit.ops.static_fold import folded_dims

#: per-axis ``[out, in]`` weights of each contracting resize op
_WEIGHTS = {
    "ResizeBilinear": lambda n, m, a: linear_weights(n, m, a, False),
    "ResizeBicubic": bicubic_weights,
    "ResizeArea": area_weights,
}
RESIZE_OPS = (*_WEIGHTS, "ResizeNearestNeighbor")
#: the ops whose kernels implement ``half_pixel_centers``
HALF_PIXEL_OPS = ("ResizeBilinear", "ResizeNearestNeighbor")


def resize_op(op_type: str, images: Tensor, size: Tensor, align_corners: bool = False,
              name: str | None = None, half_pixel_centers: bool = False) -> Tensor:
    """Adds the ``op_type`` resize of the 4-D ``images`` to the int32 ``size`` tensor.

    Nearest neighbour keeps the dtype; the others give float32 (float64 for float64
    images, so gradients can be checked in double precision).

    Raises:
        ValueError: ``images`` not 4-D, or ``size`` not of shape ``[2]`` (TF's shape
            function errors).
        NotImplementedError: ``half_pixel_centers`` for bicubic or area.
    """
    if half_pixel_centers and op_type not in HALF_PIXEL_OPS:
        raise NotImplementedError(f"{op_type}: half_pixel_centers is not supported.")
    if images.shape.ndims is not None and images.shape.ndims != 4:
        raise ValueError(f"Shape must be rank 4 but is rank {images.shape.ndims} for "
                         f"'{op_type}' with input shapes: {images.shape}, {size.shape}.")
    if not size.shape.is_compatible_with([2]):
        raise ValueError(f"'{op_type}': size must be a 1-D Tensor of 2 elements "
                         f"(new_height, new_width), got shape {size.shape}.")
    if op_type == "ResizeNearestNeighbor" or images.dtype is _dt.float64:
        out_dtype = images.dtype
    else:
        out_dtype = _dt.float32
    hw = folded_dims(size) or [None, None]
    dims = images.shape.as_list() if images.shape.ndims == 4 else [None] * 4
    attrs = {"align_corners": bool(align_corners)}
    if op_type in HALF_PIXEL_OPS:
        attrs["half_pixel_centers"] = bool(half_pixel_centers)
    return make_op(op_type, [images, size], [out_dtype], name=name or op_type, attrs=attrs,
                   shapes=[[dims[0], hw[0], hw[1], dims[3]]]).outputs[0]


def _checked_size(ctx: registry.KernelContext, size: Any) -> tuple[int, int]:
    s = np.asarray(size)
    if s.shape != (2,):
        raise errors.InvalidArgumentError(
            None, ctx.op, f"{ctx.op.type} '{ctx.name}': shape_t must be 1-D with 2 "
                          f"elements (new_height, new_width), got shape {list(s.shape)}.")
    oh, ow = (int(v) for v in s.tolist())
    if oh <= 0 or ow <= 0:
        raise errors.InvalidArgumentError(
            None, ctx.op, f"{ctx.op.type} '{ctx.name}': output dimensions must be "
                          f"positive, got size [{oh}, {ow}].")
    return oh, ow


def _checked_images(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 4 or 0 in x.shape[1:3]:
        raise errors.InvalidArgumentError(
            None, ctx.op, f"{ctx.op.type} '{ctx.name}': input must be 4-D with non-empty "
                          f"height and width, got shape {list(x.shape)}.")
    return x


def _half_pixel(ctx: registry.KernelContext) -> bool:
    """The op's ``half_pixel_centers``, refused with ``align_corners`` as TF's kernels do."""
    half = bool(ctx.attrs.get("half_pixel_centers", False))
    if half and ctx.attrs["align_corners"]:
        raise errors.InvalidArgumentError(
            None, ctx.op, f"{ctx.op.type} '{ctx.name}': If half_pixel_centers is True, "
                          "align_corners must be False.")
    return half


def _axis_weights(ctx: registry.KernelContext, op_type: str, n_in: int,
                  n_out: int) -> np.ndarray:
    """The ``[n_out, n_in]`` weights of one axis under the op's attributes."""
    if op_type == "ResizeBilinear" and _half_pixel(ctx):
        return half_pixel_linear_weights(n_in, n_out)
    return _WEIGHTS[op_type](n_in, n_out, ctx.attrs["align_corners"])


def _nearest_rows(ctx: registry.KernelContext, n_in: int, n_out: int) -> np.ndarray:
    """The source index of each of ``n_out`` outputs under the op's attributes."""
    if _half_pixel(ctx):
        return half_pixel_nearest(n_in, n_out)
    return nearest_indices(n_in, n_out, ctx.attrs["align_corners"])


def _contract(x: np.ndarray, mh: np.ndarray, mw: np.ndarray) -> np.ndarray:
    """``x`` ``[n, h, w, c]`` with height contracted by ``mh`` and width by ``mw``."""
    y = np.einsum("oh,nhwc->nowc", mh, x, optimize=True)
    return np.einsum("pw,nowc->nopc", mw, y, optimize=True)


def _contracting_kernel(op_type: str) -> None:
    @registry.register_kernel(op_type)
    def kernel(ctx: registry.KernelContext, images: Any, size: Any) -> np.ndarray:
        x = _checked_images(ctx, images)
        oh, ow = _checked_size(ctx, size)
        mh = _axis_weights(ctx, op_type, x.shape[1], oh)
        mw = _axis_weights(ctx, op_type, x.shape[2], ow)
        y = _contract(x.astype(np.float64), mh, mw)  # rounded once, at the end
        return y.astype(ctx.op.outputs[0].dtype.np_dtype)


for _name in _WEIGHTS:
    _contracting_kernel(_name)


@registry.register_kernel("ResizeNearestNeighbor")
def _nearest(ctx: registry.KernelContext, images: Any, size: Any) -> np.ndarray:
    x = _checked_images(ctx, images)
    oh, ow = _checked_size(ctx, size)
    rows = _nearest_rows(ctx, x.shape[1], oh)
    cols = _nearest_rows(ctx, x.shape[2], ow)
    return x[:, rows][:, :, cols]


def _grad_kernel(op_type: str) -> None:
    @registry.register_kernel(op_type + "Grad")
    def kernel(ctx: registry.KernelContext, grads: Any, original: Any) -> np.ndarray:
        g = np.asarray(grads, np.float64)
        _, h, w, _ = np.shape(original)
        mh = _axis_weights(ctx, op_type, h, g.shape[1])
        mw = _axis_weights(ctx, op_type, w, g.shape[2])
        return _contract(g, mh.T, mw.T).astype(ctx.op.outputs[0].dtype.np_dtype)


_grad_kernel("ResizeBilinear")
_grad_kernel("ResizeBicubic")


@registry.register_kernel("ResizeNearestNeighborGrad")
def _nearest_grad(ctx: registry.KernelContext, grads: Any, size: Any) -> np.ndarray:
    g = np.asarray(grads)
    h, w = (int(v) for v in np.asarray(size).tolist())
    rows = _nearest_rows(ctx, h, g.shape[1])
    cols = _nearest_rows(ctx, w, g.shape[2])
    by_row = np.zeros((g.shape[0], h, g.shape[2], g.shape[3]), np.float64)
    np.add.at(by_row, (slice(None), rows), g)
    out = np.zeros((g.shape[0], h, w, g.shape[3]), np.float64)
    np.add.at(out, (slice(None), slice(None), cols), by_row)
    return out.astype(g.dtype)


def _like_grad(op: Operation, grad: Tensor) -> list:
    image = op.inputs[0]
    if not image.dtype.is_floating:
        return [None, None]
    g = make_op(op.type + "Grad", [grad, image], [image.dtype], name=op.type + "Grad",
                attrs=dict(op.attrs), shapes=[image.shape]).outputs[0]
    return [g, None]


registry.register_gradient("ResizeBilinear")(_like_grad)
registry.register_gradient("ResizeBicubic")(_like_grad)
registry.not_differentiable("ResizeBilinearGrad", "ResizeBicubicGrad")


@registry.register_gradient("ResizeNearestNeighbor")
def _nearest_grad_rule(op: Operation, grad: Tensor) -> list:
    image = op.inputs[0]
    hw = image.shape.as_list()[1:3] if image.shape.ndims == 4 else [None, None]
    size = (conversion.convert_to_tensor(np.array(hw, np.int32)) if None not in hw
            else array_ops.shape(image)[1:3])
    g = make_op("ResizeNearestNeighborGrad", [grad, size], [grad.dtype],
                name="ResizeNearestNeighborGrad", attrs=dict(op.attrs),
                shapes=[image.shape]).outputs[0]
    return [g, None]


__all__ = ["resize_op", "RESIZE_OPS", "HALF_PIXEL_OPS"]
