"""``tf.compat.v1.nn.weighted_cross_entropy_with_logits``: the sigmoid cross entropy with
the positive term weighted by ``pos_weight``, built (as in TF1) from elementwise ops so its
gradients flow into logits, labels and ``pos_weight``.

With ``l = 1 + (pos_weight - 1) * z`` the loss ``pos_weight * z * -log(sigmoid(x)) +
(1 - z) * -log(1 - sigmoid(x))`` is computed stably as
``(1 - z) * x + l * (log1p(exp(-|x|)) + max(-x, 0))``.

Example:
    >>> loss = weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=3.0)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import math_ops, unary_ops
from trainkit.ops.nn_activations import relu


def weighted_cross_entropy_with_logits(labels: Any = None, logits: Any = None,
                                       pos_weight: Any = None, name: str | None = None,
                                       targets: Any = None) -> Tensor:
    """Elementwise weighted logistic loss of ``logits`` against ``labels`` (TF1's older
    name for them, ``targets``, is accepted too); the result op is named
    ``logistic_loss``.

    Raises:
        ValueError: if both or neither of labels/targets are given, ``logits`` or
            ``pos_weight`` is missing, or labels and logits have different shapes.
        TypeError: for non-floating logits.
    """
    if labels is not None and targets is not None:
        raise ValueError("Cannot specify both 'labels' and 'targets'.")
    labels = targets if labels is None else labels
    if labels is None or logits is None or pos_weight is None:
        raise ValueError("weighted_cross_entropy_with_logits needs labels (or targets), "
                         "logits and pos_weight.")
    with name_scope(name, "logistic_loss", [logits, labels]) as scope:
        x = conversion.convert_to_tensor(logits, name="logits")
        if not x.dtype.is_floating:
            raise TypeError(f"logits must be a floating-point tensor, got {x.dtype.name}.")
        z = conversion.convert_to_tensor(labels, dtype=x.dtype, name="labels")
        if z.dtype is not x.dtype:
            raise TypeError(f"labels dtype {z.dtype.name} does not match logits dtype "
                            f"{x.dtype.name}.")
        if not z.shape.is_compatible_with(x.shape):
            raise ValueError(f"logits and labels must have the same shape ({x.shape} vs "
                             f"{z.shape})")
        q = conversion.convert_to_tensor(pos_weight, dtype=x.dtype, name="pos_weight")
        log_weight = math_ops.add(1.0, math_ops.multiply(math_ops.subtract(q, 1.0), z))
        softplus_neg = math_ops.add(
            unary_ops.log1p(unary_ops.exp(unary_ops.negative(unary_ops.abs(x)))),
            relu(unary_ops.negative(x)))
        return math_ops.add(math_ops.multiply(math_ops.subtract(1.0, z), x),
                            math_ops.multiply(log_weight, softplus_neg), name=scope)
