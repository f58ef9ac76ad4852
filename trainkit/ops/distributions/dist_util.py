"""Helpers the distributions share: logits <-> probs, broadcast batch shapes, the normal
cdf (``ndtr``/``log_ndtr``), ``log_combinations``, a derived seed for a second random op,
and the NaN-or-assert choice for undefined statistics.

Example:
    >>> logits, probs = get_logits_and_probs(probs=[0.2, 0.8])
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape, broadcast_static
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.check_extras import assert_near
from trainkit.ops.check_ops import (
    Assert,
    assert_equal,
    assert_less_equal,
    assert_non_negative,
)
from trainkit.ops.control_flow_ops import with_dependencies
from trainkit.ops.math_more import lgamma
from trainkit.ops.misc_ops import where_v2
from trainkit.ops.nn_activations import softmax
from trainkit.ops.special_math_ops import erfc


def get_logits_and_probs(logits: Any = None, probs: Any = None,
                         multidimensional: bool = False, validate_args: bool = False,
                         name: str = "get_logits_and_probs", dtype: Any = None
                         ) -> tuple[Tensor, Tensor]:
    """Both parameterizations from one: sigmoid/softmax of ``logits`` or log-odds/log of
    ``probs`` (with ``validate_args``, run-time checks that ``probs`` is a probability).

    Raises:
        ValueError: unless exactly one of ``logits`` and ``probs`` is given.
        TypeError: if it is not floating point.
    """
    with name_scope(name, values=[probs, logits]):
        if (probs is None) == (logits is None):
            raise ValueError("Must pass probs or logits, but not both.")
        if probs is None:
            logits = conversion.convert_to_tensor(logits, name="logits", dtype=dtype)
            if not logits.dtype.is_floating:
                raise TypeError("logits must having floating type.")
            if multidimensional:
                return logits, softmax(logits, name="probs")
            return logits, math_ops.sigmoid(logits, name="probs")
        probs = conversion.convert_to_tensor(probs, name="probs", dtype=dtype)
        if not probs.dtype.is_floating:
            raise TypeError("probs must having floating type.")
        if validate_args:
            with name_scope("validate_probs"):
                one = conversion.convert_to_tensor(1.0, dtype=probs.dtype)
                deps = [assert_non_negative(probs)]
                if multidimensional:
                    deps.append(assert_near(math_ops.reduce_sum(probs, -1), one,
                                            message="probs does not sum to 1."))
                else:
                    deps.append(assert_less_equal(probs, one,
                                                  message="probs has components greater "
                                                  "than 1."))
                probs = with_dependencies(deps, probs)
        with name_scope("logits"):
            if multidimensional:
                return math_ops.log(probs), probs
            return math_ops.log(probs) - math_ops.log1p(-probs), probs


def check_integer_casting_closed(x: Tensor, target_dtype: _dt.DType) -> Tensor:
    """``x`` after run-time checks (TF's messages) that it is non-negative and survives a
    cast to ``target_dtype`` (a whole number; at most 1 for bool)."""
    with name_scope("embed_check_casting_closed"):
        deps = [assert_non_negative(x, message="Elements must be non-negative.")]
        if x.dtype.is_floating:
            back = math_ops.cast(math_ops.cast(x, target_dtype), x.dtype)
            deps.append(assert_equal(x, back, message=f"Elements must be "
                                     f"{target_dtype.name}-equivalent."))
        else:
            top = 1 if target_dtype is _dt.bool_ else int(np.iinfo(target_dtype.np_dtype).max)
            if x.dtype is not _dt.bool_ and top < int(np.iinfo(x.dtype.np_dtype).max):
                deps.append(assert_less_equal(x, math_ops.cast(top, x.dtype),
                                              message=f"Elements cannot exceed {top}."))
        return with_dependencies(deps, x)


def check_counts_form(x: Tensor) -> Tensor:
    """``x`` after run-time checks that it holds non-negative whole numbers."""
    return with_dependencies([
        assert_non_negative(x),
        assert_equal(x, math_ops.floor(x), message="x has non-integer components.")], x)


class ScalarEvent:
    """For distributions of scalar events whose batch shape is the broadcast shape of the
    parameters named in ``BATCH_PARAMS`` (put it before ``Distribution`` in the bases)."""

    BATCH_PARAMS: tuple[str, ...] = ()

    def _batch_tensors(self) -> list[Tensor]:
        return [getattr(self, name) for name in self.BATCH_PARAMS]

    def _batch_shape_tensor(self) -> Tensor:
        return dynamic_batch_shape(*self._batch_tensors())

    def _batch_shape(self) -> TensorShape:
        return static_batch_shape(*self._batch_tensors())

    def _event_shape_tensor(self) -> Tensor:
        return array_ops.zeros([0], dtype=_dt.int32)

    def _event_shape(self) -> TensorShape:
        return TensorShape([])


def static_batch_shape(*tensors: Tensor) -> TensorShape:
    """The broadcast of the tensors' static shapes."""
    shape = TensorShape([])
    for t in tensors:
        shape = broadcast_static(shape, t.shape)
    return shape


def dynamic_batch_shape(*tensors: Tensor) -> Tensor:
    """The broadcast of the tensors' run-time shapes (an int32 vector)."""
    total = array_ops.zeros_like(tensors[0])
    for t in tensors[1:]:
        total = total + array_ops.zeros_like(t)
    return array_ops.shape(total)


def ndtr(x: Tensor) -> Tensor:
    """The standard normal cdf, ``erfc(-x / sqrt(2)) / 2``."""
    with name_scope("ndtr"):
        return 0.5 * erfc(-x * (1.0 / math.sqrt(2.0)))


def log_ndtr(x: Tensor) -> Tensor:
    """``log(ndtr(x))`` without underflow: ``-ndtr(-x)`` (log1p) above 6, the asymptotic
    series below -20 (float64) / -10 (float32), ``log(ndtr(x))`` between."""
    with name_scope("log_ndtr"):
        lower = -20.0 if x.dtype is _dt.float64 else -10.0
        safe_hi = math_ops.maximum(x, 6.0)
        safe_lo = math_ops.minimum(x, lower)
        safe_mid = math_ops.minimum(math_ops.maximum(x, lower), 6.0)
        return where_v2(x > 6.0, -ndtr(-safe_hi),
                        where_v2(x > lower, math_ops.log(ndtr(safe_mid)),
                                 _log_ndtr_tail(safe_lo)))


def _log_ndtr_tail(x: Tensor) -> Tensor:
    """The asymptotic series ``log(phi(x) / -x * (1 - 1/x^2 + 3/x^4 - ...))``."""
    x2 = math_ops.square(x)
    series, term = 1.0, 1.0
    for k in range(1, 4):
        term = term * -(2 * k - 1) / x2
        series = series + term
    return (-0.5 * x2 - math_ops.log(-x) - 0.5 * math.log(2.0 * math.pi)
            + math_ops.log(series))


def log_combinations(n: Tensor, counts: Tensor) -> Tensor:
    """``log(n! / prod(counts!))`` over the last axis of ``counts``."""
    with name_scope("log_combinations"):
        total_permutations = lgamma(n + 1.0)
        redundant = math_ops.reduce_sum(lgamma(counts + 1.0), -1)
        return total_permutations - redundant


def count_shape(n: Any) -> Any:
    """``[n]`` as a shape argument: a Python list for a Python int, else a 1-vector."""
    return [n] if isinstance(n, int) else array_ops.reshape(n, [1])


def gen_new_seed(seed: int | None, salt: str) -> int | None:
    """A second op seed derived from ``seed`` and ``salt`` (None stays None)."""
    if seed is None:
        return None
    digest = hashlib.sha256(f"{seed}{salt}".encode()).hexdigest()
    return int(digest[:8], 16) & 0x7FFFFFFF


def undefined_where(dist: Any, defined: Tensor, value: Tensor, message: str) -> Tensor:
    """``value`` where ``defined``; elsewhere NaN (``allow_nan_stats``) or, without it, a
    run-time ``InvalidArgumentError`` with ``message``."""
    if dist.allow_nan_stats:
        nan = array_ops.fill(array_ops.shape(value),
                             np.array(np.nan, dtype=dist.dtype.np_dtype), name="nan")
        return where_v2(defined, value, nan)
    return with_dependencies([Assert(math_ops.reduce_all(defined), [message])], value)


__all__ = ["get_logits_and_probs", "check_integer_casting_closed", "check_counts_form",
           "static_batch_shape", "dynamic_batch_shape", "ndtr", "log_ndtr",
           "log_combinations", "count_shape", "gen_new_seed", "undefined_where"]
