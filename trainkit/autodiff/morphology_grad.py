"""The gradient of ``Dilation2D``: TF's two backprop ops, which route each output's
gradient to its argmax input pixel and filter tap (``ops/morphology_ops.py``).

The backprop ops themselves have no gradient, as in TF (a second derivative raises
``LookupError``)."""

from __future__ import annotations

from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import morphology_ops


@registry.register_gradient("Dilation2D")
def _dilation2d_grad(op: Operation, grad: Tensor) -> list:
    x, f = op.inputs
    args = (op.get_attr("strides"), op.get_attr("rates"), op.get_attr("padding"))
    return [morphology_ops.dilation2d_backprop_input(x, f, grad, *args),
            morphology_ops.dilation2d_backprop_filter(x, f, grad, *args)]
