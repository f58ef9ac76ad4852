"""``static_rnn`` and ``static_bidirectional_rnn``: a cell unrolled over a Python list of
time steps, with TF1's ``sequence_length`` semantics (past a row's end its output is zero
and its state is copied through).

Example:
    >>> xs = tk.unstack(x, axis=1)                       # T tensors [batch, depth]
    >>> outputs, state = static_rnn(BasicLSTMCell(8), xs, dtype=tk.float32,
    ...                             sequence_length=lengths)
"""

from __future__ import annotations

from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, comparison_ops, math_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.rnn.cell_base import is_cell, zeros_for_size
from trainkit.ops.shape_ops import transpose


def _check_inputs(inputs: Any) -> list:
    if not isinstance(inputs, list | tuple):
        raise TypeError(f"inputs must be a sequence (one entry per time step), got "
                        f"{type(inputs).__name__}.")
    if not inputs:
        raise ValueError("inputs must not be empty")
    return list(inputs)


def _batch_size(first: Any) -> Any:
    flat = [conversion.convert_to_tensor(t) for t in nest.flatten(first)]
    if flat[0].shape.ndims == 1:
        # TF1 lets rank-1 steps through (ids for an EmbeddingWrapper cell).
        b = flat[0].shape[0]
        return int(b) if b is not None else array_ops.shape(flat[0])[0]
    for t in flat:
        if t.shape.ndims is not None and t.shape.ndims < 2:
            raise ValueError(f"Expected inputs of rank >= 2 ([batch, depth]), got shape "
                             f"{t.shape} for {t.name}.")
        if t.shape.ndims is not None and t.shape[-1] is None:
            raise ValueError("Input size (dimension 1 of inputs) must be accessible via "
                             f"shape inference, but saw value None (input {t.name}).")
    for t in flat:
        if t.shape.ndims is not None and t.shape[0] is not None:
            return int(t.shape[0])
    return array_ops.shape(flat[0])[0]


def _seq_length(sequence_length: Any) -> Tensor:
    s = conversion.convert_to_tensor(sequence_length)
    if not s.dtype.is_integer:
        raise TypeError(f"sequence_length must be an integer vector, got {s.dtype.name}.")
    if s.shape.ndims not in (None, 1):
        raise ValueError(f"sequence_length must be a vector of length batch_size, but saw "
                         f"shape: {s.shape}")
    return math_ops.cast(s, _dt.int32) if s.dtype is not _dt.int32 else s


def _zeros_struct(sizes: Any, batch_size: Any, dtype: _dt.DType) -> Any:
    return nest.map_structure(lambda s: zeros_for_size(batch_size, s, dtype), sizes)


def _select_rows(done: Tensor, past_end: Any, live: Any) -> Any:
    """Per batch row: ``past_end`` where ``done``, else ``live`` (leaf by leaf)."""
    return nest.map_structure(lambda a, b: comparison_ops.where(done, a, b), past_end, live)


def static_rnn(cell: Any, inputs: Any, initial_state: Any = None, dtype: Any = None,
               sequence_length: Any = None, scope: Any = None) -> tuple[list, Any]:
    """Unrolls ``cell`` over ``inputs`` (a list of ``[batch, depth]`` tensors).

    Args:
        cell: an RNNCell.
        inputs: a non-empty list (one entry per time step) of tensors or nested tensors.
        initial_state: the start state (default: ``cell.zero_state``, needs ``dtype``).
        dtype: the state dtype when ``initial_state`` is not given.
        sequence_length: an int vector ``[batch]``: step ``t >= length[b]`` gives row ``b``
            a zero output and keeps its state.
        scope: the variable scope (default ``rnn``).

    Returns:
        ``(outputs, state)``: the list of outputs and the final state.

    Raises:
        TypeError: if ``cell`` is not a cell or ``inputs`` is not a list.
        ValueError: for empty inputs, an unknown input depth, no ``initial_state`` and no
            ``dtype``, or a ``sequence_length`` that is not a vector.
    """
    if not is_cell(cell):
        raise TypeError(f"cell must be an instance of RNNCell, got {cell!r}.")
    xs = _check_inputs(inputs)
    outputs = []
    with vs.variable_scope(scope or "rnn") as varscope:
        batch_size = _batch_size(xs[0])
        if initial_state is not None:
            state = initial_state
        else:
            if dtype is None:
                raise ValueError("If no initial_state is provided, dtype must be specified")
            state = cell.zero_state(batch_size, dtype)
        lengths = zero_output = None
        if sequence_length is not None:
            lengths = _seq_length(sequence_length)
            out_dtype = nest.flatten(state)[0].dtype
            zero_output = _zeros_struct(cell.output_size, batch_size, out_dtype)
        fused = _fused_sequence(cell, xs, state, lengths)
        if fused is not None:
            return fused
        for t, x in enumerate(xs):
            if t > 0:
                varscope.reuse_variables()
            output, new_state = cell(x, state)
            if lengths is not None:
                done = comparison_ops.greater_equal(t, lengths)
                output = _select_rows(done, zero_output, output)
                new_state = _select_rows(done, state, new_state)
            state = new_state
            outputs.append(output)
    return outputs, state


def _fused_sequence(cell: Any, xs: list, state: Any,
                    lengths: Tensor | None) -> tuple[list, Any] | None:
    """``(outputs, state)`` from the cell's one-op sequence (``call_sequence``) when it
    has one and the steps are plain tensors of one known shape; else None."""
    fuses = getattr(cell, "fuses_sequences", None)
    if len(xs) < 2 or fuses is None or not fuses():
        return None
    ts = [x if isinstance(x, Tensor) else None for x in xs]
    if any(t is None for t in ts) or not ts[0].shape.is_fully_defined() \
            or any(t.shape != ts[0].shape or t.dtype != ts[0].dtype for t in ts):
        return None
    outs, state = cell.call_sequence(_time_major(ts), state, lengths)
    return array_ops.unstack(outs, num=len(xs)), state


def _time_major(xs: list[Tensor]) -> Tensor:
    """``stack(xs)`` (``[T, B, ...]``). When ``xs`` are all the outputs of one
    ``unstack(x, axis=a)`` in order (``static_rnn(cell, tf.unstack(x, axis=1))``), ``x``
    with axis ``a`` moved first instead: the plan then drops the ``Unpack`` and no
    per-step copies are stacked again (one transpose, as ``dynamic_rnn``)."""
    op = xs[0].op
    if op.type == "Unpack" and len(op.outputs) == len(xs) \
            and all(t is o for t, o in zip(xs, op.outputs)):
        src, axis = op.inputs[0], op.attrs["axis"]
        rank = src.shape.ndims
        if rank is not None and src.shape[axis] == len(xs):
            if axis == 0:
                return src
            return transpose(src, [axis] + [d for d in range(rank) if d != axis])
    return array_ops.stack(xs)


def _reverse_seq(xs: list, lengths: Tensor | None) -> list:
    """The time steps reversed; with ``lengths`` only each row's first ``length`` steps
    are reversed (TF's ``reverse_sequence``) and the padding stays in place."""
    if lengths is None:
        return xs[::-1]
    n = len(xs)
    out = []
    flat_steps = [nest.flatten(x) for x in xs]
    for k in range(len(flat_steps[0])):
        stacked = array_ops.stack([f[k] for f in flat_steps])          # [T, B, ...]
        rows = array_ops.range(array_ops.shape(stacked)[1])
        for t in range(n):
            src = comparison_ops.where(comparison_ops.less(t, lengths), lengths - 1 - t,
                                       array_ops.fill(array_ops.shape(lengths), t))
            step = array_ops.gather_nd(stacked, array_ops.stack([src, rows], axis=1))
            step.set_shape(flat_steps[t][k].shape)
            if k == 0:
                out.append([step])
            else:
                out[t].append(step)
    return [nest.pack_sequence_as(xs[t], out[t]) for t in range(n)]


def static_bidirectional_rnn(cell_fw: Any, cell_bw: Any, inputs: Any,
                             initial_state_fw: Any = None, initial_state_bw: Any = None,
                             dtype: Any = None, sequence_length: Any = None,
                             scope: Any = None) -> tuple[list, Any, Any]:
    """A forward and a backward ``static_rnn`` (scopes ``<scope>/fw`` and ``<scope>/bw``,
    default scope ``bidirectional_rnn``) whose outputs are concatenated per time step.

    The backward cell reads each row's first ``sequence_length`` steps in reverse; its
    outputs are reversed back, so ``outputs[t]`` pairs both directions at step ``t``.

    Returns:
        ``(outputs, output_state_fw, output_state_bw)``.

    Raises:
        TypeError: if a cell is not a cell or ``inputs`` is not a list.
        ValueError: as :func:`static_rnn`.
    """
    for c in (cell_fw, cell_bw):
        if not is_cell(c):
            raise TypeError(f"cell must be an instance of RNNCell, got {c!r}.")
    xs = _check_inputs(inputs)
    with vs.variable_scope(scope or "bidirectional_rnn"):
        with vs.variable_scope("fw") as fw_scope:
            out_fw, state_fw = static_rnn(cell_fw, xs, initial_state_fw, dtype,
                                          sequence_length, scope=fw_scope)
        with vs.variable_scope("bw") as bw_scope:
            lengths = None if sequence_length is None else _seq_length(sequence_length)
            rev = _reverse_seq(xs, lengths)
            tmp, state_bw = static_rnn(cell_bw, rev, initial_state_bw, dtype,
                                       sequence_length, scope=bw_scope)
    out_bw = _reverse_seq(tmp, lengths)
    outputs = [nest.map_structure(lambda f, b: array_ops.concat([f, b], 1), fw, bw)
               for fw, bw in zip(out_fw, out_bw)]
    return outputs, state_fw, state_bw


__all__ = ["static_rnn", "static_bidirectional_rnn"]
