"""``tf.contrib.metrics.streaming_*`` that TF 1.15 builds on ``tf.metrics``.

Each is the ``tk.metrics`` metric of the same meaning (same local variables in
LOCAL_VARIABLES and METRIC_VARIABLES, same scope names, same weights handling), called
with contrib's argument order: **predictions before labels**. Passing both by keyword
works as in TF.

Example:
    >>> acc, update = tk.contrib.metrics.streaming_accuracy(predictions, labels)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.ops import math_ops
from trainkit.ops import metrics_classes as _cls
from trainkit.ops import metrics_confusion as _conf
from trainkit.ops import metrics_impl as _impl
from trainkit.ops import metrics_ranking as _rank
from trainkit.ops import metrics_regression as _reg
from trainkit.ops.metrics_impl import Pair
from trainkit.ops.top_k_ops import in_top_k

_Cols = Any


def streaming_mean(values: Any, weights: Any = None, metrics_collections: _Cols = None,
                   updates_collections: _Cols = None, name: str | None = None) -> Pair:
    """The (weighted) mean of ``values``: ``tf.metrics.mean`` (variables ``mean/total``
    and ``mean/count``)."""
    return _impl.mean(values, weights, metrics_collections, updates_collections, name)


def streaming_mean_tensor(values: Any, weights: Any = None,
                          metrics_collections: _Cols = None,
                          updates_collections: _Cols = None,
                          name: str | None = None) -> Pair:
    """The element-wise (weighted) mean of ``values``: ``tf.metrics.mean_tensor``."""
    return _impl.mean_tensor(values, weights, metrics_collections, updates_collections,
                             name)


def streaming_accuracy(predictions: Any, labels: Any, weights: Any = None,
                       metrics_collections: _Cols = None, updates_collections: _Cols = None,
                       name: str | None = None) -> Pair:
    """How often ``predictions`` equals ``labels``: ``tf.metrics.accuracy``."""
    return _impl.accuracy(labels, predictions, weights, metrics_collections,
                          updates_collections, name)


def streaming_precision(predictions: Any, labels: Any, weights: Any = None,
                        metrics_collections: _Cols = None,
                        updates_collections: _Cols = None,
                        name: str | None = None) -> Pair:
    """``tp / (tp + fp)`` of boolean predictions: ``tf.metrics.precision``."""
    return _conf.precision(labels, predictions, weights, metrics_collections,
                           updates_collections, name)


def streaming_recall(predictions: Any, labels: Any, weights: Any = None,
                     metrics_collections: _Cols = None, updates_collections: _Cols = None,
                     name: str | None = None) -> Pair:
    """``tp / (tp + fn)`` of boolean predictions: ``tf.metrics.recall``."""
    return _conf.recall(labels, predictions, weights, metrics_collections,
                        updates_collections, name)


def _count_fn(metric: Any, what: str) -> Any:
    def streaming(predictions: Any, labels: Any, weights: Any = None,
                  metrics_collections: _Cols = None, updates_collections: _Cols = None,
                  name: str | None = None) -> Pair:
        return metric(labels, predictions, weights, metrics_collections,
                      updates_collections, name)

    streaming.__name__ = streaming.__qualname__ = f"streaming_{metric.__name__}"
    streaming.__doc__ = (f"The weighted number of {what} (inputs cast to bool): "
                         f"``tf.metrics.{metric.__name__}`` (variable "
                         f"``{metric.__name__}/count``).")
    return streaming


streaming_true_positives = _count_fn(_conf.true_positives, "true positives")
streaming_false_positives = _count_fn(_conf.false_positives, "false positives")
streaming_true_negatives = _count_fn(_conf.true_negatives, "true negatives")
streaming_false_negatives = _count_fn(_conf.false_negatives, "false negatives")


def _at_thresholds_fn(kind: str) -> Any:
    def streaming(predictions: Any, labels: Any, thresholds: list[float],
                  weights: Any = None) -> Pair:
        values, updates = _conf.confusion_at_thresholds(labels, predictions, thresholds,
                                                        weights, includes=(kind,))
        return values[kind], updates[kind]

    full = {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives",
            "fn": "false_negatives"}[kind]
    streaming.__name__ = streaming.__qualname__ = f"streaming_{full}_at_thresholds"
    streaming.__doc__ = (f"The weighted {full.replace('_', ' ')} at each threshold (a "
                         f"``[len(thresholds)]`` variable ``{full}``, no scope, as TF).")
    return streaming


streaming_true_positives_at_thresholds = _at_thresholds_fn("tp")
streaming_false_positives_at_thresholds = _at_thresholds_fn("fp")
streaming_true_negatives_at_thresholds = _at_thresholds_fn("tn")
streaming_false_negatives_at_thresholds = _at_thresholds_fn("fn")


def streaming_precision_at_thresholds(predictions: Any, labels: Any,
                                      thresholds: list[float], weights: Any = None,
                                      metrics_collections: _Cols = None,
                                      updates_collections: _Cols = None,
                                      name: str | None = None) -> Pair:
    """``tp / (1e-7 + tp + fp)`` at each threshold: ``tf.metrics.precision_at_thresholds``."""
    return _conf.precision_at_thresholds(labels, predictions, thresholds, weights,
                                         metrics_collections, updates_collections, name)


def streaming_recall_at_thresholds(predictions: Any, labels: Any, thresholds: list[float],
                                   weights: Any = None, metrics_collections: _Cols = None,
                                   updates_collections: _Cols = None,
                                   name: str | None = None) -> Pair:
    """``tp / (1e-7 + tp + fn)`` at each threshold: ``tf.metrics.recall_at_thresholds``."""
    return _conf.recall_at_thresholds(labels, predictions, thresholds, weights,
                                      metrics_collections, updates_collections, name)


def streaming_auc(predictions: Any, labels: Any, weights: Any = None,
                  num_thresholds: int = 200, metrics_collections: _Cols = None,
                  updates_collections: _Cols = None, curve: str = "ROC",
                  name: str | None = None, summation_method: str = "trapezoidal") -> Pair:
    """The area under the ROC or PR curve: ``tf.metrics.auc``.

    TF 1.15's signature ends at ``name`` (always the trapezoidal rule);
    ``summation_method`` is a trailing extra passed on to ``tf.metrics.auc``.

    Raises:
        ValueError: for an unknown ``curve`` or ``summation_method``.
    """
    return _conf.auc(labels, predictions, weights, num_thresholds, metrics_collections,
                     updates_collections, curve, name, summation_method)


def streaming_specificity_at_sensitivity(predictions: Any, labels: Any, sensitivity: float,
                                         weights: Any = None, num_thresholds: int = 200,
                                         metrics_collections: _Cols = None,
                                         updates_collections: _Cols = None,
                                         name: str | None = None) -> Pair:
    """``tf.metrics.specificity_at_sensitivity``.

    Raises:
        ValueError: if ``sensitivity`` is outside ``[0, 1]``.
    """
    return _conf.specificity_at_sensitivity(labels, predictions, sensitivity, weights,
                                            num_thresholds, metrics_collections,
                                            updates_collections, name)


def streaming_sensitivity_at_specificity(predictions: Any, labels: Any, specificity: float,
                                         weights: Any = None, num_thresholds: int = 200,
                                         metrics_collections: _Cols = None,
                                         updates_collections: _Cols = None,
                                         name: str | None = None) -> Pair:
    """``tf.metrics.sensitivity_at_specificity``.

    Raises:
        ValueError: if ``specificity`` is outside ``[0, 1]``.
    """
    return _conf.sensitivity_at_specificity(labels, predictions, specificity, weights,
                                            num_thresholds, metrics_collections,
                                            updates_collections, name)


def streaming_mean_absolute_error(predictions: Any, labels: Any, weights: Any = None,
                                  metrics_collections: _Cols = None,
                                  updates_collections: _Cols = None,
                                  name: str | None = None) -> Pair:
    """The mean of ``|predictions - labels|``: ``tf.metrics.mean_absolute_error``."""
    return _reg.mean_absolute_error(labels, predictions, weights, metrics_collections,
                                    updates_collections, name)


def streaming_mean_squared_error(predictions: Any, labels: Any, weights: Any = None,
                                 metrics_collections: _Cols = None,
                                 updates_collections: _Cols = None,
                                 name: str | None = None) -> Pair:
    """The mean of ``(predictions - labels)**2``: ``tf.metrics.mean_squared_error``."""
    return _reg.mean_squared_error(labels, predictions, weights, metrics_collections,
                                   updates_collections, name)


def streaming_root_mean_squared_error(predictions: Any, labels: Any, weights: Any = None,
                                      metrics_collections: _Cols = None,
                                      updates_collections: _Cols = None,
                                      name: str | None = None) -> Pair:
    """The square root of the mean squared error: ``tf.metrics.root_mean_squared_error``."""
    return _reg.root_mean_squared_error(labels, predictions, weights, metrics_collections,
                                        updates_collections, name)


def streaming_mean_relative_error(predictions: Any, labels: Any, normalizer: Any,
                                  weights: Any = None, metrics_collections: _Cols = None,
                                  updates_collections: _Cols = None,
                                  name: str | None = None) -> Pair:
    """The mean of ``|predictions - labels| / normalizer`` (0 where the normalizer is 0):
    ``tf.metrics.mean_relative_error``."""
    return _reg.mean_relative_error(labels, predictions, normalizer, weights,
                                    metrics_collections, updates_collections, name)


def streaming_mean_cosine_distance(predictions: Any, labels: Any, dim: int,
                                   weights: Any = None, metrics_collections: _Cols = None,
                                   updates_collections: _Cols = None,
                                   name: str | None = None) -> Pair:
    """``1 -`` the mean of ``sum(predictions * labels, dim)``:
    ``tf.metrics.mean_cosine_distance``."""
    return _reg.mean_cosine_distance(labels, predictions, dim, weights,
                                     metrics_collections, updates_collections, name)


def streaming_percentage_less(values: Any, threshold: float, weights: Any = None,
                              metrics_collections: _Cols = None,
                              updates_collections: _Cols = None,
                              name: str | None = None) -> Pair:
    """The (weighted) fraction of ``values`` below ``threshold``:
    ``tf.metrics.percentage_below``."""
    return _impl.percentage_below(values, threshold, weights, metrics_collections,
                                  updates_collections, name)


def streaming_mean_iou(predictions: Any, labels: Any, num_classes: int, weights: Any = None,
                       metrics_collections: _Cols = None, updates_collections: _Cols = None,
                       name: str | None = None) -> Pair:
    """The mean intersection-over-union of class ids: ``tf.metrics.mean_iou`` (the
    update op returns the confusion matrix, as in TF)."""
    return _cls.mean_iou(labels, predictions, num_classes, weights, metrics_collections,
                         updates_collections, name)


def streaming_recall_at_k(predictions: Any, labels: Any, k: int, weights: Any = None,
                          metrics_collections: _Cols = None,
                          updates_collections: _Cols = None,
                          name: str | None = None) -> Pair:
    """The fraction of ``[batch]`` int labels found by ``in_top_k(predictions, labels, k)``:
    a :func:`streaming_mean` named ``recall_at_<k>`` (TF1's deprecated dense version).

    Raises:
        TypeError: for non-integer labels or non-float predictions.
        ValueError: for predictions that are not 2-D or labels that are not 1-D.
    """
    hit = math_ops.cast(in_top_k(predictions, conversion.convert_to_tensor(labels), k),
                        _dt.float32)
    return _impl.mean(hit, weights, metrics_collections, updates_collections,
                      name or f"recall_at_{k}")


def streaming_sparse_recall_at_k(predictions: Any, labels: Any, k: int,
                                 class_id: int | None = None, weights: Any = None,
                                 metrics_collections: _Cols = None,
                                 updates_collections: _Cols = None,
                                 name: str | None = None) -> Pair:
    """Recall@k against label ids: ``tf.metrics.recall_at_k`` (float64, NaN while no
    label was seen)."""
    return _rank.recall_at_k(labels, predictions, k, class_id, weights,
                             metrics_collections, updates_collections, name)


def streaming_sparse_precision_at_k(predictions: Any, labels: Any, k: int,
                                    class_id: int | None = None, weights: Any = None,
                                    metrics_collections: _Cols = None,
                                    updates_collections: _Cols = None,
                                    name: str | None = None) -> Pair:
    """Precision@k against label ids: ``tf.metrics.sparse_precision_at_k``."""
    return _rank.precision_at_k(labels, predictions, k, class_id, weights,
                                metrics_collections, updates_collections, name)


def streaming_sparse_average_precision_at_k(predictions: Any, labels: Any, k: int,
                                            weights: Any = None,
                                            metrics_collections: _Cols = None,
                                            updates_collections: _Cols = None,
                                            name: str | None = None) -> Pair:
    """The mean average precision@k: ``tf.metrics.sparse_average_precision_at_k``."""
    return _rank.average_precision_at_k(labels, predictions, k, weights,
                                        metrics_collections, updates_collections, name)


__all__ = [
    "streaming_mean", "streaming_mean_tensor", "streaming_accuracy", "streaming_precision",
    "streaming_recall", "streaming_true_positives", "streaming_false_positives",
    "streaming_true_negatives", "streaming_false_negatives",
    "streaming_true_positives_at_thresholds", "streaming_false_positives_at_thresholds",
    "streaming_true_negatives_at_thresholds", "streaming_false_negatives_at_thresholds",
    "streaming_precision_at_thresholds", "streaming_recall_at_thresholds", "streaming_auc",
    "streaming_specificity_at_sensitivity", "streaming_sensitivity_at_specificity",
    "streaming_mean_absolute_error", "streaming_mean_squared_error",
    "streaming_root_mean_squared_error", "streaming_mean_relative_error",
    "streaming_mean_cosine_distance", "streaming_percentage_less", "streaming_mean_iou",
    "streaming_recall_at_k", "streaming_sparse_recall_at_k",
    "streaming_sparse_precision_at_k", "streaming_sparse_average_precision_at_k",
]
