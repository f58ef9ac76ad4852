"""Small RNN cells with TF's RNNCell interface, for the dynamic_rnn tests (independent of
``tk.nn.rnn_cell``): an Elman cell and an LSTM with TF1's BasicLSTMCell equations."""

from __future__ import annotations

import collections

import trainkit as tk

LSTMState = collections.namedtuple("LSTMState", ("c", "h"))


class TanhCell:
    """``h' = tanh([x, h] @ kernel + bias)``; variables ``<scope>/tanh_cell/{kernel,bias}``."""

    def __init__(self, units: int):
        self.units = units
        self.state_size = units
        self.output_size = units

    def zero_state(self, batch_size, dtype):
        return tk.zeros(tk.stack([batch_size, self.units]) if isinstance(batch_size, tk.Tensor)
                        else [batch_size, self.units], dtype)

    def __call__(self, inputs, state, scope=None):
        with tk.variable_scope(scope or "tanh_cell", reuse=tk.AUTO_REUSE):
            depth = inputs.shape.as_list()[-1]
            k = tk.get_variable("kernel", [depth + self.units, self.units], inputs.dtype,
                                initializer=tk.random_normal_initializer(0.0, 0.5, seed=1))
            b = tk.get_variable("bias", [self.units], inputs.dtype,
                                initializer=tk.constant_initializer(0.1))
            h = tk.tanh(tk.matmul(tk.concat([inputs, state], 1), k) + b)
        return h, h


class LSTM:
    """TF1 BasicLSTMCell's equations: ``i, j, f, o = split([x, h] @ W + b, 4)``,
    ``c' = c * sigmoid(f + 1) + sigmoid(i) * tanh(j)``, ``h' = tanh(c') * sigmoid(o)``."""

    def __init__(self, units: int, seed: int = 2):
        self.units = units
        self.seed = seed
        self.state_size = LSTMState(units, units)
        self.output_size = units

    def zero_state(self, batch_size, dtype):
        shape = tk.stack([batch_size, self.units]) if isinstance(batch_size, tk.Tensor) \
            else [batch_size, self.units]
        return LSTMState(tk.zeros(shape, dtype), tk.zeros(shape, dtype))

    def __call__(self, inputs, state, scope=None):
        c, h = state
        with tk.variable_scope(scope or "lstm", reuse=tk.AUTO_REUSE):
            depth = inputs.shape.as_list()[-1]
            w = tk.get_variable("kernel", [depth + self.units, 4 * self.units], inputs.dtype,
                                initializer=tk.random_normal_initializer(0.0, 0.3,
                                                                         seed=self.seed))
            b = tk.get_variable("bias", [4 * self.units], inputs.dtype,
                                initializer=tk.zeros_initializer())
            z = tk.nn.bias_add(tk.matmul(tk.concat([inputs, h], 1), w), b)
            i, j, f, o = tk.split(z, 4, axis=1)
            c2 = c * tk.sigmoid(f + 1.0) + tk.sigmoid(i) * tk.tanh(j)
            h2 = tk.tanh(c2) * tk.sigmoid(o)
        return h2, LSTMState(c2, h2)
