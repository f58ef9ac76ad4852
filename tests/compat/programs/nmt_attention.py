"""TensorFlow's NMT tutorial with attention (tensorflow/nmt, Apache-2.0: the README's
"Neural Machine Translation (seq2seq) Tutorial" code with the attention model of
``nmt/attention_model.py`` and ``nmt/model.py``). Time-major: ``embedding_encoder`` /
``embedding_decoder`` by ``get_variable`` under ``embeddings/encoder|decoder``, an encoder
``BasicLSTMCell`` under ``dynamic_rnn(time_major=True, sequence_length=...)``; the
decoder cell built as ``AttentionModel._build_decoder_cell`` does:
``create_attention_mechanism`` (``luong``, ``scaled_luong``, ``bahdanau`` or
``normed_bahdanau``: ``LuongAttention`` / ``BahdanauAttention`` over the batch-major
encoder outputs with ``memory_sequence_length``), ``AttentionWrapper(cell, mechanism,
attention_layer_size=num_units, alignment_history=<infer mode>, output_attention=True,
name="attention")``, ``zero_state(batch, tf.float32).clone(cell_state=encoder_state)``
(``pass_hidden_state``); training by ``TrainingHelper(time_major=True)`` +
``BasicDecoder`` + ``dynamic_decode(output_time_major=True, swap_memory=True,
scope=decoder_scope)`` and the ``output_projection`` layer on all steps; the loss
``sparse_softmax_cross_entropy_with_logits`` times ``sequence_mask`` target weights over
the batch size; ``tf.gradients`` of all trainable variables, ``gradient_clip``
(``clip_by_global_norm`` with grad-norm summaries), Adam with ``global_step``; greedy
inference in a reusing ``decoder`` scope by ``GreedyEmbeddingHelper(embedding_decoder,
tf.fill([batch_size], sos), eos)`` + ``BasicDecoder(output_layer=...)`` +
``dynamic_decode(maximum_iterations=_get_infer_maximum_iterations(...))``, translations cut
at ``</s>`` as ``nmt_utils.get_translation`` does, and the attention images summary
from ``alignment_history.stack()``.

Adapted: the data pipeline (``iterator_utils``, vocab lookup tables: see
``nmt_iterator.py``) is replaced by fed time-major id batches of a generated task
(reverse a 1-5 word sentence, word ``sK`` -> ``tK``), one graph per attention option
holding the training and the inference decoder (nmt builds separate graphs that share
a checkpoint), no dropout, 1 layer of 16 units, 6 Adam steps per option, same starting
weights. TF 2.21 has no ``tf.contrib``: there (``not hasattr(tf, "contrib")``) the
attention decoder is written out from plain ops with the same variable names, as
contrib 1.15 defines it (memory masked beyond its lengths and projected by
``memory_layer``; Luong ``query . keys`` times ``attention_g``; Bahdanau
``v . tanh(keys + query_layer(query))``, normalized as ``g * v / |v|`` plus
``attention_b``; scores beyond the memory lengths at ``-inf`` before the softmax; cell input
``concat([input, previous attention])``; attention ``attention_layer(concat([cell_output,
context]))``), unrolled over the static batch width (every batch holds a full-length
sentence, so it equals the loop ``dynamic_decode`` runs) and, for inference, over
``maximum_iterations`` steps: translations are compared cut at ``</s>``, which the
extra steps after every row finished cannot change. So TF's reference numbers check
trainkit's ``tf.contrib.seq2seq`` against TF's core ops."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

OPTIONS = ("luong", "scaled_luong", "bahdanau", "normed_bahdanau")
COMPARE = {"translations": 0.0, "attention_images": 0.0, "variables": 0.0}
COMPARE.update({f"first_loss_{o}": 1e-4 for o in OPTIONS})
COMPARE.update({f"loss_{o}": 2e-3 for o in OPTIONS})
COMPARE.update({f"grad_norm_{o}": 2e-3 for o in OPTIONS})

SRC_WORDS = 8
WIDTH = 5
BATCH = 8


def make_data(rng, n_batches):
    """Time-major batches: every batch has a full-width sentence (the first row)."""
    src_vocab = ["<unk>", "<s>", "</s>"] + [f"s{i}" for i in range(SRC_WORDS)]
    tgt_vocab = ["<unk>", "<s>", "</s>"] + [f"t{i}" for i in range(SRC_WORDS)]
    batches = []
    for _ in range(n_batches):
        lengths = np.r_[WIDTH, rng.randint(1, WIDTH + 1, BATCH - 1)]
        src = np.full((BATCH, WIDTH), 2, np.int32)  # padded with </s>, as nmt pads
        tgt_in = np.full((BATCH, WIDTH + 1), 2, np.int32)
        tgt_out = np.full((BATCH, WIDTH + 1), 2, np.int32)
        for b, n in enumerate(lengths):
            words = rng.randint(0, SRC_WORDS, n) + 3
            src[b, :n] = words
            tgt_in[b, 0], tgt_in[b, 1:n + 1] = 1, words[::-1]
            tgt_out[b, :n] = words[::-1]
        batches.append((src, lengths.astype(np.int32), tgt_in, tgt_out,
                        (lengths + 1).astype(np.int32)))
    return src_vocab, tgt_vocab, batches


def create_attention_mechanism(tf, attention_option, num_units, memory,
                               source_sequence_length, mode):
    """Create attention mechanism based on the attention_option."""
    del mode  # unused

    # Mechanism
    if attention_option == "luong":
        attention_mechanism = tf.contrib.seq2seq.LuongAttention(
            num_units, memory, memory_sequence_length=source_sequence_length)
    elif attention_option == "scaled_luong":
        attention_mechanism = tf.contrib.seq2seq.LuongAttention(
            num_units,
            memory,
            memory_sequence_length=source_sequence_length,
            scale=True)
    elif attention_option == "bahdanau":
        attention_mechanism = tf.contrib.seq2seq.BahdanauAttention(
            num_units, memory, memory_sequence_length=source_sequence_length)
    elif attention_option == "normed_bahdanau":
        attention_mechanism = tf.contrib.seq2seq.BahdanauAttention(
            num_units,
            memory,
            memory_sequence_length=source_sequence_length,
            normalize=True)
    else:
        raise ValueError(f"Unknown attention option {attention_option}")

    return attention_mechanism


def gradient_clip(tf, gradients, max_gradient_norm):
    """Clipping gradients of a model."""
    clipped_gradients, gradient_norm = tf.clip_by_global_norm(
        gradients, max_gradient_norm)
    gradient_norm_summary = [tf.summary.scalar("grad_norm", gradient_norm)]
    gradient_norm_summary.append(
        tf.summary.scalar("clipped_gradient", tf.global_norm(clipped_gradients)))

    return clipped_gradients, gradient_norm_summary, gradient_norm


def get_translation(nmt_outputs, sent_id, tgt_eos):
    """Given batch decoding outputs, select a sentence and turn to text."""
    output = nmt_outputs[sent_id, :].tolist()
    if tgt_eos and tgt_eos in output:
        output = output[:output.index(tgt_eos)]
    return output


class PlainAttentionDecoder:
    """What ``AttentionWrapper`` + ``BasicDecoder`` compute, from core ops (TF 2 path)."""

    def __init__(self, tf, option, num_units, memory, source_sequence_length):
        self.tf, self.option, self.num_units = tf, option, num_units
        mask = tf.sequence_mask(source_sequence_length, tf.shape(memory)[1],
                                dtype=memory.dtype)
        self.values = memory * tf.expand_dims(mask, 2)
        self.keys = tf.layers.dense(self.values, num_units, use_bias=False,
                                    name="memory_layer")
        self.score_mask = tf.sequence_mask(source_sequence_length, tf.shape(memory)[1])
        self.cell = tf.nn.rnn_cell.BasicLSTMCell(num_units, forget_bias=1.0)

    def score(self, query):
        tf = self.tf
        if self.option in ("luong", "scaled_luong"):
            with tf.variable_scope("luong_attention"):
                score = tf.squeeze(tf.matmul(tf.expand_dims(query, 1), self.keys,
                                             transpose_b=True), [1])
                if self.option == "scaled_luong":
                    g = tf.get_variable("attention_g", (), initializer=tf.ones_initializer())
                    score = g * score
            return score
        with tf.variable_scope("bahdanau_attention"):
            processed = tf.expand_dims(tf.layers.dense(query, self.num_units, use_bias=False,
                                                       name="query_layer"), 1)
            v = tf.get_variable("attention_v", [self.num_units])
            if self.option == "normed_bahdanau":
                g = tf.get_variable("attention_g", (), initializer=tf.constant_initializer(
                    np.sqrt(1.0 / self.num_units)))
                b = tf.get_variable("attention_b", [self.num_units],
                                    initializer=tf.zeros_initializer())
                normed_v = g * v * tf.rsqrt(tf.reduce_sum(tf.square(v)))
                return tf.reduce_sum(normed_v * tf.tanh(self.keys + processed + b), [2])
            return tf.reduce_sum(v * tf.tanh(self.keys + processed), [2])

    def step(self, inputs, state, reuse):
        """One decoder step: (attention output, new (cell_state, attention), alignments)."""
        tf = self.tf
        cell_state, attention = state
        with tf.variable_scope("attention", reuse=reuse):
            cell_output, next_cell_state = self.cell(tf.concat([inputs, attention], -1),
                                                     cell_state)
            score = self.score(cell_output)
            score = tf.where(self.score_mask, score, tf.fill(tf.shape(score), -np.inf))
            alignments = tf.nn.softmax(score)
            context = tf.squeeze(tf.matmul(tf.expand_dims(alignments, 1), self.values), [1])
            attention = tf.layers.dense(tf.concat([cell_output, context], 1), self.num_units,
                                        use_bias=False, name="attention_layer")
        return attention, (next_cell_state, attention), alignments


def build_and_train(tf, option, src_vocab, tgt_vocab, batches):
    num_units = 16
    max_gradient_norm = 5.0
    learning_rate = 0.01
    tgt_sos_id, tgt_eos_id = tgt_vocab.index("<s>"), tgt_vocab.index("</s>")
    contrib = hasattr(tf, "contrib")

    source = tf.placeholder(tf.int32, [None, None], name="source")
    source_sequence_length = tf.placeholder(tf.int32, [None], name="source_sequence_length")
    target_input = tf.placeholder(tf.int32, [None, None], name="target_input")
    target_output = tf.placeholder(tf.int32, [None, None], name="target_output")
    target_sequence_length = tf.placeholder(tf.int32, [None], name="target_sequence_length")
    batch_size = tf.size(source_sequence_length)
    global_step = tf.Variable(0, trainable=False)

    with tf.variable_scope("build_network"):
        with tf.variable_scope("decoder/output_projection"):
            output_layer = tf.layers.Dense(len(tgt_vocab), use_bias=False,
                                           name="output_projection")

    with tf.variable_scope("dynamic_seq2seq", dtype=tf.float32):
        # Embedding
        with tf.variable_scope("embeddings"):
            with tf.variable_scope("encoder"):
                embedding_encoder = tf.get_variable(
                    "embedding_encoder", [len(src_vocab), num_units], tf.float32)
            with tf.variable_scope("decoder"):
                embedding_decoder = tf.get_variable(
                    "embedding_decoder", [len(tgt_vocab), num_units], tf.float32)

        # Encoder (time major)
        with tf.variable_scope("encoder"):
            encoder_emb_inp = tf.nn.embedding_lookup(embedding_encoder,
                                                     tf.transpose(source))
            encoder_cell = tf.nn.rnn_cell.BasicLSTMCell(num_units, forget_bias=1.0)
            encoder_outputs, encoder_state = tf.nn.dynamic_rnn(
                encoder_cell, encoder_emb_inp, dtype=tf.float32,
                sequence_length=source_sequence_length, time_major=True,
                swap_memory=True)

        # maximum_iteration: The maximum decoding steps.
        decoding_length_factor = 2.0
        max_encoder_length = tf.reduce_max(source_sequence_length)
        maximum_iterations = tf.to_int32(tf.round(
            tf.to_float(max_encoder_length) * decoding_length_factor))

        # Decoder
        memory = tf.transpose(encoder_outputs, [1, 0, 2])
        decoder_emb_inp = tf.nn.embedding_lookup(embedding_decoder,
                                                 tf.transpose(target_input))
        if contrib:
            with tf.variable_scope("decoder") as decoder_scope:
                attention_mechanism = create_attention_mechanism(
                    tf, option, num_units, memory, source_sequence_length, "train")
                cell = tf.contrib.rnn.BasicLSTMCell(num_units, forget_bias=1.0)
                cell = tf.contrib.seq2seq.AttentionWrapper(
                    cell, attention_mechanism, attention_layer_size=num_units,
                    alignment_history=False, output_attention=True, name="attention")
                decoder_initial_state = cell.zero_state(batch_size, tf.float32).clone(
                    cell_state=encoder_state)
                helper = tf.contrib.seq2seq.TrainingHelper(
                    decoder_emb_inp, target_sequence_length, time_major=True)
                my_decoder = tf.contrib.seq2seq.BasicDecoder(cell, helper,
                                                             decoder_initial_state)
                outputs, final_context_state, _ = tf.contrib.seq2seq.dynamic_decode(
                    my_decoder, output_time_major=True, swap_memory=True,
                    scope=decoder_scope)
                logits = output_layer(outputs.rnn_output)

            with tf.variable_scope("decoder", reuse=True) as decoder_scope:
                infer_mechanism = create_attention_mechanism(
                    tf, option, num_units, memory, source_sequence_length, "infer")
                infer_cell = tf.contrib.seq2seq.AttentionWrapper(
                    tf.contrib.rnn.BasicLSTMCell(num_units, forget_bias=1.0),
                    infer_mechanism, attention_layer_size=num_units,
                    alignment_history=True, output_attention=True, name="attention")
                infer_initial_state = infer_cell.zero_state(batch_size, tf.float32).clone(
                    cell_state=encoder_state)
                start_tokens = tf.fill([batch_size], tgt_sos_id)
                helper = tf.contrib.seq2seq.GreedyEmbeddingHelper(
                    embedding_decoder, start_tokens, tgt_eos_id)
                infer_decoder = tf.contrib.seq2seq.BasicDecoder(
                    infer_cell, helper, infer_initial_state, output_layer=output_layer)
                infer_outputs, infer_state, _ = tf.contrib.seq2seq.dynamic_decode(
                    infer_decoder, maximum_iterations=maximum_iterations,
                    output_time_major=True, swap_memory=True, scope=decoder_scope)
                sample_id = infer_outputs.sample_id
                attention_images = infer_state.alignment_history.stack()
        else:
            logits, sample_id, attention_images = plain_decoders(
                tf, option, num_units, memory, source_sequence_length, encoder_state,
                decoder_emb_inp, embedding_decoder, output_layer, tgt_sos_id, batch_size)

        # Attention images summary (as _create_attention_images_summary)
        attention_images = tf.expand_dims(tf.transpose(attention_images, [1, 2, 0]), -1)
        attention_images *= 255
        attention_summary = tf.summary.image("attention_images", attention_images)

        # Loss
        target_output_t = tf.transpose(target_output)
        max_time = tf.shape(target_output_t)[0]
        crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=target_output_t, logits=logits)
        target_weights = tf.sequence_mask(target_sequence_length, max_time,
                                          dtype=logits.dtype)
        target_weights = tf.transpose(target_weights)
        train_loss = tf.reduce_sum(crossent * target_weights) / tf.to_float(batch_size)

    params = tf.trainable_variables()
    gradients = tf.gradients(train_loss, params)
    clipped_grads, grad_norm_summary, grad_norm = gradient_clip(
        tf, gradients, max_gradient_norm=max_gradient_norm)
    opt = tf.train.AdamOptimizer(learning_rate)
    update = opt.apply_gradients(zip(clipped_grads, params), global_step=global_step)
    train_summary = tf.summary.merge(
        [tf.summary.scalar("train_loss", train_loss)] + grad_norm_summary)

    losses, grad_norms = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, biases=True)
        rng = np.random.RandomState(1)
        for v in params:
            if v.name.endswith("attention_v:0"):  # a 1-D weight: not zero (as ones would be)
                v.load(rng.uniform(-0.5, 0.5, v.shape.as_list()).astype(np.float32), sess)
        for src, src_len, tgt_in, tgt_out, tgt_len in batches[:-1]:
            feed = {source: src, source_sequence_length: src_len, target_input: tgt_in,
                    target_output: tgt_out, target_sequence_length: tgt_len}
            _, loss, norm, _ = sess.run([update, train_loss, grad_norm, train_summary], feed)
            losses.append(float(loss))
            grad_norms.append(float(norm))
        src, src_len = batches[-1][:2]
        ids, images, _ = sess.run([sample_id, attention_images, attention_summary],
                                  {source: src, source_sequence_length: src_len})
    nmt_outputs = ids.T  # batch major
    translations = [" ".join(tgt_vocab[i] for i in get_translation(nmt_outputs, b, tgt_eos_id))
                    for b in range(len(nmt_outputs))]
    names = sorted(v.name for v in params)
    return losses, grad_norms, translations, list(images.shape[:2]), names


def plain_decoders(tf, option, num_units, memory, source_sequence_length, encoder_state,
                   decoder_emb_inp, embedding_decoder, output_layer, tgt_sos_id, batch_size):
    """The training and the greedy decoder from core ops (see the module docstring)."""
    with tf.variable_scope("decoder"):
        dec = PlainAttentionDecoder(tf, option, num_units, memory, source_sequence_length)
        zero_attention = tf.zeros([batch_size, num_units])
        state, outputs = (encoder_state, zero_attention), []
        for t in range(WIDTH + 1):
            out, state, _ = dec.step(decoder_emb_inp[t], state, reuse=t > 0)
            outputs.append(out)
        logits = output_layer(tf.stack(outputs))
    with tf.variable_scope("decoder", reuse=True):
        state = (encoder_state, zero_attention)
        inputs = tf.nn.embedding_lookup(embedding_decoder, tf.fill([batch_size], tgt_sos_id))
        ids, alignments = [], []
        for _ in range(2 * WIDTH):
            out, state, align = dec.step(inputs, state, reuse=True)
            step_ids = tf.argmax(output_layer(out), -1, output_type=tf.int32)
            ids.append(step_ids)
            alignments.append(align)
            inputs = tf.nn.embedding_lookup(embedding_decoder, step_ids)
    return logits, tf.stack(ids), tf.stack(alignments)


def main(tf):
    rng = np.random.RandomState(0)
    src_vocab, tgt_vocab, batches = make_data(rng, 7)
    results = {"translations": [], "attention_images": [], "variables": []}
    for option in OPTIONS:
        with tf.Graph().as_default():
            losses, norms, translations, images, names = build_and_train(
                tf, option, src_vocab, tgt_vocab, batches)
        results[f"first_loss_{option}"] = losses[0]
        results[f"loss_{option}"] = losses[-1]
        results[f"grad_norm_{option}"] = norms[-1]
        results["translations"].extend(translations)
        results["attention_images"].extend(images)
        results["variables"].extend(names)
    return results
