"""``tf.compat.v1.metrics``: streaming ``mean`` and ``accuracy``.

A metric is two local variables (``total``, ``count``; in LOCAL_VARIABLES and
METRIC_VARIABLES, so ``local_variables_initializer()`` resets them), an update op that
accumulates a batch and returns the updated value, and a value tensor ``total / count``
(0 before any update).

Example:
    >>> acc, acc_update = accuracy(labels, predictions)
    >>> sess.run(tk.local_variables_initializer())
    >>> for batch in batches: sess.run(acc_update, feed(batch))
    >>> sess.run(acc)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, state_ops, variable_scope, variables


def _metric_variable(name: str, dtype: _dt.DType) -> variables.Variable:
    return variables.Variable(
        lambda: array_ops.zeros([], dtype=dtype), trainable=False,
        collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES], name=name)


def _safe_div(num: Tensor, den: Tensor, name: str) -> Tensor:
    positive = math_ops.greater(den, 0.0)
    safe = math_ops.where(positive, den, array_ops.ones_like(den))
    return math_ops.where(positive, num / safe, array_ops.zeros_like(num), name=name)


def _add(collections: Any, value: Any) -> None:
    if collections:
        get_default_graph().add_to_collections(collections, value)


def mean(values: Any, weights: Any = None, metrics_collections: Any = None,
         updates_collections: Any = None, name: str | None = None) -> tuple[Tensor, Tensor]:
    """The (weighted) mean of all ``values`` seen by the update op.

    Returns:
        ``(mean, update_op)``: the current mean and the op that adds a batch and returns
        the updated mean.

    Raises:
        ValueError: if ``weights`` cannot broadcast to ``values``.
    """
    with variable_scope.variable_scope(name, "mean", (values, weights)):
        values = math_ops.cast(conversion.convert_to_tensor(values), _dt.float32)
        total = _metric_variable("total", _dt.float32)
        count = _metric_variable("count", _dt.float32)
        if weights is None:
            num = math_ops.cast(array_ops.size(values), _dt.float32)
        else:
            w = math_ops.cast(conversion.convert_to_tensor(weights), _dt.float32)
            if not _broadcastable(w, values):
                raise ValueError(f"weights can not be broadcast to values: weights shape "
                                 f"{w.shape}, values shape {values.shape}.")
            w = w * array_ops.ones_like(values)
            values = values * w
            num = math_ops.reduce_sum(w)
        update_total = state_ops.assign_add(total, math_ops.reduce_sum(values))
        update_count = state_ops.assign_add(count, num)
        value = _safe_div(conversion.convert_to_tensor(total),
                          conversion.convert_to_tensor(count), "value")
        update_op = _safe_div(update_total, update_count, "update_op")
    _add(metrics_collections, value)
    _add(updates_collections, update_op)
    return value, update_op


def _broadcastable(w: Tensor, v: Tensor) -> bool:
    if w.shape.ndims is None or v.shape.ndims is None:
        return True
    if w.shape.ndims > v.shape.ndims:
        return False
    return all(a is None or b is None or a in (1, b)
               for a, b in zip(reversed(w.shape.as_list()), reversed(v.shape.as_list())))


def accuracy(labels: Any, predictions: Any, weights: Any = None,
             metrics_collections: Any = None, updates_collections: Any = None,
             name: str | None = None) -> tuple[Tensor, Tensor]:
    """How often ``predictions`` equals ``labels`` (a streaming, optionally weighted mean).

    Raises:
        ValueError: if the shapes of labels and predictions are incompatible.
    """
    labels = conversion.convert_to_tensor(labels)
    predictions = conversion.convert_to_tensor(predictions)
    if not labels.shape.is_compatible_with(predictions.shape):
        raise ValueError(f"accuracy: labels shape {labels.shape} and predictions shape "
                         f"{predictions.shape} are incompatible.")
    if predictions.dtype is not labels.dtype:
        predictions = math_ops.cast(predictions, labels.dtype)
    correct = math_ops.cast(math_ops.equal(predictions, labels), _dt.float32)
    return mean(correct, weights, metrics_collections, updates_collections,
                name=name or "accuracy")


__all__ = ["mean", "accuracy"]
