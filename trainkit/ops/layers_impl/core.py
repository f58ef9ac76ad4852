"""``dense``, ``flatten`` and ``dropout`` layers (``tf.compat.v1.layers``).

Example:
    >>> h = dense(x, 128, activation=tk.nn.relu)        # variables dense/kernel, dense/bias
    >>> h = dropout(h, rate=0.2, training=is_training)
    >>> logits = dense(h, 10, name="logits")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework.constant_op import constant
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, control_flow_ops, init_ops, math_ops, nn_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.layers_impl import base
from trainkit.ops.static_value import constant_value


def dense(inputs: Any, units: int, activation: Callable | None = None, use_bias: bool = True,
          kernel_initializer: Any = None, bias_initializer: Any = base.ZEROS,
          kernel_regularizer: Callable | None = None, bias_regularizer: Callable | None = None,
          activity_regularizer: Callable | None = None, kernel_constraint: Any = None,
          bias_constraint: Any = None, trainable: bool = True, name: str | None = None,
          reuse: Any = None) -> Tensor:
    """``activation(inputs @ kernel + bias)`` over the last axis of ``inputs``.

    Creates ``<name>/kernel`` ``[in, units]`` (glorot-uniform by default) and
    ``<name>/bias`` ``[units]`` (zeros); ``name`` defaults to ``dense``, ``dense_1``, ...

    Raises:
        ValueError: if ``units`` is not a positive int or the last input dimension is
            unknown.
    """
    units = base.positive_int(units, "units", "dense")
    x = base.float_input(inputs, "dense")
    if x.shape.ndims is not None and x.shape.ndims < 2:
        raise ValueError(f"Input 0 of layer dense is incompatible with the layer: expected "
                         f"min_ndim=2, found ndim={x.shape.ndims}. Full shape received: "
                         f"{x.shape}")
    in_dim = x.shape.as_list()[-1] if x.shape.ndims else None
    if in_dim is None:
        raise ValueError("The last dimension of the inputs to `Dense` should be defined. "
                         "Found `None`.")
    with base.layer_scope(name, "dense", reuse):
        kernel = vs.get_variable("kernel", [in_dim, units], dtype=x.dtype,
                                 initializer=kernel_initializer or
                                 init_ops.glorot_uniform_initializer(),
                                 regularizer=kernel_regularizer, trainable=trainable,
                                 constraint=kernel_constraint)
        if x.shape.ndims == 2:
            y = math_ops.matmul(x, kernel)
        else:
            flat = array_ops.reshape(x, [-1, in_dim])
            out_shape = array_ops.concat([array_ops.shape(x)[:-1], [units]], 0)
            y = array_ops.reshape(math_ops.matmul(flat, kernel), out_shape)
            y.set_shape(x.shape.as_list()[:-1] + [units])
        y = base.bias_and_activation(
            y, units, "dense", use_bias=use_bias,
            bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
            bias_constraint=bias_constraint, trainable=trainable, activation=activation,
            activity_regularizer=activity_regularizer)
    return y


def flatten(inputs: Any, name: str | None = None, data_format: str = "channels_last"
            ) -> Tensor:
    """Reshapes ``[batch, d1, d2, ...]`` to ``[batch, d1 * d2 * ...]``.

    Raises:
        ValueError: for a scalar input or a bad ``data_format``.
    """
    fmt = base.data_format_arg(data_format, "flatten")
    with base.layer_scope(name, "flatten"):
        x = _as_tensor(inputs)
        if x.shape.ndims is not None and x.shape.ndims < 1:
            raise ValueError(f"flatten: input must have rank >= 1, got shape {x.shape}.")
        if fmt == "NCHW" and x.shape.ndims is not None and x.shape.ndims > 2:
            perm = [0] + list(range(2, x.shape.ndims)) + [1]
            x = array_ops.transpose(x, perm)
        dims = x.shape.as_list() if x.shape.ndims is not None else None
        # TF's choice of target shape, as a ``flatten/Const`` made before the reshape
        if dims is not None and all(d is not None for d in dims[1:]):
            rest = 1
            for d in dims[1:]:
                rest *= d
            target: Any = constant([-1, rest])
        elif dims is not None and dims[0] is not None:
            target = constant([dims[0], -1])
        else:
            target = array_ops.stack([array_ops.shape(x)[0], -1])
        y = array_ops.reshape(x, target)
    return y


def _as_tensor(x: Any) -> Tensor:
    from trainkit.framework import conversion

    return conversion.convert_to_tensor(x)


def _static_training(training: Any) -> Any:
    """``training`` as TF's ``smart_cond`` reads it: a Python bool (also for 1 / 0 and for a
    tensor whose value is known when the graph is built, by that value's truthiness:
    ``tf.convert_to_tensor("train")`` is True), else the boolean tensor itself."""
    if isinstance(training, bool | np.bool_):
        return bool(training)
    if isinstance(training, int | np.integer) and training in (0, 1):
        return bool(training)
    if isinstance(training, Tensor):
        value = constant_value(training)
        return training if value is None else bool(value)
    raise TypeError("dropout: argument `training` must be a Tensor, or a Python bool, or 1 "
                    f"or 0. Received: training={training!r} of type {type(training).__name__}")


def dropout(inputs: Any, rate: float = 0.5, noise_shape: Any = None, seed: int | None = None,
            training: Any = False, name: str | None = None) -> Tensor:
    """Drops each entry with probability ``rate`` (scaling the rest by ``1 / (1 - rate)``)
    when ``training``; the identity otherwise (and always for ``rate`` 0). ``training`` is a
    Python bool, 1 or 0, or a tensor: one whose value is known at build time (a constant)
    decides by that value's truthiness, as TF's ``smart_cond`` does; any other makes a
    ``cond`` on it (then it must be boolean).

    Raises:
        ValueError: if ``rate`` is not in ``[0, 1)``.
        TypeError: ``training`` of another Python type (a ``str``, ``None``, 2, ...).
    """
    if isinstance(rate, int | float) and not 0.0 <= rate < 1.0:
        raise ValueError(f"dropout: rate must be a scalar in [0, 1), got {rate!r}.")
    with base.layer_scope(name, "dropout"):
        x = _as_tensor(inputs)
        if isinstance(rate, int | float) and rate == 0.0:
            return array_ops.identity(x)
        training = _static_training(training)
        if isinstance(training, bool):
            if not training:
                return array_ops.identity(x)
            return nn_ops.dropout(x, rate=rate, noise_shape=noise_shape, seed=seed)
        return control_flow_ops.cond(
            training, lambda: nn_ops.dropout(x, rate=rate, noise_shape=noise_shape, seed=seed),
            lambda: array_ops.identity(x))


__all__ = ["dense", "flatten", "dropout"]
