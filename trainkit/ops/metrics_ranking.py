"""``tf.compat.v1.metrics`` for ranked multi-class predictions: ``recall_at_k``,
``precision_at_k`` and ``average_precision_at_k``.

``labels`` are class ids, ``[batch]`` or ``[batch, num_labels]`` (int; negative ids and
ids ``>= num_classes`` are ignored); ``predictions`` are ``[batch, num_classes]``
scores whose top ``k`` (lowest index first on ties) are the retrieved classes. Counts
are float64 variables named as TF's (``recall_at_5/true_positive_at_5`` ...); the
values are float64 and NaN while the denominator is 0, as in TF.

Example:
    >>> rec, update = recall_at_k(labels, logits, k=5)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.default_graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, state_ops
from trainkit.ops.metrics_impl import (
    Pair,
    add_to_collections,
    broadcast_weights,
    metric_variable,
    safe_div,
)
from trainkit.ops.metrics_kernels import metric_op


def _at_k_name(base: str, k: int, class_id: int | None) -> str:
    name = f"{base}_at_{k}"
    return name if class_id is None else f"{name}_class{class_id}"


def _inputs(labels: Any, predictions: Any, k: int) -> tuple[Tensor, Tensor]:
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"Invalid k={k!r}: k must be a positive int.")
    predictions = conversion.convert_to_tensor(predictions)
    labels = math_ops.cast(conversion.convert_to_tensor(labels), _dt.int64)
    pr, lr = predictions.shape.ndims, labels.shape.ndims
    if pr is not None and pr < 1:
        raise ValueError("The rank of `predictions` must be at least 1.")
    if pr is not None and lr is not None and lr not in (pr - 1, pr):
        raise ValueError(f"labels (rank {lr}) must have the rank of predictions (rank {pr}) "
                         f"or one less.")
    num_classes = predictions.shape.as_list()[-1]
    if num_classes is not None:
        out = math_ops.greater_equal(labels, num_classes)
        labels = math_ops.where(out, -array_ops.ones_like(labels), labels)
    top = metric_op("MetricTopK", [predictions], [_dt.int64],
                    [predictions.shape.as_list()[:-1] + [k]], attrs={"k": k})[0]
    return labels, top


def _counts(labels: Tensor, top: Tensor, class_id: int | None, weights: Any
            ) -> tuple[Tensor, Tensor, Tensor]:
    shape = [top.shape.as_list()[:-1]] * 3
    tp, fp, fn = metric_op("MetricAtKCounts", [top, labels], [_dt.float64] * 3, shape,
                           attrs={"class_id": class_id})
    if weights is not None:
        w = broadcast_weights(weights, tp, _dt.float64)
        tp, fp, fn = tp * w, fp * w, fn * w
    return tp, fp, fn


def _streaming(base: str, k: int, class_id: int | None, batch: Tensor) -> tuple:
    with name_scope(None, _at_k_name(base, k, class_id)) as scope:
        var = metric_variable([], _dt.float64, name=scope)
        return conversion.convert_to_tensor(var), state_ops.assign_add(
            var, math_ops.reduce_sum(batch), name="update")


def _ratio_at_k(base: str, other: str, labels: Any, predictions: Any, k: int,
                class_id: int | None, weights: Any, metrics_collections: Any,
                updates_collections: Any, name: str | None) -> Pair:
    with name_scope(name, _at_k_name(base, k, class_id), (predictions, labels)) as scope:
        lab, top = _inputs(labels, predictions, k)
        tp, fp, fn = _counts(lab, top, class_id, weights)
        tp_v, tp_u = _streaming("true_positive", k, class_id, tp)
        o_v, o_u = _streaming(other, k, class_id, fp if other == "false_positive" else fn)
        # TF's names: the value is the scope's own name, the update ``<scope>/update``
        value = math_ops.divide(tp_v, tp_v + o_v, name=scope.rstrip("/") + "/")
        update_op = math_ops.divide(tp_u, tp_u + o_u, name="update")
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


def recall_at_k(labels: Any, predictions: Any, k: int, class_id: int | None = None,
                weights: Any = None, metrics_collections: Any = None,
                updates_collections: Any = None, name: str | None = None) -> Pair:
    """The fraction of label ids found among the top ``k`` predictions (only ``class_id``
    when given), weighted per example.

    Raises:
        ValueError: for ``k < 1`` or labels of the wrong rank.
    """
    return _ratio_at_k("recall", "false_negative", labels, predictions, k, class_id,
                       weights, metrics_collections, updates_collections, name)


def precision_at_k(labels: Any, predictions: Any, k: int, class_id: int | None = None,
                   weights: Any = None, metrics_collections: Any = None,
                   updates_collections: Any = None, name: str | None = None) -> Pair:
    """The fraction of the top ``k`` predictions (only ``class_id`` when given) that are
    label ids, weighted per example."""
    return _ratio_at_k("precision", "false_positive", labels, predictions, k, class_id,
                       weights, metrics_collections, updates_collections, name)


def _ratio_at_top_k(base: str, other: str, labels: Any, predictions_idx: Any,
                    k: int | None, class_id: int | None, weights: Any,
                    metrics_collections: Any, updates_collections: Any,
                    name: str | None) -> Pair:
    """``_ratio_at_k`` over given top-k class ids; ``k`` only names the metric (TF's:
    all of ``predictions_idx``'s columns count)."""
    if k is not None and (not isinstance(k, int) or k < 1):
        raise ValueError(f"Invalid k={k!r}: k must be a positive int.")
    tag = "k" if k is None else k
    with name_scope(name, f"{base}_at_{tag}" + ("" if class_id is None
                                                  else f"_class{class_id}"),
                    (predictions_idx, labels)) as scope:
        top = math_ops.cast(conversion.convert_to_tensor(predictions_idx), _dt.int64)
        if top.shape.ndims is not None and top.shape.ndims < 1:
            raise ValueError("The rank of `predictions_idx` must be at least 1.")
        lab = math_ops.cast(conversion.convert_to_tensor(labels), _dt.int64)
        tp, fp, fn = _counts(lab, top, class_id, weights)
        tp_v, tp_u = _streaming_named("true_positive", tag, class_id, tp)
        o_v, o_u = _streaming_named(other, tag, class_id,
                                    fp if other == "false_positive" else fn)
        value = math_ops.divide(tp_v, tp_v + o_v, name=scope.rstrip("/") + "/")
        update_op = math_ops.divide(tp_u, tp_u + o_u, name="update")
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


def _streaming_named(base: str, tag: Any, class_id: int | None, batch: Tensor) -> tuple:
    name = f"{base}_at_{tag}" + ("" if class_id is None else f"_class{class_id}")
    with name_scope(None, name) as scope:
        var = metric_variable([], _dt.float64, name=scope)
        return conversion.convert_to_tensor(var), state_ops.assign_add(
            var, math_ops.reduce_sum(batch), name="update")


def precision_at_top_k(labels: Any, predictions_idx: Any, k: int | None = None,
                       class_id: int | None = None, weights: Any = None,
                       metrics_collections: Any = None, updates_collections: Any = None,
                       name: str | None = None) -> Pair:
    """:func:`precision_at_k` from the top class ids ``predictions_idx``
    (``[batch, k]``) instead of scores.

    Raises:
        ValueError: for ``k < 1`` or a scalar ``predictions_idx``.
    """
    return _ratio_at_top_k("precision", "false_positive", labels, predictions_idx, k,
                           class_id, weights, metrics_collections, updates_collections, name)


def recall_at_top_k(labels: Any, predictions_idx: Any, k: int | None = None,
                    class_id: int | None = None, weights: Any = None,
                    metrics_collections: Any = None, updates_collections: Any = None,
                    name: str | None = None) -> Pair:
    """:func:`recall_at_k` from the top class ids ``predictions_idx``."""
    return _ratio_at_top_k("recall", "false_negative", labels, predictions_idx, k,
                           class_id, weights, metrics_collections, updates_collections, name)


def sparse_precision_at_k(labels: Any, predictions: Any, k: int, class_id: int | None = None,
                          weights: Any = None, metrics_collections: Any = None,
                          updates_collections: Any = None, name: str | None = None) -> Pair:
    """The deprecated TF1 name of :func:`precision_at_k`."""
    return precision_at_k(labels, predictions, k, class_id, weights, metrics_collections,
                          updates_collections, name)


def average_precision_at_k(labels: Any, predictions: Any, k: int, weights: Any = None,
                           metrics_collections: Any = None, updates_collections: Any = None,
                           name: str | None = None) -> Pair:
    """The streaming mean of each example's average precision at ``k``:
    ``sum_i precision@i * relevant_i / min(k, number of labels)``.

    Variables: ``average_precision_at_<k>/max`` (the summed weights) and ``.../total``.
    """
    with name_scope(name, f"average_precision_at_{k}", (predictions, labels)):
        lab, top = _inputs(labels, predictions, k)
        ap = metric_op("MetricAveragePrecision", [top, lab], [_dt.float64],
                       [top.shape.as_list()[:-1]])[0]
        if weights is None:
            batch_max = math_ops.cast(array_ops.size(ap), _dt.float64)
        else:
            w = broadcast_weights(weights, ap, _dt.float64)
            ap, batch_max = ap * w, math_ops.reduce_sum(w)
        max_var = metric_variable([], _dt.float64, name="max")
        total_var = metric_variable([], _dt.float64, name="total")
        max_up = state_ops.assign_add(max_var, batch_max)
        total_up = state_ops.assign_add(total_var, math_ops.reduce_sum(ap))
        value = safe_div(conversion.convert_to_tensor(total_var),
                         conversion.convert_to_tensor(max_var), name="mean")
        update_op = safe_div(total_up, max_up, name="update_op")
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


def sparse_average_precision_at_k(labels: Any, predictions: Any, k: int, weights: Any = None,
                                  metrics_collections: Any = None,
                                  updates_collections: Any = None,
                                  name: str | None = None) -> Pair:
    """The deprecated TF1 name of :func:`average_precision_at_k`."""
    return average_precision_at_k(labels, predictions, k, weights, metrics_collections,
                                  updates_collections, name)


__all__ = ["recall_at_k", "precision_at_k", "average_precision_at_k",
           "sparse_average_precision_at_k", "precision_at_top_k", "recall_at_top_k",
           "sparse_precision_at_k"]
