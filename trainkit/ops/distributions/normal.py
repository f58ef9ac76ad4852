"""``tf.distributions.Normal``: the Gaussian with mean ``loc`` and std ``scale``;
reparameterized samples ``loc + scale * N(0, 1)``; the Normal-Normal KL.

Example:
    >>> d = Normal(loc=[0.0, 1.0], scale=2.0)    # batch_shape [2]
    >>> d.log_prob(0.5)
"""

from __future__ import annotations

import math
from typing import Any

from trainkit.framework.graph import control_dependencies, name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, random_ops
from trainkit.ops.check_extras import assert_same_float_dtype
from trainkit.ops.check_ops import assert_positive
from trainkit.ops.distributions import dist_util, distribution
from trainkit.ops.distributions.kullback_leibler import RegisterKL
from trainkit.ops.misc_more import ndtri


class Normal(dist_util.ScalarEvent, distribution.Distribution):
    """The normal distribution ``N(loc, scale**2)``, batched by broadcasting.

    Args:
        loc: float tensor of means.
        scale: float tensor of standard deviations (> 0; checked at run time with
            ``validate_args``).
        validate_args: add the run-time check ``scale > 0`` (``InvalidArgumentError``).
        allow_nan_stats: kept for the API (every Normal statistic is defined).
        name: the name scope.

    Raises:
        TypeError: if ``loc`` and ``scale`` have different float dtypes.
    """

    _PARAM_NAMES = ("loc", "scale")
    BATCH_PARAMS = ("loc", "scale")

    def __init__(self, loc: Any, scale: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "Normal") -> None:
        parameters = dict(locals())
        with name_scope(name, values=[loc, scale]) as name:
            with control_dependencies([assert_positive(scale)] if validate_args else []):
                self._loc = array_ops.identity(loc, name="loc")
                self._scale = array_ops.identity(scale, name="scale")
                assert_same_float_dtype([self._loc, self._scale])
        super().__init__(dtype=self._scale.dtype,
                         reparameterization_type=distribution.FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._loc, self._scale],
                         name=name)

    @property
    def loc(self) -> Tensor:
        """The means."""
        return self._loc

    @property
    def scale(self) -> Tensor:
        """The standard deviations."""
        return self._scale


    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        shape = array_ops.concat([dist_util.count_shape(n), self.batch_shape_tensor()], 0)
        sampled = random_ops.random_normal(shape, 0.0, 1.0, dtype=self.loc.dtype, seed=seed)
        return sampled * self.scale + self.loc

    def _z(self, x: Tensor) -> Tensor:
        with name_scope("standardize", values=[x]):
            return (x - self.loc) / self.scale

    def _log_prob(self, x: Tensor) -> Tensor:
        return (-0.5 * math_ops.square(self._z(x))
                - (0.5 * math.log(2.0 * math.pi) + math_ops.log(self.scale)))

    def _cdf(self, x: Tensor) -> Tensor:
        return dist_util.ndtr(self._z(x))

    def _log_cdf(self, x: Tensor) -> Tensor:
        return dist_util.log_ndtr(self._z(x))

    def _survival_function(self, x: Tensor) -> Tensor:
        return dist_util.ndtr(-self._z(x))

    def _log_survival_function(self, x: Tensor) -> Tensor:
        return dist_util.log_ndtr(-self._z(x))

    def _quantile(self, p: Tensor) -> Tensor:
        with name_scope("reconstruct", values=[p]):
            return ndtri(p) * self.scale + self.loc

    def _entropy(self) -> Tensor:
        scale = self.scale * array_ops.ones_like(self.loc)
        return 0.5 * math.log(2.0 * math.pi * math.e) + math_ops.log(scale)

    def _mean(self) -> Tensor:
        return self.loc * array_ops.ones_like(self.scale)

    def _stddev(self) -> Tensor:
        return self.scale * array_ops.ones_like(self.loc)

    def _mode(self) -> Tensor:
        return self._mean()


@RegisterKL(Normal, Normal)
def _kl_normal_normal(n_a: Normal, n_b: Normal, name: str | None = None) -> Tensor:
    """``KL(N(m_a, s_a) || N(m_b, s_b))`` in closed form."""
    with name_scope(name, "kl_normal_normal", [n_a.loc, n_b.loc]):
        s_a2, s_b2 = math_ops.square(n_a.scale), math_ops.square(n_b.scale)
        ratio = s_a2 / s_b2
        return (math_ops.squared_difference(n_a.loc, n_b.loc) / (2.0 * s_b2)
                + 0.5 * (ratio - 1.0 - math_ops.log(ratio)))


__all__ = ["Normal"]
