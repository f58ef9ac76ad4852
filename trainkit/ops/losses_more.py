"""More ``tf.compat.v1.losses``: ``log_loss``, ``hinge_loss``, ``cosine_distance`` and
``mean_pairwise_squared_error``, with TF1's formulas, weights and reductions (see
:mod:`.losses_impl`).

Example:
    >>> loss = log_loss(labels, tk.sigmoid(logits))
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.graph import GraphKeys, name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.losses_impl import (
    Reduction,
    _as_weights,
    _pair,
    _safe_div,
    add_loss,
    compute_weighted_loss,
)
from trainkit.ops.nn_activations import relu

_DEFAULT = Reduction.SUM_BY_NONZERO_WEIGHTS


def log_loss(labels: Any, predictions: Any, weights: Any = 1.0, epsilon: float = 1e-7,
             scope: str | None = None, loss_collection: str | None = GraphKeys.LOSSES,
             reduction: str = _DEFAULT) -> Tensor:
    """Weighted ``-y log(p + eps) - (1 - y) log(1 - p + eps)`` for probabilities ``p``.

    Raises:
        ValueError: None or incompatible labels/predictions, or a bad reduction.
    """
    with name_scope(scope, "log_loss", [predictions, labels, weights]) as s:
        labels, predictions = _pair(labels, predictions, "log_loss")
        losses = math_ops.subtract(
            math_ops.negative(math_ops.multiply(labels, math_ops.log(predictions + epsilon))),
            math_ops.multiply(1 - labels, math_ops.log(1 - predictions + epsilon)))
        return compute_weighted_loss(losses, weights, s, loss_collection, reduction)


def hinge_loss(labels: Any, logits: Any, weights: Any = 1.0, scope: str | None = None,
               loss_collection: str | None = GraphKeys.LOSSES,
               reduction: str = _DEFAULT) -> Tensor:
    """Weighted ``max(0, 1 - (2y - 1) * logits)`` for 0/1 labels ``y``.

    Raises:
        ValueError: None or incompatible labels/logits, or a bad reduction.
    """
    with name_scope(scope, "hinge_loss", [logits, labels, weights]) as s:
        labels, logits = _pair(labels, logits, "hinge_loss")
        signed = math_ops.subtract(2 * labels, 1)
        losses = relu(math_ops.subtract(1.0, math_ops.multiply(signed, logits)))
        return compute_weighted_loss(losses, weights, s, loss_collection, reduction)


def cosine_distance(labels: Any, predictions: Any, axis: int | None = None,
                    weights: Any = 1.0, scope: str | None = None,
                    loss_collection: str | None = GraphKeys.LOSSES,
                    reduction: str = _DEFAULT, dim: int | None = None) -> Tensor:
    """Weighted ``1 - sum(labels * predictions, axis)`` (inputs unit-normalised already).

    Raises:
        ValueError: no ``axis`` (or both ``axis`` and ``dim``), or bad inputs.
    """
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dim'.")
        axis = dim
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    with name_scope(scope, "cosine_distance_loss", [predictions, labels, weights]) as s:
        labels, predictions = _pair(labels, predictions, "cosine_distance")
        radial = math_ops.multiply(predictions, labels)
        losses = 1 - math_ops.reduce_sum(radial, axis, keepdims=True)
        return compute_weighted_loss(losses, weights, s, loss_collection, reduction)


def mean_pairwise_squared_error(labels: Any, predictions: Any, weights: Any = 1.0,
                                scope: str | None = None,
                                loss_collection: str | None = GraphKeys.LOSSES) -> Tensor:
    """The weighted mean, per batch entry, of the squared differences between all pairs
    of ``predictions - labels`` entries (TF1's formula: terms per batch entry, weighted by
    ``weights`` broadcastable to the inputs, e.g. ``[batch, 1]``, then summed).

    Raises:
        ValueError: None or incompatible labels/predictions, or an input of unknown rank.
    """
    with name_scope(scope, "mean_pairwise_squared_error",
                    [predictions, labels, weights]):
        labels, predictions = _pair(labels, predictions, "mean_pairwise_squared_error")
        diffs = math_ops.subtract(predictions, labels)
        rank = diffs.shape.ndims
        if rank is None:
            raise ValueError("mean_pairwise_squared_error needs inputs of known rank.")
        axes = list(range(1, rank))
        w = _as_weights(weights, diffs)
        present = math_ops.cast(math_ops.not_equal(w, 0.0), diffs.dtype)
        present = math_ops.multiply(present, array_ops.ones_like(diffs))
        n = math_ops.reduce_sum(present, axes, keepdims=True)
        sq_sum = math_ops.reduce_sum(math_ops.square(diffs), axes, keepdims=True)
        term1 = 2.0 * _safe_div(sq_sum, math_ops.maximum(n - 1, 0.0))
        total = math_ops.reduce_sum(diffs, axes, keepdims=True)
        term2 = 2.0 * _safe_div(math_ops.square(total), math_ops.maximum(n * (n - 1), 0.0))
        loss = math_ops.reduce_sum(math_ops.multiply(term1 - term2, w))
        loss = math_ops.where(math_ops.greater(math_ops.reduce_sum(n), 0.0), loss,
                              array_ops.zeros_like(loss), name="value")
        add_loss(loss, loss_collection)
        return loss


__all__ = ["log_loss", "hinge_loss", "cosine_distance", "mean_pairwise_squared_error"]
