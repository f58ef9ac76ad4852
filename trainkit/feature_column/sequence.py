"""Sequence feature columns (``tf.feature_column.sequence_*``): one value (or id) per
time step of each example, for ``tk.keras.experimental.SequenceFeatures``.

A sequence feature comes as a ``SparseTensor`` ``[batch, steps * size]`` (what
``parse_single_sequence_example`` / ``VarLenFeature`` give); each example's length is its
last present position + 1 (TF's ``sequence_length_from_sparse_tensor``). Categorical
sequence columns also take dense ids, ``-1`` / ``''`` marking the missing steps, as TF's
dense-to-sparse conversion drops them. :func:`sequence_dense` gives a sequence column's
``[batch, steps, size]`` values and ``[batch]`` int64 lengths: ``sequence_numeric_column``
its values (``default_value`` where absent), an ``embedding_column`` of a sequence
categorical column each step's embedding row (zeros where absent), an
``indicator_column`` each step's one-hot.

Example:
    >>> watches = sequence_categorical_column_with_identity("watches", 100)
    >>> values, length = sequence_dense(embedding_column(watches, 8), cache, state)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from trainkit.feature_column import categorical
from trainkit.feature_column.columns import (
    EmbeddingColumn,
    FeatureCache,
    IndicatorColumn,
    numeric_column,
)
from trainkit.feature_column.state import ColumnState, ScopeVariables
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops import (
    array_ops,
    join_ops,
    mask_ops,
    math_ops,
    shape_ops,
    slicing_ops,
    sparse_ops,
)
from trainkit.ops.op_util import make_op


@dataclass(frozen=True)
class SequenceNumericColumn:
    """Real values per step (see :func:`sequence_numeric_column`)."""

    key: str
    shape: tuple[int, ...] = (1,)
    default_value: float = 0.0
    dtype: Any = _dt.float32
    normalizer_fn: Callable[[Tensor], Tensor] | None = None

    @property
    def name(self) -> str:
        return self.key

    @property
    def variable_shape(self) -> int:
        return int(math.prod(self.shape))

    def sequence_dense(self, cache: FeatureCache) -> tuple[Tensor, Tensor]:
        """``([batch, steps, size] float32, [batch] int64)``.

        Raises:
            TypeError: the feature is not a ``SparseTensor`` (TF's error type).
        """
        sp = cache.sparse(self.key)
        if sp is None:
            raise TypeError(f"Input must be a SparseTensor: sequence_numeric_column "
                            f"{self.key!r} takes one (e.g. from a VarLenFeature or "
                            f"tf.sparse.from_dense), got {cache.features[self.key]!r}.")
        x = math_ops.cast(sparse_ops.to_dense(sp, default_value=self.default_value,
                                              validate_indices=False), _dt.float32)
        if self.normalizer_fn is not None:
            x = self.normalizer_fn(x)
        return _steps(x, self.variable_shape), _sparse_length(sp, self.variable_shape)


def sequence_numeric_column(key: str, shape: Any = (1,), default_value: float = 0.0,
                            dtype: Any = _dt.float32,
                            normalizer_fn: Callable[[Tensor], Tensor] | None = None
                            ) -> SequenceNumericColumn:
    """Values of ``shape`` per step of a sequence feature (``SparseTensor`` input).

    Raises:
        ValueError: a bad key, a non-positive shape or a non-numeric dtype.
        TypeError: ``normalizer_fn`` not callable.
    """
    base = numeric_column(key, shape, None, dtype, normalizer_fn)   # the same checks
    return SequenceNumericColumn(key, base.shape, float(default_value), base.dtype,
                                 normalizer_fn)


@dataclass(frozen=True)
class SequenceCategoricalColumn:
    """A categorical column read per step (see ``sequence_categorical_column_with_*``);
    wrap it in an ``embedding_column`` or ``indicator_column``."""

    categorical_column: Any
    is_sequence = True   # the dense wrappers refuse it outside SequenceFeatures

    @property
    def name(self) -> str:
        return self.categorical_column.name

    @property
    def key(self) -> str:
        return self.categorical_column.key

    @property
    def num_buckets(self) -> int:
        return self.categorical_column.num_buckets

    def ids(self, cache: FeatureCache) -> Tensor:
        """``[batch, steps]`` int64 ids, ``-1`` where a step has none."""
        return self.categorical_column.ids(cache)

    def sequence_length(self, cache: FeatureCache) -> Tensor:
        """``[batch]`` int64: the last present step + 1."""
        sp = cache.sparse(self.key)
        if sp is not None:
            return _sparse_length(sp, 1)
        raw = cache.raw(self.key)
        missing = b"" if raw.dtype is _dt.string else -1
        return make_op("FeatureDenseSequenceLength", [raw], [_dt.int64],
                       name="sequence_length", attrs={"missing": missing},
                       shapes=[[raw.shape.as_list()[0] if raw.shape.ndims else None]]
                       ).outputs[0]


def sequence_categorical_column_with_identity(key: str, num_buckets: int,
                                              default_value: int | None = None
                                              ) -> SequenceCategoricalColumn:
    """``categorical_column_with_identity`` per step."""
    return SequenceCategoricalColumn(categorical.categorical_column_with_identity(
        key, num_buckets, default_value))


def sequence_categorical_column_with_vocabulary_list(
        key: str, vocabulary_list: Any, dtype: Any = None, default_value: int = -1,
        num_oov_buckets: int = 0) -> SequenceCategoricalColumn:
    """``categorical_column_with_vocabulary_list`` per step."""
    return SequenceCategoricalColumn(categorical.categorical_column_with_vocabulary_list(
        key, vocabulary_list, dtype, default_value, num_oov_buckets))


def sequence_categorical_column_with_hash_bucket(key: str, hash_bucket_size: int,
                                                 dtype: Any = _dt.string
                                                 ) -> SequenceCategoricalColumn:
    """``categorical_column_with_hash_bucket`` per step."""
    return SequenceCategoricalColumn(categorical.categorical_column_with_hash_bucket(
        key, hash_bucket_size, dtype))


def is_sequence_dense(column: Any) -> bool:
    """Whether ``column`` gives a sequence: a ``sequence_numeric_column``, or an embedding
    or indicator column of a sequence categorical column."""
    if isinstance(column, SequenceNumericColumn):
        return True
    return isinstance(column, EmbeddingColumn | IndicatorColumn) and \
        isinstance(column.categorical_column, SequenceCategoricalColumn)


def sequence_dense(column: Any, cache: FeatureCache, state: ColumnState | None = None
                   ) -> tuple[Tensor, Tensor]:
    """``column``'s ``([batch, steps, size] float32, [batch] int64 lengths)``.

    Raises:
        ValueError: ``column`` is no sequence column (see :func:`is_sequence_dense`).
    """
    if isinstance(column, SequenceNumericColumn):
        return column.sequence_dense(cache)
    if not is_sequence_dense(column):
        raise ValueError(f"Not a sequence dense column: {column}")
    cat = column.categorical_column
    ids = cat.ids(cache)
    if isinstance(column, IndicatorColumn):
        values = mask_ops.one_hot(ids, cat.num_buckets, dtype=_dt.float32)
    else:
        weights = (state or ScopeVariables()).get_variable(
            column, "embedding_weights", [cat.num_buckets, column.dimension],
            column.initializer, column.trainable)
        present = math_ops.greater_equal(ids, 0)
        safe = math_ops.where(present, ids, array_ops.zeros_like(ids))
        values = slicing_ops.gather(weights, safe) * \
            math_ops.cast(present, _dt.float32)[:, :, None]
    return values, cat.sequence_length(cache)


def _steps(x: Tensor, size: int) -> Tensor:
    """``[batch, steps * size]`` -> ``[batch, steps, size]``."""
    batch = array_ops.shape(x)[0]
    return shape_ops.reshape(x, join_ops.stack([batch, -1, size]))


def _sparse_length(sp: SparseTensor, size: int) -> Tensor:
    return make_op("FeatureSparseSequenceLength", [sp.indices, sp.dense_shape], [_dt.int64],
                   name="sequence_length", attrs={"size": size},
                   shapes=[[None]]).outputs[0]


@registry.register_kernel("FeatureSparseSequenceLength")
def _sparse_sequence_length(ctx: registry.KernelContext, indices: np.ndarray,
                            dense_shape: np.ndarray) -> np.ndarray:
    """Per row, ceil((last column index + 1) / size); 0 for rows without values."""
    out = np.zeros(int(dense_shape[0]), np.int64)
    idx = np.asarray(indices, np.int64).reshape(-1, 2)
    np.maximum.at(out, idx[:, 0], idx[:, 1] + 1)
    size = ctx.attrs["size"]
    return (out + size - 1) // size


@registry.register_kernel("FeatureDenseSequenceLength")
def _dense_sequence_length(ctx: registry.KernelContext, values: np.ndarray) -> np.ndarray:
    """Per row, the last position whose value is present (not ``-1`` / ``''``) + 1."""
    arr = np.asarray(values)
    arr = arr.reshape(arr.shape[0], -1)
    missing = ctx.attrs["missing"]
    if missing == b"":
        present = np.array([v not in (b"", "") for v in arr.ravel()], bool).reshape(arr.shape)
    else:
        present = arr != missing
    last = np.where(present.any(1), arr.shape[1] - np.argmax(present[:, ::-1], 1), 0)
    return last.astype(np.int64)


registry.not_differentiable("FeatureSparseSequenceLength", "FeatureDenseSequenceLength")

__all__ = [
    "sequence_numeric_column", "sequence_categorical_column_with_identity",
    "sequence_categorical_column_with_vocabulary_list",
    "sequence_categorical_column_with_hash_bucket", "SequenceNumericColumn",
    "SequenceCategoricalColumn", "is_sequence_dense", "sequence_dense",
]
