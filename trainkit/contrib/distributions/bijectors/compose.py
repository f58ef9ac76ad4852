"""Bijectors built from others: ``Invert`` (swap forward and inverse) and ``Chain``
(composition, applied right to left).

Example:
    >>> Chain([Exp(), AffineScalar(scale=2.0)]).forward(0.5)     # exp(1)
"""

from __future__ import annotations

import trainkit as tk
from trainkit.contrib.distributions.bijectors.bijector import Bijector
from trainkit.framework.tensor import Tensor


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


__all__ = ["Invert", "Chain"]
