"""Beam-search inference of TensorFlow's NMT attention model (tensorflow/nmt, Apache-2.0:
``nmt/model.py``'s ``_build_decoder`` ``beam_search`` branch and
``attention_model.py``'s ``_build_decoder_cell`` in INFER mode with ``beam_width > 0``):
the encoder outputs, source lengths and encoder state ``tf.contrib.seq2seq.tile_batch``ed
by the beam width, the attention mechanism over the tiled memory, ``AttentionWrapper(...,
alignment_history=False, name="attention")`` with ``zero_state(batch * beam).clone(
cell_state=...)``, ``BeamSearchDecoder(cell, embedding_decoder, start_tokens, end_token,
initial_state, beam_width, output_layer, length_penalty_weight,
coverage_penalty_weight)`` and ``dynamic_decode(maximum_iterations=...,
output_time_major=True, swap_memory=True, scope=decoder_scope)``; ``predicted_ids``
(``gather_tree`` in ``finalize``) turned into texts per beam cut at ``</s>``. The model is
first trained as in ``nmt_attention.py`` (whose functions this program reuses).

Adapted: as in ``nmt_attention.py`` (generated reverse-the-sentence data fed as
time-major batches, 1 layer of 16 units, no dropout, 8 Adam steps with a larger rate so
the beams differ, same starting weights); the training and the beam-search decoder share
one graph; ``scaled_luong`` and ``normed_bahdanau`` attention, beam width 3, length
penalty 1.0 (nmt's ``--length_penalty_weight``; its default is 0). TF 2.21 has no
``tf.contrib``: there the beam search is written out from core ops as contrib 1.15's
``BeamSearchDecoder`` defines it (beams 1..k-1 start finished with log-probability
``-inf``; a finished beam's next-token log-probabilities are the dtype's minimum except 0
for ``</s>``; lengths grow by one for every token but ``</s>`` of an unfinished beam;
scores ``log p / ((5 + length) / 6) ** penalty``; ``top_k`` over ``beam * vocab``; states,
lengths and finished flags gathered by parent beam), unrolled over
``maximum_iterations`` steps, and ``gather_tree`` is done in NumPy as its kernel does
(backtracking from ``min(max_time, max length)``, then everything after the first
``</s>`` set to ``</s>``). The texts are compared cut at ``</s>`` (the steps a static
unroll takes after every beam finished only append ``</s>``), with the final beam
log-probabilities."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.nmt_attention import (
    BATCH,
    WIDTH,
    PlainAttentionDecoder,
    create_attention_mechanism,
    get_translation,
    gradient_clip,
    make_data,
)

OPTIONS = ("scaled_luong", "normed_bahdanau")
BEAM_WIDTH = 3
COMPARE = {"translations": 0.0}
COMPARE.update({f"loss_{o}": 2e-3 for o in OPTIONS})
COMPARE.update({f"log_probs_{o}": 2e-3 for o in OPTIONS})


def gather_tree_numpy(step_ids, parent_ids, max_sequence_lengths, end_token):
    """TF's ``GatherTree`` kernel on ``[max_time, batch, beam]`` arrays."""
    max_time, batch, beam = step_ids.shape
    beams = np.full_like(step_ids, end_token)
    for b in range(batch):
        length = min(max_time, int(max_sequence_lengths[b]))
        if length <= 0:
            continue
        for k in range(beam):
            beams[length - 1, b, k] = step_ids[length - 1, b, k]
            parent = parent_ids[length - 1, b, k]
            for level in range(length - 2, -1, -1):
                beams[level, b, k] = step_ids[level, b, parent]
                parent = parent_ids[level, b, parent]
            finished = False
            for t in range(length):
                if finished:
                    beams[t, b, k] = end_token
                elif beams[t, b, k] == end_token:
                    finished = True
    return beams


def plain_beam_search(tf, option, num_units, memory, source_sequence_length, encoder_state,
                      embedding_decoder, output_layer, sos, eos, vocab_size, penalty):
    """contrib 1.15's ``BeamSearchDecoder`` + ``dynamic_decode`` from core ops, unrolled
    (see the module docstring): (step ids, parent ids, final lengths, final log probs)."""
    B, K, V = BATCH, BEAM_WIDTH, vocab_size

    def tile(t):
        return tf.reshape(tf.tile(tf.expand_dims(t, 1), [1, K] + [1] * (t.shape.ndims - 1)),
                          tf.concat([[B * K], tf.shape(t)[1:]], 0))

    memory_t, lengths_t = tile(memory), tile(source_sequence_length)
    cell_state = tf.nn.rnn_cell.LSTMStateTuple(tile(encoder_state.c), tile(encoder_state.h))
    dec = PlainAttentionDecoder(tf, option, num_units, memory_t, lengths_t)
    state = (cell_state, tf.zeros([B * K, num_units]))
    inputs = tf.nn.embedding_lookup(embedding_decoder, tf.fill([B * K], sos))
    first = np.arange(K) == 0
    log_probs = tf.constant(np.tile(np.where(first, 0.0, -np.inf), [B, 1]), tf.float32)
    finished = tf.constant(np.tile(~first, [B, 1]))
    lengths = tf.zeros([B, K], tf.int64)
    finished_row = np.full(V, np.finfo(np.float32).min, np.float32)
    finished_row[eos] = 0.0
    add_row = np.ones(V, np.int64)
    add_row[eos] = 0
    offsets = np.arange(B)[:, None] * K
    step_ids, parent_ids = [], []
    for _ in range(2 * WIDTH):
        out, new_state, _ = dec.step(inputs, state, reuse=True)
        step_lp = tf.reshape(tf.nn.log_softmax(output_layer(out)), [B, K, V])
        step_lp = tf.where(tf.tile(finished[:, :, None], [1, 1, V]),
                           tf.tile(finished_row[None, None, :], [B, K, 1]), step_lp)
        total = log_probs[:, :, None] + step_lp
        new_lengths = (lengths[:, :, None]
                       + tf.constant(add_row)[None, None, :]
                       * tf.cast(~finished, tf.int64)[:, :, None])
        scores = total / (((5.0 + tf.cast(new_lengths, tf.float32)) ** penalty)
                          / (6.0 ** penalty))
        _, idx = tf.nn.top_k(tf.reshape(scores, [B, K * V]), k=K)
        word, beam = idx % V, idx // V
        flat_beam = tf.reshape(beam + offsets, [-1])
        log_probs = tf.reshape(tf.gather(tf.reshape(total, [-1]),
                                         tf.reshape(idx + offsets * V, [-1])), [B, K])
        prev_finished = tf.reshape(tf.gather(tf.reshape(finished, [-1]), flat_beam), [B, K])
        lengths = (tf.reshape(tf.gather(tf.reshape(lengths, [-1]), flat_beam), [B, K])
                   + tf.cast(~prev_finished, tf.int64))
        finished = prev_finished | tf.equal(word, eos)
        state = tf.nest.map_structure(lambda s, i=flat_beam: tf.gather(s, i), new_state)
        inputs = tf.nn.embedding_lookup(embedding_decoder, tf.reshape(word, [-1]))
        step_ids.append(word)
        parent_ids.append(beam)
    return tf.stack(step_ids), tf.stack(parent_ids), lengths, log_probs


def build_and_run(tf, option, src_vocab, tgt_vocab, batches):
    num_units = 16
    max_gradient_norm = 5.0
    learning_rate = 0.05
    length_penalty_weight = 1.0
    coverage_penalty_weight = 0.0
    beam_width = BEAM_WIDTH
    tgt_sos_id, tgt_eos_id = tgt_vocab.index("<s>"), tgt_vocab.index("</s>")
    contrib = hasattr(tf, "contrib")

    source = tf.placeholder(tf.int32, [None, None], name="source")
    source_sequence_length = tf.placeholder(tf.int32, [None], name="source_sequence_length")
    target_input = tf.placeholder(tf.int32, [None, None], name="target_input")
    target_output = tf.placeholder(tf.int32, [None, None], name="target_output")
    target_sequence_length = tf.placeholder(tf.int32, [None], name="target_sequence_length")
    batch_size = tf.size(source_sequence_length)

    with tf.variable_scope("build_network"):
        with tf.variable_scope("decoder/output_projection"):
            output_layer = tf.layers.Dense(len(tgt_vocab), use_bias=False,
                                           name="output_projection")

    with tf.variable_scope("dynamic_seq2seq", dtype=tf.float32):
        with tf.variable_scope("embeddings"):
            with tf.variable_scope("encoder"):
                embedding_encoder = tf.get_variable(
                    "embedding_encoder", [len(src_vocab), num_units], tf.float32)
            with tf.variable_scope("decoder"):
                embedding_decoder = tf.get_variable(
                    "embedding_decoder", [len(tgt_vocab), num_units], tf.float32)
        with tf.variable_scope("encoder"):
            encoder_emb_inp = tf.nn.embedding_lookup(embedding_encoder, tf.transpose(source))
            encoder_cell = tf.nn.rnn_cell.BasicLSTMCell(num_units, forget_bias=1.0)
            encoder_outputs, encoder_state = tf.nn.dynamic_rnn(
                encoder_cell, encoder_emb_inp, dtype=tf.float32,
                sequence_length=source_sequence_length, time_major=True, swap_memory=True)
        decoding_length_factor = 2.0
        max_encoder_length = tf.reduce_max(source_sequence_length)
        maximum_iterations = tf.to_int32(tf.round(
            tf.to_float(max_encoder_length) * decoding_length_factor))
        memory = tf.transpose(encoder_outputs, [1, 0, 2])
        decoder_emb_inp = tf.nn.embedding_lookup(embedding_decoder, tf.transpose(target_input))

        # Training decoder (as nmt_attention.py)
        if contrib:
            with tf.variable_scope("decoder") as decoder_scope:
                mechanism = create_attention_mechanism(
                    tf, option, num_units, memory, source_sequence_length, "train")
                cell = tf.contrib.seq2seq.AttentionWrapper(
                    tf.contrib.rnn.BasicLSTMCell(num_units, forget_bias=1.0), mechanism,
                    attention_layer_size=num_units, alignment_history=False,
                    output_attention=True, name="attention")
                helper = tf.contrib.seq2seq.TrainingHelper(
                    decoder_emb_inp, target_sequence_length, time_major=True)
                my_decoder = tf.contrib.seq2seq.BasicDecoder(
                    cell, helper,
                    cell.zero_state(batch_size, tf.float32).clone(cell_state=encoder_state))
                outputs, _, _ = tf.contrib.seq2seq.dynamic_decode(
                    my_decoder, output_time_major=True, swap_memory=True,
                    scope=decoder_scope)
                logits = output_layer(outputs.rnn_output)
        else:
            with tf.variable_scope("decoder"):
                dec = PlainAttentionDecoder(tf, option, num_units, memory,
                                            source_sequence_length)
                state = (encoder_state, tf.zeros([batch_size, num_units]))
                steps = []
                for t in range(WIDTH + 1):
                    out, state, _ = dec.step(decoder_emb_inp[t], state, reuse=t > 0)
                    steps.append(out)
                logits = output_layer(tf.stack(steps))

        # Beam-search decoder (nmt's INFER mode, beam_search)
        with tf.variable_scope("decoder", reuse=True) as decoder_scope:
            if contrib:
                memory_b = tf.contrib.seq2seq.tile_batch(memory, multiplier=beam_width)
                source_sequence_length_b = tf.contrib.seq2seq.tile_batch(
                    source_sequence_length, multiplier=beam_width)
                encoder_state_b = tf.contrib.seq2seq.tile_batch(encoder_state,
                                                                multiplier=beam_width)
                infer_mechanism = create_attention_mechanism(
                    tf, option, num_units, memory_b, source_sequence_length_b, "infer")
                infer_cell = tf.contrib.seq2seq.AttentionWrapper(
                    tf.contrib.rnn.BasicLSTMCell(num_units, forget_bias=1.0),
                    infer_mechanism, attention_layer_size=num_units,
                    alignment_history=False, output_attention=True, name="attention")
                decoder_initial_state = infer_cell.zero_state(
                    batch_size * beam_width, tf.float32).clone(cell_state=encoder_state_b)
                start_tokens = tf.fill([batch_size], tgt_sos_id)
                beam_decoder = tf.contrib.seq2seq.BeamSearchDecoder(
                    cell=infer_cell,
                    embedding=embedding_decoder,
                    start_tokens=start_tokens,
                    end_token=tgt_eos_id,
                    initial_state=decoder_initial_state,
                    beam_width=beam_width,
                    output_layer=output_layer,
                    length_penalty_weight=length_penalty_weight,
                    coverage_penalty_weight=coverage_penalty_weight)
                infer_outputs, final_context_state, _ = tf.contrib.seq2seq.dynamic_decode(
                    beam_decoder, maximum_iterations=maximum_iterations,
                    output_time_major=True, swap_memory=True, scope=decoder_scope)
                sample_id = infer_outputs.predicted_ids
                final_log_probs = final_context_state.log_probs
            else:
                step_ids, parent_ids, final_lengths, final_log_probs = plain_beam_search(
                    tf, option, num_units, memory, source_sequence_length, encoder_state,
                    embedding_decoder, output_layer, tgt_sos_id, tgt_eos_id, len(tgt_vocab),
                    length_penalty_weight)

        target_output_t = tf.transpose(target_output)
        crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=target_output_t, logits=logits)
        target_weights = tf.transpose(tf.sequence_mask(
            target_sequence_length, tf.shape(target_output_t)[0], dtype=logits.dtype))
        train_loss = tf.reduce_sum(crossent * target_weights) / tf.to_float(batch_size)

    params = tf.trainable_variables()
    gradients = tf.gradients(train_loss, params)
    clipped_grads, _, _ = gradient_clip(tf, gradients, max_gradient_norm=max_gradient_norm)
    update = tf.train.AdamOptimizer(learning_rate).apply_gradients(zip(clipped_grads, params))

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, biases=True)
        rng = np.random.RandomState(1)
        for v in params:
            if v.name.endswith("attention_v:0"):
                v.load(rng.uniform(-0.5, 0.5, v.shape.as_list()).astype(np.float32), sess)
        for src, src_len, tgt_in, tgt_out, tgt_len in batches[:-1] + batches[:-1]:
            feed = {source: src, source_sequence_length: src_len, target_input: tgt_in,
                    target_output: tgt_out, target_sequence_length: tgt_len}
            _, loss = sess.run([update, train_loss], feed)
        src, src_len = batches[-1][:2]
        feed = {source: src, source_sequence_length: src_len}
        if contrib:
            ids, log_probs = sess.run([sample_id, final_log_probs], feed)
        else:
            steps, parents, lengths, log_probs = sess.run(
                [step_ids, parent_ids, final_lengths, final_log_probs], feed)
            ids = gather_tree_numpy(steps, parents, lengths.max(axis=1), tgt_eos_id)
    texts = []
    for k in range(beam_width):
        nmt_outputs = ids[:, :, k].T  # batch major, beam k
        texts.extend(" ".join(tgt_vocab[i] for i in get_translation(nmt_outputs, b, tgt_eos_id))
                     for b in range(len(nmt_outputs)))
    return float(loss), texts, float(np.abs(log_probs).sum())


def main(tf):
    src_vocab, tgt_vocab, batches = make_data(np.random.RandomState(0), 5)
    results = {"translations": []}
    for option in OPTIONS:
        with tf.Graph().as_default():
            loss, texts, log_probs = build_and_run(tf, option, src_vocab, tgt_vocab, batches)
        results[f"loss_{option}"] = loss
        results[f"log_probs_{option}"] = log_probs
        results["translations"].extend(texts)
    return results
