"""Joining and splitting tensors: concat, stack, unstack, split (NumPy kernels).

Example:
    >>> import trainkit as tk
    >>> a, b = tk.split(tk.zeros([4, 6]), [2, 4], axis=1)
    >>> a.shape.as_list(), b.shape.as_list()
    ([4, 2], [4, 4])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.identity_ops import identity
from trainkit.ops.op_util import make_op
from trainkit.ops.static_value import constant_value


def _convert_all(values: Any, what: str) -> list[Tensor]:
    if isinstance(values, Tensor) or not isinstance(values, list | tuple):
        raise TypeError(f"{what}: expected a list of tensors, got {type(values).__name__}.")
    # As TF's op builder: Python values take the dtype of the list's tensors when those
    # agree (``stack([-1, n64])`` is int64), and keep their own when they do not fit it.
    given = {v.dtype.base_dtype for v in values if isinstance(v, Tensor)
             or conversion.is_tensor_like(v)}
    hint = next(iter(given)) if len(given) == 1 else None
    ts = [conversion.convert_to_tensor(v) if hint is None or isinstance(v, Tensor)
          or conversion.is_tensor_like(v) else _as_hinted(v, hint) for v in values]
    if not ts:
        raise ValueError(f"{what}: needs at least one tensor.")
    dts = {t.dtype for t in ts}
    if len(dts) > 1:
        raise TypeError(f"{what}: all values must have the same dtype, got "
                        f"{sorted(d.name for d in dts)} ({', '.join(t.name for t in ts)}).")
    return ts


def _as_hinted(value: Any, dtype: Any) -> Tensor:
    try:
        return conversion.convert_to_tensor(value, dtype=dtype)
    except (TypeError, ValueError):
        return conversion.convert_to_tensor(value)


def _norm_axis(axis: int, rank: int | None, what: str) -> int:
    if rank is None:
        return axis
    if not -rank <= axis < rank:
        raise ValueError(f"{what}: axis {axis} is out of range for rank {rank} "
                         f"(expected [{-rank}, {rank})).")
    return axis % rank


def _static_int(t: Any) -> int | None:
    if isinstance(t, Tensor):
        v = constant_value(t)
        return None if v is None else int(v)
    return int(t)


# -- concat -------------------------------------------------------------------------------
def concat(values: Any, axis: Any, name: str = "concat") -> Tensor:
    """Joins ``values`` along ``axis`` (a single value comes back through ``identity``).

    Raises:
        ValueError: if ranks differ or known dims off the axis disagree.
        TypeError: if dtypes differ.
    """
    ts = _convert_all(values, f"concat '{name}'")
    ax = conversion.convert_to_tensor(axis, dtype=_dt.int32, name="concat/axis") \
        if not isinstance(axis, Tensor) else axis
    if len(ts) == 1:
        return identity(ts[0], name=name)
    shape = _concat_shape(ts, _static_int(ax), name)
    return make_op("ConcatV2", ts + [ax], [ts[0].dtype], name=name,
                   attrs={"N": len(ts)}, shapes=[shape]).outputs[0]


def _concat_shape(ts: list[Tensor], axis: int | None, name: str) -> TensorShape:
    ranks = {t.shape.ndims for t in ts if t.shape.ndims is not None}
    if len(ranks) > 1:
        known = [t for t in ts if t.shape.ndims is not None]
        raise ValueError(
            f"Shape must be rank {known[0].shape.ndims} but is rank "
            f"{next(t.shape.ndims for t in known if t.shape.ndims != known[0].shape.ndims)} "
            f"for '{name}' (op: 'ConcatV2') with input shapes: "
            f"{', '.join(str(t.shape) for t in ts)}.")
    if not ranks:
        return TensorShape(None)
    rank = ranks.pop()
    if rank == 0:
        raise ValueError(f"concat '{name}': cannot concatenate scalars (use stack).")
    if axis is None:
        return TensorShape([None] * rank)
    axis = _norm_axis(axis, rank, f"concat '{name}'")
    out: list[int | None] = []
    for i in range(rank):
        dims = [t.shape.as_list()[i] for t in ts if t.shape.ndims is not None]
        if i == axis:
            out.append(None if any(d is None for d in dims) or len(dims) < len(ts)
                       else sum(dims))
        else:
            known = {d for d in dims if d is not None}
            if len(known) > 1:
                raise ValueError(
                    f"Dimension {i} in both shapes must be equal for '{name}' (op: "
                    f"'ConcatV2'), but are {sorted(known)}. Input shapes: "
                    f"{', '.join(str(t.shape) for t in ts)}.")
            out.append(known.pop() if known else None)
    return TensorShape(out)


@registry.register_kernel("ConcatV2")
def _concat_kernel(ctx: registry.KernelContext, *args: Any) -> np.ndarray:
    return np.concatenate(args[:-1], axis=int(args[-1]))


# -- stack / unstack ------------------------------------------------------------------------
def stack(values: Any, axis: int = 0, name: str = "stack") -> Tensor:
    """Stacks rank-R tensors of one shape into a rank-(R+1) tensor along ``axis``.

    Raises:
        ValueError: if the static shapes differ or ``axis`` is out of range.
    """
    ts = _convert_all(values, f"stack '{name}'")
    shape = TensorShape(None)
    for t in ts:
        if not shape.is_compatible_with(t.shape):
            raise ValueError(f"Shapes must be equal for '{name}' (op: 'Pack'): {shape} vs "
                             f"{t.shape} ({t.name}).")
        shape = shape.merge_with(t.shape)
    if shape.ndims is not None:
        axis = _norm_axis(int(axis), shape.ndims + 1, f"stack '{name}'")
        dims = shape.as_list()
        shape = TensorShape(dims[:axis] + [len(ts)] + dims[axis:])
    elif axis < 0:
        raise ValueError(f"stack '{name}': a negative axis needs inputs of known rank.")
    if shape.ndims is not None:
        restacked = _restack(ts, int(axis), shape, name)
        if restacked is not None:
            return restacked
    return make_op("Pack", ts, [ts[0].dtype], name=name, attrs={"axis": int(axis)},
                   shapes=[shape]).outputs[0]


def _restack(ts: list[Tensor], axis: int, shape: TensorShape, name: str) -> Tensor | None:
    """``stack(unstack(t, axis=k), axis)`` as ``t`` with axis ``k`` moved to ``axis``.

    When ``ts`` are every output of one ``Unpack``, in order (``tf.stack`` of what
    ``static_rnn`` or ``tf.unstack`` returned), the stacked value is a transpose of the
    unstacked tensor (or the tensor itself): the same values without a copy of every
    slice, and a gradient that is one transpose instead of an unstack feeding a stack.
    Returns None for any other list.
    """
    op = ts[0].op
    if op.type != "Unpack" or len(ts) < 2 or len(ts) != len(op.outputs):
        return None
    if any(t is not o for t, o in zip(ts, op.outputs)):
        return None
    source, k = op.inputs[0], int(op.attrs["axis"])
    perm = [d for d in range(shape.ndims) if d != k]
    perm.insert(axis, k)
    if perm == sorted(perm):
        return identity(source, name=name)
    p = conversion.convert_to_tensor(np.array(perm, np.int32), name=f"{name}/perm")
    return make_op("Transpose", [source, p], [source.dtype], name=name,
                   shapes=[shape]).outputs[0]


@registry.register_kernel("Pack")
def _pack_kernel(ctx: registry.KernelContext, *args: Any) -> np.ndarray:
    return np.stack(args, axis=ctx.attrs["axis"])


def unstack(value: Any, num: int | None = None, axis: int = 0,
            name: str = "unstack") -> list[Tensor]:
    """Splits ``value`` along ``axis`` into ``num`` tensors of one rank less.

    Raises:
        ValueError: if ``num`` is None and cannot be inferred from the static shape.
    """
    t = conversion.convert_to_tensor(value)
    rank = t.shape.ndims
    if rank is not None:
        axis = _norm_axis(int(axis), rank, f"unstack '{name}'")
    if num is None:
        num = t.shape.as_list()[axis] if rank is not None else None
        if num is None:
            raise ValueError(f"Cannot infer num from shape {t.shape} ({t.name}).")
    elif rank is not None and t.shape[axis] not in (None, num):
        raise ValueError(f"unstack '{name}': num={num} does not match dimension {axis} "
                         f"of shape {t.shape}.")
    dims = t.shape.as_list() if rank is not None else None
    out = TensorShape(None if dims is None else dims[:axis] + dims[axis + 1:])
    op = make_op("Unpack", [t], [t.dtype] * num, name=name,
                 attrs={"axis": int(axis), "num": num}, shapes=[out] * num)
    return list(op.outputs)


@registry.register_kernel("Unpack", returns_list=True)
def _unpack_kernel(ctx: registry.KernelContext, x: Any) -> list:
    axis, num = ctx.attrs["axis"], ctx.attrs["num"]
    if x.shape[axis] != num:
        raise errors.InvalidArgumentError(
            None, None, f"Input dimension {axis} is {x.shape[axis]}, expected num={num}.")
    return list(np.moveaxis(x, axis, 0)) if axis else list(x)  # views, no copies


# -- split --------------------------------------------------------------------------------
def split(value: Any, num_or_size_splits: Any, axis: Any = 0, num: int | None = None,
          name: str = "split") -> list[Tensor]:
    """Splits ``value`` along ``axis`` into equal parts (an int) or parts of the given
    sizes (a list or 1-D tensor; one entry may be -1).

    Raises:
        ValueError: if the split is statically impossible or ``num`` cannot be inferred.
    """
    t = conversion.convert_to_tensor(value)
    ax = _static_int(axis)
    if ax is None:
        raise ValueError(f"split '{name}': axis must be known at graph-build time.")
    rank = t.shape.ndims
    if rank is not None:
        ax = _norm_axis(ax, rank, f"split '{name}'")
    dim = t.shape.as_list()[ax] if rank is not None else None
    if isinstance(num_or_size_splits, int | np.integer):
        n = int(num_or_size_splits)
        if n <= 0 or dim is not None and dim % n:
            raise ValueError(f"Dimension size must be evenly divisible by {n} but is {dim} "
                             f"for '{name}' (op: 'Split').")
        sizes: list[int | None] = [None if dim is None else dim // n] * n
        op_type, inputs, attrs = "Split", [t], {"axis": ax, "num_split": n}
    else:
        st = conversion.convert_to_tensor(num_or_size_splits, dtype=_dt.int32) \
            if not isinstance(num_or_size_splits, Tensor) else num_or_size_splits
        cv = constant_value(st)
        if cv is None:
            n = num if num is not None else st.shape.as_list()[0] if st.shape.ndims == 1 else None
            if n is None:
                raise ValueError(f"Cannot infer num from shape {st.shape} for '{name}'.")
            sizes = [None] * n
        else:
            sizes = [int(s) for s in np.reshape(cv, [-1])]
            n = len(sizes)
            sizes = _resolve_sizes(sizes, dim, name)
        op_type, inputs, attrs = "SplitV", [t, st], {"axis": ax, "num_split": n}
    dims = t.shape.as_list() if rank is not None else None
    shapes = [TensorShape(None) if dims is None else
              TensorShape(dims[:ax] + [s] + dims[ax + 1:]) for s in sizes]
    op = make_op(op_type, inputs, [t.dtype] * n, name=name, attrs=attrs, shapes=shapes)
    return list(op.outputs)


def _resolve_sizes(sizes: list[int], dim: int | None, name: str) -> list[int | None]:
    if sum(1 for s in sizes if s == -1) > 1 or any(s < -1 for s in sizes):
        raise ValueError(f"split '{name}': size_splits may hold one -1 and sizes >= 0, got "
                         f"{sizes}.")
    if dim is None:
        return [None if s == -1 else s for s in sizes]
    if -1 in sizes:
        rest = dim - sum(s for s in sizes if s != -1)
        if rest < 0:
            raise ValueError(f"split '{name}': sizes {sizes} exceed dimension {dim}.")
        return [rest if s == -1 else s for s in sizes]
    if sum(sizes) != dim:
        raise ValueError(f"Determined shape must either match input shape along split_dim "
                         f"exactly if fully specified, or be less than the size of the input "
                         f"along split_dim if not fully specified. Got: {sum(sizes)} vs {dim} "
                         f"for '{name}' (op: 'SplitV').")
    return list(sizes)


@registry.register_kernel("Split", returns_list=True)
def _split_kernel(ctx: registry.KernelContext, x: Any) -> list:
    axis, n = ctx.attrs["axis"], ctx.attrs["num_split"]
    if x.shape[axis] % n:
        raise errors.InvalidArgumentError(
            None, None, f"Number of ways to split should evenly divide the split dimension, "
                        f"but got split_dim {axis} (size = {x.shape[axis]}) and num_split {n}")
    step = x.shape[axis] // n
    return _pieces(x, axis, [k * step for k in range(n + 1)])


def _pieces(x: np.ndarray, axis: int, bounds: Any) -> list:
    """Views of ``x`` between consecutive ``bounds`` along ``axis`` (what ``np.split``
    returns, without its per-call Python overhead: ~5x faster on small arrays)."""
    bounds = list(bounds)
    if axis == 0:
        return [x[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    lead = (slice(None),) * (axis % x.ndim)
    return [x[lead + (slice(a, b),)] for a, b in zip(bounds[:-1], bounds[1:])]


@registry.register_kernel("SplitV", returns_list=True)
def _splitv_kernel(ctx: registry.KernelContext, x: Any, sizes: Any) -> list:
    axis = ctx.attrs["axis"]
    dim = x.shape[axis]
    s = [int(v) for v in np.reshape(sizes, [-1])]
    if -1 in s:
        s[s.index(-1)] = dim - (sum(s) + 1)
    if sum(s) != dim or any(v < 0 for v in s):
        raise errors.InvalidArgumentError(
            None, None, f"Determined shape must either match input shape along split_dim "
                        f"exactly: sizes {s} vs dimension {dim}.")
    bounds = [0]
    for v in s:
        bounds.append(bounds[-1] + v)
    return _pieces(x, axis, bounds)


__all__ = ["concat", "stack", "unstack", "split"]
