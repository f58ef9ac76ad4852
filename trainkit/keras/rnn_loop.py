"""The time loop of Keras's ``RNN`` layer (tf_keras's ``backend.rnn``) in TF1 graph mode.

``rnn(step, inputs, states)`` runs ``step(x_t, states) -> (output, new_states)`` over the
time axis of ``inputs [batch, time, ...]``: a ``while_loop`` over a TensorArray, or, with
``unroll``, one copy of the step per time step. ``step`` is first called once on the
first time step outside the loop (as Keras does): that call draws the cells' dropout
masks, which the loop then reads at every step, and gives the output's shape.

With a boolean ``mask [batch, time]``, a masked step keeps the row's previous states and
repeats its previous output (zeros before the first unmasked step), or outputs zeros with
``zero_output_for_mask``; ``go_backwards`` reads the inputs and the mask from the last
step to the first and returns the outputs in that order.

Example:
    >>> last, outputs, states = rnn(lambda x, s: cell.call(x, s), x, [h0, c0], mask=m)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit import nest
from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops
from trainkit.ops.cast_ops import cast
from trainkit.ops.comparison_ops import where
from trainkit.ops.join_ops import stack, unstack
from trainkit.ops.sequence_ops import reverse
from trainkit.ops.shape_ops import transpose
from trainkit.ops.tensor_array_ops import TensorArray
from trainkit.ops.while_loop import while_loop


def _time_major(x: Tensor) -> Tensor:
    rank = x.shape.ndims
    return transpose(x, [1, 0, *range(2, rank)])


def _zeros_for(out: Tensor, batch: Any) -> Tensor:
    dims = out.shape.as_list()[1:] if out.shape.ndims is not None else None
    if dims is None or any(d is None for d in dims):
        return array_ops.zeros_like(out)
    return array_ops.zeros(stack([batch, *dims]), dtype=out.dtype)


def _select(mask_t: Tensor, new: list, old: list) -> list:
    """Rows of ``new`` where ``mask_t`` (a ``[batch]`` bool vector) holds, else ``old``."""
    return [where(mask_t, n, o) for n, o in zip(new, old)]


def rnn(step: Callable, inputs: Tensor, initial_states: Any, go_backwards: bool = False,
        mask: Any = None, unroll: bool = False, zero_output_for_mask: bool = False,
        return_all_outputs: bool = True) -> tuple[Tensor, Tensor | None, Any]:
    """Runs ``step`` over the time axis of ``inputs`` (batch-major).

    Args:
        step: ``(x_t [batch, ...], states) -> (output [batch, ...], new_states)``.
        inputs: ``[batch, time, ...]``.
        initial_states: the states (a list, possibly nested).
        go_backwards: read the steps last to first.
        mask: optional ``[batch, time]`` mask (cast to bool).
        unroll: build one copy of the step per time step (the time dimension must be
            known).
        zero_output_for_mask: masked steps output zeros instead of the previous output.
        return_all_outputs: whether to stack every step's output.

    Returns:
        ``(last_output, outputs [batch, time, ...] or None, final_states)``.

    Raises:
        ValueError: for inputs of rank below 3, or ``unroll`` with an unknown number of
            steps.
    """
    if inputs.shape.ndims is None or inputs.shape.ndims < 3:
        raise ValueError(f"Input tensor should have rank at least 3, got shape "
                         f"{inputs.shape} for {inputs.name}.")
    x = _time_major(inputs)
    steps, batch_static = x.shape.as_list()[:2]
    batch = batch_static if batch_static is not None else array_ops.shape(x)[1]
    states = initial_states
    if mask is not None:
        mask = mask if mask.dtype.base_dtype == _dt.bool_ else cast(mask, _dt.bool_)
        mask = transpose(mask, [1, 0])
    if unroll:
        if steps is None:
            raise ValueError("Cannot unroll a RNN if the time dimension is undefined: give "
                             "the inputs a known number of steps (an `input_shape` or "
                             "`input_length` in the first layer, or `shape=` of `Input`).")
        return _unrolled(step, x, states, go_backwards, mask, zero_output_for_mask,
                         return_all_outputs, batch)
    if go_backwards:
        x = reverse(x, [0])
        mask = None if mask is None else reverse(mask, [0])
    n = array_ops.shape(x)[0]
    in_ta = TensorArray(x.dtype, size=n, element_shape=x.shape[1:],
                        tensor_array_name="input_ta").unstack(x)
    mask_ta = None if mask is None else TensorArray(
        _dt.bool_, size=n, tensor_array_name="mask_ta").unstack(mask)
    out0, _ = step(x[0], states)
    zero = _zeros_for(out0, batch)
    out_ta = TensorArray(out0.dtype, size=n,
                         element_shape=out0.shape, tensor_array_name="output_ta")
    step_shape = x.shape[1:]

    def body(time: Tensor, ta: Any, prev: Tensor, st: Any) -> tuple:
        x_t = in_ta.read(time)
        x_t.set_shape(step_shape)
        out, new = step(x_t, st)
        flat_old, flat_new = nest.flatten(st), nest.flatten(new)
        for o, s in zip(flat_old, flat_new):
            s.set_shape(o.shape)
        if mask_ta is not None:
            m = mask_ta.read(time)
            m.set_shape([batch_static])
            out = _select(m, [out], [zero if zero_output_for_mask else prev])[0]
            flat_new = _select(m, flat_new, flat_old)
        out.set_shape(out0.shape)
        if return_all_outputs:
            ta = ta.write(time, out)
        return time + 1, ta, out, nest.pack_sequence_as(st, flat_new)

    _, out_ta, last, states = while_loop(
        lambda time, *_: time < n, body,
        (constant(0, dtype=_dt.int32, name="time"), out_ta, zero, states),
        parallel_iterations=32, swap_memory=True)
    outputs = None
    if return_all_outputs:
        outputs = out_ta.stack()
        outputs.set_shape([steps, *out0.shape.as_list()])
        outputs = _time_major(outputs)
    return last, outputs, states


def _unrolled(step: Callable, x: Tensor, states: Any, go_backwards: bool, mask: Any,
              zero_output_for_mask: bool, return_all_outputs: bool, batch: Any) -> tuple:
    xs = unstack(x)
    masks = None if mask is None else unstack(mask)
    if go_backwards:
        xs.reverse()
        masks = None if masks is None else masks[::-1]
    outs: list[Tensor] = []
    prev = None
    for t, x_t in enumerate(xs):
        out, new = step(x_t, states)
        flat_old, flat_new = nest.flatten(states), nest.flatten(new)
        if masks is not None:
            if prev is None:
                prev = _zeros_for(out, batch)
            zero = _zeros_for(out, batch) if zero_output_for_mask else prev
            out = _select(masks[t], [out], [zero])[0]
            flat_new = _select(masks[t], flat_new, flat_old)
        states = nest.pack_sequence_as(states, flat_new)
        prev = out
        outs.append(out)
    outputs = _time_major(stack(outs)) if return_all_outputs else None
    return prev, outputs, states


__all__ = ["rnn"]
