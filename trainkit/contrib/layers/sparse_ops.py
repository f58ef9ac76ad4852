"""``tf.contrib.layers.dense_to_sparse_tensor``: the cells of a dense tensor that differ
from an ignored value (by default the dtype's zero, ``''`` for strings) as a
``SparseTensor`` of the dense tensor's shape.

Example:
    >>> sp = dense_to_sparse_tensor(tk.constant([[3, 0], [0, 5]]))   # values [3, 5]
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.comparison_ops import where
from trainkit.ops.slicing_ops import gather_nd


def dense_to_sparse_tensor(dense_tensor: Any, ignore_value: Any = None) -> SparseTensor:
    """``dense_tensor`` without its ``ignore_value`` cells, as a ``SparseTensor``.

    Args:
        dense_tensor: a tensor (or value convertible to one) of known rank.
        ignore_value: the value to drop; None means the dtype's default (0, 0.0,
            False, ``''``).

    Raises:
        ValueError: ``dense_tensor``'s rank is unknown (as TF 1.15).
    """
    with name_scope(None, "DenseToSparseTensor"):
        dense = conversion.convert_to_tensor(dense_tensor)
        if dense.shape.ndims is None:
            raise ValueError("dense_tensor.get_shape() should be defined, got None.")
        if ignore_value is None:
            ignore_value = "" if dense.dtype == _dt.string else dense.dtype.as_numpy_dtype()
        ignore = math_ops.cast(ignore_value, dense.dtype, name="ignore_value")
        indices = where(math_ops.not_equal(dense, ignore), name="indices")
        return SparseTensor(indices, gather_nd(dense, indices, name="values"),
                            array_ops.shape(dense, out_type=_dt.int64, name="dense_shape"))


__all__ = ["dense_to_sparse_tensor"]
