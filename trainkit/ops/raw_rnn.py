"""``tf.compat.v1.nn.raw_rnn``: a cell driven by a user ``loop_fn`` inside a
``while_loop``, emitting into TensorArrays (TF1's ``rnn.raw_rnn`` semantics).

``loop_fn(time, cell_output, cell_state, loop_state)`` returns
``(finished, next_input, next_cell_state, emit_output, next_loop_state)``. It is called
once at ``time = 0`` with ``cell_output = cell_state = loop_state = None`` (its
``next_cell_state`` is the initial state and its ``emit_output``, if not None, the
structure of what is emitted), then after every step. Rows already finished emit zeros
and keep their state; the loop ends when every row is finished.

Example:
    >>> def loop_fn(time, out, state, loop_state):
    ...     state = cell.zero_state(batch, tk.float32) if out is None else state
    ...     finished = time >= lengths
    ...     x = tk.cond(tk.reduce_all(finished), lambda: zeros, lambda: inputs_ta.read(time))
    ...     return finished, x, state, out, None
    >>> emit_ta, final_state, _ = raw_rnn(cell, loop_fn)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, comparison_ops, reduction_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.join_ops import concat
from trainkit.ops.rnn.cell_base import assert_like_rnncell
from trainkit.ops.tensor_array_ops import TensorArray
from trainkit.ops.while_loop import while_loop


def _size_shape(size: Any) -> TensorShape:
    if isinstance(size, Tensor):
        return TensorShape(None)
    return TensorShape(size) if not isinstance(size, int) else TensorShape([size])


def _zeros(batch: Any, size: Any, dtype: _dt.DType) -> Tensor:
    if isinstance(size, Tensor):
        shape = concat([array_ops.reshape(batch, [1]), size], 0)
    else:
        dims = _size_shape(size).as_list()
        if isinstance(batch, int):
            return array_ops.zeros([batch] + dims, dtype)
        shape = concat([array_ops.reshape(batch, [1]),
                        conversion.convert_to_tensor(dims, dtype=_dt.int32)], 0)
    return array_ops.zeros(shape, dtype)


def _check_same(a: Any, b: Any, what: str) -> None:
    try:
        nest.assert_same_structure(a, b, check_types=False)
    except (ValueError, TypeError) as e:
        raise ValueError(f"raw_rnn: {what} changed structure: {e}") from None


def raw_rnn(cell: Any, loop_fn: Callable, parallel_iterations: int | None = None,
            swap_memory: bool = False, scope: Any = None) -> tuple[Any, Any, Any]:
    """Runs ``cell`` under the control of ``loop_fn`` (see the module docstring).

    Returns:
        ``(emit_ta, final_state, final_loop_state)``: TensorArrays (structured like the
        emit structure, default ``cell.output_size``) of the per-step emits
        ``[batch, ...]``, the final cell state, and the final loop state (None when the
        first ``loop_fn`` call gave None).

    Raises:
        TypeError: for a cell that is not an RNNCell or a non-callable ``loop_fn``.
        ValueError: if ``loop_fn`` changes the structure of the input, state or emit, or
            the initial state does not fit ``cell.state_size``.
    """
    assert_like_rnncell("cell", cell)
    if not callable(loop_fn):
        raise TypeError("loop_fn must be a callable")
    parallel_iterations = parallel_iterations or 32
    with vs.variable_scope(scope or "rnn"):
        time = conversion.convert_to_tensor(0, dtype=_dt.int32, name="time")
        (finished, next_input, initial_state, emit_structure,
         init_loop_state) = loop_fn(time, None, None, None)
        loop_state = init_loop_state if init_loop_state is not None else \
            conversion.convert_to_tensor(0, dtype=_dt.int32)
        flat_input = [conversion.convert_to_tensor(x) for x in nest.flatten(next_input)]
        next_input = nest.pack_sequence_as(next_input, flat_input)
        const_batch = None
        for x in flat_input:
            if x.shape.ndims and x.shape[0] is not None:
                const_batch = int(x.shape[0])
        batch = const_batch if const_batch is not None else array_ops.shape(flat_input[0])[0]
        _check_same(initial_state, cell.state_size, "the initial state vs cell.state_size")
        state = nest.map_structure(conversion.convert_to_tensor, initial_state)
        finished = conversion.convert_to_tensor(finished)
        if finished.dtype is not _dt.bool_:
            raise TypeError(f"raw_rnn: finished must be a bool tensor, got "
                            f"{finished.dtype.name}.")
        if emit_structure is not None:
            flat_emit = [conversion.convert_to_tensor(e) for e in nest.flatten(emit_structure)]
            sizes = [TensorShape(e.shape[1:]) if e.shape[1:].is_fully_defined()
                     else array_ops.shape(e)[1:] for e in flat_emit]
            dtypes = [e.dtype for e in flat_emit]
        else:
            emit_structure = cell.output_size
            sizes = nest.flatten(emit_structure)
            dtypes = [nest.flatten(state)[0].dtype] * len(sizes)
        tas = [TensorArray(dt, size=0, dynamic_size=True, tensor_array_name=f"rnn_output_{i}",
                           element_shape=TensorShape([const_batch]).concatenate(
                               _size_shape(s)))
               for i, (dt, s) in enumerate(zip(dtypes, sizes))]
        zero_emit = [_zeros(batch, s if not isinstance(s, TensorShape) else s.as_list(), dt)
                     for s, dt in zip(sizes, dtypes)]

        def cond(_time: Tensor, done: Tensor, *_: Any) -> Tensor:
            return comparison_ops.logical_not(reduction_ops.reduce_all(done))

        def body(t: Tensor, done: Tensor, inp: Any, out_tas: list, st: Any,
                 lstate: Any) -> tuple:
            output, cell_state = cell(inp, st)
            _check_same(st, cell_state, "the cell state")
            nt = t + 1
            (next_done, nxt, next_state, emit, next_lstate) = loop_fn(nt, output, cell_state,
                                                                      lstate)
            _check_same(st, next_state, "the state from loop_fn")
            _check_same(inp, nxt, "the input from loop_fn")
            _check_same(emit_structure, emit, "the emit output")
            lstate = lstate if next_lstate is None else next_lstate

            def keep(cur: Any, cand: Any) -> Any:
                cand = conversion.convert_to_tensor(cand)
                if cur.shape.ndims == 0:
                    return cand
                return comparison_ops.where(done, cur, cand)

            flat_emit_t = [keep(z, e) for z, e in zip(zero_emit, nest.flatten(emit))]
            next_state = nest.pack_sequence_as(
                st, [keep(c, n) for c, n in zip(nest.flatten(st), nest.flatten(next_state))])
            out_tas = [ta.write(t, e) for ta, e in zip(out_tas, flat_emit_t)]
            done = comparison_ops.logical_or(done, next_done)
            return nt, done, nxt, out_tas, next_state, lstate

        result = while_loop(cond, body, [time, finished, next_input, tas, state, loop_state],
                            parallel_iterations=parallel_iterations, swap_memory=swap_memory)
        _, _, _, out_tas, final_state, final_loop_state = result
        emit_ta = nest.pack_sequence_as(emit_structure, list(out_tas))
        if init_loop_state is None:
            final_loop_state = None
    return emit_ta, final_state, final_loop_state


__all__ = ["raw_rnn"]
