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


__all__ = ["Bijector"]
