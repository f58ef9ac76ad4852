"""More ``tf.sparse`` ops: ``from_dense``, ``eye``, ``expand_dims``, ``maximum`` /
``minimum``, ``reset_shape``, ``slice``, ``split``, ``to_indicator``, ``merge`` and the
``reduce_sum_sparse`` / ``reduce_max_sparse`` reductions (TF 1.15's semantics).

As in ``sparse_extras``, index bookkeeping runs in small NumPy "plan" kernels that return
positions; values move with ``gather`` / segment ops in the graph, so gradients with
respect to the values come from those ops.

Example:
    >>> sp = tf.sparse.from_dense([[0, 2], [3, 0]])     # indices [[0, 1], [1, 0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.comparison_ops import where
from trainkit.ops.embedding_ops import unsorted_segment_sum
from trainkit.ops.op_util import make_op
from trainkit.ops.segment_ops import unsorted_segment_max
from trainkit.ops.slicing_ops import gather_nd
from trainkit.ops.sparse_extras import _i32, _sp, sparse_reorder
from trainkit.ops.sparse_ops import to_dense


def _i64(value: Any, name: str) -> Tensor:
    t = conversion.convert_to_tensor(value, name=name)
    return t if t.dtype == _dt.int64 else math_ops.cast(t, _dt.int64)


def _plan(op_type: str, inputs: list, outputs: int, attrs: dict | None = None) -> list:
    op = make_op(op_type, inputs, [_dt.int64] * outputs, name=op_type, attrs=attrs,
                 shapes=[None] * outputs)
    return list(op.outputs)


def from_dense(tensor: Any, name: str | None = None) -> SparseTensor:
    """The nonzero (non-empty, for strings) entries of a dense tensor."""
    with name_scope(name, "dense_to_sparse"):
        t = conversion.convert_to_tensor(tensor)
        zero = array_ops.zeros_like(t) if t.dtype != _dt.string else \
            conversion.convert_to_tensor("", dtype=_dt.string)
        indices = where(math_ops.not_equal(t, zero))
        return SparseTensor(indices, gather_nd(t, indices),
                            array_ops.shape(t, out_type=_dt.int64))


def eye(num_rows: Any, num_columns: Any = None, dtype: Any = _dt.float32,
        name: str | None = None) -> SparseTensor:
    """A sparse identity matrix ``[num_rows, num_columns]`` (square by default)."""
    with name_scope(name, "eye"):
        rows = _i64(num_rows, "num_rows")
        cols = rows if num_columns is None else _i64(num_columns, "num_columns")
        diag = array_ops.range(math_ops.minimum(rows, cols), dtype=_dt.int64)
        return SparseTensor(array_ops.stack([diag, diag], axis=1),
                            array_ops.ones_like(diag, dtype=_dt.as_dtype(dtype)),
                            array_ops.stack([rows, cols]))


def expand_dims(sp_input: Any, axis: Any = None, name: str | None = None) -> SparseTensor:
    """``sp_input`` with a dimension of size 1 inserted at ``axis`` (negative: from the
    end of the result, ``-1`` appends)."""
    sp = _sp(sp_input)
    with name_scope(name, "ExpandDims"):
        idx, shape = _plan("SparseExpandDims", [sp.indices, sp.dense_shape,
                                                _i64(0 if axis is None else axis, "axis")], 2)
        return SparseTensor(idx, sp.values, shape)


def _union(a: SparseTensor, b: SparseTensor) -> tuple[Tensor, Tensor, Tensor]:
    """The union of the indices, with each input's values at them (0 where missing)."""
    out_idx, a_pos, b_pos = _plan("SparseUnionPlan", [a.indices, b.indices, a.dense_shape,
                                                      b.dense_shape], 3)
    n = _i32(array_ops.shape(out_idx)[0])
    return (out_idx, unsorted_segment_sum(a.values, _i32(a_pos), n),
            unsorted_segment_sum(b.values, _i32(b_pos), n))


def maximum(sp_a: Any, sp_b: Any, name: str | None = None) -> SparseTensor:
    """The elementwise maximum of two sparse tensors of one shape, missing entries read
    as 0, at the union of their indices (row-major).

    Raises:
        InvalidArgumentError (run time): the shapes differ.
    """
    a, b = _sp(sp_a), _sp(sp_b)
    with name_scope(name, "SparseSparseMaximum"):
        idx, va, vb = _union(a, b)
        return SparseTensor(idx, math_ops.maximum(va, vb), a.dense_shape)


def minimum(sp_a: Any, sp_b: Any, name: str | None = None) -> SparseTensor:
    """The elementwise minimum; see :func:`maximum`."""
    a, b = _sp(sp_a), _sp(sp_b)
    with name_scope(name, "SparseSparseMinimum"):
        idx, va, vb = _union(a, b)
        return SparseTensor(idx, math_ops.minimum(va, vb), a.dense_shape)


def reset_shape(sp_input: Any, new_shape: Any = None) -> SparseTensor:
    """The same entries with ``new_shape`` (checked to hold them when run), or the
    tightest shape holding them (``max index + 1`` per dimension).

    Raises:
        InvalidArgumentError (run time): ``new_shape`` has another rank or is too small.
    """
    sp = _sp(sp_input)
    with name_scope(None, "SparseTensorResetShape"):
        ins = [sp.indices, sp.dense_shape]
        if new_shape is not None:
            ins.append(_i64(new_shape, "new_shape"))
        (shape,) = _plan("SparseResetShape", ins, 1)
        return SparseTensor(sp.indices, sp.values, shape)


def _slice(sp: SparseTensor, start: Tensor, size: Tensor) -> SparseTensor:
    idx, pos, shape = _plan("SparseSlicePlan", [sp.indices, sp.dense_shape, start, size], 3)
    return SparseTensor(idx, array_ops.gather(sp.values, pos), shape)


def slice(sp_input: Any, start: Any, size: Any, name: str | None = None) -> SparseTensor:  # noqa: A001
    """The entries with ``start <= index < start + size``, shifted by ``-start``; the
    shape is ``min(start + size, shape) - start`` (at least 0) per dimension."""
    sp = _sp(sp_input)
    with name_scope(name, "SparseSlice"):
        return _slice(sp, _i64(start, "start"), _i64(size, "size"))


def split(keyword_required: Any = None, sp_input: Any = None, num_split: Any = None,
          axis: Any = None, name: str | None = None, split_dim: Any = None
          ) -> list[SparseTensor]:
    """``num_split`` slices of ``sp_input`` along ``axis`` (keyword arguments only, as
    TF's): ``size // num_split`` wide, the first ``size % num_split`` one wider.

    Raises:
        ValueError: a positional argument, or ``sp_input`` / ``num_split`` / ``axis``
            missing.
    """
    if keyword_required is not None:
        raise ValueError("Keyword arguments are required for this function.")
    axis = split_dim if axis is None else axis
    if sp_input is None or num_split is None or axis is None:
        raise ValueError("sp_input, num_split and axis are required.")
    sp = _sp(sp_input)
    n = int(num_split)
    if n <= 0:
        raise ValueError(f"num_split must be positive, got {num_split!r}.")
    with name_scope(name, "SparseSplit"):
        rank = array_ops.shape(sp.dense_shape, out_type=_dt.int64)[0]
        ax = math_ops.floormod(_i64(axis, "axis"), rank)
        dim = array_ops.gather(sp.dense_shape, ax)
        base, extra = dim // n, math_ops.floormod(dim, n)
        onehot = math_ops.cast(math_ops.equal(array_ops.range(rank, dtype=_dt.int64), ax),
                               _dt.int64)
        parts = []
        for i in range(n):
            begin = i * base + math_ops.minimum(conversion.convert_to_tensor(i, _dt.int64),
                                                extra)
            width = base + math_ops.cast(i < extra, _dt.int64)
            start = onehot * begin
            size = onehot * width + (1 - onehot) * sp.dense_shape
            parts.append(_slice(sp, start, size))
        return parts


def to_indicator(sp_input: Any, vocab_size: Any, name: str | None = None) -> Tensor:
    """A dense bool tensor ``shape[:-1] + [vocab_size]``: true at ``(row, id)`` for each
    id among ``sp_input``'s values in that row (its last index is dropped)."""
    sp = _sp(sp_input)
    with name_scope(name, "SparseToIndicator"):
        ones = array_ops.ones_like(sp.values, dtype=_dt.bool_)
        ids = SparseTensor(sp.indices, math_ops.cast(sp.values, _dt.int64), sp.dense_shape)
        merged = merge(ids, SparseTensor(sp.indices, ones, sp.dense_shape), vocab_size)
        return to_dense(merged, default_value=False, validate_indices=False)


def merge(sp_ids: Any, sp_values: Any, vocab_size: Any, name: str | None = None,
          already_sorted: bool = False) -> SparseTensor:
    """``sp_values``'s values placed at ``(row..., id)``: the last index of each entry
    replaced by its id from ``sp_ids`` (a sparse tensor or a list of them, one id column
    each), the last dimension ``vocab_size``; sorted row-major unless
    ``already_sorted``."""
    ids_list = list(sp_ids) if isinstance(sp_ids, (list, tuple)) else [sp_ids]
    sizes = list(vocab_size) if isinstance(vocab_size, (list, tuple)) else [vocab_size]
    if len(ids_list) != len(sizes):
        raise ValueError("sp_ids and vocab_size have to have equal lengths.")
    ids_list = [_sp(s) for s in ids_list]
    vals = _sp(sp_values)
    with name_scope(name, "SparseMerge"):
        first = ids_list[0]
        rank = array_ops.shape(first.indices, out_type=_dt.int64)[1]
        lead = array_ops.slice(first.indices, [0, 0], array_ops.stack([-1, rank - 1]))
        cols = [array_ops.expand_dims(math_ops.cast(s.values, _dt.int64), 1)
                for s in ids_list]
        indices = array_ops.concat([lead] + cols, 1)
        lead_shape = array_ops.slice(first.dense_shape, [0], array_ops.expand_dims(rank - 1, 0))
        shape = array_ops.concat([lead_shape, _i64(sizes, "vocab_size")], 0)
        out = SparseTensor(indices, vals.values, shape)
        return out if already_sorted else sparse_reorder(out)


def _reduce_sparse(sp_input: Any, axis: Any, keepdims: bool, op: str) -> SparseTensor:
    sp = _sp(sp_input)
    axes = [] if axis is None else ([axis] if isinstance(axis, int) else list(axis))
    with name_scope(None, "SparseReduceSumSparse" if op == "sum" else
                    "SparseReduceMaxSparse"):
        idx, group, shape = _plan("SparseReducePlan", [sp.indices, sp.dense_shape], 3,
                                  attrs={"axes": tuple(int(a) for a in axes),
                                         "all": axis is None, "keep": bool(keepdims)})
        n = _i32(array_ops.shape(idx)[0])
        reduce = unsorted_segment_sum if op == "sum" else unsorted_segment_max
        return SparseTensor(idx, reduce(sp.values, _i32(group), n), shape)


def reduce_sum_sparse(sp_input: Any, axis: Any = None, keepdims: bool | None = None,
                      reduction_axes: Any = None, keep_dims: bool | None = None
                      ) -> SparseTensor:
    """The sum over ``axis`` as a sparse tensor: one entry per group of the input's
    entries (a group summing to 0 keeps its entry, as TF's)."""
    axis = reduction_axes if axis is None else axis
    return _reduce_sparse(sp_input, axis, bool(keep_dims if keepdims is None else keepdims),
                          "sum")


def reduce_max_sparse(sp_input: Any, axis: Any = None, keepdims: bool | None = None,
                      reduction_axes: Any = None, keep_dims: bool | None = None
                      ) -> SparseTensor:
    """The maximum over ``axis`` of the entries present, as a sparse tensor."""
    axis = reduction_axes if axis is None else axis
    return _reduce_sparse(sp_input, axis, bool(keep_dims if keepdims is None else keepdims),
                          "max")


# -- plan kernels ----------------------------------------------------------------------------
def _idx(a: Any, rank: int) -> np.ndarray:
    return np.asarray(a, np.int64).reshape(-1, rank)


def _order(idx: np.ndarray) -> np.ndarray:
    return np.lexsort(idx.T[::-1]) if len(idx) else np.zeros(0, np.int64)


@registry.register_kernel("SparseExpandDims")
def _expand_dims_kernel(ctx: registry.KernelContext, indices: Any, shape: Any,
                        axis: Any) -> tuple:
    shape = np.asarray(shape, np.int64)
    rank = len(shape)
    ax = int(axis)
    if not -rank - 1 <= ax <= rank:
        raise errors.InvalidArgumentError(
            None, ctx.op, f"Axis {ax} out of range [{-rank - 1}, {rank}] for a rank-{rank} "
                          f"SparseTensor.")
    ax = ax + rank + 1 if ax < 0 else ax
    idx = _idx(indices, rank)
    return (np.insert(idx, ax, 0, axis=1).astype(np.int64),
            np.insert(shape, ax, 1).astype(np.int64))


@registry.register_kernel("SparseUnionPlan")
def _union_plan(ctx: registry.KernelContext, a: Any, b: Any, sa: Any, sb: Any) -> tuple:
    sa, sb = np.asarray(sa, np.int64), np.asarray(sb, np.int64)
    if sa.shape != sb.shape or (sa != sb).any():
        raise errors.InvalidArgumentError(
            None, ctx.op, f"Operands do not have the same ranks or shapes: {sa.tolist()} "
                          f"vs. {sb.tolist()}")
    a, b = _idx(a, len(sa)), _idx(b, len(sa))
    both = np.concatenate([a, b], 0)
    uniq, inverse = np.unique(both, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    return (uniq.reshape(-1, len(sa)).astype(np.int64), inverse[:len(a)].astype(np.int64),
            inverse[len(a):].astype(np.int64))


@registry.register_kernel("SparseResetShape")
def _reset_shape_kernel(ctx: registry.KernelContext, indices: Any, shape: Any,
                        new: Any = None) -> np.ndarray:
    shape = np.asarray(shape, np.int64)
    idx = _idx(indices, len(shape))
    tight = idx.max(0) + 1 if len(idx) else np.zeros(len(shape), np.int64)
    if new is None:
        return tight.astype(np.int64)
    new = np.asarray(new, np.int64).reshape(-1)
    if len(new) != len(shape):
        raise errors.InvalidArgumentError(
            None, ctx.op, f"Rank of new_shape ({len(new)}) does not match the rank of "
                          f"sp_input ({len(shape)}).")
    if (new < tight).any():
        raise errors.InvalidArgumentError(
            None, ctx.op, f"new_shape {new.tolist()} is too small for the entries of "
                          f"sp_input (they need {tight.tolist()}).")
    return new


@registry.register_kernel("SparseSlicePlan")
def _slice_plan(ctx: registry.KernelContext, indices: Any, shape: Any, start: Any,
                size: Any) -> tuple:
    shape = np.asarray(shape, np.int64)
    start = np.asarray(start, np.int64).reshape(-1)
    size = np.asarray(size, np.int64).reshape(-1)
    if len(start) != len(shape) or len(size) != len(shape):
        raise errors.InvalidArgumentError(
            None, ctx.op, f"Expected start and size of length {len(shape)}, got "
                          f"{len(start)} and {len(size)}.")
    idx = _idx(indices, len(shape))
    keep = np.all((idx >= start) & (idx < start + size), axis=1)
    pos = np.nonzero(keep)[0].astype(np.int64)
    out_shape = np.maximum(np.minimum(start + size, shape) - start, 0)
    return (idx[pos] - start).astype(np.int64), pos, out_shape.astype(np.int64)


@registry.register_kernel("SparseReducePlan")
def _reduce_plan(ctx: registry.KernelContext, indices: Any, shape: Any) -> tuple:
    shape = np.asarray(shape, np.int64)
    rank = len(shape)
    idx = _idx(indices, rank)
    a = ctx.attrs
    axes = set(range(rank)) if a["all"] else {int(x) % rank for x in a["axes"]}
    kept = [d for d in range(rank) if d not in axes]
    if a["keep"]:
        key = idx.copy()
        key[:, sorted(axes)] = 0
        out_shape = np.where([d in axes for d in range(rank)], 1, shape)
    else:
        key = idx[:, kept]
        out_shape = shape[kept]
    if not len(key):
        return key.astype(np.int64), np.zeros(0, np.int64), out_shape.astype(np.int64)
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    return (uniq.reshape(len(uniq), -1).astype(np.int64), inverse.reshape(-1).astype(np.int64),
            out_shape.astype(np.int64))


registry.not_differentiable("SparseExpandDims", "SparseUnionPlan", "SparseResetShape",
                            "SparseSlicePlan", "SparseReducePlan")

__all__ = ["from_dense", "eye", "expand_dims", "maximum", "minimum", "reset_shape", "slice",
           "split", "to_indicator", "merge", "reduce_sum_sparse", "reduce_max_sparse"]
