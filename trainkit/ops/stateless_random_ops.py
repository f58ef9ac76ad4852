"""Stateless random ops: ``tf.random.stateless_uniform``, ``stateless_normal``,
``stateless_truncated_normal``, ``stateless_categorical`` (and ``stateless_multinomial``).

The numbers depend only on the ``seed`` (an int32/int64 tensor of shape ``[2]``) and the
shape, never on the graph seed or on how often the op runs, and they are TF's bits on
CPU for the same seed (Philox-4x32-10 with TF's seed scrambling: :mod:`trainkit.ops.philox`
and :mod:`trainkit.ops.philox_distributions`). ``minval``/``maxval`` and ``mean``/
``stddev`` are applied as TF does (``rnd * (maxval - minval) + minval``,
``rnd * stddev + mean``), so gradients flow to them but never to the seed (None).

A seed of the wrong dtype is ``TypeError``, of the wrong static shape ``ValueError``
when the graph is built and ``InvalidArgumentError`` when the op runs.

Example:
    >>> x = stateless_random_normal([2, 3], seed=[1, 2])   # the same values every run
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import math_ops
from trainkit.ops import philox_distributions as dist
from trainkit.ops.op_util import make_op
from trainkit.ops.philox import seed_key_counter
from trainkit.ops.random_ops import _dims, _shape_input

_FLOATS = (_dt.float16, _dt.float32, _dt.float64)
_INTS = (_dt.int32, _dt.int64)
_FULL_INTS = tuple(getattr(_dt, n) for n in ("int32", "int64", "uint32", "uint64")
                   if hasattr(_dt, n))  # trainkit has no uint32/uint64 yet


def _seed_tensor(seed: Any) -> Tensor:
    s = conversion.convert_to_tensor(seed, name="seed")
    if s.dtype not in _INTS:
        raise TypeError(f"Value passed to parameter 'seed' has DataType {s.dtype.name} not in "
                        "list of allowed values: int32, int64")
    if s.shape.ndims is not None:
        if s.shape.ndims != 1:
            raise ValueError(f"Shape must be rank 1 but is rank {s.shape.ndims} for the "
                             f"seed of a stateless random op, with input shape {s.shape}.")
        n = s.shape.as_list()[0]
        if n is not None and n != 2:
            raise ValueError(f"Dimension must be 2 but is {n} for the seed of a stateless "
                             "random op.")
    return s


def _op(op_type: str, shape: Any, seed: Any, dt: _dt.DType, extra: tuple = (),
        name: str | None = None) -> Tensor:
    shape_t, static = _shape_input(shape)
    s = _seed_tensor(seed)
    return make_op(op_type, [shape_t, s, *extra], [dt], name=name or op_type,
                   attrs={"dtype": dt}, shapes=[static]).outputs[0]


def _float_dtype(dtype: Any, fn: str) -> _dt.DType:
    dt = _dt.as_dtype(dtype)
    if dt not in _FLOATS:
        raise ValueError(f"{fn}: argument `dtype` got invalid value {dt.name}. Accepted "
                         "dtypes are float16, float32, float64.")
    return dt


def stateless_random_uniform(shape: Any, seed: Any, minval: Any = 0, maxval: Any = None,
                             dtype: Any = _dt.float32, name: str | None = None) -> Tensor:
    """Uniform values in ``[minval, maxval)`` determined by ``seed`` (TF's bits).

    Floats default to ``[0, 1)``. Integers (int32/int64) need both bounds, or neither:
    then they cover the whole range of ``dtype``.

    Raises:
        ValueError: a bad dtype, only one integer bound, bounds with unsigned dtypes.
    """
    dt = _dt.as_dtype(dtype)
    if dt not in _FLOATS + _FULL_INTS:
        raise ValueError(f"Argument `dtype` got invalid value {dt.name}. Accepted dtypes are "
                         "float16, float32, float64, int32, int64.")
    if dt.is_integer:
        if (minval is None) != (maxval is None):
            raise ValueError(f"For integer `dtype` argument {dt.name}, argument `minval` and "
                             "`maxval` must be both None or not None. Got `minval`="
                             f"{minval} and `maxval`={maxval}.")
        if minval is not None and dt not in _INTS:
            raise ValueError(f"Argument `dtype` got invalid value {dt.name} when argument "
                             "`minval` is not None. Please don't use unsigned integers in "
                             "this case.")
    elif maxval is None:
        maxval = 1
    with name_scope(name, "stateless_random_uniform",
                    [shape, seed, minval, maxval]) as scope:
        if dt.is_integer and minval is None:
            return _op("StatelessRandomUniformFullInt", shape, seed, dt, name=scope)
        lo = conversion.convert_to_tensor(minval, dtype=dt, name="min")
        hi = conversion.convert_to_tensor(maxval, dtype=dt, name="max")
        if dt.is_integer:
            return _op("StatelessRandomUniformInt", shape, seed, dt, (lo, hi), name=scope)
        rnd = _op("StatelessRandomUniform", shape, seed, dt)
        return math_ops.add(math_ops.multiply(rnd, math_ops.subtract(hi, lo)), lo,
                            name=scope)


def stateless_random_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0,
                            dtype: Any = _dt.float32, name: str | None = None) -> Tensor:
    """Normal values ``mean + stddev * N(0, 1)`` determined by ``seed`` (TF's bits)."""
    dt = _float_dtype(dtype, "stateless_random_normal")
    with name_scope(name, "stateless_random_normal", [shape, seed, mean, stddev]) as scope:
        mean_t = conversion.convert_to_tensor(mean, dtype=dt, name="mean")
        std_t = conversion.convert_to_tensor(stddev, dtype=dt, name="stddev")
        rnd = _op("StatelessRandomNormal", shape, seed, dt)
        return math_ops.add(math_ops.multiply(rnd, std_t), mean_t, name=scope)


def stateless_truncated_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0,
                               dtype: Any = _dt.float32, name: str | None = None) -> Tensor:
    """Normal values within two ``stddev`` of ``mean``, determined by ``seed``."""
    dt = _float_dtype(dtype, "stateless_truncated_normal")
    with name_scope(name, "stateless_truncated_normal",
                    [shape, seed, mean, stddev]) as scope:
        mean_t = conversion.convert_to_tensor(mean, dtype=dt, name="mean")
        std_t = conversion.convert_to_tensor(stddev, dtype=dt, name="stddev")
        rnd = _op("StatelessTruncatedNormal", shape, seed, dt)
        return math_ops.add(math_ops.multiply(rnd, std_t), mean_t, name=scope)


def stateless_categorical(logits: Any, num_samples: Any, seed: Any, dtype: Any = _dt.int64,
                          name: str | None = None) -> Tensor:
    """``num_samples`` class indices per row of ``[batch, classes]`` ``logits``.

    Rows draw one after the other from one stream, as TF does (whatever its thread
    count; checked up to ``[64, 100]`` logits and 1000 samples).

    Raises:
        ValueError: ``logits`` not a matrix, a negative static ``num_samples`` or a
            ``dtype`` other than int32/int64.
    """
    out = _dt.as_dtype(dtype or _dt.int64)
    if out not in _INTS:
        raise ValueError(f"Argument `dtype` got invalid value {out.name}. Accepted dtypes "
                         "are int32, int64.")
    with name_scope(name, "stateless_categorical", [logits, num_samples, seed]) as scope:
        lg = conversion.convert_to_tensor(logits, name="logits")
        if lg.shape.ndims is not None and lg.shape.ndims != 2:
            raise ValueError(f"Shape must be rank 2 but is rank {lg.shape.ndims} for logits "
                             f"{lg.shape} of stateless_categorical.")
        static_n = int(num_samples) if isinstance(num_samples, int | np.integer) else None
        if static_n is not None and static_n < 0:
            raise ValueError(f"num_samples must be non-negative but is {static_n}.")
        n = conversion.convert_to_tensor(num_samples, dtype=_dt.int32, name="num_samples")
        s = _seed_tensor(seed)
        batch = lg.shape.as_list()[0] if lg.shape.ndims == 2 else None
        return make_op("StatelessMultinomial", [lg, n, s], [out], name=scope,
                       attrs={"output_dtype": out},
                       shapes=[TensorShape([batch, static_n])]).outputs[0]


def stateless_multinomial(logits: Any, num_samples: Any, seed: Any,
                          output_dtype: Any = _dt.int64, name: str | None = None) -> Tensor:
    """``tf.random.stateless_multinomial`` (TF1's name of :func:`stateless_categorical`)."""
    return stateless_categorical(logits, num_samples, seed, dtype=output_dtype,
                                 name=name or "stateless_multinomial")


stateless_uniform = stateless_random_uniform
stateless_normal = stateless_random_normal


# -- kernels -------------------------------------------------------------------------------
def _key_counter(seed: Any) -> tuple:
    s = np.asarray(seed)
    if s.shape != (2,):
        raise ValueError(f"seed must have shape [2], not {list(s.shape)}")
    return seed_key_counter(int(s[0]), int(s[1]))


def _draw(ctx: registry.KernelContext, shape: Any, seed: Any, fn: Any, *args: Any
          ) -> np.ndarray:
    dims = _dims(shape)
    dt = ctx.attrs["dtype"].np_dtype
    key, counter = _key_counter(seed)
    return fn(key, counter, int(np.prod(dims, dtype=np.int64)), dt, *args).reshape(dims)


@registry.register_kernel("StatelessRandomUniform")
def _uniform_kernel(ctx: registry.KernelContext, shape: Any, seed: Any) -> np.ndarray:
    return _draw(ctx, shape, seed, dist.uniform)


@registry.register_kernel("StatelessRandomNormal")
def _normal_kernel(ctx: registry.KernelContext, shape: Any, seed: Any) -> np.ndarray:
    return _draw(ctx, shape, seed, dist.normal)


@registry.register_kernel("StatelessTruncatedNormal")
def _truncated_kernel(ctx: registry.KernelContext, shape: Any, seed: Any) -> np.ndarray:
    return _draw(ctx, shape, seed, dist.truncated_normal)


@registry.register_kernel("StatelessRandomUniformFullInt")
def _full_int_kernel(ctx: registry.KernelContext, shape: Any, seed: Any) -> np.ndarray:
    return _draw(ctx, shape, seed, dist.full_int)


@registry.register_kernel("StatelessRandomUniformInt")
def _int_kernel(ctx: registry.KernelContext, shape: Any, seed: Any, lo: Any, hi: Any
                ) -> np.ndarray:
    for what, v in (("minval", lo), ("maxval", hi)):
        if np.ndim(v) != 0:
            raise ValueError(f"{what} must be 0-D, got shape {list(np.shape(v))}")
    dims = _dims(shape)
    if int(np.prod(dims, dtype=np.int64)) == 0:
        _key_counter(seed)
        return np.zeros(dims, ctx.attrs["dtype"].np_dtype)
    if not int(lo) < int(hi):
        raise ValueError(f"Need minval < maxval: {int(lo)} >= {int(hi)}")
    return _draw(ctx, shape, seed, dist.uniform_int, int(lo), int(hi))


@registry.register_kernel("StatelessMultinomial")
def _multinomial_kernel(ctx: registry.KernelContext, logits: Any, n: Any, seed: Any
                        ) -> np.ndarray:
    lg = np.asarray(logits)
    n = int(n)
    if lg.ndim != 2:
        raise ValueError(f"logits should be a matrix, got shape {list(lg.shape)}")
    if n < 0:
        raise ValueError(f"num_samples should be nonnegative, got {n}")
    key, counter = _key_counter(seed)
    out_dt = ctx.attrs["output_dtype"].np_dtype
    if lg.shape[0] and n and lg.shape[1] == 0:
        raise ValueError("num_classes should be positive, got 0")
    if lg.shape[0] == 0 or n == 0:
        return np.zeros((lg.shape[0], n), out_dt)
    return dist.categorical(key, counter, lg, n).astype(out_dt)


registry.not_differentiable("StatelessRandomUniform", "StatelessRandomNormal",
                            "StatelessTruncatedNormal", "StatelessRandomUniformFullInt",
                            "StatelessRandomUniformInt", "StatelessMultinomial")

__all__ = ["stateless_random_uniform", "stateless_random_normal",
           "stateless_truncated_normal", "stateless_categorical", "stateless_multinomial",
           "stateless_uniform", "stateless_normal"]
