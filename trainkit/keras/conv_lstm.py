"""``tk.keras.layers.ConvLSTM2D`` (and its cell): an LSTM whose input and recurrent
transformations are 2-D convolutions, as tf_keras 2.21 builds it.

Per step, with the kernels split in four along their last axis (gates ``i, f, c, o``)::

    x_g = conv(inputs, kernel_g, strides, padding, dilation) + bias_g
    h_g = conv(h_prev, recurrent_kernel_g, stride 1, "same")
    i, f, o = recurrent_activation(x_i + h_i), ..., ...
    c = f * c_prev + i * activation(x_c + h_c);  h = o * activation(c)

Inputs are ``[batch, time, rows, cols, channels]`` (``channels_first``: ``[batch, time,
channels, rows, cols]``, computed in channels-last order and transposed back, as Keras
does on a CPU); states ``[h, c]`` are ``[batch, out_rows, out_cols, filters]``, zeros at
the start (Keras makes them by convolving the time-summed zero input with a zero kernel:
the same shape rule). Weights ``kernel [kh, kw, channels, 4 filters]``,
``recurrent_kernel [kh, kw, filters, 4 filters]`` (orthogonal), ``bias [4 filters]``
(the forget block ones with ``unit_forget_bias``). Dropout masks are drawn once per call
and shared by every step (``DropoutRNNCellMixin``). The time loop is the ``RNN`` layer's
(``keras/rnn_loop.py``), so masking, ``go_backwards``, ``return_sequences`` and
``return_state`` behave as for ``LSTM``.

Example:
    >>> model = tk.keras.Sequential([
    ...     tk.keras.layers.ConvLSTM2D(8, (3, 3), padding="same", return_sequences=True,
    ...                                input_shape=(None, 16, 16, 1)),
    ...     tk.keras.layers.Conv3D(1, (3, 3, 3), padding="same", activation="sigmoid")])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework.tensor import Tensor
from trainkit.keras import activations, initializers
from trainkit.keras.recurrent_cells import AbstractRNNCell, DropoutRNNCellMixin
from trainkit.keras.recurrent_layers import RNN
from trainkit.ops import array_ops
from trainkit.ops.conv_ops import conv2d
from trainkit.ops.join_ops import concat, split
from trainkit.ops.layers_impl import base
from trainkit.ops.nn_activations import bias_add
from trainkit.ops.reduction_ops import reduce_sum
from trainkit.ops.shape_ops import transpose


def _rate(value: Any, what: str) -> float:
    rate = float(value)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"`{what}` must be between 0 and 1, got {value}.")
    return rate


class _ForgetBias:
    """``[zeros-like f, ones, zeros-like 2f]``: the bias with ``unit_forget_bias``."""

    def __init__(self, base_init: Any, filters: int):
        self.base, self.filters = base_init, filters

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        f = self.filters
        return concat([self.base([f], dtype=dtype), array_ops.ones([f], dtype=dtype),
                       self.base([2 * f], dtype=dtype)], 0)


class ConvLSTM2DCell(DropoutRNNCellMixin, AbstractRNNCell):
    """One step of :class:`ConvLSTM2D` on ``[batch, rows, cols, channels]`` inputs
    (arguments as the layer's).

    Raises:
        ValueError: for bad sizes, padding, data_format or rates, or inputs whose channel
            dimension is unknown.
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = (1, 1), activation: Any = "tanh",
                 recurrent_activation: Any = "hard_sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Callable | None = None,
                 recurrent_regularizer: Callable | None = None,
                 bias_regularizer: Callable | None = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        who = "ConvLSTM2D"
        self.filters = base.positive_int(filters, "filters", who)
        self.kernel_size = base.int_pair(kernel_size, "kernel_size", who)
        self.strides = base.int_pair(strides, "strides", who)
        self.dilation_rate = base.int_pair(dilation_rate, "dilation_rate", who)
        if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
            raise ValueError(f'The `padding` argument must be one of "valid", "same". '
                             f"Received: {padding}")
        self.padding = padding.lower()
        self.data_format = data_format or "channels_last"
        base.data_format_arg(self.data_format, who)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = bool(unit_forget_bias)
        self._regularizers = (kernel_regularizer, recurrent_regularizer, bias_regularizer)
        self._constraints = (kernel_constraint, recurrent_constraint, bias_constraint)
        self.dropout = _rate(dropout, "dropout")
        self.recurrent_dropout = _rate(recurrent_dropout, "recurrent_dropout")
        self.reset_dropout_mask()
        self.reset_recurrent_dropout_mask()

    @property
    def state_size(self) -> list:
        return [self.filters, self.filters]

    @property
    def output_size(self) -> int:
        return self.filters

    def build(self, input_shape: Any) -> None:
        dims = list(input_shape) if not hasattr(input_shape, "as_list") \
            else input_shape.as_list()
        channels = dims[1] if self.data_format == "channels_first" else dims[-1]
        if channels is None:
            raise ValueError("The channel dimension of the inputs (last axis) should be "
                             f"defined. Found None. Full input shape received: "
                             f"input_shape={tuple(dims)}")
        kh, kw = self.kernel_size
        f = self.filters
        self.kernel_shape = (kh, kw, int(channels), 4 * f)
        self.kernel = self.add_weight("kernel", list(self.kernel_shape),
                                      initializer=self.kernel_initializer,
                                      regularizer=self._regularizers[0],
                                      constraint=self._constraints[0])
        self.recurrent_kernel = self.add_weight("recurrent_kernel", [kh, kw, f, 4 * f],
                                                initializer=self.recurrent_initializer,
                                                regularizer=self._regularizers[1],
                                                constraint=self._constraints[1])
        self.bias = None
        if self.use_bias:
            init = _ForgetBias(self.bias_initializer, f) if self.unit_forget_bias \
                else self.bias_initializer
            self.bias = self.add_weight("bias", [4 * f], initializer=init,
                                        regularizer=self._regularizers[2],
                                        constraint=self._constraints[2])
        self.built = True

    def _conv(self, x: Tensor, w: Any, strides: tuple, padding: str, dilation: tuple
              ) -> Tensor:
        """Keras's ``backend.conv2d`` on a CPU: channels-first data is transposed to
        channels-last and back."""
        first = self.data_format == "channels_first"
        if first:
            x = transpose(x, [0, 2, 3, 1])
        y = conv2d(x, w, strides=[1, *strides, 1], padding=padding.upper(),
                   dilations=[1, *dilation, 1])
        return transpose(y, [0, 3, 1, 2]) if first else y

    def input_conv(self, x: Tensor, w: Any, b: Any = None, padding: str = "valid"
                   ) -> Tensor:
        """The input's convolution with the layer's strides and dilation, plus ``b``."""
        y = self._conv(x, w, self.strides, padding, self.dilation_rate)
        if b is None:
            return y
        return bias_add(y, b, data_format="NCHW" if self.data_format == "channels_first"
                        else "NHWC")

    def recurrent_conv(self, x: Tensor, w: Any) -> Tensor:
        """The state's convolution: stride 1, ``same`` padding."""
        return self._conv(x, w, (1, 1), "same", (1, 1))

    def call(self, inputs: Any, states: Any, training: Any = None) -> tuple:
        h_prev, c_prev = states[0], states[1]
        dp = self.get_dropout_mask_for_cell(inputs, training, count=4)
        rec = self.get_recurrent_dropout_mask_for_cell(h_prev, training, count=4)
        xs = [inputs * m for m in dp] if 0 < self.dropout < 1 else [inputs] * 4
        hs = [h_prev * m for m in rec] if 0 < self.recurrent_dropout < 1 else [h_prev] * 4
        kernels = split(self.kernel, 4, axis=3)
        recurrent = split(self.recurrent_kernel, 4, axis=3)
        biases = split(self.bias, 4) if self.use_bias else [None] * 4
        x_i, x_f, x_c, x_o = (self.input_conv(x, k, b, padding=self.padding)
                              for x, k, b in zip(xs, kernels, biases))
        h_i, h_f, h_c, h_o = (self.recurrent_conv(h, k) for h, k in zip(hs, recurrent))
        act, gate = self.activation, self.recurrent_activation
        i = gate(x_i + h_i)
        f = gate(x_f + h_f)
        c = f * c_prev + i * act(x_c + h_c)
        o = gate(x_o + h_o)
        h = o * act(c)
        return h, [h, c]


class ConvLSTM2D(RNN):
    """A convolutional LSTM over ``[batch, time, rows, cols, channels]`` inputs (cell
    ``conv_lstm_cell``, weights ``conv_lstm2d/kernel``, ``.../recurrent_kernel``,
    ``.../bias``).

    Args:
        filters: output channels.
        kernel_size, strides, padding, data_format, dilation_rate: of the input
            convolution (the recurrent one is stride 1, ``same``).
        activation, recurrent_activation, use_bias, *_initializer, unit_forget_bias,
            *_regularizer, *_constraint, dropout, recurrent_dropout: as ``LSTM``'s.
        return_sequences, return_state, go_backwards: as ``RNN``'s.

    Raises:
        ValueError: for bad arguments, or inputs that are not 5-D.
        NotImplementedError: for ``stateful=True`` (as every trainkit RNN layer).
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = (1, 1), activation: Any = "tanh",
                 recurrent_activation: Any = "hard_sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Callable | None = None,
                 recurrent_regularizer: Callable | None = None,
                 bias_regularizer: Callable | None = None,
                 activity_regularizer: Callable | None = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, **kwargs: Any):
        cell = ConvLSTM2DCell(
            filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, name="conv_lstm_cell",
            dtype=kwargs.get("dtype"))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful,
                         activity_regularizer=activity_regularizer, **kwargs)
        self._ndim = 5

    def __getattr__(self, name: str) -> Any:
        # filters, kernel_size, padding, dropout, ...: the cell's (as tf_keras's layer)
        cell = self.__dict__.get("cell")
        if cell is not None and not name.startswith("_") and hasattr(cell, name):
            return getattr(cell, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def build(self, input_shape: Any) -> None:
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        dims = input_shape.as_list() if hasattr(input_shape, "as_list") else list(input_shape)
        if len(dims) != 5:
            raise ValueError(f"Input 0 of layer {self.name} is incompatible with the layer: "
                             f"expected ndim=5, found ndim={len(dims)}. Full shape "
                             f"received: {tuple(dims)}")
        self.cell.build((dims[0], *dims[2:]))
        self.built = True

    def get_initial_state(self, inputs: Tensor) -> list:
        """Zeros ``[batch, out_rows, out_cols, filters]`` for ``h`` and ``c``, made as
        Keras makes them (the time-summed zero input through the input convolution with
        a zero kernel)."""
        zeros = reduce_sum(array_ops.zeros_like(inputs), axis=1)
        shape = list(self.cell.kernel_shape)
        shape[-1] = self.cell.filters
        state = self.cell.input_conv(zeros, array_ops.zeros(shape, dtype=zeros.dtype),
                                     padding=self.cell.padding)
        return [state, state]

    def call(self, inputs: Any, mask: Any = None, training: Any = None,
             initial_state: Any = None, constants: Any = None) -> Any:
        x = inputs[0] if isinstance(inputs, list | tuple) else inputs
        if getattr(x, "shape", None) is not None and x.shape.ndims not in (None, 5):
            raise ValueError(f"Input 0 of layer {self.name} is incompatible with the layer: "
                             f"expected ndim=5, found ndim={x.shape.ndims}.")
        return super().call(inputs, mask=mask, training=training,
                            initial_state=initial_state, constants=constants)


__all__ = ["ConvLSTM2D", "ConvLSTM2DCell"]
