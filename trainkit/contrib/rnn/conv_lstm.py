"""TF 1.15's ``tf.contrib.rnn.ConvLSTMCell`` and its 1-D/2-D/3-D forms (Shi et al. 2015):
an LSTM whose products are ``SAME``-padded, stride-1 convolutions.

``gates = conv(concat([x, h], -1), kernel) + biases`` with ``kernel``
``kernel_shape + [in_channels + output_channels, 4 * output_channels]`` and ``biases``
``[4 * output_channels]`` (zeros); ``i, j, f, o = split(gates, 4, -1)``;
``c' = sigmoid(f + forget_bias) * c + sigmoid(i) * tanh(j)``;
``h' = tanh(c') * sigmoid(o)`` (``concat([h', x], -1)`` with ``skip_connection``). As in
TF 1.15 every form's scope is ``conv_lstm_cell`` (the subclasses' ``name`` argument is not
passed on there), and with ``skip_connection`` the new ``h`` is wider than ``state_size``
says, so such a cell runs one step but not a ``dynamic_rnn`` (TF 1.15 fails the same way).

Example:
    >>> cell = Conv2DLSTMCell(input_shape=[8, 8, 3], output_channels=4, kernel_shape=[3, 3])
    >>> outputs, state = tk.nn.dynamic_rnn(cell, frames, dtype=tk.float32)  # [B, T, 8, 8, 3]
"""

from __future__ import annotations

import numbers
from typing import Any

from trainkit.framework.shapes import TensorShape
from trainkit.ops import array_ops, init_ops, math_ops
from trainkit.ops.conv1d_ops import conv1d
from trainkit.ops.conv3d_ops import conv3d
from trainkit.ops.conv_ops import conv2d
from trainkit.ops.rnn.cell_base import LSTMStateTuple, RNNCell, check_units


def _int_list(value: Any, what: str, length: int | None = None) -> list[int]:
    items = list(value) if isinstance(value, list | tuple) else None
    if items is None or not items or any(
            isinstance(v, bool) or not isinstance(v, numbers.Integral) or v <= 0
            for v in items) or (length is not None and len(items) != length):
        want = f"{length} " if length is not None else ""
        raise ValueError(f"ConvLSTMCell: {what} must be a list of {want}positive ints, got "
                         f"{value!r}.")
    return [int(v) for v in items]


class ConvLSTMCell(RNNCell):
    """Convolutional LSTM cell (TF 1.15's; see the module doc).

    Args:
        conv_ndims: 1, 2 or 3.
        input_shape: the input's shape without the batch (``conv_ndims + 1`` ints).
        output_channels: the number of output channels.
        kernel_shape: the convolution window (``conv_ndims`` ints).
        use_bias: add ``biases``.
        skip_connection: concatenate the input to the output.
        forget_bias: added to the forget gate.
        initializers: accepted and unused (as in TF 1.15).
        name: the scope's base name (default ``conv_lstm_cell``).

    Raises:
        ValueError: ``input_shape`` of the wrong length for ``conv_ndims``, a
            ``conv_ndims`` not in 1..3, or non-positive sizes.
    """

    def __init__(self, conv_ndims: int, input_shape: Any, output_channels: int,
                 kernel_shape: Any, use_bias: bool = True, skip_connection: bool = False,
                 forget_bias: float = 1.0, initializers: Any = None,
                 name: str = "conv_lstm_cell"):
        super().__init__(name=name)
        if conv_ndims not in (1, 2, 3):
            raise ValueError(f"ConvLSTMCell: conv_ndims must be 1, 2 or 3, got {conv_ndims!r}.")
        shape = _int_list(input_shape, "input_shape")
        if conv_ndims != len(shape) - 1:
            raise ValueError(f"Invalid input_shape {input_shape} for conv_ndims={conv_ndims}.")
        self._conv_ndims = int(conv_ndims)
        self._input_shape = shape
        self._output_channels = check_units(output_channels, "output_channels",
                                            "ConvLSTMCell")
        self._kernel_shape = _int_list(kernel_shape, "kernel_shape", conv_ndims)
        self._use_bias = bool(use_bias)
        self._forget_bias = forget_bias
        self._skip_connection = bool(skip_connection)
        total = self._output_channels + (shape[-1] if self._skip_connection else 0)
        state = TensorShape(shape[:-1] + [self._output_channels])
        self._state_size = LSTMStateTuple(state, state)
        self._output_size = TensorShape(shape[:-1] + [total])

    @property
    def state_size(self) -> LSTMStateTuple:
        return self._state_size

    @property
    def output_size(self) -> TensorShape:
        return self._output_size

    def build(self, inputs_shape: Any) -> None:
        shape = TensorShape(inputs_shape)
        if shape.ndims is not None and shape.ndims != self._conv_ndims + 2:
            raise ValueError(f"Conv Linear expects {self._conv_ndims + 2}-D inputs "
                             f"[batch, ..., channels], got shape {shape}.")
        depth = self._input_shape[-1] + self._output_channels
        n = 4 * self._output_channels
        self._kernel = self.add_variable("kernel", self._kernel_shape + [depth, n])
        self._biases = None
        if self._use_bias:
            self._biases = self.add_variable("biases", [n],
                                             initializer=init_ops.constant_initializer(0.0))
        self.built = True

    def _conv(self, x: Any) -> Any:
        if self._conv_ndims == 1:
            return conv1d(x, self._kernel, 1, padding="SAME")
        conv = conv2d if self._conv_ndims == 2 else conv3d
        return conv(x, self._kernel, [1] * (self._conv_ndims + 2), padding="SAME")

    def call(self, inputs: Any, state: Any) -> tuple[Any, LSTMStateTuple]:
        cell, hidden = state
        z = self._conv(array_ops.concat([inputs, hidden], self._conv_ndims + 1))
        if self._biases is not None:
            z = z + self._biases
        i, j, f, o = array_ops.split(z, 4, axis=self._conv_ndims + 1)
        new_cell = math_ops.sigmoid(f + self._forget_bias) * cell
        new_cell = new_cell + math_ops.sigmoid(i) * math_ops.tanh(j)
        output = math_ops.tanh(new_cell) * math_ops.sigmoid(o)
        if self._skip_connection:
            output = array_ops.concat([output, inputs], -1)
        return output, LSTMStateTuple(new_cell, output)


class Conv1DLSTMCell(ConvLSTMCell):
    """``ConvLSTMCell`` with ``conv_ndims=1`` (inputs ``[batch, width, channels]``)."""

    def __init__(self, name: str = "conv_1d_lstm_cell", **kwargs: Any):
        super().__init__(conv_ndims=1, **kwargs)


class Conv2DLSTMCell(ConvLSTMCell):
    """``ConvLSTMCell`` with ``conv_ndims=2`` (inputs ``[batch, h, w, channels]``)."""

    def __init__(self, name: str = "conv_2d_lstm_cell", **kwargs: Any):
        super().__init__(conv_ndims=2, **kwargs)


class Conv3DLSTMCell(ConvLSTMCell):
    """``ConvLSTMCell`` with ``conv_ndims=3`` (inputs ``[batch, d, h, w, channels]``)."""

    def __init__(self, name: str = "conv_3d_lstm_cell", **kwargs: Any):
        super().__init__(conv_ndims=3, **kwargs)


__all__ = ["ConvLSTMCell", "Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell"]
