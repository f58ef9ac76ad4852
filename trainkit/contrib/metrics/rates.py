"""``tf.contrib.metrics`` rates and curves of TF 1.15 built from ``tf.metrics`` counts:
``streaming_false_positive_rate``, ``streaming_false_negative_rate`` and
``streaming_curve_points``.

Example:
    >>> points, update = streaming_curve_points(labels, probabilities, num_thresholds=11)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, variable_scope
from trainkit.ops.control_flow_ops import group
from trainkit.ops.join_ops import stack
from trainkit.ops.metrics_confusion import (
    confusion_at_thresholds,
    false_negatives,
    false_positives,
    true_negatives,
    true_positives,
)
from trainkit.ops.metrics_impl import Pair, add_to_collections, squeeze_last


def _rate(num: Tensor, other: Tensor, name: str) -> Tensor:
    """``num / (num + other)``, 0 while both are 0."""
    den = num + other
    positive = math_ops.greater(den, 0.0)
    safe = math_ops.where(positive, den, array_ops.ones_like(den))
    return math_ops.where(positive, num / safe, array_ops.zeros_like(num), name=name)


def _rate_metric(default: str, count_fn: Any, other_fn: Any, predictions: Any, labels: Any,
                 weights: Any, metrics_collections: Any, updates_collections: Any,
                 name: str | None) -> Pair:
    with variable_scope.variable_scope(name, default, (predictions, labels, weights)):
        predictions = math_ops.cast(conversion.convert_to_tensor(predictions), _dt.bool_)
        labels = math_ops.cast(conversion.convert_to_tensor(labels), _dt.bool_)
        predictions, labels, weights = squeeze_last(predictions, labels, weights)
        num, num_up = count_fn(labels, predictions, weights)
        other, other_up = other_fn(labels, predictions, weights)
        value = _rate(num, other, "value")
        update_op = _rate(num_up, other_up, "update_op")
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


def streaming_false_positive_rate(predictions: Any, labels: Any, weights: Any = None,
                                  metrics_collections: Any = None,
                                  updates_collections: Any = None,
                                  name: str | None = None) -> Pair:
    """``fp / (fp + tn)`` of boolean predictions (0 without negatives); variables
    ``false_positive_rate/false_positives/count`` and ``.../true_negatives/count``."""
    return _rate_metric("false_positive_rate", false_positives, true_negatives,
                        predictions, labels, weights, metrics_collections,
                        updates_collections, name)


def streaming_false_negative_rate(predictions: Any, labels: Any, weights: Any = None,
                                  metrics_collections: Any = None,
                                  updates_collections: Any = None,
                                  name: str | None = None) -> Pair:
    """``fn / (fn + tp)`` of boolean predictions (0 without positives); variables
    ``false_negative_rate/false_negatives/count`` and ``.../true_positives/count``."""
    return _rate_metric("false_negative_rate", false_negatives, true_positives,
                        predictions, labels, weights, metrics_collections,
                        updates_collections, name)


def streaming_curve_points(labels: Any = None, predictions: Any = None, weights: Any = None,
                           num_thresholds: int = 200, metrics_collections: Any = None,
                           updates_collections: Any = None, curve: str = "ROC",
                           name: str | None = None) -> tuple[Tensor, Any]:
    """The ROC (``[fp rate, recall]``) or PR (``[recall, precision]``) curve at
    ``num_thresholds`` evenly spaced thresholds, a ``[num_thresholds, 2]`` tensor (labels
    first here, as in TF). Rates use TF's ``1e-6`` smoothing.

    Returns:
        ``(points, update_op)``: the points, and an op (no value) adding a batch.

    Raises:
        ValueError: for a ``curve`` other than ``'ROC'`` or ``'PR'``.
    """
    with variable_scope.variable_scope(name, "curve_points", (labels, predictions, weights)):
        if curve not in ("ROC", "PR"):
            raise ValueError(f"curve must be either ROC or PR, {curve} unknown")
        eps = 1e-7
        inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        thresholds = [0.0 - eps] + inner + [1.0 + eps]
        values, updates = confusion_at_thresholds(labels, predictions, thresholds, weights)
        tp, fn, tn, fp = (values[k] for k in ("tp", "fn", "tn", "fp"))
        smooth = 1.0e-6
        rec = math_ops.divide(tp + smooth, tp + fn + smooth)
        if curve == "ROC":
            xs, ys = math_ops.divide(fp, fp + tn + smooth), rec
        else:
            xs, ys = rec, math_ops.divide(tp + smooth, tp + fp + smooth)
        points = stack([xs, ys], axis=1)
        update_op = group(*updates.values())
    add_to_collections(metrics_collections, points)
    add_to_collections(updates_collections, update_op)
    return points, update_op


__all__ = ["streaming_false_positive_rate", "streaming_false_negative_rate",
           "streaming_curve_points"]
