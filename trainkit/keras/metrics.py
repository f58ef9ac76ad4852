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
from trainkit.keras import backend
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


__all__ = ["categorical_accuracy", "sparse_categorical_accuracy"]
