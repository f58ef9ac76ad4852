"""``LSTMCell``: TF1's full LSTM (peepholes, cell clipping, output projection).

Equations (``[i, j, f, o] = split([x, m] @ kernel + bias, 4)``, ``act`` = tanh)::

    c' = sigmoid(f + forget_bias [+ w_f_diag * c]) * c + sigmoid(i [+ w_i_diag * c]) * act(j)
    c' = clip(c', -cell_clip, cell_clip)                              if cell_clip
    m' = sigmoid(o [+ w_o_diag * c']) * act(c')
    m' = clip(m' @ projection/kernel, -proj_clip, proj_clip)          if num_proj

Variables: ``lstm_cell/kernel`` ``[in + (num_proj or units), 4 units]``, ``lstm_cell/bias``
(zeros), ``w_f_diag``/``w_i_diag``/``w_o_diag`` ``[units]``, ``projection/kernel``
``[units, num_proj]``. With the default ``tanh`` activation the step up to ``m'`` (before
the projection) is one fused ``LSTMBlock`` op (``lstm_block.py``).

Example:
    >>> cell = LSTMCell(32, use_peepholes=True, num_proj=16, cell_clip=3.0)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.ops import array_ops, init_ops, math_ops
from trainkit.ops.rnn.basic_cells import (
    check_activation,
    join_lstm_state,
    linear,
    split_lstm_state,
)
from trainkit.ops.rnn.cell_base import LSTMStateTuple, RNNCell, check_units, input_depth
from trainkit.ops.rnn.lstm_block import lstm_block
from trainkit.ops.rnn.lstm_sequence import lstm_sequence


def _check_clip(value: Any, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"LSTMCell: {what} must be a positive number or None, got {value!r}.")
    return float(value)


class LSTMCell(RNNCell):
    """Long short-term memory cell with optional peepholes, clipping and projection.

    Args:
        num_units: units in the cell.
        use_peepholes: add the diagonal peephole connections ``w_{f,i,o}_diag``.
        cell_clip: clip the cell state to ``[-cell_clip, cell_clip]``.
        initializer: of the kernel, peepholes and projection (default: the scope's,
            else glorot-uniform).
        num_proj: project the output ``m`` to this size (``projection/kernel``).
        proj_clip: clip the projected output (only with ``num_proj``).
        num_unit_shards, num_proj_shards: deprecated in TF1; accepted, must be None.
        forget_bias: added to the forget gate's pre-activation (default 1.0).
        state_is_tuple: ``LSTMStateTuple(c, m)`` (default) or ``concat([c, m], 1)``.
        activation: default ``tanh``. reuse, name, dtype: as :class:`RNNCell`.

    Raises:
        ValueError: for a non-positive ``num_units``/``num_proj``/clip value, or shards.
    """

    def __init__(self, num_units: int, use_peepholes: bool = False,
                 cell_clip: float | None = None, initializer: Any = None,
                 num_proj: int | None = None, proj_clip: float | None = None,
                 num_unit_shards: Any = None, num_proj_shards: Any = None,
                 forget_bias: float = 1.0, state_is_tuple: bool = True,
                 activation: Callable | None = None, reuse: Any = None,
                 name: str | None = None, dtype: Any = None, **kwargs: Any):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        if num_unit_shards is not None or num_proj_shards is not None:
            raise ValueError("LSTMCell: num_unit_shards and num_proj_shards are not "
                             "supported (deprecated in TF1); use partitioned variables.")
        self._num_units = check_units(num_units, "num_units", "LSTMCell")
        self._num_proj = None if num_proj is None else check_units(num_proj, "num_proj",
                                                                    "LSTMCell")
        self._use_peepholes = bool(use_peepholes)
        self._cell_clip = _check_clip(cell_clip, "cell_clip")
        self._proj_clip = _check_clip(proj_clip, "proj_clip")
        self._initializer = initializer
        self._forget_bias = forget_bias
        self._state_is_tuple = bool(state_is_tuple)
        self._activation = check_activation(activation, "LSTMCell")

    @property
    def state_size(self) -> Any:
        n, m = self._num_units, self._num_proj or self._num_units
        return LSTMStateTuple(n, m) if self._state_is_tuple else n + m

    @property
    def output_size(self) -> int:
        return self._num_proj or self._num_units

    def build(self, inputs_shape: Any) -> None:
        d = input_depth(inputs_shape, self.name)
        n = self._num_units
        h = self._num_proj or n
        init = self._initializer
        self._kernel = self.add_variable("kernel", [d + h, 4 * n], initializer=init)
        self._bias = self.add_variable("bias", [4 * n],
                                       initializer=init_ops.zeros_initializer())
        if self._use_peepholes:
            self._w_f_diag = self.add_variable("w_f_diag", [n], initializer=init)
            self._w_i_diag = self.add_variable("w_i_diag", [n], initializer=init)
            self._w_o_diag = self.add_variable("w_o_diag", [n], initializer=init)
        if self._num_proj is not None:
            self._proj_kernel = self.add_variable("projection/kernel", [n, self._num_proj],
                                                  initializer=init)
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        act = self._activation
        c_prev, m_prev = split_lstm_state(state, self._state_is_tuple, self._num_units)
        if act is math_ops.tanh:  # one fused op, the same equations
            peep = ((self._w_i_diag, self._w_f_diag, self._w_o_diag) if self._use_peepholes
                    else (None, None, None))
            _, c, _, _, _, _, m = lstm_block(inputs, c_prev, m_prev,
                                             self._kernel, self._bias, *peep,
                                             forget_bias=self._forget_bias,
                                             cell_clip=self._cell_clip)
            return self._project(c, m)
        i, j, f, o = array_ops.split(linear([inputs, m_prev], self._kernel, self._bias), 4,
                                     axis=1)
        fb = self._forget_bias
        if self._use_peepholes:
            c = (math_ops.sigmoid(f + fb + self._w_f_diag * c_prev) * c_prev
                 + math_ops.sigmoid(i + self._w_i_diag * c_prev) * act(j))
        else:
            c = math_ops.sigmoid(f + fb) * c_prev + math_ops.sigmoid(i) * act(j)
        if self._cell_clip is not None:
            c = math_ops.clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = math_ops.sigmoid(o + self._w_o_diag * c) * act(c)
        else:
            m = math_ops.sigmoid(o) * act(c)
        return self._project(c, m)

    def fuses_sequences(self) -> bool:
        # (a subclass that overrides call() keeps its own step)
        return (self._activation is math_ops.tanh and self._num_proj is None
                and type(self).call is LSTMCell.call)

    def sequence_call(self, inputs: Any, state: Any,
                      sequence_length: Any = None) -> tuple[Any, Any]:
        c, m = split_lstm_state(state, self._state_is_tuple, self._num_units)
        peep = ((self._w_i_diag, self._w_f_diag, self._w_o_diag) if self._use_peepholes
                else (None, None, None))
        _, ms, c_last, m_last = lstm_sequence(inputs, c, m, self._kernel, self._bias, *peep,
                                              forget_bias=self._forget_bias,
                                              cell_clip=self._cell_clip,
                                              sequence_length=sequence_length)
        return ms, join_lstm_state(c_last, m_last, self._state_is_tuple)

    def _project(self, c: Any, m: Any) -> tuple[Any, Any]:
        if self._num_proj is not None:
            m = math_ops.matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = math_ops.clip_by_value(m, -self._proj_clip, self._proj_clip)
        return m, join_lstm_state(c, m, self._state_is_tuple)


__all__ = ["LSTMCell"]
