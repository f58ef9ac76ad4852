"""Keras's ``Conv3DTranspose`` (``Convolution3DTranspose``): the transposed 3-D
convolution over ``tk.nn.conv3d_transpose``, each spatial size growing as Keras's
``deconv_output_length`` says.

Example:
    >>> up = tk.keras.layers.Conv3DTranspose(8, 3, strides=2, padding="same")
    >>> h = up(volumes)                         # [N, 4, 4, 4, C] -> [N, 8, 8, 8, 8]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.autodiff.conv3d_transpose import conv3d_transpose
from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import activations, base_layer, layer_args
from trainkit.keras.conv_transpose_layers import deconv_output_length
from trainkit.ops import array_ops, join_ops, nn_activations, shape_ops
from trainkit.ops.layers_impl import base


class Conv3DTranspose(base_layer.Layer):
    """Transposed 3-D convolution: ``kernel`` ``[kd, kh, kw, filters, in_channels]`` and
    ``bias`` ``[filters]``, as Keras.

    ``dilation_rate`` is checked and then unused, as in tf_keras (whose ``call`` never
    passes it to the op).

    Differs from TF: the input's depth must be known when the layer is called (trainkit's
    ``conv3d_transpose`` builds its output from the depth); height, width and batch may
    be run-time.

    Raises:
        ValueError: for a non-positive ``filters``, bad sizes, padding or data_format,
            strides and dilation both above 1, an ``output_padding`` not below the strides,
            an input that is not 5-D or whose channel dimension or depth is unknown.

    Example:
        >>> y = tk.keras.layers.Conv3DTranspose(2, 2, strides=2)(x)   # doubles D, H, W
    """

    _ndim = 5

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: str = "valid", output_padding: Any = None,
                 data_format: str | None = None, dilation_rate: Any = (1, 1, 1),
                 activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Callable | None = None,
                 bias_regularizer: Callable | None = None,
                 activity_regularizer: Callable | None = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = base.positive_int(filters, "filters", "Conv3DTranspose")
        self.kernel_size = layer_args.normalize_tuple(kernel_size, 3, "kernel_size")
        self.strides = layer_args.normalize_tuple(strides, 3, "strides")
        self.dilation_rate = layer_args.normalize_tuple(dilation_rate, 3, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("Conv3DTranspose: strides > 1 not supported in conjunction "
                             f"with dilation_rate > 1 (strides={self.strides}, "
                             f"dilation_rate={self.dilation_rate}).")
        if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
            raise ValueError('The `padding` argument must be one of "valid", "same". '
                             f"Received: {padding}")
        self.padding = padding.lower()
        self.data_format = layer_args.normalize_data_format(data_format)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = layer_args.normalize_tuple(output_padding, 3,
                                                             "output_padding", True)
            for stride, pad in zip(self.strides, self.output_padding):
                if pad >= stride:
                    raise ValueError("Strides must be greater than output padding. Received "
                                     f"strides={self.strides}, "
                                     f"output_padding={self.output_padding}.")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self._inits = (kernel_initializer, bias_initializer)
        self._regularizers = (kernel_regularizer, bias_regularizer)
        self._constraints = (kernel_constraint, bias_constraint)

    def build(self, input_shape: Any) -> None:
        axis = 1 if self.data_format == "channels_first" else 4
        channels = input_shape.as_list()[axis]
        if channels is None:
            raise ValueError("The channel dimension of the inputs to `Conv3DTranspose` "
                             f"should be defined. The input_shape received is {input_shape}, "
                             f"where axis {axis} (0-based) is the channel dimension, which "
                             "found to be `None`.")
        self.kernel = self.add_weight("kernel", [*self.kernel_size, self.filters, channels],
                                      initializer=self._inits[0],
                                      regularizer=self._regularizers[0],
                                      constraint=self._constraints[0])
        self.bias = self.add_weight("bias", [self.filters], initializer=self._inits[1],
                                    regularizer=self._regularizers[1],
                                    constraint=self._constraints[1]) if self.use_bias else None

    def _out_size(self, size: Any, i: int) -> Any:
        pad = None if self.output_padding is None else self.output_padding[i]
        return deconv_output_length(size, self.kernel_size[i], self.padding, pad,
                                    self.strides[i])

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        first = self.data_format == "channels_first"
        if first:  # the op runs NDHWC only: transpose in and out
            x = shape_ops.transpose(x, [0, 2, 3, 4, 1])
        dims = x.shape.as_list()
        dyn = array_ops.shape(x)
        static: list[Any] = [dims[0]]
        out: list[Any] = [dyn[0]]
        for i in range(3):
            static.append(self._out_size(dims[i + 1], i))
            out.append(static[-1] if dims[i + 1] is not None
                       else self._out_size(dyn[i + 1], i))
        static.append(self.filters)
        out.append(self.filters)
        y = conv3d_transpose(x, self.kernel, join_ops.stack(out), [1, *self.strides, 1],
                             self.padding.upper())
        y.set_shape(static)
        if self.use_bias:
            y = nn_activations.bias_add(y, self.bias)
        if first:
            y = shape_ops.transpose(y, [0, 4, 1, 2, 3])
        return self.activation(y)


Convolution3DTranspose = Conv3DTranspose

__all__ = ["Conv3DTranspose", "Convolution3DTranspose"]
