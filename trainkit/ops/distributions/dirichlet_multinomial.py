"""``tf.distributions.DirichletMultinomial``: class counts after ``total_count`` draws
whose class probabilities are themselves Dirichlet(``concentration``) distributed;
samples draw the probabilities from gamma draws, then the counts.

Example:
    >>> DirichletMultinomial(total_count=5.0, concentration=[1.0, 2.0]).mean()  # [5/3, 10/3]
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.check_ops import assert_equal, assert_positive
from trainkit.ops.control_flow_ops import with_dependencies
from trainkit.ops.distributions import dist_util, distribution
from trainkit.ops.distributions.multinomial import multinomial_counts
from trainkit.ops.linalg_ops import matrix_set_diag
from trainkit.ops.misc_more import lbeta
from trainkit.ops.random_more import random_gamma


class DirichletMultinomial(distribution.Distribution):
    """The Dirichlet-multinomial (multivariate Polya) distribution.

    Args:
        total_count: float tensor of the number of draws (whole numbers).
        concentration: float tensor ``[..., K]`` of positive Dirichlet concentrations.
        validate_args: check ``total_count``, ``concentration`` and ``log_prob`` counts at
            run time.
        allow_nan_stats, name: as ``Distribution``.

    Differs from TF: ``mean``/``variance`` broadcast a batched ``total_count`` against
    the batch (TF multiplies it into the class axis).
    """

    def __init__(self, total_count: Any, concentration: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "DirichletMultinomial") -> None:
        parameters = dict(locals())
        with name_scope(name, values=[total_count, concentration]) as name:
            self._total_count = conversion.convert_to_tensor(total_count, name="total_count")
            if validate_args:
                self._total_count = dist_util.check_counts_form(self._total_count)
            c = conversion.convert_to_tensor(concentration, name="concentration")
            if validate_args:
                c = with_dependencies([assert_positive(
                    c, message="Concentration parameter must be positive.")], c)
            self._concentration = c
            self._total_concentration = math_ops.reduce_sum(c, -1)
        super().__init__(dtype=self._concentration.dtype,
                         reparameterization_type=distribution.NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._total_count, self._concentration], name=name)

    @property
    def total_count(self) -> Tensor:
        """The number of draws."""
        return self._total_count

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
        probs = g / math_ops.reduce_sum(g, -1, keepdims=True)
        draws = multinomial_counts(1, self.total_count, probs, self.dtype,
                                   dist_util.gen_new_seed(seed, "dirichlet_multinomial"))
        return draws[0]

    def _valid_sample(self, counts: Tensor) -> Tensor:
        if not self.validate_args:
            return counts
        counts = dist_util.check_counts_form(counts)
        return with_dependencies([assert_equal(
            self.total_count, math_ops.reduce_sum(counts, -1),
            message="counts last-dimension must sum to `self.total_count`")], counts)

    def _log_prob(self, counts: Tensor) -> Tensor:
        counts = self._valid_sample(counts)
        ordered = lbeta(self.concentration + counts) - lbeta(self.concentration)
        return ordered + dist_util.log_combinations(self.total_count, counts)

    def _prob(self, counts: Tensor) -> Tensor:
        return math_ops.exp(self._log_prob(counts))

    def _n(self) -> Tensor:
        return array_ops.expand_dims(self.total_count, -1)

    def _mean(self) -> Tensor:
        return self._n() * (self.concentration
                            / array_ops.expand_dims(self.total_concentration, -1))

    def _variance_scale(self) -> Tensor:
        c0 = array_ops.expand_dims(self.total_concentration, -1)
        return math_ops.sqrt((1.0 + c0 / self._n()) / (1.0 + c0))

    def _variance(self) -> Tensor:
        scale = self._variance_scale()
        x = scale * self._mean()
        return x * (self._n() * scale - x)

    def _covariance(self) -> Tensor:
        x = self._variance_scale() * self._mean()
        outer = -math_ops.matmul(array_ops.expand_dims(x, -1), array_ops.expand_dims(x, -2))
        return matrix_set_diag(outer, self._variance())


__all__ = ["DirichletMultinomial"]
