"""Gradients of the matrix decompositions, TF's formulas:

- ``Cholesky`` (Murray 2016, as TF writes it): with ``P = L^H G``, its diagonal halved
  and its strict upper triangle dropped, ``A_g = sym(L^-H P L^-1)``;
- ``MatrixTriangularSolve``: ``B_g = T^-H G`` and ``A_g = -B_g X^H`` kept on the solved
  triangle, both summed over broadcast batch dims;
- ``LogMatrixDeterminant``: ``g A^-H`` (the sign carries no gradient);
- ``SelfAdjointEigV2``: ``V (diag(e_g) + F * (V^H V_g)) V^H`` with
  ``F_ij = 1 / (e_j - e_i)`` (TF 2's safe reciprocal), symmetrised onto the lower
  triangle the forward op reads;
- ``Svd``: Giles (2008) / Townsend's thin-SVD derivation as in TF, with TF's
  restrictions (static inner dims; ``full_matrices`` only when ``|m - n| <= 1``);
- ``TridiagonalSolve``: ``B_g`` solves the transposed system, ``diags_g`` the three
  diagonals of ``-B_g X^T``;
- ``MatrixExponential``: the adjoint Frechet derivative, the upper-right block of
  ``expm([[A^H, G], [0, A^H]])`` (TF differentiates its Pade composite instead);
- ``MatrixSquareRoot``: TF's Sylvester solve ``(I (x) R^T + R (x) I) vec = vec(G^T)``;
- ``MatrixSolveLs`` (``fast=False`` only; the fast path is a composite): none, as TF.
"""

from __future__ import annotations

from trainkit.autodiff.broadcast import reduce_to_shape
from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, cast_ops, math_ops, shape_ops
from trainkit.ops.array_extras import matrix_transpose
from trainkit.ops.linalg_factor_ops import matrix_triangular_solve
from trainkit.ops.linalg_matrix_functions import expm
from trainkit.ops.linalg_ops import (
    matrix_band_part,
    matrix_diag,
    matrix_diag_part,
    matrix_inverse,
    matrix_set_diag,
    matrix_solve,
)
from trainkit.ops.linalg_spectral_ops import eigh, svd
from trainkit.ops.linalg_tridiagonal_ops import (
    compact_diagonals,
    pad_last,
    tridiagonal_solve_compact,
)


def _adjoint(t: Tensor) -> Tensor:
    return matrix_transpose(t, conjugate=True)


def _identity_like(square: Tensor) -> Tensor:
    """The identity of ``square``'s shape ``[..., n, n]`` (works for dynamic shapes)."""
    return matrix_diag(array_ops.ones_like(matrix_diag_part(square)))


@registry.register_gradient("Cholesky")
def _cholesky_grad(op: Operation, grad: Tensor) -> list:
    chol = op.outputs[0]
    chol_inv = matrix_triangular_solve(chol, _identity_like(chol))
    middle = math_ops.matmul(chol, grad, adjoint_a=True)
    middle = matrix_set_diag(middle, 0.5 * matrix_diag_part(middle))
    middle = matrix_band_part(middle, -1, 0)
    grad_a = math_ops.matmul(math_ops.matmul(chol_inv, middle, adjoint_a=True), chol_inv)
    return [0.5 * (grad_a + _adjoint(grad_a))]


@registry.register_gradient("MatrixTriangularSolve")
def _triangular_solve_grad(op: Operation, grad: Tensor) -> list:
    a, b = op.inputs
    x = op.outputs[0]
    adj, lower = op.get_attr("adjoint"), op.get_attr("lower")
    grad_b = matrix_triangular_solve(a, grad, lower=lower, adjoint=not adj)
    if adj:
        grad_a = -math_ops.matmul(x, grad_b, adjoint_b=True)
    else:
        grad_a = -math_ops.matmul(grad_b, x, adjoint_b=True)
    grad_a = matrix_band_part(grad_a, -1, 0) if lower else matrix_band_part(grad_a, 0, -1)
    return [reduce_to_shape(grad_a, a), reduce_to_shape(grad_b, b)]


@registry.register_gradient("LogMatrixDeterminant")
def _slogdet_grad(op: Operation, grad_sign: Tensor, grad_logabs: Tensor) -> list:
    a = op.inputs[0]
    scale = shape_ops.expand_dims(shape_ops.expand_dims(grad_logabs, -1), -1)
    return [scale * matrix_inverse(a, adjoint=True)]


def _safe_reciprocal(x: Tensor, epsilon: float = 1e-20) -> Tensor:
    """``1 / x`` broadened (``x / (x^2 + eps)``) so equal values give 0, not inf."""
    return x * math_ops.reciprocal(x * x + epsilon)


def _pairwise_inverse_gaps(values: Tensor) -> Tensor:
    """``F_ij = 1 / (values_j - values_i)`` off the diagonal, 0 on it."""
    gaps = shape_ops.expand_dims(values, -2) - shape_ops.expand_dims(values, -1)
    return matrix_set_diag(_safe_reciprocal(gaps), array_ops.zeros_like(values))


@registry.register_gradient("SelfAdjointEigV2")
def _eig_grad(op: Operation, grad_e: Tensor, grad_v: Tensor) -> list:
    e = op.outputs[0]
    if grad_e is None:
        grad_e = array_ops.zeros_like(e)
    if op.get_attr("compute_v"):
        v = op.outputs[1]
        inner = matrix_diag(grad_e)
        if grad_v is not None:
            f = _pairwise_inverse_gaps(e)
            inner = inner + f * math_ops.matmul(v, grad_v, adjoint_a=True)
    else:
        _, v = eigh(op.inputs[0])
        inner = matrix_diag(grad_e)
    grad_a = math_ops.matmul(v, math_ops.matmul(inner, v, adjoint_b=True))
    # the forward op reads only the lower triangle
    grad_a = matrix_band_part(grad_a + _adjoint(grad_a), -1, 0)
    return [matrix_set_diag(grad_a, 0.5 * matrix_diag_part(grad_a))]


@registry.register_gradient("Svd")
def _svd_grad(op: Operation, grad_s: Tensor, grad_u: Tensor, grad_v: Tensor) -> list:
    a = op.inputs[0]
    s_out = op.outputs[0]
    grad_s = array_ops.zeros_like(s_out) if grad_s is None else cast_ops.cast(grad_s, a.dtype)
    if not op.get_attr("compute_uv"):
        _, u, v = svd(a, compute_uv=True)
        return [math_ops.matmul(u, math_ops.matmul(matrix_diag(grad_s), v, adjoint_b=True))]
    dims = a.shape.as_list() if a.shape.ndims is not None else [None, None]
    m, n = dims[-2:]
    if m is None or n is None:
        raise NotImplementedError("SVD gradient has not been implemented for input with "
                                  "unknown inner matrix shape.")
    s, u, v = cast_ops.cast(s_out, a.dtype), op.outputs[1], op.outputs[2]
    grad_u = array_ops.zeros_like(u) if grad_u is None else grad_u
    grad_v = array_ops.zeros_like(v) if grad_v is None else grad_v
    use_adjoint = m > n
    if use_adjoint:  # differentiate A^H = V S U^H, then take the adjoint of the result
        m, n, u, v, grad_u, grad_v = n, m, v, u, grad_v, grad_u
    full = op.get_attr("full_matrices")
    if full and abs(m - n) > 1:
        raise NotImplementedError(
            f"svd gradient is not implemented for abs(m - n) > 1 when full_matrices is "
            f"True. Received: m={m} and n={n} from op input={a.name} with shape={a.shape}.")
    grad_a = _svd_grad_wide(s, u, v, grad_s, grad_u, grad_v, m, n, full, a.dtype)
    return [_adjoint(grad_a) if use_adjoint else grad_a]


def _svd_grad_wide(s: Tensor, u: Tensor, v: Tensor, grad_s: Tensor, grad_u: Tensor,
                   grad_v: Tensor, m: int, n: int, full: bool, dtype: object) -> Tensor:
    """The SVD gradient for ``m <= n`` (``u`` ``[..., m, m]``, ``v`` ``[..., n, >= m]``)."""
    s_mat = matrix_diag(s)
    f = _pairwise_inverse_gaps(math_ops.square(s))
    s_inv = matrix_diag(_safe_reciprocal(s))
    v1, grad_v1 = v[..., :, :m], grad_v[..., :, :m]
    u_gu = math_ops.matmul(u, grad_u, adjoint_a=True)
    v_gv = math_ops.matmul(v1, grad_v1, adjoint_a=True)
    f_u, f_v = f * u_gu, f * v_gv
    inner = (matrix_diag(grad_s) + math_ops.matmul(f_u + _adjoint(f_u), s_mat)
             + math_ops.matmul(s_mat, f_v + _adjoint(f_v)))
    grad_a = math_ops.matmul(u, math_ops.matmul(inner, v1, adjoint_b=True))
    if m != n:
        gv1t = _adjoint(grad_v1)
        rest = gv1t - math_ops.matmul(math_ops.matmul(gv1t, v1), v1, adjoint_b=True)
        if full:
            v2, grad_v2 = v[..., :, m:n], grad_v[..., :, m:n]
            rest = rest - math_ops.matmul(math_ops.matmul(v1, grad_v2, adjoint_a=True), v2,
                                          adjoint_b=True)
        grad_a = grad_a + math_ops.matmul(math_ops.matmul(u, s_inv), rest)
    if dtype.is_complex:
        l_diag = _identity_like(v_gv) * v_gv
        term = math_ops.matmul(s_inv, _adjoint(l_diag) - l_diag)
        grad_a = grad_a + 0.5 * math_ops.matmul(u, math_ops.matmul(term, v1, adjoint_b=True))
    return grad_a


@registry.register_gradient("TridiagonalSolve")
def _tridiagonal_solve_grad(op: Operation, grad: Tensor) -> list:
    diags, rhs = op.inputs
    x = op.outputs[0]
    # the transpose swaps the off-diagonals, shifting them by one slot
    transposed = compact_diagonals(pad_last(diags[..., 2, 1:], front=False), diags[..., 1, :],
                                   pad_last(diags[..., 0, :-1], front=True))
    grad_rhs = tridiagonal_solve_compact(transposed, grad, op.get_attr("partial_pivoting"))
    outer = -math_ops.matmul(grad_rhs, x, transpose_b=True)  # TF conjugates neither
    grad_diags = compact_diagonals(pad_last(matrix_diag_part(outer[..., :-1, 1:]), False),
                                   matrix_diag_part(outer),
                                   pad_last(matrix_diag_part(outer[..., 1:, :-1]), True))
    return [reduce_to_shape(grad_diags, diags), reduce_to_shape(grad_rhs, rhs)]


@registry.register_gradient("MatrixExponential")
def _expm_grad(op: Operation, grad: Tensor) -> list:
    a_h = _adjoint(op.inputs[0])
    n = a_h.shape.as_list()[-1] if a_h.shape.ndims is not None else None
    if n is None:
        raise NotImplementedError("expm gradient needs a static matrix size.")
    top = array_ops.concat([a_h, grad], axis=-1)
    bottom = array_ops.concat([array_ops.zeros_like(a_h), a_h], axis=-1)
    block = expm(array_ops.concat([top, bottom], axis=-2))
    return [block[..., :n, n:]]


def _kronecker(b1: Tensor, b2: Tensor, n: int) -> Tensor:
    """Batched Kronecker products of ``[..., n, n]`` matrices -> ``[..., n*n, n*n]``."""
    batch = array_ops.shape(b1)[:-2]
    left = array_ops.reshape(b1, array_ops.concat([batch, [n, 1, n, 1]], axis=0))
    right = array_ops.reshape(b2, array_ops.concat([batch, [1, n, 1, n]], axis=0))
    return array_ops.reshape(left * right, array_ops.concat([batch, [n * n, n * n]], axis=0))


@registry.register_gradient("MatrixSquareRoot")
def _sqrtm_grad(op: Operation, grad: Tensor) -> list:
    root = op.outputs[0]
    n = root.shape.as_list()[-1] if root.shape.ndims is not None else None
    if n is None:
        raise NotImplementedError("sqrtm gradient needs a static matrix size.")
    eye = _identity_like(root)
    ksum = _kronecker(eye, matrix_transpose(root), n) + _kronecker(root, eye, n)
    batch = array_ops.shape(root)[:-2]
    vec_g = array_ops.reshape(matrix_transpose(grad),
                              array_ops.concat([batch, [n * n, 1]], axis=0))
    vec = matrix_solve(ksum, vec_g)
    return [matrix_transpose(array_ops.reshape(vec, array_ops.shape(root)))]


@registry.register_gradient("MatrixSolveLs")
def _solve_ls_grad(op: Operation, grad: Tensor) -> list:
    raise ValueError("Gradient not defined for fast=False")
