"""``AttentionWrapper`` of TF1's ``tf.contrib.seq2seq``: an RNN cell that attends over an
encoder's memory at every step.

One step with state ``s`` and input ``x`` (TF 1.15's order):

1. ``cell_output, cell_state = cell(cell_input_fn(x, s.attention), s.cell_state)``
   (default: ``concat([x, s.attention], -1)``, input feeding);
2. per mechanism: ``alignments = mechanism(cell_output, s.attention_state)``,
   ``context = sum_j alignments_j * values_j``, and ``attention =
   attention_layer(concat([cell_output, context]))`` (``Dense(attention_layer_size,
   use_bias=False)``, variable ``attention_wrapper/attention_layer/kernel``) or just
   ``context`` without ``attention_layer_size``;
3. output ``attention`` (or ``cell_output`` with ``output_attention=False``).

The state is an :class:`AttentionWrapperState`; with ``alignment_history`` it carries a
TensorArray of every step's alignments (stack it after decoding).

Example:
    >>> mech = LuongAttention(16, encoder_outputs, memory_sequence_length=src_len)
    >>> cell = AttentionWrapper(tk.nn.rnn_cell.BasicLSTMCell(16), mech,
    ...                         attention_layer_size=16)
    >>> init = cell.zero_state(batch, tk.float32).clone(cell_state=encoder_state)
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import Any

from trainkit import nest
from trainkit.framework import dtypes as _dt
from trainkit.framework.default_graph import control_dependencies
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.layers_impl.classes import Dense
from trainkit.ops.rnn.cell_base import RNNCell, assert_like_rnncell, zeros_for_size
from trainkit.ops.seq2seq.attention_mechanisms import (
    AttentionMechanism,
    dim_or_shape,
    equal_sizes_check,
)
from trainkit.ops.tensor_array_ops import TensorArray

_TILE_HINT = ("Are you using the BeamSearchDecoder?  If so, make sure your encoder output "
              "has been tiled to beam_width via tf.contrib.seq2seq.tile_batch, and the "
              "batch_size= argument passed to zero_state is batch_size * beam_width.")


class AttentionWrapperState(collections.namedtuple(
        "AttentionWrapperState", ("cell_state", "attention", "time", "alignments",
                                  "alignment_history", "attention_state"))):
    """The state of :class:`AttentionWrapper`.

    Fields: ``cell_state`` (the wrapped cell's), ``attention`` (the last attention
    output), ``time`` (int32 step counter), ``alignments`` and ``attention_state`` (per
    mechanism), ``alignment_history`` (TensorArrays, or ``()``).
    """

    __slots__ = ()

    def clone(self, **kwargs: Any) -> AttentionWrapperState:
        """A copy with some fields replaced, e.g. ``clone(cell_state=encoder_state)``; a
        replacement tensor keeps the static shape of the one it replaces.

        Raises:
            ValueError: a replacement's structure or shape does not fit the field's.
        """
        new = self._replace(**kwargs)

        def same_shape(old: Any, value: Any) -> Any:
            if isinstance(old, Tensor) and isinstance(value, Tensor):
                if not value.shape.is_compatible_with(old.shape):
                    raise ValueError(f"AttentionWrapperState.clone: {value.name} has shape "
                                     f"{value.shape}, incompatible with {old.shape}.")
                value.set_shape(value.shape.merge_with(old.shape))
            return value
        return nest.map_structure(same_shape, self, new)


def _concat_inputs(inputs: Any, attention: Tensor) -> Tensor:
    return array_ops.concat([inputs, attention], -1)


class AttentionWrapper(RNNCell):
    """Wraps ``cell`` with attention (``tf.contrib.seq2seq.AttentionWrapper``).

    Args:
        cell: the RNNCell to wrap.
        attention_mechanism: an ``AttentionMechanism`` or a list of them (then the
            attentions are concatenated and the state fields are tuples).
        attention_layer_size: optional int (or one per mechanism): the depth of the
            attention layer mixing cell output and context; None uses the context as
            the attention.
        alignment_history: keep every step's alignments in the state.
        cell_input_fn: ``(inputs, attention) -> cell inputs`` (default: concat).
        output_attention: output the attention (Luong style, default) or the cell output
            (Bahdanau style).
        initial_cell_state: the cell state :meth:`zero_state` starts from.
        name: the variable scope name (default ``attention_wrapper``).

    Raises:
        TypeError: ``cell`` not an RNNCell, a mechanism not an AttentionMechanism, or a
            non-callable ``cell_input_fn``.
        ValueError: ``attention_layer_size`` not one per mechanism.
        InvalidArgumentError: ``initial_cell_state``'s batch size is statically
            different from the memory's.
    """

    def __init__(self, cell: Any, attention_mechanism: Any,
                 attention_layer_size: Any = None, alignment_history: bool = False,
                 cell_input_fn: Callable | None = None, output_attention: bool = True,
                 initial_cell_state: Any = None, name: str | None = None):
        super().__init__(name=name)
        assert_like_rnncell("cell", cell)
        self._is_multi = isinstance(attention_mechanism, list | tuple)
        mechanisms = tuple(attention_mechanism) if self._is_multi else (attention_mechanism,)
        for m in mechanisms:
            if not isinstance(m, AttentionMechanism):
                raise TypeError("attention_mechanism must be an AttentionMechanism or list "
                                "of multiple AttentionMechanism instances, saw type: "
                                f"{type(m).__name__}")
        if cell_input_fn is None:
            cell_input_fn = _concat_inputs
        elif not callable(cell_input_fn):
            raise TypeError(f"cell_input_fn must be callable, saw type: "
                            f"{type(cell_input_fn).__name__}")
        if attention_layer_size is not None:
            sizes = tuple(attention_layer_size) if isinstance(attention_layer_size,
                                                              list | tuple) \
                else (attention_layer_size,)
            if len(sizes) != len(mechanisms):
                raise ValueError("If provided, attention_layer_size must contain exactly "
                                 "one integer per attention_mechanism, saw: "
                                 f"{len(sizes)} vs {len(mechanisms)}")
            # TF1 names them attention_layer, attention_layer_1, ... (unique layer names)
            self._attention_layers: tuple | None = tuple(
                Dense(size, name="attention_layer" + (f"_{i}" if i else ""),
                      use_bias=False, dtype=m.dtype)
                for i, (size, m) in enumerate(zip(sizes, mechanisms)))
            self._attention_layer_size = sum(sizes)
        else:
            self._attention_layers = None
            depths = [m.values.shape.as_list()[-1] for m in mechanisms]
            if any(d is None for d in depths):
                raise ValueError("AttentionWrapper: the memory depth must be known when "
                                 "attention_layer_size is None.")
            self._attention_layer_size = sum(depths)
        self._cell = cell
        self._attention_mechanisms = mechanisms
        self._cell_input_fn = cell_input_fn
        self._output_attention = output_attention
        self._alignment_history = alignment_history
        self._initial_cell_state = None
        if initial_cell_state is not None:
            last = nest.flatten(initial_cell_state)[-1]
            message = (f"When constructing AttentionWrapper {self._base_name}: Non-matching "
                       "batch sizes between the memory (encoder output) and "
                       "initial_cell_state.  Are you using the BeamSearchDecoder?  You may "
                       "need to tile your initial state via the tf.contrib.seq2seq.tile_batch "
                       "function with argument multiple=beam_width.")
            with control_dependencies(self._batch_size_checks(dim_or_shape(last, 0),
                                                              message)):
                self._initial_cell_state = nest.map_structure(
                    lambda s: array_ops.identity(s, name="check_initial_cell_state"),
                    initial_cell_state)

    def _batch_size_checks(self, batch_size: Any, message: str) -> list:
        deps = []
        for m in self._attention_mechanisms:
            deps += equal_sizes_check(batch_size, m.batch_size, message)
        return deps

    def _item_or_tuple(self, seq: Any) -> Any:
        t = tuple(seq)
        return t if self._is_multi else t[0]

    @property
    def output_size(self) -> Any:
        return self._attention_layer_size if self._output_attention \
            else self._cell.output_size

    @property
    def state_size(self) -> AttentionWrapperState:
        return AttentionWrapperState(
            cell_state=self._cell.state_size, time=TensorShape([]),
            attention=self._attention_layer_size,
            alignments=self._item_or_tuple(m.alignments_size
                                           for m in self._attention_mechanisms),
            attention_state=self._item_or_tuple(m.state_size
                                                for m in self._attention_mechanisms),
            alignment_history=self._item_or_tuple(
                m.alignments_size if self._alignment_history else ()
                for m in self._attention_mechanisms))

    @property
    def variables(self) -> list:
        own = list(self._variables)
        return own + [v for v in getattr(self._cell, "variables", []) if v not in own]

    def zero_state(self, batch_size: Any, dtype: Any) -> AttentionWrapperState:
        """The initial state: the cell's zero state (or ``initial_cell_state``), zero
        attention, zero alignments, time 0 and empty alignment histories.

        Raises:
            InvalidArgumentError: ``batch_size`` is statically different from the
                memory's batch size.
        """
        dt = _dt.as_dtype(dtype)
        with name_scope(type(self).__name__ + "ZeroState"):
            if self._initial_cell_state is not None:
                cell_state = self._initial_cell_state
            else:
                cell_state = self._cell.zero_state(batch_size, dt)
            message = (f"When calling zero_state of AttentionWrapper {self._base_name}: "
                       "Non-matching batch sizes between the memory (encoder output) and the "
                       f"requested batch size.  {_TILE_HINT}")
            with control_dependencies(self._batch_size_checks(batch_size, message)):
                cell_state = nest.map_structure(
                    lambda s: array_ops.identity(s, name="checked_cell_state"), cell_state)
            alignments = [m.initial_alignments(batch_size, dt)
                          for m in self._attention_mechanisms]
            return AttentionWrapperState(
                cell_state=cell_state,
                time=array_ops.zeros([], dtype=_dt.int32),
                attention=zeros_for_size(batch_size, self._attention_layer_size, dt),
                alignments=self._item_or_tuple(alignments),
                attention_state=self._item_or_tuple(
                    m.initial_state(batch_size, dt) for m in self._attention_mechanisms),
                alignment_history=self._item_or_tuple(
                    TensorArray(dt, size=0, dynamic_size=True, element_shape=a.shape)
                    if self._alignment_history else () for a in alignments))

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Any, Any]:
        """One attention step: ``(output, next AttentionWrapperState)``.

        Raises:
            TypeError: ``state`` is not an AttentionWrapperState.
        """
        if not isinstance(state, AttentionWrapperState):
            raise TypeError("Expected state to be instance of AttentionWrapperState. "
                            f"Received type {type(state)} instead.")
        return super().__call__(inputs, state, scope)

    def build(self, inputs_shape: TensorShape) -> None:
        self.built = True

    def call(self, inputs: Any, state: AttentionWrapperState) -> tuple[Any, Any]:
        cell_inputs = self._cell_input_fn(inputs, state.attention)
        cell_output, next_cell_state = self._cell(cell_inputs, state.cell_state)
        message = (f"When applying AttentionWrapper {self._base_name}: Non-matching batch "
                   "sizes between the memory (encoder output) and the query (decoder "
                   "output).  Are you using the BeamSearchDecoder?  You may need to tile "
                   "your memory input via the tf.contrib.seq2seq.tile_batch function with "
                   "argument multiple=beam_width.")
        with control_dependencies(self._batch_size_checks(dim_or_shape(cell_output, 0),
                                                          message)):
            cell_output = array_ops.identity(cell_output, name="checked_cell_output")
        if self._is_multi:
            prev_states, prev_histories = state.attention_state, state.alignment_history
        else:
            prev_states, prev_histories = [state.attention_state], [state.alignment_history]
        attentions, alignments, att_states, histories = [], [], [], []
        for i, mechanism in enumerate(self._attention_mechanisms):
            layer = self._attention_layers[i] if self._attention_layers else None
            attention, align, att_state = _compute_attention(mechanism, cell_output,
                                                             prev_states[i], layer)
            attentions.append(attention)
            alignments.append(align)
            att_states.append(att_state)
            histories.append(prev_histories[i].write(state.time, align)
                             if self._alignment_history else ())
        attention = array_ops.concat(attentions, 1)
        next_state = AttentionWrapperState(
            time=state.time + 1, cell_state=next_cell_state, attention=attention,
            attention_state=self._item_or_tuple(att_states),
            alignments=self._item_or_tuple(alignments),
            alignment_history=self._item_or_tuple(histories))
        return (attention if self._output_attention else cell_output), next_state


def _compute_attention(mechanism: Any, cell_output: Tensor, attention_state: Any,
                       attention_layer: Any) -> tuple[Tensor, Tensor, Any]:
    alignments, next_state = mechanism(cell_output, state=attention_state)
    context = math_ops.matmul(array_ops.expand_dims(alignments, 1), mechanism.values)
    context = array_ops.squeeze(context, [1])
    if attention_layer is not None:
        attention = attention_layer(array_ops.concat([cell_output, context], 1))
    else:
        attention = context
    return attention, alignments, next_state


__all__ = ["AttentionWrapper", "AttentionWrapperState"]
