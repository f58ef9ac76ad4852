"""The RNN models of TF1's ``tf.contrib.legacy_seq2seq`` over Python lists of time steps:
``rnn_decoder``, ``basic_rnn_seq2seq``, ``tied_rnn_seq2seq``, ``embedding_rnn_decoder``
and ``embedding_rnn_seq2seq``, with TF1's variable scopes (``basic_rnn_seq2seq/rnn/...``
for the encoder, ``.../rnn_decoder/...`` for the decoder) so checkpoints line up.

As in TF1 the encoder runs a deep copy of ``cell`` (its own variables) and the decoder
the cell itself.

Example:
    >>> outputs, state = basic_rnn_seq2seq(enc_inputs, dec_inputs, BasicLSTMCell(32))
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import Graph, get_default_graph
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import identity_ops, reduction_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.embedding_ops import embedding_lookup
from trainkit.ops.nn_layer_ops import xw_plus_b
from trainkit.ops.rnn.cell_base import check_cell
from trainkit.ops.rnn.core_rnn_cell import EmbeddingWrapper, OutputProjectionWrapper
from trainkit.ops.rnn.static_rnn import static_rnn


def check_steps(steps: Any, what: str) -> list:
    """A non-empty list of per-step inputs, or a TypeError/ValueError naming ``what``."""
    if not isinstance(steps, list | tuple):
        raise TypeError(f"{what} must be a list of per-step tensors, got "
                        f"{type(steps).__name__}.")
    if not steps:
        raise ValueError(f"{what} must not be empty.")
    return list(steps)


def copy_cell(cell: Any) -> Any:
    """``copy.deepcopy(cell)`` that shares (never copies) graphs, ops and tensors the cell
    refers to, e.g. a ``keep_prob`` placeholder of a DropoutWrapper."""
    memo: dict = {}
    seen: set = set()

    def walk(obj: Any) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, Tensor | Operation | Graph) or hasattr(obj, "graph"):
            memo[id(obj)] = obj
            return
        if isinstance(obj, dict):
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list | tuple | set):
            for v in obj:
                walk(v)
        elif hasattr(obj, "__dict__"):
            for v in vars(obj).values():
                walk(v)

    walk(cell)
    memo[id(get_default_graph())] = get_default_graph()
    return copy.deepcopy(cell, memo)


def rnn_decoder(decoder_inputs: Any, initial_state: Any, cell: Any,
                loop_function: Callable | None = None,
                scope: Any = None) -> tuple[list, Any]:
    """Runs ``cell`` over ``decoder_inputs`` from ``initial_state`` (scope
    ``rnn_decoder``). With ``loop_function(prev_output, i)`` every step after the first
    reads ``loop_function`` of the previous output instead of its decoder input.

    Returns:
        ``(outputs, state)``: one output per step and the final state.

    Raises:
        TypeError: if ``cell`` is not a cell or the inputs are not a list.
        ValueError: for no decoder inputs.
    """
    check_cell(cell, "legacy_seq2seq")
    steps = check_steps(decoder_inputs, "decoder_inputs")
    with vs.variable_scope(scope or "rnn_decoder"):
        state = initial_state
        outputs: list = []
        prev = None
        for i, inp in enumerate(steps):
            if loop_function is not None and prev is not None:
                with vs.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if i > 0:
                vs.get_variable_scope().reuse_variables()
            output, state = cell(inp, state)
            outputs.append(output)
            if loop_function is not None:
                prev = output
    return outputs, state


def basic_rnn_seq2seq(encoder_inputs: Any, decoder_inputs: Any, cell: Any,
                      dtype: Any = _dt.float32, scope: Any = None) -> tuple[list, Any]:
    """Encodes ``encoder_inputs`` with a copy of ``cell`` (``static_rnn``, scope
    ``basic_rnn_seq2seq/rnn``) and decodes ``decoder_inputs`` from the final encoder
    state with ``cell`` (``basic_rnn_seq2seq/rnn_decoder``)."""
    check_cell(cell, "legacy_seq2seq")
    check_steps(encoder_inputs, "encoder_inputs")
    with vs.variable_scope(scope or "basic_rnn_seq2seq"):
        _, enc_state = static_rnn(copy_cell(cell), encoder_inputs, dtype=dtype)
        return rnn_decoder(decoder_inputs, enc_state, cell)


def tied_rnn_seq2seq(encoder_inputs: Any, decoder_inputs: Any, cell: Any,
                     loop_function: Callable | None = None, dtype: Any = _dt.float32,
                     scope: Any = None) -> tuple[list, Any]:
    """``basic_rnn_seq2seq`` with the encoder and decoder sharing ``cell``'s variables
    (scope ``combined_tied_rnn_seq2seq/tied_rnn_seq2seq``)."""
    check_cell(cell, "legacy_seq2seq")
    with vs.variable_scope("combined_tied_rnn_seq2seq"):
        name = scope or "tied_rnn_seq2seq"
        _, enc_state = static_rnn(cell, check_steps(encoder_inputs, "encoder_inputs"),
                                  dtype=dtype, scope=name)
        vs.get_variable_scope().reuse_variables()
        return rnn_decoder(decoder_inputs, enc_state, cell, loop_function=loop_function,
                           scope=name)


def extract_argmax_and_embed(embedding: Any, output_projection: Any = None,
                             update_embedding: bool = True) -> Callable:
    """The ``loop_function`` of ``feed_previous``: the embedding of the argmax of the
    (projected) previous output; without ``update_embedding`` no gradient reaches the
    embedding through it."""
    def loop_function(prev: Any, _: int) -> Tensor:
        if output_projection is not None:
            prev = xw_plus_b(prev, output_projection[0], output_projection[1])
        emb_prev = embedding_lookup(embedding, reduction_ops.argmax(prev, 1))
        return emb_prev if update_embedding else identity_ops.stop_gradient(emb_prev)
    return loop_function


def check_projection(output_projection: Any, num_symbols: int, dtype: Any) -> None:
    """TF1's checks: ``output_projection`` is ``(W [*, num_symbols], b [num_symbols])``."""
    if output_projection is None:
        return
    if not isinstance(output_projection, list | tuple) or len(output_projection) != 2:
        raise ValueError("output_projection must be a pair (W, B).")
    w = conversion.convert_to_tensor(output_projection[0], dtype=dtype)
    b = conversion.convert_to_tensor(output_projection[1], dtype=dtype)
    if not w.shape.is_compatible_with([None, num_symbols]) or \
            not b.shape.is_compatible_with([num_symbols]):
        raise ValueError(f"output_projection shapes {w.shape} and {b.shape} do not fit "
                         f"[*, {num_symbols}] and [{num_symbols}].")


def check_feed_previous(feed_previous: Any) -> bool:
    """``feed_previous`` as a Python bool; a boolean tensor (TF1 builds both decoders
    under a ``cond``) is refused with a TypeError."""
    if not isinstance(feed_previous, bool):
        raise TypeError(f"feed_previous must be a Python bool here, got {feed_previous!r}; "
                        f"a boolean tensor (both decoders under tf.cond) is not supported.")
    return feed_previous


def embedding_rnn_decoder(decoder_inputs: Any, initial_state: Any, cell: Any,
                          num_symbols: int, embedding_size: int,
                          output_projection: Any = None, feed_previous: bool = False,
                          update_embedding_for_previous: bool = True,
                          scope: Any = None) -> tuple[list, Any]:
    """``rnn_decoder`` over the embeddings (``embedding_rnn_decoder/embedding``
    ``[num_symbols, embedding_size]``) of the int ``decoder_inputs``; with
    ``feed_previous`` each step after the first embeds the argmax of the previous
    (projected) output instead."""
    check_cell(cell, "legacy_seq2seq")
    steps = check_steps(decoder_inputs, "decoder_inputs")
    feed = check_feed_previous(feed_previous)
    with vs.variable_scope(scope or "embedding_rnn_decoder") as sc:
        check_projection(output_projection, num_symbols, sc.dtype)
        embedding = vs.get_variable("embedding", [num_symbols, embedding_size])
        loop = extract_argmax_and_embed(embedding, output_projection,
                                        update_embedding_for_previous) if feed else None
        emb_inp = [embedding_lookup(embedding, i) for i in steps]
        return rnn_decoder(emb_inp, initial_state, cell, loop_function=loop)


def embedding_rnn_seq2seq(encoder_inputs: Any, decoder_inputs: Any, cell: Any,
                          num_encoder_symbols: int, num_decoder_symbols: int,
                          embedding_size: int, output_projection: Any = None,
                          feed_previous: bool = False, dtype: Any = None,
                          scope: Any = None) -> tuple[list, Any]:
    """The embedding seq2seq model: an ``EmbeddingWrapper`` around a copy of ``cell``
    encodes the int ``encoder_inputs`` (``embedding_rnn_seq2seq/rnn/embedding_wrapper``);
    ``embedding_rnn_decoder`` decodes, with ``cell`` wrapped in an
    ``OutputProjectionWrapper`` to ``num_decoder_symbols`` logits unless an
    ``output_projection`` ``(W, b)`` is given.

    Raises:
        TypeError: for a cell that is not a cell, non-list inputs or a non-bool
            ``feed_previous``. ValueError: for empty inputs or bad sizes/projection.

    Differs from TF: ``feed_previous`` must be a Python bool (TF1 also takes a boolean
    tensor and builds both decoders under ``cond``).
    """
    check_cell(cell, "legacy_seq2seq")
    check_steps(encoder_inputs, "encoder_inputs")
    check_feed_previous(feed_previous)
    with vs.variable_scope(scope or "embedding_rnn_seq2seq") as sc:
        if dtype is not None:
            sc.set_dtype(dtype)
        dtype = sc.dtype
        enc_cell = EmbeddingWrapper(copy_cell(cell), embedding_classes=num_encoder_symbols,
                                    embedding_size=embedding_size)
        _, enc_state = static_rnn(enc_cell, encoder_inputs, dtype=dtype)
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
        return embedding_rnn_decoder(decoder_inputs, enc_state, cell, num_decoder_symbols,
                                     embedding_size, output_projection=output_projection,
                                     feed_previous=feed_previous)


__all__ = ["rnn_decoder", "basic_rnn_seq2seq", "tied_rnn_seq2seq", "embedding_rnn_decoder",
           "embedding_rnn_seq2seq", "extract_argmax_and_embed", "copy_cell"]
