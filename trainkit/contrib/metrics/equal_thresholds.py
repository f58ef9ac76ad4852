"""``tf.contrib.metrics.precision_recall_at_equal_thresholds`` (TF 1.15): tp/fp/tn/fn,
precision and recall at ``num_thresholds`` evenly spaced thresholds in O(T + N).

Each prediction ``p`` falls into bucket ``floor(p * (num_thresholds - 1))``; the update
scatter-adds the (weighted) positive and negative labels into two float64 bucket
variables, and the counts at threshold ``i`` are the reversed cumulative sums from
bucket ``i`` (so a prediction counts as positive at ``t_i`` when its bucket is ``>= i``).

Example:
    >>> data, update = precision_recall_at_equal_thresholds(labels, probs, num_thresholds=11)
    >>> sess.run(update, feed); sess.run(data.precision)
"""

from __future__ import annotations

import collections
from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.default_graph import control_dependencies, name_scope
from trainkit.ops import array_ops, math_ops, variable_scope
from trainkit.ops.array_extras import linspace
from trainkit.ops.check_ops import assert_greater_equal, assert_less_equal, assert_type
from trainkit.ops.control_flow_ops import group
from trainkit.ops.metrics_impl import metric_variable, squeeze_last
from trainkit.ops.reduction_ops import cumsum
from trainkit.ops.scatter_ops import scatter_add

PrecisionRecallData = collections.namedtuple(
    "PrecisionRecallData", ["tp", "fp", "tn", "fn", "precision", "recall", "thresholds"])


def precision_recall_at_equal_thresholds(labels: Any, predictions: Any, weights: Any = None,
                                         num_thresholds: int | None = None,
                                         use_locking: bool | None = None,
                                         name: str | None = None) -> tuple[Any, Any]:
    """Confusion counts, precision and recall at ``num_thresholds`` (default 201) evenly
    spaced thresholds in ``[0, 1]``.

    Variables: ``<name>/variables/tp_buckets`` and ``.../fp_buckets`` (float64).
    Precision and recall are ``tp / max(1e-7, tp + fp)`` and ``tp / max(1e-7, tp + fn)``.

    Returns:
        ``(PrecisionRecallData(tp, fp, tn, fn, precision, recall, thresholds), update_op)``,
        every field ``[num_thresholds]`` in the predictions' dtype; ``update_op`` is a
        group (no value).

    Raises:
        TypeError: if ``labels`` is not bool.
        ValueError: for incompatible shapes.
        InvalidArgumentError: (when the update runs) for predictions outside ``[0, 1]``.
    """
    n = 201 if num_thresholds is None else num_thresholds
    weights = 1.0 if weights is None else weights
    labels = conversion.convert_to_tensor(labels)
    assert_type(labels, _dt.bool_)
    with variable_scope.variable_scope(name, "precision_recall_at_equal_thresholds",
                                       (labels, predictions, weights)):
        predictions = conversion.convert_to_tensor(predictions)
        zero, one = (math_ops.cast(v, predictions.dtype) for v in (0.0, 1.0))
        checks = [assert_greater_equal(predictions, zero,
                                       message="predictions must be in [0, 1]"),
                  assert_less_equal(predictions, one, message="predictions must be in [0, 1]")]
        predictions, labels, weights = squeeze_last(predictions, labels, weights)
        with control_dependencies(checks):
            predictions = array_ops.identity(predictions)
        f_labels = math_ops.cast(labels, _dt.float64)
        w = math_ops.cast(conversion.convert_to_tensor(weights), _dt.float64)
        true_labels = array_ops.reshape(f_labels * w, [-1])
        false_labels = array_ops.reshape((1.0 - f_labels) * w, [-1])
        flat = array_ops.reshape(predictions, [-1])
        buckets = math_ops.cast(math_ops.floor(flat * float(n - 1)), _dt.int32)
        with name_scope("variables"):
            tp_buckets = metric_variable([n], _dt.float64, name="tp_buckets")
            fp_buckets = metric_variable([n], _dt.float64, name="fp_buckets")
        with name_scope("update_op"):
            locking = True if use_locking is None else use_locking
            update_tp = scatter_add(tp_buckets, buckets, true_labels, use_locking=locking)
            update_fp = scatter_add(fp_buckets, buckets, false_labels, use_locking=locking)
        tp = cumsum(conversion.convert_to_tensor(tp_buckets), reverse=True, name="tp")
        fp = cumsum(conversion.convert_to_tensor(fp_buckets), reverse=True, name="fp")
        tn, fn = fp[0] - fp, tp[0] - tp
        eps = conversion.convert_to_tensor(1e-7, dtype=_dt.float64)
        precision = tp / math_ops.maximum(eps, tp + fp)
        recall = tp / math_ops.maximum(eps, tp + fn)

        def out(t: Any) -> Any:
            return math_ops.cast(t, predictions.dtype)

        result = PrecisionRecallData(
            tp=out(tp), fp=out(fp), tn=out(tn), fn=out(fn), precision=out(precision),
            recall=out(recall), thresholds=out(linspace(0.0, 1.0, n)))
        return result, group(update_tp, update_fp)


__all__ = ["PrecisionRecallData", "precision_recall_at_equal_thresholds"]
