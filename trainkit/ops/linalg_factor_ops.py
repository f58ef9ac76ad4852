"""Triangular factorisations and what is built on them: ``Cholesky``,
``MatrixTriangularSolve`` and ``LogMatrixDeterminant`` (NumPy kernels over batches
``[..., m, n]`` with TF's static shapes), plus the composites ``cholesky_solve`` and
``logdet``. Gradients are in ``autodiff/linalg_decomp_grad.py``.

Example:
    >>> chol = tk.cholesky([[4., 2.], [2., 5.]])             # [[2, 0], [1, 2]]
    >>> x = tk.cholesky_solve(chol, [[1.], [2.]])            # A^-1 b
    >>> sign, logabs = tk.linalg.slogdet([[1., 2.], [2., 1.]])  # -1, log 3
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape, broadcast_static
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import complex_ops, math_ops
from trainkit.ops.elementwise import FLOAT_OR_COMPLEX, check_dtype
from trainkit.ops.linalg_ops import matrix_diag_part
from trainkit.ops.op_util import make_op

_CHOLESKY_FAILED = "Cholesky decomposition was not successful. The input might not be valid."


def matrix_dims(op: Operation, t: Tensor, square: bool = True) -> list | None:
    """The static dims of a ``[..., m, n]`` input of ``op`` (None: unknown rank).

    Raises:
        ValueError: rank below 2, or (``square``) two known, different inner dims; worded
            as TF's shape inference.
    """
    if t.shape.ndims is None:
        return None
    dims = t.shape.as_list()
    if len(dims) < 2:
        raise ValueError(f"Shape must be at least rank 2 but is rank {len(dims)} for "
                         f"'{op.name}' (op: '{op.type}') with input shapes: {tf_shape(t)}.")
    m, n = dims[-2:]
    if square and m is not None and n is not None and m != n:
        raise ValueError(f"Dimensions must be equal, but are {m} and {n} for '{op.name}' "
                         f"(op: '{op.type}') with input shapes: {tf_shape(t)}.")
    if square:
        dims[-2:] = [m if m is not None else n] * 2
    return dims


def tf_shape(t: Tensor) -> str:
    """A static shape as TF's shape-inference errors print it: ``[2,?,3]``."""
    if t.shape.ndims is None:
        return "?"
    return "[" + ",".join("?" if d is None else str(d) for d in t.shape.as_list()) + "]"


def checked_input(op_type: str, x: Any, name: str, arg: str = "input",
                  dtype: Any = None) -> Tensor:
    """``x`` as a tensor of a float or complex dtype (TypeError in TF's words if not)."""
    t = conversion.convert_to_tensor(x, name=arg, dtype=dtype)
    check_dtype(op_type, name, arg, t, FLOAT_OR_COMPLEX)
    return t


def cholesky(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The lower-triangular ``L`` with ``L @ L^H = input`` for each matrix ``[..., n, n]``;
    only the lower triangle of ``input`` is read.

    Raises:
        ValueError: rank below 2 or a non-square matrix (static shapes).
        TypeError: a dtype other than float16/32/64 or complex64/128.
        InvalidArgumentError: at run time, when a matrix is not positive definite or not
            square.

    Differs from TF: follows TF 1.15, which raises for a matrix that is not positive
    definite, where TF 2.x fills the lower triangle with NaNs; float16 runs (in float32)
    where TF 2.21 has no CPU kernel.

    Example:
        >>> tk.cholesky([[4., 2.], [2., 5.]])   # [[2., 0.], [1., 2.]]
    """
    name = name or "Cholesky"
    x = checked_input("Cholesky", input, name)
    return make_op("Cholesky", [x], [x.dtype], name=name).outputs[0]


def matrix_triangular_solve(matrix: Any, rhs: Any, lower: bool = True, adjoint: bool = False,
                            name: str | None = None) -> Tensor:
    """``X`` with ``T @ X = rhs`` (``T^H @ X = rhs`` when ``adjoint``), ``T`` the lower
    (``lower``) or upper triangle of ``matrix``; the batch dims broadcast.

    Raises:
        ValueError: static shapes of the wrong rank or with mismatched rows.
        InvalidArgumentError: at run time, a zero on the diagonal ("Input matrix is not
            invertible.").

    Differs from TF: TF 1.15's error for a zero pivot is kept (TF 2.x returns infs).

    Example:
        >>> tk.matrix_triangular_solve([[2., 0.], [1., 1.]], [[2.], [3.]])   # [[1.], [2.]]
    """
    with name_scope(name, "triangular_solve", [matrix, rhs]):
        return _triangular_solve_op(matrix, rhs, lower, adjoint)


def _triangular_solve_op(matrix: Any, rhs: Any, lower: bool, adjoint: bool) -> Tensor:
    a = checked_input("MatrixTriangularSolve", matrix, "MatrixTriangularSolve", "matrix")
    b = conversion.convert_to_tensor(rhs, name="rhs", dtype=a.dtype)
    return make_op("MatrixTriangularSolve", [a, b], [a.dtype],
                   attrs={"lower": bool(lower), "adjoint": bool(adjoint)}).outputs[0]


def cholesky_solve(chol: Any, rhs: Any, name: str | None = None) -> Tensor:
    """``X`` with ``A @ X = rhs`` given ``chol = cholesky(A)``: two triangular solves.

    Example:
        >>> tk.cholesky_solve(tk.cholesky(a), b)   # ~ tk.matrix_solve(a, b)
    """
    with name_scope(name, "cholesky_solve", [chol, rhs]):
        y = _triangular_solve_op(chol, rhs, lower=True, adjoint=False)
        return _triangular_solve_op(chol, y, lower=True, adjoint=True)


def slogdet(input: Any, name: str | None = None) -> tuple[Tensor, Tensor]:  # noqa: A002
    """``(sign, log_abs_determinant)`` of each square matrix ``[..., n, n]`` -> ``[...]``
    (a singular matrix gives sign 0 and ``-inf``).

    Example:
        >>> sign, logabs = tk.linalg.slogdet([[1., 2.], [2., 1.]])   # -1., log(3.)
    """
    name = name or "LogMatrixDeterminant"
    x = checked_input("LogMatrixDeterminant", input, name)
    op = make_op("LogMatrixDeterminant", [x], [x.dtype, x.dtype], name=name)
    return op.outputs[0], op.outputs[1]


def logdet(matrix: Any, name: str | None = None) -> Tensor:
    """``log(det(matrix))`` of Hermitian positive-definite matrices, as twice the sum of
    the logs of the Cholesky factor's diagonal.

    Raises:
        InvalidArgumentError: at run time, for a matrix that is not positive definite
            (TF 1.15's Cholesky error; TF 2.x returns NaN).

    Example:
        >>> tk.linalg.logdet([[2., 1.], [1., 3.]])   # log(5.)
    """
    with name_scope(name, "logdet", [matrix]):
        chol = cholesky(matrix)
        diag = complex_ops.real(matrix_diag_part(chol))
        return 2.0 * math_ops.reduce_sum(math_ops.log(diag), axis=[-1])


# -- shape functions ----------------------------------------------------------------------
@registry.register_shape("Cholesky")
def _cholesky_shape(op: Operation) -> list[TensorShape]:
    return [TensorShape(matrix_dims(op, op.inputs[0]))]


@registry.register_shape("LogMatrixDeterminant")
def _slogdet_shape(op: Operation) -> list[TensorShape]:
    dims = matrix_dims(op, op.inputs[0])
    out = TensorShape(None if dims is None else dims[:-2])
    return [out, out]


@registry.register_shape("MatrixTriangularSolve")
def _triangular_solve_shape(op: Operation) -> list[TensorShape]:
    a_dims = matrix_dims(op, op.inputs[0])
    b_dims = matrix_dims(op, op.inputs[1], square=False)
    if a_dims is None or b_dims is None:
        return [TensorShape(None)]
    m, rows = a_dims[-1], b_dims[-2]
    if m is not None and rows is not None and m != rows:
        raise ValueError(f"Dimensions must be equal, but are {m} and {rows} for '{op.name}' "
                         f"(op: '{op.type}') with input shapes: {tf_shape(op.inputs[0])}, "
                         f"{tf_shape(op.inputs[1])}.")
    batch = broadcast_static(TensorShape(a_dims[:-2]), TensorShape(b_dims[:-2]))
    return [batch.concatenate([m if m is not None else rows, b_dims[-1]])]


# -- kernels ------------------------------------------------------------------------------
def working_precision(x: np.ndarray) -> np.ndarray:
    """``x`` in a dtype LAPACK accepts (it has no half precision: float16 -> float32)."""
    return x.astype(np.float32) if x.dtype == np.float16 else x


def check_square(ctx: registry.KernelContext, x: np.ndarray, what: str = "Input") -> None:
    """Raises the op's InvalidArgumentError unless ``x`` is ``[..., n, n]``."""
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise errors.InvalidArgumentError(
            None, ctx.op, f"{what} matrix must be square, got shape {list(x.shape)}.")


@registry.register_kernel("Cholesky")
def _cholesky_kernel(ctx: registry.KernelContext, x: np.ndarray) -> np.ndarray:
    check_square(ctx, x)
    if x.shape[-1] == 0:
        return np.array(x, copy=True)
    low = np.tril(working_precision(x))
    try:
        return np.linalg.cholesky(low).astype(x.dtype)
    except np.linalg.LinAlgError:
        pass
    # Eigen's LLT does not stop at a NaN pivot: such matrices give NaNs (as in TF), any
    # other failure is the op's error.
    flat = low.reshape(-1, *low.shape[-2:])
    out = np.zeros_like(flat)
    for i, mat in enumerate(flat):
        if np.isnan(mat).any():
            out[i] = np.tril(np.full_like(mat, np.nan))
            continue
        try:
            out[i] = np.linalg.cholesky(mat)
        except np.linalg.LinAlgError:
            raise errors.InvalidArgumentError(None, ctx.op, _CHOLESKY_FAILED) from None
    return out.reshape(x.shape).astype(x.dtype)


@registry.register_kernel("MatrixTriangularSolve")
def _triangular_solve_kernel(ctx: registry.KernelContext, a: np.ndarray,
                             b: np.ndarray) -> np.ndarray:
    check_square(ctx, a)
    if b.ndim < 2 or b.shape[-2] != a.shape[-1]:
        raise errors.InvalidArgumentError(
            None, ctx.op, f"Input matrix and rhs are incompatible: shapes {list(a.shape)} "
                          f"and {list(b.shape)}.")
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    out_shape = (*batch, *b.shape[-2:])
    if a.shape[-1] == 0 or b.shape[-1] == 0:
        return np.zeros(out_shape, b.dtype)
    if (np.diagonal(a, axis1=-2, axis2=-1) == 0).any():
        raise errors.InvalidArgumentError(None, ctx.op, "Input matrix is not invertible.")
    t = np.tril(working_precision(a)) if ctx.attrs["lower"] else np.triu(working_precision(a))
    if ctx.attrs["adjoint"]:
        t = np.conj(np.swapaxes(t, -1, -2))
    t = np.broadcast_to(t, (*batch, *t.shape[-2:]))
    rhs = np.broadcast_to(working_precision(b), out_shape)
    return np.linalg.solve(t, rhs).astype(b.dtype)


@registry.register_kernel("LogMatrixDeterminant")
def _slogdet_kernel(ctx: registry.KernelContext, x: np.ndarray) -> tuple:
    check_square(ctx, x)
    sign, logabs = np.linalg.slogdet(working_precision(x))
    return np.asarray(sign, x.dtype), np.asarray(logabs, x.dtype)


__all__ = ["cholesky", "matrix_triangular_solve", "cholesky_solve", "slogdet", "logdet",
           "matrix_dims", "tf_shape", "checked_input", "check_square", "working_precision"]
