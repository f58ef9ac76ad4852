"""``slim.losses`` (TF1's ``tf.contrib.losses``): the legacy loss functions, which take
``logits``/``predictions`` first and the labels second (``tf.losses`` takes labels first).

They are not ``tf.losses`` aliases in ``tf_slim`` but compute the same weighted mean
over non-zero weights and add it to ``LOSSES``, so each wraps its ``tk.losses`` twin with
the arguments reordered.

Example:
    >>> slim.losses.softmax_cross_entropy(logits, onehot_labels, label_smoothing=0.1)
    >>> total = slim.losses.get_total_loss()
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.tensor import Tensor
from trainkit.ops import losses_impl, losses_more, math_ops


def softmax_cross_entropy(logits: Any, onehot_labels: Any, weights: Any = 1.0,
                          label_smoothing: float = 0, scope: str | None = None) -> Tensor:
    """Softmax cross-entropy against ``onehot_labels`` smoothed to
    ``labels * (1 - s) + s / num_classes``."""
    return losses_impl.softmax_cross_entropy(onehot_labels, logits, weights=weights,
                                             label_smoothing=label_smoothing, scope=scope)


def sparse_softmax_cross_entropy(logits: Any, labels: Any, weights: Any = 1.0,
                                 scope: str | None = None) -> Tensor:
    """Softmax cross-entropy against integer class ``labels``."""
    return losses_impl.sparse_softmax_cross_entropy(labels, logits, weights=weights,
                                                    scope=scope)


def sigmoid_cross_entropy(logits: Any, multi_class_labels: Any, weights: Any = 1.0,
                          label_smoothing: float = 0, scope: str | None = None) -> Tensor:
    """Sigmoid cross-entropy against labels smoothed to ``labels * (1 - s) + s / 2``."""
    return losses_impl.sigmoid_cross_entropy(multi_class_labels, logits, weights=weights,
                                             label_smoothing=label_smoothing, scope=scope)


def mean_squared_error(predictions: Any, labels: Any = None, weights: Any = 1.0,
                       scope: str | None = None) -> Tensor:
    """The weighted mean of ``(predictions - labels) ** 2``."""
    return losses_impl.mean_squared_error(labels, predictions, weights=weights, scope=scope)


def absolute_difference(predictions: Any, labels: Any = None, weights: Any = 1.0,
                        scope: str | None = None) -> Tensor:
    """The weighted mean of ``|predictions - labels|``."""
    return losses_impl.absolute_difference(labels, predictions, weights=weights, scope=scope)


def log_loss(predictions: Any, labels: Any = None, weights: Any = 1.0, epsilon: float = 1e-7,
             scope: str | None = None) -> Tensor:
    """The weighted mean of the binary log loss."""
    return losses_more.log_loss(labels, predictions, weights=weights, epsilon=epsilon,
                                scope=scope)


def compute_weighted_loss(losses: Any, weights: Any = 1.0, scope: str | None = None) -> Tensor:
    """The weighted mean of ``losses`` over non-zero weights, added to LOSSES."""
    return losses_impl.compute_weighted_loss(losses, weights=weights, scope=scope)


def add_loss(loss: Any, loss_collection: str | None = GraphKeys.LOSSES) -> None:
    """Adds ``loss`` to ``loss_collection`` (when given)."""
    if loss_collection:
        get_default_graph().add_to_collection(loss_collection, loss)


def get_losses(scope: str | None = None, loss_collection: str = GraphKeys.LOSSES) -> list:
    """The losses of ``loss_collection`` (filtered by ``scope``)."""
    return get_default_graph().get_collection(loss_collection, scope)


def get_regularization_losses(scope: str | None = None) -> list:
    """The REGULARIZATION_LOSSES (filtered by ``scope``)."""
    return get_default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_total_loss(add_regularization_losses: bool = True, name: str = "total_loss") -> Tensor:
    """``add_n`` of the losses and (by default) the regularization losses.

    Raises:
        ValueError: if there is no loss at all.
    """
    losses = get_losses()
    if add_regularization_losses:
        losses += get_regularization_losses()
    if not losses:
        raise ValueError("No losses to sum.")
    return math_ops.add_n(losses, name=name)


__all__ = ["softmax_cross_entropy", "sparse_softmax_cross_entropy", "sigmoid_cross_entropy",
           "mean_squared_error", "absolute_difference", "log_loss", "compute_weighted_loss",
           "add_loss", "get_losses", "get_regularization_losses", "get_total_loss"]
