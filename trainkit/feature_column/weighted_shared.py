"""``tf.feature_column.weighted_categorical_column`` (a categorical column whose ids carry
weights from another feature) and ``shared_embedding_columns`` (several categorical
columns looked up in one embedding table).

Example:
    >>> wc = weighted_categorical_column(categorical_column_with_identity("item", 4), "wt")
    >>> emb_a, emb_b = shared_embedding_columns([col_a, col_b], dimension=8)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from trainkit.feature_column.columns import (
    FeatureCache,
    check_key,
    combine_embeddings,
    id_weights,
)
from trainkit.feature_column.state import ColumnState, ScopeVariables
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import init_ops, math_ops


def _check_categorical(column: Any, what: str) -> None:
    if not hasattr(column, "ids") or not hasattr(column, "num_buckets"):
        raise ValueError(f"{what} must be a categorical column (categorical_column_with_*, "
                         f"bucketized_column), given: {column}")


@dataclass(frozen=True)
class WeightedCategoricalColumn:
    """A categorical column with a weight per id (see
    :func:`weighted_categorical_column`)."""

    categorical_column: Any
    weight_feature_key: str
    dtype: Any = _dt.float32

    @property
    def name(self) -> str:
        return f"{self.categorical_column.name}_weighted_by_{self.weight_feature_key}"

    @property
    def num_buckets(self) -> int:
        return self.categorical_column.num_buckets

    def ids(self, cache: FeatureCache) -> Tensor:
        return self.categorical_column.ids(cache)

    def id_weights(self, cache: FeatureCache) -> Tensor:
        """The weights, aligned with :meth:`ids` (the weight feature densified the same
        way as the ids' feature)."""
        return cache.get((self, "weights"), lambda: math_ops.cast(
            cache.raw(self.weight_feature_key), self.dtype))


def weighted_categorical_column(categorical_column: Any, weight_feature_key: str,
                                dtype: Any = _dt.float32) -> WeightedCategoricalColumn:
    """``categorical_column`` whose ids are weighted by the feature
    ``weight_feature_key`` (same indices as the ids): embeddings and linear models scale
    each id's row by its weight.

    Raises:
        ValueError: a non-categorical column or a dtype that is not floating.
    """
    _check_categorical(categorical_column, "categorical_column")
    dt = _dt.as_dtype(dtype)
    if not (dt.is_floating or dt.is_integer):
        raise ValueError(f"dtype {dtype!r} is not convertible to float.")
    return WeightedCategoricalColumn(categorical_column, weight_feature_key, dt)


@dataclass(frozen=True)
class SharedEmbeddingColumn:
    """One of the columns of :func:`shared_embedding_columns`."""

    categorical_column: Any
    dimension: int
    shared_name: str
    combiner: str = "mean"
    initializer: Any = field(default=None, compare=False)
    trainable: bool = True

    @property
    def name(self) -> str:
        return f"{self.categorical_column.name}_shared_embedding"

    @property
    def variable_shape(self) -> int:
        return self.dimension

    def dense(self, cache: FeatureCache, state: ColumnState | None = None) -> Tensor:
        """The embedding; the one table of the group (``<scope>/<shared name>/
        embedding_weights`` in ``input_layer``) comes from ``state``."""
        weights = (state or ScopeVariables()).get_shared_variable(
            self.shared_name, "embedding_weights",
            [self.categorical_column.num_buckets, self.dimension], self.initializer,
            self.trainable)
        cat = self.categorical_column
        return combine_embeddings(weights, cat.ids(cache), self.combiner,
                                  id_weights(cat, cache))


def shared_embedding_columns(categorical_columns: Any, dimension: int,
                             combiner: str = "mean", initializer: Any = None,
                             shared_embedding_collection_name: str | None = None,
                             ckpt_to_load_from: str | None = None,
                             tensor_name_in_ckpt: str | None = None,
                             max_norm: float | None = None,
                             trainable: bool = True) -> list[SharedEmbeddingColumn]:
    """Embedding columns of ``categorical_columns`` sharing one table, named
    ``<sorted names joined by _>_shared_embedding`` unless
    ``shared_embedding_collection_name`` is given.

    Raises:
        ValueError: no columns, a non-categorical one, columns with different numbers of
            buckets, ``dimension < 1``, an unknown combiner, a non-callable initializer,
            or checkpoint loading / ``max_norm`` (not supported, as ``embedding_column``).
    """
    cols = list(categorical_columns or [])
    if not cols:
        raise ValueError("categorical_columns must not be empty.")
    for c in cols:
        _check_categorical(c, "categorical_columns")
    first = cols[0]
    for c in cols[1:]:
        if c.num_buckets != first.num_buckets:
            raise ValueError(
                "To use shared_embedding_column, all categorical_columns must have the "
                f"same number of buckets. Given column: {first} with buckets: "
                f"{first.num_buckets} does not match column: {c} with buckets: "
                f"{c.num_buckets}")
    if dimension is None or not isinstance(dimension, int) or dimension < 1:
        raise ValueError(f"Invalid dimension {dimension}.")
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn', 'sum', got {combiner!r}.")
    if initializer is not None and not callable(initializer):
        raise ValueError("initializer must be callable if specified.")
    if ckpt_to_load_from is not None or tensor_name_in_ckpt is not None or max_norm:
        raise ValueError("shared_embedding_columns: ckpt_to_load_from and max_norm are not "
                         "supported by trainkit.")
    name = shared_embedding_collection_name or "_".join(
        sorted(c.name for c in cols)) + "_shared_embedding"
    check_key(name)
    if initializer is None:
        initializer = init_ops.truncated_normal_initializer(mean=0.0,
                                                            stddev=1 / math.sqrt(dimension))
    return [SharedEmbeddingColumn(c, dimension, name, combiner, initializer, trainable)
            for c in cols]


__all__ = ["weighted_categorical_column", "shared_embedding_columns",
           "WeightedCategoricalColumn", "SharedEmbeddingColumn"]
