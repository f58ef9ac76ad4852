"""``tf.distributions.Categorical``: one class index in ``[0, K)`` per batch member, from
``logits`` or ``probs`` over the last axis; samples by ``multinomial``; the
Categorical-Categorical KL.

Example:
    >>> Categorical(logits=[[0.0, 1.0, 2.0]]).sample(5)      # shape [5, 1]
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, random_ops
from trainkit.ops.distributions import dist_util, distribution
from trainkit.ops.distributions.kullback_leibler import RegisterKL
from trainkit.ops.math_extras import sequence_mask
from trainkit.ops.misc_ops import where_v2
from trainkit.ops.nn_activations import log_softmax, softmax
from trainkit.ops.nn_losses_ops import sparse_softmax_cross_entropy_with_logits


def _broadcast_event_and_params(event: Tensor, params: Tensor) -> tuple[Tensor, Tensor]:
    """``event`` (as int) and ``params`` broadcast so ``params.shape[:-1] == event.shape``.

    Raises:
        TypeError: if ``event`` is neither integer nor floating.
    """
    if event.dtype.is_floating:
        event = math_ops.cast(event, _dt.int32)
    elif not event.dtype.is_integer:
        raise TypeError(f"`value` should have integer `dtype` or `self.dtype`, got "
                        f"{event.dtype.name}.")
    known = (params.shape.ndims is not None and params.shape[:-1].is_fully_defined()
             and event.shape.is_fully_defined())
    if not known or params.shape[:-1] != event.shape:
        params = params * array_ops.ones_like(array_ops.expand_dims(event, -1),
                                              dtype=params.dtype)
        event = event * array_ops.ones(array_ops.shape(params)[:-1], dtype=event.dtype)
        if params.shape.ndims is not None:
            event.set_shape(params.shape[:-1])
    return event, params


class Categorical(distribution.Distribution):
    """The categorical distribution over ``K`` classes (the last axis of the parameter).

    Args:
        logits: float tensor ``[..., K]`` of unnormalized log-probabilities (exactly one of
            ``logits``/``probs``).
        probs: float tensor ``[..., K]`` of probabilities.
        dtype: the dtype of samples (default int32).
        validate_args: check ``probs`` and that events are whole and non-negative, at run
            time.
        allow_nan_stats, name: as ``Distribution``.

    Raises:
        ValueError: unless exactly one of ``logits`` and ``probs`` is given, or for a
            scalar parameter.
    """

    def __init__(self, logits: Any = None, probs: Any = None, dtype: Any = _dt.int32,
                 validate_args: bool = False, allow_nan_stats: bool = True,
                 name: str = "Categorical") -> None:
        parameters = dict(locals())
        with name_scope(name, values=[logits, probs]) as name:
            self._logits, self._probs = dist_util.get_logits_and_probs(
                logits=logits, probs=probs, validate_args=validate_args,
                multidimensional=True, name=name)
            static = self._logits.shape.with_rank_at_least(1)
            last = static[-1] if static.ndims is not None else None
            last = getattr(last, "value", last)
            if last is not None:
                self._event_size: Any = conversion.convert_to_tensor(
                    int(last), dtype=_dt.int32, name="event_size")
            else:
                self._event_size = array_ops.shape(self._logits)[-1]
        super().__init__(dtype=dtype,
                         reparameterization_type=distribution.NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._logits, self._probs],
                         name=name)

    @property
    def event_size(self) -> Tensor:
        """The number of classes ``K`` (a scalar int32 tensor)."""
        return self._event_size

    @property
    def logits(self) -> Tensor:
        """The logits, ``[..., K]``."""
        return self._logits

    @property
    def probs(self) -> Tensor:
        """The probabilities, ``[..., K]``."""
        return self._probs

    def _batch_shape_tensor(self) -> Tensor:
        return array_ops.shape(self._logits)[:-1]

    def _batch_shape(self) -> TensorShape:
        s = self.logits.shape
        return s[:-1] if s.ndims is not None else TensorShape(None)

    def _event_shape_tensor(self) -> Tensor:
        return array_ops.zeros([0], dtype=_dt.int32)

    def _event_shape(self) -> TensorShape:
        return TensorShape([])

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        if self.logits.shape.ndims == 2:
            logits_2d = self.logits
        else:
            logits_2d = array_ops.reshape(self.logits, array_ops.stack([-1, self.event_size]))
        sample_dtype = _dt.int64 if self.dtype.size > 4 else _dt.int32
        draws = random_ops.multinomial(logits_2d, n, seed=seed, output_dtype=sample_dtype)
        shape = array_ops.concat([dist_util.count_shape(n), self.batch_shape_tensor()], 0)
        draws = array_ops.reshape(array_ops.transpose(draws), shape)
        return math_ops.cast(draws, self.dtype)

    def _cdf(self, k: Tensor) -> Tensor:
        if self.validate_args:
            k = dist_util.check_integer_casting_closed(k, _dt.int32)
        k, probs = _broadcast_event_and_params(k, self.probs)
        flat_probs = array_ops.reshape(probs, array_ops.stack([-1, self._event_size]))
        flat_k = array_ops.reshape(k, [-1])
        kept = where_v2(sequence_mask(flat_k, self._event_size), flat_probs,
                        array_ops.zeros_like(flat_probs))
        return array_ops.reshape(math_ops.reduce_sum(kept, -1), array_ops.shape(k))

    def _log_prob(self, k: Tensor) -> Tensor:
        if self.validate_args:
            k = dist_util.check_integer_casting_closed(k, _dt.int32)
        k, logits = _broadcast_event_and_params(k, self.logits)
        return -sparse_softmax_cross_entropy_with_logits(labels=k, logits=logits)

    def _entropy(self) -> Tensor:
        return -math_ops.reduce_sum(log_softmax(self.logits) * self.probs, -1)

    def _mode(self) -> Tensor:
        ret = math_ops.cast(math_ops.argmax(self.logits, -1), self.dtype)
        ret.set_shape(self.batch_shape)
        return ret


@RegisterKL(Categorical, Categorical)
def _kl_categorical_categorical(a: Categorical, b: Categorical,
                                name: str | None = None) -> Tensor:
    """``sum p_a (log p_a - log p_b)`` over the classes."""
    with name_scope(name, "kl_categorical_categorical", [a.logits, b.logits]):
        delta = log_softmax(a.logits) - log_softmax(b.logits)
        return math_ops.reduce_sum(softmax(a.logits) * delta, -1)


__all__ = ["Categorical"]
