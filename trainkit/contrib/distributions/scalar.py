"""Scalar continuous distributions of ``tf.contrib.distributions`` not in
``tf.distributions``: ``Logistic``, ``Gumbel``, ``Cauchy``, ``HalfNormal``, ``InverseGamma`` and
``Chi2`` (the Gamma with concentration ``df / 2`` and rate ``1 / 2``).

Example:
    >>> Logistic(loc=0.0, scale=1.0).cdf(0.0)          # 0.5
    >>> Gumbel(loc=0.0, scale=1.0).mean()              # Euler's gamma
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import trainkit as tk
from trainkit import distributions as _base
from trainkit.contrib.distributions.own_parameters import OwnParameters
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.control_flow_ops import with_dependencies
from trainkit.ops.distributions import dist_util

_EULER_GAMMA = 0.5772156649015329


def _tiny(dtype: Any) -> float:
    return float(np.finfo(dtype.np_dtype).tiny)


class _ScalarEvent(_base.Distribution):
    """Shapes of a distribution of scalars whose batch is the broadcast of ``_params``."""

    _params: tuple[Tensor, ...] = ()

    def _batch_shape_tensor(self) -> Tensor:
        return dist_util.dynamic_batch_shape(*self._params)

    def _batch_shape(self) -> TensorShape:
        return dist_util.static_batch_shape(*self._params)

    def _event_shape_tensor(self) -> Tensor:
        return tk.zeros([0], dtype=tk.int32)

    def _event_shape(self) -> TensorShape:
        return TensorShape([])

    def _uniform(self, n: Any, seed: int | None) -> Tensor:
        """Uniforms in the open ``(0, 1)`` (``tiny`` is the smallest normal float, so no
        draw is 0)."""
        shape = tk.concat([dist_util.count_shape(n), self.batch_shape_tensor()], 0)
        return tk.random_uniform(shape, minval=_tiny(self.dtype), maxval=1.0,
                                 dtype=self.dtype, seed=seed)


def _positive(x: Any, name: str, validate_args: bool) -> Tensor:
    t = tk.convert_to_tensor(x, name=name)
    if validate_args:
        t = with_dependencies([tk.assert_positive(t, message=f"{name} must be positive.")], t)
    return tk.identity(t, name=name)


class _LocScale(_ScalarEvent):
    """A ``loc``/``scale`` family: ``X = loc + scale * Z`` for a standard ``Z``."""

    def __init__(self, loc: Any, scale: Any, validate_args: bool, allow_nan_stats: bool,
                 name: str, parameters: dict) -> None:
        with tk.name_scope(name, values=[loc, scale]) as name:
            self._loc = tk.identity(tk.convert_to_tensor(loc, name="loc"), name="loc")
            self._scale = _positive(scale, "scale", validate_args)
            tk.assert_same_float_dtype([self._loc, self._scale])
        self._params = (self._loc, self._scale)
        super().__init__(dtype=self._loc.dtype,
                         reparameterization_type=_base.FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=list(self._params), name=name)

    @property
    def loc(self) -> Tensor:
        """The location."""
        return self._loc

    @property
    def scale(self) -> Tensor:
        """The scale."""
        return self._scale

    def _z(self, x: Tensor) -> Tensor:
        return (x - self._loc) / self._scale

    def _ones(self) -> Tensor:
        return tk.ones(self.batch_shape_tensor(), self.dtype)

    def _mode(self) -> Tensor:
        return self._loc * self._ones()


class Logistic(_LocScale):
    """The logistic distribution: ``cdf(x) = sigmoid((x - loc) / scale)``.

    Args:
        loc: float tensor, the location (mean).
        scale: float tensor ``> 0`` (run-time check with ``validate_args``).
        validate_args, allow_nan_stats, name: as ``Distribution``.

    Raises:
        TypeError: if ``loc`` and ``scale`` have different dtypes.

    Example:
        >>> Logistic(0.0, 1.0).log_prob(0.0)     # log(1/4)
    """

    def __init__(self, loc: Any, scale: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "Logistic") -> None:
        parameters = dict(locals())
        super().__init__(loc, scale, validate_args, allow_nan_stats, name, parameters)

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        u = self._uniform(n, seed)
        return (tk.log(u) - tk.log1p(-u)) * self._scale + self._loc

    def _log_prob(self, x: Tensor) -> Tensor:
        z = self._z(x)
        return -z - 2.0 * tk.nn.softplus(-z) - tk.log(self._scale)

    def _cdf(self, x: Tensor) -> Tensor:
        return tk.sigmoid(self._z(x))

    def _log_cdf(self, x: Tensor) -> Tensor:
        return -tk.nn.softplus(-self._z(x))

    def _survival_function(self, x: Tensor) -> Tensor:
        return tk.sigmoid(-self._z(x))

    def _log_survival_function(self, x: Tensor) -> Tensor:
        return -tk.nn.softplus(self._z(x))

    def _entropy(self) -> Tensor:
        return (tk.log(self._scale) + 2.0) * self._ones()

    def _mean(self) -> Tensor:
        return self._loc * self._ones()

    def _stddev(self) -> Tensor:
        return self._scale * self._ones() * (math.pi / math.sqrt(3.0))


class Gumbel(_LocScale):
    """The Gumbel (maximum) distribution: ``cdf(x) = exp(-exp(-(x - loc) / scale))``.

    Args:
        loc: float tensor, the location (mode).
        scale: float tensor ``> 0`` (run-time check with ``validate_args``).
        validate_args, allow_nan_stats, name: as ``Distribution``.

    Raises:
        TypeError: if ``loc`` and ``scale`` have different dtypes.

    Example:
        >>> Gumbel(0.0, 1.0).sample(3, seed=1)     # -log(-log(U))
    """

    def __init__(self, loc: Any, scale: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "Gumbel") -> None:
        parameters = dict(locals())
        super().__init__(loc, scale, validate_args, allow_nan_stats, name, parameters)

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        u = self._uniform(n, seed)
        return -tk.log(-tk.log(u)) * self._scale + self._loc

    def _log_prob(self, x: Tensor) -> Tensor:
        z = self._z(x)
        return -z - tk.exp(-z) - tk.log(self._scale)

    def _log_cdf(self, x: Tensor) -> Tensor:
        return -tk.exp(-self._z(x))

    def _cdf(self, x: Tensor) -> Tensor:
        return tk.exp(-tk.exp(-self._z(x)))

    def _entropy(self) -> Tensor:
        return (tk.log(self._scale) + 1.0 + _EULER_GAMMA) * self._ones()

    def _mean(self) -> Tensor:
        return self._loc + self._scale * _EULER_GAMMA

    def _stddev(self) -> Tensor:
        return self._scale * self._ones() * (math.pi / math.sqrt(6.0))


class Cauchy(_LocScale):
    """The Cauchy distribution: density ``1 / (pi scale (1 + z^2))``, ``z = (x - loc) /
    scale``; mean and variance are undefined (NaN, or a run-time error without
    ``allow_nan_stats``).

    Args:
        loc: float tensor, the mode and median.
        scale: float tensor ``> 0`` (run-time check with ``validate_args``).
        validate_args, allow_nan_stats, name: as ``Distribution``.

    Example:
        >>> Cauchy(0.0, 1.0).cdf(1.0)     # 0.75
    """

    def __init__(self, loc: Any, scale: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "Cauchy") -> None:
        parameters = dict(locals())
        super().__init__(loc, scale, validate_args, allow_nan_stats, name, parameters)

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        shape = tk.concat([dist_util.count_shape(n), self.batch_shape_tensor()], 0)
        u = tk.random_uniform(shape, dtype=self.dtype, seed=seed)
        return self._loc + self._scale * tk.tan(math.pi * (u - 0.5))

    def _log_prob(self, x: Tensor) -> Tensor:
        return -math.log(math.pi) - tk.log(self._scale) - tk.log1p(tk.square(self._z(x)))

    def _cdf(self, x: Tensor) -> Tensor:
        return tk.atan(self._z(x)) / math.pi + 0.5

    def _quantile(self, p: Tensor) -> Tensor:
        return self._loc + self._scale * tk.tan(math.pi * (p - 0.5))

    def _entropy(self) -> Tensor:
        return tk.log(4.0 * math.pi * self._scale) * self._ones()

    def _undefined(self, what: str) -> Tensor:
        nan = self._loc * self._ones() * float("nan")
        return dist_util.undefined_where(self, tk.zeros_like(nan, dtype=tk.bool), nan,
                                         f"{what} not defined for the Cauchy distribution")

    def _mean(self) -> Tensor:
        return self._undefined("mean")

    def _variance(self) -> Tensor:
        return self._undefined("variance")

    def _stddev(self) -> Tensor:
        return self._undefined("stddev")


class HalfNormal(_ScalarEvent):
    """``|X|`` for ``X ~ Normal(0, scale)``: density ``sqrt(2/pi) / scale
    exp(-x^2 / (2 scale^2))`` on ``x >= 0``.

    Args:
        scale: float tensor ``> 0`` (run-time check with ``validate_args``).
        validate_args, allow_nan_stats, name: as ``Distribution``.

    Example:
        >>> HalfNormal(1.0).mean()     # sqrt(2 / pi)
    """

    def __init__(self, scale: Any, validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "HalfNormal") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[scale]) as name:
            self._scale = _positive(scale, "scale", validate_args)
        self._params = (self._scale,)
        super().__init__(dtype=self._scale.dtype,
                         reparameterization_type=_base.FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._scale], name=name)

    @property
    def scale(self) -> Tensor:
        """The scale of the underlying normal."""
        return self._scale

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        shape = tk.concat([dist_util.count_shape(n), self.batch_shape_tensor()], 0)
        return tk.abs(tk.random_normal(shape, dtype=self.dtype, seed=seed) * self._scale)

    def _log_prob(self, x: Tensor) -> Tensor:
        lp = (0.5 * math.log(2.0 / math.pi) - tk.log(self._scale)
              - 0.5 * tk.square(x / self._scale))
        return tk.where_v2(x < 0.0, tk.constant(-np.inf, lp.dtype), lp)

    def _cdf(self, x: Tensor) -> Tensor:
        c = tk.math.erf(x / (self._scale * math.sqrt(2.0)))
        return tk.where_v2(x < 0.0, tk.zeros_like(c), c)

    def _entropy(self) -> Tensor:
        return 0.5 * tk.log(math.pi * tk.square(self._scale) / 2.0) + 0.5

    def _mean(self) -> Tensor:
        return self._scale * math.sqrt(2.0 / math.pi)

    def _variance(self) -> Tensor:
        return tk.square(self._scale) * (1.0 - 2.0 / math.pi)

    def _mode(self) -> Tensor:
        return tk.zeros_like(self._scale)


class InverseGamma(_ScalarEvent):
    """``1 / Y`` for ``Y ~ Gamma(concentration, rate)``: density
    ``rate^a / Gamma(a) x^(-a-1) exp(-rate / x)``.

    Args:
        concentration: float tensor ``a > 0``.
        rate: float tensor ``> 0`` (TF 1.15's name; the scale of ``X``).
        validate_args: run-time checks that both are positive.
        allow_nan_stats: whether ``mean`` (``a <= 1``) and ``variance`` (``a <= 2``) are
            NaN where undefined (else a run-time error).
        name: the name scope.

    Raises:
        TypeError: if the parameters have different dtypes.

    Example:
        >>> InverseGamma(3.0, 2.0).mean()     # 2 / (3 - 1) = 1
    """

    def __init__(self, concentration: Any, rate: Any, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "InverseGamma") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[concentration, rate]) as name:
            self._concentration = _positive(concentration, "concentration", validate_args)
            self._rate = _positive(rate, "rate", validate_args)
            tk.assert_same_float_dtype([self._concentration, self._rate])
        self._params = (self._concentration, self._rate)
        super().__init__(dtype=self._concentration.dtype,
                         reparameterization_type=_base.FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=list(self._params), name=name)

    @property
    def concentration(self) -> Tensor:
        """The concentration (shape) ``a``."""
        return self._concentration

    @property
    def rate(self) -> Tensor:
        """The rate (the scale of ``X``)."""
        return self._rate

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        a = self._concentration * tk.ones_like(self._rate)
        g = tk.random_gamma(dist_util.count_shape(n), alpha=a, beta=self._rate,
                            dtype=self.dtype, seed=seed)
        return 1.0 / g

    def _log_prob(self, x: Tensor) -> Tensor:
        a, b = self._concentration, self._rate
        return (-(1.0 + a) * tk.log(x) - b / x - tk.lgamma(a) + a * tk.log(b))

    def _cdf(self, x: Tensor) -> Tensor:
        return tk.igammac(self._concentration, self._rate / x)

    def _entropy(self) -> Tensor:
        a = self._concentration
        return a + tk.log(self._rate) + tk.lgamma(a) - (1.0 + a) * tk.digamma(a)

    def _mean(self) -> Tensor:
        a = self._concentration
        mean = self._rate / (a - 1.0) * tk.ones(self.batch_shape_tensor(), self.dtype)
        return dist_util.undefined_where(self, a > 1.0, mean,
                                         "mean undefined when any concentration <= 1")

    def _variance(self) -> Tensor:
        a = self._concentration
        var = (tk.square(self._rate) / (tk.square(a - 1.0) * (a - 2.0))
               * tk.ones(self.batch_shape_tensor(), self.dtype))
        return dist_util.undefined_where(self, a > 2.0, var,
                                         "variance undefined when any concentration <= 2")

    def _mode(self) -> Tensor:
        return self._rate / (1.0 + self._concentration)


class Chi2(OwnParameters, _base.Gamma):
    """The chi-squared distribution with ``df`` degrees of freedom, ``Gamma(df / 2, 1 / 2)``.

    Args:
        df: float tensor ``> 0``.
        validate_args, allow_nan_stats, name: as ``Gamma``.

    Example:
        >>> Chi2(4.0).mean()     # 4.0
    """

    _PARAM_NAMES = ("df",)

    def __init__(self, df: Any, validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "Chi2") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[df]) as name:
            self._df = tk.convert_to_tensor(df, name="df")
        super().__init__(concentration=0.5 * self._df,
                         rate=tk.constant(0.5, dtype=self._df.dtype),
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         name=name)
        self.keep_parameters(parameters)

    @property
    def df(self) -> Tensor:
        """The degrees of freedom."""
        return self._df


__all__ = ["Logistic", "Gumbel", "Cauchy", "HalfNormal", "InverseGamma", "Chi2"]
