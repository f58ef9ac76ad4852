"""Gradients of ``Roll`` (roll back), ``IdentityN`` (each gradient passed back) and
``Cumprod`` (TF's rule: a reversed cumulative sum of ``prod * grad``, divided by ``x``;
NaN where ``x`` is 0, as TF)."""

from __future__ import annotations

from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_extras, math_ops


@registry.register_gradient("Roll")
def _roll_grad(op: Operation, grad: Tensor) -> list:
    shift = [-s for s in op.get_attr("shift")]
    return [array_extras.roll(grad, shift, op.get_attr("axis"))]


@registry.register_gradient("IdentityN")
def _identity_n_grad(op: Operation, *grads: Tensor) -> list:
    return list(grads)


@registry.register_gradient("Cumprod")
def _cumprod_grad(op: Operation, grad: Tensor) -> list:
    x = op.inputs[0]
    axis, exclusive, reverse = (op.get_attr(k) for k in ("axis", "exclusive", "reverse"))
    prod = op.outputs[0]
    out = math_ops.cumsum(math_ops.multiply(prod, grad), axis, exclusive=exclusive,
                          reverse=not reverse)
    return [math_ops.realdiv(out, x)]
