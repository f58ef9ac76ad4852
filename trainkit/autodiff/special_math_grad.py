"""Gradients of ``special_math_ops``: the trig, hyperbolic and error functions and
``atan2`` (d/dy = x / (x² + y²), d/dx = -y / (x² + y²))."""

from __future__ import annotations

import math

from trainkit.autodiff.broadcast import reduce_to_shape
from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import math_ops as m
from trainkit.ops import special_math_ops as s


def _one_minus_sq(x: Tensor) -> Tensor:
    return m.subtract(1.0, m.square(x))


@registry.register_gradient("Tan")
def _tan_grad(op: Operation, grad: Tensor) -> list:
    return [m.multiply(grad, m.add(1.0, m.square(op.outputs[0])))]


@registry.register_gradient("Asin")
def _asin_grad(op: Operation, grad: Tensor) -> list:
    return [m.multiply(grad, m.rsqrt(_one_minus_sq(op.inputs[0])))]


@registry.register_gradient("Acos")
def _acos_grad(op: Operation, grad: Tensor) -> list:
    return [m.negative(m.multiply(grad, m.rsqrt(_one_minus_sq(op.inputs[0]))))]


@registry.register_gradient("Atan")
def _atan_grad(op: Operation, grad: Tensor) -> list:
    return [m.realdiv(grad, m.add(1.0, m.square(op.inputs[0])))]


@registry.register_gradient("Sinh")
def _sinh_grad(op: Operation, grad: Tensor) -> list:
    return [m.multiply(grad, s.cosh(op.inputs[0]))]


@registry.register_gradient("Cosh")
def _cosh_grad(op: Operation, grad: Tensor) -> list:
    return [m.multiply(grad, s.sinh(op.inputs[0]))]


@registry.register_gradient("Asinh")
def _asinh_grad(op: Operation, grad: Tensor) -> list:
    return [m.realdiv(grad, s.cosh(op.outputs[0]))]


@registry.register_gradient("Acosh")
def _acosh_grad(op: Operation, grad: Tensor) -> list:
    return [m.realdiv(grad, s.sinh(op.outputs[0]))]


@registry.register_gradient("Atanh")
def _atanh_grad(op: Operation, grad: Tensor) -> list:
    return [m.realdiv(grad, _one_minus_sq(op.inputs[0]))]


@registry.register_gradient("Expm1")
def _expm1_grad(op: Operation, grad: Tensor) -> list:
    return [m.multiply(grad, m.exp(op.inputs[0]))]


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


@registry.register_gradient("Erf")
def _erf_grad(op: Operation, grad: Tensor) -> list:
    x = op.inputs[0]
    return [m.multiply(grad, m.multiply(_TWO_OVER_SQRT_PI, m.exp(m.negative(m.square(x)))))]


@registry.register_gradient("Erfc")
def _erfc_grad(op: Operation, grad: Tensor) -> list:
    x = op.inputs[0]
    return [m.multiply(grad, m.multiply(-_TWO_OVER_SQRT_PI, m.exp(m.negative(m.square(x)))))]


@registry.register_gradient("Atan2")
def _atan2_grad(op: Operation, grad: Tensor) -> list:
    y, x = op.inputs
    scale = m.realdiv(grad, m.add(m.square(x), m.square(y)))
    return [reduce_to_shape(m.multiply(x, scale), y),
            reduce_to_shape(m.negative(m.multiply(y, scale)), x)]
