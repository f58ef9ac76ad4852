"""``trainkit.metrics``: streaming metrics (``tf.compat.v1.metrics``).

Example:
    >>> acc, update = tk.metrics.accuracy(labels, predictions)
"""

from __future__ import annotations

from trainkit.ops.metrics_classes import mean_iou, mean_per_class_accuracy
from trainkit.ops.metrics_confusion import (
    auc,
    false_negatives,
    false_negatives_at_thresholds,
    false_positives,
    false_positives_at_thresholds,
    precision,
    precision_at_thresholds,
    recall,
    recall_at_thresholds,
    sensitivity_at_specificity,
    specificity_at_sensitivity,
    true_negatives,
    true_negatives_at_thresholds,
    true_positives,
    true_positives_at_thresholds,
)
from trainkit.ops.metrics_impl import accuracy, mean, mean_tensor, percentage_below
from trainkit.ops.metrics_ranking import (
    average_precision_at_k,
    precision_at_k,
    precision_at_top_k,
    recall_at_k,
    recall_at_top_k,
    sparse_average_precision_at_k,
    sparse_precision_at_k,
)
from trainkit.ops.metrics_regression import (
    mean_absolute_error,
    mean_cosine_distance,
    mean_relative_error,
    mean_squared_error,
    root_mean_squared_error,
)

__all__ = [
    "accuracy", "auc", "average_precision_at_k", "false_negatives",
    "false_negatives_at_thresholds", "false_positives", "false_positives_at_thresholds",
    "mean", "mean_absolute_error", "mean_cosine_distance", "mean_iou",
    "mean_per_class_accuracy", "mean_relative_error", "mean_squared_error", "mean_tensor",
    "percentage_below", "precision", "precision_at_k", "precision_at_thresholds",
    "precision_at_top_k", "recall_at_top_k", "sparse_precision_at_k", "recall",
    "recall_at_k", "recall_at_thresholds", "root_mean_squared_error",
    "sensitivity_at_specificity", "sparse_average_precision_at_k",
    "specificity_at_sensitivity", "true_negatives", "true_negatives_at_thresholds",
    "true_positives", "true_positives_at_thresholds",
]
