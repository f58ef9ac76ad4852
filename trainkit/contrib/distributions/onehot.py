"""One-hot categorical distributions of ``tf.contrib.distributions``:
``OneHotCategorical`` and the Concrete / Gumbel-softmax relaxations
``ExpRelaxedOneHotCategorical`` (on log-simplex points) and ``RelaxedOneHotCategorical``
(on the simplex, ``exp`` of the former).

A Gumbel-softmax draw with temperature ``t`` is ``softmax((logits + G) / t)`` for
independent ``G_i = -log(-log U_i)``; it is reparameterized. The log density of the
log-space point ``y`` (Maddison et al. 2017, as TF computes it) is

    log p(y) = lgamma(k) + (k - 1) log t + sum_i (logits_i - t y_i)
               - k logsumexp_i(logits_i - t y_i).

Example:
    >>> d = RelaxedOneHotCategorical(0.5, logits=[0.0, 1.0, 2.0])
    >>> y = d.sample(4, seed=1)            # [4, 3], rows on the simplex
"""

from __future__ import annotations

from typing import Any

import numpy as np

import trainkit as tk
from trainkit import distributions as _base
from trainkit.contrib.distributions import bijectors
from trainkit.contrib.distributions.own_parameters import OwnParameters
from trainkit.contrib.distributions.transformed import TransformedDistribution
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.control_flow_ops import with_dependencies
from trainkit.ops.distributions import dist_util


class _OneHotBase(_base.Distribution):
    """Parameters ``logits``/``probs`` ``[..., k]`` and the shapes of a ``[k]`` event."""

    def _set_params(self, logits: Any, probs: Any, validate_args: bool,
                    dtype: Any = None) -> None:
        given = logits if probs is None else probs
        if given is not None:
            shape = given.shape if hasattr(given, "shape") else np.shape(given)
            if TensorShape(shape).ndims == 0:
                raise ValueError("logits/probs must have rank at least 1 (the last axis "
                                 "holds the classes).")
        self._logits, self._probs = dist_util.get_logits_and_probs(
            logits=logits, probs=probs, validate_args=validate_args, multidimensional=True,
            dtype=dtype)

    @property
    def logits(self) -> Tensor:
        """The (unnormalized) log-probabilities, ``[..., k]``."""
        return self._logits

    @property
    def probs(self) -> Tensor:
        """The probabilities, ``[..., k]``."""
        return self._probs

    @property
    def event_size(self) -> Tensor:
        """The number of classes ``k`` (an int32 scalar)."""
        return tk.shape(self._logits)[-1]

    def _k(self) -> Any:
        s = self._logits.shape
        k = s[-1] if s.ndims is not None else None
        k = getattr(k, "value", k)
        return int(k) if k is not None else tk.shape(self._logits)[-1]

    def _batch_shape(self) -> TensorShape:
        s = self._logits.shape
        return s[:-1] if s.ndims is not None else TensorShape(None)

    def _batch_shape_tensor(self) -> Tensor:
        return tk.shape(self._logits)[:-1]

    def _event_shape(self) -> TensorShape:
        s = self._logits.shape
        return s[-1:] if s.ndims is not None else TensorShape([None])

    def _event_shape_tensor(self) -> Tensor:
        return tk.shape(self._logits)[-1:]

    def _broadcast(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """``x`` and the logits broadcast to one shape."""
        logits = self._logits * tk.ones_like(x)
        return x * tk.ones_like(logits), logits


class OneHotCategorical(_OneHotBase):
    """The categorical distribution with one-hot vector events ``[..., k]``.

    Args:
        logits: float ``[..., k]`` (exactly one of ``logits``/``probs``).
        probs: float ``[..., k]``.
        dtype: the dtype of samples (default int32).
        validate_args: check ``probs`` and that ``log_prob``'s events are non-negative
            and sum to 1, at run time.
        allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: unless exactly one of ``logits`` and ``probs`` is given, or for a
            scalar parameter.

    Example:
        >>> OneHotCategorical(logits=[0.0, 0.0]).log_prob([0, 1])     # log 0.5
    """

    def __init__(self, logits: Any = None, probs: Any = None, dtype: Any = tk.int32,
                 validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "OneHotCategorical") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[logits, probs]) as name:
            self._set_params(logits, probs, validate_args)
        super().__init__(dtype=dtype, reparameterization_type=_base.NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._logits, self._probs],
                         name=name)

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        k = self._k()
        logits_2d = tk.reshape(self._logits, tk.stack([-1, k]))
        draws = tk.multinomial(logits_2d, n, seed=seed)          # [batch, n]
        onehot = tk.one_hot(tk.transpose(draws), k, dtype=self.dtype)   # [n, batch, k]
        shape = tk.concat([tk.reshape(n, [1]), tk.shape(self._logits)], 0)
        return tk.reshape(onehot, shape)

    def _log_prob(self, x: Tensor) -> Tensor:
        x = tk.cast(x, self._logits.dtype)
        if self.validate_args:
            x = with_dependencies([
                tk.assert_non_negative(x),
                tk.assert_near(tk.ones([], x.dtype), tk.reduce_sum(x, -1),
                               message="Last dimension of x must sum to 1.")], x)
        x, logits = self._broadcast(x)
        return tk.reduce_sum(x * tk.nn.log_softmax(logits), -1)

    def _entropy(self) -> Tensor:
        return -tk.reduce_sum(tk.nn.log_softmax(self._logits) * self._probs, -1)

    def _mean(self) -> Tensor:
        return tk.identity(self._probs)

    def _variance(self) -> Tensor:
        return self._probs * (1.0 - self._probs)

    def _covariance(self) -> Tensor:
        p = self._probs
        return tk.linalg.diag(p) - p[..., :, None] * p[..., None, :]

    def _mode(self) -> Tensor:
        out = tk.one_hot(tk.argmax(self._logits, -1), self._k(), dtype=self.dtype)
        out.set_shape(self._logits.shape)
        return out


@_base.RegisterKL(OneHotCategorical, OneHotCategorical)
def _kl_onehot_onehot(a: OneHotCategorical, b: OneHotCategorical,
                      name: str | None = None) -> Tensor:
    """``sum_i p_a,i (log p_a,i - log p_b,i)``."""
    with tk.name_scope(name, "kl_categorical_categorical", [a.logits, b.logits]):
        delta = tk.nn.log_softmax(a.logits) - tk.nn.log_softmax(b.logits)
        return tk.reduce_sum(tk.nn.softmax(a.logits) * delta, -1)


class ExpRelaxedOneHotCategorical(_OneHotBase):
    """The Concrete distribution on the log-simplex: ``log_softmax((logits + G) / t)``.

    Args:
        temperature: float tensor ``t > 0`` (run-time check with ``validate_args``),
            broadcasting against the batch shape.
        logits: float ``[..., k]`` (exactly one of ``logits``/``probs``).
        probs: float ``[..., k]``.
        dtype: the float dtype to convert ``logits``/``probs`` to (None: theirs).
        validate_args: check ``t > 0``, ``probs``, and that ``log_prob``'s points are
            log-probability vectors, at run time.
        allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: unless exactly one of ``logits`` and ``probs`` is given, or for a
            scalar parameter.
    """

    def __init__(self, temperature: Any, logits: Any = None, probs: Any = None,
                 dtype: Any = None, validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "ExpRelaxedOneHotCategorical") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[logits, probs, temperature]) as name:
            self._set_params(logits, probs, validate_args, dtype)
            t = tk.convert_to_tensor(temperature, name="temperature",
                                     dtype=self._logits.dtype)
            if validate_args:
                t = with_dependencies([tk.assert_positive(t)], t)
            self._temperature = tk.identity(t, name="temperature")
        super().__init__(dtype=self._logits.dtype,
                         reparameterization_type=_base.FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._logits, self._probs, self._temperature],
                         name=name)

    @property
    def temperature(self) -> Tensor:
        """The temperature ``t``."""
        return self._temperature

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        shape = tk.concat([tk.reshape(n, [1]), tk.shape(self._logits)], 0)
        tiny = float(np.finfo(self.dtype.np_dtype).tiny)
        u = tk.random_uniform(shape, minval=tiny, maxval=1.0, dtype=self.dtype, seed=seed)
        gumbel = -tk.log(-tk.log(u))
        t = tk.expand_dims(self._temperature, -1)
        return tk.nn.log_softmax((self._logits + gumbel) / t)

    def _log_prob(self, x: Tensor) -> Tensor:
        if self.validate_args:
            x = with_dependencies([
                tk.assert_non_positive(x),
                tk.assert_near(tk.zeros([], x.dtype), tk.reduce_logsumexp(x, -1),
                               message="x must be a log-probability vector "
                               "(logsumexp(x) = 0).")], x)
        x, logits = self._broadcast(x)
        t = tk.expand_dims(self._temperature, -1)
        k = tk.cast(self._k(), self.dtype)
        shifted = logits - x * t
        log_norm = tk.lgamma(k) + (k - 1.0) * tk.log(self._temperature)
        return (log_norm + tk.reduce_sum(shifted, -1)
                - k * tk.reduce_logsumexp(shifted, -1))


class RelaxedOneHotCategorical(OwnParameters, TransformedDistribution):
    """The Concrete / Gumbel-softmax distribution on the simplex:
    ``softmax((logits + G) / t)``, the ``Exp`` of ``ExpRelaxedOneHotCategorical``; samples
    are reparameterized, and ``log_prob(y) = log p_exp_relaxed(log y) - sum_i log y_i``.

    Args:
        temperature: float tensor ``t > 0``.
        logits: float ``[..., k]`` (exactly one of ``logits``/``probs``).
        probs: float ``[..., k]``.
        dtype: the float dtype to convert ``logits``/``probs`` to (None: theirs).
        validate_args, allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: unless exactly one of ``logits`` and ``probs`` is given.

    Example:
        >>> d = RelaxedOneHotCategorical(temperature=0.5, logits=[0.0, 1.0])
        >>> d.log_prob([0.3, 0.7])
    """

    def __init__(self, temperature: Any, logits: Any = None, probs: Any = None,
                 dtype: Any = None, validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "RelaxedOneHotCategorical") -> None:
        parameters = dict(locals())
        with tk.name_scope(name, values=[logits, probs, temperature]) as name:
            base = ExpRelaxedOneHotCategorical(temperature, logits=logits, probs=probs,
                                               dtype=dtype, validate_args=validate_args,
                                               allow_nan_stats=allow_nan_stats)
        super().__init__(distribution=base, bijector=bijectors.Exp(validate_args),
                         validate_args=validate_args, name=name)
        self.keep_parameters(parameters)

    @property
    def temperature(self) -> Tensor:
        """The temperature ``t``."""
        return self._distribution.temperature

    @property
    def logits(self) -> Tensor:
        """The logits."""
        return self._distribution.logits

    @property
    def probs(self) -> Tensor:
        """The probabilities."""
        return self._distribution.probs


__all__ = ["OneHotCategorical", "ExpRelaxedOneHotCategorical", "RelaxedOneHotCategorical"]
