"""``tf.compat.v1.losses``: weighted losses with TF1's ``Reduction`` semantics, added to the
``LOSSES`` collection, plus the regularization/total-loss helpers.

Every loss computes per-element values, multiplies by ``weights`` (broadcast to the
losses' shape) and reduces them as ``reduction`` says; the default,
``SUM_BY_NONZERO_WEIGHTS``, divides the weighted sum by the number of non-zero weights
(0 when there are none).

Example:
    >>> loss = mean_squared_error(labels, predictions)   # mean over elements
    >>> total = get_total_loss()                          # losses + regularization
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import GraphKeys, get_default_graph, name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, nn_ops
from trainkit.ops.math_extras import divide_no_nan
from trainkit.ops.squeezable import remove_squeezable_dimensions, squeeze_weights


class Reduction:
    """How ``compute_weighted_loss`` reduces the weighted per-element losses."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls) -> tuple[str, ...]:
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key: str) -> None:
        """Raises ValueError for an unknown reduction."""
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key!r}; expected one of "
                             f"{sorted(set(cls.all()))}.")


def _safe_div(num: Tensor, den: Tensor, name: str | None = None) -> Tensor:
    """``num / den``, 0 where ``den == 0`` (TF's ``_safe_mean``: one ``DivNoNan``)."""
    return divide_no_nan(num, den, name=name)


def _num_present(losses: Tensor, weights: Tensor) -> Tensor:
    nonzero = math_ops.cast(math_ops.not_equal(weights, 0.0), losses.dtype)
    return math_ops.reduce_sum(nonzero * array_ops.ones_like(losses))


def add_loss(loss: Any, loss_collection: str | None = GraphKeys.LOSSES) -> None:
    """Adds ``loss`` to ``loss_collection`` (nothing when the collection is None)."""
    if loss_collection:
        get_default_graph().add_to_collection(loss_collection, loss)


def compute_weighted_loss(losses: Any, weights: Any = 1.0, scope: str | None = None,
                          loss_collection: str | None = GraphKeys.LOSSES,
                          reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Weights and reduces per-element ``losses``; adds the result to the collection.

    Raises:
        ValueError: for an unknown ``reduction`` or weights that cannot broadcast.
    """
    Reduction.validate(reduction)
    with name_scope(scope, "weighted_loss", [losses, weights]):
        losses = conversion.convert_to_tensor(losses)
        if not losses.dtype.is_floating:
            raise ValueError(f"losses must be floating point, got {losses.dtype.name}.")
        weights = _as_weights(weights, losses)
        weighted = math_ops.multiply(losses, weights)
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = math_ops.reduce_sum(weighted)
            # the mean is named "value", as TF's (softmax_cross_entropy_loss/value)
            if reduction == Reduction.MEAN:
                loss = _safe_div(loss, math_ops.reduce_sum(
                    array_ops.ones_like(losses) * weights), "value")
            elif reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
                loss = _safe_div(loss, _num_present(losses, weights), "value")
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = _safe_div(loss, math_ops.cast(array_ops.size(losses), losses.dtype),
                                 "value")
        add_loss(loss, loss_collection)
        return loss


def _as_weights(weights: Any, losses: Tensor) -> Tensor:
    w = conversion.convert_to_tensor(weights) if isinstance(weights, Tensor) else \
        conversion.convert_to_tensor(weights, dtype=losses.dtype)
    if w.dtype is not losses.dtype:
        w = math_ops.cast(w, losses.dtype)
    ls, ws = losses.shape, w.shape
    if ls.ndims is not None and ws.ndims is not None and ws.ndims > 0:
        if ws.ndims > ls.ndims:
            raise ValueError(f"weights can not be broadcast to values: weights shape {ws}, "
                             f"values shape {ls}.")
        for a, b in zip(reversed(ws.as_list()), reversed(ls.as_list())):
            if a is not None and b is not None and a not in (1, b):
                raise ValueError(f"weights can not be broadcast to values: weights shape "
                                 f"{ws}, values shape {ls}.")
    return w


def _pair(labels: Any, predictions: Any, what: str) -> tuple[Tensor, Tensor]:
    if labels is None:
        raise ValueError(f"{what}: labels must not be None.")
    if predictions is None:
        raise ValueError(f"{what}: predictions must not be None.")
    predictions = conversion.convert_to_tensor(predictions)
    labels = conversion.convert_to_tensor(labels)
    if labels.dtype is not predictions.dtype:
        labels = math_ops.cast(labels, predictions.dtype)
    if not labels.shape.is_compatible_with(predictions.shape):
        raise ValueError(f"{what}: shapes {labels.shape} (labels) and {predictions.shape} "
                         f"(predictions) are incompatible.")
    return labels, predictions


def mean_squared_error(labels: Any, predictions: Any, weights: Any = 1.0,
                       scope: str | None = None,
                       loss_collection: str | None = GraphKeys.LOSSES,
                       reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Weighted ``(predictions - labels) ** 2``."""
    with name_scope(scope, "mean_squared_error", [predictions, labels, weights]) as s:
        labels, predictions = _pair(labels, predictions, "mean_squared_error")
        diff = predictions - labels
        return compute_weighted_loss(diff * diff, weights, s, loss_collection, reduction)


def absolute_difference(labels: Any, predictions: Any, weights: Any = 1.0,
                        scope: str | None = None,
                        loss_collection: str | None = GraphKeys.LOSSES,
                        reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Weighted ``|predictions - labels|``."""
    with name_scope(scope, "absolute_difference", [predictions, labels, weights]) as s:
        labels, predictions = _pair(labels, predictions, "absolute_difference")
        return compute_weighted_loss(math_ops.abs(predictions - labels), weights, s,
                                     loss_collection, reduction)


def huber_loss(labels: Any, predictions: Any, weights: Any = 1.0, delta: float = 1.0,
               scope: str | None = None, loss_collection: str | None = GraphKeys.LOSSES,
               reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """``0.5 e^2`` for ``|e| <= delta``, else ``delta (|e| - 0.5 delta)``, weighted."""
    with name_scope(scope, "huber_loss", [predictions, labels, weights]) as s:
        labels, predictions = _pair(labels, predictions, "huber_loss")
        abs_err = math_ops.abs(predictions - labels)
        d = conversion.convert_to_tensor(delta, dtype=predictions.dtype, name="delta")
        quadratic = math_ops.minimum(abs_err, d)
        linear = abs_err - quadratic
        losses = 0.5 * quadratic * quadratic + d * linear
        return compute_weighted_loss(losses, weights, s, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels: Any, logits: Any, weights: Any = 1.0,
                          label_smoothing: float = 0, scope: str | None = None,
                          loss_collection: str | None = GraphKeys.LOSSES,
                          reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Weighted ``sigmoid_cross_entropy_with_logits``; labels smoothed towards 1/2."""
    with name_scope(scope, "sigmoid_cross_entropy_loss",
                    [logits, multi_class_labels, weights]) as s:
        labels, logits = _pair(multi_class_labels, logits, "sigmoid_cross_entropy")
        if label_smoothing > 0:
            labels = labels * (1.0 - label_smoothing) + 0.5 * label_smoothing
        losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
        return compute_weighted_loss(losses, weights, s, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels: Any, logits: Any, weights: Any = 1.0,
                          label_smoothing: float = 0, scope: str | None = None,
                          loss_collection: str | None = GraphKeys.LOSSES,
                          reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS) -> Tensor:
    """Weighted per-example softmax cross entropy of ``[batch, classes]`` logits; labels
    smoothed towards ``1 / num_classes``."""
    with name_scope(scope, "softmax_cross_entropy_loss",
                    [logits, onehot_labels, weights]) as s:
        labels, logits = _pair(onehot_labels, logits, "softmax_cross_entropy")
        if label_smoothing > 0:
            n = logits.shape.as_list()[-1] if logits.shape.ndims else None
            if n is None:
                n = math_ops.cast(array_ops.shape(logits)[-1], logits.dtype)
            labels = labels * (1.0 - label_smoothing) + label_smoothing / n
        losses = nn_ops.softmax_cross_entropy_with_logits_v2(
            labels=array_ops.stop_gradient(labels), logits=logits)
        return compute_weighted_loss(losses, weights, s, loss_collection, reduction)


def sparse_softmax_cross_entropy(labels: Any, logits: Any, weights: Any = 1.0,
                                 scope: str | None = None,
                                 loss_collection: str | None = GraphKeys.LOSSES,
                                 reduction: str = Reduction.SUM_BY_NONZERO_WEIGHTS
                                 ) -> Tensor:
    """Weighted softmax cross entropy with integer class ``labels``."""
    with name_scope(scope, "sparse_softmax_cross_entropy_loss",
                    [logits, labels, weights]) as s:
        if labels is None or logits is None:
            raise ValueError("sparse_softmax_cross_entropy: labels and logits must not be "
                             "None.")
        # Class ids one rank short of the logits, as TF expects; a trailing size-1
        # dimension of ids shaped like the logits ([batch, 1]) is squeezed, and so is
        # one of a weight column.
        labels, logits = remove_squeezable_dimensions(labels, logits, 1)
        weights = squeeze_weights(weights, labels)
        losses = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels,
                                                                 logits=logits)
        return compute_weighted_loss(losses, weights, s, loss_collection, reduction)


def get_losses(scope: str | None = None, loss_collection: str = GraphKeys.LOSSES) -> list:
    """The losses in ``loss_collection`` (filtered by ``scope``)."""
    return get_default_graph().get_collection(loss_collection, scope)


def get_regularization_losses(scope: str | None = None) -> list:
    """The tensors in ``REGULARIZATION_LOSSES`` (filtered by ``scope``)."""
    return get_default_graph().get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope: str | None = None,
                            name: str = "total_regularization_loss") -> Tensor:
    """The sum of the regularization losses, or a float32 ``0.0`` when there are none."""
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    return conversion.convert_to_tensor(0.0, name=name)


def get_total_loss(add_regularization_losses: bool = True, name: str = "total_loss",
                   scope: str | None = None) -> Tensor:
    """The sum of ``get_losses()`` and (by default) the regularization losses.

    Raises:
        ValueError: if there are no losses at all.
    """
    losses = get_losses(scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope)
    if not losses:
        raise ValueError("No losses found: add a loss (tk.losses.*) or regularizer first.")
    return math_ops.add_n(losses, name=name)


__all__ = [
    "Reduction", "add_loss", "compute_weighted_loss", "mean_squared_error",
    "absolute_difference", "huber_loss", "sigmoid_cross_entropy", "softmax_cross_entropy",
    "sparse_softmax_cross_entropy", "get_losses", "get_regularization_losses",
    "get_regularization_loss", "get_total_loss",
]
