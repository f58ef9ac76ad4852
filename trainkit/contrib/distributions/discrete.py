"""Count distributions of ``tf.contrib.distributions``: ``Poisson`` and ``Geometric``.

Without ``validate_args`` a non-integer argument is floored (as TF, following scipy);
with it, a negative or non-integer argument fails at run time.

Example:
    >>> Poisson(rate=2.0).log_prob(3.0)        # 3 log 2 - 2 - log 3!
    >>> Geometric(probs=0.25).mean()           # (1 - p) / p = 3
"""

from __future__ import annotations

from typing import Any

import numpy as np

import trainkit as tk
from trainkit import distributions as _base
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.control_flow_ops import with_dependencies
from trainkit.ops.distributions import dist_util


def _integer_form(x: Tensor, validate_args: bool) -> Tensor:
    """``x`` floored, or (``validate_args``) checked non-negative and whole at run time."""
    if not validate_args:
        return tk.floor(x)
    return with_dependencies([
        tk.assert_non_negative(x, message="x has negative components."),
        tk.assert_equal(x, tk.floor(x), message="x has non-integer components.")], x)


class _Count(_base.Distribution):
    """Shapes of a scalar count distribution with one parameter ``_param``."""

    _param: Tensor

    def _batch_shape_tensor(self) -> Tensor:
        return tk.shape(self._param)

    def _batch_shape(self) -> TensorShape:
        return self._param.shape

    def _event_shape_tensor(self) -> Tensor:
        return tk.zeros([0], dtype=tk.int32)

    def _event_shape(self) -> TensorShape:
        return TensorShape([])


class Poisson(_Count):
    """The Poisson distribution: ``P[X = k] = rate^k exp(-rate) / k!``.

    Args:
        rate: float tensor ``> 0`` (exactly one of ``rate`` / ``log_rate``).
        log_rate: float tensor, ``log(rate)``.
        validate_args: run-time checks that ``rate > 0`` and arguments are counts.
        allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: unless exactly one of ``rate`` and ``log_rate`` is given.

    Example:
        >>> Poisson(log_rate=0.0).mean()     # 1.0
    """

    def __init__(self, rate: Any = None, log_rate: Any = None, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "Poisson") -> None:
        parameters = dict(locals())
        if (rate is None) == (log_rate is None):
            raise ValueError("Must specify exactly one of `rate` and `log_rate`.")
        with tk.name_scope(name, values=[rate, log_rate]) as name:
            if rate is None:
                self._log_rate = tk.identity(tk.convert_to_tensor(log_rate), name="log_rate")
                self._rate = tk.exp(self._log_rate, name="rate")
            else:
                r = tk.convert_to_tensor(rate, name="rate")
                if validate_args:
                    r = with_dependencies([tk.assert_positive(r)], r)
                self._rate = tk.identity(r, name="rate")
                self._log_rate = tk.log(self._rate, name="log_rate")
            if not self._rate.dtype.is_floating:
                raise TypeError(f"rate must be floating point, got {self._rate.dtype.name}.")
        self._param = self._rate
        super().__init__(dtype=self._rate.dtype,
                         reparameterization_type=_base.NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._rate], name=name)

    @property
    def rate(self) -> Tensor:
        """The rate (mean)."""
        return self._rate

    @property
    def log_rate(self) -> Tensor:
        """The log of the rate."""
        return self._log_rate

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        return tk.random_poisson(self._rate, dist_util.count_shape(n), dtype=self.dtype,
                                 seed=seed)

    def _log_prob(self, x: Tensor) -> Tensor:
        x = _integer_form(x, self.validate_args)
        return x * self._log_rate - tk.lgamma(1.0 + x) - self._rate

    def _cdf(self, x: Tensor) -> Tensor:
        x = _integer_form(x, self.validate_args)
        return tk.igammac(1.0 + x, self._rate)

    def _mean(self) -> Tensor:
        return tk.identity(self._rate)

    def _variance(self) -> Tensor:
        return tk.identity(self._rate)

    def _mode(self) -> Tensor:
        return tk.floor(self._rate)


class Geometric(_Count):
    """The number of failures before the first success of Bernoulli(``probs``) trials:
    ``P[X = k] = (1 - p)^k p`` for ``k = 0, 1, ...``.

    Args:
        logits: float tensor, log-odds of a success (exactly one of ``logits``/``probs``).
        probs: float tensor in ``(0, 1]``.
        validate_args: run-time checks that ``probs > 0`` and arguments are counts.
        allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: unless exactly one of ``logits`` and ``probs`` is given.

    Example:
        >>> Geometric(probs=0.5).log_prob(2.0)     # log(0.125)
    """

    def __init__(self, logits: Any = None, probs: Any = None, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "Geometric") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[logits, probs]) as name:
            self._logits, probs_t = dist_util.get_logits_and_probs(
                logits=logits, probs=probs, validate_args=validate_args, name=name)
            if validate_args:
                probs_t = with_dependencies([tk.assert_positive(probs_t)], probs_t)
            self._probs = tk.identity(probs_t, name="probs")
        self._param = self._probs
        super().__init__(dtype=self._probs.dtype,
                         reparameterization_type=_base.NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._probs, self._logits],
                         name=name)

    @property
    def logits(self) -> Tensor:
        """Log-odds of a success."""
        return self._logits

    @property
    def probs(self) -> Tensor:
        """Probability of a success."""
        return self._probs

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        shape = tk.concat([dist_util.count_shape(n), tk.shape(self._probs)], 0)
        u = tk.random_uniform(shape, minval=float(np.finfo(self.dtype.np_dtype).tiny),
                              maxval=1.0, dtype=self.dtype, seed=seed)
        return tk.floor(tk.log(u) / tk.log1p(-self._probs))

    def _log_prob(self, x: Tensor) -> Tensor:
        x = _integer_form(x, self.validate_args) * tk.ones_like(self._probs)
        probs = self._probs * tk.ones_like(x)
        # x * log(1 - p) is 0 at x = 0 even where p = 1 (0 * -inf would be NaN)
        safe = tk.where_v2(tk.equal(x, 0.0), tk.zeros_like(probs), probs)
        return x * tk.log1p(-safe) + tk.log(probs)

    def _cdf(self, x: Tensor) -> Tensor:
        x = _integer_form(x, self.validate_args) * tk.ones_like(self._probs)
        return tk.where_v2(x < 0.0, tk.zeros_like(x),
                           -tk.math.expm1((1.0 + x) * tk.log1p(-self._probs)))

    def _entropy(self) -> Tensor:
        # -((1 - p) log(1 - p) + p log p) / p, written with s = logits as softplus(s)/p - s
        return tk.nn.softplus(self._logits) / self._probs - self._logits

    def _mean(self) -> Tensor:
        return tk.exp(-self._logits)

    def _variance(self) -> Tensor:
        return self._mean() / self._probs

    def _mode(self) -> Tensor:
        return tk.zeros(self.batch_shape_tensor(), dtype=self.dtype)


__all__ = ["Poisson", "Geometric"]
