"""``batch_normalization`` (``tf.compat.v1.layers``): batch statistics when training,
moving averages otherwise; the moving-average updates go to ``UPDATE_OPS``.

Run them with the train op, TF1 style::

    update_ops = tk.get_collection(tk.GraphKeys.UPDATE_OPS)
    with tk.control_dependencies(update_ops):
        train_op = optimizer.minimize(loss)

The moving variance is updated with the biased batch variance, except for 4-D inputs
normalized over the channel axis, where (as TF's fused kernel does) it uses the unbiased
variance ``n / (n - 1) * var`` — unless ``fused=False`` asks for TF's non-fused layer,
which keeps the biased one. Normalization itself always uses the biased variance. On that
fused path the batch statistics are differentiated exactly, as TF's fused kernel is
(``nn_stats_extras.fused_moments``: second derivatives, e.g. of a gradient penalty,
match TF's); the non-fused layer uses ``tf.nn.moments`` as TF's does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, control_flow_ops, init_ops, math_ops, nn_ops, state_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.layers_impl import base
from trainkit.ops.nn_stats_extras import fused_moments


def _get(name: str, shape: list, dtype: Any, init: Any, default: Any, regularizer: Any,
         trainable: bool) -> Any:
    return vs.get_variable(name, shape, dtype=dtype, initializer=init or default,
                           regularizer=regularizer, trainable=trainable)


def batch_normalization(inputs: Any, axis: int = -1, momentum: float = 0.99,
                        epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                        beta_initializer: Any = None, gamma_initializer: Any = None,
                        moving_mean_initializer: Any = None,
                        moving_variance_initializer: Any = None,
                        beta_regularizer: Any = None, gamma_regularizer: Any = None,
                        beta_constraint: Any = None, gamma_constraint: Any = None,
                        training: Any = False, trainable: bool = True,
                        name: str | None = None, reuse: Any = None, renorm: bool = False,
                        renorm_clipping: Any = None, renorm_momentum: float = 0.99,
                        fused: Any = None, virtual_batch_size: Any = None,
                        adjustment: Any = None, updates_out: list | None = None,
                        moments_fn: Callable | None = None) -> Tensor:
    """``gamma * (x - mean) / sqrt(var + epsilon) + beta`` over all axes but ``axis``.

    Variables ``<name>/gamma``, ``<name>/beta`` (trainable) and ``<name>/moving_mean``,
    ``<name>/moving_variance`` (not trainable, GLOBAL_VARIABLES); ``name`` defaults to
    ``batch_normalization``, ``batch_normalization_1``, ... ``training`` may be a Python
    bool or a boolean tensor. ``fused=False`` selects TF's non-fused layer (the moving
    variance of a 4-D input then takes the biased batch variance); otherwise ``fused`` is
    accepted. The two moving-average updates go to ``UPDATE_OPS``, or, when
    ``updates_out`` is a list, are appended to it instead (Keras layers keep them in
    ``layer.updates`` only). ``moments_fn(x, axes)`` (trainkit) computes the batch mean
    and variance instead of ``tf.nn.moments`` (``hvd.SyncBatchNormalization`` averages
    them over the ranks).

    Raises:
        ValueError: for an unknown input rank, an out-of-range ``axis``, an unknown
            normalized dimension, or ``momentum`` outside ``[0, 1]``.
        NotImplementedError: for ``renorm``, ``virtual_batch_size`` or ``adjustment``.
    """
    if renorm or virtual_batch_size is not None or adjustment is not None:
        raise NotImplementedError("batch_normalization: renorm, virtual_batch_size and "
                                  "adjustment are not supported.")
    if not isinstance(momentum, int | float) or not 0.0 <= momentum <= 1.0:
        raise ValueError(f"batch_normalization: momentum must be in [0, 1], got {momentum!r}.")
    x = base.float_input(inputs, "batch_normalization")
    ndims = x.shape.ndims
    if ndims is None:
        raise ValueError("batch_normalization: the input rank must be known.")
    if not isinstance(axis, int) or not -ndims <= axis < ndims:
        raise ValueError(f"batch_normalization: axis {axis!r} is out of range for an input "
                         f"of rank {ndims}.")
    axis %= ndims
    depth = x.shape.as_list()[axis]
    if depth is None:
        raise ValueError(f"batch_normalization: dimension {axis} of the inputs must be "
                         f"known, got shape {x.shape}.")
    red_axes = [i for i in range(ndims) if i != axis]
    bshape = [1] * ndims
    bshape[axis] = depth
    with base.layer_scope(name, "batch_normalization", reuse):
        dt = x.dtype
        gamma = _get("gamma", [depth], dt, gamma_initializer, init_ops.ones_initializer(),
                     gamma_regularizer, trainable) if scale else None
        beta = _get("beta", [depth], dt, beta_initializer, init_ops.zeros_initializer(),
                    beta_regularizer, trainable) if center else None
        moving_mean = _get("moving_mean", [depth], dt, moving_mean_initializer,
                           init_ops.zeros_initializer(), None, False)
        moving_var = _get("moving_variance", [depth], dt, moving_variance_initializer,
                          init_ops.ones_initializer(), None, False)
        fused_path = ndims == 4 and fused is not False  # TF's fused kernel
        if training is False:
            mean, var = moving_mean.value(), moving_var.value()
        else:
            batch_moments = nn_ops.moments if not fused_path else fused_moments
            mean, var = (moments_fn or batch_moments)(x, red_axes)
            if training is not True:
                training = conversion.convert_to_tensor(training)
                mean, var = control_flow_ops.cond(
                    training, lambda: (mean, var),
                    lambda: (moving_mean.value(), moving_var.value()))
            ups = _add_updates(x, red_axes, fused_path, momentum, training, moving_mean,
                               moving_var, mean, var)
            if updates_out is None:
                for up in ups:
                    get_default_graph().add_to_collection(GraphKeys.UPDATE_OPS, up)
            else:
                updates_out.extend(ups)
        inv = math_ops.rsqrt(var + epsilon)
        if gamma is not None:
            inv = inv * gamma
        offset = -mean * inv
        if beta is not None:
            offset = offset + beta
        if axis != ndims - 1:
            inv = array_ops.reshape(inv, bshape)
            offset = array_ops.reshape(offset, bshape)
        return x * inv + offset


def _add_updates(x: Tensor, red_axes: list, unbiased: bool, momentum: float, training: Any,
                 moving_mean: Any, moving_var: Any, mean: Tensor, var: Tensor) -> None:
    decay = 1.0 - momentum
    if training is not True:
        decay = control_flow_ops.cond(
            training, lambda: conversion.convert_to_tensor(decay, dtype=x.dtype),
            lambda: conversion.convert_to_tensor(0.0, dtype=x.dtype))
    batch_var = var
    if unbiased:
        n = 1
        dims = x.shape.as_list()
        if all(dims[i] is not None for i in red_axes):
            for i in red_axes:
                n *= dims[i]
            n = conversion.convert_to_tensor(float(n), dtype=x.dtype)
        else:
            shp = math_ops.cast(array_ops.shape(x), x.dtype)
            n = math_ops.reduce_prod(array_ops.gather(shp, red_axes))
        batch_var = var * n / math_ops.maximum(n - 1.0, 1.0)
    g = get_default_graph()
    # as TF's layer, each update is built beside (colocated with) its moving variable
    with g.name_scope("AssignMovingAvg"), g.colocate_with(moving_mean):
        up_mean = state_ops.assign_sub(moving_mean, (moving_mean.value() - mean) * decay)
    with g.name_scope("AssignMovingAvg_1"), g.colocate_with(moving_var):
        up_var = state_ops.assign_sub(moving_var, (moving_var.value() - batch_var) * decay)
    return [up_mean, up_var]


__all__ = ["batch_normalization"]
