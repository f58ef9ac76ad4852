"""``tk.contrib.losses.metric_learning``: TF 1.15's embedding losses.

Example:
    >>> loss = tf.contrib.losses.metric_learning.npairs_loss(labels, anchors, positives)
"""

from __future__ import annotations

from trainkit.contrib.losses.metric_learning.metric_loss_ops import (
    contrastive_loss,
    lifted_struct_loss,
    npairs_loss,
    npairs_loss_multilabel,
    pairwise_distance,
    triplet_semihard_loss,
)

__all__ = ["pairwise_distance", "contrastive_loss", "triplet_semihard_loss",
           "lifted_struct_loss", "npairs_loss", "npairs_loss_multilabel"]
