"""``tf.contrib.distributions.bijectors``: invertible maps ``y = f(x)`` with their log
Jacobian determinants, for ``TransformedDistribution``.

A bijector defines ``_forward``, ``_inverse`` and ``_inverse_log_det_jacobian`` (per
element for an elementwise map, per vector for ``Affine``); the public methods add the
name scope, check ``event_ndims`` against ``forward_min_event_ndims`` and sum the log
Jacobian over the remaining event axes, as TF 1.15:

    forward_log_det_jacobian(x, n) = -inverse_log_det_jacobian(forward(x), n).

Example:
    >>> b = Exp()
    >>> b.forward(0.0)                                  # 1.0
    >>> b.inverse_log_det_jacobian(2.0, event_ndims=0)  # -log 2
"""

from __future__ import annotations

from typing import Any

import trainkit as tk
from trainkit.framework.tensor import Tensor
from trainkit.ops.control_flow_ops import with_dependencies


class Bijector:
    """The base class: an invertible, differentiable map.

    Differs from TF: the log Jacobian of a constant-Jacobian bijector is broadcast to the
    shape of the point's events (TF may return it unbroadcast); values are the same.

    Args:
        graph_parents: the parameter tensors.
        is_constant_jacobian: whether the Jacobian does not depend on the point.
        validate_args: whether to add run-time checks of the parameters.
        dtype: the dtype the bijector works in (None: any).
        forward_min_event_ndims: the rank of the smallest event the map acts on (0 for an
            elementwise map, 1 for a map of vectors).
        name: the name scope of the ops.
    """

    def __init__(self, graph_parents: list | None = None, is_constant_jacobian: bool = False,
                 validate_args: bool = False, dtype: Any = None,
                 forward_min_event_ndims: int = 0, name: str | None = None) -> None:
        self._graph_parents = list(graph_parents or [])
        self._is_constant_jacobian = bool(is_constant_jacobian)
        self._validate_args = bool(validate_args)
        self._dtype = dtype
        self._forward_min_event_ndims = int(forward_min_event_ndims)
        self._name = name or type(self).__name__.lower()

    @property
    def name(self) -> str:
        """The bijector's name (``"exp"``, ``"affine_scalar"`` ...)."""
        return self._name

    @property
    def graph_parents(self) -> list:
        """The parameter tensors."""
        return list(self._graph_parents)

    @property
    def is_constant_jacobian(self) -> bool:
        """Whether the Jacobian is the same at every point."""
        return self._is_constant_jacobian

    @property
    def validate_args(self) -> bool:
        """Whether run-time checks were added."""
        return self._validate_args

    @property
    def dtype(self) -> Any:
        """The dtype of the bijector's parameters (None: any)."""
        return self._dtype

    @property
    def forward_min_event_ndims(self) -> int:
        """The smallest ``event_ndims`` the forward map accepts."""
        return self._forward_min_event_ndims

    @property
    def inverse_min_event_ndims(self) -> int:
        """The smallest ``event_ndims`` the inverse map accepts."""
        return self._forward_min_event_ndims

    def forward(self, x: Any, name: str = "forward") -> Tensor:
        """``y = f(x)``."""
        with tk.name_scope(f"{self.name}/{name}", values=[x]):
            return self._forward(tk.convert_to_tensor(x, name="x", dtype=self._dtype))

    def inverse(self, y: Any, name: str = "inverse") -> Tensor:
        """``x = f^-1(y)``."""
        with tk.name_scope(f"{self.name}/{name}", values=[y]):
            return self._inverse(tk.convert_to_tensor(y, name="y", dtype=self._dtype))

    def inverse_log_det_jacobian(self, y: Any, event_ndims: int,
                                 name: str = "inverse_log_det_jacobian") -> Tensor:
        """``log |det d f^-1 / dy|`` summed over the last ``event_ndims`` axes of ``y``.

        Raises:
            ValueError: if ``event_ndims`` is below ``inverse_min_event_ndims``.
        """
        with tk.name_scope(f"{self.name}/{name}", values=[y]):
            y = tk.convert_to_tensor(y, name="y", dtype=self._dtype)
            return self._reduce(self._inverse_log_det_jacobian(y), y, event_ndims)

    def forward_log_det_jacobian(self, x: Any, event_ndims: int,
                                 name: str = "forward_log_det_jacobian") -> Tensor:
        """``log |det d f / dx|`` summed over the last ``event_ndims`` axes of ``x``.

        Raises:
            ValueError: if ``event_ndims`` is below ``forward_min_event_ndims``.
        """
        with tk.name_scope(f"{self.name}/{name}", values=[x]):
            x = tk.convert_to_tensor(x, name="x", dtype=self._dtype)
            return self._reduce(self._forward_log_det_jacobian(x), x, event_ndims)

    def _reduce(self, ldj: Tensor, point: Tensor, event_ndims: int) -> Tensor:
        """Sums a per-minimal-event ``ldj`` over the extra event axes of ``point``."""
        if not isinstance(event_ndims, int) or isinstance(event_ndims, bool):
            raise TypeError(f"event_ndims must be a Python int, got {event_ndims!r}.")
        if event_ndims < self._forward_min_event_ndims:
            raise ValueError(f"event_ndims ({event_ndims}) must be larger than or equal to "
                             f"forward_min_event_ndims ({self._forward_min_event_ndims}) "
                             f"of bijector '{self.name}'.")
        low = self._forward_min_event_ndims
        # one log Jacobian per minimal event (a constant one broadcast to every event)
        per_event = point[(Ellipsis,) + (0,) * low] if low else point
        ldj = ldj * tk.ones_like(per_event)
        extra = event_ndims - low
        return tk.reduce_sum(ldj, list(range(-extra, 0))) if extra else ldj

    def _forward(self, x: Tensor) -> Tensor:
        raise NotImplementedError(f"forward not implemented: {type(self).__name__}")

    def _inverse(self, y: Tensor) -> Tensor:
        raise NotImplementedError(f"inverse not implemented: {type(self).__name__}")

    def _inverse_log_det_jacobian(self, y: Tensor) -> Tensor:
        return -self._forward_log_det_jacobian(self._inverse(y))

    def _forward_log_det_jacobian(self, x: Tensor) -> Tensor:
        return -self._inverse_log_det_jacobian(self._forward(x))


class Identity(Bijector):
    """``y = x`` (log Jacobian 0)."""

    def __init__(self, validate_args: bool = False, name: str = "identity") -> None:
        super().__init__(is_constant_jacobian=True, validate_args=validate_args, name=name)

    def _forward(self, x: Tensor) -> Tensor:
        return x

    def _inverse(self, y: Tensor) -> Tensor:
        return y

    def _inverse_log_det_jacobian(self, y: Tensor) -> Tensor:
        return tk.zeros_like(y)


class Exp(Bijector):
    """``y = exp(x)``; ``inverse_log_det_jacobian(y) = -log y``.

    Example:
        >>> Exp().inverse(1.0)     # 0.0
    """

    def __init__(self, validate_args: bool = False, name: str = "exp") -> None:
        super().__init__(validate_args=validate_args, name=name)

    def _forward(self, x: Tensor) -> Tensor:
        return tk.exp(x)

    def _inverse(self, y: Tensor) -> Tensor:
        return tk.log(y)

    def _inverse_log_det_jacobian(self, y: Tensor) -> Tensor:
        return -tk.log(y)

    def _forward_log_det_jacobian(self, x: Tensor) -> Tensor:
        return x


class Sigmoid(Bijector):
    """``y = 1 / (1 + exp(-x))``; ``inverse_log_det_jacobian(y) = -log y - log(1 - y)``."""

    def __init__(self, validate_args: bool = False, name: str = "sigmoid") -> None:
        super().__init__(validate_args=validate_args, name=name)

    def _forward(self, x: Tensor) -> Tensor:
        return tk.sigmoid(x)

    def _inverse(self, y: Tensor) -> Tensor:
        return tk.log(y) - tk.log1p(-y)

    def _inverse_log_det_jacobian(self, y: Tensor) -> Tensor:
        return -tk.log(y) - tk.log1p(-y)

    def _forward_log_det_jacobian(self, x: Tensor) -> Tensor:
        return -tk.nn.softplus(-x) - tk.nn.softplus(x)


def _softplus_inverse(y: Tensor) -> Tensor:
    """``log(exp(y) - 1)`` as ``y + log(-expm1(-y))`` (no overflow for large ``y``)."""
    return y + tk.log(-tk.math.expm1(-y))


class Softplus(Bijector):
    """``y = c log(1 + exp(x / c))`` with ``c = hinge_softness`` (default 1).

    Args:
        hinge_softness: float tensor ``c != 0`` (None: 1).
        validate_args: run-time check that ``hinge_softness`` is not 0.
        name: the name scope.
    """

    def __init__(self, hinge_softness: Any = None, validate_args: bool = False,
                 name: str = "softplus") -> None:
        self._hinge = None
        parents = []
        if hinge_softness is not None:
            self._hinge = tk.convert_to_tensor(hinge_softness, name="hinge_softness")
            if validate_args:
                self._hinge = with_dependencies([tk.assert_none_equal(
                    self._hinge, tk.zeros([], self._hinge.dtype),
                    message="hinge_softness must be non-zero.")], self._hinge)
            parents = [self._hinge]
        super().__init__(graph_parents=parents, validate_args=validate_args, name=name)

    @property
    def hinge_softness(self) -> Tensor | None:
        """The softness ``c`` (None means 1)."""
        return self._hinge

    def _forward(self, x: Tensor) -> Tensor:
        if self._hinge is None:
            return tk.nn.softplus(x)
        return self._hinge * tk.nn.softplus(x / self._hinge)

    def _inverse(self, y: Tensor) -> Tensor:
        if self._hinge is None:
            return _softplus_inverse(y)
        return self._hinge * _softplus_inverse(y / self._hinge)

    def _inverse_log_det_jacobian(self, y: Tensor) -> Tensor:
        # d/dy softplus^-1(y) = 1 / (1 - exp(-y))
        c = 1.0 if self._hinge is None else self._hinge
        return -tk.log(-tk.math.expm1(-y / c))

    def _forward_log_det_jacobian(self, x: Tensor) -> Tensor:
        c = 1.0 if self._hinge is None else self._hinge
        return -tk.nn.softplus(-x / c)


class AffineScalar(Bijector):
    """``y = scale * x + shift`` for scalar (or broadcasting) ``shift`` and ``scale``.

    Args:
        shift: float tensor (None: 0).
        scale: float tensor (None: 1); run-time check that it is not 0 with
            ``validate_args``.
        validate_args, name: as ``Bijector``.
    """

    def __init__(self, shift: Any = None, scale: Any = None, validate_args: bool = False,
                 name: str = "affine_scalar") -> None:
        with tk.name_scope(name, values=[shift, scale]):
            self._shift = None if shift is None else tk.convert_to_tensor(shift, name="shift")
            dtype = None if self._shift is None else self._shift.dtype
            self._scale = (None if scale is None
                           else tk.convert_to_tensor(scale, name="scale", dtype=dtype))
            if self._scale is not None and validate_args:
                self._scale = with_dependencies([tk.assert_none_equal(
                    self._scale, tk.zeros([], self._scale.dtype),
                    message="Argument scale must be non-zero.")], self._scale)
        parents = [t for t in (self._shift, self._scale) if t is not None]
        super().__init__(graph_parents=parents, is_constant_jacobian=True,
                         validate_args=validate_args,
                         dtype=parents[0].dtype if parents else None, name=name)

    @property
    def shift(self) -> Tensor | None:
        """The shift (None: 0)."""
        return self._shift

    @property
    def scale(self) -> Tensor | None:
        """The scale (None: 1)."""
        return self._scale

    def _forward(self, x: Tensor) -> Tensor:
        y = x if self._scale is None else x * self._scale
        return y if self._shift is None else y + self._shift

    def _inverse(self, y: Tensor) -> Tensor:
        x = y if self._shift is None else y - self._shift
        return x if self._scale is None else x / self._scale

    def _forward_log_det_jacobian(self, x: Tensor) -> Tensor:
        if self._scale is None:
            return tk.zeros_like(x)
        return tk.log(tk.abs(self._scale)) * tk.ones_like(x)

    def _inverse_log_det_jacobian(self, y: Tensor) -> Tensor:
        return -self._forward_log_det_jacobian(y)


class Affine(Bijector):
    """``y = scale @ x + shift`` on vectors, with the lower-triangular
    ``scale = scale_tril + diag(scale_diag) + scale_identity_multiplier * I``; the terms
    given are added, and with none the scale is the identity.

    Args:
        shift: float ``[..., k]`` (None: 0).
        scale_identity_multiplier: float ``[...]``.
        scale_diag: float ``[..., k]``.
        scale_tril: float ``[..., k, k]`` (only its lower triangle is read).
        validate_args: run-time check that the scale's diagonal has no zero.
        name: as ``Bijector``.

    Raises:
        ValueError: if no argument fixes the event size ``k``.

    Differs from TF: the low-rank ``scale_perturb_*`` arguments and ``adjoint`` are not
    supported.
    """

    def __init__(self, shift: Any = None, scale_identity_multiplier: Any = None,
                 scale_diag: Any = None, scale_tril: Any = None, validate_args: bool = False,
                 name: str = "affine") -> None:
        with tk.name_scope(name, values=[shift, scale_identity_multiplier, scale_diag,
                                         scale_tril]):
            conv = {}
            dtype = None
            for key, value in (("shift", shift), ("scale_diag", scale_diag),
                               ("scale_tril", scale_tril),
                               ("scale_identity_multiplier", scale_identity_multiplier)):
                if value is not None:
                    conv[key] = tk.convert_to_tensor(value, name=key, dtype=dtype)
                    dtype = conv[key].dtype
            self._shift = conv.get("shift")
            self._scale = self._build_scale(conv, validate_args)
        parents = list(conv.values())
        super().__init__(graph_parents=parents, is_constant_jacobian=True,
                         validate_args=validate_args, dtype=dtype,
                         forward_min_event_ndims=1, name=name)

    @staticmethod
    def _build_scale(conv: dict, validate_args: bool) -> Tensor | None:
        tril, diag = conv.get("scale_tril"), conv.get("scale_diag")
        mult = conv.get("scale_identity_multiplier")
        if tril is None and diag is None and mult is None:
            return None
        scale = None if tril is None else tk.linalg.band_part(tril, -1, 0)
        if diag is not None:
            d = tk.linalg.diag(diag)
            scale = d if scale is None else scale + d
        if mult is not None:
            if scale is None:
                like = conv.get("shift")
                if like is None:
                    raise ValueError("Affine with only scale_identity_multiplier needs "
                                     "`shift` to know the event size.")
                scale = tk.linalg.diag(tk.ones_like(like)) * mult[..., None, None]
            else:
                eye = tk.linalg.diag(tk.ones_like(tk.linalg.diag_part(scale)))
                scale = scale + eye * mult[..., None, None]
        if validate_args:
            scale = with_dependencies([tk.assert_none_equal(
                tk.linalg.diag_part(scale), tk.zeros([], scale.dtype),
                message="Singular operator: diagonal contained zero values.")], scale)
        return scale

    @property
    def shift(self) -> Tensor | None:
        """The shift (None: 0)."""
        return self._shift

    @property
    def scale(self) -> Tensor | None:
        """The dense lower-triangular scale (None: identity).

        Differs from TF: TF returns a ``LinearOperator``.
        """
        return self._scale

    def _forward(self, x: Tensor) -> Tensor:
        y = x if self._scale is None else tk.reduce_sum(self._scale * x[..., None, :], -1)
        return y if self._shift is None else y + self._shift

    def _inverse(self, y: Tensor) -> Tensor:
        x = y if self._shift is None else y - self._shift
        if self._scale is None:
            return x
        scale, rhs = self._scale, x[..., None]
        batch = tk.shape(scale[..., 0, 0] + rhs[..., 0, 0])
        scale = tk.broadcast_to(scale, tk.concat([batch, tk.shape(scale)[-2:]], 0))
        rhs = tk.broadcast_to(rhs, tk.concat([batch, tk.shape(rhs)[-2:]], 0))
        return tk.linalg.triangular_solve(scale, rhs, lower=True)[..., 0]

    def _forward_log_det_jacobian(self, x: Tensor) -> Tensor:
        if self._scale is None:
            return tk.zeros_like(x[..., 0])
        logdet = tk.reduce_sum(tk.log(tk.abs(tk.linalg.diag_part(self._scale))), -1)
        return logdet * tk.ones_like(x[..., 0])

    def _inverse_log_det_jacobian(self, y: Tensor) -> Tensor:
        return -self._forward_log_det_jacobian(y)


class Invert(Bijector):
    """The inverse of ``bijector``: ``forward`` is its ``inverse`` and vice versa."""

    def __init__(self, bijector: Bijector, validate_args: bool = False,
                 name: str | None = None) -> None:
        self._bijector = bijector
        super().__init__(graph_parents=bijector.graph_parents,
                         is_constant_jacobian=bijector.is_constant_jacobian,
                         validate_args=validate_args, dtype=bijector.dtype,
                         forward_min_event_ndims=bijector.forward_min_event_ndims,
                         name=name or "invert_" + bijector.name)

    @property
    def bijector(self) -> Bijector:
        """The bijector inverted."""
        return self._bijector

    def _forward(self, x: Tensor) -> Tensor:
        return self._bijector._inverse(x)

    def _inverse(self, y: Tensor) -> Tensor:
        return self._bijector._forward(y)

    def _inverse_log_det_jacobian(self, y: Tensor) -> Tensor:
        return self._bijector._forward_log_det_jacobian(y)

    def _forward_log_det_jacobian(self, x: Tensor) -> Tensor:
        return self._bijector._inverse_log_det_jacobian(x)


class Chain(Bijector):
    """The composition ``bijectors[0](bijectors[1](... x))`` (applied right to left).

    Args:
        bijectors: the bijectors (an empty list is the identity).
        validate_args: as ``Bijector``.
        name: default ``"chain_of_" + "_of_".join(names)``.

    Raises:
        ValueError: if the bijectors mix different ``forward_min_event_ndims``.

    Differs from TF: bijectors with different minimal event ranks cannot be chained.
    """

    def __init__(self, bijectors: list | None = None, validate_args: bool = False,
                 name: str | None = None) -> None:
        self._bijectors = list(bijectors or [])
        ranks = {b.forward_min_event_ndims for b in self._bijectors}
        if len(ranks) > 1:
            raise ValueError(f"Chain of bijectors with different forward_min_event_ndims "
                             f"{sorted(ranks)} is not supported.")
        parents = [t for b in self._bijectors for t in b.graph_parents]
        super().__init__(graph_parents=parents,
                         is_constant_jacobian=all(b.is_constant_jacobian
                                                  for b in self._bijectors),
                         validate_args=validate_args,
                         forward_min_event_ndims=ranks.pop() if ranks else 0,
                         name=name or ("identity" if not self._bijectors else
                                       "chain_of_" + "_of_".join(b.name
                                                                 for b in self._bijectors)))

    @property
    def bijectors(self) -> list:
        """The bijectors, outermost first."""
        return list(self._bijectors)

    def _forward(self, x: Tensor) -> Tensor:
        for b in reversed(self._bijectors):
            x = b._forward(x)
        return x

    def _inverse(self, y: Tensor) -> Tensor:
        for b in self._bijectors:
            y = b._inverse(y)
        return y

    def _inverse_log_det_jacobian(self, y: Tensor) -> Tensor:
        total = None
        for b in self._bijectors:
            term = b._inverse_log_det_jacobian(y)
            total = term if total is None else total + term
            y = b._inverse(y)
        if total is None:
            return tk.zeros_like(y if self.forward_min_event_ndims == 0 else y[..., 0])
        return total


__all__ = ["Bijector", "Identity", "Exp", "Sigmoid", "Softplus", "AffineScalar", "Affine",
           "Invert", "Chain"]
