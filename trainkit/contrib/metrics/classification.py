"""``tf.contrib.metrics`` helpers of TF 1.15 outside the ``streaming_*`` family:
``accuracy`` (one batch, not streaming), ``f1_score`` (the best F1 over thresholds),
``cohen_kappa``, ``confusion_matrix``, ``aggregate_metrics`` and ``aggregate_metric_map``.

Example:
    >>> values, updates = aggregate_metric_map({
    ...     "mae": streaming_mean_absolute_error(predictions, labels),
    ...     "rmse": streaming_root_mean_squared_error(predictions, labels)})
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.default_graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, shape_ops, state_ops, variable_scope
from trainkit.ops.linalg_ops import diag_part
from trainkit.ops.metrics_confusion import confusion_at_thresholds
from trainkit.ops.metrics_impl import (
    Pair,
    add_to_collections,
    metric_variable,
    safe_div,
    squeeze_last,
)
from trainkit.ops.misc_ops import confusion_matrix


def accuracy(predictions: Any, labels: Any, weights: Any = None,
             name: str | None = None) -> Tensor:
    """The fraction of ``predictions`` equal to ``labels`` in this batch (a plain tensor,
    no variables); with ``weights``, ``sum(w * correct) / sum(w)``.

    Raises:
        ValueError: if ``labels`` is not bool, integer or string, or the dtypes of
            predictions and labels differ.
    """
    predictions = conversion.convert_to_tensor(predictions)
    labels = conversion.convert_to_tensor(labels)
    if not (labels.dtype.is_integer or labels.dtype in (_dt.bool_, _dt.string)):
        raise ValueError(f"Labels should have bool, integer, or string dtype, not "
                         f"{labels.dtype!r}")
    if labels.dtype is not predictions.dtype:
        raise ValueError(f"Dtypes of predictions and labels should match. Given: "
                         f"predictions ({predictions.dtype!r}) and labels "
                         f"({labels.dtype!r})")
    with name_scope(name, "accuracy", [predictions, labels]):
        correct = math_ops.cast(math_ops.equal(predictions, labels), _dt.float32)
        if weights is None:
            return math_ops.reduce_mean(correct)
        weights = math_ops.cast(conversion.convert_to_tensor(weights), _dt.float32)
        correct = correct * weights
        num = weights * array_ops.ones_like(correct)
        return math_ops.divide(math_ops.reduce_sum(correct), math_ops.reduce_sum(num))


def f1_score(labels: Any, predictions: Any, weights: Any = None, num_thresholds: int = 200,
             metrics_collections: Any = None, updates_collections: Any = None,
             name: str | None = None) -> Pair:
    """The best F1 score ``2pr / (p + r + 1e-7)`` over ``num_thresholds`` evenly spaced
    thresholds on probabilities (labels first, as in TF 1.15's contrib ``f1_score``).

    Variables: ``f1/true_positives``, ``f1/false_positives``, ``f1/false_negatives``
    (``[num_thresholds]`` float32); precision and recall are ``tp / (1e-7 + tp + x)``.

    Raises:
        ValueError: for incompatible shapes or predictions/weights that cannot broadcast.
    """
    with variable_scope.variable_scope(name, "f1", (labels, predictions, weights)):
        predictions = math_ops.cast(conversion.convert_to_tensor(predictions), _dt.float32)
        labels = conversion.convert_to_tensor(labels)
        predictions, labels, weights = squeeze_last(predictions, labels, weights)
        eps = 1e-7
        inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        thresholds = [0.0 - eps] + inner + [1.0 + eps]
        values, updates = confusion_at_thresholds(labels, predictions, thresholds, weights,
                                                  includes=("tp", "fp", "fn"))

        def best(counts: dict[str, Tensor], suffix: str) -> Tensor:
            tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
            p = math_ops.divide(tp, eps + tp + fp, name="precision_" + suffix)
            r = math_ops.divide(tp, eps + tp + fn, name="recall_" + suffix)
            return math_ops.reduce_max(2.0 * p * r / (p + r + eps))

        best_f1 = best(values, "value")
        update_op = best(updates, "update")
    add_to_collections(metrics_collections, best_f1)
    add_to_collections(updates_collections, update_op)
    return best_f1, update_op


def _kappa(po: Tensor, pe_row: Tensor, pe_col: Tensor, name: str) -> Tensor:
    total = math_ops.cast(math_ops.reduce_sum(pe_row), _dt.float64)
    po_sum = math_ops.cast(math_ops.reduce_sum(po), _dt.float64)
    expected = math_ops.cast(pe_row, _dt.float64) * math_ops.cast(pe_col, _dt.float64)
    pe_sum = math_ops.reduce_sum(safe_div(expected, total * array_ops.ones_like(expected)))
    den = total - pe_sum
    zero = math_ops.equal(den, 0.0)
    safe = math_ops.where(zero, array_ops.ones_like(den), den)
    return math_ops.where(zero, array_ops.zeros_like(den), (po_sum - pe_sum) / safe,
                          name=name)


def cohen_kappa(labels: Any, predictions_idx: Any, num_classes: int, weights: Any = None,
                metrics_collections: Any = None, updates_collections: Any = None,
                name: str | None = None) -> Pair:
    """Cohen's kappa ``(sum(po) - sum(pe)) / (N - sum(pe))`` of 1-D class ids, from a
    streaming confusion matrix (``pe = row totals * column totals / N``).

    Variables: ``cohen_kappa/po``, ``/pe_row``, ``/pe_col`` (``[num_classes]``; int64,
    float32 with float weights). The value is float64, 0 when ``N == sum(pe)``.

    Raises:
        ValueError: if ``num_classes < 2``, labels have rank above 2, or the shapes of
            labels and predictions differ.
    """
    if num_classes < 2:
        raise ValueError(f"`num_classes` must be >= 2.Found: {num_classes}")
    with variable_scope.variable_scope(name, "cohen_kappa",
                                       (labels, predictions_idx, weights)):
        labels = conversion.convert_to_tensor(labels)
        predictions_idx = conversion.convert_to_tensor(predictions_idx)
        if labels.shape.ndims is not None and labels.shape.ndims > 2:
            raise ValueError(f"Shape {labels.shape} must have rank at most 2")
        if labels.shape.ndims == 2:
            labels = shape_ops.squeeze(labels, [-1])
        predictions_idx, labels, weights = squeeze_last(predictions_idx, labels, weights)
        if weights is not None:
            weights = conversion.convert_to_tensor(weights)
        integer = weights is None or weights.dtype.is_integer
        stat = _dt.int64 if integer else _dt.float32
        po = metric_variable([num_classes], stat, name="po")
        pe_row = metric_variable([num_classes], stat, name="pe_row")
        pe_col = metric_variable([num_classes], stat, name="pe_col")
        table = confusion_matrix(labels, predictions_idx, num_classes=num_classes,
                                 weights=weights, dtype=stat, name="counts_in_table")
        up_po = state_ops.assign_add(po, diag_part(table))
        up_row = state_ops.assign_add(pe_row, math_ops.reduce_sum(table, axis=0))
        up_col = state_ops.assign_add(pe_col, math_ops.reduce_sum(table, axis=1))
        kappa = _kappa(*(conversion.convert_to_tensor(v) for v in (po, pe_row, pe_col)),
                       name="value")
        update_op = _kappa(up_po, up_row, up_col, name="update_op")
    add_to_collections(metrics_collections, kappa)
    add_to_collections(updates_collections, update_op)
    return kappa, update_op


def aggregate_metrics(*value_update_tuples: tuple[Any, Any]) -> tuple[list, list]:
    """``(value, update_op)`` pairs split into a list of values and a list of updates.

    Raises:
        ValueError: if no pair is given.
    """
    if not value_update_tuples:
        raise ValueError("Expected at least one value_tensor/update_op pair")
    values, updates = zip(*value_update_tuples)
    return list(values), list(updates)


def aggregate_metric_map(names_to_tuples: dict[Any, tuple[Any, Any]]) -> tuple[dict, dict]:
    """A ``{name: (value, update_op)}`` map split into ``{name: value}`` and
    ``{name: update_op}``.

    Raises:
        ValueError: if the map is empty (TF fails unpacking it).
    """
    if not names_to_tuples:
        raise ValueError("not enough values to unpack (expected 2, got 0)")
    names = list(names_to_tuples.keys())
    values, updates = zip(*names_to_tuples.values())
    return dict(zip(names, values)), dict(zip(names, updates))


__all__ = ["accuracy", "f1_score", "cohen_kappa", "confusion_matrix", "aggregate_metrics",
           "aggregate_metric_map"]
