"""``BasicDecoder`` of TF1's ``tf.contrib.seq2seq``: one cell step, an optional output
layer, and a helper choosing the next inputs.

Each step: ``cell_out, state = cell(inputs, state)``; ``rnn_output =
output_layer(cell_out)`` (or ``cell_out``); ``sample_id = helper.sample(...)``; the helper
gives the finished flags and the next inputs. The outputs are a
:class:`BasicDecoderOutput` ``(rnn_output, sample_id)``.

Example:
    >>> helper = GreedyEmbeddingHelper(embedding, start_tokens, end_token=1)
    >>> decoder = BasicDecoder(cell, helper, encoder_state,
    ...                        output_layer=tk.layers.Dense(vocab, use_bias=False))
    >>> outputs, state, lengths = dynamic_decode(decoder, maximum_iterations=10)
"""

from __future__ import annotations

import collections
from typing import Any

from trainkit import nest
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.layers_impl.classes import Layer
from trainkit.ops.rnn.cell_base import assert_like_rnncell
from trainkit.ops.seq2seq.decoder import Decoder
from trainkit.ops.seq2seq.helpers import Helper


class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput",
                                                ("rnn_output", "sample_id"))):
    """A step's (or the stacked) outputs of :class:`BasicDecoder`."""

    __slots__ = ()


def _layer_output_size(layer: Any, size: Any) -> Any:
    """The per-row output size of ``layer`` applied to rows of size ``size``."""
    units = getattr(layer, "units", None)
    if units is not None:
        return nest.map_structure(lambda s: TensorShape(
            TensorShape(s).as_list()[:-1] + [units]), size)
    compute = getattr(layer, "compute_output_shape", None)
    if compute is None:
        raise TypeError(f"output_layer {layer!r} has neither units nor compute_output_shape.")
    shapes = nest.map_structure(
        lambda s: compute(TensorShape([None]).concatenate(TensorShape(s))), size)
    return nest.map_structure(lambda s: TensorShape(s)[1:], shapes)


class BasicDecoder(Decoder):
    """A cell plus a helper as a :class:`Decoder` (``tf.contrib.seq2seq.BasicDecoder``).

    Args:
        cell: an RNNCell.
        helper: a :class:`Helper` (e.g. ``TrainingHelper``).
        initial_state: the cell's initial state (e.g. the encoder's final state).
        output_layer: optional ``tf.layers.Layer`` (usually ``Dense(vocab)``) applied to
            the cell output before sampling.

    Raises:
        TypeError: ``cell`` not an RNNCell, ``helper`` not a Helper, or ``output_layer``
            not a Layer.
    """

    def __init__(self, cell: Any, helper: Helper, initial_state: Any,
                 output_layer: Any = None):
        assert_like_rnncell("cell", cell)
        if not isinstance(helper, Helper):
            raise TypeError(f"helper must be a Helper, received: {type(helper)}")
        if output_layer is not None and not isinstance(output_layer, Layer):
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        self._cell = cell
        self._helper = helper
        self._initial_state = initial_state
        self._output_layer = output_layer

    @property
    def batch_size(self) -> Any:
        return self._helper.batch_size

    def _rnn_output_size(self) -> Any:
        size = self._cell.output_size
        if self._output_layer is None:
            return size
        return _layer_output_size(self._output_layer, size)

    @property
    def output_size(self) -> BasicDecoderOutput:
        return BasicDecoderOutput(rnn_output=self._rnn_output_size(),
                                  sample_id=self._helper.sample_ids_shape)

    @property
    def output_dtype(self) -> BasicDecoderOutput:
        dtype = nest.flatten(self._initial_state)[0].dtype
        return BasicDecoderOutput(nest.map_structure(lambda _: dtype, self._rnn_output_size()),
                                  self._helper.sample_ids_dtype)

    def initialize(self, name: str | None = None) -> tuple[Tensor, Any, Any]:
        """``(finished, first_inputs, initial_state)``."""
        return self._helper.initialize() + (self._initial_state,)

    def step(self, time: Tensor, inputs: Any, state: Any,
             name: str | None = None) -> tuple[BasicDecoderOutput, Any, Any, Tensor]:
        """One decoding step: ``(outputs, next_state, next_inputs, finished)``."""
        with name_scope(name, "BasicDecoderStep"):
            cell_outputs, cell_state = self._cell(inputs, state)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            sample_ids = self._helper.sample(time=time, outputs=cell_outputs, state=cell_state)
            finished, next_inputs, next_state = self._helper.next_inputs(
                time=time, outputs=cell_outputs, state=cell_state, sample_ids=sample_ids)
        return BasicDecoderOutput(cell_outputs, sample_ids), next_state, next_inputs, finished


__all__ = ["BasicDecoder", "BasicDecoderOutput"]
