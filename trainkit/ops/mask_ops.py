"""``one_hot`` and ``boolean_mask``, with the kernels ``boolean_mask``'s gradient uses.

Example:
    >>> import trainkit as tk
    >>> tk.one_hot([0, 2], 3).shape.as_list()
    [2, 3]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op, op_scope
from trainkit.ops.static_value import constant_value


def one_hot(indices: Any, depth: Any, on_value: Any = None, off_value: Any = None,
            axis: int | None = None, dtype: Any = None, name: str | None = None) -> Tensor:
    """One-hot rows: ``on_value`` where ``indices == j``, ``off_value`` elsewhere (indices
    out of ``[0, depth)`` give all-off rows). The new axis is ``axis`` (default last).

    Raises:
        TypeError: if ``dtype`` disagrees with ``on_value``/``off_value``.
    """
    with op_scope(name or "one_hot", [indices, depth, on_value, off_value]) as scope:
        return _one_hot(indices, depth, on_value, off_value, axis, dtype, scope)


def _one_hot(indices: Any, depth: Any, on_value: Any, off_value: Any, axis: int | None,
             dtype: Any, name: str) -> Tensor:
    i = conversion.convert_to_tensor(indices)
    dt = None if dtype is None else _dt.as_dtype(dtype)
    for v in (on_value, off_value):
        if isinstance(v, Tensor):
            if dt is not None and v.dtype is not dt:
                raise TypeError(f"one_hot: dtype {dt.name} does not match on/off value "
                                f"dtype {v.dtype.name}.")
            dt = v.dtype
    dt = dt or _dt.float32
    on = conversion.convert_to_tensor(1 if on_value is None else on_value, dtype=dt,
                                      name="on_value")
    off = conversion.convert_to_tensor(0 if off_value is None else off_value, dtype=dt,
                                       name="off_value")
    d = conversion.convert_to_tensor(depth, dtype=_dt.int32, name="depth") \
        if not isinstance(depth, Tensor) else depth
    ax = -1 if axis is None else int(axis)
    dv = constant_value(d)
    out = TensorShape(None)
    if i.shape.ndims is not None:
        dims = i.shape.as_list()
        r = len(dims)
        if not -1 <= ax <= r:
            raise ValueError(f"one_hot: axis {ax} must be in [-1, {r}].")
        pos = r if ax == -1 else ax
        dims.insert(pos, None if dv is None else int(dv))
        out = TensorShape(dims)
    return make_op("OneHot", [i, d, on, off], [dt], name=name,
                   attrs={"axis": ax}, shapes=[out]).outputs[0]


@registry.register_kernel("OneHot")
def _one_hot_kernel(ctx: registry.KernelContext, idx: Any, depth: Any, on: Any,
                    off: Any) -> np.ndarray:
    d = int(depth)
    if d < 0:
        raise errors.InvalidArgumentError(None, None, f"depth must be >= 0, got {d}")
    hit = np.asarray(idx)[..., None] == np.arange(d)
    out = np.where(hit, on, off).astype(ctx.op.outputs[0].dtype.np_dtype, copy=False)
    ax = ctx.attrs["axis"]
    return out if ax == -1 else np.ascontiguousarray(np.moveaxis(out, -1, ax))


def boolean_mask(tensor: Any, mask: Any, name: str = "boolean_mask",
                 axis: int | None = None) -> Tensor:
    """The entries of ``tensor`` where the boolean ``mask`` (covering dimensions
    ``axis .. axis + mask.ndim``) is true, flattened into one dimension.

    Raises:
        ValueError: if the mask's rank is unknown or its shape does not match.
    """
    t = conversion.convert_to_tensor(tensor)
    m = conversion.convert_to_tensor(mask)
    if m.dtype is not _dt.bool_:
        raise TypeError(f"boolean_mask: mask must be bool, got {m.dtype.name}.")
    k = m.shape.ndims
    if k is None or k == 0:
        raise ValueError("Number of mask dimensions must be specified, even if some "
                         "dimensions are None. E.g. shape=[None] is ok, but shape=None is not.")
    ax = 0 if axis is None else int(axis)
    out = TensorShape(None)
    if t.shape.ndims is not None:
        ax %= t.shape.ndims
        part = t.shape[ax:ax + k]
        if not part.is_compatible_with(m.shape):
            raise ValueError(f"Shapes {part} and {m.shape} are incompatible "
                             f"(boolean_mask '{name}').")
        d = t.shape.as_list()
        out = TensorShape(d[:ax] + [None] + d[ax + k:])
    return make_op("BooleanMask", [t, m], [t.dtype], name=name, attrs={"axis": ax},
                   shapes=[out]).outputs[0]


def _mask_index(x_shape: tuple, mask: Any, axis: int) -> tuple:
    m = np.asarray(mask)
    if tuple(x_shape[axis:axis + m.ndim]) != m.shape:
        raise errors.InvalidArgumentError(
            None, None, f"mask shape {list(m.shape)} does not match tensor dimensions "
                        f"{list(x_shape[axis:axis + m.ndim])}")
    return (slice(None),) * axis + (m,)


@registry.register_kernel("BooleanMask")
def _boolean_mask_kernel(ctx: registry.KernelContext, x: Any, mask: Any) -> np.ndarray:
    return np.asarray(x)[_mask_index(np.shape(x), mask, ctx.attrs["axis"])]


@registry.register_kernel("BooleanMaskGrad")
def _boolean_mask_grad_kernel(ctx: registry.KernelContext, g: Any, mask: Any,
                              shape: Any) -> np.ndarray:
    out = np.zeros([int(d) for d in shape], dtype=g.dtype)
    out[_mask_index(out.shape, mask, ctx.attrs["axis"])] = g
    return out


registry.not_differentiable("OneHot")


__all__ = ["one_hot", "boolean_mask"]
