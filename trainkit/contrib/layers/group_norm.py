"""``group_norm`` of ``tf.contrib.layers`` / ``slim`` (Wu & He, "Group Normalization",
2018): the channels are split into ``groups`` and each group is normalized over its own
channels and the ``reduction_axes`` (height and width by default), per example, then
scaled by ``gamma`` and shifted by ``beta`` (one per channel; scope ``GroupNorm``).
MobileNet v2's group-norm variant uses it as ``normalizer_fn``.

Example:
    >>> y = group_norm(images, groups=8)            # NHWC, 32 channels -> 8 groups of 4
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from trainkit.contrib.framework.arg_scope import add_arg_scope
from trainkit.contrib.framework.variables import model_variable
from trainkit.contrib.layers import utils
from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, init_ops, nn_ops, nn_stats_extras, shape_ops, unary_ops
from trainkit.ops import variable_scope as vs


def _check_axes(x: Tensor, channels_axis: int, reduction_axes: Sequence[int],
                groups: int) -> tuple[int, int, list[int]]:
    """``(channels_axis, channels, reduction_axes)`` made non-negative and checked."""
    rank = x.shape.ndims
    if rank is None:
        raise ValueError(f"Inputs {x.name} has undefined rank.")
    if channels_axis > rank - 1:
        raise ValueError("Axis is out of bounds.")
    if channels_axis < 0:
        channels_axis += rank
    channels = x.shape.as_list()[channels_axis]
    if channels is None:
        raise ValueError(f"Inputs {x.name} has undefined channel dimension: {channels_axis}.")
    axes = [a + rank if a < 0 else a for a in reduction_axes]
    for a in axes:
        if not 0 <= a < rank:
            raise ValueError("Axis is out of bounds.")
        if x.shape.as_list()[a] is None:
            raise ValueError(f"Inputs {x.name} has undefined dimensions {a}.")
        if a == channels_axis:
            raise ValueError("reduction_axis must be mutually exclusive with channels_axis")
    if groups > channels:
        raise ValueError(f"Invalid groups {groups} for {channels} channels.")
    if channels % groups != 0:
        raise ValueError(f"{channels} channels is not commensurate with {groups} groups.")
    return channels_axis, channels, axes


def _param(name: str, channels: int, x: Tensor, initializers: dict, default: Any,
           variables_collections: Any, trainable: bool, broadcast: list[int]) -> Tensor:
    var = model_variable(name, shape=[channels], dtype=x.dtype.base_dtype,
                         initializer=initializers.get(name, default),
                         collections=utils.get_variable_collections(variables_collections,
                                                                    name),
                         trainable=trainable)
    return shape_ops.reshape(var, broadcast)


@add_arg_scope
def group_norm(inputs: Any, groups: int = 32, channels_axis: int = -1,
               reduction_axes: Sequence[int] = (-3, -2), center: bool = True,
               scale: bool = True, epsilon: float = 1e-6,
               activation_fn: Callable | None = None, param_initializers: dict | None = None,
               reuse: Any = None, variables_collections: Any = None,
               outputs_collections: Any = None, trainable: bool = True,
               scope: str | None = None, mean_close_to_zero: bool = False) -> Tensor:
    """Group normalization: ``(x - mean) / sqrt(var + epsilon) * gamma + beta`` with the
    statistics of each example's channel group over ``reduction_axes``.

    Args:
        inputs: A tensor of known rank whose channel and reduction dimensions are known
            (the others, the batch among them, may be unknown).
        groups: How many groups the channels split into; must divide the channel count.
        channels_axis: The channel axis (``-1`` for NHWC, ``-3`` for NCHW).
        reduction_axes: The axes normalized over besides the group's channels.
        center: Add a ``beta`` variable (zeros) per channel.
        scale: Multiply by a ``gamma`` variable (ones) per channel.
        epsilon: Added to the variance.
        activation_fn: Applied to the result when given.
        param_initializers: ``{"beta": ..., "gamma": ...}`` initializers.
        reuse, variables_collections, outputs_collections, trainable, scope: As for the
            other contrib layers.
        mean_close_to_zero: Compute the variance from sums of squares
            (``nn.sufficient_statistics``) instead of ``nn.moments``.

    Raises:
        ValueError: for an unknown rank, an unknown channel or reduction dimension, an
            axis out of bounds, a reduction axis equal to the channel axis, or ``groups``
            larger than, or not dividing, the channel count.
    """
    x = conversion.convert_to_tensor(inputs)
    channels_axis, channels, axes = _check_axes(x, channels_axis, reduction_axes, groups)
    # Unknown dimensions (the batch) are read at run time for the reshapes.
    dynamic = array_ops.shape(x)
    dims = [d if d is not None else dynamic[i] for i, d in enumerate(x.shape.as_list())]
    before, after = dims[:channels_axis], dims[channels_axis + 1:]
    grouped = shape_ops.reshape(x, [*before, groups, channels // groups, *after])
    broadcast = [1] * len(before) + [groups, channels // groups] + [1] * len(after)
    moments_axes = [channels_axis + 1] + [a + 1 if a > channels_axis else a for a in axes]
    with vs.variable_scope(scope, "GroupNorm", [grouped], reuse=reuse) as sc:
        inits = param_initializers or {}
        beta = gamma = None
        if center:
            beta = _param("beta", channels, x, inits, init_ops.zeros_initializer(),
                          variables_collections, trainable, broadcast)
        if scale:
            gamma = _param("gamma", channels, x, inits, init_ops.ones_initializer(),
                           variables_collections, trainable, broadcast)
        if mean_close_to_zero:
            counts, mean_ss, var_ss, _ = nn_stats_extras.sufficient_statistics(
                grouped, moments_axes, keep_dims=True)
            mean, variance = nn_stats_extras.normalize_moments(counts, mean_ss, var_ss, None)
        else:
            mean, variance = nn_ops.moments(grouped, moments_axes, keep_dims=True)
        gain = unary_ops.rsqrt(variance + epsilon)
        offset = -mean * gain
        if gamma is not None:
            gain *= gamma
            offset *= gamma
        if beta is not None:
            offset += beta
        y = shape_ops.reshape(grouped * gain + offset, dims)
        if activation_fn is not None:
            y = activation_fn(y)
        return utils.collect_named_outputs(outputs_collections, sc.name, y)


__all__ = ["group_norm"]
