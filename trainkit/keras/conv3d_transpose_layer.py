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
from trainkit.keras.conv_transpose_layers import ConvTransposeBase
from trainkit.ops import array_ops, join_ops, nn_activations, shape_ops


class Conv3DTranspose(ConvTransposeBase):
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
    _rank = 3
    _dilated_output = False

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: str = "valid", output_padding: Any = None,
                 data_format: str | None = None, dilation_rate: Any = (1, 1, 1),
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
