"""Linear least squares, ``matrix_solve_ls`` / ``tf.linalg.lstsq``, as TF does it.

``fast=True`` (the default) solves the regularised normal equations through a Cholesky
factor, built from graph ops so it differentiates like any composite:
``X = (A^H A + l2 I)^-1 A^H B`` when ``m >= n`` and ``X = A^H (A A^H + l2 I)^-1 B``
otherwise. ``fast=False`` is the ``MatrixSolveLs`` op: the minimum-norm least-squares
solution (robust to rank deficiency, ``l2_regularizer`` ignored), with no gradient.

Example:
    >>> x = tk.matrix_solve_ls(a, b)                      # argmin ||a x - b||
    >>> x = tk.linalg.lstsq(a, b, l2_regularizer=0.1)     # ridge regression
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape, broadcast_static
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, cast_ops, comparison_ops, control_flow_ops, math_ops
from trainkit.ops.linalg_factor_ops import (
    checked_input,
    cholesky,
    cholesky_solve,
    matrix_dims,
    tf_shape,
    working_precision,
)
from trainkit.ops.linalg_ops import matrix_diag, matrix_diag_part
from trainkit.ops.op_util import make_op


def _regularized_cholesky(a: Tensor, l2: Tensor, first_kind: bool) -> Tensor:
    """The Cholesky factor of ``A^H A + l2 I`` (first kind) or ``A A^H + l2 I``."""
    gram = math_ops.matmul(a, a, adjoint_a=first_kind, adjoint_b=not first_kind)
    eye = matrix_diag(array_ops.ones_like(matrix_diag_part(gram)))
    return cholesky(gram + cast_ops.cast(l2, a.dtype) * eye)


def _overdetermined(a: Tensor, b: Tensor, l2: Tensor) -> Tensor:
    chol = _regularized_cholesky(a, l2, True)
    return cholesky_solve(chol, math_ops.matmul(a, b, adjoint_a=True))


def _underdetermined(a: Tensor, b: Tensor, l2: Tensor) -> Tensor:
    chol = _regularized_cholesky(a, l2, False)
    return math_ops.matmul(a, cholesky_solve(chol, b), adjoint_a=True)


def matrix_solve_ls(matrix: Any, rhs: Any, l2_regularizer: Any = 0.0, fast: bool = True,
                    name: str | None = None) -> Tensor:
    """The least-squares solutions ``X`` ``[..., n, k]`` of ``matrix @ X = rhs``.

    Args:
        matrix: ``[..., m, n]``, float or complex.
        rhs: ``[..., m, k]``.
        l2_regularizer: a scalar ``lambda >= 0`` adding ``lambda ||X||^2`` (fast path).
        fast: solve the normal equations with Cholesky (differentiable); False uses the
            minimum-norm solution of the ``MatrixSolveLs`` op (no gradient).
        name: the name scope.

    Raises:
        ValueError: static shapes of rank below 2 or mismatched rows.
        InvalidArgumentError: at run time (fast path), a rank-deficient or ill-conditioned
            ``matrix`` (its Gramian is not positive definite; TF 1.15's Cholesky error,
            where TF 2.x returns NaNs).

    Example:
        >>> tk.matrix_solve_ls([[1., 0.], [0., 1.], [1., 1.]], [[1.], [1.], [3.]])
    """
    with name_scope(name, "matrix_solve_ls", [matrix, rhs, l2_regularizer]):
        a = checked_input("MatrixSolveLs", matrix, "MatrixSolveLs", "matrix")
        b = conversion.convert_to_tensor(rhs, name="rhs", dtype=a.dtype)
        l2 = conversion.convert_to_tensor(l2_regularizer, dtype=_dt.float64,
                                          name="l2_regularizer")
        if not fast:
            if l2.shape.ndims not in (None, 0):
                raise ValueError(f"matrix_solve_ls: l2_regularizer must be a scalar, got "
                                 f"shape {l2.shape}.")
            return make_op("MatrixSolveLs", [a, b, l2], [a.dtype],
                           attrs={"fast": False}).outputs[0]
        _check_rows(a, b)
        m, n = (a.shape.as_list()[-2:] if a.shape.ndims is not None else (None, None))
        if m is not None and n is not None:
            return _overdetermined(a, b, l2) if m >= n else _underdetermined(a, b, l2)
        dims = array_ops.shape(a)
        taller = comparison_ops.greater_equal(dims[-2], dims[-1])
        return control_flow_ops.cond(taller, lambda: _overdetermined(a, b, l2),
                                     lambda: _underdetermined(a, b, l2))


def _check_rows(a: Tensor, b: Tensor) -> None:
    for t in (a, b):
        if t.shape.ndims is not None and t.shape.ndims < 2:
            raise ValueError(f"matrix_solve_ls: Shape must be at least rank 2 but is rank "
                             f"{t.shape.ndims} for {t.name} with shape {t.shape}.")
    if a.shape.ndims is not None and b.shape.ndims is not None:
        m, rows = a.shape.as_list()[-2], b.shape.as_list()[-2]
        if m is not None and rows is not None and m != rows:
            raise ValueError(f"matrix_solve_ls: Dimensions must be equal, but are {m} and "
                             f"{rows}: matrix shape {a.shape}, rhs shape {b.shape}.")


@registry.register_shape("MatrixSolveLs")
def _solve_ls_shape(op: Operation) -> list[TensorShape]:
    a_dims = matrix_dims(op, op.inputs[0], square=False)
    b_dims = matrix_dims(op, op.inputs[1], square=False)
    if a_dims is None or b_dims is None:
        return [TensorShape(None)]
    m, rows = a_dims[-2], b_dims[-2]
    if m is not None and rows is not None and m != rows:
        raise ValueError(f"Dimensions must be equal, but are {m} and {rows} for '{op.name}' "
                         f"(op: '{op.type}') with input shapes: {tf_shape(op.inputs[0])}, "
                         f"{tf_shape(op.inputs[1])}.")
    batch = broadcast_static(TensorShape(a_dims[:-2]), TensorShape(b_dims[:-2]))
    return [batch.concatenate([a_dims[-1], b_dims[-1]])]


@registry.register_kernel("MatrixSolveLs")
def _solve_ls_kernel(ctx: registry.KernelContext, a: np.ndarray, b: np.ndarray,
                     l2: Any) -> np.ndarray:
    a32, b32 = working_precision(a), working_precision(b)
    m, n = a.shape[-2:]
    if m == 0 or n == 0:
        return np.zeros((*np.broadcast_shapes(a.shape[:-2], b.shape[:-2]), n, b.shape[-1]),
                        b.dtype)
    # the minimum-norm solution, as LAPACK's gelsd would give it, batched via pinv
    rcond = np.finfo(a32.real.dtype).eps * max(m, n)
    return np.matmul(np.linalg.pinv(a32, rcond=rcond), b32).astype(b.dtype)


__all__ = ["matrix_solve_ls"]
