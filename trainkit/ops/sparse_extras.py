"""More sparse ops (TF1's ``tf.sparse_*``): ``sparse_tensor_dense_matmul``,
``sparse_retain``, ``sparse_reduce_sum/max``, ``sparse_add``, ``sparse_concat``,
``sparse_reshape``, ``sparse_reorder``, ``sparse_softmax``, ``sparse_fill_empty_rows``,
``sparse_transpose``, ``sparse_segment_sum/mean/sqrt_n`` and the legacy
``sparse_to_dense``.

Index bookkeeping runs in small NumPy "plan" kernels that return positions; values then
move with ``gather`` / ``unsorted_segment_sum`` in the graph, so every op's gradient with
respect to the values (and dense operands) comes from those ops.

Example:
    >>> y = sparse_tensor_dense_matmul(adjacency, features)     # GCN propagation
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue
from trainkit.framework.tensor import Tensor, register_operator
from trainkit.ops import array_ops, math_ops
from trainkit.ops.embedding_ops import unsorted_segment_sum
from trainkit.ops.op_util import make_op
from trainkit.ops.segment_ops import unsorted_segment_max
from trainkit.ops.sparse_ops import to_dense


def _sp(x: Any) -> SparseTensor:
    if isinstance(x, SparseTensorValue):
        return SparseTensor.from_value(x)
    if not isinstance(x, SparseTensor):
        raise TypeError(f"Input must be a SparseTensor, got {type(x).__name__}.")
    return x


def _i32(t: Tensor) -> Tensor:
    return math_ops.cast(t, _dt.int32)


def sparse_to_dense(sparse_indices: Any, output_shape: Any, sparse_values: Any,
                    default_value: Any = 0, validate_indices: bool = True,
                    name: str | None = None) -> Tensor:
    """TF1's legacy form: a dense ``output_shape`` tensor with ``sparse_values`` at
    ``sparse_indices`` (0-D, 1-D or ``[n, rank]``) and ``default_value`` elsewhere."""
    with name_scope(name, "SparseToDense"):
        idx = math_ops.cast(conversion.convert_to_tensor(sparse_indices,
                                                         name="sparse_indices"), _dt.int64)
        shape = math_ops.cast(conversion.convert_to_tensor(output_shape, name="output_shape"),
                              _dt.int64)
        idx = array_ops.reshape(idx, [-1, 1]) if idx.shape.ndims in (0, 1) else idx
        vals = conversion.convert_to_tensor(sparse_values, name="sparse_values")
        if vals.shape.ndims == 0:
            vals = vals + array_ops.zeros(array_ops.shape(idx)[:1], dtype=vals.dtype)
        sp = SparseTensor(idx, vals, array_ops.reshape(shape, [-1]))
        return to_dense(sp, default_value, validate_indices)


def sparse_tensor_dense_matmul(sp_a: Any, b: Any, adjoint_a: bool = False,
                               adjoint_b: bool = False, name: str | None = None) -> Tensor:
    """The matrix product of a 2-D ``SparseTensor`` and a dense matrix."""
    with name_scope(name, "SparseTensorDenseMatMul"):
        a = _sp(sp_a)
        b = conversion.convert_to_tensor(b, name="b", dtype=a.dtype)
        if adjoint_b:
            b = array_ops.transpose(b)
        rows, cols = _i32(a.indices[:, 0]), _i32(a.indices[:, 1])
        n = _i32(a.dense_shape[0])
        if adjoint_a:
            rows, cols, n = cols, rows, _i32(a.dense_shape[1])
        terms = array_ops.gather(b, cols) * array_ops.expand_dims(a.values, 1)
        out = unsorted_segment_sum(terms, rows, n)
        if b.shape.ndims == 2:
            out.set_shape([None, b.shape.as_list()[1]])
        return out


def _dense_at_indices(sp: SparseTensor, dense: Any) -> Tensor:
    d = conversion.convert_to_tensor(dense, name="dense", dtype=sp.dtype)
    if d.shape.ndims == 0:
        return d
    full = array_ops.zeros(sp.dense_shape, dtype=sp.dtype) + d
    return array_ops.gather_nd(full, sp.indices)


def sparse_dense_cwise_mul(sp_input: Any, dense: Any, name: str | None = None
                           ) -> SparseTensor:
    """``sp * dense`` at the sparse entries (``dense`` broadcast to the dense shape)."""
    sp = _sp(sp_input)
    with name_scope(name, "SparseDenseCwiseMul"):
        return SparseTensor(sp.indices, sp.values * _dense_at_indices(sp, dense),
                            sp.dense_shape)


def sparse_dense_cwise_div(sp_input: Any, dense: Any, name: str | None = None
                           ) -> SparseTensor:
    """``sp / dense`` at the sparse entries (``dense`` broadcast to the dense shape)."""
    sp = _sp(sp_input)
    with name_scope(name, "SparseDenseCwiseDiv"):
        return SparseTensor(sp.indices, sp.values / _dense_at_indices(sp, dense),
                            sp.dense_shape)


register_operator("sparse_dense_mul", sparse_dense_cwise_mul)
register_operator("sparse_dense_div", sparse_dense_cwise_div)


def _take(sp: SparseTensor, positions: Tensor, shape: Any = None) -> SparseTensor:
    return SparseTensor(array_ops.gather(sp.indices, positions),
                        array_ops.gather(sp.values, positions),
                        sp.dense_shape if shape is None else shape)


def sparse_retain(sp_input: Any, to_retain: Any) -> SparseTensor:
    """The entries of ``sp_input`` whose flag in the bool vector ``to_retain`` is set."""
    sp = _sp(sp_input)
    keep = conversion.convert_to_tensor(to_retain, name="to_retain")
    return _take(sp, array_ops.reshape(math_ops.where(keep), [-1]))


def sparse_reduce_sum(sp_input: Any, axis: Any = None, keepdims: bool | None = None,
                      reduction_axes: Any = None, keep_dims: bool | None = None) -> Tensor:
    """The sum of the (implicitly zero-filled) sparse tensor over ``axis``."""
    axis = reduction_axes if axis is None else axis
    keep = bool(keep_dims if keepdims is None else keepdims)
    sp = _sp(sp_input)
    if axis is None and not keep:
        return math_ops.reduce_sum(sp.values)
    return math_ops.reduce_sum(to_dense(sp), axis, keepdims=keep)


def sparse_reduce_max(sp_input: Any, axis: Any = None, keepdims: bool | None = None,
                      reduction_axes: Any = None, keep_dims: bool | None = None) -> Tensor:
    """The maximum over the entries present (TF's semantics: missing entries don't count;
    an output with no entries is 0)."""
    axis = reduction_axes if axis is None else axis
    keep = bool(keep_dims if keepdims is None else keepdims)
    sp = _sp(sp_input)
    v = sp.values
    low = np.finfo(v.dtype.np_dtype).min if v.dtype.is_floating else np.iinfo(
        v.dtype.np_dtype).min
    out = math_ops.reduce_max(to_dense(sp, default_value=low), axis, keepdims=keep)
    return math_ops.where(math_ops.equal(out, low), array_ops.zeros_like(out), out)


def sparse_reorder(sp_input: Any, name: str | None = None) -> SparseTensor:
    """The same entries in row-major (canonical) order."""
    sp = _sp(sp_input)
    with name_scope(name, "SparseReorder"):
        perm = make_op("SparseOrder", [sp.indices], [_dt.int64], name="order",
                       shapes=[[None]]).outputs[0]
        return _take(sp, perm)


def sparse_add(a: Any, b: Any, threshold: Any = 0, thresh: Any = None) -> Any:
    """``a + b``: dense when either is dense, else a ``SparseTensor`` whose repeated
    positions are summed (entries with ``|sum| < threshold`` dropped)."""
    thresh = threshold if thresh is None else thresh
    if not isinstance(a, SparseTensor | SparseTensorValue):
        a, b = b, a
    a = _sp(a)
    if not isinstance(b, SparseTensor | SparseTensorValue):
        return to_dense(a) + conversion.convert_to_tensor(b, dtype=a.dtype)
    b = _sp(b)
    with name_scope(None, "SparseAdd"):
        op = make_op("SparseAddPlan", [a.indices, b.indices], [_dt.int64] * 3,
                     name="plan", shapes=[[None, None], [None], [None]])
        out_idx, a_pos, b_pos = op.outputs
        n = _i32(array_ops.shape(out_idx)[0])
        vals = (unsorted_segment_sum(a.values, _i32(a_pos), n)
                + unsorted_segment_sum(b.values, _i32(b_pos), n))
        out = SparseTensor(out_idx, vals, a.dense_shape)
        if isinstance(thresh, int | float) and thresh == 0:
            return out
        keep = math_ops.greater_equal(math_ops.abs(vals), math_ops.cast(thresh, vals.dtype))
        return sparse_retain(out, keep)


def sparse_concat(axis: int, sp_inputs: list, name: str | None = None,
                  expand_nonconcat_dim: bool = False, concat_dim: Any = None,
                  expand_nonconcat_dims: Any = None) -> SparseTensor:
    """Concatenates sparse tensors along ``axis`` (row-major order in the result)."""
    axis = concat_dim if concat_dim is not None else axis
    sps = [_sp(s) for s in sp_inputs]
    with name_scope(name, "SparseConcat"):
        op = make_op("SparseConcatPlan", [s.indices for s in sps] + [s.dense_shape for s in sps],
                     [_dt.int64] * 3, name="plan",
                     attrs={"axis": int(axis),
                            "expand": bool(expand_nonconcat_dim or expand_nonconcat_dims)},
                     shapes=[[None, None], [None], [None]])
        out_idx, out_shape, perm = op.outputs
        vals = array_ops.gather(array_ops.concat([s.values for s in sps], 0), perm)
        return SparseTensor(out_idx, vals, out_shape)


def sparse_reshape(sp_input: Any, shape: Any, name: str | None = None) -> SparseTensor:
    """The same entries in a dense shape ``shape`` (one ``-1`` allowed), row-major."""
    sp = _sp(sp_input)
    with name_scope(name, "SparseReshape"):
        s = conversion.convert_to_tensor(shape, dtype=_dt.int64, name="shape")
        op = make_op("SparseReshapeIndices", [sp.indices, sp.dense_shape, s],
                     [_dt.int64, _dt.int64], name="plan", shapes=[[None, None], [None]])
        return SparseTensor(op.outputs[0], sp.values, op.outputs[1])


def sparse_transpose(sp_input: Any, perm: Any = None, name: str | None = None
                     ) -> SparseTensor:
    """The sparse tensor with its dimensions permuted (reversed by default), reordered."""
    sp = _sp(sp_input)
    with name_scope(name, "SparseTranspose"):
        rank = sp.indices.shape.as_list()[1] if sp.indices.shape.ndims == 2 else None
        if perm is None:
            if rank is None:
                raise ValueError("sparse_transpose needs a known rank or perm.")
            perm = list(range(rank))[::-1]
        idx = array_ops.gather(sp.indices, list(perm), axis=1)
        shape = array_ops.gather(sp.dense_shape, list(perm))
        return sparse_reorder(SparseTensor(idx, sp.values, shape))


def sparse_softmax(sp_input: Any, name: str | None = None) -> SparseTensor:
    """Softmax over the entries present in each innermost row."""
    sp = _sp(sp_input)
    with name_scope(name, "SparseSoftmax"):
        op = make_op("SparseRowIds", [sp.indices], [_dt.int64, _dt.int64], name="rows",
                     shapes=[[None], []])
        rows, n = _i32(op.outputs[0]), _i32(op.outputs[1])
        top = array_ops.gather(unsorted_segment_max(sp.values, rows, n), rows)
        e = math_ops.exp(sp.values - array_ops.stop_gradient(top))
        total = array_ops.gather(unsorted_segment_sum(e, rows, n), rows)
        return SparseTensor(sp.indices, e / total, sp.dense_shape)


def sparse_fill_empty_rows(sp_input: Any, default_value: Any, name: str | None = None
                           ) -> tuple[SparseTensor, Tensor]:
    """Adds ``[row, 0, ...] = default_value`` for each empty row; also returns the bool
    indicator of the rows that were empty."""
    sp = _sp(sp_input)
    with name_scope(name, "SparseFillEmptyRows"):
        op = make_op("SparseFillPlan", [sp.indices, sp.dense_shape],
                     [_dt.int64, _dt.int64, _dt.bool_], name="plan",
                     shapes=[[None, None], [None], [None]])
        out_idx, src, empty = op.outputs
        src32 = _i32(src)
        safe = math_ops.maximum(src32, 0)
        d = conversion.convert_to_tensor(default_value, dtype=sp.dtype)
        vals = math_ops.where(math_ops.greater_equal(src32, 0),
                              array_ops.gather(sp.values, safe),
                              d + array_ops.zeros_like(src32, dtype=sp.dtype))
        return SparseTensor(out_idx, vals, sp.dense_shape), empty


def _sparse_segment(data: Any, indices: Any, segment_ids: Any, num_segments: Any,
                    mode: str, name: str) -> Tensor:
    with name_scope(None, name, [data, indices, segment_ids]):
        d = conversion.convert_to_tensor(data, name="data")
        rows = array_ops.gather(d, indices)
        ids = _i32(conversion.convert_to_tensor(segment_ids, name="segment_ids"))
        n = math_ops.reduce_max(ids) + 1 if num_segments is None else num_segments
        total = unsorted_segment_sum(rows, ids, n)
        if mode == "sum":
            return total
        count = unsorted_segment_sum(array_ops.ones_like(ids, dtype=d.dtype), ids, n)
        count = math_ops.maximum(count, 1.0)
        count = count if mode == "mean" else math_ops.sqrt(count)
        extra = max((d.shape.ndims or 1) - 1, 0)
        return total / array_ops.reshape(count, [-1] + [1] * extra)


def sparse_segment_sum(data: Any, indices: Any, segment_ids: Any, name: str | None = None,
                       num_segments: Any = None) -> Tensor:
    """``out[s] = sum of data[indices[k]]`` over the ``k`` with ``segment_ids[k] == s``."""
    return _sparse_segment(data, indices, segment_ids, num_segments, "sum",
                           name or "SparseSegmentSum")


def sparse_segment_mean(data: Any, indices: Any, segment_ids: Any, name: str | None = None,
                        num_segments: Any = None) -> Tensor:
    """The mean of the picked rows of each segment (0 for an empty one)."""
    return _sparse_segment(data, indices, segment_ids, num_segments, "mean",
                           name or "SparseSegmentMean")


def sparse_segment_sqrt_n(data: Any, indices: Any, segment_ids: Any, name: str | None = None,
                          num_segments: Any = None) -> Tensor:
    """The sum of the picked rows of each segment over the square root of their count."""
    return _sparse_segment(data, indices, segment_ids, num_segments, "sqrt_n",
                           name or "SparseSegmentSqrtN")


# -- plan kernels (index bookkeeping only) -------------------------------------------------
def _order(idx: np.ndarray) -> np.ndarray:
    return np.lexsort(idx.T[::-1]) if idx.size else np.zeros(0, np.int64)


@registry.register_kernel("SparseOrder")
def _order_kernel(ctx: registry.KernelContext, idx: Any) -> np.ndarray:
    return _order(np.asarray(idx, np.int64).reshape(len(idx), -1)).astype(np.int64)


@registry.register_kernel("SparseAddPlan")
def _add_plan(ctx: registry.KernelContext, a: Any, b: Any) -> tuple:
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    both = np.concatenate([a.reshape(len(a), -1), b.reshape(len(b), -1)], 0)
    uniq, inverse = np.unique(both, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    return uniq.astype(np.int64), inverse[:len(a)].astype(np.int64), \
        inverse[len(a):].astype(np.int64)


@registry.register_kernel("SparseConcatPlan")
def _concat_plan(ctx: registry.KernelContext, *args: Any) -> tuple:
    n = len(args) // 2
    idxs = [np.asarray(i, np.int64) for i in args[:n]]
    shapes = [np.asarray(s, np.int64) for s in args[n:]]
    axis = ctx.attrs["axis"] % len(shapes[0])
    out_shape = np.max(shapes, 0) if ctx.attrs["expand"] else shapes[0].copy()
    out_shape[axis] = sum(int(s[axis]) for s in shapes)
    parts, offset = [], 0
    for i, s in zip(idxs, shapes):
        i = i.reshape(len(i), -1).copy()
        i[:, axis] += offset
        offset += int(s[axis])
        parts.append(i)
    allidx = np.concatenate(parts, 0)
    perm = _order(allidx)
    return allidx[perm], out_shape.astype(np.int64), perm.astype(np.int64)


@registry.register_kernel("SparseReshapeIndices")
def _reshape_plan(ctx: registry.KernelContext, idx: Any, shape: Any, new: Any) -> tuple:
    shape, new = np.asarray(shape, np.int64), np.asarray(new, np.int64).copy()
    total = int(np.prod(shape))
    if (new == -1).any():
        new[new == -1] = total // int(np.prod(new[new != -1]))
    linear = np.ravel_multi_index(np.asarray(idx, np.int64).T, shape) if len(idx) else \
        np.zeros(0, np.int64)
    out = np.stack(np.unravel_index(linear, new), 1) if len(idx) else np.zeros((0, len(new)))
    return out.astype(np.int64), new


@registry.register_kernel("SparseRowIds")
def _row_ids(ctx: registry.KernelContext, idx: Any) -> tuple:
    idx = np.asarray(idx, np.int64)
    if not len(idx):
        return np.zeros(0, np.int64), np.int64(0)
    _, rows = np.unique(idx[:, :-1], axis=0, return_inverse=True)
    rows = rows.reshape(-1)
    return rows.astype(np.int64), np.int64(rows.max() + 1)


@registry.register_kernel("SparseFillPlan")
def _fill_plan(ctx: registry.KernelContext, idx: Any, shape: Any) -> tuple:
    idx = np.asarray(idx, np.int64).reshape(-1, len(shape))
    n_rows = int(shape[0])
    empty = np.ones(n_rows, bool)
    empty[idx[:, 0]] = False
    extra = np.zeros((int(empty.sum()), idx.shape[1]), np.int64)
    extra[:, 0] = np.nonzero(empty)[0]
    allidx = np.concatenate([idx, extra], 0)
    src = np.concatenate([np.arange(len(idx)), -np.ones(len(extra), np.int64)])
    perm = _order(allidx)
    return allidx[perm], src[perm].astype(np.int64), empty


registry.not_differentiable("SparseOrder", "SparseAddPlan", "SparseConcatPlan",
                            "SparseReshapeIndices", "SparseRowIds", "SparseFillPlan")

__all__ = ["sparse_dense_cwise_mul", "sparse_dense_cwise_div", "sparse_to_dense",
           "sparse_tensor_dense_matmul", "sparse_retain",
           "sparse_reduce_sum", "sparse_reduce_max", "sparse_reorder", "sparse_add",
           "sparse_concat", "sparse_reshape", "sparse_transpose", "sparse_softmax",
           "sparse_fill_empty_rows", "sparse_segment_sum", "sparse_segment_mean",
           "sparse_segment_sqrt_n"]
