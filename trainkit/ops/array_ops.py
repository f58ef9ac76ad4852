"""Array ops that make or describe tensors: identity, stop_gradient, zeros/ones/fill/range,
shape/size/rank (NumPy kernels).

Reshaping ops live in ``shape_ops``, joining ops in ``join_ops`` and indexing ops in
``slicing_ops``; this module re-exports them so ``array_ops.reshape`` etc. work.

Example:
    >>> import trainkit as tk
    >>> tk.fill([2, 3], 7).shape.as_list()
    [2, 3]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops.cast_ops import cast
from trainkit.ops.identity_ops import identity, stop_gradient
from trainkit.ops.join_ops import concat, split, stack, unstack
from trainkit.ops.mask_ops import boolean_mask, one_hot
from trainkit.ops.op_util import make_op, op_scope
from trainkit.ops.shape_ops import (
    as_shape_tensor,
    expand_dims,
    pad,
    reshape,
    squeeze,
    tile,
    transpose,
)
from trainkit.ops.slicing_ops import gather, gather_nd, scatter_nd, strided_slice
from trainkit.ops.slicing_ops import slice_ as slice  # noqa: A001 - TF's public name
from trainkit.ops.static_value import constant_value, partial_shape_value


# -- constructors -------------------------------------------------------------------------
def _zero_of(dtype: _dt.DType) -> Any:
    return b"" if dtype is _dt.string else np.zeros((), dtype.np_dtype)


def _one_of(dtype: _dt.DType) -> Any:
    if dtype is _dt.string:
        raise TypeError("ones/ones_like are not defined for string tensors.")
    return np.ones((), dtype.np_dtype)


def _static_dims(shape: Any) -> list[int] | None:
    """``shape`` as a list of Python ints when it is fully known at build time."""
    if isinstance(shape, TensorShape):
        return shape.as_list() if shape.is_fully_defined() else None
    if isinstance(shape, Tensor):
        v = constant_value(shape)
        return None if v is None else [int(d) for d in np.reshape(v, [-1])]
    if isinstance(shape, int | np.integer):
        return [int(shape)]
    if isinstance(shape, list | tuple | np.ndarray):
        if all(isinstance(d, int | np.integer) for d in shape):
            return [int(d) for d in shape]
    return None


#: TF builds ``zeros``/``ones`` of a known shape as one ``Const`` below this many elements,
#: and as ``Fill(shape_as_tensor, Const)`` from it on (keeping big values out of GraphDefs)
_CONST_IF_SMALLER = 1000


def _filled(shape: Any, value: Any, dtype: _dt.DType, name: str) -> Tensor:
    with op_scope(name, [shape]) as scope:
        if not isinstance(shape, Tensor):
            dims = _static_dims(shape)
            if dims is not None:
                bad = [d for d in dims if d < 0]
                if bad:
                    raise ValueError(f"{name}: dimensions must be >= 0, got shape {dims}.")
                if int(np.prod(dims, dtype=np.int64)) < _CONST_IF_SMALLER:
                    return constant(value, dtype=dtype, shape=dims, name=scope)
                shape = constant(np.array(dims, np.int32), name="shape_as_tensor")
        return fill(shape, constant(value, dtype=dtype), name=scope)


def zeros(shape: Any, dtype: Any = _dt.float32, name: str | None = None) -> Tensor:
    """A tensor of ``shape`` filled with zeros (a ``Const`` when the shape is known).

    Example:
        >>> tk.zeros([2, 3], tk.int32).shape.as_list()
        [2, 3]
    """
    dt = _dt.as_dtype(dtype)
    return _filled(shape, _zero_of(dt), dt, name or "zeros")


def ones(shape: Any, dtype: Any = _dt.float32, name: str | None = None) -> Tensor:
    """A tensor of ``shape`` filled with ones."""
    dt = _dt.as_dtype(dtype)
    return _filled(shape, _one_of(dt), dt, name or "ones")


def _like(kind: str, tensor: Any, dtype: Any, name: str | None, optimize: bool) -> Tensor:
    t = conversion.convert_to_tensor(tensor)
    dt = t.dtype if dtype is None else _dt.as_dtype(dtype)
    value = _zero_of(dt) if kind == "ZerosLike" else _one_of(dt)
    default = "zeros_like" if kind == "ZerosLike" else "ones_like"
    if optimize and t.shape.is_fully_defined():
        return constant(value, dtype=dt, shape=t.shape.as_list(), name=name or default)
    if kind == "OnesLike" and optimize:  # TF: Fill(Shape, 1) named ``ones_like``
        with op_scope(name or default, [t]) as scope:
            return fill(shape(t), constant(value, dtype=dt), name=scope)
    return make_op(kind, [t], [dt], name=name or default, attrs={"dtype": dt},
                   shapes=[t.shape]).outputs[0]


def zeros_like(tensor: Any, dtype: Any = None, name: str | None = None,
               optimize: bool = True) -> Tensor:
    """Zeros with the shape of ``tensor`` (and its dtype unless ``dtype`` is given)."""
    return _like("ZerosLike", tensor, dtype, name, optimize)


def ones_like(tensor: Any, dtype: Any = None, name: str | None = None,
              optimize: bool = True) -> Tensor:
    """Ones with the shape of ``tensor`` (and its dtype unless ``dtype`` is given)."""
    return _like("OnesLike", tensor, dtype, name, optimize)


@registry.register_kernel("ZerosLike")
def _zeros_like_kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    return np.zeros(np.shape(x), ctx.attrs["dtype"].np_dtype)


@registry.register_kernel("OnesLike")
def _ones_like_kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    return np.ones(np.shape(x), ctx.attrs["dtype"].np_dtype)


def fill(dims: Any, value: Any, name: str | None = None) -> Tensor:
    """A tensor of shape ``dims`` whose elements all equal the scalar ``value``.

    Raises:
        ValueError: if ``value`` is not a scalar.
    """
    with op_scope(name or "Fill", [dims, value]) as scope:  # ``Fill/dims``, ``Fill/value``
        d = as_shape_tensor(dims, "dims")
        v = conversion.convert_to_tensor(value, name="value")
        if v.shape.ndims not in (None, 0):
            raise ValueError(f"fill: value must be a scalar, got shape {v.shape}.")
        return make_op("Fill", [d, v], [v.dtype], name=scope,
                       shapes=[partial_shape_value(d)]).outputs[0]


@registry.register_kernel("Fill")
def _fill_kernel(ctx: registry.KernelContext, dims: Any, value: Any) -> np.ndarray:
    shape = [int(d) for d in np.reshape(dims, [-1])]
    if any(d < 0 for d in shape):
        raise errors.InvalidArgumentError(None, None, f"dims must be >= 0, got {shape}.")
    return np.full(shape, value, dtype=ctx.op.outputs[0].dtype.np_dtype)


_RANGE_ORDER = (_dt.int32, _dt.int64, _dt.float32, _dt.float64)


def range(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None,  # noqa: A001
          name: str = "range") -> Tensor:
    """``[start, start + delta, ...)`` up to (excluding) ``limit``, like ``np.arange``.

    ``range(n)`` counts from 0. Without ``dtype`` the widest type of the arguments wins
    (int32 < int64 < float32 < float64).

    Example:
        >>> tk.range(1, 10, 3).shape.as_list()
        [3]
    """
    if limit is None:
        start, limit = 0, start
    args = [start, limit, delta]
    if dtype is not None:
        dt = _dt.as_dtype(dtype)
    else:
        kinds = [a.dtype if isinstance(a, Tensor) else _dt.dtype_of_value(a) for a in args]
        dt = max(kinds, key=lambda k: _RANGE_ORDER.index(k) if k in _RANGE_ORDER else 0)
    ts = []
    for a, n in zip(args, ("start", "limit", "delta")):
        if isinstance(a, Tensor):
            if a.dtype is not dt:
                a = cast(a, dt)
            ts.append(a)
        else:
            ts.append(constant(a, dtype=dt, name=n))
    vals = [constant_value(t) for t in ts]
    length = None
    if all(v is not None for v in vals):
        s, lim, d = (float(v) for v in vals)
        if d == 0:
            raise ValueError(f"range '{name}': delta must not be 0.")
        length = max(0, int(np.ceil((lim - s) / d)))
    return make_op("Range", ts, [dt], name=name, shapes=[TensorShape([length])]).outputs[0]


@registry.register_kernel("Range")
def _range_kernel(ctx: registry.KernelContext, start: Any, limit: Any, delta: Any) -> Any:
    if delta == 0:
        raise errors.InvalidArgumentError(None, None, "Requires delta != 0")
    if delta > 0 and start > limit:
        raise errors.InvalidArgumentError(
            None, None, f"Requires start <= limit when delta > 0: {start}/{limit}")
    if delta < 0 and start < limit:
        raise errors.InvalidArgumentError(
            None, None, f"Requires start >= limit when delta < 0: {start}/{limit}")
    return np.arange(start, limit, delta, dtype=ctx.op.outputs[0].dtype.np_dtype)


# -- describing tensors -------------------------------------------------------------------
def _out_type(out_type: Any) -> _dt.DType:
    dt = _dt.as_dtype(out_type)
    if dt not in (_dt.int32, _dt.int64):
        raise TypeError(f"out_type must be int32 or int64, got {dt.name}.")
    return dt


def shape(input: Any, name: str | None = None, out_type: Any = _dt.int32) -> Tensor:
    """The dynamic shape of ``input`` as a 1-D int tensor (a ``Const`` when the static
    shape is fully known, as TF1 does)."""
    dt = _out_type(out_type)
    if isinstance(input, SparseTensor):
        return input.dense_shape
    t = conversion.convert_to_tensor(input)
    if t.shape.is_fully_defined():
        return constant(np.array(t.shape.as_list(), dt.np_dtype), dtype=dt,
                        name=name or "Shape")
    return make_op("Shape", [t], [dt], name=name or "Shape", attrs={"out_type": dt},
                   shapes=[TensorShape([t.shape.ndims])]).outputs[0]


def size(input: Any, name: str | None = None, out_type: Any = _dt.int32) -> Tensor:
    """The number of elements of ``input`` as a scalar int tensor."""
    dt = _out_type(out_type)
    t = conversion.convert_to_tensor(input)
    n = t.shape.num_elements()
    if n is not None:
        return constant(n, dtype=dt, name=name or "Size")
    return make_op("Size", [t], [dt], name=name or "Size", attrs={"out_type": dt},
                   shapes=[TensorShape([])]).outputs[0]


def rank(input: Any, name: str | None = None) -> Tensor:
    """The number of dimensions of ``input`` as a scalar int32 tensor."""
    t = conversion.convert_to_tensor(input)
    if t.shape.ndims is not None:
        return constant(t.shape.ndims, dtype=_dt.int32, name=name or "Rank")
    return make_op("Rank", [t], [_dt.int32], name=name or "Rank",
                   shapes=[TensorShape([])]).outputs[0]


@registry.register_kernel("Shape")
def _shape_kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    return np.array(np.shape(x), dtype=ctx.attrs["out_type"].np_dtype)


@registry.register_kernel("Size")
def _size_kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    return np.array(np.size(x), dtype=ctx.attrs["out_type"].np_dtype)


@registry.register_kernel("Rank")
def _rank_kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    return np.array(np.ndim(x), dtype=np.int32)


registry.not_differentiable("Shape", "Size", "Rank", "ZerosLike", "OnesLike", "Range")

__all__ = [
    "identity", "stop_gradient", "zeros", "ones", "zeros_like", "ones_like", "fill",
    "range", "shape", "size", "rank", "reshape", "transpose", "expand_dims", "squeeze",
    "tile", "pad", "concat", "stack", "unstack", "split", "slice", "strided_slice",
    "gather", "gather_nd", "scatter_nd", "one_hot", "boolean_mask",
]
