"""The elementwise bijectors of ``tf.contrib.distributions.bijectors``: ``Identity``,
``Exp``, ``Sigmoid``, ``Softplus`` and ``AffineScalar`` (``forward_min_event_ndims`` 0).

Example:
    >>> Softplus().inverse(math.log(2.0))     # 0.0
"""

from __future__ import annotations

from typing import Any

import trainkit as tk
from trainkit.contrib.distributions.bijectors.bijector import Bijector
from trainkit.framework.tensor import Tensor
from trainkit.ops.control_flow_ops import with_dependencies


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


__all__ = ["Identity", "Exp", "Sigmoid", "Softplus", "AffineScalar"]
