"""TF 1.15's ``CudnnCompatibleLSTMCell`` and ``CudnnCompatibleGRUCell``: CPU cells that
compute what ``CudnnLSTM`` / ``CudnnGRU`` compute, over variables named as the cuDNN
layers' checkpoints name their canonical weights, so a graph of these cells (in a
``MultiRNNCell`` under ``dynamic_rnn``, or ``stack_bidirectional_dynamic_rnn``) restores
a cuDNN layer's checkpoint and the other way round.

* ``CudnnCompatibleLSTMCell``: ``LSTMBlockCell(num_units, forget_bias=0)`` named
  ``cudnn_compatible_lstm_cell`` (``kernel [in + u, 4u]`` gates ``i, c, f, o``,
  ``bias [4u]``).
* ``CudnnCompatibleGRUCell``: ``[r, u] = sigmoid([x, h] @ gates/kernel + gates/bias)``,
  ``h~ = tanh(x @ candidate/input_projection/kernel + .../bias + r * (h @
  candidate/hidden_projection/kernel + .../bias))``, ``h' = u * h + (1 - u) * h~``
  (cuDNN's GRU: the reset gate after the recurrent product).

Example:
    >>> cells = [CudnnCompatibleLSTMCell(8) for _ in range(2)]
    >>> with tk.variable_scope("cudnn_lstm"):
    ...     out, st = tk.nn.dynamic_rnn(tk.nn.rnn_cell.MultiRNNCell(cells), x,
    ...                                 time_major=True, dtype=tk.float32)
"""

from __future__ import annotations

from typing import Any

from trainkit.contrib.rnn.block_cells import LSTMBlockCell
from trainkit.ops import array_ops, init_ops, math_ops
from trainkit.ops.rnn.basic_cells import GRUCell, linear
from trainkit.ops.rnn.cell_base import input_depth
from trainkit.ops.rnn.cudnn_equations import gru_mix


class CudnnCompatibleLSTMCell(LSTMBlockCell):
    """An ``LSTMBlockCell`` with no forget bias, scope ``cudnn_compatible_lstm_cell``.

    Args:
        num_units: the number of units.
        reuse: share the variables of an existing scope.

    Raises:
        ValueError: as :class:`LSTMBlockCell`.
    """

    def __init__(self, num_units: int, reuse: Any = None):
        super().__init__(num_units, forget_bias=0.0, cell_clip=None, use_peephole=False,
                         reuse=reuse, name="cudnn_compatible_lstm_cell")


class CudnnCompatibleGRUCell(GRUCell):
    """A GRU with cuDNN's equations (see the module doc), scope
    ``cudnn_compatible_gru_cell``.

    Args:
        num_units: the number of units.
        reuse: share the variables of an existing scope.
        kernel_initializer: of the three kernels (default: the scope's, else
            glorot-uniform).

    Raises:
        ValueError: ``num_units`` not a positive int; inputs of unknown depth.
    """

    def __init__(self, num_units: int, reuse: Any = None, kernel_initializer: Any = None):
        super().__init__(num_units, reuse=reuse, kernel_initializer=kernel_initializer)

    def build(self, inputs_shape: Any) -> None:
        d, n = input_depth(inputs_shape, self.name), self._num_units
        init = self._kernel_initializer
        self._gate_kernel = self.add_variable("gates/kernel", [d + n, 2 * n], initializer=init)
        self._gate_bias = self.add_variable("gates/bias", [2 * n],
                                            initializer=init_ops.constant_initializer(1.0))
        self._input_kernel = self.add_variable("candidate/input_projection/kernel", [d, n],
                                               initializer=init)
        self._hidden_kernel = self.add_variable("candidate/hidden_projection/kernel", [n, n],
                                                initializer=init)
        self._input_bias = self.add_variable("candidate/input_projection/bias", [n],
                                             initializer=init_ops.zeros_initializer())
        self._hidden_bias = self.add_variable("candidate/hidden_projection/bias", [n],
                                              initializer=init_ops.zeros_initializer())
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        gates = math_ops.sigmoid(linear([inputs, state], self._gate_kernel, self._gate_bias))
        r, u = array_ops.split(gates, 2, axis=1)
        new_h = gru_mix(u, r, linear([inputs], self._input_kernel, self._input_bias),
                        linear([state], self._hidden_kernel, self._hidden_bias), state)
        return new_h, new_h


__all__ = ["CudnnCompatibleLSTMCell", "CudnnCompatibleGRUCell"]
