"""``slim.metrics`` (``tf.contrib.metrics``): the streaming metrics under their contrib
names (predictions before labels) and the aggregation helpers ``aggregate_metrics`` /
``aggregate_metric_map``.

Example:
    >>> values, updates = slim.metrics.aggregate_metric_map({
    ...     "accuracy": slim.metrics.streaming_accuracy(predictions, labels)})
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.tensor import Tensor
from trainkit.ops import metrics_impl, metrics_regression


def streaming_mean(values: Any, weights: Any = None, metrics_collections: Any = None,
                   updates_collections: Any = None, name: str | None = None
                   ) -> tuple[Tensor, Tensor]:
    """The running (weighted) mean of ``values``: ``(value, update_op)``."""
    return metrics_impl.mean(values, weights, metrics_collections, updates_collections, name)


def streaming_accuracy(predictions: Any, labels: Any, weights: Any = None,
                       metrics_collections: Any = None, updates_collections: Any = None,
                       name: str | None = None) -> tuple[Tensor, Tensor]:
    """The running fraction of ``predictions == labels``."""
    return metrics_impl.accuracy(labels, predictions, weights, metrics_collections,
                                 updates_collections, name)


def streaming_mean_squared_error(predictions: Any, labels: Any, weights: Any = None,
                                 metrics_collections: Any = None,
                                 updates_collections: Any = None, name: str | None = None
                                 ) -> tuple[Tensor, Tensor]:
    """The running mean of ``(predictions - labels) ** 2``."""
    return metrics_regression.mean_squared_error(labels, predictions, weights,
                                                 metrics_collections, updates_collections,
                                                 name)


def streaming_mean_absolute_error(predictions: Any, labels: Any, weights: Any = None,
                                  metrics_collections: Any = None,
                                  updates_collections: Any = None, name: str | None = None
                                  ) -> tuple[Tensor, Tensor]:
    """The running mean of ``|predictions - labels|``."""
    return metrics_regression.mean_absolute_error(labels, predictions, weights,
                                                  metrics_collections, updates_collections,
                                                  name)


def aggregate_metrics(*value_update_tuples: tuple) -> tuple[list, list]:
    """``[(value, update), ...]`` -> ``([values], [updates])``.

    Raises:
        ValueError: if no tuple is given.
    """
    if not value_update_tuples:
        raise ValueError("Expected at least one value_tensor/update_op pair")
    values, updates = zip(*value_update_tuples, strict=True)
    return list(values), list(updates)


def aggregate_metric_map(names_to_tuples: dict) -> tuple[dict, dict]:
    """``{name: (value, update)}`` -> ``({name: value}, {name: update})``."""
    names = list(names_to_tuples)
    values, updates = aggregate_metrics(*[names_to_tuples[n] for n in names])
    return dict(zip(names, values, strict=True)), dict(zip(names, updates, strict=True))


__all__ = ["streaming_mean", "streaming_accuracy", "streaming_mean_squared_error",
           "streaming_mean_absolute_error", "aggregate_metrics", "aggregate_metric_map"]
