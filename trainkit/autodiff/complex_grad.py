"""Gradients of the complex-number ops, in TF's convention (the gradient of a complex
value ``z`` is ``dL/dRe z + i dL/dIm z``)."""

from __future__ import annotations

from trainkit.autodiff.broadcast import reduce_to_shape
from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, complex_ops
from trainkit.ops.math_extras import divide_no_nan


@registry.register_gradient("Complex")
def _complex_grad(op: Operation, grad: Tensor) -> list:
    re, im = op.inputs
    return [reduce_to_shape(complex_ops.real(grad), re),
            reduce_to_shape(complex_ops.imag(grad), im)]


@registry.register_gradient("Real")
def _real_grad(op: Operation, grad: Tensor) -> list:
    return [complex_ops.complex(grad, array_ops.zeros_like(grad))]


@registry.register_gradient("Imag")
def _imag_grad(op: Operation, grad: Tensor) -> list:
    return [complex_ops.complex(array_ops.zeros_like(grad), grad)]


@registry.register_gradient("Conj")
def _conj_grad(op: Operation, grad: Tensor) -> list:
    return [complex_ops.conj(grad)]


@registry.register_gradient("ComplexAbs")
def _complex_abs_grad(op: Operation, grad: Tensor) -> list:
    """``grad * z / |z|`` (zero where ``z`` is zero, as TF's ``div_no_nan``)."""
    z, mod = op.inputs[0], op.outputs[0]
    return [complex_ops.complex(divide_no_nan(grad * complex_ops.real(z), mod),
                                divide_no_nan(grad * complex_ops.imag(z), mod))]


@registry.register_gradient("Angle")
def _angle_grad(op: Operation, grad: Tensor) -> list:
    """``-grad / (Im z + i Re z)``: ``d angle = (x dy - y dx) / |z|^2`` in TF's convention."""
    z = op.inputs[0]
    turned = complex_ops.complex(complex_ops.imag(z), complex_ops.real(z))
    return [-complex_ops.complex(grad, array_ops.zeros_like(grad)) / turned]
