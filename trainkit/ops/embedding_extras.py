"""``tf.nn.safe_embedding_lookup_sparse`` (TF's recipe: flatten to 2-D, drop negative ids
and, unless summing, non-positive weights, fill empty rows with ``default_id`` — or give
them zeros — then ``embedding_lookup_sparse`` and restore the leading shape).

Example:
    >>> emb = safe_embedding_lookup_sparse(table, sp_ids, combiner="mean")
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.embedding_ops import embedding_lookup_sparse
from trainkit.ops.sparse_extras import (
    sparse_fill_empty_rows,
    sparse_reshape,
    sparse_retain,
)
from trainkit.ops.static_value import constant_value


def safe_embedding_lookup_sparse(embedding_weights: Any, sparse_ids: SparseTensor,
                                 sparse_weights: SparseTensor | None = None,
                                 combiner: str = "mean", default_id: int | None = None,
                                 name: str | None = None, partition_strategy: str = "div",
                                 max_norm: Any = None) -> Tensor:
    """Combined embeddings ``[*ids.dense_shape[:-1], dim]`` that tolerate invalid ids and
    empty rows (zeros, or ``default_id``'s embedding). The static shape is TF's: the
    embedding width, after the leading dims when the ids' dense shape is known at build
    time (as many unknown dims as its length says otherwise).

    Raises:
        ValueError: an unknown combiner.
    """
    with name_scope(name, "embedding_lookup", [sparse_ids]):
        shape = sparse_ids.dense_shape
        lead = shape[:-1]
        flat_shape = array_ops.stack([math_ops.reduce_prod(lead), shape[-1]])
        ids = sparse_reshape(sparse_ids, flat_shape)
        weights = None if sparse_weights is None else sparse_reshape(sparse_weights,
                                                                     flat_shape)
        keep = math_ops.greater_equal(ids.values, 0)
        ids = sparse_retain(ids, keep)
        if weights is not None:
            weights = sparse_retain(weights, keep)
            if combiner != "sum":
                positive = math_ops.greater(weights.values, 0)
                ids, weights = sparse_retain(ids, positive), sparse_retain(weights, positive)
        ids, empty = sparse_fill_empty_rows(ids, default_id or 0)
        if weights is not None:
            weights, _ = sparse_fill_empty_rows(weights, 1.0)
        result = embedding_lookup_sparse(embedding_weights, ids, weights,
                                         partition_strategy=partition_strategy,
                                         combiner=combiner, max_norm=max_norm)
        if default_id is None:
            mask = array_ops.expand_dims(empty, 1) | math_ops.cast(
                array_ops.zeros_like(result, dtype=_dt.int32), _dt.bool_)
            result = math_ops.where(mask, array_ops.zeros_like(result), result)
        out_shape = array_ops.concat([math_ops.cast(lead, _dt.int32),
                                      array_ops.shape(result)[1:]], 0)
        out = array_ops.reshape(result, out_shape)
        out.set_shape(_lead_shape(sparse_ids.dense_shape).concatenate(result.shape[1:]))
        return out


def _lead_shape(dense_shape: Tensor) -> TensorShape:
    """The static leading dims of the ids (all but the last): their values when the dense
    shape is known at build time, else as many unknown dims as its static length says
    (TF's ``set_shape`` on the result, and its reshape's folding of a constant shape)."""
    known = constant_value(dense_shape)
    if known is not None:
        return TensorShape([int(d) for d in np.reshape(known, [-1])[:-1]])
    rank = dense_shape.shape.num_elements() if dense_shape.shape.ndims == 1 else None
    return TensorShape(None) if rank is None else TensorShape([None] * (rank - 1))


__all__ = ["safe_embedding_lookup_sparse"]
