"""``tf.distributions.Beta`` on ``[0, 1]`` with ``concentration1`` (``alpha``) and
``concentration0`` (``beta``); samples ``G1 / (G1 + G0)`` of two gamma draws; the
Beta-Beta KL.

Samples carry gradients to both concentrations (``random_gamma``'s implicit
reparameterization gradient), as TF's.

Example:
    >>> Beta(2.0, 3.0).mean()        # 0.4
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.check_extras import assert_same_float_dtype
from trainkit.ops.check_ops import assert_less, assert_positive
from trainkit.ops.control_flow_ops import with_dependencies
from trainkit.ops.distributions import dist_util, distribution
from trainkit.ops.distributions.kullback_leibler import RegisterKL
from trainkit.ops.math_more import digamma, lgamma, xlogy
from trainkit.ops.random_more import random_gamma
from trainkit.ops.special_functions import betainc


def _checked_concentration(c: Tensor, validate_args: bool) -> Tensor:
    if not validate_args:
        return c
    return with_dependencies(
        [assert_positive(c, message="Concentration parameter must be positive.")], c)


class Beta(distribution.Distribution):
    """The Beta distribution, density ``x^(a-1) (1-x)^(b-1) / B(a, b)``.

    Args:
        concentration1: float tensor ``a > 0`` (pulls mass toward 1).
        concentration0: float tensor ``b > 0`` (pulls mass toward 0).
        validate_args: check both are positive, and arguments lie in ``(0, 1)``.
        allow_nan_stats: whether ``mode`` is NaN where undefined (else a run-time error).
        name: the name scope.
    """

    _PARAM_NAMES = ("concentration1", "concentration0")

    def __init__(self, concentration1: Any = None, concentration0: Any = None,
                 validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "Beta") -> None:
        parameters = dict(locals())
        with name_scope(name, values=[concentration1, concentration0]) as name:
            self._concentration1 = _checked_concentration(conversion.convert_to_tensor(
                concentration1, name="concentration1"), validate_args)
            self._concentration0 = _checked_concentration(conversion.convert_to_tensor(
                concentration0, name="concentration0"), validate_args)
            assert_same_float_dtype([self._concentration1, self._concentration0])
            self._total_concentration = self._concentration1 + self._concentration0
        super().__init__(dtype=self._total_concentration.dtype,
                         reparameterization_type=distribution.FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._concentration1, self._concentration0,
                                        self._total_concentration], name=name)

    @property
    def concentration1(self) -> Tensor:
        """``alpha``."""
        return self._concentration1

    @property
    def concentration0(self) -> Tensor:
        """``beta``."""
        return self._concentration0

    @property
    def total_concentration(self) -> Tensor:
        """``alpha + beta``."""
        return self._total_concentration

    def _batch_shape_tensor(self) -> Tensor:
        return array_ops.shape(self.total_concentration)

    def _batch_shape(self) -> TensorShape:
        return self.total_concentration.shape

    def _event_shape_tensor(self) -> Tensor:
        return array_ops.zeros([0], dtype=_dt.int32)

    def _event_shape(self) -> TensorShape:
        return TensorShape([])

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        ones = array_ops.ones_like(self.total_concentration)
        shape = dist_util.count_shape(n)
        g1 = random_gamma(shape, alpha=ones * self.concentration1, dtype=self.dtype,
                          seed=seed)
        g0 = random_gamma(shape, alpha=ones * self.concentration0, dtype=self.dtype,
                          seed=dist_util.gen_new_seed(seed, "beta"))
        return g1 / (g1 + g0)

    def _valid_sample(self, x: Tensor) -> Tensor:
        if not self.validate_args:
            return x
        return with_dependencies(
            [assert_positive(x, message="sample must be positive"),
             assert_less(x, array_ops.ones([], self.dtype),
                         message="sample must be less than `1`.")], x)

    def _log_normalization(self) -> Tensor:
        return (lgamma(self.concentration1) + lgamma(self.concentration0)
                - lgamma(self.total_concentration))

    def _log_prob(self, x: Tensor) -> Tensor:
        x = self._valid_sample(x)
        unnormalized = (xlogy(self.concentration1 - 1.0, x)
                        + (self.concentration0 - 1.0) * math_ops.log1p(-x))
        return unnormalized - self._log_normalization()

    def _prob(self, x: Tensor) -> Tensor:
        return math_ops.exp(self._log_prob(x))

    def _cdf(self, x: Tensor) -> Tensor:
        return betainc(self.concentration1, self.concentration0, x)

    def _log_cdf(self, x: Tensor) -> Tensor:
        return math_ops.log(self._cdf(x))

    def _entropy(self) -> Tensor:
        a, b, t = self.concentration1, self.concentration0, self.total_concentration
        return (self._log_normalization() - (a - 1.0) * digamma(a)
                - (b - 1.0) * digamma(b) + (t - 2.0) * digamma(t))

    def _mean(self) -> Tensor:
        return self.concentration1 / self.total_concentration

    def _variance(self) -> Tensor:
        m = self._mean()
        return m * (1.0 - m) / (1.0 + self.total_concentration)

    def _mode(self) -> Tensor:
        mode = (self.concentration1 - 1.0) / (self.total_concentration - 2.0)
        defined = math_ops.logical_and(self.concentration1 > 1.0, self.concentration0 > 1.0)
        return dist_util.undefined_where(self, defined, mode,
                                         "Mode undefined for concentration1 <= 1 or "
                                         "concentration0 <= 1.")


@RegisterKL(Beta, Beta)
def _kl_beta_beta(d1: Beta, d2: Beta, name: str | None = None) -> Tensor:
    """``KL(Beta(a1, b1) || Beta(a2, b2))`` in closed form."""
    with name_scope(name, "kl_beta_beta",
                    [d1.concentration1, d1.concentration0, d1.total_concentration,
                     d2.concentration1, d2.concentration0, d2.total_concentration]):
        return (d2._log_normalization() - d1._log_normalization()
                - digamma(d1.concentration1) * (d2.concentration1 - d1.concentration1)
                - digamma(d1.concentration0) * (d2.concentration0 - d1.concentration0)
                + digamma(d1.total_concentration)
                * (d2.total_concentration - d1.total_concentration))


__all__ = ["Beta"]
