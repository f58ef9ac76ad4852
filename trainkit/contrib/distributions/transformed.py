"""``TransformedDistribution`` (``Y = bijector(X)``), and the distributions TF 1.15 /
TFP 0.8 build as one: ``LogNormal`` (``exp`` of a Normal) and ``RelaxedBernoulli``
(``sigmoid`` of a Logistic, the binary Concrete distribution).

    log p_Y(y) = log p_X(bijector.inverse(y)) + bijector.inverse_log_det_jacobian(y)

with the Jacobian summed over the event axes.

Example:
    >>> ln = TransformedDistribution(Normal(0.0, 1.0), bijectors.Exp())
    >>> ln.log_prob(1.0)                 # the standard log-normal density at 1
"""

from __future__ import annotations

from typing import Any

import numpy as np

import trainkit as tk
from trainkit import distributions as _base
from trainkit.contrib.distributions import bijectors
from trainkit.contrib.distributions.own_parameters import OwnParameters
from trainkit.contrib.distributions.scalar import Logistic
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.control_flow_ops import with_dependencies
from trainkit.ops.distributions import dist_util


def _static_list(shape: Any, what: str) -> list[int] | None:
    if shape is None:
        return None
    try:
        return [int(d) for d in np.reshape(np.asarray(shape, np.int64), [-1])]
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a Python list of ints, got {shape!r}.") from None


class TransformedDistribution(_base.Distribution):
    """The distribution of ``bijector.forward(X)`` for ``X ~ distribution``.

    Args:
        distribution: the base distribution.
        bijector: the map (None: ``Identity``).
        batch_shape: optional batch shape for a scalar base (whose draws then fill it).
        event_shape: optional event shape for a scalar base (``log_prob`` then sums the
            base's over these axes).
        validate_args: as ``Distribution``.
        name: default ``bijector.name + distribution.name``.

    Raises:
        ValueError: if ``batch_shape``/``event_shape`` is given for a base that is not
            scalar, or the bijector needs events of a higher rank.

    Differs from TF: ``batch_shape``/``event_shape`` must be Python lists, and either
    override needs a base with both batch and event shape ``[]`` (TF allows a batched
    base under an event override).
    """

    def __init__(self, distribution: Any, bijector: bijectors.Bijector | None = None,
                 batch_shape: Any = None, event_shape: Any = None,
                 validate_args: bool = False, name: str | None = None) -> None:
        parameters = dict(locals())
        if bijector is None:
            bijector = bijectors.Identity(validate_args=validate_args)
        name = name or bijector.name + distribution.name
        self._distribution = distribution
        self._bijector = bijector
        self._override_batch = _static_list(batch_shape, "batch_shape")
        self._override_event = _static_list(event_shape, "event_shape")
        overridden = self._override_batch is not None or self._override_event is not None
        if overridden and (distribution.batch_shape.ndims != 0
                           or distribution.event_shape.ndims != 0):
            raise ValueError("Base distribution is not scalar: batch_shape/event_shape may "
                             "only be overridden for a base with batch_shape [] and "
                             "event_shape [].")
        event_ndims = self.event_shape.ndims
        if event_ndims is not None and event_ndims < bijector.forward_min_event_ndims:
            raise ValueError(f"Bijector '{bijector.name}' needs events of rank at least "
                             f"{bijector.forward_min_event_ndims}; the distribution's "
                             f"event_shape is {self.event_shape}.")
        super().__init__(dtype=distribution.dtype,
                         reparameterization_type=distribution.reparameterization_type,
                         validate_args=validate_args,
                         allow_nan_stats=distribution.allow_nan_stats,
                         parameters=parameters,
                         graph_parents=list(bijector.graph_parents), name=name)

    @property
    def distribution(self) -> Any:
        """The base distribution."""
        return self._distribution

    @property
    def bijector(self) -> bijectors.Bijector:
        """The bijector."""
        return self._bijector

    def _batch_shape(self) -> TensorShape:
        if self._override_batch is not None:
            return TensorShape(self._override_batch)
        return self._distribution.batch_shape

    def _event_shape(self) -> TensorShape:
        if self._override_event is not None:
            return TensorShape(self._override_event)
        return self._distribution.event_shape

    def _batch_shape_tensor(self) -> Tensor:
        return self._distribution.batch_shape_tensor()

    def _event_shape_tensor(self) -> Tensor:
        return self._distribution.event_shape_tensor()

    def _n_event(self) -> int:
        ndims = self.event_shape.ndims
        if ndims is None:
            raise ValueError("TransformedDistribution needs a known event rank.")
        return ndims

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        extra = (self._override_batch or []) + (self._override_event or [])
        if not extra:
            shape: Any = n
        elif isinstance(n, int):
            shape = [n] + extra
        else:
            shape = tk.concat([tk.reshape(n, [1]), tk.constant(extra, tk.int32)], 0)
        x = self._distribution.sample(shape, seed=seed)
        return self._bijector.forward(x)

    def _log_prob(self, y: Tensor) -> Tensor:
        x = self._bijector.inverse(y)
        ildj = self._bijector.inverse_log_det_jacobian(y, event_ndims=self._n_event())
        lp = self._distribution.log_prob(x)
        if self._override_event:
            lp = tk.reduce_sum(lp, list(range(-len(self._override_event), 0)))
        return lp + ildj

    def _prob(self, y: Tensor) -> Tensor:
        return tk.exp(self._log_prob(y))

    def _cdf(self, y: Tensor) -> Tensor:
        if self._override_event:
            raise NotImplementedError("cdf is not implemented when overriding event_shape")
        return self._distribution.cdf(self._bijector.inverse(y))

    def _entropy(self) -> Tensor:
        if not self._bijector.is_constant_jacobian:
            raise NotImplementedError("entropy is not implemented when the bijector's "
                                      "Jacobian is not constant")
        if self._override_batch or self._override_event:
            raise NotImplementedError("entropy is not implemented when overriding shapes")
        # H[Y] = H[X] + E[log |det J_f(X)|], the log Jacobian being the same at every x
        x = tk.zeros(tk.concat([self._distribution.batch_shape_tensor(),
                                self._distribution.event_shape_tensor()], 0), self.dtype)
        fldj = self._bijector.forward_log_det_jacobian(x, event_ndims=self._n_event())
        return self._distribution.entropy() + fldj


class LogNormal(OwnParameters, TransformedDistribution):
    """``exp(X)`` for ``X ~ Normal(loc, scale)``, with closed-form moments.

    Args:
        loc: float tensor, the mean of ``log Y``.
        scale: float tensor ``> 0``, the standard deviation of ``log Y``.
        validate_args, allow_nan_stats, name: as ``Distribution``.

    Example:
        >>> LogNormal(0.0, 1.0).mean()     # exp(1/2)
    """

    def __init__(self, loc: Any = None, scale: Any = None, validate_args: bool = False,
                 allow_nan_stats: bool = True, name: str = "LogNormal") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[loc, scale]) as name:
            base = _base.Normal(loc=loc, scale=scale, validate_args=validate_args,
                                allow_nan_stats=allow_nan_stats, name="Normal")
        super().__init__(distribution=base, bijector=bijectors.Exp(),
                         validate_args=validate_args, name=name)
        self.keep_parameters(parameters)

    @property
    def loc(self) -> Tensor:
        """The mean of ``log Y``."""
        return self._distribution.loc

    @property
    def scale(self) -> Tensor:
        """The standard deviation of ``log Y``."""
        return self._distribution.scale

    def _mean(self) -> Tensor:
        return tk.exp(self.loc + 0.5 * tk.square(self.scale))

    def _variance(self) -> Tensor:
        s2 = tk.square(self.scale)
        return tk.math.expm1(s2) * tk.exp(2.0 * self.loc + s2)

    def _mode(self) -> Tensor:
        return tk.exp(self.loc - tk.square(self.scale))

    def _entropy(self) -> Tensor:
        return self._distribution.entropy() + self.loc

    def _cdf(self, y: Tensor) -> Tensor:
        return self._distribution.cdf(tk.log(y))


class RelaxedBernoulli(OwnParameters, TransformedDistribution):
    """The binary Concrete distribution on ``(0, 1)``: ``sigmoid((logits + L) / t)`` with
    ``L ~ Logistic(0, 1)`` and temperature ``t``, i.e. ``sigmoid`` of
    ``Logistic(logits / t, 1 / t)``. Samples are reparameterized.

    Args:
        temperature: float tensor ``> 0`` (run-time check with ``validate_args``).
        logits: float tensor of log-odds (exactly one of ``logits``/``probs``).
        probs: float tensor of probabilities.
        validate_args, allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: unless exactly one of ``logits`` and ``probs`` is given.

    Example:
        >>> RelaxedBernoulli(0.5, logits=0.0).sample(3, seed=1)    # values in (0, 1)
    """

    def __init__(self, temperature: Any, logits: Any = None, probs: Any = None,
                 validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "RelaxedBernoulli") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[logits, probs, temperature]) as name:
            self._logits, self._probs = dist_util.get_logits_and_probs(
                logits=logits, probs=probs, validate_args=validate_args)
            t = tk.convert_to_tensor(temperature, name="temperature",
                                     dtype=self._logits.dtype)
            if validate_args:
                t = with_dependencies([tk.assert_positive(t)], t)
            self._temperature = tk.identity(t, name="temperature")
            base = Logistic(self._logits / self._temperature, 1.0 / self._temperature,
                            validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                            name="Logistic")
        super().__init__(distribution=base, bijector=bijectors.Sigmoid(),
                         validate_args=validate_args, name=name)
        self.keep_parameters(parameters)

    @property
    def temperature(self) -> Tensor:
        """The temperature ``t``."""
        return self._temperature

    @property
    def logits(self) -> Tensor:
        """The log-odds."""
        return self._logits

    @property
    def probs(self) -> Tensor:
        """The probabilities."""
        return self._probs


__all__ = ["TransformedDistribution", "LogNormal", "RelaxedBernoulli"]
