"""``tk.contrib.losses``: TF 1.15's ``tf.contrib.losses`` (the pre-``tf.losses`` functions
with their argument orders and per-sample weighting) and ``metric_learning``.

Example:
    >>> loss = tf.contrib.losses.sparse_softmax_cross_entropy(logits, labels)
"""

from __future__ import annotations

from trainkit.contrib.losses import metric_learning
from trainkit.contrib.losses.loss_ops import (
    absolute_difference,
    compute_weighted_loss,
    cosine_distance,
    hinge_loss,
    log_loss,
    mean_pairwise_squared_error,
    mean_squared_error,
    sigmoid_cross_entropy,
    softmax_cross_entropy,
    sparse_softmax_cross_entropy,
)
from trainkit.ops.losses_impl import (
    add_loss,
    get_losses,
    get_regularization_losses,
    get_total_loss,
)

__all__ = ["absolute_difference", "add_loss", "cosine_distance", "compute_weighted_loss",
           "get_losses", "get_regularization_losses", "get_total_loss", "hinge_loss",
           "log_loss", "mean_pairwise_squared_error", "mean_squared_error",
           "sigmoid_cross_entropy", "softmax_cross_entropy", "sparse_softmax_cross_entropy",
           "metric_learning"]
