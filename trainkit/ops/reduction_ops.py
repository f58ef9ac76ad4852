"""Reductions (``reduce_sum/mean/max/min/prod/any/all``), ``argmax``/``argmin`` and
``cumsum`` (NumPy kernels, TF1 signatures).

``axis`` may be None (reduce everything), an int, a list (negative entries count from the
end) or a constant tensor; it must be known when the graph is built. Results keep the
input dtype: integer sums do not widen to int64 and integer means truncate toward zero,
as in TF; float16 sums and means accumulate in float32. ``reduce_sum``, ``reduce_mean``,
``reduce_prod`` and ``cumsum`` also take complex tensors (``reduce_max``/``min`` and
``argmax``/``argmin`` refuse them, as TF).

Differs from TF: a reduction ``axis`` computed at run time (a non-constant tensor) is not
supported (``TypeError``).

Example:
    >>> import trainkit as tk
    >>> x = tk.constant([[1, 2], [3, 4]])
    >>> tk.reduce_sum(x, axis=1).shape.as_list(), tk.reduce_mean(x, keepdims=True).dtype
    ([2], tk.int32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.elementwise import (
    BOOL,
    NUMERIC,
    NUMERIC_OR_COMPLEX,
    check_dtype,
    quiet,
    static_int_list,
)
from trainkit.ops.op_util import make_op, op_scope


def _lookup(axis: Any, keepdims: Any, reduction_indices: Any, keep_dims: Any,
            ) -> tuple[Any, bool]:
    if reduction_indices is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'reduction_indices'.")
        axis = reduction_indices
    if keep_dims is not None:
        if keepdims is not None:
            raise ValueError("Cannot specify both 'keepdims' and 'keep_dims'.")
        keepdims = keep_dims
    return axis, bool(keepdims)


def normalize_axes(op_type: str, name: str, x: Tensor, axis: Any) -> tuple[int, ...] | None:
    """The reduction axes as a sorted tuple of non-negative ints when ``x``'s rank is known.

    Raises:
        ValueError: for an axis out of range or given twice.
        TypeError: for a non-constant axis tensor or non-integer axes.
    """
    axes = static_int_list(axis, "axis")
    if axes is None:
        return None
    rank = x.shape.ndims
    if rank is None:
        return tuple(axes)
    out = []
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"{op_type} op '{name}': invalid reduction dimension {a} for "
                             f"input {x.name} with {rank} dimensions.")
        out.append(a % rank)
    if len(set(out)) != len(out):
        raise ValueError(f"{op_type} op '{name}': axis {axes} contains a duplicate "
                         f"dimension (input {x.name}).")
    return tuple(sorted(out))


def reduced_shape(shape: TensorShape, axes: tuple | None, keep: bool) -> TensorShape:
    """The static shape of a reduction of ``shape`` over ``axes``."""
    if shape.ndims is None:
        return TensorShape([]) if axes is None and not keep else TensorShape(None)
    if axes is None:
        axes = tuple(range(shape.ndims))
    if any(a < 0 for a in axes):
        return TensorShape(None)
    if keep:
        return TensorShape([1 if i in axes else d for i, d in enumerate(shape)])
    return TensorShape([d for i, d in enumerate(shape) if i not in axes])


def _reduce(op_type: str, input_tensor: Any, axis: Any, keepdims: Any, name: str | None,
            reduction_indices: Any, keep_dims: Any, allowed: frozenset) -> Tensor:
    name = name or op_type
    axis, keep = _lookup(axis, keepdims, reduction_indices, keep_dims)
    x = conversion.convert_to_tensor(input_tensor)
    check_dtype(op_type, name, "input", x, allowed)
    axes = normalize_axes(op_type, name, x, axis)
    out = x.dtype.as_numpy_dtype
    acc = np.float32 if x.dtype is _dt.float16 else out
    attrs = {"axis": axes, "keep_dims": keep, "_acc": acc, "_out": out}
    index = None
    if axis is None and x.shape.ndims is not None:  # TF: a ``Const`` outside the op scope
        index = constant(np.arange(x.shape.ndims, dtype=np.int32))
    with op_scope(name, [x]) as scope:
        if axis is not None:
            index = _axis_input(axis, "reduction_indices")
        inputs = [x] if index is None else [x, index]
        return make_op(op_type, inputs, [x.dtype], name=scope, attrs=attrs,
                       shapes=[reduced_shape(x.shape, axes, keep)]).outputs[0]


def _axis_input(axis: Any, arg: str) -> Tensor:
    """The axis operand TF gives a reduction (``Sum/reduction_indices``) or ``argmax``
    (``ArgMax/dimension``). The kernels read the static axes from the attrs; the input
    keeps the graph's nodes and names TF's (an ``import_graph_def`` or TensorBoard sees
    the same graph)."""
    if isinstance(axis, Tensor):
        return axis
    return conversion.convert_to_tensor(np.asarray(axis, dtype=np.int32), name=arg)


def reduce_sum(input_tensor: Any, axis: Any = None, keepdims: bool | None = None,
               name: str | None = None, reduction_indices: Any = None,
               keep_dims: bool | None = None) -> Tensor:
    """The sum over ``axis`` (all axes when None).

    Raises:
        ValueError: for an axis out of range, or both ``axis`` and ``reduction_indices``.
        TypeError: for a non-numeric input.
    """
    return _reduce("Sum", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                   NUMERIC_OR_COMPLEX)


def reduce_mean(input_tensor: Any, axis: Any = None, keepdims: bool | None = None,
                name: str | None = None, reduction_indices: Any = None,
                keep_dims: bool | None = None) -> Tensor:
    """The mean over ``axis``; integer means truncate toward zero (TF)."""
    return _reduce("Mean", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                   NUMERIC_OR_COMPLEX)


def reduce_max(input_tensor: Any, axis: Any = None, keepdims: bool | None = None,
               name: str | None = None, reduction_indices: Any = None,
               keep_dims: bool | None = None) -> Tensor:
    """The maximum over ``axis`` (``-inf`` / the lowest integer for an empty reduction)."""
    return _reduce("Max", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                   NUMERIC)


def reduce_min(input_tensor: Any, axis: Any = None, keepdims: bool | None = None,
               name: str | None = None, reduction_indices: Any = None,
               keep_dims: bool | None = None) -> Tensor:
    """The minimum over ``axis`` (``inf`` / the highest integer for an empty reduction)."""
    return _reduce("Min", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                   NUMERIC)


def reduce_prod(input_tensor: Any, axis: Any = None, keepdims: bool | None = None,
                name: str | None = None, reduction_indices: Any = None,
                keep_dims: bool | None = None) -> Tensor:
    """The product over ``axis``."""
    return _reduce("Prod", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                   NUMERIC_OR_COMPLEX)


def reduce_any(input_tensor: Any, axis: Any = None, keepdims: bool | None = None,
               name: str | None = None, reduction_indices: Any = None,
               keep_dims: bool | None = None) -> Tensor:
    """Logical OR over ``axis`` (bool input)."""
    return _reduce("Any", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                   BOOL)


def reduce_all(input_tensor: Any, axis: Any = None, keepdims: bool | None = None,
               name: str | None = None, reduction_indices: Any = None,
               keep_dims: bool | None = None) -> Tensor:
    """Logical AND over ``axis`` (bool input)."""
    return _reduce("All", input_tensor, axis, keepdims, name, reduction_indices, keep_dims,
                   BOOL)


def _single_axis(op_type: str, name: str, x: Tensor, axis: Any) -> int:
    axes = static_int_list(axis, "axis")
    if axes is None or len(axes) != 1:
        raise ValueError(f"{op_type} op '{name}': axis must be a single integer, got {axis!r}.")
    a, rank = axes[0], x.shape.ndims
    if rank is not None:
        if not -rank <= a < max(rank, 1) or rank == 0:
            raise ValueError(f"{op_type} op '{name}': axis {a} is out of range for input "
                             f"{x.name} of rank {rank}.")
        a %= rank
    return a


def _arg(op_type: str, input: Any, axis: Any, name: str | None, dimension: Any,
         output_type: Any) -> Tensor:
    name = name or op_type
    if dimension is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dimension'.")
        axis = dimension
    x = conversion.convert_to_tensor(input)
    check_dtype(op_type, name, "input", x, NUMERIC)
    out = _dt.as_dtype(output_type)
    if out not in (_dt.int32, _dt.int64):
        raise TypeError(f"{op_type} op '{name}': output_type must be int32 or int64, got "
                        f"{out.name}.")
    axis = 0 if axis is None else axis
    a = _single_axis(op_type, name, x, axis)
    shape = TensorShape(None)
    if x.shape.ndims is not None:
        shape = TensorShape([d for i, d in enumerate(x.shape) if i != a])
    with op_scope(name, [x]) as scope:
        return make_op(op_type, [x, _axis_input(axis, "dimension")], [out], name=scope,
                       attrs={"axis": a, "output_type": out, "_np": out.np_dtype},
                       shapes=[shape]).outputs[0]


def argmax(input: Any, axis: Any = None, name: str | None = None, dimension: Any = None,
           output_type: Any = _dt.int64) -> Tensor:
    """The index of the largest value along ``axis`` (default 0, as TF1); first on ties.

    Example:
        >>> tk.argmax(tk.constant([[1, 5], [7, 2]]), axis=1)   # [1, 0], int64
    """
    return _arg("ArgMax", input, axis, name, dimension, output_type)


def argmin(input: Any, axis: Any = None, name: str | None = None, dimension: Any = None,
           output_type: Any = _dt.int64) -> Tensor:
    """The index of the smallest value along ``axis`` (default 0, as TF1)."""
    return _arg("ArgMin", input, axis, name, dimension, output_type)


def arg_max(input: Any, dimension: Any, output_type: Any = _dt.int64,
            name: str | None = None) -> Tensor:
    """``tf.compat.v1.arg_max``, the older spelling of ``argmax(input, dimension)``."""
    return _arg("ArgMax", input, dimension, name, None, output_type)


def arg_min(input: Any, dimension: Any, output_type: Any = _dt.int64,
            name: str | None = None) -> Tensor:
    """``tf.compat.v1.arg_min``, the older spelling of ``argmin(input, dimension)``."""
    return _arg("ArgMin", input, dimension, name, None, output_type)


def cumsum(x: Any, axis: Any = 0, exclusive: bool = False, reverse: bool = False,
           name: str | None = None) -> Tensor:
    """The cumulative sum along ``axis``.

    Args:
        x: a numeric tensor of rank >= 1.
        axis: the axis (an int known at build time).
        exclusive: leave out the element itself (the first result is 0).
        reverse: accumulate from the end.
        name: the op name.

    Example:
        >>> tk.cumsum([1, 2, 3], exclusive=True, reverse=True)   # [5, 3, 0]
    """
    name = name or "Cumsum"
    x = conversion.convert_to_tensor(x)
    check_dtype("Cumsum", name, "x", x, NUMERIC_OR_COMPLEX)
    a = _single_axis("Cumsum", name, x, axis)
    return make_op("Cumsum", [x], [x.dtype], name=name,
                   attrs={"axis": a, "exclusive": bool(exclusive), "reverse": bool(reverse)},
                   shapes=[x.shape]).outputs[0]


# -- kernels -----------------------------------------------------------------------------
# ufunc.reduce is used directly: np.sum & co. add ~1.5 µs of Python dispatch per call.
# The axes come from the attrs (checked when the graph was built); the axes input, when
# there is one, is TF's operand kept for the graph's shape (see ``_axis_input``).
@registry.register_kernel("Sum")
def _sum(ctx: registry.KernelContext, x: Any, *axes: Any) -> Any:
    a = ctx.attrs
    r = np.add.reduce(x, axis=a["axis"], dtype=a["_acc"], keepdims=a["keep_dims"])
    return r if a["_acc"] is a["_out"] else r.astype(a["_out"])


def _count(x: Any, axes: tuple | None) -> int:
    if axes is None:
        return int(np.size(x))
    n = 1
    for i in axes:
        n *= x.shape[i]
    return n


@registry.register_kernel("Mean")
@quiet  # the mean of nothing is NaN, silently
def _mean(ctx: registry.KernelContext, x: Any, *axes: Any) -> Any:
    a = ctx.attrs
    n = _count(x, a["axis"])
    if x.dtype.kind in "iu":
        s = np.add.reduce(x, axis=a["axis"], dtype=np.int64, keepdims=a["keep_dims"])
        q = np.abs(s) // max(n, 1)
        return np.where(s < 0, -q, q).astype(a["_out"])
    s = np.add.reduce(x, axis=a["axis"], dtype=a["_acc"], keepdims=a["keep_dims"])
    r = np.divide(s, a["_acc"](n))
    return r if a["_acc"] is a["_out"] else r.astype(a["_out"])


def _extreme(fn: Any, lowest: bool) -> Any:
    def kernel(ctx: registry.KernelContext, x: Any, *axes: Any) -> Any:
        a = ctx.attrs
        try:
            return fn(x, axis=a["axis"], keepdims=a["keep_dims"])
        except ValueError:
            if np.size(x):
                raise
            dt = np.dtype(a["_out"])
            if dt.kind == "f":
                init = -np.inf if lowest else np.inf
            else:
                init = np.iinfo(dt).min if lowest else np.iinfo(dt).max
            return fn(x, axis=a["axis"], keepdims=a["keep_dims"], initial=init)
    return kernel


registry.register_kernel("Max")(_extreme(np.maximum.reduce, True))
registry.register_kernel("Min")(_extreme(np.minimum.reduce, False))


@registry.register_kernel("Prod")
@quiet
def _prod(ctx: registry.KernelContext, x: Any, *axes: Any) -> Any:
    a = ctx.attrs
    r = np.multiply.reduce(x, axis=a["axis"], dtype=a["_acc"], keepdims=a["keep_dims"])
    return r if a["_acc"] is a["_out"] else r.astype(a["_out"])


@registry.register_kernel("Any")
def _any(ctx: registry.KernelContext, x: Any, *axes: Any) -> Any:
    return np.logical_or.reduce(x, axis=ctx.attrs["axis"], keepdims=ctx.attrs["keep_dims"])


@registry.register_kernel("All")
def _all(ctx: registry.KernelContext, x: Any, *axes: Any) -> Any:
    return np.logical_and.reduce(x, axis=ctx.attrs["axis"], keepdims=ctx.attrs["keep_dims"])


@registry.register_kernel("ArgMax")
def _argmax(ctx: registry.KernelContext, x: Any, *axis: Any) -> Any:
    return np.argmax(x, axis=ctx.attrs["axis"]).astype(ctx.attrs["_np"], copy=False)


@registry.register_kernel("ArgMin")
def _argmin(ctx: registry.KernelContext, x: Any, *axis: Any) -> Any:
    return np.argmin(x, axis=ctx.attrs["axis"]).astype(ctx.attrs["_np"], copy=False)


@registry.register_kernel("Cumsum")
def _cumsum(ctx: registry.KernelContext, x: Any) -> Any:
    a = ctx.attrs
    axis = a["axis"]
    if a["reverse"]:
        x = np.flip(x, axis)
    out = np.cumsum(x, axis=axis, dtype=x.dtype)
    if a["exclusive"]:
        shifted = np.zeros_like(out)
        dst = [slice(None)] * out.ndim
        src = [slice(None)] * out.ndim
        dst[axis], src[axis] = slice(1, None), slice(None, -1)
        shifted[tuple(dst)] = out[tuple(src)]
        out = shifted
    return np.flip(out, axis) if a["reverse"] else out


__all__ = [
    "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_any",
    "reduce_all", "argmax", "argmin", "arg_max", "arg_min", "cumsum", "normalize_axes",
    "reduced_shape",
]
