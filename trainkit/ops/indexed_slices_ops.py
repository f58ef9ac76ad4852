"""Ops on ``IndexedSlices``: densifying (registered as its tensor conversion), summing
several of them, and merging duplicate rows.

Example:
    >>> dense = tk.convert_to_tensor(indexed_slices)     # rows summed into zeros
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.op_util import make_op
from trainkit.ops.static_value import partial_shape_value


def to_dense(x: IndexedSlices, name: str | None = None) -> Tensor:
    """The dense tensor: zeros of ``dense_shape`` plus each row of ``values`` at its index.

    Raises:
        ValueError: if ``x`` has no ``dense_shape``.
    """
    if x.dense_shape is None:
        raise ValueError(f"Tensor conversion requested for IndexedSlices without "
                         f"dense_shape: {x!r}")
    shape = partial_shape_value(x.dense_shape)
    vshape = x.values.shape
    if shape.ndims is not None and vshape.ndims is not None and shape.ndims == vshape.ndims:
        shape = TensorShape([shape[0]] + vshape.as_list()[1:]).merge_with(shape)
    axis = conversion.convert_to_tensor(0, dtype=_dt.int32)
    return make_op("GatherGrad", [x.values, x.indices, x.dense_shape, axis], [x.dtype],
                   name=name or "IndexedSlicesToDense", shapes=[shape]).outputs[0]


def _convert(value: IndexedSlices, dtype: Any = None, name: str | None = None,
             as_ref: bool = False) -> Tensor:
    if dtype is not None and _dt.as_dtype(dtype) is not value.dtype:
        raise ValueError(f"Tensor conversion requested dtype {_dt.as_dtype(dtype).name} for "
                         f"IndexedSlices with dtype {value.dtype.name}: {value!r}")
    return to_dense(value, name)


conversion.register_tensor_conversion_function(IndexedSlices, _convert)


def add_indexed_slices(parts: list[IndexedSlices], name: str | None = None) -> IndexedSlices:
    """The sum of several ``IndexedSlices`` of one dense shape: their rows concatenated."""
    if len(parts) == 1:
        return parts[0]
    idx_dtype = _dt.int64 if any(p.indices.dtype is _dt.int64 for p in parts) else _dt.int32
    values = array_ops.concat([p.values for p in parts], 0, name=name or "concat")
    indices = array_ops.concat([math_ops.cast(p.indices, idx_dtype) for p in parts], 0)
    return IndexedSlices(values, indices, parts[0].dense_shape)


__all__ = ["to_dense", "add_indexed_slices"]
