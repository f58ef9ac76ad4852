"""Keras's ``Conv2DTranspose`` (``Convolution2DTranspose``): the transposed 2-D
convolution, each spatial size growing as Keras's ``deconv_output_length`` says.

TF 1.15's Keras had no ``Conv1DTranspose`` (it arrived in TF 2.3), so there is none here.

Example:
    >>> up = tk.keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same")
    >>> h = up(codes)                                # [N, 7, 7, C] -> [N, 14, 14, 16]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import activations, base_layer, layer_args
from trainkit.ops import array_ops, conv_transpose_ops, join_ops, nn_activations
from trainkit.ops.layers_impl import base


def deconv_output_length(size: Any, kernel: int, padding: str, output_padding: int | None,
                         stride: int, dilation: int = 1) -> Any:
    """The output length of a transposed convolution along one axis (None stays None).

    Without ``output_padding``: ``size * stride`` (same) or
    ``size * stride + max(k - stride, 0)`` (valid), ``k`` the dilated kernel size; with
    it, ``(size - 1) * stride + k - 2 * pad + output_padding``.
    """
    if size is None:
        return None
    k = kernel + (kernel - 1) * (dilation - 1)
    if output_padding is None:
        return size * stride + (max(k - stride, 0) if padding == "valid" else 0)
    pad = k // 2 if padding == "same" else 0
    return (size - 1) * stride + k - 2 * pad + output_padding


class ConvTransposeBase(base_layer.Layer):
    """The arguments, weights and output sizes shared by ``Conv2DTranspose`` and
    ``Conv3DTranspose`` (``_rank`` spatial axes): ``kernel``
    ``[*kernel_size, filters, in_channels]`` and ``bias`` ``[filters]``, as Keras."""

    _rank = 2
    #: whether the output length counts the dilated kernel (tf_keras's 2-D layer does,
    #: its 3-D layer checks the dilation and then ignores it)
    _dilated_output = True

    def __init__(self, filters: int, kernel_size: Any, strides: Any, padding: str,
                 output_padding: Any, data_format: str | None, dilation_rate: Any,
                 activation: Any, use_bias: bool, kernel_initializer: Any,
                 bias_initializer: Any, kernel_regularizer: Callable | None,
                 bias_regularizer: Callable | None, activity_regularizer: Callable | None,
                 kernel_constraint: Any, bias_constraint: Any, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        who, rank = type(self).__name__, self._rank
        self.filters = base.positive_int(filters, "filters", who)
        self.kernel_size = layer_args.normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = layer_args.normalize_tuple(strides, rank, "strides")
        self.dilation_rate = layer_args.normalize_tuple(dilation_rate, rank, "dilation_rate")
        if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
            raise ValueError('The `padding` argument must be one of "valid", "same". '
                             f"Received: {padding}")
        self.padding = padding.lower()
        self.data_format = layer_args.normalize_data_format(data_format)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = layer_args.normalize_tuple(output_padding, rank,
                                                             "output_padding", True)
            for stride, pad in zip(self.strides, self.output_padding):
                if pad >= stride:
                    raise ValueError("Strides must be greater than output padding. Received "
                                     f"strides={self.strides}, "
                                     f"output_padding={self.output_padding}.")
        self._check_dilation()
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self._inits = (kernel_initializer, bias_initializer)
        self._regularizers = (kernel_regularizer, bias_regularizer)
        self._constraints = (kernel_constraint, bias_constraint)

    def _check_dilation(self) -> None:
        """Refuses a dilation above 1 together with strides above 1."""
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{type(self).__name__}: strides > 1 not supported in "
                             f"conjunction with dilation_rate > 1 (strides={self.strides}, "
                             f"dilation_rate={self.dilation_rate}).")

    def build(self, input_shape: Any) -> None:
        axis = 1 if self.data_format == "channels_first" else self._rank + 1
        channels = input_shape.as_list()[axis]
        if channels is None:
            raise ValueError(f"The channel dimension of the inputs to `{type(self).__name__}` "
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
        dilation = self.dilation_rate[i] if self._dilated_output else 1
        return deconv_output_length(size, self.kernel_size[i], self.padding, pad,
                                    self.strides[i], dilation)


class Conv2DTranspose(ConvTransposeBase):
    """Transposed 2-D convolution: ``kernel`` ``[kh, kw, filters, in_channels]`` and
    ``bias`` ``[filters]``, as Keras.

    Differs from TF: a ``dilation_rate`` above 1 with ``strides`` above 1 is refused
    (tf_keras runs ``atrous_conv2d_transpose``, which ignores the strides).

    Raises:
        ValueError: for a non-positive ``filters``, bad sizes, padding or data_format,
            an ``output_padding`` not below the strides, an input that is not 4-D or
            whose channel dimension is unknown.
    """

    _ndim = 4

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", output_padding: Any = None,
                 data_format: str | None = None, dilation_rate: Any = (1, 1),
                 activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Callable | None = None,
                 bias_regularizer: Callable | None = None,
                 activity_regularizer: Callable | None = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any):
        super().__init__(filters, kernel_size, strides, padding, output_padding, data_format,
                         dilation_rate, activation, use_bias, kernel_initializer,
                         bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)

    def _check_dilation(self) -> None:
        if self.dilation_rate != (1, 1) and self.dilation_rate[0] != self.dilation_rate[1]:
            raise ValueError("Expected the 2 dimensions of the `dilation_rate` argument "
                             f"to be equal to each other. Received: {self.dilation_rate}")
        super()._check_dilation()

    def _axes(self) -> tuple[int, int, int]:
        """The (channel, height, width) axes."""
        return (1, 2, 3) if self.data_format == "channels_first" else (3, 1, 2)

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        c_axis, h_axis, w_axis = self._axes()
        dims = x.shape.as_list()
        dyn = array_ops.shape(x)
        out: list[Any] = [dyn[0], None, None, None]
        static: list[Any] = [dims[0], None, None, None]
        for i, axis in enumerate((h_axis, w_axis)):
            static[axis] = self._out_size(dims[axis], i)
            out[axis] = static[axis] if dims[axis] is not None else \
                self._out_size(dyn[axis], i)
        out[c_axis] = static[c_axis] = self.filters
        fmt = "NCHW" if self.data_format == "channels_first" else "NHWC"
        strides = [1, 1, *self.strides] if fmt == "NCHW" else [1, *self.strides, 1]
        rate = self.dilation_rate[0]
        dilations = [1, 1, rate, rate] if fmt == "NCHW" else [1, rate, rate, 1]
        y = conv_transpose_ops.conv2d_transpose(x, self.kernel, join_ops.stack(out), strides,
                                                self.padding.upper(), data_format=fmt,
                                                dilations=dilations)
        y.set_shape(static)
        if self.use_bias:
            y = nn_activations.bias_add(y, self.bias, data_format=fmt)
        return self.activation(y)


Convolution2DTranspose = Conv2DTranspose

__all__ = ["ConvTransposeBase", "Conv2DTranspose", "Convolution2DTranspose",
           "deconv_output_length"]
