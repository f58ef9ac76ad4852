"""The weight layers of ``tf.contrib.layers`` / ``slim``: ``fully_connected``,
``convolution`` (``conv2d``, ...), ``conv2d_transpose``, ``separable_conv2d`` and
``bias_add``, built on ``tk.layers`` under contrib's scope and variable names.

Each opens ``variable_scope(scope, <default>)`` (``fully_connected``, ``Conv``,
``Conv2d_transpose``, ``SeparableConv2d``, ``BiasAdd``; made unique: ``Conv_1``, ...),
creates model variables ``weights`` / ``biases`` (xavier and zeros by default; no biases
when ``normalizer_fn`` is given or ``biases_initializer`` is None), then applies
``normalizer_fn(outputs, **normalizer_params)`` and ``activation_fn`` (ReLU by default).

Example:
    >>> net = conv2d(images, 32, [5, 5], scope="conv1")
    >>> net = fully_connected(flatten(net), 10, activation_fn=None, scope="logits")
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable
from typing import Any

from trainkit.contrib.framework.arg_scope import add_arg_scope
from trainkit.contrib.framework.variables import model_variable
from trainkit.contrib.layers import utils
from trainkit.contrib.layers.initializers import xavier_initializer
from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.ops import depthwise_conv_ops, init_ops, nn_activations, nn_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.layers_impl import conv as conv_layers
from trainkit.ops.layers_impl import conv3d_layers, core, separable

_RENAME = {"kernel": "weights", "bias": "biases"}
_FORMATS = (None, "NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW")


def _layer_kwargs(normalizer_fn: Any, weights_initializer: Any, biases_initializer: Any,
                  weights_regularizer: Any, biases_regularizer: Any, trainable: bool,
                  sc: Any, reuse: Any) -> dict[str, Any]:
    """The keyword arguments a contrib layer passes to its ``tk.layers`` layer: contrib's
    initializer/regularizer names as the layer's, and no bias under a normalizer or
    without a bias initializer (as TF's contrib layers)."""
    return dict(use_bias=normalizer_fn is None and biases_initializer is not None,
                kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
                kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
                trainable=trainable, name=sc, reuse=reuse)


def _finish(outputs: Tensor, getter: utils.ModelVariableGetter, variables_collections: Any,
            normalizer_fn: Callable | None, normalizer_params: dict | None,
            activation_fn: Callable | None, outputs_collections: Any, name: str) -> Tensor:
    for short, var in getter.made.items():
        key = "weights" if short.endswith("weights") else short
        utils.add_variable_to_collections(var, variables_collections, key)
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return utils.collect_named_outputs(outputs_collections, name, outputs)


@add_arg_scope
def fully_connected(inputs: Any, num_outputs: int, activation_fn: Callable | None = nn_ops.relu,
                    normalizer_fn: Callable | None = None, normalizer_params: dict | None = None,
                    weights_initializer: Any = xavier_initializer(),
                    weights_regularizer: Callable | None = None,
                    biases_initializer: Any = init_ops.zeros_initializer(),
                    biases_regularizer: Callable | None = None, reuse: Any = None,
                    variables_collections: Any = None, outputs_collections: Any = None,
                    trainable: bool = True, scope: str | None = None) -> Tensor:
    """``activation_fn(normalizer_fn(inputs @ weights + biases))`` over the last axis.

    Raises:
        ValueError: if ``num_outputs`` is not an integer, or the input's last dimension is
            unknown.
    """
    if isinstance(num_outputs, bool) or not isinstance(num_outputs, numbers.Integral):
        raise ValueError(f"num_outputs type should be one of [<class 'int'>], got "
                         f"{type(num_outputs)}.")
    getter = utils.ModelVariableGetter(_RENAME)
    with vs.variable_scope(scope, "fully_connected", [inputs], reuse=reuse,
                           custom_getter=getter) as sc:
        x = conversion.convert_to_tensor(inputs)
        y = core.dense(x, int(num_outputs),
                       **_layer_kwargs(normalizer_fn, weights_initializer, biases_initializer,
                                       weights_regularizer, biases_regularizer, trainable,
                                       sc, reuse))
        return _finish(y, getter, variables_collections, normalizer_fn, normalizer_params,
                       activation_fn, outputs_collections, sc.name)


def _channels_first(data_format: Any) -> bool:
    if data_format not in _FORMATS:
        raise ValueError(f"Invalid data_format: {data_format!r}")
    return bool(data_format) and data_format.startswith("NC")


@add_arg_scope
def convolution(inputs: Any, num_outputs: int, kernel_size: Any, stride: Any = 1,
                padding: str = "SAME", data_format: str | None = None, rate: Any = 1,
                activation_fn: Callable | None = nn_ops.relu,
                normalizer_fn: Callable | None = None, normalizer_params: dict | None = None,
                weights_initializer: Any = xavier_initializer(),
                weights_regularizer: Callable | None = None,
                biases_initializer: Any = init_ops.zeros_initializer(),
                biases_regularizer: Callable | None = None, reuse: Any = None,
                variables_collections: Any = None, outputs_collections: Any = None,
                trainable: bool = True, scope: str | None = None,
                conv_dims: int | None = None) -> Tensor:
    """An N-D convolution (N = input rank - 2, 1 to 3) with ``weights``
    ``[*kernel_size, in, num_outputs]``, ``stride``, atrous ``rate`` and ``padding``.

    Raises:
        ValueError: for a bad ``data_format``, an input rank other than ``conv_dims + 2``
            (or 3 to 5), or the ``tk.layers`` argument errors (stride and rate both > 1).
    """
    channels_first = _channels_first(data_format)
    getter = utils.ModelVariableGetter(_RENAME)
    with vs.variable_scope(scope, "Conv", [inputs], reuse=reuse, custom_getter=getter) as sc:
        x = conversion.convert_to_tensor(inputs)
        rank = x.shape.ndims
        if conv_dims is not None and rank is not None and conv_dims + 2 != rank:
            raise ValueError(f"Convolution expects input with rank {conv_dims + 2}, got "
                             f"{rank}")
        layer = {3: conv_layers.conv1d, 4: conv_layers.conv2d, 5: conv3d_layers.conv3d}.get(
            rank if rank is not None else -1)
        if layer is None:
            raise ValueError(f"Convolution not supported for input with rank {rank}")
        y = layer(x, num_outputs, kernel_size, strides=stride, padding=padding,
                  data_format="channels_first" if channels_first else "channels_last",
                  dilation_rate=rate,
                  **_layer_kwargs(normalizer_fn, weights_initializer, biases_initializer,
                                  weights_regularizer, biases_regularizer, trainable, sc,
                                  reuse))
        return _finish(y, getter, variables_collections, normalizer_fn, normalizer_params,
                       activation_fn, outputs_collections, sc.name)


def _fixed_rank(conv_dims: int, name: str) -> Callable[..., Tensor]:
    """``convolution`` for one input rank, taking ``convolution``'s arguments in its order
    (``stride``, ``padding``, ... may be positional, as in TF) without ``conv_dims``."""
    def conv(inputs: Any, num_outputs: int, kernel_size: Any, *args: Any,
             **kwargs: Any) -> Tensor:
        return convolution(inputs, num_outputs, kernel_size, *args, conv_dims=conv_dims,
                           **kwargs)

    params = [p for p in inspect.signature(convolution).parameters.values()
              if p.name != "conv_dims"]
    conv.__signature__ = inspect.Signature(params, return_annotation=Tensor)  # type: ignore
    conv.__name__ = conv.__qualname__ = name
    conv.__doc__ = f":func:`convolution` of a {conv_dims + 2}-D input."
    return add_arg_scope(conv)


convolution1d = _fixed_rank(1, "convolution1d")
convolution2d = _fixed_rank(2, "convolution2d")
convolution3d = _fixed_rank(3, "convolution3d")


@add_arg_scope
def convolution2d_transpose(inputs: Any, num_outputs: int, kernel_size: Any, stride: Any = 1,
                            padding: str = "SAME", data_format: str = "NHWC",
                            activation_fn: Callable | None = nn_ops.relu,
                            normalizer_fn: Callable | None = None,
                            normalizer_params: dict | None = None,
                            weights_initializer: Any = xavier_initializer(),
                            weights_regularizer: Callable | None = None,
                            biases_initializer: Any = init_ops.zeros_initializer(),
                            biases_regularizer: Callable | None = None, reuse: Any = None,
                            variables_collections: Any = None,
                            outputs_collections: Any = None, trainable: bool = True,
                            scope: str | None = None) -> Tensor:
    """A transposed 2-D convolution (``weights`` ``[kh, kw, num_outputs, in]``).

    Raises:
        ValueError: if ``data_format`` is neither NHWC nor NCHW.
    """
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    getter = utils.ModelVariableGetter(_RENAME)
    with vs.variable_scope(scope, "Conv2d_transpose", [inputs], reuse=reuse,
                           custom_getter=getter) as sc:
        y = conv_layers.conv2d_transpose(
            conversion.convert_to_tensor(inputs), num_outputs, kernel_size, strides=stride,
            padding=padding,
            data_format="channels_first" if data_format == "NCHW" else "channels_last",
            **_layer_kwargs(normalizer_fn, weights_initializer, biases_initializer,
                            weights_regularizer, biases_regularizer, trainable, sc, reuse))
        return _finish(y, getter, variables_collections, normalizer_fn, normalizer_params,
                       activation_fn, outputs_collections, sc.name)


@add_arg_scope
def separable_convolution2d(inputs: Any, num_outputs: int | None, kernel_size: Any,
                            depth_multiplier: int = 1, stride: Any = 1, padding: str = "SAME",
                            data_format: str = "NHWC", rate: Any = 1,
                            activation_fn: Callable | None = nn_ops.relu,
                            normalizer_fn: Callable | None = None,
                            normalizer_params: dict | None = None,
                            weights_initializer: Any = xavier_initializer(),
                            pointwise_initializer: Any = None,
                            weights_regularizer: Callable | None = None,
                            biases_initializer: Any = init_ops.zeros_initializer(),
                            biases_regularizer: Callable | None = None, reuse: Any = None,
                            variables_collections: Any = None,
                            outputs_collections: Any = None, trainable: bool = True,
                            scope: str | None = None) -> Tensor:
    """A depthwise-separable 2-D convolution: ``depthwise_weights``
    ``[kh, kw, in, depth_multiplier]`` then ``pointwise_weights``
    ``[1, 1, in * depth_multiplier, num_outputs]``; with ``num_outputs=None`` only the
    depthwise convolution (and ``biases`` of ``in * depth_multiplier``).

    Raises:
        ValueError: if ``data_format`` is neither NHWC nor NCHW.
    """
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    getter = utils.ModelVariableGetter({"bias": "biases",
                                        "depthwise_kernel": "depthwise_weights",
                                        "pointwise_kernel": "pointwise_weights"})
    use_bias = normalizer_fn is None and biases_initializer is not None
    with vs.variable_scope(scope, "SeparableConv2d", [inputs], reuse=reuse,
                           custom_getter=getter) as sc:
        x = conversion.convert_to_tensor(inputs)
        if num_outputs is not None:
            y = separable.separable_conv2d(
                x, num_outputs, kernel_size, strides=stride, padding=padding,
                data_format="channels_first" if data_format == "NCHW" else "channels_last",
                dilation_rate=rate, depth_multiplier=depth_multiplier, use_bias=use_bias,
                depthwise_initializer=weights_initializer,
                pointwise_initializer=pointwise_initializer or weights_initializer,
                bias_initializer=biases_initializer,
                depthwise_regularizer=weights_regularizer,
                pointwise_regularizer=weights_regularizer,
                bias_regularizer=biases_regularizer, trainable=trainable, name=sc,
                reuse=reuse)
        else:
            y = _depthwise_only(x, kernel_size, depth_multiplier, stride, padding, data_format,
                                rate, weights_initializer, weights_regularizer,
                                biases_initializer if use_bias else None, biases_regularizer,
                                trainable)
        return _finish(y, getter, variables_collections, normalizer_fn, normalizer_params,
                       activation_fn, outputs_collections, sc.name)


def _pair(v: Any) -> list[int]:
    return [int(v), int(v)] if isinstance(v, numbers.Integral) else [int(a) for a in v]


def _depthwise_only(x: Tensor, kernel_size: Any, depth_multiplier: int, stride: Any,
                    padding: str, data_format: str, rate: Any, weights_initializer: Any,
                    weights_regularizer: Any, biases_initializer: Any,
                    biases_regularizer: Any, trainable: bool) -> Tensor:
    channels = x.shape.as_list()[1 if data_format == "NCHW" else -1]
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(stride)
    w = model_variable("depthwise_weights", [kh, kw, channels, depth_multiplier],
                       dtype=x.dtype, initializer=weights_initializer,
                       regularizer=weights_regularizer, trainable=trainable)
    strides = [1, 1, sh, sw] if data_format == "NCHW" else [1, sh, sw, 1]
    y = depthwise_conv_ops.depthwise_conv2d(x, w, strides, padding, rate=_pair(rate),
                                            data_format=data_format)
    if biases_initializer is not None:
        b = model_variable("biases", [channels * depth_multiplier], dtype=x.dtype,
                           initializer=biases_initializer, regularizer=biases_regularizer,
                           trainable=trainable)
        y = nn_activations.bias_add(y, b, data_format=data_format)
    return y


@add_arg_scope
def bias_add(inputs: Any, activation_fn: Callable | None = None,
             initializer: Any = init_ops.zeros_initializer(),
             regularizer: Callable | None = None, reuse: Any = None,
             variables_collections: Any = None, outputs_collections: Any = None,
             trainable: bool = True, data_format: str = "NHWC",
             scope: str | None = None) -> Tensor:
    """Adds a ``biases`` model variable on the channel axis, then ``activation_fn``.

    Raises:
        ValueError: for a bad ``data_format``, an unknown rank, rank < 2 (or < 3 with
            NCHW), or an unknown channel dimension.
    """
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with vs.variable_scope(scope, "BiasAdd", [inputs], reuse=reuse) as sc:
        x = conversion.convert_to_tensor(inputs)
        rank = x.shape.ndims
        if rank is None:
            raise ValueError("Dims of shape must be known but is None")
        if rank < 2 or (rank < 3 and data_format == "NCHW"):
            raise ValueError(f"Data format NCHW requires rank >= 3 or NHWC rank >= 2, got "
                             f"rank {rank}")
        channels = x.shape.as_list()[1 if data_format == "NCHW" else -1]
        if channels is None:
            raise ValueError("`C` dimension must be known but is None")
        b = model_variable("biases", [channels], dtype=x.dtype, initializer=initializer,
                           regularizer=regularizer, trainable=trainable,
                           collections=utils.get_variable_collections(variables_collections,
                                                                      "biases"))
        y = nn_activations.bias_add(x, b, data_format=data_format)
        if activation_fn is not None:
            y = activation_fn(y)
        return utils.collect_named_outputs(outputs_collections, sc.name, y)


conv2d = convolution2d
conv1d = convolution1d
conv3d = convolution3d
conv2d_transpose = convolution2d_transpose
separable_conv2d = separable_convolution2d

__all__ = ["fully_connected", "convolution", "convolution1d", "convolution2d", "conv1d",
           "conv2d", "convolution3d", "conv3d", "convolution2d_transpose", "conv2d_transpose",
           "separable_convolution2d", "separable_conv2d", "bias_add"]
