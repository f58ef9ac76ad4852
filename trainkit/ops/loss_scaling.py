"""Loss scaling for data-parallel training as TF defines it (``tf.nn``):
``compute_average_loss`` divides a per-example loss's sum by the global batch size, and
``scale_regularization_loss`` sums a regularization loss over the replicas' share. Without
a distribution strategy there is one replica (``trainkit.distributed`` averages the
gradients across ranks instead).

Example:
    >>> tk.nn.compute_average_loss(per_example, global_batch_size=64)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops


def compute_average_loss(per_example_loss: Any, sample_weight: Any = None,
                         global_batch_size: Any = None) -> Tensor:
    """``sum(per_example_loss * sample_weight) / global_batch_size`` (the batch size:
    the first dimension, when not given).

    Raises:
        ValueError: for a scalar ``per_example_loss``.
    """
    with name_scope(None, "compute_average_loss", [per_example_loss]):
        loss = conversion.convert_to_tensor(per_example_loss)
        if loss.shape.ndims == 0:
            raise ValueError(
                "Invalid value passed for `per_example_loss`. Expected a tensor with at "
                f"least rank 1. Received per_example_loss={loss} with rank 0")
        if sample_weight is not None:
            w = conversion.convert_to_tensor(sample_weight)
            loss = loss * math_ops.cast(w, loss.dtype)
        total = math_ops.reduce_sum(loss)
        if global_batch_size is None:
            global_batch_size = array_ops.shape(loss)[0]
        n = conversion.convert_to_tensor(global_batch_size)
        if total.dtype.is_floating:
            n = math_ops.cast(n, total.dtype)
        return math_ops.truediv(total, n)


def scale_regularization_loss(regularization_loss: Any) -> Tensor:
    """The sum of ``regularization_loss`` divided by the number of replicas (one)."""
    with name_scope(None, "scale_regularization_loss", [regularization_loss]):
        return math_ops.reduce_sum(conversion.convert_to_tensor(regularization_loss))


__all__ = ["compute_average_loss", "scale_regularization_loss"]
