"""``tf.distributions.Gamma`` (concentration ``a``, rate ``b``: density
``b^a x^(a-1) exp(-b x) / Gamma(a)``), ``tf.distributions.Exponential`` (the Gamma with
``a = 1``), and the Gamma-Gamma KL.

Samples carry gradients to ``rate`` and (through ``random_gamma``'s implicit
reparameterization gradient) to ``concentration``, as TF's.

Example:
    >>> Gamma(concentration=2.0, rate=0.5).mean()     # 4.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework.graph import control_dependencies, name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, random_ops
from trainkit.ops.check_extras import assert_same_float_dtype
from trainkit.ops.check_ops import assert_positive
from trainkit.ops.control_flow_ops import with_dependencies
from trainkit.ops.distributions import dist_util, distribution
from trainkit.ops.distributions.kullback_leibler import RegisterKL
from trainkit.ops.math_more import digamma, lgamma, xlogy
from trainkit.ops.random_more import random_gamma
from trainkit.ops.special_functions import igamma


class Gamma(dist_util.ScalarEvent, distribution.Distribution):
    """The Gamma distribution.

    Args:
        concentration: float tensor ``a > 0`` (the shape).
        rate: float tensor ``b > 0`` (the inverse scale).
        validate_args: check both are positive (and ``cdf``/``log_prob`` arguments too)
            at run time.
        allow_nan_stats: whether ``mode`` is NaN where ``a <= 1`` (else a run-time error).
        name: the name scope.
    """

    _PARAM_NAMES = ("concentration", "rate")
    BATCH_PARAMS = ("concentration", "rate")

    def __init__(self, concentration: Any, rate: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "Gamma") -> None:
        parameters = dict(locals())
        with name_scope(name, values=[concentration, rate]) as name:
            deps = [assert_positive(concentration), assert_positive(rate)]
            with control_dependencies(deps if validate_args else []):
                self._concentration = array_ops.identity(concentration, name="concentration")
                self._rate = array_ops.identity(rate, name="rate")
                assert_same_float_dtype([self._concentration, self._rate])
        super().__init__(dtype=self._concentration.dtype,
                         reparameterization_type=distribution.FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._concentration, self._rate], name=name)

    @property
    def concentration(self) -> Tensor:
        """The concentrations (shapes) ``a``."""
        return self._concentration

    @property
    def rate(self) -> Tensor:
        """The rates ``b``."""
        return self._rate


    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        a = self.concentration * array_ops.ones_like(self.rate)
        return random_gamma(dist_util.count_shape(n), alpha=a, dtype=self.dtype,
                            seed=seed) / self.rate

    def _valid_sample(self, x: Tensor) -> Tensor:
        assert_same_float_dtype(tensors=[x], dtype=self.dtype)
        if not self.validate_args:
            return x
        return with_dependencies([assert_positive(x)], x)

    def _log_prob(self, x: Tensor) -> Tensor:
        x = self._valid_sample(x)
        unnormalized = xlogy(self.concentration - 1.0, x) - self.rate * x
        normalization = lgamma(self.concentration) - self.concentration * math_ops.log(
            self.rate)
        return unnormalized - normalization

    def _cdf(self, x: Tensor) -> Tensor:
        x = self._valid_sample(x)
        return igamma(self.concentration, self.rate * x)

    def _entropy(self) -> Tensor:
        a = self.concentration
        return (a - math_ops.log(self.rate) + lgamma(a) + (1.0 - a) * digamma(a))

    def _mean(self) -> Tensor:
        return self.concentration / self.rate

    def _variance(self) -> Tensor:
        return self.concentration / math_ops.square(self.rate)

    def _stddev(self) -> Tensor:
        return math_ops.sqrt(self.concentration) / self.rate

    def _mode(self) -> Tensor:
        mode = (self.concentration - 1.0) / self.rate
        mode = mode * array_ops.ones(self.batch_shape_tensor(), self.dtype)
        return dist_util.undefined_where(self, self.concentration > 1.0, mode,
                                         "mode not defined when any concentration <= 1")


class Exponential(Gamma):
    """The exponential distribution with ``rate`` (density ``rate exp(-rate x)``): a Gamma
    with concentration 1, sampled as ``-log(U) / rate``.

    Args:
        rate: float tensor ``> 0``.
        validate_args, allow_nan_stats, name: as ``Gamma``.
    """

    _PARAM_NAMES = ("rate",)

    def __init__(self, rate: Any, validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "Exponential") -> None:
        parameters = dict(locals())
        with name_scope(name, values=[rate]) as name:
            self._rate = conversion.convert_to_tensor(rate, name="rate")
        super().__init__(concentration=array_ops.ones([], dtype=self._rate.dtype),
                         rate=self._rate, allow_nan_stats=allow_nan_stats,
                         validate_args=validate_args, name=name)
        self._parameters = {k: v for k, v in parameters.items()
                            if k not in ("self", "__class__")}
        self._graph_parents = self._graph_parents + [self._rate]

    @property
    def rate(self) -> Tensor:
        """The rates."""
        return self._rate

    def _log_survival_function(self, value: Tensor) -> Tensor:
        return self._log_prob(value) - math_ops.log(self._rate)

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        shape = array_ops.concat([dist_util.count_shape(n), array_ops.shape(self._rate)], 0)
        tiny = float(np.finfo(self.dtype.np_dtype).tiny)
        u = random_ops.random_uniform(shape, minval=tiny, maxval=1.0, dtype=self.dtype,
                                      seed=seed)
        return -math_ops.log(u) / self._rate


@RegisterKL(Gamma, Gamma)
def _kl_gamma_gamma(g0: Gamma, g1: Gamma, name: str | None = None) -> Tensor:
    """``KL(Gamma(a0, b0) || Gamma(a1, b1))`` in closed form."""
    with name_scope(name, "kl_gamma_gamma",
                    [g0.concentration, g0.rate, g1.concentration, g1.rate]):
        a0, b0, a1, b1 = g0.concentration, g0.rate, g1.concentration, g1.rate
        return ((a0 - a1) * digamma(a0) + lgamma(a1) - lgamma(a0)
                + a1 * math_ops.log(b0) - a1 * math_ops.log(b1) + a0 * (b1 / b0 - 1.0))


__all__ = ["Gamma", "Exponential"]
