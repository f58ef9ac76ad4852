"""``tf.distributions.Bernoulli``: 0/1 outcomes with ``probs`` or ``logits``; samples
``uniform < probs`` cast to ``dtype`` (not reparameterized); the Bernoulli-Bernoulli KL.

Example:
    >>> Bernoulli(logits=0.0).log_prob(1)       # log 0.5
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, random_ops
from trainkit.ops.distributions import dist_util, distribution
from trainkit.ops.distributions.kullback_leibler import RegisterKL
from trainkit.ops.nn_activations import softplus
from trainkit.ops.nn_losses_ops import sigmoid_cross_entropy_with_logits


class Bernoulli(distribution.Distribution):
    """The Bernoulli distribution over ``{0, 1}``.

    Args:
        logits: float tensor of log-odds of a 1 (exactly one of ``logits``/``probs``).
        probs: float tensor of probabilities of a 1.
        dtype: the dtype of samples (default int32).
        validate_args: check ``0 <= probs <= 1`` and that events are 0 or 1, at run time.
        allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: unless exactly one of ``logits`` and ``probs`` is given.
    """

    _PARAM_NAMES = ("logits",)

    def __init__(self, logits: Any = None, probs: Any = None, dtype: Any = _dt.int32,
                 validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "Bernoulli") -> None:
        parameters = dict(locals())
        with name_scope(name) as name:
            self._logits, self._probs = dist_util.get_logits_and_probs(
                logits=logits, probs=probs, validate_args=validate_args, name=name)
        super().__init__(dtype=dtype,
                         reparameterization_type=distribution.NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._logits, self._probs],
                         name=name)

    @property
    def logits(self) -> Tensor:
        """The log-odds of a 1."""
        return self._logits

    @property
    def probs(self) -> Tensor:
        """The probabilities of a 1."""
        return self._probs

    def _batch_shape_tensor(self) -> Tensor:
        return array_ops.shape(self._logits)

    def _batch_shape(self) -> TensorShape:
        return self._logits.shape

    def _event_shape_tensor(self) -> Tensor:
        return array_ops.zeros([0], dtype=_dt.int32)

    def _event_shape(self) -> TensorShape:
        return TensorShape([])

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        shape = array_ops.concat([dist_util.count_shape(n), self.batch_shape_tensor()], 0)
        u = random_ops.random_uniform(shape, dtype=self.probs.dtype, seed=seed)
        return math_ops.cast(math_ops.less(u, self.probs), self.dtype)

    def _log_prob(self, event: Tensor) -> Tensor:
        if self.validate_args:
            event = dist_util.check_integer_casting_closed(event, _dt.bool_)
        event = math_ops.cast(event, self.logits.dtype)
        logits = self.logits
        if not (event.shape.is_fully_defined() and logits.shape.is_fully_defined()
                and event.shape == logits.shape):
            logits, event = (array_ops.ones_like(event) * logits,
                             array_ops.ones_like(logits) * event)
        return -sigmoid_cross_entropy_with_logits(labels=event, logits=logits)

    def _entropy(self) -> Tensor:
        return -self.logits * (math_ops.sigmoid(self.logits) - 1.0) + softplus(-self.logits)

    def _mean(self) -> Tensor:
        return array_ops.identity(self.probs)

    def _variance(self) -> Tensor:
        return self._mean() * (1.0 - self.probs)

    def _mode(self) -> Tensor:
        return math_ops.cast(self.probs > 0.5, self.dtype)


@RegisterKL(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(a: Bernoulli, b: Bernoulli, name: str | None = None) -> Tensor:
    """``KL(a || b)`` from the logits (stable for probabilities near 0 or 1)."""
    with name_scope(name, "kl_bernoulli_bernoulli", [a.logits, b.logits]):
        delta0 = softplus(-b.logits) - softplus(-a.logits)
        delta1 = softplus(b.logits) - softplus(a.logits)
        return math_ops.sigmoid(a.logits) * delta0 + math_ops.sigmoid(-a.logits) * delta1


__all__ = ["Bernoulli"]
