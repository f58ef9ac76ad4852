"""The ``tk.nn`` op library: dropout and moments here; activations, losses and
convolutions re-exported from their modules (``nn_activations``, ``nn_losses_ops``,
``conv_ops``).

Example:
    >>> import trainkit as tk
    >>> tk.set_random_seed(0)
    >>> y = tk.nn.dropout(tk.ones([1000]), rate=0.5)
    >>> with tk.Session() as s:
    ...     v = s.run(y)
    >>> sorted(set(v.tolist()))   # kept entries are scaled by 1 / keep_prob
    [0.0, 2.0]
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import math_ops, philox_distributions
from trainkit.ops.array_ops import shape as _shape
from trainkit.ops.array_ops import squeeze, stop_gradient
from trainkit.ops.conv_ops import conv2d
from trainkit.ops.nn_activations import (
    bias_add,
    elu,
    leaky_relu,
    log_softmax,
    relu,
    relu6,
    selu,
    softmax,
    softplus,
    softsign,
)
from trainkit.ops.nn_losses_ops import (
    l2_loss,
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
    sparse_softmax_cross_entropy_with_logits,
)
from trainkit.ops.op_util import make_op
from trainkit.ops.philox_stream import PhiloxStream
from trainkit.ops.pool_ops import avg_pool, max_pool, max_pool2d
from trainkit.ops.random_ops import get_seed
from trainkit.ops.shape_ops import as_shape_tensor
from trainkit.ops.static_value import partial_shape_value

sigmoid = math_ops.sigmoid
tanh = math_ops.tanh


# -- dropout --------------------------------------------------------------------------------
def dropout(x: Any, keep_prob: Any = None, noise_shape: Any = None, seed: int | None = None,
            name: str | None = None, rate: Any = None) -> Tensor:
    """Zeroes each element of ``x`` with probability ``rate = 1 - keep_prob`` and scales
    the rest by ``1 / (1 - rate)``.

    As in TF 2.21's ``tf.compat.v1.nn.dropout``: a Python ``rate`` (or ``keep_prob``,
    taken as ``rate = 1. - keep_prob``) of 0 returns ``x`` itself; otherwise ``x`` is
    multiplied by the scale (a Python number) or divided by ``1 - rate`` (a tensor), a
    uniform draw ``u`` of ``x``'s dtype is made over ``noise_shape``, and elements with
    ``u >= rate`` are kept (``where``: the others are +0.0). Seeds follow TF1
    (``set_random_seed`` plus ``seed``); a seeded dropout draws TF's numbers for its seeds
    (:mod:`trainkit.ops.philox_stream`), so its masks are TF's, run after run.

    Differs from TF: TF 1.x multiplied by the cast mask instead of selecting (so a dropped
    ``inf`` became NaN and a dropped negative value -0.0) and by ``1 / (1 - rate)``
    instead of dividing; trainkit computes what TF 2.21 does.

    Args:
        x: a floating-point tensor.
        keep_prob: probability of keeping an element (deprecated TF1 spelling).
        noise_shape: shape of the random mask, broadcast against ``x``.
        seed: the op-level seed.
        name: the name scope (default ``dropout``).
        rate: probability of dropping an element.

    Raises:
        ValueError: if both/neither of ``keep_prob`` and ``rate`` are given, or a Python
            value is out of range, or ``x`` is not floating.
    """
    if keep_prob is not None and rate is not None:
        raise ValueError("Cannot specify both keep_prob and rate in dropout.")
    if keep_prob is None and rate is None:
        raise ValueError("dropout: you must provide keep_prob or rate.")
    if isinstance(keep_prob, numbers.Real) and not 0 < keep_prob <= 1:
        raise ValueError(f"keep_prob must be a scalar tensor or a float in the range (0, 1], "
                         f"got {keep_prob}")
    if isinstance(rate, numbers.Real) and not 0 <= rate < 1:
        raise ValueError(f"rate must be a scalar tensor or a float in the range [0, 1), got "
                         f"{rate}")
    if keep_prob is not None:  # TF: rate = 1. - keep_prob, a tensor op for a tensor
        rate = (1.0 - keep_prob if isinstance(keep_prob, numbers.Real)
                else math_ops.subtract(1.0, _as_float(keep_prob, None, "keep_prob")))
    with name_scope(name, "dropout", [x]):
        t = conversion.convert_to_tensor(x, name="x")
        if not t.dtype.is_floating:
            raise ValueError(f"x has to be a floating point tensor since it's going to be "
                             f"scaled. Got a {t.dtype.name} tensor instead.")
        if isinstance(rate, numbers.Real):
            if rate == 0:
                return t
            scale = conversion.convert_to_tensor(1 / (1 - rate), dtype=t.dtype)
            ret = math_ops.multiply(t, scale, name="Mul")  # TF: gen_math_ops.mul
            rate_t = conversion.convert_to_tensor(rate, dtype=t.dtype, name="rate")
        else:
            rate_t = _as_float(rate, t.dtype)
            if rate_t.shape.ndims not in (None, 0):
                raise ValueError(f"dropout: keep_prob/rate must be a scalar, got shape "
                                 f"{rate_t.shape}.")
            one = conversion.convert_to_tensor(1, dtype=t.dtype)
            ret = math_ops.realdiv(t, math_ops.subtract(one, rate_t, name="Sub"))
        ns = _shape(t) if noise_shape is None else as_shape_tensor(noise_shape, "noise_shape")
        s1, s2 = get_seed(seed)
        keep = make_op("DropoutKeep", [ns, rate_t], [_dt.bool_], name="keep_mask",
                       attrs={"seed": s1, "seed2": s2, "dtype": t.dtype},
                       shapes=[partial_shape_value(ns)]).outputs[0]
        zero = conversion.convert_to_tensor(0, dtype=t.dtype)
        out = math_ops.where(keep, ret, zero, name="SelectV2")
        out.set_shape(t.shape)
        return out


def _as_float(v: Any, dt: _dt.DType | None, name: str = "rate") -> Tensor:
    if isinstance(v, Tensor):
        return v if dt is None or v.dtype is dt else math_ops.cast(v, dt)
    return conversion.convert_to_tensor(v, dtype=dt or _dt.float32, name=name)


@registry.register_kernel("DropoutKeep", stateful=True)
def _dropout_keep(ctx: registry.KernelContext, shape: Any, rate: Any) -> np.ndarray:
    """``u >= rate`` for a uniform draw ``u`` of the attr dtype over ``shape``: TF's
    seeded numbers from the op's Philox stream, NumPy's when unseeded."""
    attrs = ctx.attrs
    dims = tuple(int(d) for d in np.reshape(shape, [-1]))
    dt = attrs["dtype"].np_dtype
    if attrs["seed"] is None and attrs["seed2"] is None:
        rng = ctx.state.rng(ctx.key, lambda: None)
        u = rng.random(dims, dtype=np.float64 if dt == np.float64 else np.float32)
        u = u.astype(dt, copy=False)
    else:
        stream = ctx.state.stream(ctx.key, lambda: PhiloxStream(attrs["seed"],
                                                                attrs["seed2"]))
        n = int(np.prod(dims, dtype=np.int64))
        key, counter = stream.reserve(n)
        return philox_distributions.uniform_at_least(key, counter, n, dt, rate).reshape(dims)
    return u >= np.asarray(rate, dt)


registry.not_differentiable("DropoutKeep")


# -- moments --------------------------------------------------------------------------------
def moments(x: Any, axes: Any, shift: Any = None, name: str | None = None,
            keep_dims: bool | None = None, keepdims: bool | None = None
            ) -> tuple[Tensor, Tensor]:
    """Mean and variance of ``x`` over ``axes``; ``keepdims`` keeps reduced axes as 1.

    The variance is ``mean((x - stop_gradient(mean))**2)`` as in TF, so gradients flow into
    ``x`` only through the squared difference.
    """
    keep = bool(keepdims if keepdims is not None else keep_dims)
    ax = [int(a) for a in (axes if isinstance(axes, list | tuple) else [axes])]
    with name_scope(name, "moments", [x]):
        t = conversion.convert_to_tensor(x)
        y = math_ops.cast(t, _dt.float32) if t.dtype is _dt.float16 else t
        mean = math_ops.reduce_mean(y, ax, keepdims=True, name="mean")
        var = math_ops.reduce_mean(math_ops.squared_difference(y, stop_gradient(mean)), ax,
                                   keepdims=True, name="variance")
        if not keep:
            mean = squeeze(mean, ax)
            var = squeeze(var, ax)
        if t.dtype is _dt.float16:
            mean, var = math_ops.cast(mean, t.dtype), math_ops.cast(var, t.dtype)
        return mean, var


__all__ = [
    "relu", "relu6", "leaky_relu", "elu", "selu", "softplus", "softsign", "sigmoid", "tanh",
    "softmax", "log_softmax", "bias_add", "l2_loss", "dropout", "moments",
    "sigmoid_cross_entropy_with_logits", "softmax_cross_entropy_with_logits",
    "softmax_cross_entropy_with_logits_v2", "sparse_softmax_cross_entropy_with_logits",
    "conv2d", "max_pool", "max_pool2d", "avg_pool",
]
