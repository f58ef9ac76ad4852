"""Feature columns (``tf.feature_column``): how raw features become model inputs.

Dense columns (``numeric_column``, ``bucketized_column``, ``indicator_column``,
``embedding_column``) produce ``[batch, d]`` float tensors for ``input_layer``;
categorical columns (:mod:`.categorical`, and bucketized) produce int64 ids
``[batch, n]`` (``-1`` = no id) that ``indicator_column`` / ``embedding_column`` and
``linear_model`` consume. Names and variable names are TF1's.

Differs from TF: categorical features are dense tensors (``-1`` or ``''`` = missing),
not ``SparseTensor``s. Hash, out-of-vocabulary and crossed buckets (:mod:`.crossed`) are
TF's (FarmHash ``Fingerprint64``).

Example:
    >>> age = numeric_column("age")
    >>> city = categorical_column_with_vocabulary_list("city", ["paris", "rome"])
    >>> net = input_layer(features, [age, embedding_column(city, 4)])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from trainkit.feature_column.lookup_ops import feature_op
from trainkit.feature_column.state import ColumnState, ScopeVariables
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue
from trainkit.framework.tensor import Tensor
from trainkit.ops import (
    array_ops,
    init_ops,
    mask_ops,
    math_extras,
    math_ops,
    shape_ops,
    slicing_ops,
    sparse_ops,
)


class FeatureCache:
    """Transforms each column once per ``input_layer`` / ``linear_model`` call."""

    def __init__(self, features: Any):
        if not isinstance(features, dict):
            raise TypeError(f"features must be a dict of feature name -> Tensor, got "
                            f"{type(features).__name__}.")
        self.features = features
        self._cache: dict[Any, Tensor] = {}

    def raw(self, key: str) -> Tensor:
        """The feature as a dense tensor (a ``SparseTensor``, e.g. from ``VarLenFeature``,
        is densified with ``''`` / ``-1``: trainkit's missing values)."""
        if key not in self.features:
            raise ValueError(f"Feature {key} is not in features dictionary.")
        value = self.features[key]
        if isinstance(value, SparseTensor | SparseTensorValue):
            sp = SparseTensor.from_value(value)
            missing = b"" if sp.dtype is _dt.string else -1
            return sparse_ops.to_dense(sp, default_value=missing, validate_indices=False)
        return conversion.convert_to_tensor(value)

    def sparse(self, key: str) -> SparseTensor | None:
        """The feature as a ``SparseTensor`` when it was given as one, else None.

        Raises:
            ValueError: ``key`` is not in the features.
        """
        if key not in self.features:
            raise ValueError(f"Feature {key} is not in features dictionary.")
        value = self.features[key]
        if isinstance(value, SparseTensor | SparseTensorValue):
            return SparseTensor.from_value(value)
        return None

    def is_sparse(self, key: str) -> bool:
        """Whether the feature was given as a ``SparseTensor``."""
        return isinstance(self.features.get(key), SparseTensor | SparseTensorValue)

    def get(self, column: Any, make: Callable[[], Tensor]) -> Tensor:
        if column not in self._cache:
            self._cache[column] = make()
        return self._cache[column]


def check_key(key: Any) -> None:
    """Raises ValueError unless ``key`` is a non-empty string."""
    if not isinstance(key, str) or not key:
        raise ValueError(f"key must be a non-empty string, got {key!r}.")


# ------------------------------------------------------------------ dense: numeric
@dataclass(frozen=True)
class NumericColumn:
    """A real-valued feature of shape ``shape`` (see :func:`numeric_column`)."""

    key: str
    shape: tuple[int, ...] = (1,)
    default_value: Any = None
    dtype: Any = _dt.float32
    normalizer_fn: Callable[[Tensor], Tensor] | None = None

    @property
    def name(self) -> str:
        return self.key

    @property
    def variable_shape(self) -> int:
        return int(math.prod(self.shape))

    def dense(self, cache: FeatureCache, state: Any = None) -> Tensor:
        def make() -> Tensor:
            x = math_ops.cast(cache.raw(self.key), _dt.float32)
            if self.normalizer_fn is not None:
                x = self.normalizer_fn(x)
            return shape_ops.reshape(x, [-1, self.variable_shape])
        return cache.get(self, make)


def numeric_column(key: str, shape: Any = (1,), default_value: Any = None,
                   dtype: Any = _dt.float32,
                   normalizer_fn: Callable[[Tensor], Tensor] | None = None) -> NumericColumn:
    """A dense real-valued column.

    Args:
        key: the feature name.
        shape: the shape of one example's value (an int or a tuple of ints).
        default_value: kept for TF compatibility (dense inputs have no missing values).
        dtype: a float or int dtype (values are cast to float32).
        normalizer_fn: applied to the tensor before reshaping (e.g. scaling).

    Raises:
        ValueError: bad key, non-positive shape, or a non-numeric dtype.
        TypeError: ``normalizer_fn`` not callable.
    """
    check_key(key)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if not shape or any(not isinstance(d, int) or d < 1 for d in shape):
        raise ValueError(f"shape dimensions must be greater than 0. shape: {shape}, "
                         f"key: {key}")
    dtype = _dt.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_integer):
        raise ValueError(f"dtype must be convertible to float. dtype: {dtype}, key: {key}")
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise TypeError(f"normalizer_fn must be a callable. Given: {normalizer_fn}")
    return NumericColumn(key, shape, default_value, dtype, normalizer_fn)


@dataclass(frozen=True)
class BucketizedColumn:
    """A numeric column discretized by ``boundaries`` (dense one-hot, or categorical)."""

    source_column: NumericColumn
    boundaries: tuple[float, ...]

    @property
    def name(self) -> str:
        return f"{self.source_column.name}_bucketized"

    @property
    def num_buckets(self) -> int:
        return (len(self.boundaries) + 1) * self.source_column.variable_shape

    @property
    def variable_shape(self) -> int:
        return self.num_buckets

    def ids(self, cache: FeatureCache) -> Tensor:
        return cache.get(self, lambda: feature_op(
            "FeatureBucketize", self.source_column.dense(cache),
            {"boundaries": self.boundaries}, f"{self.name}_ids"))

    def dense(self, cache: FeatureCache, state: Any = None) -> Tensor:
        return multi_hot(self.ids(cache), self.num_buckets)


def bucketized_column(source_column: NumericColumn, boundaries: Sequence[float]
                      ) -> BucketizedColumn:
    """Buckets ``(-inf, b0), [b0, b1), ..., [bn, inf)`` of a numeric column.

    Raises:
        ValueError: a source that is not a ``numeric_column``, or unsorted boundaries.
    """
    if not isinstance(source_column, NumericColumn):
        raise ValueError(f"source_column must be a column generated with numeric_column(). "
                         f"Given: {source_column}")
    bounds = tuple(float(b) for b in boundaries)
    if not bounds or any(a >= b for a, b in zip(bounds, bounds[1:])):
        raise ValueError(f"boundaries must be a sorted list. boundaries: {boundaries}")
    return BucketizedColumn(source_column, bounds)


def multi_hot(ids: Tensor, num_buckets: int) -> Tensor:
    """``[batch, n]`` ids (``-1`` ignored) -> ``[batch, num_buckets]`` float counts."""
    hot = mask_ops.one_hot(ids, num_buckets, dtype=_dt.float32)
    return math_ops.reduce_sum(hot, axis=1)


# ------------------------------------------------------------------ dense wrappers
@dataclass(frozen=True)
class IndicatorColumn:
    """A categorical column as multi-hot counts (see :func:`indicator_column`)."""

    categorical_column: Any

    @property
    def name(self) -> str:
        return f"{self.categorical_column.name}_indicator"

    @property
    def variable_shape(self) -> int:
        return self.categorical_column.num_buckets

    def dense(self, cache: FeatureCache, state: Any = None) -> Tensor:
        cat = self.categorical_column
        refuse_sequence(cat, "indicator_column", self.name)
        return cache.get(self, lambda: multi_hot(cat.ids(cache), cat.num_buckets))


def _check_categorical(column: Any, what: str) -> None:
    if not hasattr(column, "ids") or not hasattr(column, "num_buckets"):
        raise ValueError(f"{what} must be a categorical column (categorical_column_with_*, "
                         f"bucketized_column), given: {column}")


def refuse_sequence(column: Any, wrapper: str, name: str) -> None:
    """Raises ValueError for a sequence categorical column outside ``SequenceFeatures``
    (TF's message; ``name`` is the wrapping column's)."""
    if getattr(column, "is_sequence", False):
        raise ValueError(
            f"In {wrapper}: {name}. categorical_column must not be of type "
            "SequenceCategoricalColumn. Suggested fix A: If you wish to use DenseFeatures, "
            "use a non-sequence categorical_column_with_*. Suggested fix B: If you wish to "
            "create sequence input, use SequenceFeatures instead of DenseFeatures. Given "
            f"(type {type(column).__name__}): {column}")


def indicator_column(categorical_column: Any) -> IndicatorColumn:
    """Multi-hot ``[batch, num_buckets]`` representation of a categorical column."""
    _check_categorical(categorical_column, "categorical_column")
    return IndicatorColumn(categorical_column)


@dataclass(frozen=True)
class EmbeddingColumn:
    """A categorical column through a trainable embedding table."""

    categorical_column: Any
    dimension: int
    combiner: str = "mean"
    initializer: Any = field(default=None, compare=False)
    trainable: bool = True

    @property
    def name(self) -> str:
        return f"{self.categorical_column.name}_embedding"

    @property
    def variable_shape(self) -> int:
        return self.dimension

    def create_state(self, state: ColumnState) -> None:
        """Makes the table in ``state`` ahead of use (a Keras layer's ``build``)."""
        self._table(state)

    def _table(self, state: ColumnState | None) -> Any:
        return (state or ScopeVariables()).get_variable(
            self, "embedding_weights", [self.categorical_column.num_buckets,
                                        self.dimension], self.initializer, self.trainable)

    def dense(self, cache: FeatureCache, state: ColumnState | None = None) -> Tensor:
        """The combined embedding ``[batch, dimension]``; the table
        ``embedding_weights`` comes from ``state`` (``tf.get_variable`` in the current
        variable scope when None)."""
        cat = self.categorical_column
        refuse_sequence(cat, "embedding_column", self.name)
        weights = self._table(state)
        return combine_embeddings(weights, cat.ids(cache), self.combiner,
                                  id_weights(cat, cache))


def combine_embeddings(weights: Any, ids: Tensor, combiner: str,
                       id_weights: Tensor | None = None) -> Tensor:
    """Rows of ``weights`` picked by ``ids`` (``-1`` skipped), combined per example by
    ``'sum'``, ``'mean'`` or ``'sqrtn'``; examples without ids get zeros.

    With ``id_weights`` (a weighted categorical column, aligned with ``ids``) the rows are
    scaled by them: ``sum`` is ``sum(w e)``, ``mean`` divides by ``sum(w)`` and ``sqrtn``
    by ``sqrt(sum(w^2))``, ids of weight <= 0 dropped for those two (TF's
    ``safe_embedding_lookup_sparse``)."""
    weights = conversion.convert_to_tensor(weights)
    dt = weights.dtype.base_dtype
    present = math_ops.greater_equal(ids, 0)
    safe = math_ops.where(present, ids, array_ops.zeros_like(ids))
    if id_weights is None:
        valid = math_ops.cast(present, dt)
        scale = valid
    else:
        w = math_ops.cast(id_weights, dt)
        keep = present if combiner == "sum" else math_ops.logical_and(
            present, math_ops.greater(w, array_ops.zeros_like(w)))
        valid = math_ops.cast(keep, dt)
        scale = w * valid
    rows = slicing_ops.gather(weights, safe) * scale[:, :, None]
    total = math_ops.reduce_sum(rows, axis=1)
    if combiner == "sum":
        return total
    if id_weights is None:
        count = math_ops.reduce_sum(valid, axis=1, keepdims=True)
        if combiner == "sqrtn":
            count = math_ops.sqrt(count)
        return total / math_ops.maximum(count, 1e-12)
    if combiner == "sqrtn":
        norm = math_ops.sqrt(math_ops.reduce_sum(math_ops.square(scale), axis=1, keepdims=True))
    else:
        norm = math_ops.reduce_sum(scale, axis=1, keepdims=True)
    return math_extras.divide_no_nan(total, norm)


def id_weights(column: Any, cache: FeatureCache) -> Tensor | None:
    """The per-id weights of a weighted categorical column (None for the others)."""
    fn = getattr(column, "id_weights", None)
    return None if fn is None else fn(cache)


def embedding_column(categorical_column: Any, dimension: int, combiner: str = "mean",
                     initializer: Any = None, ckpt_to_load_from: str | None = None,
                     tensor_name_in_ckpt: str | None = None, max_norm: float | None = None,
                     trainable: bool = True) -> EmbeddingColumn:
    """A dense ``[batch, dimension]`` embedding of a categorical column; the table is
    ``input_layer/<name>_embedding/embedding_weights``, initialized by ``initializer``
    (default: truncated normal, stddev ``1/sqrt(dimension)``).

    Raises:
        ValueError: a non-categorical column, ``dimension < 1``, an unknown combiner,
            an initializer that is not callable, or ``max_norm`` / checkpoint loading
            (not supported).
    """
    _check_categorical(categorical_column, "categorical_column")
    if dimension is None or not isinstance(dimension, int) or dimension < 1:
        raise ValueError(f"Invalid dimension {dimension}.")
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn', 'sum', got {combiner!r}.")
    if initializer is not None and not callable(initializer):
        raise ValueError(f"initializer must be callable if specified. Embedding of "
                         f"column_name: {categorical_column.name}")
    if (ckpt_to_load_from is None) != (tensor_name_in_ckpt is None):
        raise ValueError("Must specify both `ckpt_to_load_from` and `tensor_name_in_ckpt` "
                         "or none of them.")
    if ckpt_to_load_from is not None or max_norm is not None:
        raise ValueError("embedding_column: ckpt_to_load_from and max_norm are not "
                         "supported by trainkit; warm-start with Estimator(warm_start_from=)"
                         " and clip explicitly instead.")
    if initializer is None:
        initializer = init_ops.truncated_normal_initializer(mean=0.0,
                                                            stddev=1 / math.sqrt(dimension))
    return EmbeddingColumn(categorical_column, dimension, combiner, initializer, trainable)


__all__ = [
    "numeric_column", "bucketized_column", "indicator_column", "embedding_column",
    "NumericColumn", "BucketizedColumn", "IndicatorColumn", "EmbeddingColumn",
    "FeatureCache", "check_key", "multi_hot", "combine_embeddings", "id_weights",
    "refuse_sequence",
]
