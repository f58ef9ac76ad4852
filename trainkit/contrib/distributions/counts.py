"""``Binomial`` and ``NegativeBinomial`` of ``tf.contrib.distributions`` (TF 1.15):

    Binomial:          P[k] = C(n, k) p^k (1 - p)^(n - k),            k = 0..n
    NegativeBinomial:  P[s] = Gamma(s + f) / (s! Gamma(f)) p^s (1 - p)^f,   s = 0, 1, ...

(``s`` successes before the ``f``-th failure, ``f = total_count``). Without
``validate_args`` a non-integer count is not floored in ``log_prob`` (as TF, which
evaluates the continuous interpolation) but is floored in ``cdf``.

Example:
    >>> Binomial(total_count=4.0, probs=0.5).prob(2.0)       # 6 / 16
"""

from __future__ import annotations

from typing import Any

import trainkit as tk
from trainkit import distributions as _base
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.control_flow_ops import with_dependencies
from trainkit.ops.distributions import dist_util


class _TotalCountLogits(_base.Distribution):
    """``total_count`` and ``logits``/``probs`` parameters of a scalar count."""

    def _set_params(self, total_count: Any, logits: Any, probs: Any,
                    validate_args: bool) -> None:
        self._logits, self._probs = dist_util.get_logits_and_probs(
            logits=logits, probs=probs, validate_args=validate_args)
        n = tk.convert_to_tensor(total_count, name="total_count", dtype=self._probs.dtype)
        if validate_args:
            n = with_dependencies([
                tk.assert_non_negative(n, message="total_count has negative components."),
                tk.assert_equal(n, tk.floor(n),
                                message="total_count has non-integer components.")], n)
        self._total_count = tk.identity(n, name="total_count")

    @property
    def total_count(self) -> Tensor:
        """The number of trials (Binomial) or failures (NegativeBinomial)."""
        return self._total_count

    @property
    def logits(self) -> Tensor:
        """The log-odds of a success."""
        return self._logits

    @property
    def probs(self) -> Tensor:
        """The probability of a success."""
        return self._probs

    def _batch_shape(self) -> TensorShape:
        return dist_util.static_batch_shape(self._total_count, self._probs)

    def _batch_shape_tensor(self) -> Tensor:
        return dist_util.dynamic_batch_shape(self._total_count, self._probs)

    def _event_shape(self) -> TensorShape:
        return TensorShape([])

    def _event_shape_tensor(self) -> Tensor:
        return tk.zeros([0], dtype=tk.int32)

    def _checked(self, x: Tensor, upper: Tensor | None = None) -> Tensor:
        if not self.validate_args:
            return x
        deps = [tk.assert_non_negative(x, message="x has negative components."),
                tk.assert_equal(x, tk.floor(x), message="x has non-integer components.")]
        if upper is not None:
            deps.append(tk.assert_less_equal(x, upper, message="counts are not less than "
                                             "or equal to n."))
        return with_dependencies(deps, x)


class Binomial(_TotalCountLogits):
    """The number of successes in ``total_count`` Bernoulli(``probs``) trials.

    Args:
        total_count: float tensor ``n >= 0`` (whole numbers).
        logits: float tensor of log-odds (exactly one of ``logits``/``probs``).
        probs: float tensor of success probabilities.
        validate_args: run-time checks of the parameters and that counts lie in ``0..n``.
        allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: unless exactly one of ``logits`` and ``probs`` is given.

    Differs from TF: nothing; like TF 1.15 it has no sampler (``sample`` raises
    ``NotImplementedError``).
    """

    def __init__(self, total_count: Any, logits: Any = None, probs: Any = None,
                 validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "Binomial") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[total_count, logits, probs]) as name:
            self._set_params(total_count, logits, probs, validate_args)
        super().__init__(dtype=self._probs.dtype,
                         reparameterization_type=_base.NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._total_count, self._logits, self._probs],
                         name=name)

    def _log_prob(self, k: Tensor) -> Tensor:
        k = self._checked(k, self._total_count)
        n = self._total_count
        log_choose = tk.lgamma(1.0 + n) - tk.lgamma(1.0 + k) - tk.lgamma(1.0 + n - k)
        return log_choose + k * tk.math.log_sigmoid(self._logits) + (n - k) * \
            tk.math.log_sigmoid(-self._logits)

    def _cdf(self, k: Tensor) -> Tensor:
        k = tk.floor(self._checked(k, self._total_count))
        n = self._total_count * tk.ones_like(k)
        k = k * tk.ones_like(n)
        p = self._probs * tk.ones_like(k)
        inside = tk.logical_and(k >= 0.0, k < n)
        safe_k = tk.where_v2(inside, k, tk.zeros_like(k))
        # P[X <= k] = I_{1-p}(n - k, k + 1) for 0 <= k < n
        tail = tk.betainc(tk.where_v2(inside, n - safe_k, tk.ones_like(n)), safe_k + 1.0,
                          1.0 - p)
        return tk.where_v2(k < 0.0, tk.zeros_like(k),
                           tk.where_v2(k >= n, tk.ones_like(k), tail))

    def _mean(self) -> Tensor:
        return self._total_count * self._probs

    def _variance(self) -> Tensor:
        return self._mean() * (1.0 - self._probs)

    def _mode(self) -> Tensor:
        return tk.floor((1.0 + self._total_count) * self._probs)


class NegativeBinomial(_TotalCountLogits):
    """The number of successes before the ``total_count``-th failure of Bernoulli(``probs``)
    trials.

    Args:
        total_count: float tensor ``f > 0``, the number of failures.
        logits: float tensor of log-odds of a success (exactly one of ``logits``/``probs``).
        probs: float tensor of success probabilities.
        validate_args: run-time checks of the parameters and that counts are whole.
        allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: unless exactly one of ``logits`` and ``probs`` is given.
    """

    def __init__(self, total_count: Any, logits: Any = None, probs: Any = None,
                 validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "NegativeBinomial") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[total_count, logits, probs]) as name:
            self._set_params(total_count, logits, probs, validate_args)
        super().__init__(dtype=self._probs.dtype,
                         reparameterization_type=_base.NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._total_count, self._logits, self._probs],
                         name=name)

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        # a Gamma(f, rate (1 - p) / p) mixture of Poissons
        f = self._total_count * tk.ones_like(self._logits)
        rate = tk.random_gamma(dist_util.count_shape(n), alpha=f, beta=tk.exp(-self._logits),
                               dtype=self.dtype, seed=seed)
        return tk.random_poisson(rate, [], dtype=self.dtype,
                                 seed=dist_util.gen_new_seed(seed, "negative_binomial"))

    def _log_prob(self, s: Tensor) -> Tensor:
        s = self._checked(s)
        f = self._total_count
        log_norm = tk.lgamma(f + s) - tk.lgamma(1.0 + s) - tk.lgamma(f)
        return (log_norm + s * tk.math.log_sigmoid(self._logits)
                + f * tk.math.log_sigmoid(-self._logits))

    def _cdf(self, s: Tensor) -> Tensor:
        s = tk.floor(self._checked(s))
        safe = tk.maximum(s, 0.0)
        # P[S <= s] = I_{1-p}(f, s + 1)
        c = tk.betainc(self._total_count * tk.ones_like(safe), 1.0 + safe,
                       tk.sigmoid(-self._logits))
        return tk.where_v2(s < 0.0, tk.zeros_like(c), c)

    def _mean(self) -> Tensor:
        return self._total_count * tk.exp(self._logits)

    def _variance(self) -> Tensor:
        return self._mean() / tk.sigmoid(-self._logits)

    def _mode(self) -> Tensor:
        f = self._total_count * tk.ones_like(self._logits)
        return tk.where_v2(f > 1.0, tk.floor((f - 1.0) * tk.exp(self._logits)),
                           tk.zeros_like(f))


__all__ = ["Binomial", "NegativeBinomial"]
