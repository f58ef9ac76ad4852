"""``tf.distributions.Distribution``: the base class every distribution derives from, and
``ReparameterizationType`` with its two instances.

A subclass implements the private hooks (``_log_prob``, ``_sample_n``, ``_mean`` ...); the
public methods open the distribution's name scope (``Normal/log_prob/...``), convert the
argument and fall back between related statistics as TF does: ``log_prob`` <-> ``prob``,
``log_cdf`` <-> ``cdf``, ``survival_function`` from ``cdf``, ``stddev`` <-> ``variance``.

Example:
    >>> d = Normal(0.0, 1.0)
    >>> x = d.sample([3], seed=1)        # shape [3], ops under "Normal/sample/"
    >>> d.log_prob(x)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.static_value import constant_value


class ReparameterizationType:
    """Whether samples are a differentiable function of the parameters.

    The two instances are ``FULLY_REPARAMETERIZED`` (gradients flow from samples to the
    parameters, e.g. ``Normal``) and ``NOT_REPARAMETERIZED`` (e.g. ``Bernoulli``);
    compare with ``is``/``==``.
    """

    def __init__(self, rep_type: str) -> None:
        self._rep_type = rep_type

    def __repr__(self) -> str:
        return f"<Reparameterization Type: {self._rep_type}>"

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


FULLY_REPARAMETERIZED = ReparameterizationType("FULLY_REPARAMETERIZED")
NOT_REPARAMETERIZED = ReparameterizationType("NOT_REPARAMETERIZED")


def _as_shape_list(shape: TensorShape) -> list[int]:
    return [int(d) for d in shape.as_list()]


class Distribution:
    """A batch of probability distributions, TF1's ``tf.distributions.Distribution``.

    Args:
        dtype: the dtype of samples (and of ``log_prob``'s argument).
        reparameterization_type: ``FULLY_REPARAMETERIZED`` or ``NOT_REPARAMETERIZED``.
        validate_args: whether to add run-time checks of the parameters and arguments.
        allow_nan_stats: whether undefined statistics are NaN (else a run-time error).
        parameters: the constructor's arguments (``copy`` rebuilds from them).
        graph_parents: the parameter tensors.
        name: a name scope ending in ``/`` (used as is) or a name to make one of.

    Raises:
        ValueError: if a graph parent is not a Tensor.
    """

    def __init__(self, dtype: Any, reparameterization_type: ReparameterizationType,
                 validate_args: bool, allow_nan_stats: bool, parameters: dict | None = None,
                 graph_parents: list | None = None, name: str | None = None) -> None:
        graph_parents = [] if graph_parents is None else list(graph_parents)
        for i, t in enumerate(graph_parents):
            if not isinstance(t, Tensor):
                raise ValueError(f"Graph parent item {i} is not a Tensor; {t}.")
        if not name or name[-1] != "/":
            with name_scope(name or type(self).__name__) as scope:
                name = scope
        self._dtype = _dt.as_dtype(dtype)
        self._reparameterization_type = reparameterization_type
        self._allow_nan_stats = bool(allow_nan_stats)
        self._validate_args = bool(validate_args)
        self._parameters = {k: v for k, v in (parameters or {}).items()
                            if k not in ("self", "__class__")}
        self._graph_parents = graph_parents
        self._name = name

    # -- properties ----------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The distribution's name scope (``"Normal/"``)."""
        return self._name

    @property
    def dtype(self) -> _dt.DType:
        """The dtype of samples."""
        return self._dtype

    @property
    def parameters(self) -> dict:
        """The constructor's arguments, by name."""
        return dict(self._parameters)

    @property
    def reparameterization_type(self) -> ReparameterizationType:
        """``FULLY_REPARAMETERIZED`` or ``NOT_REPARAMETERIZED``."""
        return self._reparameterization_type

    @property
    def allow_nan_stats(self) -> bool:
        """Whether undefined statistics are NaN rather than a run-time error."""
        return self._allow_nan_stats

    @property
    def validate_args(self) -> bool:
        """Whether run-time argument checks were added."""
        return self._validate_args

    @property
    def batch_shape(self) -> TensorShape:
        """The static shape of the batch of distributions."""
        return TensorShape(self._batch_shape())

    @property
    def event_shape(self) -> TensorShape:
        """The static shape of one draw from one distribution of the batch."""
        return TensorShape(self._event_shape())

    #: the names of the parameters whose shape is the sample shape (``param_shapes``)
    _PARAM_NAMES: tuple[str, ...] = ()

    @classmethod
    def param_shapes(cls, sample_shape: Any, name: str = "DistributionParamShapes") -> dict:
        """The parameter shapes (int32 tensors) that give samples of ``sample_shape``.

        Raises:
            NotImplementedError: for a distribution without such a rule (e.g. Dirichlet).
        """
        if not cls._PARAM_NAMES:
            raise NotImplementedError("_param_shapes not implemented")
        with name_scope(name, values=[sample_shape]):
            shape = conversion.convert_to_tensor(sample_shape, dtype=_dt.int32)
            return dict.fromkeys(cls._PARAM_NAMES, shape)

    @classmethod
    def param_static_shapes(cls, sample_shape: Any) -> dict:
        """``param_shapes`` as ``TensorShape``s.

        Raises:
            ValueError: if ``sample_shape`` is not fully defined.
        """
        if isinstance(sample_shape, TensorShape):
            if not sample_shape.is_fully_defined():
                raise ValueError("TensorShape sample_shape must be fully defined")
            sample_shape = sample_shape.as_list()
        out = {}
        for key, shape in cls.param_shapes(sample_shape).items():
            value = constant_value(shape)
            if value is None:
                raise ValueError("sample_shape must be a fully-defined TensorShape or "
                                 "list/tuple")
            out[key] = TensorShape([int(d) for d in np.reshape(value, [-1])])
        return out

    def copy(self, **override_parameters_kwargs: Any) -> Distribution:
        """A new distribution of the same type, with some constructor arguments replaced."""
        return type(self)(**dict(self.parameters, **override_parameters_kwargs))

    # -- shapes --------------------------------------------------------------------------
    def batch_shape_tensor(self, name: str = "batch_shape_tensor") -> Tensor:
        """The batch shape as an int32 vector."""
        with self._name_scope(name):
            if self.batch_shape.is_fully_defined():
                return conversion.convert_to_tensor(_as_shape_list(self.batch_shape),
                                                    dtype=_dt.int32, name="batch_shape")
            return self._batch_shape_tensor()

    def event_shape_tensor(self, name: str = "event_shape_tensor") -> Tensor:
        """The event shape as an int32 vector."""
        with self._name_scope(name):
            if self.event_shape.is_fully_defined():
                return conversion.convert_to_tensor(_as_shape_list(self.event_shape),
                                                    dtype=_dt.int32, name="event_shape")
            return self._event_shape_tensor()

    def is_scalar_event(self, name: str = "is_scalar_event") -> Tensor:
        """Whether the event shape is ``[]`` (a bool tensor)."""
        with self._name_scope(name):
            return self._is_scalar(self.event_shape, self.event_shape_tensor)

    def is_scalar_batch(self, name: str = "is_scalar_batch") -> Tensor:
        """Whether the batch shape is ``[]`` (a bool tensor)."""
        with self._name_scope(name):
            return self._is_scalar(self.batch_shape, self.batch_shape_tensor)

    @staticmethod
    def _is_scalar(static: TensorShape, dynamic: Any) -> Tensor:
        if static.ndims is not None:
            return conversion.convert_to_tensor(static.ndims == 0, name="is_scalar")
        return math_ops.equal(array_ops.shape(dynamic())[0], 0)

    def _batch_shape(self) -> TensorShape:
        return TensorShape(None)

    def _event_shape(self) -> TensorShape:
        return TensorShape(None)

    def _batch_shape_tensor(self) -> Tensor:
        raise NotImplementedError(
            f"batch_shape_tensor is not implemented: {type(self).__name__}")

    def _event_shape_tensor(self) -> Tensor:
        raise NotImplementedError(
            f"event_shape_tensor is not implemented: {type(self).__name__}")

    # -- sampling ------------------------------------------------------------------------
    def sample(self, sample_shape: Any = (), seed: int | None = None,
               name: str = "sample") -> Tensor:
        """Draws samples of shape ``sample_shape + batch_shape + event_shape``.

        Args:
            sample_shape: an int or int vector (Python or tensor).
            seed: the op-level seed (TF1's seed rules).
            name: the name scope of the ops.
        """
        with self._name_scope(name, [sample_shape]):
            static = None
            if not isinstance(sample_shape, Tensor):
                static = [int(d) for d in np.reshape(np.asarray(sample_shape, np.int64), [-1])]
            else:
                value = constant_value(sample_shape)
                if value is not None:
                    static = [int(d) for d in np.reshape(value, [-1])]
            if static is not None:
                n: Any = int(np.prod(static, dtype=np.int64))
                samples = self._sample_n(n, seed)
                rest = samples.shape[1:] if samples.shape.ndims is not None else None
                if rest is not None and rest.is_fully_defined():
                    return array_ops.reshape(samples, static + _as_shape_list(rest))
                shape_vec = conversion.convert_to_tensor(static, dtype=_dt.int32,
                                                         name="sample_shape")
            else:
                shape_vec = array_ops.reshape(
                    math_ops.cast(sample_shape, _dt.int32), [-1], name="sample_shape")
                n = math_ops.reduce_prod(shape_vec)
                samples = self._sample_n(n, seed)
            final = array_ops.concat([shape_vec, array_ops.shape(samples)[1:]], 0)
            out = array_ops.reshape(samples, final)
            if static is not None:
                out.set_shape(TensorShape(static).concatenate(
                    self.batch_shape.concatenate(self.event_shape)))
            return out

    def _sample_n(self, n: Any, seed: int | None = None) -> Tensor:
        raise NotImplementedError(f"sample_n is not implemented: {type(self).__name__}")

    # -- densities and statistics --------------------------------------------------------
    def _value_method(self, value: Any, name: str, primary: str, fallback: str,
                      through: Any) -> Tensor:
        with self._name_scope(name, [value]):
            value = conversion.convert_to_tensor(value, name="value",
                                                 preferred_dtype=self.dtype)
            try:
                return getattr(self, primary)(value)
            except NotImplementedError as original:
                try:
                    return through(getattr(self, fallback)(value))
                except NotImplementedError:
                    raise original from None

    def log_prob(self, value: Any, name: str = "log_prob") -> Tensor:
        """The log density (or log mass) of ``value``."""
        return self._value_method(value, name, "_log_prob", "_prob", math_ops.log)

    def prob(self, value: Any, name: str = "prob") -> Tensor:
        """The density (or mass) of ``value``."""
        return self._value_method(value, name, "_prob", "_log_prob", math_ops.exp)

    def log_cdf(self, value: Any, name: str = "log_cdf") -> Tensor:
        """``log P[X <= value]``."""
        return self._value_method(value, name, "_log_cdf", "_cdf", math_ops.log)

    def cdf(self, value: Any, name: str = "cdf") -> Tensor:
        """``P[X <= value]``."""
        return self._value_method(value, name, "_cdf", "_log_cdf", math_ops.exp)

    def log_survival_function(self, value: Any,
                              name: str = "log_survival_function") -> Tensor:
        """``log P[X > value]``."""
        return self._value_method(value, name, "_log_survival_function", "_cdf",
                                  lambda c: math_ops.log1p(-c))

    def survival_function(self, value: Any, name: str = "survival_function") -> Tensor:
        """``P[X > value] = 1 - cdf(value)``."""
        return self._value_method(value, name, "_survival_function", "_cdf",
                                  lambda c: 1.0 - c)

    def quantile(self, value: Any, name: str = "quantile") -> Tensor:
        """The inverse of the cdf."""
        with self._name_scope(name, [value]):
            value = conversion.convert_to_tensor(value, name="value",
                                                 preferred_dtype=self.dtype)
            return self._quantile(value)

    def entropy(self, name: str = "entropy") -> Tensor:
        """The Shannon entropy (nats)."""
        with self._name_scope(name):
            return self._entropy()

    def mean(self, name: str = "mean") -> Tensor:
        """The mean."""
        with self._name_scope(name):
            return self._mean()

    def mode(self, name: str = "mode") -> Tensor:
        """The mode."""
        with self._name_scope(name):
            return self._mode()

    def covariance(self, name: str = "covariance") -> Tensor:
        """The covariance matrix of a vector-valued event."""
        with self._name_scope(name):
            return self._covariance()

    def variance(self, name: str = "variance") -> Tensor:
        """The variance (``stddev ** 2`` if only that is implemented)."""
        with self._name_scope(name):
            try:
                return self._variance()
            except NotImplementedError as original:
                try:
                    return math_ops.square(self._stddev())
                except NotImplementedError:
                    raise original from None

    def stddev(self, name: str = "stddev") -> Tensor:
        """The standard deviation (``sqrt(variance)`` if only that is implemented)."""
        with self._name_scope(name):
            try:
                return self._stddev()
            except NotImplementedError as original:
                try:
                    return math_ops.sqrt(self._variance())
                except NotImplementedError:
                    raise original from None

    def cross_entropy(self, other: Distribution, name: str = "cross_entropy") -> Tensor:
        """``H[self, other] = entropy(self) + KL(self || other)``."""
        from trainkit.ops.distributions import kullback_leibler

        with self._name_scope(name):
            return kullback_leibler.cross_entropy(self, other,
                                                  allow_nan_stats=self.allow_nan_stats)

    def kl_divergence(self, other: Distribution, name: str = "kl_divergence") -> Tensor:
        """``KL(self || other)`` through the registered KL function."""
        from trainkit.ops.distributions import kullback_leibler

        with self._name_scope(name):
            return kullback_leibler.kl_divergence(self, other,
                                                  allow_nan_stats=self.allow_nan_stats)

    def _not_implemented(self, what: str) -> NotImplementedError:
        return NotImplementedError(f"{what} is not implemented: {type(self).__name__}")

    def _log_prob(self, value: Tensor) -> Tensor:
        raise self._not_implemented("log_prob")

    def _prob(self, value: Tensor) -> Tensor:
        raise self._not_implemented("prob")

    def _log_cdf(self, value: Tensor) -> Tensor:
        raise self._not_implemented("log_cdf")

    def _cdf(self, value: Tensor) -> Tensor:
        raise self._not_implemented("cdf")

    def _log_survival_function(self, value: Tensor) -> Tensor:
        raise self._not_implemented("log_survival_function")

    def _survival_function(self, value: Tensor) -> Tensor:
        raise self._not_implemented("survival_function")

    def _quantile(self, value: Tensor) -> Tensor:
        raise self._not_implemented("quantile")

    def _entropy(self) -> Tensor:
        raise self._not_implemented("entropy")

    def _mean(self) -> Tensor:
        raise self._not_implemented("mean")

    def _mode(self) -> Tensor:
        raise self._not_implemented("mode")

    def _variance(self) -> Tensor:
        raise self._not_implemented("variance")

    def _stddev(self) -> Tensor:
        raise self._not_implemented("stddev")

    def _covariance(self) -> Tensor:
        raise self._not_implemented("covariance")

    @contextlib.contextmanager
    def _name_scope(self, name: str | None = None, values: list | None = None
                    ) -> Iterator[str]:
        """Opens ``<self.name>/<name>`` (the distribution's scope re-entered)."""
        with name_scope(self.name):
            with name_scope(name, values=list(values or []) + self._graph_parents) as scope:
                yield scope

    def __str__(self) -> str:
        return (f'tf.distributions.{type(self).__name__}("{self.name.rstrip("/")}", '
                f"batch_shape={self.batch_shape}, event_shape={self.event_shape}, "
                f"dtype={self.dtype.name})")

    __repr__ = __str__


__all__ = ["Distribution", "ReparameterizationType", "FULLY_REPARAMETERIZED",
           "NOT_REPARAMETERIZED"]
