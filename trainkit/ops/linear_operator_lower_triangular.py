"""``tf.linalg.LinearOperatorLowerTriangular``: a square (batch of) lower-triangular
matrices given by the lower triangle of ``tril`` (the strict upper triangle is ignored).

Transformer code builds its causal ("future") attention mask with it:
``tf.linalg.LinearOperatorLowerTriangular(tf.ones_like(scores[0])).to_dense()``.

Example:
    >>> op = tk.linalg.LinearOperatorLowerTriangular([[1., 9.], [2., 3.]])
    >>> op.to_dense()                  # [[1., 0.], [2., 3.]]
    >>> op.matvec([1., 1.])            # [1., 5.]
    >>> op.determinant()               # 3.
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import math_ops, shape_ops
from trainkit.ops.linalg_composites import adjoint as _adjoint
from trainkit.ops.linalg_factor_ops import matrix_triangular_solve
from trainkit.ops.linalg_ops import matrix_band_part, matrix_diag_part
from trainkit.ops.reduction_ops import reduce_prod, reduce_sum
from trainkit.ops.unary_ops import abs as _abs
from trainkit.ops.unary_ops import log as _log


class LinearOperatorLowerTriangular:
    """The operator ``A`` whose dense matrix is ``band_part(tril, -1, 0)``.

    Args:
        tril: shape ``[B1, ..., Bb, N, N]``; its lower triangle (diagonal included)
            defines the operator.
        is_non_singular, is_self_adjoint, is_positive_definite: hints, kept as
            properties (TF does not check them against the values either).
        is_square: must be None or True (only square operators exist).
        name: the name scope of the ops the operator builds.

    Raises:
        ValueError: ``is_square=False``, or a ``tril`` of static rank below 2.
    """

    def __init__(self, tril: Any, is_non_singular: bool | None = None,
                 is_self_adjoint: bool | None = None,
                 is_positive_definite: bool | None = None, is_square: bool | None = None,
                 name: str = "LinearOperatorLowerTriangular"):
        if is_square is False:
            raise ValueError("LinearOperatorLowerTriangular: only square lower triangular "
                             "operators are supported; got is_square=False")
        if is_positive_definite and is_non_singular is False:
            raise ValueError("LinearOperatorLowerTriangular: a positive definite operator "
                             "is always non-singular; got is_positive_definite=True with "
                             "is_non_singular=False")
        self._name = name
        with name_scope(name, values=[tril]):
            self._tril = conversion.convert_to_tensor(tril, name="tril")
        rank = self._tril.shape.ndims
        if rank is not None and rank < 2:
            raise ValueError("LinearOperatorLowerTriangular: argument tril must have at least "
                             f"2 dimensions; found shape {self._tril.shape}")
        self.is_non_singular = is_non_singular
        self.is_self_adjoint = is_self_adjoint
        self.is_positive_definite = is_positive_definite
        self.is_square = True

    @property
    def tril(self) -> Tensor:
        """The ``tril`` tensor as given (its upper triangle not yet zeroed)."""
        return self._tril

    @property
    def name(self) -> str:
        return self._name

    @property
    def dtype(self) -> Any:
        return self._tril.dtype

    @property
    def shape(self) -> TensorShape:
        """The static shape ``[B1, ..., Bb, N, N]``."""
        return self._tril.shape

    @property
    def batch_shape(self) -> TensorShape:
        return self._tril.shape[:-2]

    def _scope(self, method: str) -> Any:
        return name_scope(f"{self._name}/{method}")

    def to_dense(self, name: str = "to_dense") -> Tensor:
        """The dense lower-triangular matrix."""
        with self._scope(name):
            return matrix_band_part(self._tril, -1, 0)

    def diag_part(self, name: str = "diag_part") -> Tensor:
        """The diagonal, shape ``[B1, ..., Bb, N]``."""
        with self._scope(name):
            return matrix_diag_part(self._tril)

    def matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False,
               name: str = "matmul") -> Tensor:
        """``A @ x`` (``A^H`` when ``adjoint``; ``x^H`` when ``adjoint_arg``)."""
        with self._scope(name):
            return math_ops.matmul(self.to_dense(), x, adjoint_a=adjoint, adjoint_b=adjoint_arg)

    def matvec(self, x: Any, adjoint: bool = False, name: str = "matvec") -> Tensor:
        """``A @ x`` for a (batch of) vector(s) ``x`` of shape ``[..., N]``."""
        with self._scope(name):
            x = conversion.convert_to_tensor(x, name="x")
            prod = self.matmul(shape_ops.expand_dims(x, -1), adjoint=adjoint)
            return shape_ops.squeeze(prod, axis=-1)

    def determinant(self, name: str = "det") -> Tensor:
        """The product of the diagonal."""
        with self._scope(name):
            return reduce_prod(self.diag_part(), axis=-1)

    def log_abs_determinant(self, name: str = "log_abs_det") -> Tensor:
        """``sum(log|diag|)``."""
        with self._scope(name):
            return reduce_sum(_log(_abs(self.diag_part())), axis=-1)

    def solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False,
              name: str = "solve") -> Tensor:
        """``X`` with ``A @ X = rhs`` (``A^H`` when ``adjoint``) by triangular solve."""
        with self._scope(name):
            rhs = conversion.convert_to_tensor(rhs, name="rhs")
            if adjoint_arg:
                rhs = _adjoint(rhs)
            return matrix_triangular_solve(self.to_dense(), rhs, lower=True, adjoint=adjoint)

    def __repr__(self) -> str:
        return (f"<tk.linalg.LinearOperatorLowerTriangular '{self._name}' "
                f"shape={self.shape} dtype={self.dtype.name}>")
