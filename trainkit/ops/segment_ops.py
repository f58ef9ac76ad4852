"""Segment reductions over the first dimension, with 1-D ``segment_ids``:
``segment_sum/mean/max/min`` (sorted ids; ``max(ids) + 1`` segments, empty ones 0) and
``unsorted_segment_max/min/mean/sqrt_n`` (``num_segments`` given; an empty max/min
segment holds the dtype's lowest/highest value, as TF). Sums and means build on
``unsorted_segment_sum``; max/min are NumPy kernels whose gradient
(``autodiff/segment_grad.py``) splits each upstream value evenly between tied maxima,
as TF does. Plus ``dynamic_partition`` / ``dynamic_stitch``.

Example:
    >>> tk.segment_sum([5., 1., 7.], [0, 0, 1])        # [6., 7.]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.embedding_ops import unsorted_segment_sum
from trainkit.ops.op_util import make_op
from trainkit.ops.static_value import constant_value


def _count_shape(data: Tensor, counts: Tensor) -> Tensor:
    """``counts`` [n] reshaped to broadcast against the segments' rows."""
    extra = max((data.shape.ndims or 1) - 1, 0)
    return array_ops.reshape(counts, [-1] + [1] * extra)


def _counts(data: Tensor, ids: Tensor, n: Any) -> Tensor:
    ones = array_ops.ones_like(ids, dtype=data.dtype)
    return _count_shape(data, unsorted_segment_sum(ones, ids, n))


def _num_sorted(ids: Tensor) -> Tensor:
    return math_ops.add(math_ops.reduce_max(ids), 1)


def unsorted_segment_mean(data: Any, segment_ids: Any, num_segments: Any,
                          name: str | None = None) -> Tensor:
    """The mean of each segment's rows (0 for an empty segment)."""
    with name_scope(name, "UnsortedSegmentMean", [data]):
        d = conversion.convert_to_tensor(data, name="data")
        ids = conversion.convert_to_tensor(segment_ids, name="segment_ids")
        total = unsorted_segment_sum(d, ids, num_segments)
        return total / math_ops.maximum(_counts(d, ids, num_segments), 1.0)


def unsorted_segment_sqrt_n(data: Any, segment_ids: Any, num_segments: Any,
                            name: str | None = None) -> Tensor:
    """Each segment's sum divided by the square root of its row count."""
    with name_scope(name, "UnsortedSegmentSqrtN", [data]):
        d = conversion.convert_to_tensor(data, name="data")
        ids = conversion.convert_to_tensor(segment_ids, name="segment_ids")
        total = unsorted_segment_sum(d, ids, num_segments)
        return total * math_ops.rsqrt(math_ops.maximum(_counts(d, ids, num_segments), 1.0))


def _extreme(op_type: str, data: Any, segment_ids: Any, num_segments: Any,
             name: str | None) -> Tensor:
    d = conversion.convert_to_tensor(data, name="data")
    ids = conversion.convert_to_tensor(segment_ids, name="segment_ids")
    n = math_ops.cast(conversion.convert_to_tensor(num_segments, name="num_segments"),
                      _dt.int32)
    nv = constant_value(n)
    shape = TensorShape(None) if d.shape.ndims is None else TensorShape(
        [None if nv is None else int(nv)] + d.shape.as_list()[1:])
    return make_op(op_type, [d, ids, n], [d.dtype], name=name or op_type,
                   shapes=[shape]).outputs[0]


def unsorted_segment_max(data: Any, segment_ids: Any, num_segments: Any,
                         name: str | None = None) -> Tensor:
    """The elementwise maximum of each segment's rows (the lowest value when empty)."""
    return _extreme("UnsortedSegmentMax", data, segment_ids, num_segments, name)


def unsorted_segment_min(data: Any, segment_ids: Any, num_segments: Any,
                         name: str | None = None) -> Tensor:
    """The elementwise minimum of each segment's rows (the highest value when empty)."""
    return _extreme("UnsortedSegmentMin", data, segment_ids, num_segments, name)


def unsorted_segment_prod(data: Any, segment_ids: Any, num_segments: Any,
                          name: str | None = None) -> Tensor:
    """The elementwise product of each segment's rows (1 when empty; rows with a
    negative id are dropped, as TF)."""
    return _extreme("UnsortedSegmentProd", data, segment_ids, num_segments, name)


def segment_prod(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """The product of each segment's rows; ``segment_ids`` sorted, ``max + 1`` segments
    (1 for an empty one)."""
    with name_scope(name, "SegmentProd", [data]):
        ids = conversion.convert_to_tensor(segment_ids, name="segment_ids")
        return unsorted_segment_prod(data, ids, _num_sorted(ids))


def segment_sum(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """The sum of each segment's rows; ``segment_ids`` sorted, ``max + 1`` segments."""
    with name_scope(name, "SegmentSum", [data]):
        ids = conversion.convert_to_tensor(segment_ids, name="segment_ids")
        return unsorted_segment_sum(data, ids, _num_sorted(ids))


def segment_mean(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """The mean of each segment's rows (sorted ids; 0 for an empty segment)."""
    with name_scope(name, "SegmentMean", [data]):
        ids = conversion.convert_to_tensor(segment_ids, name="segment_ids")
        return unsorted_segment_mean(data, ids, _num_sorted(ids))


def _sorted_extreme(fn: Any, data: Any, segment_ids: Any, name: str) -> Tensor:
    with name_scope(None, name, [data]):
        d = conversion.convert_to_tensor(data, name="data")
        ids = conversion.convert_to_tensor(segment_ids, name="segment_ids")
        n = _num_sorted(ids)
        out = fn(d, ids, n)
        present = math_ops.greater(_counts(d, ids, n) * array_ops.ones_like(out), 0)
        return math_ops.where(present, out, array_ops.zeros_like(out))


def segment_max(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """The elementwise maximum of each segment's rows (sorted ids; 0 when empty)."""
    return _sorted_extreme(unsorted_segment_max, data, segment_ids, name or "SegmentMax")


def segment_min(data: Any, segment_ids: Any, name: str | None = None) -> Tensor:
    """The elementwise minimum of each segment's rows (sorted ids; 0 when empty)."""
    return _sorted_extreme(unsorted_segment_min, data, segment_ids, name or "SegmentMin")


def dynamic_partition(data: Any, partitions: Any, num_partitions: int,
                      name: str | None = None) -> list[Tensor]:
    """Splits ``data`` into ``num_partitions`` tensors: ``out[i]`` holds the entries (over
    ``partitions``' dimensions) whose partition is ``i``, in order."""
    d = conversion.convert_to_tensor(data, name="data")
    p = conversion.convert_to_tensor(partitions, name="partitions")
    rest = d.shape.as_list()[p.shape.ndims:] if None not in (d.shape.ndims,
                                                             p.shape.ndims) else None
    shape = TensorShape(None) if rest is None else TensorShape([None] + rest)
    op = make_op("DynamicPartition", [d, p], [d.dtype] * int(num_partitions),
                 name=name or "DynamicPartition",
                 attrs={"num_partitions": int(num_partitions)},
                 shapes=[shape] * int(num_partitions))
    return list(op.outputs)


def dynamic_stitch(indices: list, data: list, name: str | None = None) -> Tensor:
    """``merged[indices[m][i]] = data[m][i]`` (later entries win on repeated indices)."""
    idx = [math_ops.cast(conversion.convert_to_tensor(i), _dt.int32) for i in indices]
    vals = [conversion.convert_to_tensor(v) for v in data]
    rest = None
    if vals[0].shape.ndims is not None and idx[0].shape.ndims is not None:
        rest = vals[0].shape.as_list()[idx[0].shape.ndims:]
    shape = TensorShape(None) if rest is None else TensorShape([None] + rest)
    return make_op("DynamicStitch", idx + vals, [vals[0].dtype],
                   name=name or "DynamicStitch", shapes=[shape]).outputs[0]


# -- kernels -----------------------------------------------------------------------------
def _extreme_kernel(np_fn: Any, highest: bool) -> Any:
    def kernel(ctx: registry.KernelContext, data: Any, ids: Any, n: Any) -> np.ndarray:
        data = np.asarray(data)
        if data.dtype.kind == "f":
            fill = np.finfo(data.dtype).max if highest else np.finfo(data.dtype).min
        else:
            fill = np.iinfo(data.dtype).max if highest else np.iinfo(data.dtype).min
        out = np.full((int(n),) + data.shape[1:], fill, dtype=data.dtype)
        np_fn.at(out, np.asarray(ids).astype(np.int64), data)
        return out
    return kernel


@registry.register_kernel("UnsortedSegmentProd")
def _prod_kernel(ctx: registry.KernelContext, data: Any, ids: Any, n: Any) -> np.ndarray:
    data = np.asarray(data)
    ids = np.asarray(ids).astype(np.int64).reshape(-1)
    out = np.ones((int(n),) + data.shape[ids.ndim:], dtype=data.dtype)
    keep = ids >= 0
    np.multiply.at(out, ids[keep], data.reshape((len(ids),) + data.shape[1:])[keep])
    return out


registry.register_kernel("UnsortedSegmentMax")(_extreme_kernel(np.maximum, False))
registry.register_kernel("UnsortedSegmentMin")(_extreme_kernel(np.minimum, True))


@registry.register_kernel("DynamicPartition", returns_list=True)
def _partition(ctx: registry.KernelContext, data: Any, parts: Any) -> tuple:
    data, parts = np.asarray(data), np.asarray(parts)
    flat = data.reshape((parts.size,) + data.shape[parts.ndim:])
    p = parts.reshape(-1)
    return tuple(flat[p == i] for i in range(ctx.attrs["num_partitions"]))


@registry.register_kernel("DynamicStitch")
def _stitch(ctx: registry.KernelContext, *args: Any) -> np.ndarray:
    m = len(args) // 2
    idx, vals = [np.asarray(a) for a in args[:m]], [np.asarray(a) for a in args[m:]]
    size = max((int(i.max()) + 1 for i in idx if i.size), default=0)
    rest = vals[0].shape[idx[0].ndim:]
    out = np.zeros((size,) + rest, dtype=vals[0].dtype)
    for i, v in zip(idx, vals):
        out[i.reshape(-1)] = v.reshape((i.size,) + rest)
    return out


__all__ = ["segment_sum", "segment_mean", "segment_max", "segment_min",
           "unsorted_segment_mean", "unsorted_segment_sqrt_n", "unsorted_segment_max",
           "unsorted_segment_min", "dynamic_partition", "dynamic_stitch"]
