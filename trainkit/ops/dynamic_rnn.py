"""``dynamic_rnn`` and ``bidirectional_dynamic_rnn``: a recurrent cell unrolled by a
``while_loop`` over time, so the number of steps may be unknown when the graph is built.

Follows TF1's ``rnn.py``: inputs are made time-major, unstacked into a TensorArray, the
cell runs once per step inside the loop body (its variables are created on that first,
graph-building call, outside the loop frame), and the outputs are written to a
TensorArray and stacked. With ``sequence_length`` a batch row past its length gets zero
outputs and keeps its state (``where(time >= sequence_length, old, new)``), and the loop
stops after ``max(sequence_length)`` steps (the unwritten outputs are zeros).
A cell whose ``fuses_sequences()`` is True (``BasicLSTMCell``/``LSTMCell`` with ``tanh``,
no projection, and stacks of them) skips the loop: one ``LSTMSequence`` op runs all
steps (``ops/rnn/lstm_sequence.py``; the same values and semantics).

A cell is any object with TF's RNNCell interface: ``state_size``, ``output_size``,
``zero_state(batch_size, dtype)`` and ``__call__(inputs, state) -> (output, state)``.

Example:
    >>> cell = tk.nn.rnn_cell.BasicLSTMCell(16)
    >>> outputs, state = tk.nn.dynamic_rnn(cell, x, sequence_length=lens, dtype=tk.float32)
    >>> # variables: rnn/basic_lstm_cell/kernel, rnn/basic_lstm_cell/bias
"""

from __future__ import annotations

from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape, as_shape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, reduction_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.cast_ops import cast
from trainkit.ops.comparison_ops import where
from trainkit.ops.join_ops import stack
from trainkit.ops.rnn.cell_base import assert_like_rnncell
from trainkit.ops.sequence_ops import reverse, reverse_sequence
from trainkit.ops.shape_ops import transpose
from trainkit.ops.tensor_array_ops import TensorArray
from trainkit.ops.while_loop import while_loop


def _transpose_batch_time(x: Tensor) -> Tensor:
    rank = x.shape.ndims
    if rank is not None and rank < 2:
        raise ValueError(f"Expected input tensor {x.name} to have rank at least 2, but "
                         f"saw shape: {x.shape}")
    if rank is None:
        raise ValueError(f"dynamic_rnn: the rank of input {x.name} must be known.")
    out = transpose(x, [1, 0] + list(range(2, rank)))
    dims = x.shape.as_list()
    out.set_shape([dims[1], dims[0]] + dims[2:])
    return out


def _batch_size(flat: list[Tensor]) -> Any:
    for x in flat:
        d = x.shape.as_list()[1] if x.shape.ndims is not None else None
        if d is not None:
            return d
    return array_ops.shape(flat[0])[1]


def _size_dims(size: Any) -> list:
    if isinstance(size, Tensor):
        return [size]
    return as_shape(size).as_list()


def dynamic_rnn(cell: Any, inputs: Any, sequence_length: Any = None,
                initial_state: Any = None, dtype: Any = None,
                parallel_iterations: int | None = None, swap_memory: bool = False,
                time_major: bool = False, scope: Any = None) -> tuple[Any, Any]:
    """Runs ``cell`` over the time dimension of ``inputs`` with a ``while_loop``.

    Args:
        cell: an RNNCell (``state_size``, ``output_size``, ``zero_state``, ``__call__``).
        inputs: ``[batch, time, ...]`` (``[time, batch, ...]`` with ``time_major``), or a
            nested structure of such tensors.
        sequence_length: optional int ``[batch]`` vector: outputs past a row's length
            are zeros and its state is copied through.
        initial_state: the cell's initial state (default ``cell.zero_state``).
        dtype: the state dtype, required without ``initial_state``.
        parallel_iterations, swap_memory: passed to ``while_loop`` (no effect).
        time_major: whether inputs and outputs are ``[time, batch, ...]``.
        scope: the variable scope (default ``rnn``).

    Returns:
        ``(outputs, state)``: outputs with the structure of ``cell.output_size``, and the
        final state.

    Raises:
        TypeError: ``cell`` is not an RNNCell.
        ValueError: no ``dtype`` and no ``initial_state``; inputs of rank < 3 or with an
            unknown depth; ``sequence_length`` not a vector.
    """
    assert_like_rnncell("cell", cell)
    with vs.variable_scope(scope or "rnn"):
        flat = [conversion.convert_to_tensor(x, name="inputs") for x in nest.flatten(inputs)]
        if not time_major:
            flat = [_transpose_batch_time(x) for x in flat]
        if sequence_length is not None:
            sequence_length = cast(sequence_length, _dt.int32)
            if sequence_length.shape.ndims not in (None, 1):
                raise ValueError("sequence_length must be a vector of length batch_size, "
                                 f"but saw shape: {sequence_length.shape}")
            sequence_length = array_ops.identity(sequence_length, name="sequence_length")
        batch = _batch_size(flat)
        if initial_state is not None:
            state = initial_state
        else:
            if not dtype:
                raise ValueError("If there is no initial_state, you must give a dtype.")
            state = cell.zero_state(batch, dtype)
        packed = nest.pack_sequence_as(inputs, flat)
        fuses = getattr(cell, "fuses_sequences", None)
        if len(flat) == 1 and fuses is not None and fuses() \
                and flat[0].shape.ndims == 3 and flat[0].shape[2] is not None:
            # one op for the whole sequence (ops/rnn/lstm_sequence.py), no while_loop
            outputs, final_state = cell.call_sequence(flat[0], state, sequence_length)
            if not time_major:
                outputs = _transpose_batch_time(outputs)
            return outputs, final_state
        outputs, final_state = _dynamic_rnn_loop(cell, packed, state, sequence_length,
                                                 dtype, parallel_iterations or 32,
                                                 swap_memory)
        if not time_major:
            outputs = nest.map_structure(_transpose_batch_time, outputs)
        return outputs, final_state


def _state_dtype(dtype: Any, state: Any) -> _dt.DType:
    if dtype is not None:
        return _dt.as_dtype(dtype)
    return nest.flatten(state)[0].dtype


def _dynamic_rnn_loop(cell: Any, inputs: Any, state: Any, sequence_length: Tensor | None,
                      dtype: Any, parallel_iterations: int, swap_memory: bool) -> tuple:
    flat_in = nest.flatten(inputs)
    flat_out_size = nest.flatten(cell.output_size)
    shapes = []
    for x in flat_in:
        s = x.shape.with_rank_at_least(3)
        if not TensorShape(s.as_list()[2:]).is_fully_defined():
            raise ValueError("Input size (depth of inputs) must be accessible via shape "
                             "inference, but saw value None.")
        shapes.append(s)
    const_time, const_batch = shapes[0].as_list()[:2]
    time_steps = array_ops.shape(flat_in[0])[0] if const_time is None else const_time
    batch = array_ops.shape(flat_in[0])[1] if const_batch is None else const_batch
    out_dtype = _state_dtype(dtype, state)
    zero_flat = [array_ops.zeros(stack([batch] + _size_dims(s)) if isinstance(batch, Tensor)
                                 else [batch] + _size_dims(s), out_dtype)
                 for s in flat_out_size]
    if sequence_length is not None:
        loop_bound = math_ops.minimum(
            time_steps, math_ops.maximum(1, reduction_ops.reduce_max(sequence_length)))
    else:
        loop_bound = time_steps
    with name_scope("dynamic_rnn") as base:  # TF1 names the arrays after this scope
        pass
    out_tas = [TensorArray(out_dtype, size=time_steps, tensor_array_name=f"{base}output_{i}",
                           element_shape=TensorShape([const_batch]).concatenate(
                               TensorShape(_static_dims(s))))
               for i, s in enumerate(flat_out_size)]
    in_tas = [TensorArray(x.dtype, size=time_steps, tensor_array_name=f"{base}input_{i}",
                          element_shape=x.shape[1:]).unstack(x)
              for i, x in enumerate(flat_in)]

    def step(time: Tensor, tas: list, st: Any) -> tuple:
        xs = []
        for ta, s in zip(in_tas, shapes):
            x = ta.read(time)
            x.set_shape(s.as_list()[1:])
            xs.append(x)
        out, new_state = cell(nest.pack_sequence_as(inputs, xs), st)
        flat_out = nest.flatten(out)
        flat_new = nest.flatten(new_state)
        if sequence_length is not None:
            done = time >= sequence_length
            flat_out = [where(done, z, o) for z, o in zip(zero_flat, flat_out)]
            flat_new = [n if n.shape.ndims == 0 else where(done, s, n)
                        for s, n in zip(nest.flatten(st), flat_new)]
            for o, z in zip(flat_out, zero_flat):
                o.set_shape(z.shape)
        new_state = nest.pack_sequence_as(st, flat_new)
        return time + 1, [ta.write(time, o) for ta, o in zip(tas, flat_out)], new_state

    _, out_tas, final_state = while_loop(
        lambda time, *_: time < loop_bound, step,
        (_time0(), out_tas, state),
        parallel_iterations=parallel_iterations, swap_memory=swap_memory,
        maximum_iterations=time_steps)
    outs = []
    for ta, s in zip(out_tas, flat_out_size):
        o = ta.stack()
        o.set_shape([const_time, const_batch] + _static_dims(s))
        outs.append(o)
    return nest.pack_sequence_as(cell.output_size, outs), final_state


def _time0() -> Tensor:
    from trainkit.framework.constant_op import constant

    return constant(0, dtype=_dt.int32, name="time")


def _static_dims(size: Any) -> list:
    if isinstance(size, Tensor):
        return [None]
    return as_shape(size).as_list()


def bidirectional_dynamic_rnn(cell_fw: Any, cell_bw: Any, inputs: Any,
                              sequence_length: Any = None, initial_state_fw: Any = None,
                              initial_state_bw: Any = None, dtype: Any = None,
                              parallel_iterations: int | None = None,
                              swap_memory: bool = False, time_major: bool = False,
                              scope: Any = None) -> tuple[tuple, tuple]:
    """A forward and a backward :func:`dynamic_rnn` over the same inputs.

    The backward cell reads the inputs reversed in time (each row's first
    ``sequence_length`` steps, with ``sequence_length``); its outputs are reversed back.
    Variables live under ``<scope>/fw/...`` and ``<scope>/bw/...`` (default scope
    ``bidirectional_rnn``).

    Returns:
        ``((output_fw, output_bw), (state_fw, state_bw))``.

    Raises:
        TypeError: a cell is not an RNNCell. ValueError: as :func:`dynamic_rnn`.
    """
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    t_axis, b_axis = (0, 1) if time_major else (1, 0)

    def rev(x: Any) -> Tensor:
        if sequence_length is None:
            return reverse(x, axis=[t_axis])
        return reverse_sequence(x, sequence_length, seq_axis=t_axis, batch_axis=b_axis)

    with vs.variable_scope(scope or "bidirectional_rnn"):
        with vs.variable_scope("fw") as fw_scope:
            out_fw, st_fw = dynamic_rnn(cell_fw, inputs, sequence_length, initial_state_fw,
                                        dtype, parallel_iterations, swap_memory, time_major,
                                        scope=fw_scope)
        with vs.variable_scope("bw") as bw_scope:
            inputs_rev = nest.map_structure(rev, inputs)
            tmp, st_bw = dynamic_rnn(cell_bw, inputs_rev, sequence_length, initial_state_bw,
                                     dtype, parallel_iterations, swap_memory, time_major,
                                     scope=bw_scope)
    out_bw = nest.map_structure(rev, tmp)
    return (out_fw, out_bw), (st_fw, st_bw)


__all__ = ["dynamic_rnn", "bidirectional_dynamic_rnn"]
