"""``tf.distributions.Laplace``: density ``exp(-|x - loc| / scale) / (2 scale)``;
reparameterized samples by inverting the cdf of a uniform draw in ``(-1, 1)``.

Example:
    >>> Laplace(loc=0.0, scale=1.0).cdf(0.0)    # 0.5
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainkit.framework.graph import control_dependencies, name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, random_ops
from trainkit.ops.check_extras import assert_same_float_dtype
from trainkit.ops.check_ops import assert_positive
from trainkit.ops.distributions import dist_util, distribution
from trainkit.ops.misc_ops import where_v2


class Laplace(dist_util.ScalarEvent, distribution.Distribution):
    """The Laplace (double exponential) distribution.

    Args:
        loc: float tensor of locations (the mean, median and mode).
        scale: float tensor of scales (> 0; checked with ``validate_args``).
        validate_args, allow_nan_stats, name: as ``Distribution``.
    """

    _PARAM_NAMES = ("loc", "scale")
    BATCH_PARAMS = ("loc", "scale")

    def __init__(self, loc: Any, scale: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "Laplace") -> None:
        parameters = dict(locals())
        with name_scope(name, values=[loc, scale]) as name:
            with control_dependencies([assert_positive(scale)] if validate_args else []):
                self._loc = array_ops.identity(loc, name="loc")
                self._scale = array_ops.identity(scale, name="scale")
                assert_same_float_dtype([self._loc, self._scale])
            super().__init__(dtype=self._loc.dtype,
                             reparameterization_type=distribution.FULLY_REPARAMETERIZED,
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             parameters=parameters, graph_parents=[self._loc, self._scale],
                             name=name)

    @property
    def loc(self) -> Tensor:
        """The locations."""
        return self._loc

    @property
    def scale(self) -> Tensor:
        """The scales."""
        return self._scale


    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        shape = array_ops.concat([dist_util.count_shape(n), self.batch_shape_tensor()], 0)
        np_dt = self.dtype.np_dtype
        low = float(np.nextafter(np_dt.type(-1.0), np_dt.type(0.0)))
        u = random_ops.random_uniform(shape, minval=low, maxval=1.0, dtype=self.dtype,
                                      seed=seed)
        return self.loc - self.scale * math_ops.sign(u) * math_ops.log1p(-math_ops.abs(u))

    def _z(self, x: Tensor) -> Tensor:
        return (x - self.loc) / self.scale

    def _log_prob(self, x: Tensor) -> Tensor:
        return -math_ops.abs(self._z(x)) - (math.log(2.0) + math_ops.log(self.scale))

    def _prob(self, x: Tensor) -> Tensor:
        return math_ops.exp(self._log_prob(x))

    def _cdf(self, x: Tensor) -> Tensor:
        z = self._z(x)
        return 0.5 + 0.5 * math_ops.sign(z) * (1.0 - math_ops.exp(-math_ops.abs(z)))

    @staticmethod
    def _log_cdf_z(z: Tensor) -> Tensor:
        # log(exp(z) / 2) below 0; log(1 - exp(-z) / 2) above.
        lower = math.log(0.5) + math_ops.minimum(z, 0.0)
        upper = math_ops.log1p(-0.5 * math_ops.exp(-math_ops.maximum(z, 0.0)))
        return where_v2(z < 0.0, lower, upper)

    def _log_cdf(self, x: Tensor) -> Tensor:
        return self._log_cdf_z(self._z(x))

    def _log_survival_function(self, x: Tensor) -> Tensor:
        return self._log_cdf_z(-self._z(x))

    def _entropy(self) -> Tensor:
        scale = self.scale + array_ops.zeros_like(self.loc)
        return math.log(2.0) + 1.0 + math_ops.log(scale)

    def _mean(self) -> Tensor:
        return self.loc + array_ops.zeros_like(self.scale)

    def _stddev(self) -> Tensor:
        return math.sqrt(2.0) * self.scale + array_ops.zeros_like(self.loc)

    def _mode(self) -> Tensor:
        return self._mean()


__all__ = ["Laplace"]
