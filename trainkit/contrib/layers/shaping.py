"""The variable-free and composing layers of ``tf.contrib.layers`` / ``slim``:
``max_pool2d`` / ``avg_pool2d`` (stride 2, VALID by default), ``flatten``, ``dropout``
(``keep_prob``, ``is_training``), ``one_hot_encoding``, ``repeat``, ``stack``,
and ``softmax``.

Example:
    >>> net = repeat(images, 2, conv2d, 64, [3, 3], scope="conv1")   # conv1/conv1_1, _2
    >>> net = max_pool2d(net, [2, 2], scope="pool1")
    >>> net = stack(flatten(net), fully_connected, [32, 64], scope="fc")  # fc/fc_1, fc/fc_2
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

from trainkit.contrib.framework.arg_scope import add_arg_scope
from trainkit.contrib.layers import utils
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import (
    array_ops,
    conv3d_ops,
    mask_ops,
    math_ops,
    nn_activations,
    pool_ops,
)
from trainkit.ops import variable_scope as vs
from trainkit.ops.layers_impl import core


def _pair(value: Any, what: str) -> list[int]:
    if isinstance(value, numbers.Integral):
        return [int(value), int(value)]
    try:
        a, b = value
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be an int or a list of 2 ints, got {value!r}") from None
    return [int(a), int(b)]


def _pool2d(kind: str, default: str, inputs: Any, kernel_size: Any, stride: Any,
            padding: str, data_format: str, outputs_collections: Any, scope: str | None
            ) -> Tensor:
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    kh, kw = _pair(kernel_size, "kernel_size")
    sh, sw = _pair(stride, "stride")
    nchw = data_format == "NCHW"
    ksize = [1, 1, kh, kw] if nchw else [1, kh, kw, 1]
    strides = [1, 1, sh, sw] if nchw else [1, sh, sw, 1]
    with name_scope(scope, default, [inputs]) as sc:
        x = conversion.convert_to_tensor(inputs)
        if x.shape.ndims is not None and x.shape.ndims != 4:
            raise ValueError(f"Input 0 of layer {default} is incompatible with the layer: "
                             f"expected ndim=4, found ndim={x.shape.ndims}. Full shape "
                             f"received: {x.shape}")
        pool = pool_ops.max_pool if kind == "max" else pool_ops.avg_pool
        y = pool(x, ksize, strides, str(padding).upper(), data_format=data_format)
        return utils.collect_named_outputs(outputs_collections, sc, y)


@add_arg_scope
def max_pool2d(inputs: Any, kernel_size: Any, stride: Any = 2, padding: str = "VALID",
               data_format: str = "NHWC", outputs_collections: Any = None,
               scope: str | None = None) -> Tensor:
    """2-D max pooling in name scope ``MaxPool2D``.

    Raises:
        ValueError: for a bad ``data_format`` or a known input rank other than 4.
    """
    return _pool2d("max", "MaxPool2D", inputs, kernel_size, stride, padding, data_format,
                   outputs_collections, scope)


@add_arg_scope
def avg_pool2d(inputs: Any, kernel_size: Any, stride: Any = 2, padding: str = "VALID",
               data_format: str = "NHWC", outputs_collections: Any = None,
               scope: str | None = None) -> Tensor:
    """2-D average pooling in name scope ``AvgPool2D``.

    Raises:
        ValueError: for a bad ``data_format`` or a known input rank other than 4.
    """
    return _pool2d("avg", "AvgPool2D", inputs, kernel_size, stride, padding, data_format,
                   outputs_collections, scope)


def _pool3d(kind: str, default: str, inputs: Any, kernel_size: Any, stride: Any,
            padding: str, data_format: str, outputs_collections: Any, scope: str | None
            ) -> Tensor:
    if data_format not in ("NDHWC", "NCDHW"):
        raise ValueError("data_format has to be either NCDHW or NDHWC.")

    def triple(v: Any) -> list[int]:
        return [int(v)] * 3 if isinstance(v, numbers.Integral) else [int(a) for a in v]

    k, st = triple(kernel_size), triple(stride)
    first = data_format == "NCDHW"
    ksize = [1, 1, *k] if first else [1, *k, 1]
    strides = [1, 1, *st] if first else [1, *st, 1]
    with name_scope(scope, default, [inputs]) as sc:
        pool = conv3d_ops.max_pool3d if kind == "max" else conv3d_ops.avg_pool3d
        y = pool(conversion.convert_to_tensor(inputs), ksize, strides, str(padding).upper(),
                 data_format=data_format)
        return utils.collect_named_outputs(outputs_collections, sc, y)


@add_arg_scope
def max_pool3d(inputs: Any, kernel_size: Any, stride: Any = 2, padding: str = "VALID",
               data_format: str = "NDHWC", outputs_collections: Any = None,
               scope: str | None = None) -> Tensor:
    """3-D max pooling in name scope ``MaxPool3D``.

    Raises:
        ValueError: for a bad ``data_format``.
    """
    return _pool3d("max", "MaxPool3D", inputs, kernel_size, stride, padding, data_format,
                   outputs_collections, scope)


@add_arg_scope
def avg_pool3d(inputs: Any, kernel_size: Any, stride: Any = 2, padding: str = "VALID",
               data_format: str = "NDHWC", outputs_collections: Any = None,
               scope: str | None = None) -> Tensor:
    """3-D average pooling in name scope ``AvgPool3D``.

    Raises:
        ValueError: for a bad ``data_format``.
    """
    return _pool3d("avg", "AvgPool3D", inputs, kernel_size, stride, padding, data_format,
                   outputs_collections, scope)


@add_arg_scope
def flatten(inputs: Any, outputs_collections: Any = None, scope: str | None = None) -> Tensor:
    """``[batch, ...]`` -> ``[batch, k]`` in name scope ``Flatten`` (``tk.layers.flatten``).

    Raises:
        ValueError: for a scalar input.
    """
    with name_scope(scope, "Flatten", [inputs]) as sc:
        y = core.flatten(conversion.convert_to_tensor(inputs))
        return utils.collect_named_outputs(outputs_collections, sc, y)


@add_arg_scope
def dropout(inputs: Any, keep_prob: Any = 0.5, noise_shape: Any = None, is_training: Any = True,
            outputs_collections: Any = None, scope: str | None = None,
            seed: int | None = None) -> Tensor:
    """Keeps each entry with probability ``keep_prob`` (scaled by ``1 / keep_prob``) when
    ``is_training`` (a bool or a boolean tensor); the identity otherwise.

    Raises:
        ValueError: if ``keep_prob`` is a number outside ``(0, 1]``.
    """
    if isinstance(keep_prob, numbers.Real) and not 0.0 < keep_prob <= 1.0:
        raise ValueError(f"keep_prob must be a scalar in (0, 1], got {keep_prob!r}")
    with vs.variable_scope(scope, "Dropout", [inputs]) as sc:
        rate = 1.0 - keep_prob
        y = core.dropout(inputs, rate=rate, noise_shape=noise_shape, seed=seed,
                         training=is_training, name=sc)
        return utils.collect_named_outputs(outputs_collections, sc.name, y)


@add_arg_scope
def one_hot_encoding(labels: Any, num_classes: int, on_value: float = 1.0,
                     off_value: float = 0.0, outputs_collections: Any = None,
                     scope: str | None = None) -> Tensor:
    """``one_hot(labels, num_classes)`` (float32 rows) in name scope ``OneHotEncoding``."""
    with name_scope(scope, "OneHotEncoding", [labels, num_classes]) as sc:
        lab = conversion.convert_to_tensor(labels)
        if lab.dtype == _dt.int32:
            lab = math_ops.cast(lab, _dt.int64)
        y = mask_ops.one_hot(lab, num_classes, on_value=on_value, off_value=off_value)
        return utils.collect_named_outputs(outputs_collections, sc, y)


def softmax(logits: Any, scope: str | None = None) -> Tensor:
    """Softmax over the last axis of ``logits`` (rank >= 2) in variable scope ``softmax``.

    Raises:
        ValueError: if the rank is below 2 or the last dimension is unknown.
    """
    with vs.variable_scope(scope, "softmax", [logits]):
        x = conversion.convert_to_tensor(logits)
        dims = x.shape.as_list() if x.shape.ndims is not None else None
        if dims is None or len(dims) < 2 or dims[-1] is None:
            raise ValueError(f"softmax: logits must have rank >= 2 and a known last "
                             f"dimension, got shape {x.shape}")
        flat = nn_activations.softmax(array_ops.reshape(x, [-1, dims[-1]]))
        y = array_ops.reshape(flat, array_ops.shape(x))
        y.set_shape(x.shape)
        return y


def _layer_name(layer: Callable) -> str:
    if hasattr(layer, "__name__"):
        return layer.__name__
    if hasattr(layer, "func") and hasattr(layer.func, "__name__"):
        return layer.func.__name__
    return "stack"


def repeat(inputs: Any, repetitions: int, layer: Callable, *args: Any, **kwargs: Any) -> Any:
    """Applies ``layer(x, *args, **kwargs)`` ``repetitions`` times, the i-th in scope
    ``<scope>/<scope>_<i>`` (``scope`` defaults to the layer's name, under ``Repeat``)."""
    scope = kwargs.pop("scope", None)
    with vs.variable_scope(scope, "Repeat", [inputs]):
        outputs = conversion.convert_to_tensor(inputs)
        base = scope if scope is not None else _layer_name(layer)
        if base == "stack" and scope is None:
            base = "repeat"
        for i in range(repetitions):
            outputs = layer(outputs, *args, **{**kwargs, "scope": f"{base}_{i + 1}"})
        return outputs


def stack(inputs: Any, layer: Callable, stack_args: Any, **kwargs: Any) -> Any:
    """Applies ``layer(x, *stack_args[i], **kwargs)`` for each i, the i-th in scope
    ``<scope>/<scope>_<i+1>`` (``scope`` defaults to the layer's name, under ``Stack``).

    Raises:
        ValueError: if ``stack_args`` is not a list or tuple.
    """
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, list | tuple):
        raise ValueError("stack_args need to be a list or tuple")
    with vs.variable_scope(scope, "Stack", [inputs]):
        outputs = conversion.convert_to_tensor(inputs)
        base = scope if scope is not None else _layer_name(layer)
        for i, layer_args in enumerate(stack_args):
            if not isinstance(layer_args, list | tuple):
                layer_args = [layer_args]
            outputs = layer(outputs, *layer_args, **{**kwargs, "scope": f"{base}_{i + 1}"})
        return outputs


__all__ = ["max_pool2d", "avg_pool2d", "max_pool3d", "avg_pool3d", "flatten", "dropout",
           "one_hot_encoding", "softmax", "repeat", "stack"]
