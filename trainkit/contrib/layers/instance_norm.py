"""``instance_norm`` of ``tf.contrib.layers`` / ``slim`` (Ulyanov et al., "Instance
Normalization", 2016): every example's every channel is normalized over its own spatial
positions, then scaled by ``gamma`` and shifted by ``beta`` (one per channel; scope
``InstanceNorm``). Pix2Pix's and CycleGAN's generators use it as ``normalizer_fn``.

Example:
    >>> y = instance_norm(images)                   # NHWC: statistics over H and W
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.contrib.framework.arg_scope import add_arg_scope
from trainkit.contrib.framework.variables import model_variable
from trainkit.contrib.layers import utils
from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.ops import init_ops, nn_ops, nn_stats_ops, shape_ops
from trainkit.ops import variable_scope as vs


@add_arg_scope
def instance_norm(inputs: Any, center: bool = True, scale: bool = True,
                  epsilon: float = 1e-6, activation_fn: Callable | None = None,
                  param_initializers: dict | None = None, reuse: Any = None,
                  variables_collections: Any = None, outputs_collections: Any = None,
                  trainable: bool = True, data_format: str = "NHWC",
                  scope: str | None = None) -> Tensor:
    """Instance normalization: ``(x - mean) / sqrt(var + epsilon) * gamma + beta`` with the
    statistics of each example and channel over all other axes.

    Args:
        inputs: A tensor of known rank (at least 3) with a known channel dimension.
        center: Add a ``beta`` variable (zeros) per channel.
        scale: Multiply by a ``gamma`` variable (ones) per channel.
        epsilon: Added to the variance.
        activation_fn: Applied to the result when given.
        param_initializers: ``{"beta": ..., "gamma": ...}`` initializers.
        reuse, variables_collections, outputs_collections, trainable, scope: As for the
            other contrib layers.
        data_format: ``"NHWC"`` (channels last) or ``"NCHW"`` (channels at axis 1).

    Raises:
        ValueError: for an unknown rank, a ``data_format`` other than NHWC/NCHW, or an
            unknown channel dimension.
    """
    x = conversion.convert_to_tensor(inputs)
    rank = x.shape.ndims
    if rank is None:
        raise ValueError(f"Inputs {x.name} has undefined rank.")
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with vs.variable_scope(scope, "InstanceNorm", [x], reuse=reuse) as sc:
        axis = 1 if data_format == "NCHW" else rank - 1
        channels = x.shape.as_list()[axis]
        if channels is None:
            raise ValueError(f"Inputs {x.name} has undefined channels dimension "
                             f"{x.shape[axis:axis + 1]}.")
        broadcast = [1, channels] + [1] * (rank - 2) if data_format == "NCHW" else None
        inits = param_initializers or {}
        params = {}
        for name, default, wanted in (("beta", init_ops.zeros_initializer(), center),
                                      ("gamma", init_ops.ones_initializer(), scale)):
            if not wanted:
                params[name] = None
                continue
            var = model_variable(name, shape=[channels], dtype=x.dtype.base_dtype,
                                 initializer=inits.get(name, default),
                                 collections=utils.get_variable_collections(
                                     variables_collections, name),
                                 trainable=trainable)
            params[name] = var if broadcast is None else shape_ops.reshape(var, broadcast)
        axes = [a for a in range(1, rank) if a != axis]
        mean, variance = nn_ops.moments(x, axes, keep_dims=True)
        y = nn_stats_ops.batch_normalization(x, mean, variance, params["beta"],
                                             params["gamma"], epsilon, name="instancenorm")
        if activation_fn is not None:
            y = activation_fn(y)
        return utils.collect_named_outputs(outputs_collections, sc.name, y)


__all__ = ["instance_norm"]
