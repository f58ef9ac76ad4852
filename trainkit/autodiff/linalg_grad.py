"""Gradients of the matrix ops: the diagonal family (diagonals in, diagonals out), the
band mask, ``MatrixInverse`` (``-Y^T G Y^T``), ``MatrixDeterminant`` (``g det A^-T``),
``MatrixSolve`` (``B_g = A^-T G``, ``A_g = -B_g X^T``) and ``Cross``."""

from __future__ import annotations

from trainkit.autodiff.broadcast import reduce_to_shape
from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, linalg_ops, math_ops


@registry.register_gradient("MatrixDiag")
def _matrix_diag_grad(op: Operation, grad: Tensor) -> list:
    return [linalg_ops.matrix_diag_part(grad)]


@registry.register_gradient("MatrixDiagPart")
def _matrix_diag_part_grad(op: Operation, grad: Tensor) -> list:
    return [linalg_ops.matrix_set_diag(array_ops.zeros_like(op.inputs[0]), grad)]


@registry.register_gradient("MatrixSetDiag")
def _matrix_set_diag_grad(op: Operation, grad: Tensor) -> list:
    d = op.inputs[1]
    return [linalg_ops.matrix_set_diag(grad, array_ops.zeros_like(d)),
            linalg_ops.matrix_diag_part(grad)]


@registry.register_gradient("MatrixBandPart")
def _band_part_grad(op: Operation, grad: Tensor) -> list:
    return [linalg_ops.matrix_band_part(grad, op.inputs[1], op.inputs[2]), None, None]


@registry.register_gradient("Diag")
def _diag_grad(op: Operation, grad: Tensor) -> list:
    return [linalg_ops.diag_part(grad)]


@registry.register_gradient("DiagPart")
def _diag_part_grad(op: Operation, grad: Tensor) -> list:
    return [linalg_ops.diag(grad)]


@registry.register_gradient("MatrixInverse")
def _inverse_grad(op: Operation, grad: Tensor) -> list:
    y = op.outputs[0]
    adj = op.get_attr("adjoint")
    g = math_ops.matmul(y, math_ops.matmul(grad, y, transpose_b=True), transpose_a=True)
    g = math_ops.negative(g)
    return [array_ops.transpose(g, _swap(g)) if adj else g]


def _swap(t: Tensor) -> list[int]:
    r = t.shape.ndims
    return [*range(r - 2), r - 1, r - 2]


@registry.register_gradient("MatrixDeterminant")
def _det_grad(op: Operation, grad: Tensor) -> list:
    a = op.inputs[0]
    scale = array_ops.expand_dims(array_ops.expand_dims(grad * op.outputs[0], -1), -1)
    return [scale * linalg_ops.matrix_inverse(a, adjoint=True)]


@registry.register_gradient("MatrixSolve")
def _solve_grad(op: Operation, grad: Tensor) -> list:
    a = op.inputs[0]
    adj = op.get_attr("adjoint")
    x = op.outputs[0]
    grad_b = linalg_ops.matrix_solve(a, grad, adjoint=not adj)
    if adj:
        grad_a = math_ops.negative(math_ops.matmul(x, grad_b, transpose_b=True))
    else:
        grad_a = math_ops.negative(math_ops.matmul(grad_b, x, transpose_b=True))
    return [reduce_to_shape(grad_a, a), grad_b]


@registry.register_gradient("Cross")
def _cross_grad(op: Operation, grad: Tensor) -> list:
    a, b = op.inputs
    return [linalg_ops.cross(b, grad), linalg_ops.cross(grad, a)]
