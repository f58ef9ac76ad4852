"""The widely copied "letters" ``tf.contrib.seq2seq`` tutorial (a Zhihu blog post of 2017,
e.g. LiZongyue/Classic-Model-Repoduce ``Seq2Seq/Seq2Seq.py`` for TF 1.14): sort the
letters of a word. ``embed_sequence`` encoder inputs, a 2-layer ``LSTMCell``
``MultiRNNCell`` encoder under ``dynamic_rnn``, a decoder ``<GO>``-shifted by
``strided_slice``; training with ``TrainingHelper`` + ``BasicDecoder`` +
``dynamic_decode(impute_finished=True, maximum_iterations=max target length)`` under
``variable_scope("decode")``, a ``GreedyEmbeddingHelper`` decoder sharing its weights
(``reuse=True``); ``sequence_loss`` with ``sequence_mask`` weights, Adam with
``clip_by_value`` gradients; then a greedy prediction for 'zhengjiapengniubi'.

Adapted: the letters files are generated (seeded random 3-8 letter words and their
sorted letters), the vocab is built from ``sorted(set(...))`` (``list(set(...))`` is
ordered differently in every Python process), batch 32 and 12 epochs of 5 batches,
``tf.contrib.rnn.LSTMCell``/``MultiRNNCell`` under their core names, same starting
weights. TF 2.21 has no ``tf.contrib``: there (``not hasattr(tf, "contrib")``) the same
model is built from plain ops with the same variable names: ``EmbedSequence/embeddings``
by ``get_variable``; teacher forcing as ``dynamic_rnn(scope="decoder")`` plus the output
layer (what ``TrainingHelper`` + ``impute_finished`` compute: the loop runs to the
longest target, and the masked loss ignores the rest), ``sequence_loss`` written out,
and the greedy decoder as an unrolled loop cut after the first ``<EOS>``. So the TF
reference numbers check trainkit's ``tf.contrib.seq2seq`` against TF's core ops."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_loss": 1e-4, "loss": 2e-3, "validation_loss": 2e-3, "prediction": 0.0}


def letters_data(rng, n):
    words = ["".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), rng.randint(3, 9)))
             for _ in range(n)]
    return "\n".join(words), "\n".join("".join(sorted(w)) for w in words)


def extrtact_character_vocab(data):
    special_words = ['<PAD>', '<UNK>', '<GO>', '<EOS>']
    set_words = sorted(set([char for line in data.split('\n') for char in line]))
    int_to_vocab = {idx: word for idx, word in enumerate(special_words + set_words)}
    vocab_to_int = {word: idx for idx, word in int_to_vocab.items()}
    return int_to_vocab, vocab_to_int


def embed_sequence(tf, ids, vocab_size, embed_dim):
    if hasattr(tf, "contrib"):
        return tf.contrib.layers.embed_sequence(ids, vocab_size, embed_dim)
    with tf.variable_scope("EmbedSequence"):
        embeddings = tf.get_variable("embeddings", [vocab_size, embed_dim])
    return tf.nn.embedding_lookup(embeddings, ids)


def sequence_loss(tf, logits, targets, weights):
    if hasattr(tf, "contrib"):
        return tf.contrib.seq2seq.sequence_loss(logits, targets, weights)
    crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=logits)
    return tf.reduce_sum(crossent * weights) / (tf.reduce_sum(weights) + 1e-12)


def main(tf):
    rng = np.random.RandomState(3)
    source_data, target_data = letters_data(rng, 32 * 6)
    source_int_to_letter, source_letter_to_int = extrtact_character_vocab(source_data)
    target_int_to_letter, target_letter_to_int = extrtact_character_vocab(target_data)
    source_int = [[source_letter_to_int.get(letter, source_letter_to_int['<UNK>'])
                   for letter in line] for line in source_data.split('\n')]
    target_int = [[target_letter_to_int.get(letter, target_letter_to_int['<UNK>'])
                   for letter in line] + [target_letter_to_int['<EOS>']]
                  for line in target_data.split('\n')]

    epochs = 12
    batch_size = 32
    rnn_size = 50
    num_layers = 2
    encoding_embedding_size = 15
    decoding_embedding_size = 15
    learning_rate = 0.001

    def get_inputs():
        inputs = tf.placeholder(tf.int32, [None, None], name='inputs')
        targets = tf.placeholder(tf.int32, [None, None], name='targets')
        lr = tf.placeholder(tf.float32, name='learning_rate')
        target_sequence_length = tf.placeholder(tf.int32, (None,),
                                                name='target_sequence_length')
        max_target_sequence_length = tf.reduce_max(target_sequence_length, name='max_target_len')
        source_sequence_length = tf.placeholder(tf.int32, (None,),
                                                name='source_sequence_length')
        return (inputs, targets, lr, target_sequence_length, max_target_sequence_length,
                source_sequence_length)

    def get_encoder_layer(input_data, rnn_size, num_layers, source_sequence_length,
                          source_vocab_size, encoding_embedding_size):
        encoder_embed_input = embed_sequence(tf, input_data, source_vocab_size,
                                             encoding_embedding_size)

        def get_lstm_cell(rnn_size):
            return tf.nn.rnn_cell.LSTMCell(
                rnn_size, initializer=tf.random_uniform_initializer(-0.1, 0.1, seed=2))
        cell = tf.nn.rnn_cell.MultiRNNCell([get_lstm_cell(rnn_size) for _ in range(num_layers)])
        encoder_output, encoder_state = tf.nn.dynamic_rnn(
            cell, encoder_embed_input, sequence_length=source_sequence_length,
            dtype=tf.float32)
        return encoder_output, encoder_state

    def process_decoder_input(data, vocab_to_int, batch_size):
        ending = tf.strided_slice(data, [0, 0], [batch_size, -1], [1, 1])
        return tf.concat([tf.fill([batch_size, 1], vocab_to_int['<GO>']), ending], 1)

    def decoding_layer(target_letter_to_int, decoding_embedding_size, num_layers, rnn_size,
                       target_sequence_length, max_target_sequence_length, encoder_state,
                       decoder_input):
        target_vocab_size = len(target_letter_to_int)
        decoder_embeddings = tf.Variable(tf.random_uniform([target_vocab_size,
                                                            decoding_embedding_size]))
        decoder_embed_input = tf.nn.embedding_lookup(decoder_embeddings, decoder_input)

        def get_decoder_cell(rnn_size):
            return tf.nn.rnn_cell.LSTMCell(
                rnn_size, initializer=tf.random_uniform_initializer(-0.1, 0.1, seed=2))
        cell = tf.nn.rnn_cell.MultiRNNCell([get_decoder_cell(rnn_size)
                                            for _ in range(num_layers)])
        output_layer = tf.layers.Dense(
            target_vocab_size,
            kernel_initializer=tf.truncated_normal_initializer(mean=0.0, stddev=0.1))
        start_tokens = tf.tile(tf.constant([target_letter_to_int['<GO>']], dtype=tf.int32),
                               [batch_size], name='start_tokens')
        if not hasattr(tf, "contrib"):
            return plain_decoders(cell, output_layer, decoder_embeddings, decoder_embed_input,
                                  target_sequence_length, encoder_state, start_tokens)

        with tf.variable_scope("decode"):
            training_helper = tf.contrib.seq2seq.TrainingHelper(
                inputs=decoder_embed_input, sequence_length=target_sequence_length,
                time_major=False)
            training_decoder = tf.contrib.seq2seq.BasicDecoder(cell, training_helper,
                                                               encoder_state, output_layer)
            training_decoder_output, _, _ = tf.contrib.seq2seq.dynamic_decode(
                training_decoder, impute_finished=True,
                maximum_iterations=max_target_sequence_length)
        with tf.variable_scope("decode", reuse=True):
            predicting_helper = tf.contrib.seq2seq.GreedyEmbeddingHelper(
                decoder_embeddings, start_tokens, target_letter_to_int['<EOS>'])
            predicting_decoder = tf.contrib.seq2seq.BasicDecoder(cell, predicting_helper,
                                                                 encoder_state, output_layer)
            predicting_decoder_output, _, _ = tf.contrib.seq2seq.dynamic_decode(
                predicting_decoder, impute_finished=True,
                maximum_iterations=max_target_sequence_length)
        return training_decoder_output.rnn_output, predicting_decoder_output.sample_id

    def plain_decoders(cell, output_layer, decoder_embeddings, decoder_embed_input,
                       target_sequence_length, encoder_state, start_tokens):
        with tf.variable_scope("decode"):
            outputs, _ = tf.nn.dynamic_rnn(cell, decoder_embed_input,
                                           sequence_length=target_sequence_length,
                                           initial_state=encoder_state, scope="decoder")
            with tf.variable_scope("decoder"):
                logits = output_layer(outputs)
        with tf.variable_scope("decode", reuse=True):
            x = tf.nn.embedding_lookup(decoder_embeddings, start_tokens)
            state, ids = encoder_state, []
            for _ in range(17):
                out, state = cell(x, state)
                step_ids = tf.argmax(output_layer(out), -1, output_type=tf.int32)
                ids.append(step_ids)
                x = tf.nn.embedding_lookup(decoder_embeddings, step_ids)
        return logits, tf.stack(ids, 1)

    (input_data, targets, lr, target_sequence_length, max_target_sequence_length,
     source_sequence_length) = get_inputs()
    _, encoder_state = get_encoder_layer(input_data, rnn_size, num_layers,
                                         source_sequence_length, len(source_letter_to_int),
                                         encoding_embedding_size)
    decoder_input = process_decoder_input(targets, target_letter_to_int, batch_size)
    training_logits, predicting_ids = decoding_layer(
        target_letter_to_int, decoding_embedding_size, num_layers, rnn_size,
        target_sequence_length, max_target_sequence_length, encoder_state, decoder_input)
    training_logits = tf.identity(training_logits, 'logits')
    predicting_logits = tf.identity(predicting_ids, name='predictions')
    masks = tf.sequence_mask(target_sequence_length, max_target_sequence_length,
                             dtype=tf.float32, name='masks')
    with tf.name_scope("optimization"):
        cost = sequence_loss(tf, training_logits, targets, masks)
        optimizer = tf.train.AdamOptimizer(lr)
        gradients = optimizer.compute_gradients(cost)
        capped_gradients = [(tf.clip_by_value(grad, -5., 5.), var)
                            for grad, var in gradients if grad is not None]
        train_op = optimizer.apply_gradients(capped_gradients)

    def pad_sentence_batch(sentence_batch, pad_int):
        max_sentence = max([len(sentence) for sentence in sentence_batch])
        return [sentence + [pad_int] * (max_sentence - len(sentence))
                for sentence in sentence_batch]

    def get_batches(targets, sources, batch_size, source_pad_int, target_pad_int):
        for batch_i in range(0, len(sources) // batch_size):
            start_i = batch_i * batch_size
            sources_batch = sources[start_i:start_i + batch_size]
            targets_batch = targets[start_i:start_i + batch_size]
            pad_sources_batch = np.array(pad_sentence_batch(sources_batch, source_pad_int))
            pad_targets_batch = np.array(pad_sentence_batch(targets_batch, target_pad_int))
            targets_lengths = [len(target) for target in targets_batch]
            source_lengths = [len(source) for source in sources_batch]
            yield pad_targets_batch, pad_sources_batch, targets_lengths, source_lengths

    train_source, train_target = source_int[batch_size:], target_int[batch_size:]
    valid_source, valid_target = source_int[:batch_size], target_int[:batch_size]
    (valid_targets_batch, valid_sources_batch, valid_targets_lengths,
     valid_sources_lengths) = next(get_batches(valid_target, valid_source, batch_size,
                                               source_letter_to_int['<PAD>'],
                                               target_letter_to_int['<PAD>']))
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, biases=True)
        for _epoch_i in range(1, epochs + 1):
            for targets_batch, sources_batch, targets_lengths, sources_lengths in get_batches(
                    train_target, train_source, batch_size, source_letter_to_int['<PAD>'],
                    target_letter_to_int['<PAD>']):
                _, loss = sess.run([train_op, cost], {
                    input_data: sources_batch, targets: targets_batch, lr: learning_rate,
                    target_sequence_length: targets_lengths,
                    source_sequence_length: sources_lengths})
                losses.append(loss)
        validation_loss = sess.run(cost, {
            input_data: valid_sources_batch, targets: valid_targets_batch,
            lr: learning_rate, target_sequence_length: valid_targets_lengths,
            source_sequence_length: valid_sources_lengths})

        input_word = 'zhengjiapengniubi'
        text = [source_letter_to_int.get(word, source_letter_to_int['<UNK>'])
                for word in input_word]
        answer_logits = sess.run(predicting_logits, {
            input_data: [text] * batch_size,
            target_sequence_length: [len(input_word)] * batch_size,
            source_sequence_length: [len(input_word)] * batch_size})[0]
    eos = target_letter_to_int['<EOS>']
    answer = [int(i) for i in answer_logits]
    if eos in answer:
        answer = answer[:answer.index(eos) + 1]
    return {"first_loss": float(losses[0]), "loss": float(losses[-1]),
            "validation_loss": float(validation_loss), "prediction": answer}
