"""``tf.compat.v1.metrics`` over class ids: ``mean_iou`` (a streaming confusion matrix)
and ``mean_per_class_accuracy``.

Example:
    >>> miou, update = mean_iou(labels, predictions, num_classes=3)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, shape_ops, state_ops, variable_scope
from trainkit.ops.metrics_impl import Pair, add_to_collections, metric_variable, safe_div
from trainkit.ops.metrics_kernels import metric_op


def _flat(x: Any, dtype: Any) -> Tensor:
    return shape_ops.reshape(math_ops.cast(conversion.convert_to_tensor(x), dtype), [-1])


def _check(labels: Any, predictions: Any, num_classes: int) -> tuple[Tensor, Tensor]:
    if not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive int, got {num_classes!r}.")
    labels = conversion.convert_to_tensor(labels)
    predictions = conversion.convert_to_tensor(predictions)
    if not predictions.shape.is_compatible_with(labels.shape):
        raise ValueError(f"Shapes {predictions.shape} and {labels.shape} are incompatible "
                         f"(predictions vs labels).")
    return labels, predictions


def _mean_iou_of(cm: Tensor, name: str) -> Tensor:
    cm = math_ops.cast(cm, _dt.float32)
    diag = math_ops.reduce_sum(cm * _eye(cm), axis=1)
    den = math_ops.reduce_sum(cm, axis=0) + math_ops.reduce_sum(cm, axis=1) - diag
    valid = math_ops.reduce_sum(math_ops.cast(math_ops.not_equal(den, 0.0), _dt.float32))
    iou = safe_div(diag, den)
    return safe_div(math_ops.reduce_sum(iou), valid, name=name)


def _eye(cm: Tensor) -> Tensor:
    n = cm.shape.as_list()[0]
    return math_ops.cast(math_ops.equal(array_ops.range(n)[:, None],
                                        array_ops.range(n)[None, :]), _dt.float32)


def mean_iou(labels: Any, predictions: Any, num_classes: int, weights: Any = None,
             metrics_collections: Any = None, updates_collections: Any = None,
             name: str | None = None) -> Pair:
    """The mean over classes of ``tp / (tp + fp + fn)``, from a streaming confusion
    matrix; classes that never occur (denominator 0) are left out of the mean.

    Variable: ``mean_iou/total_confusion_matrix`` (``[num_classes, num_classes]``
    float64, rows = labels). As in TF, ``update_op`` returns the updated confusion
    matrix, not the IoU.

    Raises:
        ValueError: for incompatible shapes or a bad ``num_classes``.
        InvalidArgumentError: (when the update runs) for ids outside ``[0, num_classes)``.
    """
    labels, predictions = _check(labels, predictions, num_classes)
    with variable_scope.variable_scope(name, "mean_iou", (predictions, labels, weights)):
        total = metric_variable([num_classes, num_classes], _dt.float64,
                                name="total_confusion_matrix")
        w = _flat(1.0 if weights is None else weights, _dt.float64)
        batch = metric_op("MetricConfusionMatrix",
                          [_flat(labels, _dt.int64), _flat(predictions, _dt.int64), w],
                          [_dt.float64], [[num_classes, num_classes]],
                          attrs={"num_classes": num_classes})[0]
        update_op = state_ops.assign_add(total, batch)
        value = _mean_iou_of(conversion.convert_to_tensor(total), "value")
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


def mean_per_class_accuracy(labels: Any, predictions: Any, num_classes: int,
                            weights: Any = None, metrics_collections: Any = None,
                            updates_collections: Any = None,
                            name: str | None = None) -> Pair:
    """The mean over all ``num_classes`` classes of each class's (weighted) accuracy;
    a class with no examples counts as 0, as in TF.

    Variables: ``mean_accuracy/total`` (examples per class) and ``mean_accuracy/count``
    (correct ones per class), ``[num_classes]`` float32.
    """
    labels, predictions = _check(labels, predictions, num_classes)
    with variable_scope.variable_scope(name, "mean_accuracy",
                                       (predictions, labels, weights)):
        lab = _flat(labels, _dt.int64)
        correct = math_ops.cast(math_ops.equal(_flat(predictions, _dt.int64), lab),
                                _dt.float32)
        ones = array_ops.ones_like(correct)
        if weights is not None:
            w = _flat(weights, _dt.float32)
            correct, ones = correct * w, ones * w
        total = metric_variable([num_classes], _dt.float32, name="total")
        count = metric_variable([num_classes], _dt.float32, name="count")
        attrs = {"num_classes": num_classes}
        up_total = state_ops.assign_add(total, metric_op(
            "MetricScatterSum", [lab, ones], [_dt.float32], [[num_classes]], attrs=attrs)[0])
        up_count = state_ops.assign_add(count, metric_op(
            "MetricScatterSum", [lab, correct], [_dt.float32], [[num_classes]],
            attrs=attrs)[0])
        value = math_ops.reduce_mean(safe_div(conversion.convert_to_tensor(count),
                                              conversion.convert_to_tensor(total)),
                                     name="mean_accuracy")
        update_op = safe_div(up_count, up_total, name="update_op")
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


__all__ = ["mean_iou", "mean_per_class_accuracy"]
