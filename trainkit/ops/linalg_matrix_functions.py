"""Matrix functions: ``expm`` (the ``MatrixExponential`` op: Pade-13 with scaling and
squaring, Higham 2005) and ``sqrtm`` / ``matrix_square_root`` (``MatrixSquareRoot``: the
principal square root). NumPy kernels over ``[..., n, n]``; gradients are in
``autodiff/linalg_decomp_grad.py``.

Example:
    >>> tk.linalg.expm([[0., 1.], [0., 0.]])        # [[1., 1.], [0., 1.]]
    >>> tk.linalg.sqrtm([[4., 1.], [0., 9.]])       # [[2., .2], [0., 3.]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.linalg_factor_ops import check_square, checked_input, matrix_dims
from trainkit.ops.op_util import make_op

# Higham (2005), Table 2.3 / eq. 2.4: the degree-13 Pade coefficients and its theta.
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
           129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
           40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def expm(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The matrix exponential of each square matrix ``[..., n, n]``.

    Raises:
        ValueError: rank below 2 or a non-square matrix (static shapes).

    Example:
        >>> tk.linalg.expm([[0., 1.], [0., 0.]])   # [[1., 1.], [0., 1.]]
    """
    name = name or "MatrixExponential"
    x = checked_input("MatrixExponential", input, name)
    return make_op("MatrixExponential", [x], [x.dtype], name=name).outputs[0]


def sqrtm(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The principal square root ``R`` (``R @ R = input``) of each square matrix; a real
    matrix with a negative real eigenvalue has none and gives NaNs, as in TF.

    Raises:
        ValueError: rank below 2 or a non-square matrix (static shapes).

    Example:
        >>> tk.matrix_square_root([[4., 1.], [0., 9.]])   # [[2., 0.2], [0., 3.]]
    """
    name = name or "MatrixSquareRoot"
    x = checked_input("MatrixSquareRoot", input, name)
    return make_op("MatrixSquareRoot", [x], [x.dtype], name=name).outputs[0]


def _square_shape(op: Operation) -> list[TensorShape]:
    return [TensorShape(matrix_dims(op, op.inputs[0]))]


registry.register_shape("MatrixExponential")(_square_shape)
registry.register_shape("MatrixSquareRoot")(_square_shape)


def _wide(x: np.ndarray) -> np.ndarray:
    """float16/32 are computed in float64 (complex64 in complex128)."""
    return x.astype(np.complex128 if np.iscomplexobj(x) else np.float64)


@registry.register_kernel("MatrixExponential")
def _expm_kernel(ctx: registry.KernelContext, x: np.ndarray) -> np.ndarray:
    check_square(ctx, x)
    n = x.shape[-1]
    if n == 0:
        return np.array(x, copy=True)
    a = _wide(x).reshape(-1, n, n)
    norm1 = np.abs(a).sum(axis=-2).max(axis=-1)
    with np.errstate(divide="ignore"):
        squarings = np.maximum(0, np.ceil(np.log2(norm1 / _THETA13))).astype(int)
    a = a / (2.0 ** squarings)[:, None, None]
    b = _PADE13
    eye = np.eye(n)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2)
             + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = (a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2)
         + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye)
    r = np.linalg.solve(v - u, v + u)
    for k in range(int(squarings.max(initial=0))):
        more = squarings > k
        r[more] = r[more] @ r[more]
    return r.reshape(x.shape).astype(x.dtype)


def _principal_sqrt(a: np.ndarray, real: bool) -> np.ndarray:
    """One matrix's principal square root: by eigendecomposition, or by the
    Denman-Beavers iteration when the eigenvectors are (nearly) dependent."""
    w, v = np.linalg.eig(a)
    if real and np.any((w.imag == 0) & (w.real < 0)):
        return np.full(a.shape, np.nan)
    if np.linalg.cond(v) < 1e8:
        r = (v * np.sqrt(w.astype(complex))) @ np.linalg.inv(v)
        return r.real if real else r
    y, z = a.astype(complex), np.eye(a.shape[-1], dtype=complex)
    for _ in range(100):
        y, z = 0.5 * (y + np.linalg.inv(z)), 0.5 * (z + np.linalg.inv(y))
        if np.allclose(y @ y, a, rtol=1e-14, atol=1e-14 * np.abs(a).max()):
            break
    return y.real if real else y


@registry.register_kernel("MatrixSquareRoot")
def _sqrtm_kernel(ctx: registry.KernelContext, x: np.ndarray) -> np.ndarray:
    check_square(ctx, x)
    n = x.shape[-1]
    if n == 0:
        return np.array(x, copy=True)
    flat = _wide(x).reshape(-1, n, n)
    real = not np.iscomplexobj(x)
    out = np.stack([_principal_sqrt(m, real) for m in flat])
    return out.reshape(x.shape).astype(x.dtype)


__all__ = ["expm", "sqrtm"]
