"""``tf.contrib.distributions.Independent``: the rightmost batch axes of a distribution
read as event axes, so ``log_prob`` sums over them (a diagonal Gaussian or a factorized
Bernoulli image likelihood as one multivariate distribution).

Example:
    >>> d = Independent(Bernoulli(logits=tk.zeros([8, 784])), reinterpreted_batch_ndims=1)
    >>> d.batch_shape, d.event_shape            # ([8], [784])
"""

from __future__ import annotations

from typing import Any

import trainkit as tk
from trainkit import distributions as _base
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor


class Independent(_base.Distribution):
    """``distribution`` with its rightmost ``reinterpreted_batch_ndims`` batch axes moved
    into the event.

    Args:
        distribution: the base distribution (its batch rank must be known statically).
        reinterpreted_batch_ndims: how many batch axes become event axes (None: all but the
            first, as TF 1.15).
        validate_args: as ``Distribution``.
        name: default ``"Independent" + distribution.name``.

    Raises:
        ValueError: if ``reinterpreted_batch_ndims`` is negative or exceeds the batch rank,
            or the batch rank is unknown.
        TypeError: if ``reinterpreted_batch_ndims`` is not an int.
    """

    def __init__(self, distribution: Any, reinterpreted_batch_ndims: int | None = None,
                 validate_args: bool = False, name: str | None = None) -> None:
        parameters = dict(locals())
        batch_ndims = distribution.batch_shape.ndims
        if batch_ndims is None:
            raise ValueError("Independent needs a distribution of known batch rank.")
        if reinterpreted_batch_ndims is None:
            reinterpreted_batch_ndims = max(0, batch_ndims - 1)
        if (not isinstance(reinterpreted_batch_ndims, int)
                or isinstance(reinterpreted_batch_ndims, bool)):
            raise TypeError(f"reinterpreted_batch_ndims must be an int, got "
                            f"{reinterpreted_batch_ndims!r}.")
        if reinterpreted_batch_ndims < 0:
            raise ValueError(f"reinterpreted_batch_ndims({reinterpreted_batch_ndims}) must "
                             f"be non-negative.")
        if reinterpreted_batch_ndims > batch_ndims:
            raise ValueError(f"reinterpreted_batch_ndims({reinterpreted_batch_ndims}) cannot "
                             f"exceed distribution.batch_ndims({batch_ndims})")
        self._distribution = distribution
        self._ndims = reinterpreted_batch_ndims
        super().__init__(dtype=distribution.dtype,
                         reparameterization_type=distribution.reparameterization_type,
                         validate_args=validate_args,
                         allow_nan_stats=distribution.allow_nan_stats,
                         parameters=parameters, graph_parents=[],
                         name=name or "Independent" + distribution.name)

    @property
    def distribution(self) -> Any:
        """The base distribution."""
        return self._distribution

    @property
    def reinterpreted_batch_ndims(self) -> int:
        """How many batch axes of the base are event axes here."""
        return self._ndims

    def _split(self) -> int:
        return self._distribution.batch_shape.ndims - self._ndims

    def _batch_shape(self) -> TensorShape:
        return self._distribution.batch_shape[:self._split()]

    def _event_shape(self) -> TensorShape:
        base = self._distribution
        return base.batch_shape[self._split():].concatenate(base.event_shape)

    def _batch_shape_tensor(self) -> Tensor:
        return self._distribution.batch_shape_tensor()[:self._split()]

    def _event_shape_tensor(self) -> Tensor:
        base = self._distribution
        return tk.concat([base.batch_shape_tensor()[self._split():],
                          base.event_shape_tensor()], 0)

    def _reduce(self, t: Tensor) -> Tensor:
        return tk.reduce_sum(t, list(range(-self._ndims, 0))) if self._ndims else t

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        return self._distribution.sample(n, seed=seed)

    def _log_prob(self, x: Tensor) -> Tensor:
        return self._reduce(self._distribution.log_prob(x))

    def _entropy(self) -> Tensor:
        return self._reduce(self._distribution.entropy())

    def _mean(self) -> Tensor:
        return self._distribution.mean()

    def _variance(self) -> Tensor:
        return self._distribution.variance()

    def _stddev(self) -> Tensor:
        return self._distribution.stddev()

    def _mode(self) -> Tensor:
        return self._distribution.mode()


@_base.RegisterKL(Independent, Independent)
def _kl_independent(p: Independent, q: Independent, name: str | None = None) -> Tensor:
    """The sum over the reinterpreted axes of the bases' KL (both must move the same
    axes into the event).

    Raises:
        NotImplementedError: if the event shapes differ or the bases' event shapes differ.
    """
    if (p.event_shape != q.event_shape
            or p.distribution.event_shape != q.distribution.event_shape
            or not p.event_shape.is_fully_defined()):
        raise NotImplementedError("KL(Independent || Independent) needs equal, fully "
                                  "defined event shapes of both and of both bases.")
    with tk.name_scope(name, "kl_independent", []):
        kl = _base.kl_divergence(p.distribution, q.distribution)
        return p._reduce(kl)


__all__ = ["Independent"]
