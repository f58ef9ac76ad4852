"""``tf.distributions.StudentT`` with degrees of freedom ``df``, ``loc`` and ``scale``;
reparameterized samples ``loc + scale * Z / sqrt(G / df)`` (``G`` a chi-square draw).

Samples carry gradients to ``loc``, ``scale`` and ``df`` (``random_gamma``'s implicit
reparameterization gradient), as TF's.

Example:
    >>> StudentT(df=3.0, loc=0.0, scale=1.0).variance()      # 3.0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework.graph import control_dependencies, name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, random_ops
from trainkit.ops.check_extras import assert_same_float_dtype
from trainkit.ops.check_ops import assert_positive
from trainkit.ops.distributions import dist_util, distribution
from trainkit.ops.math_more import digamma, lgamma
from trainkit.ops.misc_ops import where_v2
from trainkit.ops.random_more import random_gamma
from trainkit.ops.special_functions import betainc


class StudentT(dist_util.ScalarEvent, distribution.Distribution):
    """Student's t distribution.

    Args:
        df: float tensor of degrees of freedom (> 0; checked with ``validate_args``).
        loc: float tensor of locations.
        scale: float tensor of scales.
        validate_args: check ``df > 0`` at run time.
        allow_nan_stats: whether ``mean``/``variance`` are NaN for ``df <= 1`` (else a
            run-time error).
        name: the name scope.
    """

    _PARAM_NAMES = ("df", "loc", "scale")
    BATCH_PARAMS = ("df", "loc", "scale")

    def __init__(self, df: Any, loc: Any, scale: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "StudentT") -> None:
        parameters = dict(locals())
        with name_scope(name, values=[df, loc, scale]) as name:
            with control_dependencies([assert_positive(df)] if validate_args else []):
                self._df = array_ops.identity(df, name="df")
                self._loc = array_ops.identity(loc, name="loc")
                self._scale = array_ops.identity(scale, name="scale")
                assert_same_float_dtype((self._df, self._loc, self._scale))
        super().__init__(dtype=self._scale.dtype,
                         reparameterization_type=distribution.FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._df, self._loc, self._scale], name=name)

    @property
    def df(self) -> Tensor:
        """The degrees of freedom."""
        return self._df

    @property
    def loc(self) -> Tensor:
        """The locations."""
        return self._loc

    @property
    def scale(self) -> Tensor:
        """The scales."""
        return self._scale


    def _ones(self) -> Tensor:
        return array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        shape = array_ops.concat([dist_util.count_shape(n), self.batch_shape_tensor()], 0)
        z = random_ops.random_normal(shape, dtype=self.dtype, seed=seed)
        df = self.df * self._ones()
        chi2 = random_gamma(dist_util.count_shape(n), 0.5 * df, beta=0.5, dtype=self.dtype,
                            seed=dist_util.gen_new_seed(seed, "student_t"))
        return z * math_ops.rsqrt(chi2 / df) * self.scale + self.loc

    def _log_normalization(self) -> Tensor:
        return (math_ops.log(math_ops.abs(self.scale)) + 0.5 * math_ops.log(self.df)
                + 0.5 * np.log(np.pi) + lgamma(0.5 * self.df)
                - lgamma(0.5 * (self.df + 1.0)))

    def _log_prob(self, x: Tensor) -> Tensor:
        y = (x - self.loc) / self.scale
        unnormalized = -0.5 * (self.df + 1.0) * math_ops.log1p(math_ops.square(y) / self.df)
        return unnormalized - self._log_normalization()

    def _cdf(self, x: Tensor) -> Tensor:
        y = (x - self.loc) / math_ops.abs(self.scale)
        x_t = self.df / (math_ops.square(y) + self.df)
        neg_cdf = 0.5 * betainc(0.5 * self.df, 0.5 * array_ops.ones_like(x_t), x_t)
        return where_v2(y < 0.0, neg_cdf, 1.0 - neg_cdf)

    def _entropy(self) -> Tensor:
        df = self.df * self._ones()
        half_df = 0.5 * df
        half_df1 = 0.5 * (df + 1.0)
        # log B(df/2, 1/2) from lgamma; TF's lbeta over the pair is the same number.
        lbeta_pair = lgamma(half_df) + lgamma(0.5 * self._ones()) - lgamma(half_df1)
        return (math_ops.log(math_ops.abs(self.scale)) + 0.5 * math_ops.log(df) + lbeta_pair
                + half_df1 * (digamma(half_df1) - digamma(half_df)))

    def _mean(self) -> Tensor:
        mean = self.loc * self._ones()
        return dist_util.undefined_where(self, self.df * self._ones() > 1.0, mean,
                                         "mean not defined for components of df <= 1")

    def _variance(self) -> Tensor:
        df = self.df * self._ones()
        denom = where_v2(df > 2.0, df - 2.0, array_ops.ones_like(df))
        var = math_ops.square(self.scale) * df / denom
        inf = array_ops.fill(array_ops.shape(var), np.array(np.inf, self.dtype.np_dtype))
        var = where_v2(df > 2.0, var, inf)
        return dist_util.undefined_where(self, df > 1.0, var,
                                         "variance not defined for components of df <= 1")

    def _mode(self) -> Tensor:
        return array_ops.identity(self.loc)


__all__ = ["StudentT"]
