"""``tf.contrib.layers`` initializers: ``xavier_initializer`` and the contrib-signature
``variance_scaling_initializer(factor, mode, uniform)``.

The normal variant draws a truncated normal of stddev ``sqrt(1.3 * factor / n)`` (contrib's
constant, not core ``VarianceScaling``'s ``1 / 0.8796``); the uniform one draws from
``[-sqrt(3 * factor / n), sqrt(3 * factor / n)]``. ``n`` is the fan-in, fan-out or their
average, where a kernel ``[k1, ..., in, out]`` has fan-in ``in * k1 * ...``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import random_ops

_MODES = ("FAN_IN", "FAN_OUT", "FAN_AVG")


def _floating(dtype: Any) -> _dt.DType:
    dt = _dt.as_dtype(dtype)
    if not dt.is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    return dt


def variance_scaling_initializer(factor: float = 2.0, mode: str = "FAN_IN",
                                 uniform: bool = False, seed: int | None = None,
                                 dtype: Any = _dt.float32) -> Callable[..., Tensor]:
    """An initializer with variance ``factor / n`` (He init by default).

    Raises:
        TypeError: for a non-floating ``dtype`` or a ``mode`` not in FAN_IN, FAN_OUT,
            FAN_AVG.
    """
    default_dtype = _floating(dtype)
    if mode not in _MODES:
        raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")

    def _initializer(shape: Any, dtype: Any = default_dtype, partition_info: Any = None
                     ) -> Tensor:
        dt = _floating(dtype)
        dims = [int(d) for d in (partition_info.full_shape if partition_info is not None
                                 else shape)]
        if dims:
            fan_in = float(dims[-2]) if len(dims) > 1 else float(dims[-1])
            fan_out = float(dims[-1])
        else:
            fan_in = fan_out = 1.0
        for d in dims[:-2]:
            fan_in *= d
            fan_out *= d
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return random_ops.random_uniform(shape, -limit, limit, dt, seed=seed)
        stddev = math.sqrt(1.3 * factor / n)
        return random_ops.truncated_normal(shape, 0.0, stddev, dt, seed=seed)

    return _initializer


def xavier_initializer(uniform: bool = True, seed: int | None = None,
                       dtype: Any = _dt.float32) -> Callable[..., Tensor]:
    """Glorot's initializer: ``variance_scaling_initializer(1.0, 'FAN_AVG', uniform)``."""
    return variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform,
                                        seed=seed, dtype=dtype)


xavier_initializer_conv2d = xavier_initializer

__all__ = ["xavier_initializer", "xavier_initializer_conv2d", "variance_scaling_initializer"]
