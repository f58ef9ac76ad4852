"""``tf.compat.v1.metrics`` over binary confusion counts: true/false positives and
negatives, precision and recall (at 0.5 or per threshold), AUC (ROC and PR) and the
sensitivity/specificity trade-offs.

Threshold metrics keep ``[len(thresholds)]`` float32 count variables named as TF's
(``auc/true_positives``, ``auc/false_negatives`` ...); a prediction counts as positive
at threshold ``t`` when it is strictly greater than ``t``. Predictions must lie in
``[0, 1]`` (an ``InvalidArgumentError`` when the update runs otherwise).

Example:
    >>> auc, update = auc(labels, probabilities, num_thresholds=200)
"""

from __future__ import annotations

import logging
from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, shape_ops, state_ops, variable_scope
from trainkit.ops.metrics_impl import (
    Pair,
    add_to_collections,
    broadcast_weights,
    metric_variable,
    squeeze_last,
)
from trainkit.ops.metrics_kernels import metric_op

_KEYS = ("tp", "fn", "tn", "fp")
_VAR_NAMES = {"tp": "true_positives", "fn": "false_negatives", "tn": "true_negatives",
              "fp": "false_positives"}
_METHODS = ("trapezoidal", "careful_interpolation", "minoring", "majoring")


def _flat_inputs(labels: Any, predictions: Any, weights: Any,
                 pred_dtype: Any) -> tuple[Tensor, Tensor, Tensor]:
    predictions = math_ops.cast(conversion.convert_to_tensor(predictions), pred_dtype)
    labels = math_ops.cast(conversion.convert_to_tensor(labels), _dt.bool_)
    predictions, labels, weights = squeeze_last(predictions, labels, weights)
    if weights is None:
        w = array_ops.ones_like(predictions, dtype=_dt.float32)
    else:
        w = broadcast_weights(weights, predictions)
    flat = [shape_ops.reshape(t, [-1]) for t in (labels, predictions, w)]
    return flat[0], flat[1], flat[2]


def confusion_at_thresholds(labels: Any, predictions: Any, thresholds: list[float],
                            weights: Any = None, includes: tuple[str, ...] = _KEYS
                            ) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    """Per-threshold weighted counts: ``(variables, update_ops)`` keyed by ``'tp'``,
    ``'fn'``, ``'tn'``, ``'fp'`` (only ``includes``), each ``[len(thresholds)]``.

    Raises:
        ValueError: for an unknown key in ``includes`` or incompatible shapes.
    """
    for key in includes:
        if key not in _KEYS:
            raise ValueError(f"Invalid key: {key}")
    lab, pred, w = _flat_inputs(labels, predictions, weights, _dt.float32)
    n = len(thresholds)
    counts = metric_op("MetricThresholdCounts", [lab, pred, w], [_dt.float32] * 4,
                       [[n]] * 4, attrs={"thresholds": tuple(float(t) for t in thresholds)})
    values, updates = {}, {}
    for key, batch in zip(_KEYS, counts):
        if key in includes:
            var = metric_variable([n], _dt.float32, name=_VAR_NAMES[key])
            values[key] = conversion.convert_to_tensor(var)
            updates[key] = state_ops.assign_add(var, batch)
    return values, updates


def _count(kind: str, labels: Any, predictions: Any, weights: Any, metrics_collections: Any,
           updates_collections: Any, name: str | None) -> Pair:
    with variable_scope.variable_scope(name, _VAR_NAMES[kind], (predictions, labels)):
        lab, pred, w = _flat_inputs(labels, predictions, weights, _dt.bool_)
        want_label = kind in ("tp", "fn")
        want_pred = kind in ("tp", "fp")
        hit = math_ops.logical_and(math_ops.equal(lab, want_label),
                                   math_ops.equal(pred, want_pred))
        count = metric_variable([], _dt.float32, name="count")
        update_op = state_ops.assign_add(
            count, math_ops.reduce_sum(math_ops.cast(hit, _dt.float32) * w))
        value = conversion.convert_to_tensor(count)
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


def _count_fn(kind: str) -> Any:
    def metric(labels: Any, predictions: Any, weights: Any = None,
               metrics_collections: Any = None, updates_collections: Any = None,
               name: str | None = None) -> Pair:
        return _count(kind, labels, predictions, weights, metrics_collections,
                      updates_collections, name)

    metric.__name__ = metric.__qualname__ = _VAR_NAMES[kind]
    metric.__doc__ = (f"The weighted number of {_VAR_NAMES[kind].replace('_', ' ')} "
                      f"(labels and predictions cast to bool); variable ``<name>/count``.")
    return metric


true_positives = _count_fn("tp")
false_negatives = _count_fn("fn")
true_negatives = _count_fn("tn")
false_positives = _count_fn("fp")


def _at_thresholds_fn(kind: str) -> Any:
    def metric(labels: Any, predictions: Any, thresholds: list[float], weights: Any = None,
               metrics_collections: Any = None, updates_collections: Any = None,
               name: str | None = None) -> Pair:
        with variable_scope.variable_scope(name, _VAR_NAMES[kind], (predictions, labels)):
            values, updates = confusion_at_thresholds(labels, predictions, thresholds,
                                                      weights, includes=(kind,))
        add_to_collections(metrics_collections, values[kind])
        add_to_collections(updates_collections, updates[kind])
        return values[kind], updates[kind]

    metric.__name__ = metric.__qualname__ = f"{_VAR_NAMES[kind]}_at_thresholds"
    metric.__doc__ = (f"The weighted {_VAR_NAMES[kind].replace('_', ' ')} at each "
                      f"threshold (a ``[len(thresholds)]`` variable).")
    return metric


true_positives_at_thresholds = _at_thresholds_fn("tp")
false_negatives_at_thresholds = _at_thresholds_fn("fn")
true_negatives_at_thresholds = _at_thresholds_fn("tn")
false_positives_at_thresholds = _at_thresholds_fn("fp")


def _ratio(tp: Tensor, other: Tensor, name: str) -> Tensor:
    den = tp + other
    positive = math_ops.greater(den, 0.0)
    safe = math_ops.where(positive, den, array_ops.ones_like(den))
    return math_ops.where(positive, tp / safe, array_ops.zeros_like(tp), name=name)


def _precision_or_recall(other_fn: Any, default: str, labels: Any, predictions: Any,
                         weights: Any, metrics_collections: Any, updates_collections: Any,
                         name: str | None) -> Pair:
    with variable_scope.variable_scope(name, default, (predictions, labels, weights)):
        tp, tp_up = true_positives(labels, predictions, weights)
        other, other_up = other_fn(labels, predictions, weights)
        value = _ratio(tp, other, "value")
        update_op = _ratio(tp_up, other_up, "update_op")
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


def precision(labels: Any, predictions: Any, weights: Any = None,
              metrics_collections: Any = None, updates_collections: Any = None,
              name: str | None = None) -> Pair:
    """``tp / (tp + fp)`` over boolean labels and predictions (0 when nothing is
    predicted positive)."""
    return _precision_or_recall(false_positives, "precision", labels, predictions, weights,
                                metrics_collections, updates_collections, name)


def recall(labels: Any, predictions: Any, weights: Any = None,
           metrics_collections: Any = None, updates_collections: Any = None,
           name: str | None = None) -> Pair:
    """``tp / (tp + fn)`` over boolean labels and predictions (0 without positives)."""
    return _precision_or_recall(false_negatives, "recall", labels, predictions, weights,
                                metrics_collections, updates_collections, name)


def _ratio_at_thresholds(other: str, default: str, labels: Any, predictions: Any,
                         thresholds: list[float], weights: Any, metrics_collections: Any,
                         updates_collections: Any, name: str | None) -> Pair:
    eps = 1e-7
    with variable_scope.variable_scope(name, default, (predictions, labels, weights)):
        v, u = confusion_at_thresholds(labels, predictions, thresholds, weights,
                                       includes=("tp", other))
        value = math_ops.divide(v["tp"], eps + v["tp"] + v[other], name="value")
        update_op = math_ops.divide(u["tp"], eps + u["tp"] + u[other], name="update_op")
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


def precision_at_thresholds(labels: Any, predictions: Any, thresholds: list[float],
                            weights: Any = None, metrics_collections: Any = None,
                            updates_collections: Any = None,
                            name: str | None = None) -> Pair:
    """``tp / (1e-7 + tp + fp)`` at each threshold."""
    return _ratio_at_thresholds("fp", "precision_at_thresholds", labels, predictions,
                                thresholds, weights, metrics_collections,
                                updates_collections, name)


def recall_at_thresholds(labels: Any, predictions: Any, thresholds: list[float],
                         weights: Any = None, metrics_collections: Any = None,
                         updates_collections: Any = None, name: str | None = None) -> Pair:
    """``tp / (1e-7 + tp + fn)`` at each threshold."""
    return _ratio_at_thresholds("fn", "recall_at_thresholds", labels, predictions,
                                thresholds, weights, metrics_collections,
                                updates_collections, name)


def _from_counts(counts: dict[str, Tensor], name: str, **attrs: Any) -> Tensor:
    return metric_op("MetricFromCounts", [counts[k] for k in _KEYS], [_dt.float32], [[]],
                     name=name, attrs=attrs)[0]


def _curve_metric(default: str, thresholds: list[float], labels: Any, predictions: Any,
                  weights: Any, metrics_collections: Any, updates_collections: Any,
                  name: str | None, **attrs: Any) -> Pair:
    with variable_scope.variable_scope(name, default, (predictions, labels, weights)):
        values, updates = confusion_at_thresholds(labels, predictions, thresholds, weights)
        value = _from_counts(values, "value", **attrs)
        update_op = _from_counts(updates, "update_op", **attrs)
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


def _grid(num_thresholds: int, top: float) -> list[float]:
    kepsilon = 1e-7
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - kepsilon] + inner + [top]


def auc(labels: Any, predictions: Any, weights: Any = None, num_thresholds: int = 200,
        metrics_collections: Any = None, updates_collections: Any = None,
        curve: str = "ROC", name: str | None = None, summation_method: str = "trapezoidal",
        thresholds: list[float] | None = None) -> Pair:
    """The area under the ROC or PR curve, a Riemann sum over ``num_thresholds``
    evenly spaced thresholds (or the given sorted ``thresholds`` plus the two ends).

    Args:
        curve: ``'ROC'`` or ``'PR'``.
        summation_method: ``'trapezoidal'``, ``'careful_interpolation'`` (PR: precision
            interpolated in the positive count, Davis & Goadrich 2006), ``'minoring'`` or
            ``'majoring'``.

    Raises:
        ValueError: for an unknown ``curve`` or ``summation_method``, or fewer than 2
            thresholds.
    """
    if curve not in ("ROC", "PR"):
        raise ValueError(f"Curve must be either ROC or PR. Curve {curve} is unknown.")
    if summation_method not in _METHODS:
        raise ValueError(f"Invalid summation_method: {summation_method} summation_method "
                         f"should be 'trapezoidal', 'careful_interpolation', 'minoring', "
                         f"or 'majoring'.")
    if thresholds is not None:
        grid = [-1e-7] + sorted(float(t) for t in thresholds) + [1.0 + 1e-7]
    else:
        if num_thresholds < 2:
            raise ValueError(f"num_thresholds must be at least 2, got {num_thresholds}.")
        grid = _grid(num_thresholds, 1.0 + 1e-7)
    if curve == "PR" and summation_method == "trapezoidal":
        logging.getLogger("trainkit").warning(
            "Trapezoidal rule is known to produce incorrect PR-AUCs; please switch to "
            "\"careful_interpolation\" instead.")
    return _curve_metric("auc", grid, labels, predictions, weights, metrics_collections,
                         updates_collections, name, kind="auc", curve=curve,
                         summation_method=summation_method)


def sensitivity_at_specificity(labels: Any, predictions: Any, specificity: float,
                               weights: Any = None, num_thresholds: int = 200,
                               metrics_collections: Any = None,
                               updates_collections: Any = None,
                               name: str | None = None) -> Pair:
    """The sensitivity (recall) at the threshold whose specificity is closest to
    ``specificity``.

    Raises:
        ValueError: if ``specificity`` is outside ``[0, 1]``.
    """
    if specificity < 0 or specificity > 1:
        raise ValueError(f"`specificity` must be in the range [0, 1]. Currently, "
                         f"`specificity` got {specificity}.")
    return _curve_metric("sensitivity_at_specificity", _grid(num_thresholds, 1.0 + 1e-7),
                         labels, predictions, weights, metrics_collections,
                         updates_collections, name, kind="sensitivity_at_specificity",
                         target=float(specificity))


def specificity_at_sensitivity(labels: Any, predictions: Any, sensitivity: float,
                               weights: Any = None, num_thresholds: int = 200,
                               metrics_collections: Any = None,
                               updates_collections: Any = None,
                               name: str | None = None) -> Pair:
    """The specificity at the (last) threshold whose sensitivity is closest to
    ``sensitivity``.

    Raises:
        ValueError: if ``sensitivity`` is outside ``[0, 1]``.
    """
    if sensitivity < 0 or sensitivity > 1:
        raise ValueError(f"`sensitivity` must be in the range [0, 1]. Currently, "
                         f"`sensitivity` got {sensitivity}.")
    return _curve_metric("specificity_at_sensitivity", _grid(num_thresholds, 1.0 - 1e-7),
                         labels, predictions, weights, metrics_collections,
                         updates_collections, name, kind="specificity_at_sensitivity",
                         target=float(sensitivity))


__all__ = [
    "confusion_at_thresholds", "true_positives", "false_negatives", "true_negatives",
    "false_positives", "true_positives_at_thresholds", "false_negatives_at_thresholds",
    "true_negatives_at_thresholds", "false_positives_at_thresholds", "precision", "recall",
    "precision_at_thresholds", "recall_at_thresholds", "auc", "sensitivity_at_specificity",
    "specificity_at_sensitivity",
]
