"""``tk.keras.metrics``: the per-example accuracy functions TF1 programs evaluate in a
Session (``acc = categorical_accuracy(labels, preds)``; ``acc.eval(feed_dict=...)``).

Example:
    >>> acc = tk.reduce_mean(tk.keras.metrics.categorical_accuracy(labels, preds))
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.keras import backend, losses
from trainkit.ops import array_ops, math_ops


def categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """1.0 where ``argmax(y_true, -1) == argmax(y_pred, -1)``, else 0.0 (one per example)."""
    hit = math_ops.equal(math_ops.argmax(y_true, -1), math_ops.argmax(y_pred, -1))
    return math_ops.cast(hit, _dt.as_dtype(backend.floatx()))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Tensor:
    """1.0 where the integer label ``y_true`` is ``argmax(y_pred, -1)``, else 0.0; labels of
    shape ``[batch, 1]`` are flattened first."""
    y_pred = conversion.convert_to_tensor(y_pred)
    y_true = conversion.convert_to_tensor(y_true)
    if (y_true.shape.ndims is not None and y_pred.shape.ndims is not None
            and y_true.shape.ndims == y_pred.shape.ndims):
        y_true = array_ops.squeeze(y_true, [-1])
    pred = math_ops.argmax(y_pred, -1)
    hit = math_ops.equal(math_ops.cast(y_true, pred.dtype), pred)
    return math_ops.cast(hit, _dt.as_dtype(backend.floatx()))


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Tensor:
    """The fraction over the last axis of ``y_true == (y_pred > threshold)`` (one value per
    example)."""
    y_pred = conversion.convert_to_tensor(y_pred)
    y_true = math_ops.cast(y_true, y_pred.dtype)
    pred = math_ops.cast(math_ops.greater(y_pred, threshold), y_pred.dtype)
    hit = math_ops.cast(math_ops.equal(y_true, pred), _dt.as_dtype(backend.floatx()))
    return math_ops.reduce_mean(hit, -1)


_BY_NAME = {"categorical_accuracy": categorical_accuracy,
            "sparse_categorical_accuracy": sparse_categorical_accuracy,
            "binary_accuracy": binary_accuracy}


def get(identifier: Any) -> Any:
    """The metric function named ``identifier`` (accuracy functions, or a loss name such as
    ``'mse'``); a callable is returned as is.

    Raises:
        ValueError: for an unknown name.
    """
    if callable(identifier):
        return identifier
    if identifier in _BY_NAME:
        return _BY_NAME[identifier]
    try:
        return losses.get(identifier)
    except ValueError:
        raise ValueError(f"Unknown metric function: '{identifier}'. Please ensure you are "
                         "using a `keras.utils.custom_object_scope` and that this object "
                         "is included in the scope.") from None


__all__ = ["categorical_accuracy", "sparse_categorical_accuracy", "binary_accuracy", "get"]
