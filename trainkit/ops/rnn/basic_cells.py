"""``BasicRNNCell``, ``BasicLSTMCell`` and ``GRUCell`` with TF1's equations, gate order
and variable names, so a TF1 checkpoint's variables mean the same thing here.

* BasicRNNCell: ``h' = act([x, h] @ kernel + bias)``; ``basic_rnn_cell/{kernel,bias}``.
* BasicLSTMCell: ``[i, j, f, o] = split([x, h] @ kernel + bias, 4)``;
  ``c' = c * sigmoid(f + forget_bias) + sigmoid(i) * act(j)``;
  ``h' = act(c') * sigmoid(o)``; ``basic_lstm_cell/{kernel,bias}`` (bias zeros). With the
  default ``tanh`` activation one fused ``LSTMBlock`` op computes a step
  (``lstm_block.py``); another activation builds the equations op by op.
* GRUCell: ``[r, u] = sigmoid([x, h] @ gates/kernel + gates/bias)`` (gate bias 1.0);
  ``c = act([x, r * h] @ candidate/kernel + candidate/bias)``; ``h' = u * h + (1 - u) * c``.

Example:
    >>> cell = BasicLSTMCell(16, forget_bias=1.0)
    >>> outputs, state = tk.nn.static_rnn(cell, inputs, dtype=tk.float32)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.ops import array_ops, init_ops, math_ops
from trainkit.ops.nn_activations import bias_add
from trainkit.ops.rnn.cell_base import LSTMStateTuple, RNNCell, check_units, input_depth
from trainkit.ops.rnn.lstm_block import lstm_block
from trainkit.ops.rnn.lstm_sequence import lstm_sequence


def check_activation(activation: Any, cell: str) -> Callable:
    """``activation`` (default ``tanh``) if callable, else a TypeError."""
    if activation is None:
        return math_ops.tanh
    if not callable(activation):
        raise TypeError(f"{cell}: activation must be callable, got {activation!r}.")
    return activation


def linear(args: list, kernel: Any, bias: Any) -> Any:
    """``concat(args, 1) @ kernel + bias``: the one affine map every cell uses."""
    x = args[0] if len(args) == 1 else array_ops.concat(args, 1)
    return bias_add(math_ops.matmul(x, kernel), bias)


class BasicRNNCell(RNNCell):
    """The most basic RNN cell: ``output = new_state = act(W [x, h] + b)``.

    Args:
        num_units: the number of units. activation: default ``tanh``.
        reuse, name, dtype: as :class:`RNNCell`.

    Raises:
        ValueError: if ``num_units`` is not a positive int.
    """

    def __init__(self, num_units: int, activation: Callable | None = None, reuse: Any = None,
                 name: str | None = None, dtype: Any = None, **kwargs: Any):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = check_units(num_units, "num_units", "BasicRNNCell")
        self._activation = check_activation(activation, "BasicRNNCell")

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, inputs_shape: Any) -> None:
        d = input_depth(inputs_shape, self.name)
        self._kernel = self.add_variable("kernel", [d + self._num_units, self._num_units])
        self._bias = self.add_variable("bias", [self._num_units],
                                       initializer=init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        out = self._activation(linear([inputs, state], self._kernel, self._bias))
        return out, out


class BasicLSTMCell(RNNCell):
    """The basic LSTM cell (no peepholes, no clipping, no projection).

    Args:
        num_units: the number of units in the cell.
        forget_bias: added to the forget gate's pre-activation (default 1.0).
        state_is_tuple: state is ``LSTMStateTuple(c, h)`` (default) or ``concat([c, h], 1)``.
        activation: of the cell input and state (default ``tanh``).
        reuse, name, dtype: as :class:`RNNCell`.

    Raises:
        ValueError: if ``num_units`` is not a positive int.
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0, state_is_tuple: bool = True,
                 activation: Callable | None = None, reuse: Any = None,
                 name: str | None = None, dtype: Any = None, **kwargs: Any):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = check_units(num_units, "num_units", "BasicLSTMCell")
        self._forget_bias = forget_bias
        self._state_is_tuple = bool(state_is_tuple)
        self._activation = check_activation(activation, "BasicLSTMCell")

    @property
    def state_size(self) -> Any:
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, inputs_shape: Any) -> None:
        d = input_depth(inputs_shape, self.name)
        n = self._num_units
        self._kernel = self.add_variable("kernel", [d + n, 4 * n])
        self._bias = self.add_variable("bias", [4 * n],
                                       initializer=init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        c, h = split_lstm_state(state, self._state_is_tuple, self._num_units)
        if self._activation is math_ops.tanh:  # one fused op, the same equations
            _, new_c, _, _, _, _, new_h = lstm_block(inputs, c, h, self._kernel, self._bias,
                                                     forget_bias=self._forget_bias)
            return new_h, join_lstm_state(new_c, new_h, self._state_is_tuple)
        i, j, f, o = array_ops.split(linear([inputs, h], self._kernel, self._bias), 4, axis=1)
        new_c = math_ops.add(math_ops.multiply(c, math_ops.sigmoid(f + self._forget_bias)),
                             math_ops.multiply(math_ops.sigmoid(i), self._activation(j)))
        new_h = math_ops.multiply(self._activation(new_c), math_ops.sigmoid(o))
        return new_h, join_lstm_state(new_c, new_h, self._state_is_tuple)


    def fuses_sequences(self) -> bool:
        # (a subclass that overrides call() keeps its own step)
        return self._activation is math_ops.tanh and type(self).call is BasicLSTMCell.call

    def sequence_call(self, inputs: Any, state: Any,
                      sequence_length: Any = None) -> tuple[Any, Any]:
        c, h = split_lstm_state(state, self._state_is_tuple, self._num_units)
        _, hs, c_last, h_last = lstm_sequence(inputs, c, h, self._kernel, self._bias,
                                              forget_bias=self._forget_bias,
                                              sequence_length=sequence_length)
        return hs, join_lstm_state(c_last, h_last, self._state_is_tuple)


def split_lstm_state(state: Any, is_tuple: bool, num_units: int) -> tuple[Any, Any]:
    """``(c, h)`` of an LSTM state given as a tuple or as ``concat([c, h], 1)``."""
    if is_tuple:
        c, h = state
        return c, h
    c, h = array_ops.split(state, [num_units, -1], axis=1)
    return c, h


def join_lstm_state(c: Any, h: Any, is_tuple: bool) -> Any:
    return LSTMStateTuple(c, h) if is_tuple else array_ops.concat([c, h], 1)


class GRUCell(RNNCell):
    """Gated Recurrent Unit cell (Cho et al. 2014), TF1's variant.

    Args:
        num_units: the number of units. activation: of the candidate (default ``tanh``).
        reuse, name, dtype: as :class:`RNNCell`.
        kernel_initializer: of both kernels (default: the scope's, else glorot-uniform).
        bias_initializer: of both biases (default: 1.0 for the gates, 0.0 for the
            candidate).

    Raises:
        ValueError: if ``num_units`` is not a positive int.
    """

    def __init__(self, num_units: int, activation: Callable | None = None, reuse: Any = None,
                 kernel_initializer: Any = None, bias_initializer: Any = None,
                 name: str | None = None, dtype: Any = None, **kwargs: Any):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = check_units(num_units, "num_units", "GRUCell")
        self._activation = check_activation(activation, "GRUCell")
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, inputs_shape: Any) -> None:
        d = input_depth(inputs_shape, self.name)
        n = self._num_units
        bi = self._bias_initializer
        self._gate_kernel = self.add_variable("gates/kernel", [d + n, 2 * n],
                                              initializer=self._kernel_initializer)
        self._gate_bias = self.add_variable(
            "gates/bias", [2 * n], initializer=bi or init_ops.constant_initializer(1.0))
        self._candidate_kernel = self.add_variable("candidate/kernel", [d + n, n],
                                                   initializer=self._kernel_initializer)
        self._candidate_bias = self.add_variable(
            "candidate/bias", [n], initializer=bi or init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        value = math_ops.sigmoid(linear([inputs, state], self._gate_kernel, self._gate_bias))
        r, u = array_ops.split(value, 2, axis=1)
        c = self._activation(linear([inputs, math_ops.multiply(r, state)],
                                    self._candidate_kernel, self._candidate_bias))
        new_h = math_ops.add(math_ops.multiply(u, state), math_ops.multiply(1.0 - u, c))
        return new_h, new_h


__all__ = ["BasicRNNCell", "BasicLSTMCell", "GRUCell", "check_activation", "linear",
           "split_lstm_state", "join_lstm_state"]
