"""``tk.linalg``: matrix ops under their ``tf.compat.v1.linalg`` names."""

from __future__ import annotations

from trainkit.ops.array_extras import eye
from trainkit.ops.array_extras import matrix_transpose as transpose
from trainkit.ops.einsum_ops import einsum
from trainkit.ops.linalg_composites import adjoint, matrix_rank, matvec, normalize, pinv
from trainkit.ops.linalg_factor_ops import cholesky, cholesky_solve, logdet, slogdet
from trainkit.ops.linalg_factor_ops import matrix_triangular_solve as triangular_solve
from trainkit.ops.linalg_lstsq_ops import matrix_solve_ls as lstsq
from trainkit.ops.linalg_lu_ops import lu, lu_matrix_inverse, lu_reconstruct, lu_solve
from trainkit.ops.linalg_matrix_functions import expm, sqrtm
from trainkit.ops.linalg_ops import (
    cross,
    norm,
    qr,
    trace,
)
from trainkit.ops.linalg_ops import diag as tensor_diag
from trainkit.ops.linalg_ops import diag_part as tensor_diag_part
from trainkit.ops.linalg_ops import matrix_band_part as band_part
from trainkit.ops.linalg_ops import matrix_determinant as det
from trainkit.ops.linalg_ops import matrix_diag as diag
from trainkit.ops.linalg_ops import matrix_diag_part as diag_part
from trainkit.ops.linalg_ops import matrix_inverse as inv
from trainkit.ops.linalg_ops import matrix_set_diag as set_diag
from trainkit.ops.linalg_ops import matrix_solve as solve
from trainkit.ops.linalg_spectral_ops import eigh, eigvalsh, svd
from trainkit.ops.linalg_tridiagonal_ops import tridiagonal_matmul, tridiagonal_solve
from trainkit.ops.linear_operator_lower_triangular import LinearOperatorLowerTriangular
from trainkit.ops.math_extras import l2_normalize, tensordot
from trainkit.ops.math_ops import matmul
from trainkit.training.clip_ops import global_norm

matrix_transpose = transpose

__all__ = ["eye", "transpose", "einsum", "cross", "norm", "trace", "tensor_diag",
           "tensor_diag_part", "band_part", "det", "diag", "diag_part", "inv", "set_diag",
           "solve", "l2_normalize", "tensordot", "matmul", "qr", "cholesky", "cholesky_solve",
           "triangular_solve", "logdet", "slogdet", "matvec", "matrix_transpose", "adjoint",
           "normalize", "global_norm", "eigh", "eigvalsh", "svd", "lstsq", "pinv",
           "matrix_rank", "lu", "lu_solve", "lu_matrix_inverse", "lu_reconstruct", "expm",
           "sqrtm", "tridiagonal_solve", "tridiagonal_matmul", "LinearOperatorLowerTriangular"]
