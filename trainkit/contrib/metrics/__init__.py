"""``tk.contrib.metrics``: TF 1.15's ``tf.contrib.metrics``.

The ``streaming_*`` metrics take **predictions before labels** (``tf.metrics`` takes
labels first); most are ``tk.metrics`` under contrib's names (``streaming``), the rest
are contrib's own (``moments``: covariance, Pearson correlation, concat, count;
``rates``: false positive/negative rates, curve points; ``equal_thresholds``: bucketed
precision/recall; ``classification``: one-batch accuracy, best F1 over thresholds,
aggregation helpers).

Example:
    >>> auc, update = tk.contrib.metrics.streaming_auc(probabilities, labels)
    >>> sess.run(tk.local_variables_initializer()); sess.run(update, feed)
"""

from __future__ import annotations

from trainkit.contrib.metrics.classification import (
    accuracy,
    aggregate_metric_map,
    aggregate_metrics,
    cohen_kappa,
    confusion_matrix,
    f1_score,
)
from trainkit.contrib.metrics.equal_thresholds import precision_recall_at_equal_thresholds
from trainkit.contrib.metrics.moments import (
    count,
    streaming_concat,
    streaming_covariance,
    streaming_pearson_correlation,
)
from trainkit.contrib.metrics.rates import (
    streaming_curve_points,
    streaming_false_negative_rate,
    streaming_false_positive_rate,
)
from trainkit.contrib.metrics.streaming import (
    streaming_accuracy,
    streaming_auc,
    streaming_false_negatives,
    streaming_false_negatives_at_thresholds,
    streaming_false_positives,
    streaming_false_positives_at_thresholds,
    streaming_mean,
    streaming_mean_absolute_error,
    streaming_mean_cosine_distance,
    streaming_mean_iou,
    streaming_mean_relative_error,
    streaming_mean_squared_error,
    streaming_mean_tensor,
    streaming_percentage_less,
    streaming_precision,
    streaming_precision_at_thresholds,
    streaming_recall,
    streaming_recall_at_k,
    streaming_recall_at_thresholds,
    streaming_root_mean_squared_error,
    streaming_sensitivity_at_specificity,
    streaming_sparse_average_precision_at_k,
    streaming_sparse_precision_at_k,
    streaming_sparse_recall_at_k,
    streaming_specificity_at_sensitivity,
    streaming_true_negatives,
    streaming_true_negatives_at_thresholds,
    streaming_true_positives,
    streaming_true_positives_at_thresholds,
)

__all__ = [
    "accuracy", "aggregate_metric_map", "aggregate_metrics", "cohen_kappa",
    "confusion_matrix", "count",
    "f1_score", "precision_recall_at_equal_thresholds", "streaming_accuracy",
    "streaming_auc", "streaming_concat",
    "streaming_covariance", "streaming_curve_points", "streaming_false_negative_rate",
    "streaming_false_positive_rate", "streaming_false_negatives",
    "streaming_false_negatives_at_thresholds", "streaming_false_positives",
    "streaming_false_positives_at_thresholds", "streaming_mean",
    "streaming_mean_absolute_error", "streaming_mean_cosine_distance", "streaming_mean_iou",
    "streaming_mean_relative_error", "streaming_mean_squared_error", "streaming_mean_tensor",
    "streaming_pearson_correlation", "streaming_percentage_less", "streaming_precision",
    "streaming_precision_at_thresholds", "streaming_recall", "streaming_recall_at_k",
    "streaming_recall_at_thresholds", "streaming_root_mean_squared_error",
    "streaming_sensitivity_at_specificity", "streaming_sparse_average_precision_at_k",
    "streaming_sparse_precision_at_k", "streaming_sparse_recall_at_k",
    "streaming_specificity_at_sensitivity", "streaming_true_negatives",
    "streaming_true_negatives_at_thresholds", "streaming_true_positives",
    "streaming_true_positives_at_thresholds",
]
