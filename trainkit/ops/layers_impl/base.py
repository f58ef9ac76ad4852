"""What every functional layer shares: unique default names (``dense``, ``dense_1``, ...)
per variable scope (TF1's ``variable_scope(None, default_name=...)``), the layer's
variable scope, argument checks and ``activation``."""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Callable, Iterator
from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.tensor import Tensor
from trainkit.ops import init_ops, math_ops, nn_ops, variable_scope


@contextlib.contextmanager
def layer_scope(name: str | None, default: str, reuse: Any = None) -> Iterator[Any]:
    """Opens the layer's variable scope (and the name scope of its ops)."""
    if isinstance(name, variable_scope.VariableScope):
        # A class-style layer re-entering the scope it captured on its first call.
        cm = variable_scope.variable_scope(name, reuse=reuse)
    elif name is not None and not isinstance(name, str):
        raise TypeError(f"{default}: name must be a string, got {name!r}.")
    elif name:
        cm = variable_scope.variable_scope(name, reuse=reuse)
    elif reuse is True:
        # TF1's Layer._set_scope: a layer asked to reuse opens its base name as is.
        cm = variable_scope.variable_scope(default, reuse=True)
    else:
        # Unique per enclosing variable scope; re-entering a scope restarts the counts
        # (``variable_scope('net', reuse=True)`` builds ``net/conv2d`` again).
        cm = variable_scope.variable_scope(None, default_name=default, reuse=reuse)
    with cm as vs:
        yield vs


def float_input(inputs: Any, layer: str) -> Tensor:
    """The input as a floating tensor (integers are cast to float32, as Keras layers do)."""
    x = conversion.convert_to_tensor(inputs)
    if not x.dtype.is_floating:
        x = math_ops.cast(x, _dt.float32)
    return x


def positive_int(value: Any, what: str, layer: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{layer}: {what} must be a positive integer, got {value!r}.")
    return int(value)


def int_pair(value: Any, what: str, layer: str) -> tuple[int, int]:
    """An int or a pair of ints (kernel sizes, strides) as a pair."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value, value)
    try:
        a, b = value
    except (TypeError, ValueError):
        raise ValueError(f"{layer}: {what} must be an int or a tuple of 2 ints, got "
                         f"{value!r}.") from None
    return positive_int(a, what, layer), positive_int(b, what, layer)


def one_int(value: Any, what: str, layer: str) -> tuple[int]:
    """An int or a 1-tuple of ints (1-D kernel sizes, strides) as a 1-tuple."""
    values = [value] if isinstance(value, numbers.Integral) else list(value)
    if len(values) != 1:
        raise ValueError(f"{layer}: The `{what}` argument must be a tuple of 1 integers. "
                         f"Received: {value!r}")
    return (positive_int(values[0], what, layer),)


def padding_arg(padding: Any, layer: str) -> str:
    p = str(padding).upper() if isinstance(padding, str) else None
    if p not in ("VALID", "SAME"):
        raise ValueError(f"{layer}: padding must be 'valid' or 'same', got {padding!r}.")
    return p


def data_format_arg(data_format: Any, layer: str) -> str:
    if data_format == "channels_last":
        return "NHWC"
    if data_format == "channels_first":
        return "NCHW"
    raise ValueError(f"{layer}: data_format must be 'channels_last' or 'channels_first', "
                     f"got {data_format!r}.")


def strides_or_dilation(layer: str, strided: bool, dilated: bool, strides: Any,
                        dilation_rate: Any) -> None:
    """TF1's refusal of a convolution both strided and dilated.

    Raises:
        ValueError: if ``strided`` and ``dilated`` are both true.
    """
    if strided and dilated:
        raise ValueError(f"{layer}: strides > 1 not supported in conjunction with "
                         f"dilation_rate > 1 (strides={strides!r}, "
                         f"dilation_rate={dilation_rate!r}).")


def conv_input(inputs: Any, layer: str, ndim: int, channels_last: bool) -> tuple[Tensor, int]:
    """A convolution layer's float input of rank ``ndim`` and its channel count.

    Raises:
        ValueError: if the input's rank is known and not ``ndim``, or its channel
            dimension is unknown.
    """
    x = float_input(inputs, layer)
    if x.shape.ndims is not None and x.shape.ndims != ndim:
        raise ValueError(f"Input 0 of layer {layer} is incompatible with the layer: expected "
                         f"ndim={ndim}, found ndim={x.shape.ndims}. Full shape received: "
                         f"{x.shape}")
    dims = x.shape.as_list() if x.shape.ndims == ndim else [None] * ndim
    channels = dims[-1] if channels_last else dims[1]
    if channels is None:
        raise ValueError(f"{layer}: the channel dimension of the inputs should be defined. "
                         "Found `None`.")
    return x, channels


# TF's layers default to a zeros initializer for the bias; an explicit
# ``bias_initializer=None`` leaves it to ``get_variable``, which takes the variable scope's
# initializer (Glorot-uniform unless the scope sets one), as TF does.
ZEROS = init_ops.zeros_initializer()


def bias_and_activation(y: Tensor, size: int, layer: str, *, use_bias: bool,
                        bias_initializer: Any, bias_regularizer: Any, bias_constraint: Any,
                        trainable: bool, activation: Callable | None,
                        activity_regularizer: Callable | None,
                        channels_first: bool = False) -> Tensor:
    """The common tail of the dense and convolution layers, inside the layer's scope:
    the ``bias`` variable of ``size`` added on the channel axis (when ``use_bias``), then
    the activation and the activity regularizer's loss. ``bias_initializer`` None means
    the variable scope's default initializer (see :data:`ZEROS`)."""
    if use_bias:
        bias = variable_scope.get_variable(
            "bias", [size], dtype=y.dtype,
            initializer=bias_initializer,
            regularizer=bias_regularizer, trainable=trainable, constraint=bias_constraint)
        y = nn_ops.bias_add(y, bias, data_format="NCHW" if channels_first else None)
    y = apply_activation(y, activation, layer)
    add_activity_loss(y, activity_regularizer)
    return y


def apply_activation(x: Tensor, activation: Callable | None, layer: str) -> Tensor:
    if activation is None:
        return x
    if not callable(activation):
        raise TypeError(f"{layer}: activation must be callable, got {activation!r}.")
    return activation(x)


def add_activity_loss(outputs: Tensor, regularizer: Callable | None) -> None:
    if regularizer is not None:
        loss = regularizer(outputs)
        if loss is not None:
            get_default_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)


__all__ = ["layer_scope", "float_input", "positive_int", "int_pair", "one_int",
           "padding_arg", "data_format_arg", "apply_activation", "add_activity_loss"]
