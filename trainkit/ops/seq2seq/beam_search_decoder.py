"""``BeamSearchDecoder`` of TF1's ``tf.contrib.seq2seq``: keeps the ``beam_width`` best
partial sequences of every batch entry.

The cell runs on ``batch * beam_width`` rows (tile the encoder outputs and state with
``tile_batch``). One step (TF 1.15's ``_beam_search_step``): ``log_softmax`` of the
logits; a finished beam may only extend with ``end_token`` at no cost; candidate score
``= (beam log prob + step log prob) / length_penalty`` with ``length_penalty = ((5 +
length) / 6) ** length_penalty_weight``; ``top_k`` over ``beam * vocab`` picks the new
beams (word ``= index % vocab``, parent ``= index // vocab``), and the cell state, log
probs, lengths and finished flags are gathered from the parents. Initially only beam 0
is live (the others have log prob ``-inf``). After the loop ``gather_tree`` turns the
per-step ids and parents into whole sequences: ``FinalBeamSearchDecoderOutput``.

With ``reorder_tensor_arrays`` a TensorArray in the cell state (an ``alignment_history``)
comes back stacked ``[time, batch * beam, ...]`` in the final beams' order, as in TF.

Differs from TF: ``coverage_penalty_weight`` must be 0 (no coverage penalty).

Example:
    >>> memory = tile_batch(encoder_outputs, multiplier=4)
    >>> decoder = BeamSearchDecoder(cell, embedding, start_tokens, end_token,
    ...                             cell.zero_state(batch * 4, tk.float32), beam_width=4,
    ...                             output_layer=projection)
    >>> outputs, state, lengths = dynamic_decode(decoder, maximum_iterations=20)
    >>> outputs.predicted_ids                   # [batch, time, beam], best beam first
"""

from __future__ import annotations

import collections
from typing import Any

import numpy as np

from trainkit import nest
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.control_flow_ops import cond
from trainkit.ops.embedding_ops import embedding_lookup
from trainkit.ops.layers_impl.classes import Layer
from trainkit.ops.nn_activations import log_softmax
from trainkit.ops.rnn.cell_base import assert_like_rnncell
from trainkit.ops.seq2seq.basic_decoder import _layer_output_size
from trainkit.ops.seq2seq.beam_search_ops import gather_tree, gather_tree_from_array
from trainkit.ops.seq2seq.decoder import Decoder
from trainkit.ops.static_value import constant_value
from trainkit.ops.tensor_array_ops import TensorArray
from trainkit.ops.top_k_ops import top_k


class BeamSearchDecoderState(collections.namedtuple(
        "BeamSearchDecoderState", ("cell_state", "log_probs", "finished", "lengths",
                                   "accumulated_attention_probs"))):
    """The loop state: per ``[batch, beam]`` log probs, finished flags and lengths."""

    __slots__ = ()


class BeamSearchDecoderOutput(collections.namedtuple(
        "BeamSearchDecoderOutput", ("scores", "predicted_ids", "parent_ids"))):
    """Per step and beam: the score, the chosen id and the beam it extends."""

    __slots__ = ()


class FinalBeamSearchDecoderOutput(collections.namedtuple(
        "FinalBeamDecoderOutput", ("predicted_ids", "beam_search_decoder_output"))):
    """The whole sequences (``predicted_ids``) and the raw per-step outputs."""

    __slots__ = ()


def _static(x: Any) -> int | None:
    if isinstance(x, int):
        return x
    v = constant_value(x)
    return None if v is None else int(v)


def _size_shape(size: Any) -> TensorShape:
    """A cell's ``state_size`` entry as a shape. An ``AttentionWrapper`` over a memory of
    unknown length gives its alignments' size as a scalar tensor: its build-time value if
    known, else an unknown shape (as TF's ``_split_batch_beams`` reads it)."""
    if isinstance(size, Tensor):
        value = constant_value(size)
        return TensorShape(None) if value is None else TensorShape(value.tolist())
    return TensorShape(size)


def _gather_beams(indices: Tensor, source: Tensor, batch_size: Any, range_size: Any,
                  rows: bool = True) -> Tensor:
    """``out[b, k, ...] = source[b, indices[b, k], ...]`` where ``source`` is
    ``[batch, range_size, ...]`` viewed flat per batch entry: a flat gather over
    ``batch * range_size`` rows (TF's ``_tensor_gather_helper``); ``out`` has the
    ``[batch, beam]`` of ``indices`` and, with ``rows``, the trailing dims of ``source``
    (``rows=False`` flattens all of ``source``: the ``[batch, beam, vocab]`` scores
    gathered over ``beam * vocab``)."""
    offsets = array_ops.expand_dims(array_ops.range(batch_size) * range_size, 1)
    flat_idx = array_ops.reshape(indices + offsets, [-1])
    src_shape = array_ops.shape(source)
    if rows:
        flat = array_ops.reshape(source, array_ops.concat([[-1], src_shape[2:]], 0))
        out_shape = array_ops.concat([array_ops.shape(indices), src_shape[2:]], 0)
        static = indices.shape.concatenate(source.shape[2:])
    else:
        flat = array_ops.reshape(source, [-1])
        out_shape = array_ops.shape(indices)
        static = indices.shape
    out = array_ops.reshape(array_ops.gather(flat, flat_idx), out_shape)
    out.set_shape(static)
    return out


class BeamSearchDecoder(Decoder):
    """Beam search as a :class:`Decoder` (``tf.contrib.seq2seq.BeamSearchDecoder``).

    Args:
        cell: an RNNCell; its state has ``batch * beam_width`` rows.
        embedding: the embedding matrix, or a callable ``ids -> embeddings``.
        start_tokens: int32 ``[batch]``.
        end_token: int32 scalar.
        initial_state: the cell's initial state, ``batch * beam_width`` rows (tiled).
        beam_width: the number of beams.
        output_layer: optional ``tf.layers.Layer`` giving the logits.
        length_penalty_weight: the exponent of the length penalty (0: none).
        coverage_penalty_weight: must be 0 (coverage penalty is not provided).
        reorder_tensor_arrays: stack and reorder TensorArrays of the cell state.

    Raises:
        TypeError: ``cell`` not an RNNCell or ``output_layer`` not a Layer.
        ValueError: ``start_tokens`` not a vector, ``end_token`` not a scalar, a bad
            ``beam_width``, a non-zero coverage penalty, or a state whose rows are not
            ``batch * beam_width``.
    """

    def __init__(self, cell: Any, embedding: Any, start_tokens: Any, end_token: Any,
                 initial_state: Any, beam_width: int, output_layer: Any = None,
                 length_penalty_weight: float = 0.0, coverage_penalty_weight: float = 0.0,
                 reorder_tensor_arrays: bool = True):
        assert_like_rnncell("cell", cell)
        if output_layer is not None and not isinstance(output_layer, Layer):
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        if isinstance(beam_width, bool) or not isinstance(beam_width, int) or beam_width < 1:
            raise ValueError(f"beam_width must be a positive integer, got {beam_width!r}.")
        if coverage_penalty_weight != 0.0:
            raise ValueError("BeamSearchDecoder: coverage_penalty_weight is not supported "
                             "(use 0.0).")
        self._cell = cell
        self._output_layer = output_layer
        self._reorder_tensor_arrays = reorder_tensor_arrays
        if callable(embedding):
            self._embedding_fn = embedding
        else:
            self._embedding_fn = lambda ids: embedding_lookup(embedding, ids)
        start = conversion.convert_to_tensor(start_tokens, dtype=_dt.int32,
                                             name="start_tokens")
        if start.shape.ndims != 1:
            raise ValueError(f"start_tokens must be a vector, got shape {start.shape}.")
        self._end_token = conversion.convert_to_tensor(end_token, dtype=_dt.int32,
                                                       name="end_token")
        if self._end_token.shape.ndims != 0:
            raise ValueError(f"end_token must be a scalar, got shape {self._end_token.shape}.")
        self._batch_size = array_ops.size(start)
        self._beam_width = beam_width
        self._length_penalty_weight = length_penalty_weight
        self._initial_cell_state = nest.map_structure(self._maybe_split, initial_state,
                                                      self._cell.state_size)
        self._start_tokens = array_ops.tile(array_ops.expand_dims(start, 1), [1, beam_width])
        self._start_inputs = self._embedding_fn(self._start_tokens)
        self._finished = array_ops.one_hot(
            array_ops.zeros([self._batch_size], dtype=_dt.int32), depth=beam_width,
            on_value=False, off_value=True, dtype=_dt.bool_)

    # -- shapes ----------------------------------------------------------------------------
    @property
    def batch_size(self) -> Tensor:
        return self._batch_size

    def _rnn_output_size(self) -> Any:
        size = self._cell.output_size
        return size if self._output_layer is None \
            else _layer_output_size(self._output_layer, size)

    @property
    def tracks_own_finished(self) -> bool:
        return True

    @property
    def output_size(self) -> BeamSearchDecoderOutput:
        beams = TensorShape([self._beam_width])
        return BeamSearchDecoderOutput(scores=beams, predicted_ids=beams, parent_ids=beams)

    @property
    def output_dtype(self) -> BeamSearchDecoderOutput:
        dtype = nest.flatten(self._initial_cell_state)[0].dtype
        return BeamSearchDecoderOutput(scores=dtype, predicted_ids=_dt.int32,
                                       parent_ids=_dt.int32)

    def _split(self, t: Tensor, size: Any) -> Tensor:
        s = _size_shape(size)
        out = array_ops.reshape(t, array_ops.concat(
            [array_ops.stack([self._batch_size, self._beam_width]), array_ops.shape(t)[1:]],
            0))
        want = TensorShape([_static(self._batch_size), self._beam_width]).concatenate(s)
        rows = t.shape.as_list()[0] if t.shape.ndims else None
        b = _static(self._batch_size)
        if (rows is not None and b is not None and rows != b * self._beam_width) \
                or not TensorShape(t.shape[1:]).is_compatible_with(s):
            raise ValueError(
                "Unexpected behavior when reshaping between beam width and batch size.  The "
                f"reshaped tensor has shape: {t.shape}.  We expected it to have shape "
                f"(batch_size, beam_width, depth) == {want}.  Perhaps you forgot to create a "
                "zero_state with batch_size=encoder_batch_size * beam_width?")
        out.set_shape(want)
        return out

    def _merge(self, t: Tensor, size: Any) -> Tensor:
        b = _static(self._batch_size)
        out = array_ops.reshape(t, array_ops.concat(
            [array_ops.reshape(self._batch_size * self._beam_width, [1]),
             array_ops.shape(t)[2:]], 0))
        out.set_shape(TensorShape([None if b is None else b * self._beam_width]).concatenate(
            _size_shape(size)))
        return out

    def _maybe_split(self, t: Any, size: Any) -> Any:
        if isinstance(t, TensorArray):
            return t
        if t.shape.ndims is None:
            raise ValueError(f"Expected tensor ({t}) to have known rank, but ndims == None.")
        return self._split(t, size) if t.shape.ndims >= 1 else t

    def _maybe_merge(self, t: Any, size: Any) -> Any:
        if isinstance(t, TensorArray):
            return t
        if t.shape.ndims is None:
            raise ValueError(f"Expected tensor ({t}) to have known rank, but ndims == None.")
        return self._merge(t, size) if t.shape.ndims >= 2 else t

    # -- decoding ----------------------------------------------------------------------------
    def initialize(self, name: str | None = None) -> tuple[Tensor, Any, Any]:
        dtype = nest.flatten(self._initial_cell_state)[0].dtype
        log_probs = array_ops.one_hot(
            array_ops.zeros([self._batch_size], dtype=_dt.int32), depth=self._beam_width,
            on_value=conversion.convert_to_tensor(0.0, dtype=dtype),
            off_value=conversion.convert_to_tensor(-np.inf, dtype=dtype), dtype=dtype)
        state = BeamSearchDecoderState(
            cell_state=self._initial_cell_state, log_probs=log_probs, finished=self._finished,
            lengths=array_ops.zeros(array_ops.stack([self._batch_size, self._beam_width]),
                                    dtype=_dt.int64),
            accumulated_attention_probs=())
        return self._finished, self._start_inputs, state

    def step(self, time: Tensor, inputs: Any, state: BeamSearchDecoderState,
             name: str | None = None) -> tuple:
        with name_scope(name, "BeamSearchDecoderStep"):
            merged_in = nest.map_structure(lambda x: self._merge(x, x.shape[2:]), inputs)
            cell_state = nest.map_structure(self._maybe_merge, state.cell_state,
                                            self._cell.state_size)
            cell_out, next_cell_state = self._cell(merged_in, cell_state)
            cell_out = nest.map_structure(lambda o: self._split(o, o.shape[1:]), cell_out)
            next_cell_state = nest.map_structure(self._maybe_split, next_cell_state,
                                                 self._cell.state_size)
            if self._output_layer is not None:
                cell_out = self._output_layer(cell_out)
            output, next_state = self._search_step(time, cell_out, next_cell_state, state)
            finished = next_state.finished
            next_inputs = cond(math_ops.reduce_all(finished), lambda: self._start_inputs,
                               lambda: self._embedding_fn(output.predicted_ids))
        return output, next_state, next_inputs, finished

    def _search_step(self, time: Tensor, logits: Tensor, next_cell_state: Any,
                     state: BeamSearchDecoderState) -> tuple:
        batch, beam = self._batch_size, self._beam_width
        prev_finished = state.finished
        step_log_probs = log_softmax(logits)
        vocab = logits.shape.as_list()[-1]
        vocab = array_ops.shape(logits)[-1] if vocab is None else vocab
        # a finished beam extends only with end_token, at no cost
        eos_row = array_ops.one_hot(self._end_token, vocab, dtype=logits.dtype, on_value=0.0,
                                    off_value=float(logits.dtype.min))
        step_log_probs = math_ops.where(
            array_ops.tile(array_ops.expand_dims(prev_finished, 2), [1, 1, vocab]),
            array_ops.zeros_like(step_log_probs) + eos_row, step_log_probs)
        total = array_ops.expand_dims(state.log_probs, 2) + step_log_probs
        lengths_to_add = array_ops.one_hot(
            array_ops.fill(array_ops.stack([batch, beam]), self._end_token), vocab,
            on_value=np.int64(0), off_value=np.int64(1), dtype=_dt.int64)
        lengths_to_add = lengths_to_add * array_ops.expand_dims(
            math_ops.cast(math_ops.logical_not(prev_finished), _dt.int64), 2)
        new_lengths = lengths_to_add + array_ops.expand_dims(state.lengths, 2)
        scores = total
        if self._length_penalty_weight != 0:
            penalty = ((5.0 + math_ops.cast(new_lengths, _dt.float32))
                       ** self._length_penalty_weight) / (6.0 ** self._length_penalty_weight)
            scores = total / math_ops.cast(penalty, total.dtype)
        flat_scores = array_ops.reshape(scores, array_ops.stack([batch, -1]))
        best_scores, word_indices = top_k(flat_scores, k=beam)
        best_scores.set_shape([_static(batch), beam])
        word_indices.set_shape([_static(batch), beam])
        next_log_probs = _gather_beams(word_indices, total, batch, beam * vocab, rows=False)
        word_ids = math_ops.cast(math_ops.mod(word_indices, vocab), _dt.int32)
        parent_ids = math_ops.cast(math_ops.floordiv(word_indices, vocab), _dt.int32)
        prev_finished = _gather_beams(parent_ids, prev_finished, batch, beam)
        next_finished = math_ops.logical_or(prev_finished,
                                            math_ops.equal(word_ids, self._end_token))
        next_lengths = _gather_beams(parent_ids, state.lengths, batch, beam) \
            + math_ops.cast(math_ops.logical_not(prev_finished), _dt.int64)

        def gather_state(t: Any) -> Any:
            if isinstance(t, TensorArray) or t.shape.ndims is None or t.shape.ndims < 2:
                return t
            return _gather_beams(parent_ids, t, batch, beam)

        next_state = BeamSearchDecoderState(
            cell_state=nest.map_structure(gather_state, next_cell_state),
            log_probs=next_log_probs, finished=next_finished, lengths=next_lengths,
            accumulated_attention_probs=())
        return BeamSearchDecoderOutput(best_scores, word_ids, parent_ids), next_state

    def _sort_array_beams(self, t: Any, parent_ids: Tensor, lengths: Tensor) -> Any:
        """A TensorArray of per-step ``[batch * beam, ...]`` entries (an alignment
        history), stacked and put in the final beams' order; other state is returned."""
        if not isinstance(t, TensorArray):
            return t
        shape = t.element_shape
        b = _static(self._batch_size)
        if shape.ndims is None or shape.ndims < 1 or (
                shape[0] is not None and b is not None and shape[0] != b * self._beam_width):
            return t
        return gather_tree_from_array(t.stack(), parent_ids, lengths)

    def finalize(self, outputs: BeamSearchDecoderOutput, final_state: BeamSearchDecoderState,
                 sequence_lengths: Tensor) -> tuple:
        """Builds whole sequences with :func:`gather_tree` from the stacked step outputs
        ``[time, batch, beam]``."""
        max_lengths = math_ops.cast(math_ops.reduce_max(final_state.lengths, axis=1),
                                    _dt.int32)
        ids = gather_tree(outputs.predicted_ids, outputs.parent_ids,
                          max_sequence_lengths=max_lengths, end_token=self._end_token)
        if self._reorder_tensor_arrays:
            sorted_cell_state = nest.map_structure(
                lambda t: self._sort_array_beams(t, outputs.parent_ids, final_state.lengths),
                final_state.cell_state)
            final_state = BeamSearchDecoderState(sorted_cell_state, *final_state[1:])
        return FinalBeamSearchDecoderOutput(predicted_ids=ids,
                                            beam_search_decoder_output=outputs), final_state


__all__ = ["BeamSearchDecoder", "BeamSearchDecoderState", "BeamSearchDecoderOutput",
           "FinalBeamSearchDecoderOutput"]
