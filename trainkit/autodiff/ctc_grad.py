"""The gradient of ``CTCLoss``: the op's second output (the loss's gradient with respect
to the logits) scaled per batch entry by the upstream gradient, as TF1's ``_CTCLossGrad``
does. Like TF1, asking for a second derivative through it is refused."""

from __future__ import annotations

import numpy as np

from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, math_ops


def _filled_zero(t: Tensor | None) -> bool:
    """True for no gradient or the zeros the gradient walker fills in for an unused
    output."""
    if t is None or t.op.type == "ZerosLike":
        return True
    return t.op.type == "Const" and not np.any(t.op.attrs["value"])


@registry.register_gradient("CTCLoss")
def _ctc_loss_grad(op: Operation, grad_loss: Tensor, grad_of_grad: Tensor) -> list:
    if not _filled_zero(grad_of_grad):
        raise LookupError(
            "Gradient explicitly disabled. Reason: Currently there is no way to take the "
            "second  derivative of ctc_loss due to the fused implementation's interaction "
            " with tf.gradients()")
    scale = array_ops.expand_dims(grad_loss, -1)  # [batch, 1] against [time, batch, classes]
    return [math_ops.multiply(scale, op.outputs[1]), None, None, None]
