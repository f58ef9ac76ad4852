"""``tf.distributions.Uniform``: constant density on ``[low, high)``; reparameterized
samples ``low + (high - low) * U(0, 1)``.

Example:
    >>> Uniform(low=0.0, high=[1.0, 2.0]).entropy()     # [0, log 2]
"""

from __future__ import annotations

import math
from typing import Any

from trainkit.framework.graph import control_dependencies, name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, random_ops
from trainkit.ops.check_extras import assert_same_float_dtype
from trainkit.ops.check_ops import assert_less
from trainkit.ops.distributions import dist_util, distribution
from trainkit.ops.misc_ops import where_v2


class Uniform(dist_util.ScalarEvent, distribution.Distribution):
    """The continuous uniform distribution on ``[low, high)``.

    Args:
        low, high: float tensors (``low < high``; checked with ``validate_args``).
        validate_args, allow_nan_stats, name: as ``Distribution``.
    """

    _PARAM_NAMES = ("low", "high")
    BATCH_PARAMS = ("low", "high")

    def __init__(self, low: Any = 0.0, high: Any = 1.0, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "Uniform") -> None:
        parameters = dict(locals())
        with name_scope(name, values=[low, high]) as name:
            deps = [assert_less(low, high, message="uniform not defined when low >= high.")]
            with control_dependencies(deps if validate_args else []):
                self._low = array_ops.identity(low, name="low")
                self._high = array_ops.identity(high, name="high")
                assert_same_float_dtype([self._low, self._high])
        super().__init__(dtype=self._low.dtype,
                         reparameterization_type=distribution.FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._low, self._high],
                         name=name)

    @property
    def low(self) -> Tensor:
        """The lower bounds."""
        return self._low

    @property
    def high(self) -> Tensor:
        """The upper bounds."""
        return self._high

    def range(self, name: str = "range") -> Tensor:
        """``high - low``."""
        with self._name_scope(name):
            return self.high - self.low


    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        shape = array_ops.concat([dist_util.count_shape(n), self.batch_shape_tensor()], 0)
        u = random_ops.random_uniform(shape, dtype=self.dtype, seed=seed)
        return self.low + self.range() * u

    def _prob(self, x: Tensor) -> Tensor:
        bx = x * array_ops.ones(self.batch_shape_tensor(), dtype=x.dtype)
        inside = where_v2(math_ops.logical_or(bx < self.low, bx >= self.high),
                          array_ops.zeros_like(bx), array_ops.ones_like(bx) / self.range())
        return where_v2(math_ops.is_nan(bx), bx, inside)

    def _cdf(self, x: Tensor) -> Tensor:
        bx = x * array_ops.ones(self.batch_shape_tensor(), dtype=x.dtype)
        below = where_v2(bx < self.low, array_ops.zeros_like(bx), (bx - self.low) / self.range())
        return where_v2(bx >= self.high, array_ops.ones_like(bx), below)

    def _entropy(self) -> Tensor:
        return math_ops.log(self.range())

    def _mean(self) -> Tensor:
        return (self.low + self.high) / 2.0

    def _variance(self) -> Tensor:
        return math_ops.square(self.range()) / 12.0

    def _stddev(self) -> Tensor:
        return self.range() / math.sqrt(12.0)


__all__ = ["Uniform"]
