"""Gradients of the Fourier transforms: each is the transform's adjoint (``FFTAdjoint``,
see trainkit/ops/fft_adjoint.py), whose own gradient is the forward transform again, so
second derivatives work too."""

from __future__ import annotations

from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, fft_ops
from trainkit.ops.fft_adjoint import fft_adjoint


def _complex_grad(op: Operation, grad: Tensor) -> list:
    x = op.inputs[0]
    shape = array_ops.shape(x)
    return [fft_adjoint(op.type, grad, shape, shape, x.dtype, x.shape)]


def _real_grad(op: Operation, grad: Tensor) -> list:
    x, lengths = op.inputs
    return [fft_adjoint(op.type, grad, array_ops.shape(x), lengths, x.dtype, x.shape), None]


for _t in fft_ops.COMPLEX_OPS:
    registry.register_gradient(_t)(_complex_grad)
for _t in (*fft_ops.REAL_TO_COMPLEX, *fft_ops.COMPLEX_TO_REAL):
    registry.register_gradient(_t)(_real_grad)


@registry.register_gradient("FFTAdjoint")
def _fft_adjoint_grad(op: Operation, grad: Tensor) -> list:
    forward = op.get_attr("forward")
    if forward in fft_ops.COMPLEX_OPS:
        return [fft_ops.complex_fft(forward, grad), None, None]
    return [fft_ops.real_fft(forward, grad, op.inputs[2]), None, None]
