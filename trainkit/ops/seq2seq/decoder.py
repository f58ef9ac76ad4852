"""``Decoder`` and ``dynamic_decode`` of TF1's ``tf.contrib.seq2seq``: a decoder stepped
by a ``while_loop`` until every batch row is finished.

Per iteration ``t`` (TF 1.15's loop): ``decoder.step(t, inputs, state)`` gives
``(outputs, state', next_inputs, step_finished)``; a row's length becomes ``t + 1`` on the
step where it was not yet finished; ``finished |= step_finished`` (unless the decoder
tracks its own finished flags, as beam search does). The outputs of every step are
written to TensorArrays and stacked ``[time, batch, ...]`` (``[batch, time, ...]`` unless
``output_time_major``). With ``impute_finished`` the outputs of finished rows are zeros
and their state is copied through. The loop stops when every row is finished or after
``maximum_iterations`` steps.

Example:
    >>> outputs, state, lengths = dynamic_decode(decoder, maximum_iterations=20)
    >>> logits, ids = outputs.rnn_output, outputs.sample_id
"""

from __future__ import annotations

from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.seq2seq.helpers import transpose_batch_time
from trainkit.ops.static_value import constant_value
from trainkit.ops.tensor_array_ops import TensorArray
from trainkit.ops.while_loop import while_loop


class Decoder:
    """The interface :func:`dynamic_decode` drives (``tf.contrib.seq2seq.Decoder``).

    Subclasses define ``batch_size``, ``output_size`` and ``output_dtype`` (structures
    matching the step outputs), ``initialize() -> (finished, inputs, state)`` and
    ``step(time, inputs, state) -> (outputs, next_state, next_inputs, finished)``;
    ``finalize(outputs, final_state, sequence_lengths)`` is optional.
    """

    @property
    def batch_size(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define batch_size.")

    @property
    def output_size(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define output_size.")

    @property
    def output_dtype(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define output_dtype.")

    @property
    def tracks_own_finished(self) -> bool:
        """Whether ``step``'s finished flags already include the earlier steps'."""
        return False

    def initialize(self, name: str | None = None) -> tuple[Tensor, Any, Any]:
        raise NotImplementedError(f"{type(self).__name__} must define initialize.")

    def step(self, time: Tensor, inputs: Any, state: Any,
             name: str | None = None) -> tuple[Any, Any, Any, Tensor]:
        raise NotImplementedError(f"{type(self).__name__} must define step.")

    def finalize(self, outputs: Any, final_state: Any, sequence_lengths: Tensor) -> tuple:
        raise NotImplementedError


def _static_batch(batch_size: Any) -> int | None:
    if isinstance(batch_size, int):
        return batch_size
    value = constant_value(conversion.convert_to_tensor(batch_size, name="batch_size"))
    return None if value is None else int(value)


def _with_batch(batch_size: Any, size: Any) -> Any:
    """``[batch] + size`` as a shape vector (int list, or a tensor for a dynamic batch)."""
    dims = TensorShape(size).as_list()
    static = _static_batch(batch_size)
    if static is not None:
        return [static] + dims
    b = array_ops.reshape(conversion.convert_to_tensor(batch_size, dtype=_dt.int32), [1])
    return array_ops.concat([b, conversion.convert_to_tensor(dims, dtype=_dt.int32)], 0)


def _zero_outputs(size: Any, dtype: Any, batch_size: Any) -> Any:
    def zeros(s: Any, d: Any) -> Tensor:
        z = array_ops.zeros(_with_batch(batch_size, s), dtype=d)
        z.set_shape([_static_batch(batch_size)] + TensorShape(s).as_list())
        return z
    return nest.map_structure(zeros, size, dtype)


def _element_shape(batch_size: Any, size: Any) -> TensorShape:
    return TensorShape([_static_batch(batch_size)]).concatenate(TensorShape(size))


def dynamic_decode(decoder: Decoder, output_time_major: bool = False,
                   impute_finished: bool = False, maximum_iterations: Any = None,
                   parallel_iterations: int = 32, swap_memory: bool = False,
                   scope: Any = None) -> tuple[Any, Any, Tensor]:
    """Runs ``decoder`` until every row is finished (``tf.contrib.seq2seq.dynamic_decode``).

    Args:
        decoder: a :class:`Decoder` (e.g. ``BasicDecoder``).
        output_time_major: return outputs ``[time, batch, ...]`` instead of
            ``[batch, time, ...]``.
        impute_finished: zero the outputs of finished rows and copy their state through
            (slower; makes the final state each row's state at its last step).
        maximum_iterations: optional int32 scalar: stop after this many steps.
        parallel_iterations, swap_memory: passed to ``while_loop`` (no effect).
        scope: the variable scope (default ``decoder``).

    Returns:
        ``(final_outputs, final_state, final_sequence_lengths)``; the lengths are int32
        ``[batch]``.

    Raises:
        TypeError: ``decoder`` is not a Decoder.
        ValueError: ``maximum_iterations`` is not a scalar.
    """
    if not isinstance(decoder, Decoder):
        raise TypeError(f"Expected decoder to be type Decoder, but saw: {type(decoder)}")
    with vs.variable_scope(scope, default_name="decoder"):
        if maximum_iterations is not None:
            maximum_iterations = conversion.convert_to_tensor(
                maximum_iterations, dtype=_dt.int32, name="maximum_iterations")
            if maximum_iterations.shape.ndims != 0:
                raise ValueError("maximum_iterations must be a scalar, got shape "
                                 f"{maximum_iterations.shape}.")
        initial_finished, initial_inputs, initial_state = decoder.initialize()
        zero_outputs = _zero_outputs(decoder.output_size, decoder.output_dtype,
                                     decoder.batch_size)
        if maximum_iterations is not None:
            initial_finished = math_ops.logical_or(initial_finished,
                                                   math_ops.greater_equal(0, maximum_iterations))
        initial_lengths = array_ops.zeros_like(initial_finished, dtype=_dt.int32)
        initial_time = conversion.convert_to_tensor(0, dtype=_dt.int32, name="time")
        outputs_ta = nest.map_structure(
            lambda s, d: TensorArray(d, size=0, dynamic_size=True,
                                     element_shape=_element_shape(decoder.batch_size, s)),
            decoder.output_size, decoder.output_dtype)

        def condition(time: Tensor, tas: Any, state: Any, inputs: Any, finished: Tensor,
                      lengths: Tensor) -> Tensor:
            return math_ops.logical_not(math_ops.reduce_all(finished))

        def body(time: Tensor, tas: Any, state: Any, inputs: Any, finished: Tensor,
                 lengths: Tensor) -> tuple:
            outputs, dec_state, next_inputs, dec_finished = decoder.step(time, inputs, state)
            own_lengths = False
            if decoder.tracks_own_finished:
                next_finished = dec_finished
                state_lengths = getattr(dec_state, "lengths", None)
                if state_lengths is not None:
                    own_lengths = True
                    lengths = math_ops.cast(state_lengths, _dt.int32)
            else:
                next_finished = math_ops.logical_or(dec_finished, finished)
            if not own_lengths:
                lengths = math_ops.where(math_ops.logical_not(finished),
                                         array_ops.fill(array_ops.shape(lengths), time + 1),
                                         lengths)
            nest.assert_same_structure(state, dec_state)
            nest.assert_same_structure(tas, outputs)
            nest.assert_same_structure(inputs, next_inputs)
            emit = outputs
            if impute_finished:
                emit = nest.map_structure(lambda out, zero: math_ops.where(finished, zero, out),
                                          outputs, zero_outputs)

                def copy_state(new: Any, cur: Any) -> Any:
                    if isinstance(cur, TensorArray):
                        return new
                    new.set_shape(cur.shape)
                    return new if new.shape.ndims == 0 else math_ops.where(finished, cur, new)
                dec_state = nest.map_structure(copy_state, dec_state, state)
            tas = nest.map_structure(lambda ta, out: ta.write(time, out), tas, emit)
            return time + 1, tas, dec_state, next_inputs, next_finished, lengths

        res = while_loop(condition, body,
                         (initial_time, outputs_ta, initial_state, initial_inputs,
                          initial_finished, initial_lengths),
                         parallel_iterations=parallel_iterations,
                         maximum_iterations=maximum_iterations, swap_memory=swap_memory)
        final_state, final_lengths = res[2], res[5]
        final_outputs = nest.map_structure(lambda ta: ta.stack(), res[1])
        try:
            final_outputs, final_state = decoder.finalize(final_outputs, final_state,
                                                          final_lengths)
        except NotImplementedError:
            pass
        if not output_time_major:
            final_outputs = nest.map_structure(transpose_batch_time, final_outputs)
    return final_outputs, final_state, final_lengths


__all__ = ["Decoder", "dynamic_decode"]
