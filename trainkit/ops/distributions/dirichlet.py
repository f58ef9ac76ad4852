"""``tf.distributions.Dirichlet``: distributions over the ``K``-simplex (the last axis of
``concentration``); samples are normalized gamma draws; the Dirichlet-Dirichlet KL.

Samples carry gradients to ``concentration`` (``random_gamma``'s implicit
reparameterization gradient), as TF's.

Example:
    >>> Dirichlet([1.0, 2.0, 3.0]).mean()        # [1/6, 1/3, 1/2]
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.check_extras import assert_near, assert_rank_at_least
from trainkit.ops.check_ops import assert_less, assert_positive
from trainkit.ops.control_flow_ops import with_dependencies
from trainkit.ops.distributions import dist_util, distribution
from trainkit.ops.distributions.kullback_leibler import RegisterKL
from trainkit.ops.linalg_ops import matrix_set_diag
from trainkit.ops.math_more import digamma, xlogy
from trainkit.ops.misc_more import lbeta
from trainkit.ops.random_more import random_gamma


class Dirichlet(distribution.Distribution):
    """The Dirichlet distribution, density ``prod x_k^(c_k - 1) / B(c)`` on the simplex.

    Args:
        concentration: float tensor ``[..., K]`` of positive concentrations (K >= 2).
        validate_args: check the concentration (positive, rank >= 1, K >= 2) and that
            ``log_prob`` arguments are positive and sum to 1, at run time.
        allow_nan_stats: whether ``mode`` is NaN where undefined (else a run-time error).
        name: the name scope.
    """

    def __init__(self, concentration: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "Dirichlet") -> None:
        parameters = dict(locals())
        with name_scope(name, values=[concentration]) as name:
            c = conversion.convert_to_tensor(concentration, name="concentration")
            if validate_args:
                c = with_dependencies([
                    assert_positive(c, message="Concentration parameter must be positive."),
                    assert_rank_at_least(c, 1, message="Concentration parameter must have "
                                         ">=1 dimensions."),
                    assert_less(1, array_ops.shape(c)[-1], message="Concentration "
                                "parameter must have event_size >= 2.")], c)
            self._concentration = c
            self._total_concentration = math_ops.reduce_sum(c, -1)
        super().__init__(dtype=self._concentration.dtype,
                         reparameterization_type=distribution.FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._concentration, self._total_concentration],
                         name=name)

    @property
    def concentration(self) -> Tensor:
        """The concentrations, ``[..., K]``."""
        return self._concentration

    @property
    def total_concentration(self) -> Tensor:
        """Their sum over the last axis."""
        return self._total_concentration

    def _batch_shape_tensor(self) -> Tensor:
        return array_ops.shape(self.total_concentration)

    def _batch_shape(self) -> TensorShape:
        return self.total_concentration.shape

    def _event_shape_tensor(self) -> Tensor:
        return array_ops.shape(self.concentration)[-1:]

    def _event_shape(self) -> TensorShape:
        s = self.concentration.shape.with_rank_at_least(1)
        return s[-1:] if s.ndims is not None else TensorShape([None])

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        g = random_gamma(dist_util.count_shape(n), alpha=self.concentration,
                         dtype=self.dtype, seed=seed)
        return g / math_ops.reduce_sum(g, -1, keepdims=True)

    def _valid_sample(self, x: Tensor) -> Tensor:
        if not self.validate_args:
            return x
        one = array_ops.ones([], dtype=self.dtype)
        return with_dependencies([
            assert_positive(x, message="samples must be positive"),
            assert_near(one, math_ops.reduce_sum(x, -1),
                        message="sample last-dimension must sum to `1`")], x)

    def _log_prob(self, x: Tensor) -> Tensor:
        x = self._valid_sample(x)
        unnormalized = math_ops.reduce_sum(xlogy(self.concentration - 1.0, x), -1)
        return unnormalized - lbeta(self.concentration)

    def _prob(self, x: Tensor) -> Tensor:
        return math_ops.exp(self._log_prob(x))

    def _k(self) -> Tensor:
        return math_ops.cast(self.event_shape_tensor()[0], self.dtype)

    def _entropy(self) -> Tensor:
        t = self.total_concentration
        return (lbeta(self.concentration) + (t - self._k()) * digamma(t)
                - math_ops.reduce_sum((self.concentration - 1.0) * digamma(self.concentration),
                                      -1))

    def _mean(self) -> Tensor:
        return self.concentration / array_ops.expand_dims(self.total_concentration, -1)

    def _variance_scale(self) -> Tensor:
        return math_ops.rsqrt(1.0 + array_ops.expand_dims(self.total_concentration, -1))

    def _variance(self) -> Tensor:
        scale = self._variance_scale()
        x = scale * self._mean()
        return x * (scale - x)

    def _covariance(self) -> Tensor:
        x = self._variance_scale() * self._mean()
        outer = -math_ops.matmul(array_ops.expand_dims(x, -1), array_ops.expand_dims(x, -2))
        return matrix_set_diag(outer, self._variance())

    def _mode(self) -> Tensor:
        mode = (self.concentration - 1.0) / (
            array_ops.expand_dims(self.total_concentration, -1) - self._k())
        defined = math_ops.reduce_all(self.concentration > 1.0, -1, keepdims=True)
        defined = math_ops.logical_and(defined, array_ops.ones_like(mode) > 0.0)
        return dist_util.undefined_where(self, defined, mode,
                                         "Mode undefined when any concentration <= 1")


@RegisterKL(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(d1: Dirichlet, d2: Dirichlet, name: str | None = None) -> Tensor:
    """``KL(Dir(c1) || Dir(c2))`` in closed form."""
    with name_scope(name, "kl_dirichlet_dirichlet", [d1.concentration, d2.concentration]):
        digamma_sum = digamma(math_ops.reduce_sum(d1.concentration, -1, keepdims=True))
        digamma_diff = digamma(d1.concentration) - digamma_sum
        diff = d1.concentration - d2.concentration
        return (math_ops.reduce_sum(diff * digamma_diff, -1) - lbeta(d1.concentration)
                + lbeta(d2.concentration))


__all__ = ["Dirichlet"]
