"""``tk.keras.layers.CuDNNLSTM`` and ``CuDNNGRU`` on the CPU.

tf_keras builds these layers on one ``CudnnRNNV3`` op, which has no CPU kernel: a TF1
program (or a model trained on a GPU) that uses them cannot even initialise its
variables on a machine without one. trainkit runs the same equations with its own ops,
on the layers' own weight layout, so such programs and their checkpoints work here:

- ``CuDNNLSTM``: ``kernel [in, 4u]``, ``recurrent_kernel [u, 4u]`` (gates ``i, f, c, o``),
  ``bias [8u]`` = the input biases then the recurrent biases (``unit_forget_bias``: the
  recurrent forget block is ones, as tf_keras initialises it); per step
  ``z = (x K + b_in) + (h R + b_rec)``, ``i, f, o = sigmoid(.)``, ``c = f c_prev + i
  tanh(z_c)``, ``h = o tanh(c)`` (cuDNN's LSTM);
- ``CuDNNGRU``: ``kernel [in, 3u]``, ``recurrent_kernel [u, 3u]`` (gates ``z, r, h``),
  ``bias [6u]``; ``z, r = sigmoid(x K_g + b_in_g + h R_g + b_rec_g)``,
  ``hh = tanh(x K_h + b_in_h + r (h R_h + b_rec_h))``, ``h = z h_prev + (1 - z) hh``
  (cuDNN's GRU: the reset gate after the recurrent product). The step equations are
  ``ops/rnn/cudnn_equations.py``'s, shared with ``tk.contrib.cudnn_rnn``.

The weights are the layer's own (``cu_dnnlstm/kernel:0``, no cell scope), as tf_keras
names them, so ``set_weights`` arrays and TF1 checkpoints of these layers load
unchanged. As in tf_keras: no masking (a mask raises ValueError), no dropout, no
activation arguments.

Example:
    >>> model = tk.keras.Sequential([tk.keras.layers.CuDNNLSTM(32, input_shape=(10, 8)),
    ...                              tk.keras.layers.Dense(1)])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer, initializers
from trainkit.keras import sequence_masks as masking
from trainkit.keras.recurrent_layers import RNN
from trainkit.ops import array_ops, math_ops
from trainkit.ops.join_ops import concat
from trainkit.ops.layers_impl import base
from trainkit.ops.rnn import cudnn_equations


class _ForgetBias:
    """``[base(5u), ones(u), base(2u)]``: the recurrent forget block is ones."""

    def __init__(self, base_init: Any, units: int):
        self.base, self.units = base_init, units

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        u = self.units
        return concat([self.base([5 * u], dtype=dtype), array_ops.ones([u], dtype=dtype),
                       self.base([2 * u], dtype=dtype)], 0)


class _Equations:
    """The step of a CuDNN layer over the layer's weights (set by the layer's build):
    what ``RNN``'s time loop calls."""

    def __init__(self, units: int, gates: int, lstm: bool):
        self.units, self.gates, self.lstm = units, gates, lstm
        self.kernel = self.recurrent_kernel = self.bias = None

    @property
    def state_size(self) -> Any:
        return [self.units, self.units] if self.lstm else [self.units]

    @property
    def output_size(self) -> int:
        return self.units

    def call(self, inputs: Any, states: Any) -> tuple:
        g = self.gates * self.units
        b_in, b_rec = self.bias[:g], self.bias[g:]
        x_part = math_ops.matmul(inputs, self.kernel) + b_in
        h_part = math_ops.matmul(states[0], self.recurrent_kernel) + b_rec
        if self.lstm:
            h, c = cudnn_equations.lstm_step(x_part + h_part, states[1])
            return h, [h, c]
        h = cudnn_equations.gru_step(x_part, h_part, states[0])
        return h, [h]


class _CuDNNRNN(RNN):
    """The shared constructor, weights and checks of the two layers."""

    _gates: int
    _lstm: bool

    def __init__(self, units: int, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Callable | None = None,
                 recurrent_regularizer: Callable | None = None,
                 bias_regularizer: Callable | None = None,
                 activity_regularizer: Callable | None = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None,
                 return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False,
                 time_major: bool = False, **kwargs: Any):
        self.units = base.positive_int(units, "units", type(self).__name__)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self._regularizers = (kernel_regularizer, recurrent_regularizer, bias_regularizer)
        self._constraints = (kernel_constraint, recurrent_constraint, bias_constraint)
        super().__init__(_Equations(self.units, self._gates, self._lstm),
                         return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful,
                         time_major=time_major, activity_regularizer=activity_regularizer,
                         **kwargs)
        self.supports_masking = False

    # the weights are the layer's own (tf_keras's names), not a cell's
    trainable_weights = base_layer.Layer.trainable_weights
    non_trainable_weights = base_layer.Layer.non_trainable_weights

    @property
    def losses(self) -> list:
        return list(self._losses)

    def _bias_initializer(self) -> Any:
        return self.bias_initializer

    def build(self, input_shape: Any) -> None:
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        dims = input_shape.as_list() if hasattr(input_shape, "as_list") else list(input_shape)
        if dims[-1] is None:
            raise ValueError(f"{type(self).__name__}: the last dimension of the inputs "
                             f"must be defined, got input shape {tuple(dims)}.")
        n = self._gates * self.units
        self.kernel = self.add_weight("kernel", [int(dims[-1]), n],
                                      initializer=self.kernel_initializer,
                                      regularizer=self._regularizers[0],
                                      constraint=self._constraints[0])
        self.recurrent_kernel = self.add_weight("recurrent_kernel", [self.units, n],
                                                initializer=self.recurrent_initializer,
                                                regularizer=self._regularizers[1],
                                                constraint=self._constraints[1])
        self.bias = self.add_weight("bias", [2 * n], initializer=self._bias_initializer(),
                                    regularizer=self._regularizers[2],
                                    constraint=self._constraints[2])
        self.cell.kernel, self.cell.recurrent_kernel = self.kernel, self.recurrent_kernel
        self.cell.bias = self.bias
        self.built = True

    def call(self, inputs: Any, mask: Any = None, training: Any = None,
             initial_state: Any = None, constants: Any = None) -> Any:
        if isinstance(mask, list):
            mask = mask[0]
        if mask is None:
            mask = masking.get_mask(inputs[0] if isinstance(inputs, list | tuple) else inputs)
        if mask is not None:
            raise ValueError("Masking is not supported for CuDNN RNNs.")
        return super().call(inputs, mask=None, training=training,
                            initial_state=initial_state, constants=constants)

    def get_config(self) -> dict:
        return {"units": self.units, "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "time_major": self.time_major, "name": self.name,
                "trainable": self.trainable}

    @classmethod
    def from_config(cls, config: dict) -> _CuDNNRNN:
        return cls(**config)


class CuDNNLSTM(_CuDNNRNN):
    """cuDNN's LSTM (``recurrent_activation`` sigmoid, separate input and recurrent
    biases ``[8 units]``) computed on the CPU; arguments as tf_keras's ``CuDNNLSTM``.

    Raises:
        ValueError: for ``units < 1``, inputs of unknown depth or rank other than 3, or
            a mask.
        NotImplementedError: for ``stateful=True``.
    """

    _gates, _lstm = 4, True

    def __init__(self, units: int, unit_forget_bias: bool = True, **kwargs: Any):
        self.unit_forget_bias = bool(unit_forget_bias)
        super().__init__(units, **kwargs)

    def _bias_initializer(self) -> Any:
        if self.unit_forget_bias:
            return _ForgetBias(self.bias_initializer, self.units)
        return self.bias_initializer

    def get_config(self) -> dict:
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class CuDNNGRU(_CuDNNRNN):
    """cuDNN's GRU (the reset gate after the recurrent product, sigmoid gates, biases
    ``[6 units]``) computed on the CPU; arguments as tf_keras's ``CuDNNGRU``.

    Raises:
        ValueError: as :class:`CuDNNLSTM`.
        NotImplementedError: for ``stateful=True``.
    """

    _gates, _lstm = 3, False


__all__ = ["CuDNNLSTM", "CuDNNGRU"]
