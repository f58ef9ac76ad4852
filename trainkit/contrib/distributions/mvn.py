"""``tf.contrib.distributions`` multivariate normals: ``MultivariateNormalDiag``,
``MultivariateNormalTriL``, ``MultivariateNormalFullCovariance``, and the closed-form KL
between any two of them.

Each is ``X = loc + scale @ Z`` with ``Z ~ N(0, I_k)``; ``scale`` is a diagonal or lower
triangular ``[..., k, k]`` matrix, so ``covariance = scale @ scale^T`` and

    log p(x) = -0.5 ||scale^-1 (x - loc)||^2 - 0.5 k log(2 pi) - log|det scale|.

Example:
    >>> d = MultivariateNormalDiag(loc=[1.0, -1.0], scale_diag=[1.0, 2.0])
    >>> d.log_prob([0.0, 0.0])              # a scalar
    >>> d.sample(5, seed=1)                 # shape [5, 2], reparameterized
"""

from __future__ import annotations

import math
from typing import Any

import trainkit as tk
from trainkit import distributions as _base
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.control_flow_ops import with_dependencies
from trainkit.ops.distributions import dist_util

_LOG_2PI = math.log(2.0 * math.pi)


class _MultivariateNormal(_base.Distribution):
    """The shared body: subclasses set ``self._loc`` and either ``self._diag`` (a
    ``[..., k]`` diagonal scale) or ``self._tril`` (a ``[..., k, k]`` lower triangle)."""

    _diag: Tensor | None = None
    _tril: Tensor | None = None

    def _init_base(self, parameters: dict, validate_args: bool, allow_nan_stats: bool,
                   name: str) -> None:
        scale = self._diag if self._diag is not None else self._tril
        super().__init__(dtype=self._loc.dtype,
                         reparameterization_type=_base.FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._loc, scale], name=name)

    @property
    def loc(self) -> Tensor:
        """The means, ``[..., k]``."""
        return self._loc

    @property
    def scale(self) -> Tensor:
        """The scale as a dense lower-triangular matrix ``[..., k, k]``.

        Differs from TF: TF returns a ``LinearOperator``; this is its ``to_dense()``.
        """
        return self._scale_dense()

    # -- the scale operator ----------------------------------------------------------------
    def _scale_dense(self) -> Tensor:
        if self._diag is not None:
            return tk.linalg.diag(self._diag)
        return self._tril

    def _scale_matvec(self, z: Tensor) -> Tensor:
        if self._diag is not None:
            return self._diag * z
        return tk.reduce_sum(self._tril * tk.expand_dims(z, -2), -1)

    def _scale_solve_vec(self, v: Tensor) -> Tensor:
        """``scale^-1 v`` for vectors ``v`` ``[..., k]`` (batch dims broadcast)."""
        if self._diag is not None:
            return v / self._diag
        tril, v = _broadcast_matrix_rhs(self._tril, tk.expand_dims(v, -1))
        return tk.squeeze(tk.linalg.triangular_solve(tril, v, lower=True), [-1])

    def _scale_diag_part(self) -> Tensor:
        return self._diag if self._diag is not None else tk.linalg.diag_part(self._tril)

    def _log_abs_det(self) -> Tensor:
        return tk.reduce_sum(tk.log(tk.abs(self._scale_diag_part())), -1)

    def _event_size(self) -> Any:
        k = self._loc.shape[-1] if self._loc.shape.ndims is not None else None
        k = getattr(k, "value", k)
        return int(k) if k is not None else tk.shape(self._loc)[-1]

    # -- shapes ----------------------------------------------------------------------------
    def _batch_members(self) -> tuple[Tensor, Tensor]:
        """One entry per batch member of ``loc`` and of the scale."""
        scale = self._diag[..., 0] if self._diag is not None else self._tril[..., 0, 0]
        return self._loc[..., 0], scale

    def _batch_shape(self) -> TensorShape:
        return dist_util.static_batch_shape(*self._batch_members())

    def _batch_shape_tensor(self) -> Tensor:
        return dist_util.dynamic_batch_shape(*self._batch_members())

    def _event_shape(self) -> TensorShape:
        return self._loc.shape[-1:]

    def _event_shape_tensor(self) -> Tensor:
        return tk.shape(self._loc)[-1:]

    # -- methods ---------------------------------------------------------------------------
    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        shape = tk.concat([dist_util.count_shape(n), self.batch_shape_tensor(),
                           self.event_shape_tensor()], 0)
        z = tk.random_normal(shape, dtype=self.dtype, seed=seed)
        return self._scale_matvec(z) + self._loc

    def _log_prob(self, x: Tensor) -> Tensor:
        w = self._scale_solve_vec(x - self._loc)
        k = tk.cast(self._event_size(), self.dtype)
        return -0.5 * tk.reduce_sum(tk.square(w), -1) - 0.5 * k * _LOG_2PI - self._log_abs_det()

    def _entropy(self) -> Tensor:
        k = tk.cast(self._event_size(), self.dtype)
        h = 0.5 * k * (1.0 + _LOG_2PI) + self._log_abs_det()
        return h * tk.ones(self.batch_shape_tensor(), self.dtype)

    def _mean(self) -> Tensor:
        ones = tk.ones(tk.concat([self.batch_shape_tensor(), self.event_shape_tensor()], 0),
                       self.dtype)
        return self._loc * ones

    def _mode(self) -> Tensor:
        return self._mean()

    def _variance(self) -> Tensor:
        if self._diag is not None:
            var = tk.square(self._diag)
        else:
            var = tk.reduce_sum(tk.square(self._tril), -1)
        return var * tk.ones_like(self._mean())

    def _stddev(self) -> Tensor:
        if self._diag is not None:
            return tk.abs(self._diag) * tk.ones_like(self._mean())
        return tk.sqrt(self._variance())

    def _covariance(self) -> Tensor:
        if self._diag is not None:
            cov = tk.linalg.diag(tk.square(self._diag))
        else:
            cov = tk.matmul(self._tril, self._tril, transpose_b=True)
        batch_ones = tk.ones(tk.concat([self.batch_shape_tensor(), [1, 1]], 0), self.dtype)
        return cov * batch_ones


def _broadcast_matrix_rhs(matrix: Tensor, rhs: Tensor) -> tuple[Tensor, Tensor]:
    """``matrix`` ``[..., k, k]`` and ``rhs`` ``[..., k, m]`` with equal batch dims."""
    if (matrix.shape.is_fully_defined() and rhs.shape.is_fully_defined()
            and matrix.shape[:-2] == rhs.shape[:-2]):
        return matrix, rhs
    batch = dist_util.dynamic_batch_shape(matrix[..., 0, 0], rhs[..., 0, 0])
    matrix = tk.broadcast_to(matrix, tk.concat([batch, tk.shape(matrix)[-2:]], 0))
    rhs = tk.broadcast_to(rhs, tk.concat([batch, tk.shape(rhs)[-2:]], 0))
    return matrix, rhs


def _common_dtype(*values: Any) -> Any:
    """The one dtype of the arguments that have one (None if none has).

    Raises:
        TypeError: if two arguments have different dtypes (TF's ``common_dtype``).
    """
    found = None
    for v in values:
        dt = getattr(v, "dtype", None)
        if v is None or dt is None:
            continue
        dt = tk.as_dtype(dt)
        if found is not None and dt != found:
            raise TypeError(f"Found incompatible dtypes, {found.name} and {dt.name}.")
        found = dt
    return found


def _float_tensor(x: Any, name: str, dtype: Any = None) -> Tensor | None:
    if x is None:
        return None
    t = tk.convert_to_tensor(x, name=name, dtype=dtype)
    if not t.dtype.is_floating:
        raise TypeError(f"{name} must be a floating point tensor, got {t.dtype.name}.")
    return t


class MultivariateNormalDiag(_MultivariateNormal):
    """The multivariate normal with ``scale = diag(scale_diag + scale_identity_multiplier)``.

    Args:
        loc: float ``[..., k]`` means (zeros if None).
        scale_diag: float ``[..., k]`` diagonal of the scale.
        scale_identity_multiplier: float ``[...]`` added to every diagonal entry (alone, a
            scaled identity). With neither, the scale is the identity.
        validate_args: check at run time that the diagonal has no zero.
        allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: if both ``loc`` and ``scale_diag`` are None (no event size), or the
            static event sizes of ``loc`` and ``scale_diag`` differ.
        TypeError: if the parameters have different dtypes, or are not floating point.

    Example:
        >>> MultivariateNormalDiag([1.0, -1.0], [1.0, 2.0]).stddev()    # [1., 2.]
    """

    def __init__(self, loc: Any = None, scale_diag: Any = None,
                 scale_identity_multiplier: Any = None, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "MultivariateNormalDiag") -> None:
        parameters = dict(locals())
        if loc is None and scale_diag is None:
            raise ValueError("Must specify one or both of `loc`, `scale_diag`.")
        with tk.name_scope(name, values=[loc, scale_diag, scale_identity_multiplier]) as name:
            dtype = _common_dtype(loc, scale_diag, scale_identity_multiplier)
            loc_t = _float_tensor(loc, "loc", dtype)
            diag = _float_tensor(scale_diag, "scale_diag", dtype)
            mult = _float_tensor(scale_identity_multiplier, "scale_identity_multiplier",
                                 dtype)
            if loc_t is None:
                loc_t = tk.zeros_like(diag, name="loc")
            if diag is not None and _static_k(diag) not in (None, _static_k(loc_t)) \
                    and _static_k(loc_t) is not None:
                raise ValueError(f"Event sizes of loc ({_static_k(loc_t)}) and scale_diag "
                                 f"({_static_k(diag)}) differ.")
            if diag is None:
                diag = tk.ones_like(loc_t)
                if mult is not None:
                    diag = diag * tk.expand_dims(mult, -1)
            elif mult is not None:
                diag = diag + tk.expand_dims(mult, -1)
            if validate_args:
                zero = tk.zeros([], diag.dtype)
                diag = with_dependencies(
                    [tk.assert_none_equal(diag, zero, message="Singular operator: diagonal "
                                          "contained zero values.")], diag)
            self._loc = tk.identity(loc_t, name="loc")
            self._diag = tk.identity(diag, name="scale_diag")
        self._init_base(parameters, validate_args, allow_nan_stats, name)


def _static_k(t: Tensor) -> int | None:
    if t.shape.ndims is None or t.shape.ndims == 0:
        return None
    k = t.shape[-1]
    k = getattr(k, "value", k)
    return None if k is None else int(k)


class MultivariateNormalTriL(_MultivariateNormal):
    """The multivariate normal with a lower-triangular ``scale_tril`` (``covariance =
    scale_tril @ scale_tril^T``); only the lower triangle of ``scale_tril`` is read.

    Args:
        loc: float ``[..., k]`` means (zeros if None).
        scale_tril: float ``[..., k, k]`` (identity if None).
        validate_args: check at run time that the diagonal of ``scale_tril`` has no zero.
        allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: if both are None, ``scale_tril`` is not a square matrix, or the static
            event sizes differ.
        TypeError: if the parameters have different dtypes, or are not floating point.

    Example:
        >>> MultivariateNormalTriL([0.0, 0.0], [[1.0, 0.0], [0.5, 2.0]]).covariance()
    """

    def __init__(self, loc: Any = None, scale_tril: Any = None, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "MultivariateNormalTriL") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[loc, scale_tril]) as name:
            self._set_loc_tril(loc, scale_tril, validate_args)
        self._init_base(parameters, validate_args, allow_nan_stats, name)

    def _set_loc_tril(self, loc: Any, tril: Any, validate_args: bool) -> None:
        if loc is None and tril is None:
            raise ValueError("Must specify one or both of `loc`, `scale_tril`.")
        dtype = _common_dtype(loc, tril)
        loc_t = _float_tensor(loc, "loc", dtype)
        tril_t = _float_tensor(tril, "scale_tril", dtype)
        if tril_t is None:
            tril_t = tk.linalg.diag(tk.ones_like(loc_t))
        s = tril_t.shape
        if s.ndims is not None:
            if s.ndims < 2:
                raise ValueError(f"scale_tril must have rank at least 2, got shape {s}.")
            rows, cols = (getattr(d, "value", d) for d in (s[-2], s[-1]))
            if rows is not None and cols is not None and rows != cols:
                raise ValueError(f"scale_tril must be square, got shape {s}.")
        if loc_t is None:
            loc_t = tk.zeros_like(tk.linalg.diag_part(tril_t), name="loc")
        k_loc, k_scale = _static_k(loc_t), _static_k(tril_t)
        if k_loc is not None and k_scale is not None and k_loc != k_scale:
            raise ValueError(f"Event sizes of loc ({k_loc}) and scale ({k_scale}) differ.")
        tril_t = tk.linalg.band_part(tril_t, -1, 0)
        if validate_args:
            zero = tk.zeros([], tril_t.dtype)
            tril_t = with_dependencies(
                [tk.assert_none_equal(tk.linalg.diag_part(tril_t), zero,
                                      message="Singular operator: diagonal contained zero "
                                      "values.")], tril_t)
        self._loc = tk.identity(loc_t, name="loc")
        self._tril = tk.identity(tril_t, name="scale_tril")


class MultivariateNormalFullCovariance(MultivariateNormalTriL):
    """The multivariate normal with a symmetric positive definite ``covariance_matrix``
    (the scale is its Cholesky factor).

    Args:
        loc: float ``[..., k]`` means (zeros if None).
        covariance_matrix: float ``[..., k, k]`` (identity if None).
        validate_args: check at run time that ``covariance_matrix`` is symmetric (the
            Cholesky factorization itself fails for one not positive definite).
        allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: if both are None, or the shapes do not fit.
        TypeError: if the parameters have different dtypes, or are not floating point.

    Example:
        >>> MultivariateNormalFullCovariance([0.0, 0.0], [[2.0, 0.5], [0.5, 1.0]])
    """

    def __init__(self, loc: Any = None, covariance_matrix: Any = None,
                 validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "MultivariateNormalFullCovariance") -> None:
        parameters = dict(locals())
        if loc is None and covariance_matrix is None:
            raise ValueError("Must specify one or both of `loc`, `covariance_matrix`.")
        with tk.name_scope(name, values=[loc, covariance_matrix]) as name:
            tril = None
            if covariance_matrix is not None:
                cov = _float_tensor(covariance_matrix, "covariance_matrix",
                                    _common_dtype(loc, covariance_matrix))
                if validate_args:
                    cov = with_dependencies(
                        [tk.assert_near(cov, tk.linalg.adjoint(cov),
                                        message="Matrix was not symmetric")], cov)
                tril = tk.cholesky(cov)
            self._set_loc_tril(loc, tril, False)
        self._init_base(parameters, validate_args, allow_nan_stats, name)


@_base.RegisterKL(_MultivariateNormal, _MultivariateNormal)
def _kl_mvn_mvn(a: _MultivariateNormal, b: _MultivariateNormal,
                name: str | None = None) -> Tensor:
    """``KL(a || b) = 0.5 (||Sb^-1 Sa||_F^2 + ||Sb^-1 (mb - ma)||^2 - k)
    + log|det Sb| - log|det Sa|``."""
    with tk.name_scope(name, "kl_mvn", [a.loc, b.loc]):
        if a._diag is not None and b._diag is not None:
            frob = tk.reduce_sum(tk.square(a._diag / b._diag), -1)
        else:
            sa = a._scale_dense()
            sb = b._tril if b._tril is not None else tk.linalg.diag(b._diag)
            sb, sa = _broadcast_matrix_rhs(sb, sa)
            m = tk.linalg.triangular_solve(sb, sa, lower=True)
            frob = tk.reduce_sum(tk.square(m), [-2, -1])
        mahal = tk.reduce_sum(tk.square(b._scale_solve_vec(b.loc - a.loc)), -1)
        k = tk.cast(a._event_size(), a.dtype)
        return 0.5 * (frob + mahal - k) + b._log_abs_det() - a._log_abs_det()


__all__ = ["MultivariateNormalDiag", "MultivariateNormalTriL",
           "MultivariateNormalFullCovariance"]
