"""``tf.contrib.losses`` (TF 1.15): the pre-``tf.losses`` loss functions, with their own
argument order (``logits`` / ``predictions`` first) and their own weighting.

Weighting (``compute_weighted_loss``): float32 losses ``[batch, d1, ..., dN]`` and weights
``[]``, ``[batch]`` or ``[batch, d1, ..., dK]`` (``K <= N``; a trailing dimension of 1 is
squeezed). The losses are summed over the dimensions past the weights' rank, multiplied by
the weights and summed; the mean divides by the number of losses under non-zero weights
(0 when there are none). Unlike ``tf.losses``, weights ``[batch]`` apply per sample to
losses of any rank. Every loss but ``hinge_loss`` (unreduced, as in TF) is added to
``GraphKeys.LOSSES``; ``add_loss`` / ``get_losses`` / ``get_total_loss`` are
``tk.losses``'.

Example:
    >>> loss = tf.contrib.losses.softmax_cross_entropy(logits, onehot_labels)
    >>> total = tf.contrib.losses.get_total_loss()
"""

from __future__ import annotations

from typing import Any

import trainkit as tk
from trainkit.framework.tensor import Tensor
from trainkit.ops.losses_impl import add_loss


def _rank(t: Tensor, what: str) -> int:
    if t.shape.ndims is None:
        raise ValueError(f"{what}.get_shape().ndims cannot be None")
    return t.shape.ndims


def _scale_losses(losses: Tensor, weights: Tensor) -> Tensor:
    """Sum of ``losses`` (summed down to the weights' rank) times ``weights``."""
    axes = list(range(max(0, _rank(weights, "weights")), _rank(losses, "losses")))
    reduced = tk.reduce_sum(losses, axis=axes) if axes else losses
    return tk.reduce_sum(reduced * weights)


def _safe_div(num: Tensor, den: Tensor, name: str = "value") -> Tensor:
    safe = tk.where(tk.equal(den, 0), tk.ones_like(den), den)
    return tk.where(tk.greater(den, 0), num / safe, tk.zeros_like(num), name=name)


def _num_present(losses: Tensor, weights: Tensor, per_batch: bool = False) -> Tensor:
    """How many losses the (leading-dimension) weights leave non-zero, per sample or in
    total (float32)."""
    if _rank(weights, "weights") == 0:
        batch = tk.shape(losses)[0]
        per = tk.cast(tk.size(losses), tk.float32) / tk.cast(batch, tk.float32)
        per = tk.where(tk.equal(weights, 0), 0.0, per)
        counts = tk.ones(tk.reshape(batch, [1])) * per
    else:
        nonzero = tk.cast(tk.not_equal(weights, 0), tk.float32)
        axes = list(range(1, weights.shape.ndims))
        nonzero = tk.reduce_sum(nonzero, axis=axes) if axes else nonzero
        rest = tk.shape(losses)[weights.shape.ndims:]
        counts = nonzero * tk.cast(tk.reduce_prod(rest), tk.float32)
    return counts if per_batch else tk.reduce_sum(counts)


def _weights(weights: Any) -> Tensor:
    w = tk.to_float(tk.convert_to_tensor(weights, name="weights"))
    if w.shape.ndims is None:
        raise ValueError("weights.get_shape().ndims cannot be None")
    if w.shape.ndims > 1 and w.shape.as_list()[-1] in (1, None):
        w = tk.squeeze(w, [-1])
    return w


def compute_weighted_loss(losses: Any, weights: Any = 1.0, scope: str | None = None) -> Tensor:
    """The weighted mean of ``losses`` (see the module docstring), added to
    ``GraphKeys.LOSSES`` and cast back to the losses' dtype.

    Raises:
        ValueError: losses or weights of unknown rank, or weights that do not fit.
    """
    with tk.name_scope(scope, "weighted_loss", [losses, weights]):
        losses = tk.convert_to_tensor(losses, name="losses")
        dtype = losses.dtype
        losses = tk.to_float(losses)
        _rank(losses, "losses")
        w = _weights(weights)
        if w.shape.ndims > losses.shape.ndims or not tk.TensorShape(
                losses.shape.as_list()[:w.shape.ndims]).is_compatible_with(w.shape):
            raise ValueError(f"weights of shape {w.shape} do not fit losses of shape "
                             f"{losses.shape}: use [], [batch] or the leading dimensions.")
        mean = _safe_div(_scale_losses(losses, w), _num_present(losses, w))
        mean = tk.cast(mean, dtype)
        add_loss(mean)
        return mean


def _pair(predictions: Any, labels: Any, names: tuple[str, str]) -> tuple[Tensor, Tensor]:
    if labels is None:
        raise ValueError(f"{names[1]} must be given.")
    p = tk.convert_to_tensor(predictions, name=names[0])
    y = tk.convert_to_tensor(labels, name=names[1])
    if not p.shape.is_compatible_with(y.shape):
        raise ValueError(f"Shapes {p.shape} ({names[0]}) and {y.shape} ({names[1]}) are "
                         "incompatible")
    return p, y


def absolute_difference(predictions: Any, labels: Any = None, weights: Any = 1.0,
                        scope: str | None = None) -> Tensor:
    """Weighted mean of ``|predictions - labels|``."""
    with tk.name_scope(scope, "absolute_difference", [predictions, labels, weights]) as sc:
        p, y = _pair(predictions, labels, ("predictions", "labels"))
        return compute_weighted_loss(tk.abs(tk.to_float(p) - tk.to_float(y)), weights, sc)


def mean_squared_error(predictions: Any, labels: Any = None, weights: Any = 1.0,
                       scope: str | None = None) -> Tensor:
    """Weighted mean of ``(predictions - labels) ** 2``."""
    with tk.name_scope(scope, "mean_squared_error", [predictions, labels, weights]) as sc:
        p, y = _pair(predictions, labels, ("predictions", "labels"))
        return compute_weighted_loss(tk.square(tk.to_float(p) - tk.to_float(y)), weights, sc)


def log_loss(predictions: Any, labels: Any = None, weights: Any = 1.0, epsilon: float = 1e-7,
             scope: str | None = None) -> Tensor:
    """Weighted mean of ``-y log(p + eps) - (1 - y) log(1 - p + eps)``."""
    with tk.name_scope(scope, "log_loss", [predictions, labels, weights]) as sc:
        p, y = _pair(predictions, labels, ("predictions", "labels"))
        p, y = tk.to_float(p), tk.to_float(y)
        losses = -y * tk.log(p + epsilon) - (1 - y) * tk.log(1 - p + epsilon)
        return compute_weighted_loss(losses, weights, sc)


def hinge_loss(logits: Any, labels: Any = None, scope: str | None = None) -> Tensor:
    """Unreduced, unweighted ``relu(1 - (2 labels - 1) * logits)`` (labels in {0, 1}); not
    added to any collection (as in TF)."""
    with tk.name_scope(scope, "hinge_loss", [logits, labels]):
        x, y = _pair(logits, labels, ("logits", "labels"))
        y = tk.to_float(y)
        ones = tk.ones_like(y)
        return tk.nn.relu(ones - (2 * y - ones) * x)


def sigmoid_cross_entropy(logits: Any, multi_class_labels: Any, weights: Any = 1.0,
                          label_smoothing: float = 0, scope: str | None = None) -> Tensor:
    """Weighted mean sigmoid cross-entropy; labels smoothed towards 1/2."""
    with tk.name_scope(scope, "sigmoid_cross_entropy_loss",
                       [logits, multi_class_labels, weights]) as sc:
        x, y = _pair(logits, multi_class_labels, ("logits", "multi_class_labels"))
        y = tk.cast(y, x.dtype)
        if label_smoothing > 0:
            y = y * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = tk.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=x, name="xentropy")
        return compute_weighted_loss(losses, weights, sc)


def softmax_cross_entropy(logits: Any, onehot_labels: Any, weights: Any = 1.0,
                          label_smoothing: float = 0, scope: str | None = None) -> Tensor:
    """Weighted mean softmax cross-entropy; labels smoothed towards ``1 / num_classes``."""
    with tk.name_scope(scope, "softmax_cross_entropy_loss",
                       [logits, onehot_labels, weights]) as sc:
        x, y = _pair(logits, onehot_labels, ("logits", "onehot_labels"))
        y = tk.cast(y, x.dtype)
        if label_smoothing > 0:
            classes = tk.cast(tk.shape(y)[1], x.dtype)
            y = y * (1.0 - label_smoothing) + label_smoothing / classes
        losses = tk.nn.softmax_cross_entropy_with_logits_v2(
            labels=tk.stop_gradient(y), logits=x, name="xentropy")
        return compute_weighted_loss(losses, weights, sc)


def sparse_softmax_cross_entropy(logits: Any, labels: Any, weights: Any = 1.0,
                                 scope: str | None = None) -> Tensor:
    """Weighted mean sparse softmax cross-entropy; ``labels`` ``[batch]`` or
    ``[batch, 1]``."""
    with tk.name_scope(scope, "sparse_softmax_cross_entropy_loss",
                       [logits, labels, weights]) as sc:
        y = tk.convert_to_tensor(labels, name="labels")
        y = tk.reshape(y, tk.shape(y)[:1])
        losses = tk.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits,
                                                                name="xentropy")
        return compute_weighted_loss(losses, weights, sc)


def mean_pairwise_squared_error(predictions: Any, labels: Any = None, weights: Any = 1.0,
                                scope: str | None = None) -> Tensor:
    """Weighted mean over samples of the mean squared difference of all pairs of
    ``predictions - labels`` entries within a sample (TF's closed form)."""
    with tk.name_scope(scope, "mean_pairwise_squared_error",
                       [predictions, labels, weights]):
        p, y = _pair(predictions, labels, ("predictions", "labels"))
        diffs = tk.to_float(p) - tk.to_float(y)
        w = tk.to_float(tk.convert_to_tensor(weights, name="weights"))
        axes = list(range(1, _rank(diffs, "diffs")))
        _rank(w, "weights")
        count = _num_present(diffs, w, per_batch=True)
        term1 = 2.0 * _safe_div(tk.reduce_sum(tk.square(diffs), axis=axes), count)
        term2 = 2.0 * _safe_div(tk.square(tk.reduce_sum(diffs, axis=axes)), tk.square(count))
        loss = _scale_losses(term1 - term2, w)
        mean = tk.where(tk.reduce_sum(count) > 0, loss, tk.zeros_like(loss), name="value")
        add_loss(mean)
        return mean


def cosine_distance(predictions: Any, labels: Any = None, axis: int | None = None,
                    weights: Any = 1.0, scope: str | None = None,
                    dim: int | None = None) -> Tensor:
    """Weighted mean of ``1 - sum(predictions * labels, axis)`` (inputs unit-normalised).

    Raises:
        ValueError: neither ``axis`` nor ``dim`` given, or both.
    """
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    with tk.name_scope(scope, "cosine_distance_loss", [predictions, labels, weights]) as sc:
        p, y = _pair(predictions, labels, ("predictions", "labels"))
        losses = 1 - tk.reduce_sum(tk.to_float(p) * tk.to_float(y), axis=[axis])
        return compute_weighted_loss(losses, weights, sc)


__all__ = ["absolute_difference", "compute_weighted_loss", "cosine_distance", "hinge_loss",
           "log_loss", "mean_pairwise_squared_error", "mean_squared_error",
           "sigmoid_cross_entropy", "softmax_cross_entropy", "sparse_softmax_cross_entropy"]
