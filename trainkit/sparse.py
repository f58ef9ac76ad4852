"""``tk.sparse``: sparse-tensor ops under their ``tf.compat.v1.sparse`` names."""

from __future__ import annotations

from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue
from trainkit.ops.placeholders import sparse_placeholder as placeholder
from trainkit.ops.sparse_cross_ops import cross, cross_hashed
from trainkit.ops.sparse_extras import sparse_add as add
from trainkit.ops.sparse_extras import sparse_concat as concat
from trainkit.ops.sparse_extras import sparse_fill_empty_rows as fill_empty_rows
from trainkit.ops.sparse_extras import sparse_reduce_max as reduce_max
from trainkit.ops.sparse_extras import sparse_reduce_sum as reduce_sum
from trainkit.ops.sparse_extras import sparse_reorder as reorder
from trainkit.ops.sparse_extras import sparse_reshape as reshape
from trainkit.ops.sparse_extras import sparse_retain as retain
from trainkit.ops.sparse_extras import sparse_segment_mean as segment_mean
from trainkit.ops.sparse_extras import sparse_segment_sqrt_n as segment_sqrt_n
from trainkit.ops.sparse_extras import sparse_segment_sum as segment_sum
from trainkit.ops.sparse_extras import sparse_softmax as softmax
from trainkit.ops.sparse_extras import sparse_tensor_dense_matmul as matmul
from trainkit.ops.sparse_extras import sparse_tensor_dense_matmul as sparse_dense_matmul
from trainkit.ops.sparse_extras import sparse_transpose as transpose
from trainkit.ops.sparse_mask import mask
from trainkit.ops.sparse_more import (
    expand_dims,
    eye,
    from_dense,
    maximum,
    merge,
    minimum,
    reduce_max_sparse,
    reduce_sum_sparse,
    reset_shape,
    slice,
    split,
    to_indicator,
)
from trainkit.ops.sparse_ops import sparse_tensor_to_dense, to_dense

__all__ = ["SparseTensor", "SparseTensorValue", "placeholder", "add", "concat",
           "fill_empty_rows", "reduce_max", "reduce_sum", "reorder", "reshape", "retain",
           "segment_mean", "segment_sqrt_n", "segment_sum", "softmax", "matmul",
           "sparse_dense_matmul", "transpose", "sparse_tensor_to_dense", "to_dense",
           "expand_dims", "eye", "from_dense", "maximum", "merge", "minimum",
           "reduce_max_sparse", "reduce_sum_sparse", "reset_shape", "slice", "split",
           "to_indicator", "cross", "cross_hashed", "mask"]
