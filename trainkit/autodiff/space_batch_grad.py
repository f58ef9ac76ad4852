"""Gradients of ``SpaceToBatchND`` and ``BatchToSpaceND``: each is the other op applied to
the incoming gradient with the same block (paddings become crops and back), as in TF."""

from __future__ import annotations

from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import space_batch_ops


@registry.register_gradient("SpaceToBatchND")
def _space_to_batch_grad(op: Operation, grad: Tensor) -> list:
    return [space_batch_ops.batch_to_space_nd(grad, op.get_attr("block_shape"),
                                              op.get_attr("paddings"))]


@registry.register_gradient("BatchToSpaceND")
def _batch_to_space_grad(op: Operation, grad: Tensor) -> list:
    return [space_batch_ops.space_to_batch_nd(grad, op.get_attr("block_shape"),
                                              op.get_attr("crops"))]
