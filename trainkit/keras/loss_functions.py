"""Keras's per-example loss functions (``tf.keras.losses.<function>``), each reducing the
last axis only: the cross-entropies, the regression errors (``mean_squared_error``,
``mean_absolute_error``, ``mean_absolute_percentage_error``,
``mean_squared_logarithmic_error``, ``huber``, ``log_cosh``), the hinges (``hinge``,
``squared_hinge``, ``categorical_hinge``), ``poisson``, ``kl_divergence`` and
``cosine_similarity``, with tf_keras 2.21's formulas.

As in tf_keras, probabilities that come straight from a softmax (or sigmoid) are turned
back into their logits, so the cross-entropy is computed stably from the logits; other
probabilities are clipped to ``[epsilon, 1 - epsilon]`` first.

``cosine_similarity`` is the negated cosine (``-1`` for parallel vectors), the sign TF 1.15's
``cosine_proximity`` already had; tf_keras 2.21 under ``tf.compat.v1`` exports it under
both names.

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
from trainkit.ops import array_ops, math_extras, math_ops, nn_activations, nn_losses_ops


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


def _pair(y_true: Any, y_pred: Any) -> tuple[Tensor, Tensor]:
    """``(y_true, y_pred)`` as tensors, the labels cast to the predictions' dtype."""
    y_pred = conversion.convert_to_tensor(y_pred)
    return math_ops.cast(y_true, y_pred.dtype), y_pred


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Tensor:
    """``100 * mean(|y_true - y_pred| / max(|y_true|, epsilon), axis=-1)`` per example."""
    y_true, y_pred = _pair(y_true, y_pred)
    diff = math_ops.abs((y_true - y_pred) /
                        math_ops.maximum(math_ops.abs(y_true), backend.epsilon()))
    return 100.0 * math_ops.reduce_mean(diff, -1)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Tensor:
    """``mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)) ** 2, axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = backend.epsilon()
    first = math_ops.log(math_ops.maximum(y_pred, eps) + 1.0)
    second = math_ops.log(math_ops.maximum(y_true, eps) + 1.0)
    return math_ops.reduce_mean(math_ops.squared_difference(first, second), -1)


def _signed_labels(y_true: Tensor) -> Tensor:
    """Labels that are all 0 or 1 become -1 or 1 (tf_keras's hinge convention); any other
    labels are kept. ``y + b * (y - 1)`` is ``2y - 1`` when ``b`` is 1 and ``y`` when 0."""
    binary = math_ops.reduce_all(math_ops.logical_or(math_ops.equal(y_true, 0.0),
                                                     math_ops.equal(y_true, 1.0)))
    return y_true + math_ops.cast(binary, y_true.dtype) * (y_true - 1.0)


def hinge(y_true: Any, y_pred: Any) -> Tensor:
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)``; 0/1 labels are read as -1/1."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _signed_labels(y_true)
    return math_ops.reduce_mean(math_ops.maximum(1.0 - y_true * y_pred, 0.0), -1)


def squared_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """``mean(max(1 - y_true * y_pred, 0) ** 2, axis=-1)``; 0/1 labels are read as -1/1."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _signed_labels(y_true)
    return math_ops.reduce_mean(math_ops.square(math_ops.maximum(1.0 - y_true * y_pred, 0.0)),
                                -1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Tensor:
    """``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` over the last axis
    (one-hot ``y_true``)."""
    y_true, y_pred = _pair(y_true, y_pred)
    pos = math_ops.reduce_sum(y_true * y_pred, -1)
    neg = math_ops.reduce_max((1.0 - y_true) * y_pred, -1)
    return math_ops.maximum(neg - pos + 1.0, 0.0)


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Tensor:
    """The mean over the last axis of ``0.5 e**2`` where ``|e| <= delta``, else
    ``delta |e| - 0.5 delta**2`` (``e = y_pred - y_true``), in ``floatx``."""
    floatx = _dt.as_dtype(backend.floatx())
    y_pred = math_ops.cast(y_pred, floatx)
    y_true = math_ops.cast(y_true, floatx)
    delta_t = math_ops.cast(delta, floatx)
    error = y_pred - y_true
    abs_error = math_ops.abs(error)
    quadratic = 0.5 * math_ops.square(error)
    linear = delta_t * abs_error - 0.5 * math_ops.square(delta_t)
    return math_ops.reduce_mean(
        math_ops.where(math_ops.less_equal(abs_error, delta_t), quadratic, linear), -1)


def log_cosh(y_true: Any, y_pred: Any) -> Tensor:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed as
    ``x + softplus(-2x) - log(2)`` so large errors do not overflow."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    value = x + nn_activations.softplus(-2.0 * x) - math_ops.cast(math_ops.log(2.0), x.dtype)
    return math_ops.reduce_mean(value, -1)


def kl_divergence(y_true: Any, y_pred: Any) -> Tensor:
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[epsilon, 1]``."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = backend.epsilon()
    y_true = math_ops.clip_by_value(y_true, eps, 1.0)
    y_pred = math_ops.clip_by_value(y_pred, eps, 1.0)
    return math_ops.reduce_sum(y_true * math_ops.log(y_true / y_pred), -1)


def poisson(y_true: Any, y_pred: Any) -> Tensor:
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return math_ops.reduce_mean(y_pred - y_true * math_ops.log(y_pred + backend.epsilon()), -1)


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Tensor:
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``: -1 for parallel
    vectors, 0 for orthogonal ones, so that minimizing it aligns the predictions."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = math_extras.l2_normalize(y_true, axis=axis)
    y_pred = math_extras.l2_normalize(y_pred, axis=axis)
    return -math_ops.reduce_sum(y_true * y_pred, axis)


__all__ = ["categorical_crossentropy", "sparse_categorical_crossentropy",
           "binary_crossentropy", "mean_squared_error", "mean_absolute_error",
           "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "hinge",
           "squared_hinge", "categorical_hinge", "huber", "log_cosh", "kl_divergence",
           "poisson", "cosine_similarity"]
