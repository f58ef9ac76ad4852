"""Gradients of ``FractionalMaxPool`` / ``FractionalAvgPool``: TF's gradient ops fed with
the op's own pooling sequences (``ops/fractional_pool_ops.py``); the sequences get no
gradient. The gradient ops have none themselves, as in TF."""

from __future__ import annotations

from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, fractional_pool_ops


@registry.register_gradient("FractionalMaxPool")
def _fractional_max_pool_grad(op: Operation, grad: Tensor, *unused: Tensor) -> list:
    return [fractional_pool_ops.fractional_max_pool_grad(
        op.inputs[0], op.outputs[0], grad, op.outputs[1], op.outputs[2],
        op.get_attr("overlapping"))]


@registry.register_gradient("FractionalAvgPool")
def _fractional_avg_pool_grad(op: Operation, grad: Tensor, *unused: Tensor) -> list:
    return [fractional_pool_ops.fractional_avg_pool_grad(
        array_ops.shape(op.inputs[0], out_type=_dt.int64), grad, op.outputs[1], op.outputs[2],
        op.get_attr("overlapping"))]
