"""``trainkit.losses``: TF1 losses with ``Reduction`` semantics (``tf.compat.v1.losses``).

Example:
    >>> loss = tk.losses.sparse_softmax_cross_entropy(labels, logits)
"""

from __future__ import annotations

from trainkit.ops.losses_impl import (
    Reduction,
    absolute_difference,
    add_loss,
    compute_weighted_loss,
    get_losses,
    get_regularization_loss,
    get_regularization_losses,
    get_total_loss,
    huber_loss,
    mean_squared_error,
    sigmoid_cross_entropy,
    softmax_cross_entropy,
    sparse_softmax_cross_entropy,
)
from trainkit.ops.losses_more import (
    cosine_distance,
    hinge_loss,
    log_loss,
    mean_pairwise_squared_error,
)
