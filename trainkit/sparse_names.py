"""The ``tf.sparse_*`` functions of TF1's top-level namespace, re-exported by ``trainkit``."""

from __future__ import annotations

from trainkit.ops.sparse_extras import (
    sparse_add,
    sparse_concat,
    sparse_fill_empty_rows,
    sparse_reduce_max,
    sparse_reduce_sum,
    sparse_reorder,
    sparse_reshape,
    sparse_retain,
    sparse_segment_mean,
    sparse_segment_sqrt_n,
    sparse_segment_sum,
    sparse_softmax,
    sparse_tensor_dense_matmul,
    sparse_to_dense,
    sparse_transpose,
)
from trainkit.ops.sparse_more import maximum as sparse_maximum
from trainkit.ops.sparse_more import merge as sparse_merge
from trainkit.ops.sparse_more import minimum as sparse_minimum
from trainkit.ops.sparse_more import reduce_max_sparse as sparse_reduce_max_sparse
from trainkit.ops.sparse_more import reduce_sum_sparse as sparse_reduce_sum_sparse
from trainkit.ops.sparse_more import reset_shape as sparse_reset_shape
from trainkit.ops.sparse_more import slice as sparse_slice
from trainkit.ops.sparse_more import split as sparse_split
from trainkit.ops.sparse_more import to_indicator as sparse_to_indicator
from trainkit.ops.sparse_ops import sparse_tensor_to_dense

__all__ = [
    "sparse_add",
    "sparse_concat",
    "sparse_fill_empty_rows",
    "sparse_maximum",
    "sparse_merge",
    "sparse_minimum",
    "sparse_reduce_max",
    "sparse_reduce_max_sparse",
    "sparse_reduce_sum",
    "sparse_reduce_sum_sparse",
    "sparse_reorder",
    "sparse_reset_shape",
    "sparse_reshape",
    "sparse_retain",
    "sparse_segment_mean",
    "sparse_segment_sqrt_n",
    "sparse_segment_sum",
    "sparse_slice",
    "sparse_softmax",
    "sparse_split",
    "sparse_tensor_dense_matmul",
    "sparse_tensor_to_dense",
    "sparse_to_dense",
    "sparse_to_indicator",
    "sparse_transpose",
]
