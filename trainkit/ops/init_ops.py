"""TF1 initializer classes: callables ``init(shape, dtype=None, partition_info=None)`` that
build a tensor of that shape.

Random initializers are deterministic given seeds (graph seed plus op seed, see
``random_ops.get_seed``): two initializers with the same ``seed`` produce the same
numbers, and the same graph built twice under ``set_random_seed`` gives the same values.

Example:
    >>> import trainkit as tk
    >>> init = tk.glorot_uniform_initializer(seed=1)
    >>> t = init([3, 4])
    >>> t.shape.as_list(), t.dtype.name
    ([3, 4], 'float32')
"""

from __future__ import annotations

import math
from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, random_ops

# The standard deviation of a unit normal truncated to [-2, 2].
_TRUNCATED_STD = 0.87962566103423978


def _shape_list(shape: Any, who: str) -> list[int]:
    s = TensorShape(shape)
    if s.ndims is None or not s.is_fully_defined():
        raise ValueError(f"{who}: shape must be fully defined, got {s}.")
    return [int(d) for d in s.as_list()]


def _float_dtype(dtype: Any, who: str) -> _dt.DType:
    dt = _dt.as_dtype(dtype)
    if not dt.is_floating:
        raise ValueError(f"{who}: expected floating point type, got {dt.name}.")
    return dt


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None,
    partition_info=None)``."""

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Tensor:
        raise NotImplementedError

    def get_config(self) -> dict:
        """The constructor arguments (``from_config(get_config())`` rebuilds it)."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        return cls(**config)


class Zeros(Initializer):
    """All zeros."""

    def __init__(self, dtype: Any = _dt.float32):
        self.dtype = _dt.as_dtype(dtype)

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Tensor:
        dt = _dt.as_dtype(dtype or self.dtype)
        return array_ops.zeros(_shape_list(shape, "zeros_initializer"), dtype=dt)

    def get_config(self) -> dict:
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """All ones."""

    def __init__(self, dtype: Any = _dt.float32):
        self.dtype = _dt.as_dtype(dtype)

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Tensor:
        dt = _dt.as_dtype(dtype or self.dtype)
        return array_ops.ones(_shape_list(shape, "ones_initializer"), dtype=dt)

    def get_config(self) -> dict:
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """A constant: a scalar fills the shape; a list is reshaped (or, TF1-style, padded
    with its last element).

    Raises:
        TypeError: if ``value`` is not a scalar, list or array (e.g. a Tensor).
    """

    def __init__(self, value: Any = 0, dtype: Any = _dt.float32, verify_shape: bool = False):
        if isinstance(value, Tensor) or not (
                isinstance(value, int | float | bool | list | tuple)
                or hasattr(value, "__array__")):
            raise TypeError(f"Invalid type for initial value: {type(value).__name__} (expected "
                            "a Python scalar, list of values, or numpy.ndarray).")
        self.value = value
        self.dtype = _dt.as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None,
                 verify_shape: bool | None = None) -> Tensor:
        dt = _dt.as_dtype(dtype or self.dtype)
        verify = self._verify_shape if verify_shape is None else verify_shape
        return constant(self.value, dtype=dt, shape=_shape_list(shape, "constant_initializer"),
                        verify_shape=verify)

    def get_config(self) -> dict:
        return {"value": self.value, "dtype": self.dtype.name}


class RandomUniform(Initializer):
    """Uniform in ``[minval, maxval)`` (``maxval`` defaults to 1 for floats)."""

    def __init__(self, minval: Any = 0, maxval: Any = None, seed: int | None = None,
                 dtype: Any = _dt.float32):
        self.minval, self.maxval, self.seed = minval, maxval, seed
        self.dtype = _dt.as_dtype(dtype)

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Tensor:
        dt = _dt.as_dtype(dtype or self.dtype)
        return random_ops.random_uniform(_shape_list(shape, "random_uniform_initializer"),
                                         self.minval, self.maxval, dt, seed=self.seed)

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


class RandomNormal(Initializer):
    """Normal with ``mean`` and ``stddev``."""

    def __init__(self, mean: float = 0.0, stddev: float = 1.0, seed: int | None = None,
                 dtype: Any = _dt.float32):
        self.mean, self.stddev, self.seed = mean, stddev, seed
        self.dtype = _float_dtype(dtype, "random_normal_initializer")

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Tensor:
        dt = _float_dtype(dtype or self.dtype, "random_normal_initializer")
        return random_ops.random_normal(_shape_list(shape, "random_normal_initializer"),
                                        self.mean, self.stddev, dt, seed=self.seed)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class TruncatedNormal(RandomNormal):
    """Normal with ``mean`` and ``stddev``, re-drawn beyond two standard deviations."""

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Tensor:
        dt = _float_dtype(dtype or self.dtype, "truncated_normal_initializer")
        return random_ops.truncated_normal(
            _shape_list(shape, "truncated_normal_initializer"), self.mean, self.stddev, dt,
            seed=self.seed)


def compute_fans(shape: list[int]) -> tuple[float, float]:
    """``(fan_in, fan_out)`` of a weight shape: dense ``[in, out]``; convolutions
    ``[..., in, out]`` times the receptive field; scalars count 1."""
    if len(shape) < 1:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive = math.prod(shape[:-2])
    return float(shape[-2] * receptive), float(shape[-1] * receptive)


class VarianceScaling(Initializer):
    """Scale-aware random init: variance ``scale / n`` where ``n`` is the fan-in, fan-out
    or their average (``mode``); ``distribution`` is ``"truncated_normal"`` (alias
    ``"normal"``), ``"untruncated_normal"`` or ``"uniform"``.

    Raises:
        ValueError: for a non-positive ``scale`` or an unknown ``mode``/``distribution``.
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: int | None = None,
                 dtype: Any = _dt.float32):
        if scale <= 0.0:
            raise ValueError(f"`scale` must be positive float, got {scale!r}.")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode!r} (expected 'fan_in', "
                             "'fan_out' or 'fan_avg').")
        dist = distribution.lower()
        if dist not in ("normal", "uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"Invalid `distribution` argument: {distribution!r} (expected "
                             "'truncated_normal', 'untruncated_normal' or 'uniform').")
        self.scale, self.mode, self.distribution, self.seed = float(scale), mode, dist, seed
        self.dtype = _float_dtype(dtype, "variance_scaling_initializer")

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Tensor:
        who = "variance_scaling_initializer"
        dt = _float_dtype(dtype or self.dtype, who)
        dims = _shape_list(shape, who)
        # a shard of a partitioned variable scales by the full variable's fans (as TF)
        fan_in, fan_out = compute_fans(dims if partition_info is None
                                       else list(partition_info.full_shape))
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        scale = self.scale / max(1.0, n[self.mode])
        if self.distribution in ("normal", "truncated_normal"):
            std = math.sqrt(scale) / _TRUNCATED_STD
            return random_ops.truncated_normal(dims, 0.0, std, dt, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_ops.random_normal(dims, 0.0, math.sqrt(scale), dt, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_ops.random_uniform(dims, -limit, limit, dt, seed=self.seed)

    def get_config(self) -> dict:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """Uniform in ``±sqrt(6 / (fan_in + fan_out))`` (Xavier)."""

    def __init__(self, seed: int | None = None, dtype: Any = _dt.float32):
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self) -> dict:
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """Truncated normal with stddev ``sqrt(2 / (fan_in + fan_out))``."""

    def __init__(self, seed: int | None = None, dtype: Any = _dt.float32):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)

    def get_config(self) -> dict:
        return {"seed": self.seed, "dtype": self.dtype.name}


def he_normal(seed: int | None = None) -> VarianceScaling:
    """Truncated normal with stddev ``sqrt(2 / fan_in)``."""
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed: int | None = None) -> VarianceScaling:
    """Uniform in ``±sqrt(6 / fan_in)``."""
    return VarianceScaling(2.0, "fan_in", "uniform", seed)


def lecun_normal(seed: int | None = None) -> VarianceScaling:
    """Truncated normal with stddev ``sqrt(1 / fan_in)``."""
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed: int | None = None) -> VarianceScaling:
    """Uniform in ``±sqrt(3 / fan_in)``."""
    return VarianceScaling(1.0, "fan_in", "uniform", seed)


zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal

__all__ = [
    "Initializer", "Zeros", "Ones", "Constant", "RandomUniform", "RandomNormal",
    "TruncatedNormal", "VarianceScaling", "GlorotUniform", "GlorotNormal", "compute_fans",
    "he_normal", "he_uniform", "lecun_normal", "lecun_uniform", "zeros_initializer",
    "ones_initializer", "constant_initializer", "random_uniform_initializer",
    "random_normal_initializer", "truncated_normal_initializer",
    "variance_scaling_initializer", "glorot_uniform_initializer", "glorot_normal_initializer",
]
