"""``tf.compat.v1.metrics`` core: metric variables and the mean family.

A metric is a few local variables (in LOCAL_VARIABLES and METRIC_VARIABLES, so
``local_variables_initializer()`` resets them), an update op that accumulates a batch
and returns the updated value, and a value tensor computed from the variables alone.
The other metric modules (``metrics_regression``, ``metrics_confusion``,
``metrics_classes``, ``metrics_ranking``) build on the helpers here.

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
from trainkit.ops import array_ops, math_ops, shape_ops, state_ops, variable_scope, variables
from trainkit.ops.math_extras import divide_no_nan
from trainkit.ops.squeezable import remove_squeezable_dimensions

Pair = tuple[Tensor, Tensor]


def metric_variable(shape: Any, dtype: Any, validate_shape: bool = True,
                    name: str | None = None) -> variables.Variable:
    """A zero-initialized local variable in the LOCAL_VARIABLES and METRIC_VARIABLES
    collections (``tf.compat.v1.metrics`` keeps every accumulator in one)."""
    dtype = _dt.as_dtype(dtype)
    return variables.Variable(
        lambda: array_ops.zeros(list(shape), dtype=dtype), trainable=False,
        collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
        validate_shape=validate_shape, name=name)


def safe_div(num: Any, den: Any, name: str | None = None) -> Tensor:
    """``num / den`` where ``den > 0``, else 0: TF's ``div_no_nan(num, maximum(den, 0))``
    (``<metric>/Maximum``, a ``DivNoNan`` named ``name``)."""
    num = conversion.convert_to_tensor(num)
    den = conversion.convert_to_tensor(den)
    return divide_no_nan(num, math_ops.maximum(den, 0), name=name)


def add_to_collections(collections: Any, value: Any) -> None:
    """Adds ``value`` to each collection named in ``collections`` (None: none).

    Raises:
        TypeError: if ``collections`` is a single string rather than a list or tuple.
    """
    if not collections:
        return
    if isinstance(collections, str):
        raise TypeError(f"metrics collections must be a list or tuple of names, got the "
                        f"string {collections!r}.")
    get_default_graph().add_to_collections(list(collections), value)


def broadcastable(w: Tensor, v: Tensor) -> bool:
    """Whether ``w``'s static shape can broadcast to ``v``'s (unknown shapes pass)."""
    if w.shape.ndims is None or v.shape.ndims is None:
        return True
    if w.shape.ndims > v.shape.ndims:
        return False
    return all(a is None or b is None or a in (1, b)
               for a, b in zip(reversed(w.shape.as_list()), reversed(v.shape.as_list())))


def broadcast_weights(weights: Any, values: Tensor, dtype: Any = _dt.float32) -> Tensor:
    """``weights`` cast to ``dtype`` and broadcast to ``values``' shape.

    Raises:
        ValueError: if the static shapes cannot broadcast.
    """
    w = math_ops.cast(conversion.convert_to_tensor(weights), dtype)
    if not broadcastable(w, values):
        raise ValueError(f"weights can not be broadcast to values: weights shape "
                         f"{w.shape}, values shape {values.shape}.")
    return w * array_ops.ones_like(values, dtype=w.dtype)


def squeeze_last(predictions: Tensor, labels: Tensor | None,
                 weights: Any = None) -> tuple[Tensor, Tensor | None, Any]:
    """TF's metrics ``_remove_squeezable_dimensions``: a trailing size-1 dim on labels or
    predictions (rank one more than the other) is squeezed
    (``squeezable.remove_squeezable_dimensions``); weights of rank one more or less than
    predictions (static ranks) are squeezed or expanded."""
    if labels is not None:
        labels, predictions = remove_squeezable_dimensions(labels, predictions)
        if not predictions.shape.is_compatible_with(labels.shape):
            raise ValueError(f"Shapes {predictions.shape} and {labels.shape} are "
                             f"incompatible (predictions vs labels).")
    if weights is not None:
        weights = conversion.convert_to_tensor(weights)
        wr, pr = weights.shape.ndims, predictions.shape.ndims
        if wr and pr is not None:
            if wr == pr + 1:
                weights = shape_ops.squeeze(weights, [-1])
            elif wr == pr - 1:
                weights = shape_ops.expand_dims(weights, -1)
    return predictions, labels, weights


def mean(values: Any, weights: Any = None, metrics_collections: Any = None,
         updates_collections: Any = None, name: str | None = None) -> Pair:
    """The (weighted) mean of all ``values`` seen by the update op.

    Variables: ``<name>/total`` and ``<name>/count`` (float32 scalars).

    Returns:
        ``(mean, update_op)``: the current mean (0 before any update) and the op that adds
        a batch and returns the updated mean.

    Raises:
        ValueError: if ``weights`` cannot broadcast to ``values``.
    """
    with variable_scope.variable_scope(name, "mean", (values, weights)):
        values = math_ops.cast(conversion.convert_to_tensor(values), _dt.float32)
        total = metric_variable([], _dt.float32, name="total")
        count = metric_variable([], _dt.float32, name="count")
        if weights is None:
            num = math_ops.cast(array_ops.size(values), _dt.float32)
        else:
            w = broadcast_weights(weights, values)
            values = values * w
            num = math_ops.reduce_sum(w)
        update_total = state_ops.assign_add(total, math_ops.reduce_sum(values))
        update_count = state_ops.assign_add(count, num)
        value = safe_div(conversion.convert_to_tensor(total),
                         conversion.convert_to_tensor(count), "value")
        update_op = safe_div(update_total, update_count, "update_op")
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


def mean_tensor(values: Any, weights: Any = None, metrics_collections: Any = None,
                updates_collections: Any = None, name: str | None = None) -> Pair:
    """The element-wise (weighted) mean of ``values`` over all batches.

    Variables: ``<name>/total_tensor`` and ``<name>/count_tensor``, shaped like one
    batch of ``values`` (whose shape must be fully known).

    Raises:
        ValueError: if ``values``' shape is not fully defined or ``weights`` cannot
            broadcast to it.
    """
    with variable_scope.variable_scope(name, "mean", (values, weights)):
        values = math_ops.cast(conversion.convert_to_tensor(values), _dt.float32)
        if not values.shape.is_fully_defined():
            raise ValueError(f"mean_tensor needs values with a fully defined shape, got "
                             f"{values.shape}.")
        shape = values.shape.as_list()
        total = metric_variable(shape, _dt.float32, name="total_tensor")
        count = metric_variable(shape, _dt.float32, name="count_tensor")
        num = array_ops.ones_like(values)
        if weights is not None:
            w = broadcast_weights(weights, values)
            values, num = values * w, w
        update_total = state_ops.assign_add(total, values)
        update_count = state_ops.assign_add(count, num)
        value = safe_div(conversion.convert_to_tensor(total),
                         conversion.convert_to_tensor(count), "value")
        update_op = safe_div(update_total, update_count, "update_op")
    add_to_collections(metrics_collections, value)
    add_to_collections(updates_collections, update_op)
    return value, update_op


def accuracy(labels: Any, predictions: Any, weights: Any = None,
             metrics_collections: Any = None, updates_collections: Any = None,
             name: str | None = None) -> Pair:
    """How often ``predictions`` equals ``labels`` (a streaming, optionally weighted mean).

    Raises:
        ValueError: if the shapes of labels and predictions are incompatible.
    """
    labels = conversion.convert_to_tensor(labels)
    predictions = conversion.convert_to_tensor(predictions)
    try:
        predictions, labels, weights = squeeze_last(predictions, labels, weights)
    except ValueError:
        raise ValueError(f"accuracy: labels shape {labels.shape} and predictions shape "
                         f"{predictions.shape} are incompatible.") from None
    if predictions.dtype is not labels.dtype:
        predictions = math_ops.cast(predictions, labels.dtype)
    correct = math_ops.cast(math_ops.equal(predictions, labels), _dt.float32)
    return mean(correct, weights, metrics_collections, updates_collections,
                name=name or "accuracy")


def percentage_below(values: Any, threshold: float, weights: Any = None,
                     metrics_collections: Any = None, updates_collections: Any = None,
                     name: str | None = None) -> Pair:
    """The (weighted) fraction of ``values`` strictly below ``threshold``.

    Variables: ``percentage_below_threshold/total`` and ``.../count``.
    """
    values = conversion.convert_to_tensor(values)
    below = math_ops.cast(math_ops.less(values, math_ops.cast(threshold, values.dtype)),
                          _dt.float32)
    return mean(below, weights, metrics_collections, updates_collections,
                name=name or "percentage_below_threshold")


__all__ = ["metric_variable", "safe_div", "add_to_collections", "broadcastable",
           "broadcast_weights", "squeeze_last", "mean", "mean_tensor", "accuracy",
           "percentage_below"]
