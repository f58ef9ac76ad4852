"""The attention models of TF1's ``tf.contrib.legacy_seq2seq``: ``attention_decoder``
(Bahdanau-style additive attention as the legacy implementation defines it),
``embedding_attention_decoder`` and ``embedding_attention_seq2seq``.

Per head ``a`` and step, with encoder states ``h_j`` (``attention_states[:, j]``):
``s_j = AttnV_a . tanh(h_j @ AttnW_a + Linear_a(query))``, ``p = softmax(s)``,
``d_a = sum_j p_j h_j``. Each step feeds ``Linear([input] + attns)`` (input width) to
the cell, attends with the new state as query and emits
``AttnOutputProjection/Linear([cell_output] + attns)``. Variable names follow TF1:
``attention_decoder/{AttnW_0, AttnV_0, kernel, bias}``, ``.../Attention_0/{kernel, bias}``,
``.../AttnOutputProjection/{kernel, bias}``.

Example:
    >>> outputs, state = attention_decoder(dec_inputs, enc_state, enc_outputs_bte, cell)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit import nest
from trainkit.framework import conversion
from trainkit.ops import array_ops, conv_ops, math_ops, reduction_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.embedding_ops import embedding_lookup
from trainkit.ops.nn_activations import softmax
from trainkit.ops.rnn.cell_base import check_cell
from trainkit.ops.rnn.core_rnn_cell import EmbeddingWrapper, Linear, OutputProjectionWrapper
from trainkit.ops.rnn.legacy_seq2seq import (
    check_feed_previous,
    check_projection,
    check_steps,
    copy_cell,
    extract_argmax_and_embed,
)
from trainkit.ops.rnn.static_rnn import static_rnn


def _attention_setup(attention_states: Any, num_heads: int, dtype: Any) -> tuple:
    """The reshaped states ``[B, L, 1, A]``, their per-head features ``h @ AttnW_a`` and
    the ``AttnV_a`` vectors (variables of the current scope)."""
    attn_length = attention_states.shape[1]
    if attn_length is None:
        attn_length = array_ops.shape(attention_states)[1]
    attn_size = int(attention_states.shape[2])
    hidden = array_ops.reshape(attention_states, [-1, attn_length, 1, attn_size])
    features, v = [], []
    for a in range(num_heads):
        k = vs.get_variable(f"AttnW_{a}", [1, 1, attn_size, attn_size], dtype=dtype)
        features.append(conv_ops.conv2d(hidden, k, [1, 1, 1, 1], "SAME"))
        v.append(vs.get_variable(f"AttnV_{a}", [attn_size], dtype=dtype))
    return hidden, features, v, attn_length, attn_size


def attention_decoder(decoder_inputs: Any, initial_state: Any, attention_states: Any,
                      cell: Any, output_size: int | None = None, num_heads: int = 1,
                      loop_function: Callable | None = None, dtype: Any = None,
                      scope: Any = None,
                      initial_state_attention: bool = False) -> tuple[list, Any]:
    """An RNN decoder attending over ``attention_states`` ``[batch, length, size]``.

    Args:
        decoder_inputs: a list of 2-D ``[batch, input_size]`` tensors.
        initial_state: the cell's start state.
        cell: the RNN cell.
        output_size: width of the outputs (default ``cell.output_size``).
        num_heads: number of attention heads.
        loop_function: ``f(prev_output, i)`` giving the next input (as ``rnn_decoder``).
        dtype, scope: the scope's dtype and name (default ``attention_decoder``).
        initial_state_attention: attend from ``initial_state`` before the first step
            (else the first step's attention reads are zeros).

    Returns:
        ``(outputs, state)``: one ``[batch, output_size]`` output per step, final state.

    Raises:
        ValueError: for no inputs, ``num_heads`` < 1, an unknown attention size or
            input size. TypeError: if ``cell`` is not a cell.

    Differs from TF: the attention softmax runs in the model dtype (TF1 casts the scores
    to float32 and back, which only matters for float16/float64 models).
    """
    check_cell(cell, "legacy_seq2seq")
    if not decoder_inputs:
        raise ValueError("Must provide at least 1 input to attention decoder.")
    steps = check_steps(decoder_inputs, "decoder_inputs")
    if num_heads < 1:
        raise ValueError("With less than 1 heads, use a non-attention decoder.")
    states = conversion.convert_to_tensor(attention_states)
    if states.shape.ndims != 3 or states.shape[2] is None:
        raise ValueError(f"Shape[2] of attention_states must be known: {states.shape}")
    if output_size is None:
        output_size = cell.output_size
    with vs.variable_scope(scope or "attention_decoder", dtype=dtype) as sc:
        dtype = sc.dtype
        batch_size = array_ops.shape(steps[0])[0]
        hidden, features, v, attn_length, attn_size = _attention_setup(states, num_heads,
                                                                       dtype)

        def attention(query: Any) -> list:
            if nest.is_nested(query):
                parts = nest.flatten(query)
                for q in parts:
                    if q.shape.ndims not in (None, 2):
                        raise ValueError(f"attention query parts must be 2-D, got {q.shape}")
                query = array_ops.concat(parts, 1)
            ds = []
            for a in range(num_heads):
                with vs.variable_scope(f"Attention_{a}"):
                    y = Linear(query, attn_size, True)(query)
                    y = array_ops.reshape(y, [-1, 1, 1, attn_size])
                    s = reduction_ops.reduce_sum(v[a] * math_ops.tanh(features[a] + y), [2, 3])
                    p = softmax(s)
                    d = reduction_ops.reduce_sum(
                        array_ops.reshape(p, [-1, attn_length, 1, 1]) * hidden, [1, 2])
                    ds.append(array_ops.reshape(d, [-1, attn_size]))
            return ds

        outputs: list = []
        prev = None
        shape = array_ops.stack([batch_size, attn_size])
        attns = [array_ops.zeros(shape, dtype=dtype) for _ in range(num_heads)]
        for t in attns:
            t.set_shape([None, attn_size])
        if initial_state_attention:
            attns = attention(initial_state)
        state = initial_state
        for i, inp in enumerate(steps):
            if i > 0:
                vs.get_variable_scope().reuse_variables()
            if loop_function is not None and prev is not None:
                with vs.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            inp = conversion.convert_to_tensor(inp)
            if inp.shape.ndims != 2 or inp.shape[1] is None:
                raise ValueError(f"Could not infer input size from input: {inp.name} "
                                 f"(shape {inp.shape})")
            x_parts = [math_ops.cast(e, dtype) for e in [inp] + attns]
            x = Linear(x_parts, int(inp.shape[1]), True)(x_parts)
            cell_output, state = cell(x, state)
            if i == 0 and initial_state_attention:
                with vs.variable_scope(vs.get_variable_scope(), reuse=True):
                    attns = attention(state)
            else:
                attns = attention(state)
            with vs.variable_scope("AttnOutputProjection"):
                parts = [math_ops.cast(cell_output, dtype)] + attns
                output = Linear(parts, output_size, True)(parts)
            if loop_function is not None:
                prev = output
            outputs.append(output)
    return outputs, state


def embedding_attention_decoder(decoder_inputs: Any, initial_state: Any,
                                attention_states: Any, cell: Any, num_symbols: int,
                                embedding_size: int, num_heads: int = 1,
                                output_size: int | None = None,
                                output_projection: Any = None, feed_previous: bool = False,
                                update_embedding_for_previous: bool = True,
                                dtype: Any = None, scope: Any = None,
                                initial_state_attention: bool = False) -> tuple[list, Any]:
    """``attention_decoder`` over the embeddings
    (``embedding_attention_decoder/embedding``) of the int ``decoder_inputs``; with
    ``feed_previous`` the argmax of the previous (projected) output is fed back."""
    check_cell(cell, "legacy_seq2seq")
    steps = check_steps(decoder_inputs, "decoder_inputs")
    feed = check_feed_previous(feed_previous)
    if output_size is None:
        output_size = cell.output_size
    with vs.variable_scope(scope or "embedding_attention_decoder", dtype=dtype) as sc:
        check_projection(output_projection, num_symbols, sc.dtype)
        embedding = vs.get_variable("embedding", [num_symbols, embedding_size])
        loop = extract_argmax_and_embed(embedding, output_projection,
                                        update_embedding_for_previous) if feed else None
        emb_inp = [embedding_lookup(embedding, i) for i in steps]
        return attention_decoder(emb_inp, initial_state, attention_states, cell,
                                 output_size=output_size, num_heads=num_heads,
                                 loop_function=loop,
                                 initial_state_attention=initial_state_attention)


def embedding_attention_seq2seq(encoder_inputs: Any, decoder_inputs: Any, cell: Any,
                                num_encoder_symbols: int, num_decoder_symbols: int,
                                embedding_size: int, num_heads: int = 1,
                                output_projection: Any = None, feed_previous: bool = False,
                                dtype: Any = None, scope: Any = None,
                                initial_state_attention: bool = False) -> tuple[list, Any]:
    """The attention seq2seq model of TF1's translate tutorial: an ``EmbeddingWrapper``
    encoder (``embedding_attention_seq2seq/rnn``) whose outputs are attended over by
    ``embedding_attention_decoder`` (logits of ``num_decoder_symbols`` through an
    ``OutputProjectionWrapper`` unless ``output_projection`` is given)."""
    check_cell(cell, "legacy_seq2seq")
    check_steps(encoder_inputs, "encoder_inputs")
    check_feed_previous(feed_previous)
    with vs.variable_scope(scope or "embedding_attention_seq2seq", dtype=dtype) as sc:
        dtype = sc.dtype
        enc_cell = EmbeddingWrapper(copy_cell(cell), embedding_classes=num_encoder_symbols,
                                    embedding_size=embedding_size)
        enc_outputs, enc_state = static_rnn(enc_cell, encoder_inputs, dtype=dtype)
        top = [array_ops.reshape(e, [-1, 1, cell.output_size]) for e in enc_outputs]
        attention_states = array_ops.concat(top, 1)
        output_size = None
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
            output_size = num_decoder_symbols
        return embedding_attention_decoder(
            decoder_inputs, enc_state, attention_states, cell, num_decoder_symbols,
            embedding_size, num_heads=num_heads, output_size=output_size,
            output_projection=output_projection, feed_previous=feed_previous,
            initial_state_attention=initial_state_attention)


__all__ = ["attention_decoder", "embedding_attention_decoder", "embedding_attention_seq2seq"]
