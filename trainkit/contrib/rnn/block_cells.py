"""TF 1.15's block cells (``tf.contrib.rnn.LSTMBlockCell``, ``LSTMBlockFusedCell``,
``GRUBlockCell``, ``GRUBlockCellV2``): the LSTM and GRU equations of the fused kernels,
with their variable names so a TF 1.15 checkpoint restores by name.

* ``LSTMBlockCell`` (scope ``lstm_cell``): ``[i, ci, f, o] = [x, h] @ kernel + bias``
  (gate order ``icfo``, the same as ``LSTMCell``'s ``ijfo``);
  ``i = sigmoid(i + wci * cs_prev)``, ``f = sigmoid(f + forget_bias + wcf * cs_prev)``,
  ``cs = tanh(ci) * i + cs_prev * f`` clipped to ``cell_clip`` when it is > 0,
  ``h = tanh(cs) * sigmoid(o + wco * cs)``. Variables ``kernel``, ``bias`` and, with
  ``use_peephole``, ``w_i_diag``, ``w_f_diag``, ``w_o_diag``. One ``LSTMBlock`` op a
  step; ``static_rnn`` / ``dynamic_rnn`` run a whole sequence as one op.
* ``LSTMBlockFusedCell`` (scope ``lstm_fused_cell``): the same LSTM over a time-major
  ``[T, B, D]`` input in one call: ``outputs, (cs, h) = cell(x, dtype=..)``.
* ``GRUBlockCell`` (scope ``gru_cell``): ``[r, u] = sigmoid([x, h] @ w_ru + b_ru)``,
  ``c = tanh([x, r * h] @ w_c + b_c)``, ``h' = (1 - u) * c + u * h``. TF 1.15 stores the
  gate kernel ``[D + N, 2N]`` under the name ``w_c`` and the candidate kernel
  ``[D + N, N]`` under ``w_ru`` (names swapped in TF; kept so checkpoints restore), biases
  ``b_ru`` (1.0) and ``b_c`` (0.0). ``GRUBlockCellV2`` names them ``gates/kernel``,
  ``gates/bias``, ``candidate/kernel``, ``candidate/bias`` (``GRUCell``'s names).

Example:
    >>> cell = LSTMBlockCell(16, use_peephole=True)
    >>> outputs, state = tk.nn.dynamic_rnn(cell, x, dtype=tk.float32)
"""

from __future__ import annotations

import numbers
from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.ops import array_ops, init_ops, math_ops
from trainkit.ops.rnn.basic_cells import linear
from trainkit.ops.rnn.cell_base import LSTMStateTuple, RNNCell, check_units, zeros_for_size
from trainkit.ops.rnn.lstm_block import lstm_block
from trainkit.ops.rnn.lstm_sequence import lstm_sequence


def _depth_of_rank2(inputs_shape: Any, cell: str) -> int:
    """The input depth of a cell whose inputs must be ``[batch, depth]`` (TF's
    ``InputSpec(ndim=2)``)."""
    shape = TensorShape(inputs_shape)
    if shape.ndims is not None and shape.ndims != 2:
        raise ValueError(f"{cell}: inputs must have rank 2 ([batch, depth]), got shape "
                         f"{shape}.")
    if shape.ndims is None or shape[1] is None:
        raise ValueError(f"{cell}: expecting inputs_shape[1] to be set: {shape}")
    return int(shape[1])


class _LSTMBlockBase(RNNCell):
    """The variables and the step shared by ``LSTMBlockCell`` and ``LSTMBlockFusedCell``."""

    def __init__(self, num_units: int, forget_bias: float, cell_clip: float | None,
                 use_peephole: bool, reuse: Any, dtype: Any, name: str):
        super().__init__(_reuse=reuse, name=name, dtype=dtype)
        cls = type(self).__name__
        self._num_units = check_units(num_units, "num_units", cls)
        if not isinstance(forget_bias, numbers.Real):
            raise TypeError(f"{cls}: forget_bias must be a number, got {forget_bias!r}.")
        if cell_clip is not None and not isinstance(cell_clip, numbers.Real):
            raise TypeError(f"{cls}: cell_clip must be a number or None, got {cell_clip!r}.")
        self._forget_bias = float(forget_bias)
        # TF passes -1 for None; the kernel clips only when cell_clip > 0
        self._cell_clip = None if cell_clip is None or cell_clip <= 0 else float(cell_clip)
        self._use_peephole = bool(use_peephole)

    @property
    def num_units(self) -> int:
        return self._num_units

    @property
    def state_size(self) -> LSTMStateTuple:
        return LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self) -> int:
        return self._num_units

    def _make_variables(self, depth: int) -> None:
        n = self._num_units
        self._kernel = self.add_variable("kernel", [depth + n, 4 * n])
        self._bias = self.add_variable("bias", [4 * n],
                                       initializer=init_ops.constant_initializer(0.0))
        self._peep = (None, None, None)
        if self._use_peephole:
            self._peep = tuple(self.add_variable(name, [n])
                               for name in ("w_i_diag", "w_f_diag", "w_o_diag"))

    def _sequence(self, inputs: Any, cs: Any, h: Any, lengths: Any) -> tuple[Any, Any, Any]:
        _, hs, cs_last, h_last = lstm_sequence(inputs, cs, h, self._kernel, self._bias,
                                               *self._peep, forget_bias=self._forget_bias,
                                               cell_clip=self._cell_clip,
                                               sequence_length=lengths)
        return hs, cs_last, h_last


class LSTMBlockCell(_LSTMBlockBase):
    """TF 1.15's ``LSTMBlockCell``: an LSTM step as one fused op (see the module doc).

    Args:
        num_units: the number of units.
        forget_bias: added to the forget gate's pre-activation (default 1.0).
        cell_clip: clip the cell state to ``[-cell_clip, cell_clip]`` (None or <= 0: no
            clipping).
        use_peephole: use the diagonal peephole weights ``w_{i,f,o}_diag``.
        dtype: the variables' dtype (default: the inputs').
        reuse: share the variables of an existing scope.
        name: the scope's base name (default ``lstm_cell``, ``LSTMCell``'s).

    Raises:
        ValueError: ``num_units`` not a positive int; inputs not ``[batch, depth]`` with a
            known depth; a state that is not a pair.
        TypeError: a non-numeric ``forget_bias`` or ``cell_clip``.
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0,
                 cell_clip: float | None = None, use_peephole: bool = False,
                 dtype: Any = None, reuse: Any = None, name: str = "lstm_cell"):
        super().__init__(num_units, forget_bias, cell_clip, use_peephole, reuse, dtype, name)

    def build(self, inputs_shape: Any) -> None:
        self._make_variables(_depth_of_rank2(inputs_shape, "LSTMBlockCell"))
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, LSTMStateTuple]:
        if not isinstance(state, tuple | list) or len(state) != 2:
            raise ValueError("LSTMBlockCell: expecting state to be a tuple with length 2, "
                             f"got {state!r}.")
        cs_prev, h_prev = state
        outs = lstm_block(inputs, cs_prev, h_prev, self._kernel, self._bias, *self._peep,
                          forget_bias=self._forget_bias, cell_clip=self._cell_clip)
        cs, h = outs[1], outs[6]
        return h, LSTMStateTuple(cs, h)

    def fuses_sequences(self) -> bool:
        return type(self).call is LSTMBlockCell.call

    def sequence_call(self, inputs: Any, state: Any,
                      sequence_length: Any = None) -> tuple[Any, Any]:
        cs_prev, h_prev = state
        hs, cs_last, h_last = self._sequence(inputs, cs_prev, h_prev, sequence_length)
        return hs, LSTMStateTuple(cs_last, h_last)


class LSTMBlockFusedCell(_LSTMBlockBase):
    """TF 1.15's ``LSTMBlockFusedCell``: the whole time-major sequence in one op.

    Called as ``cell(inputs, initial_state=None, dtype=None, sequence_length=None)``
    with ``inputs`` ``[T, B, D]`` (or a list of ``T`` tensors ``[B, D]``); returns
    ``(outputs, LSTMStateTuple(cs, h))``, ``outputs`` ``[T, B, N]`` (a list for a list).
    With ``sequence_length`` a row's outputs past its length are zeros and its final
    state is the one after its last step (the initial state for length 0).

    Args:
        num_units, forget_bias, cell_clip, use_peephole, reuse, dtype: as
            :class:`LSTMBlockCell`.
        name: the scope's base name (default ``lstm_fused_cell``).

    Raises:
        ValueError: inputs not of rank 3 with a known depth; neither ``initial_state``
            nor ``dtype``; an ``initial_state`` that is not a pair.
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0,
                 cell_clip: float | None = None, use_peephole: bool = False,
                 reuse: Any = None, dtype: Any = None, name: str = "lstm_fused_cell"):
        super().__init__(num_units, forget_bias, cell_clip, use_peephole, reuse, dtype, name)

    def build(self, inputs_shape: Any) -> None:
        shape = TensorShape(inputs_shape)            # [B, D]: call_sequence drops time
        if shape.ndims is None or shape[-1] is None:
            raise ValueError(f"LSTMBlockFusedCell: expecting inputs_shape[2] to be set: "
                             f"{shape}")
        self._make_variables(int(shape[-1]))
        self.built = True

    def __call__(self, inputs: Any, initial_state: Any = None, dtype: Any = None,
                 sequence_length: Any = None) -> tuple[Any, LSTMStateTuple]:
        is_list = isinstance(inputs, list)
        x = array_ops.stack(inputs) if is_list else conversion.convert_to_tensor(inputs)
        if x.shape.ndims is not None and x.shape.ndims != 3:
            raise ValueError(f"LSTMBlockFusedCell: inputs must have rank 3 ([time, batch, "
                             f"depth]), got shape {x.shape}.")
        if initial_state is None:
            if dtype is None:
                raise ValueError("Either initial_state or dtype needs to be specified")
            b = x.shape[1] if x.shape[1] is not None else array_ops.shape(x)[1]
            z = zeros_for_size(b, self._num_units, _dt.as_dtype(dtype))
            initial_state = (z, z)
        elif not isinstance(initial_state, tuple | list) or len(initial_state) != 2:
            raise ValueError("Expecting initial_state to be a tuple with length 2 or None, "
                             f"got {initial_state!r}.")
        lengths = None
        if sequence_length is not None:
            lengths = math_ops.cast(conversion.convert_to_tensor(sequence_length), _dt.int32)
        outputs, state = self.call_sequence(x, tuple(initial_state), lengths)
        if is_list:
            outputs = array_ops.unstack(outputs, num=len(inputs))
        return outputs, state

    def sequence_call(self, inputs: Any, state: Any,
                      sequence_length: Any = None) -> tuple[Any, Any]:
        cs0, h0 = state
        hs, cs_last, h_last = self._sequence(inputs, cs0, h0, sequence_length)
        return hs, LSTMStateTuple(cs_last, h_last)


class GRUBlockCell(RNNCell):
    """TF 1.15's ``GRUBlockCell`` (deprecated there for ``GRUBlockCellV2``, which differs
    only in variable names; see the module doc).

    Args:
        num_units: the number of units.
        cell_size: the deprecated spelling of ``num_units`` (give exactly one).
        reuse: share the variables of an existing scope.
        name: the scope's base name (default ``gru_cell``, ``GRUCell``'s).

    Raises:
        ValueError: both or neither of ``num_units`` and ``cell_size``; a non-positive
            size; inputs not ``[batch, depth]`` with a known depth; a state of another
            width.
    """

    def __init__(self, num_units: int | None = None, cell_size: int | None = None,
                 reuse: Any = None, name: str = "gru_cell"):
        super().__init__(_reuse=reuse, name=name)
        if (cell_size is None) == (num_units is None):
            raise ValueError("Exactly one of num_units or cell_size must be provided.")
        size = num_units if num_units is not None else cell_size
        self._cell_size = check_units(size, "num_units", type(self).__name__)

    @property
    def state_size(self) -> int:
        return self._cell_size

    @property
    def output_size(self) -> int:
        return self._cell_size

    _NAMES = ("w_c", "b_ru", "w_ru", "b_c")   # gate kernel, gate bias, candidate k, b

    def build(self, inputs_shape: Any) -> None:
        depth = _depth_of_rank2(inputs_shape, type(self).__name__)
        n = self._cell_size
        gk, gb, ck, cb = self._NAMES
        self._gate_kernel = self.add_variable(gk, [depth + n, 2 * n])
        self._gate_bias = self.add_variable(gb, [2 * n],
                                            initializer=init_ops.constant_initializer(1.0))
        self._candidate_kernel = self.add_variable(ck, [depth + n, n])
        self._candidate_bias = self.add_variable(
            cb, [n], initializer=init_ops.constant_initializer(0.0))
        self.built = True

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        h_prev = nest.flatten(state)[0]
        width = h_prev.shape[1] if h_prev.shape.ndims == 2 else None
        if h_prev.shape.ndims not in (None, 2) or (width is not None
                                                   and width != self._cell_size):
            raise ValueError(f"Shape of h_prev[1] incorrect: cell_size {self._cell_size} "
                             f"vs {h_prev.shape}")
        ru = math_ops.sigmoid(linear([inputs, h_prev], self._gate_kernel, self._gate_bias))
        r, u = array_ops.split(ru, 2, axis=1)
        c = math_ops.tanh(linear([inputs, math_ops.multiply(h_prev, r)],
                                 self._candidate_kernel, self._candidate_bias))
        new_h = math_ops.add(math_ops.multiply(1.0 - u, c), math_ops.multiply(u, h_prev))
        return new_h, new_h


class GRUBlockCellV2(GRUBlockCell):
    """``GRUBlockCell`` with ``GRUCell``'s variable names (``gates/kernel``,
    ``gates/bias``, ``candidate/kernel``, ``candidate/bias``)."""

    _NAMES = ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")


__all__ = ["LSTMBlockCell", "LSTMBlockFusedCell", "GRUBlockCell", "GRUBlockCellV2"]
