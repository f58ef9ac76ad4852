"""``tf.compat.v1.metrics`` for regression: streaming means of per-element errors.

Each is :func:`~trainkit.ops.metrics_impl.mean` of an error tensor, under TF's scope
name (``mean_squared_error/total`` ...), so it shares ``mean``'s weights semantics.

Example:
    >>> mse, update = mean_squared_error(labels, predictions)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.metrics_impl import Pair, add_to_collections, mean, squeeze_last


def _pair(labels: Any, predictions: Any, weights: Any) -> tuple[Tensor, Tensor, Any]:
    labels = math_ops.cast(conversion.convert_to_tensor(labels), _dt.float32)
    predictions = math_ops.cast(conversion.convert_to_tensor(predictions), _dt.float32)
    predictions, labels, weights = squeeze_last(predictions, labels, weights)
    return labels, predictions, weights


def mean_absolute_error(labels: Any, predictions: Any, weights: Any = None,
                        metrics_collections: Any = None, updates_collections: Any = None,
                        name: str | None = None) -> Pair:
    """The streaming mean of ``|predictions - labels|``.

    Raises:
        ValueError: if the shapes are incompatible or weights cannot broadcast.
    """
    labels, predictions, weights = _pair(labels, predictions, weights)
    return mean(math_ops.abs(predictions - labels), weights, metrics_collections,
                updates_collections, name or "mean_absolute_error")


def mean_squared_error(labels: Any, predictions: Any, weights: Any = None,
                       metrics_collections: Any = None, updates_collections: Any = None,
                       name: str | None = None) -> Pair:
    """The streaming mean of ``(predictions - labels)**2``."""
    labels, predictions, weights = _pair(labels, predictions, weights)
    return mean(math_ops.squared_difference(predictions, labels), weights,
                metrics_collections, updates_collections, name or "mean_squared_error")


def root_mean_squared_error(labels: Any, predictions: Any, weights: Any = None,
                            metrics_collections: Any = None,
                            updates_collections: Any = None,
                            name: str | None = None) -> Pair:
    """The square root of the streaming mean squared error."""
    labels, predictions, weights = _pair(labels, predictions, weights)
    mse, update_mse = mean(math_ops.squared_difference(predictions, labels), weights,
                           None, None, name or "root_mean_squared_error")
    value, update_op = math_ops.sqrt(mse), math_ops.sqrt(update_mse)
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


def mean_relative_error(labels: Any, predictions: Any, normalizer: Any, weights: Any = None,
                        metrics_collections: Any = None, updates_collections: Any = None,
                        name: str | None = None) -> Pair:
    """The streaming mean of ``|predictions - labels| / normalizer`` (0 where the
    normalizer is 0)."""
    labels, predictions, weights = _pair(labels, predictions, weights)
    normalizer = math_ops.cast(conversion.convert_to_tensor(normalizer), _dt.float32)
    predictions, normalizer, _ = squeeze_last(predictions, normalizer)
    zero = math_ops.equal(normalizer, 0.0)
    safe = math_ops.where(zero, array_ops.ones_like(normalizer), normalizer)
    rel = math_ops.abs(labels - predictions) / safe
    rel = math_ops.where(zero, array_ops.zeros_like(rel), rel)
    return mean(rel, weights, metrics_collections, updates_collections,
                name or "mean_relative_error")


def mean_cosine_distance(labels: Any, predictions: Any, dim: int, weights: Any = None,
                         metrics_collections: Any = None, updates_collections: Any = None,
                         name: str | None = None) -> Pair:
    """``1 -`` the streaming mean of ``sum(labels * predictions, axis=dim)``.

    As in TF, both inputs are expected to be unit-normalized along ``dim``; ``weights``
    apply to the reduced tensor (size 1 along ``dim``).
    """
    labels, predictions, weights = _pair(labels, predictions, weights)
    radial = math_ops.reduce_sum(predictions * labels, axis=[dim], keepdims=True)
    value, update = mean(radial, weights, None, None, name or "mean_cosine_distance")
    value, update_op = 1.0 - value, 1.0 - update
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


__all__ = ["mean_absolute_error", "mean_squared_error", "root_mean_squared_error",
           "mean_relative_error", "mean_cosine_distance"]
