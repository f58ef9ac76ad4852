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

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import math_ops
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
    the rest by ``1 / keep_prob``.

    Seeds follow TF1 (``set_random_seed`` plus ``seed``): with both fixed, a new session
    replays the same masks; each run draws a new mask.

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
    if keep_prob is not None and not isinstance(keep_prob, numbers.Real):
        # TF1's dropout passes ``rate = 1 - keep_prob`` on, built here before the scope (a
        # ``sub`` the user's own ``sub`` ops then count after)
        rate, keep_prob = 1 - conversion.convert_to_tensor(keep_prob), None
    with name_scope(name, "dropout", [x]):
        t = conversion.convert_to_tensor(x, name="x")
        if not t.dtype.is_floating:
            raise ValueError(f"x has to be a floating point tensor since it's going to be "
                             f"scaled. Got a {t.dtype.name} tensor instead.")
        if keep_prob is None:  # TF: ``Sub(Const 1, rate)`` for a tensor rate
            keep = (conversion.convert_to_tensor(1.0 - rate, dtype=t.dtype, name="keep_prob")
                    if isinstance(rate, numbers.Real)
                    else math_ops.subtract(constant(1, dtype=t.dtype),
                                           _as_float(rate, t.dtype), name="Sub"))
        else:
            keep = _as_float(keep_prob, t.dtype, "keep_prob")
        if keep.shape.ndims not in (None, 0):
            raise ValueError(f"dropout: keep_prob/rate must be a scalar, got shape "
                             f"{keep.shape}.")
        ns = _shape(t) if noise_shape is None else as_shape_tensor(noise_shape, "noise_shape")
        s1, s2 = get_seed(seed)
        mask = make_op("DropoutMask", [ns, keep], [t.dtype], name="mask",
                       attrs={"seed": s1, "seed2": s2},
                       shapes=[partial_shape_value(ns)]).outputs[0]
        return math_ops.multiply(t, mask, name="mul")


def _as_float(v: Any, dt: _dt.DType, name: str = "rate") -> Tensor:
    if isinstance(v, Tensor):
        return v if v.dtype is dt else math_ops.cast(v, dt)
    return conversion.convert_to_tensor(v, dtype=dt, name=name)


def _seed_material(attrs: dict) -> Any:
    s1, s2 = attrs["seed"], attrs["seed2"]
    if s1 is None and s2 is None:
        return None
    return [int(s1) & 0xFFFFFFFFFFFFFFFF, int(s2) & 0xFFFFFFFFFFFFFFFF, 0xD80]


@registry.register_kernel("DropoutMask", stateful=True)
def _dropout_mask(ctx: registry.KernelContext, shape: Any, keep: Any) -> np.ndarray:
    k = float(keep)
    if not 0 < k <= 1:
        raise errors.InvalidArgumentError(
            None, None, f"keep_prob must be in (0, 1], got {k} (rate {1 - k}).")
    attrs = ctx.attrs
    rng = ctx.state.rng(ctx.key, lambda: _seed_material(attrs))
    dt = ctx.op.outputs[0].dtype.np_dtype
    u = rng.random([int(d) for d in np.reshape(shape, [-1])],
                   dtype=np.float64 if dt == np.float64 else np.float32)
    # (u < k) * (1 / k): bitwise np.where(u < k, 1 / k, 0) (1 / k is finite and
    # positive), 20x less CPU than np.where with scalar branches
    return np.multiply(u < k, dt.type(1.0 / k), dtype=dt)


registry.not_differentiable("DropoutMask")


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
