"""TF 1.15's ``tf.contrib.rnn.HighwayWrapper`` and ``AttentionCellWrapper``.

* ``HighwayWrapper(cell)``: ``out' = x * carry + out * transform`` with
  ``carry = sigmoid(x @ carry_w + carry_b)`` and ``transform = 1 - carry`` (coupled) or
  ``sigmoid(x @ transform_w + transform_b)``. As in TF its ``carry_w``/``carry_b``
  (``[D, D]``, ``[D]``, bias ``carry_bias_init``; ``transform_*`` with ``-carry_bias_init``)
  live in the *calling* scope (``rnn/carry_w``), not in a scope of the wrapper's own.
* ``AttentionCellWrapper(cell, attn_length)`` (Bahdanau-style attention over the last
  ``attn_length`` outputs, scope ``attention_cell_wrapper``): the state is
  ``(cell_state, attns, attn_states)``; the input is ``[x, attns] @ kernel + bias``;
  after the cell, ``attention/{attn_w, attn_v, kernel, bias}`` score the window and
  ``attn_output_projection/{kernel, bias}`` map ``[cell_output, attns]`` to the output,
  which is pushed into the window.

Example:
    >>> cell = AttentionCellWrapper(tk.nn.rnn_cell.LSTMCell(8), attn_length=4)
    >>> outputs, state = tk.nn.dynamic_rnn(cell, x, dtype=tk.float32)
"""

from __future__ import annotations

import numbers
from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework.shapes import TensorShape
from trainkit.ops import array_ops, init_ops, math_ops, nn_ops, reduction_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.conv_ops import conv2d
from trainkit.ops.nn_layer_ops import xw_plus_b
from trainkit.ops.rnn.cell_base import CellWrapper, check_cell, check_units
from trainkit.ops.rnn.core_rnn_cell import Linear


class HighwayWrapper(CellWrapper):
    """Adds a highway connection from the cell's input to its output (Srivastava et al.
    2015); see the module doc.

    Args:
        cell: the wrapped RNNCell (its output must have the input's structure and shape).
        couple_carry_transform_gates: ``transform = 1 - carry`` (default) or a gate of its
            own.
        carry_bias_init: the carry gate's initial bias.

    Raises:
        TypeError: ``cell`` is not an RNNCell; outputs and inputs of different nesting.
        ValueError: outputs and inputs of incompatible shapes, or an input that is not
            ``[batch, depth]`` with a known depth.
    """

    def __init__(self, cell: Any, couple_carry_transform_gates: bool = True,
                 carry_bias_init: float = 1.0):
        super().__init__(cell, "HighwayWrapper")
        self._couple = bool(couple_carry_transform_gates)
        self._carry_bias_init = carry_bias_init

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        return self._cell.zero_state(batch_size, dtype)

    def _highway(self, inp: Any, out: Any) -> Any:
        shape = TensorShape(inp.shape)
        if shape.ndims != 2 or shape[1] is None:
            raise ValueError(f"HighwayWrapper: inputs must be [batch, depth] with a known "
                             f"depth, got {shape}.")
        d = int(shape[1])
        carry_w = self._track(vs.get_variable("carry_w", [d, d], dtype=inp.dtype))
        carry_b = self._track(vs.get_variable(
            "carry_b", [d], dtype=inp.dtype,
            initializer=init_ops.constant_initializer(self._carry_bias_init)))
        carry = math_ops.sigmoid(xw_plus_b(inp, carry_w, carry_b))
        if self._couple:
            transform = 1 - carry
        else:
            tw = self._track(vs.get_variable("transform_w", [d, d], dtype=inp.dtype))
            tb = self._track(vs.get_variable(
                "transform_b", [d], dtype=inp.dtype,
                initializer=init_ops.constant_initializer(-self._carry_bias_init)))
            transform = math_ops.sigmoid(xw_plus_b(inp, tw, tb))
        return inp * carry + out * transform

    def _track(self, v: Any) -> Any:
        if v not in self._variables:
            self._variables.append(v)
        return v

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Any, Any]:
        """Runs the cell (with ``scope``), then the highway in the current scope."""
        inputs = nest.map_structure(conversion.convert_to_tensor, inputs)
        outputs, new_state = self._cell(inputs, state, scope=scope)
        nest.assert_same_structure(inputs, outputs)

        def check(inp: Any, out: Any) -> None:
            if not inp.shape.is_compatible_with(out.shape):
                raise ValueError(f"HighwayWrapper: the cell's output shape {out.shape} is "
                                 f"not compatible with its input shape {inp.shape}.")
        nest.map_structure(check, inputs, outputs)
        return nest.map_structure(self._highway, inputs, outputs), new_state


class AttentionCellWrapper(CellWrapper):
    """Basic attention cell wrapper (TF 1.15's; see the module doc).

    Args:
        cell: the wrapped RNNCell.
        attn_length: the size of the attention window (> 0).
        attn_size: the size of an attention vector (default ``cell.output_size``).
        attn_vec_size: the number of attention features (default ``attn_size``).
        input_size: the width of the projected input (default: the input's).
        state_is_tuple: states as the tuple ``(cell_state, attns, attn_states)``
            (default) or concatenated (only for a cell whose state is one tensor).
        reuse: share the variables of an existing scope.

    Raises:
        TypeError: ``cell`` is not an RNNCell.
        ValueError: a tuple-state cell with ``state_is_tuple=False``; ``attn_length`` <= 0.
    """

    def __init__(self, cell: Any, attn_length: int, attn_size: int | None = None,
                 attn_vec_size: int | None = None, input_size: int | None = None,
                 state_is_tuple: bool = True, reuse: Any = None):
        check_cell(cell, "AttentionCellWrapper")
        if nest.is_nested(cell.state_size) and not state_is_tuple:
            raise ValueError("Cell returns tuple of states, but the flag state_is_tuple is "
                             f"not set. State size is: {cell.state_size}")
        if isinstance(attn_length, bool) or not isinstance(attn_length, numbers.Integral) \
                or attn_length <= 0:
            raise ValueError(f"attn_length should be greater than zero, got {attn_length!r}")
        super().__init__(cell, "AttentionCellWrapper", reuse=reuse)
        self._attn_size = check_units(cell.output_size if attn_size is None else attn_size,
                                      "attn_size", "AttentionCellWrapper")
        self._attn_vec_size = (self._attn_size if attn_vec_size is None else
                               check_units(attn_vec_size, "attn_vec_size",
                                           "AttentionCellWrapper"))
        self._input_size = input_size
        self._state_is_tuple = bool(state_is_tuple)
        self._attn_length = int(attn_length)

    @property
    def state_size(self) -> Any:
        size = (self._cell.state_size, self._attn_size, self._attn_size * self._attn_length)
        return size if self._state_is_tuple else sum(size)

    @property
    def output_size(self) -> int:
        return self._attn_size

    def build(self, inputs_shape: Any) -> None:
        self.built = True

    def _linear(self, args: Any, size: int) -> Any:
        lin = Linear(args, size, True)
        for v in (lin.kernel, lin.bias):
            if v not in self._variables:
                self._variables.append(v)
        return lin(args)

    def call(self, inputs: Any, state: Any) -> tuple[Any, Any]:
        n_attn, length = self._attn_size, self._attn_length
        if self._state_is_tuple:
            cell_state, attns, attn_states = state
        else:
            width = int(self._cell.state_size)
            cell_state = state[:, :width]
            attns = state[:, width:width + n_attn]
            attn_states = state[:, width + n_attn:width + n_attn + n_attn * length]
        attn_states = array_ops.reshape(attn_states, [-1, length, n_attn])
        input_size = self._input_size
        if input_size is None:
            input_size = inputs.shape.as_list()[1]
        x = self._linear([inputs, attns], input_size)
        cell_output, new_state = self._cell(x, cell_state)
        flat = nest.flatten(new_state)
        query = array_ops.concat(flat, 1) if self._state_is_tuple else new_state
        new_attns, new_attn_states = self._attention(query, attn_states)
        with vs.variable_scope("attn_output_projection"):
            output = self._linear([cell_output, new_attns], n_attn)
        new_attn_states = array_ops.concat(
            [new_attn_states, array_ops.expand_dims(output, 1)], 1)
        new_attn_states = array_ops.reshape(new_attn_states, [-1, length * n_attn])
        full = (new_state, new_attns, new_attn_states)
        if not self._state_is_tuple:
            full = array_ops.concat(list(full), 1)
        return output, full

    def _attention(self, query: Any, attn_states: Any) -> tuple[Any, Any]:
        n_attn, n_vec, length = self._attn_size, self._attn_vec_size, self._attn_length
        with vs.variable_scope("attention"):
            k = vs.get_variable("attn_w", [1, 1, n_attn, n_vec], dtype=query.dtype)
            v = vs.get_variable("attn_v", [n_vec], dtype=query.dtype)
            for var in (k, v):
                if var not in self._variables:
                    self._variables.append(var)
            hidden = array_ops.reshape(attn_states, [-1, length, 1, n_attn])
            features = conv2d(hidden, k, [1, 1, 1, 1], "SAME")
            y = array_ops.reshape(self._linear(query, n_vec), [-1, 1, 1, n_vec])
            s = reduction_ops.reduce_sum(v * math_ops.tanh(features + y), [2, 3])
            a = nn_ops.softmax(s)
            d = reduction_ops.reduce_sum(array_ops.reshape(a, [-1, length, 1, 1]) * hidden,
                                         [1, 2])
            new_attns = array_ops.reshape(d, [-1, n_attn])
            new_attn_states = attn_states[:, 1:, :]
            return new_attns, new_attn_states


__all__ = ["HighwayWrapper", "AttentionCellWrapper"]
