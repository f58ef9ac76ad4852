"""``tk.keras.losses``: Keras's loss functions (per-example losses, not reduced over the
batch): ``categorical_crossentropy``, ``sparse_categorical_crossentropy``,
``binary_crossentropy``, ``mean_squared_error`` and ``mean_absolute_error``.

As in tf_keras, probabilities that come straight from a softmax (or sigmoid) are turned
back into their logits, so the cross-entropy is computed stably from the logits; other
probabilities are clipped to ``[epsilon, 1 - epsilon]`` first.

Example:
    >>> loss = tk.reduce_mean(tk.keras.losses.sparse_categorical_crossentropy(
    ...     labels, logits, from_logits=True))
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.keras import activations, backend, history
from trainkit.ops import array_ops, math_ops, nn_losses_ops


def _logits_of(output: Tensor, op_type: str) -> Tensor | None:
    """The logits behind ``output`` when it is a Keras softmax/sigmoid activation's result,
    or a plain ``op_type`` op's output that no Keras layer recorded; else None."""
    logits = activations.keras_logits(output)
    if logits is not None and output.op.type == op_type:
        return logits
    if output.op.type == op_type and history.node_of(output) is None:
        return output.op.inputs[0]
    return None


def _clip(p: Tensor) -> Tensor:
    eps = backend.epsilon()
    return math_ops.clip_by_value(p, eps, 1.0 - eps)


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: int = -1) -> Tensor:
    """``-sum(y_true * log(y_pred), axis)`` per example (``y_pred`` normalized and clipped
    unless it is logits).

    Raises:
        ValueError: if the two shapes are incompatible.
    """
    y_pred = conversion.convert_to_tensor(y_pred)
    y_true = math_ops.cast(y_true, y_pred.dtype)
    if not y_true.shape.is_compatible_with(y_pred.shape):
        raise ValueError(f"Shapes {y_true.shape} and {y_pred.shape} are incompatible")
    if label_smoothing:
        classes = math_ops.cast(array_ops.shape(y_true)[axis], y_pred.dtype)
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / classes
    if not from_logits:
        logits = _logits_of(y_pred, "Softmax")
        if logits is None:
            p = y_pred / math_ops.reduce_sum(y_pred, axis, keepdims=True)
            return -math_ops.reduce_sum(y_true * math_ops.log(_clip(p)), axis)
        y_pred = logits
    return nn_losses_ops.softmax_cross_entropy_with_logits_v2(labels=y_true, logits=y_pred,
                                                             axis=axis)


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                                    axis: int = -1) -> Tensor:
    """The cross-entropy of integer class ids ``y_true`` against ``y_pred`` (probabilities,
    clipped, or logits); labels of the same rank as ``y_pred`` (``[batch, 1]``) are
    flattened.

    Raises:
        ValueError: for an ``axis`` other than the last.
    """
    y_pred = conversion.convert_to_tensor(y_pred)
    rank = y_pred.shape.ndims
    if rank is not None and axis % rank != rank - 1:
        raise ValueError("sparse_categorical_crossentropy: only the last axis is supported "
                         f"for the classes, got axis={axis}.")
    if not from_logits:
        logits = _logits_of(y_pred, "Softmax")
        y_pred = logits if logits is not None else math_ops.log(_clip(y_pred))
    labels = math_ops.cast(y_true, _dt.int64)
    t_rank = labels.shape.ndims
    if t_rank is not None and rank is not None and t_rank != rank - 1:
        labels = array_ops.reshape(labels, [-1])
        flat = array_ops.reshape(y_pred, array_ops.stack([-1, array_ops.shape(y_pred)[-1]]))
        res = nn_losses_ops.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                     logits=flat)
        if rank >= 3:
            res = array_ops.reshape(res, array_ops.shape(y_pred)[:-1])
        elif rank == 2:
            res.set_shape([y_pred.shape.as_list()[0]])
        return res
    return nn_losses_ops.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                 logits=y_pred)


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                        label_smoothing: float = 0.0, axis: int = -1) -> Tensor:
    """The mean over ``axis`` of ``-(y log p + (1 - y) log(1 - p))`` (``p`` clipped, or
    from logits)."""
    y_pred = conversion.convert_to_tensor(y_pred)
    y_true = math_ops.cast(y_true, y_pred.dtype)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    logits = y_pred if from_logits else _logits_of(y_pred, "Sigmoid")
    if logits is not None:
        per = nn_losses_ops.sigmoid_cross_entropy_with_logits(labels=y_true, logits=logits)
    else:
        eps = backend.epsilon()
        p = _clip(y_pred)
        per = -(y_true * math_ops.log(p + eps) + (1.0 - y_true) * math_ops.log(1.0 - p + eps))
    return math_ops.reduce_mean(per, axis)


def mean_squared_error(y_true: Any, y_pred: Any) -> Tensor:
    """``mean((y_pred - y_true) ** 2, axis=-1)`` per example."""
    y_pred = conversion.convert_to_tensor(y_pred)
    y_true = math_ops.cast(y_true, y_pred.dtype)
    return math_ops.reduce_mean(math_ops.squared_difference(y_pred, y_true), -1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Tensor:
    """``mean(|y_pred - y_true|, axis=-1)`` per example."""
    y_pred = conversion.convert_to_tensor(y_pred)
    y_true = math_ops.cast(y_true, y_pred.dtype)
    return math_ops.reduce_mean(math_ops.abs(y_pred - y_true), -1)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error

_BY_NAME = {"categorical_crossentropy": categorical_crossentropy,
            "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
            "binary_crossentropy": binary_crossentropy,
            "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
            "MSE": mean_squared_error,
            "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
            "MAE": mean_absolute_error}


def get(identifier: Any) -> Any:
    """The loss function named by ``identifier`` (a callable is returned as is).

    Raises:
        ValueError: for an unknown name.
    """
    if callable(identifier):
        return identifier
    if identifier not in _BY_NAME:
        raise ValueError(f"Unknown loss function: '{identifier}'. Please ensure you are using "
                         "a `keras.utils.custom_object_scope` and that this object is "
                         "included in the scope.")
    return _BY_NAME[identifier]


__all__ = ["categorical_crossentropy", "sparse_categorical_crossentropy",
           "binary_crossentropy", "mean_squared_error", "mse", "MSE",
           "mean_absolute_error", "mae", "MAE", "get"]
