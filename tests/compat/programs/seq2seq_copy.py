"""A plain encoder-decoder learning to copy random integer sequences, after ematvey's
``tensorflow-seq2seq-tutorials`` notebook "1-seq2seq": time-major ``int32`` placeholders
of unknown shape, one embedding matrix shared by encoder and decoder inputs, an
``LSTMCell`` encoder run by ``tf.nn.dynamic_rnn(time_major=True)`` whose final
``LSTMStateTuple`` is the decoder's ``initial_state`` (second ``dynamic_rnn`` under
``scope="plain_decoder"``), a linear projection of the 3-D decoder outputs,
``argmax(logits, 2)`` predictions, ``softmax_cross_entropy_with_logits`` against
``one_hot`` targets, Adam; then greedy predictions on held-out sequences. The batch
helper pads to time-major ``[max_time, batch]`` as the tutorial's ``helpers.batch`` does.
Adapted: ``tf.contrib.rnn.LSTMCell`` / ``tf.contrib.layers.linear`` are written with
their core names (``tf.nn.rnn_cell.LSTMCell`` / ``tf.layers.dense``), the random
sequences come from a seeded NumPy generator, fewer steps, same starting weights."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_loss": 1e-5, "loss": 1e-3, "token_accuracy": 0.02,
           "prediction_shape": 0.0}

PAD = 0
EOS = 1


def batch(inputs, max_sequence_length=None):
    """Pads a list of int sequences into a time-major ``[max_time, batch]`` array."""
    sequence_lengths = [len(seq) for seq in inputs]
    if max_sequence_length is None:
        max_sequence_length = max(sequence_lengths)
    inputs_time_major = np.zeros((max_sequence_length, len(inputs)), dtype=np.int32)
    for i, seq in enumerate(inputs):
        for j, element in enumerate(seq):
            inputs_time_major[j, i] = element
    return inputs_time_major, sequence_lengths


def random_sequences(rng, length_from, length_to, vocab_lower, vocab_upper, batch_size):
    """Endless batches of random sequences with random lengths in the given range."""
    while True:
        yield [rng.randint(vocab_lower, vocab_upper,
                           size=rng.randint(length_from, length_to + 1)).tolist()
               for _ in range(batch_size)]


def main(tf):
    vocab_size = 10
    input_embedding_size = 20
    encoder_hidden_units = 20
    decoder_hidden_units = encoder_hidden_units

    encoder_inputs = tf.placeholder(shape=(None, None), dtype=tf.int32, name="encoder_inputs")
    decoder_targets = tf.placeholder(shape=(None, None), dtype=tf.int32,
                                     name="decoder_targets")
    decoder_inputs = tf.placeholder(shape=(None, None), dtype=tf.int32, name="decoder_inputs")

    embeddings = tf.Variable(tf.random_uniform([vocab_size, input_embedding_size], -1.0, 1.0),
                             dtype=tf.float32)
    encoder_inputs_embedded = tf.nn.embedding_lookup(embeddings, encoder_inputs)
    decoder_inputs_embedded = tf.nn.embedding_lookup(embeddings, decoder_inputs)

    encoder_cell = tf.nn.rnn_cell.LSTMCell(encoder_hidden_units)
    encoder_outputs, encoder_final_state = tf.nn.dynamic_rnn(
        encoder_cell, encoder_inputs_embedded, dtype=tf.float32, time_major=True)
    del encoder_outputs  # only the final state is passed on

    decoder_cell = tf.nn.rnn_cell.LSTMCell(decoder_hidden_units)
    decoder_outputs, decoder_final_state = tf.nn.dynamic_rnn(
        decoder_cell, decoder_inputs_embedded, initial_state=encoder_final_state,
        dtype=tf.float32, time_major=True, scope="plain_decoder")

    decoder_logits = tf.layers.dense(decoder_outputs, vocab_size)
    decoder_prediction = tf.argmax(decoder_logits, 2)

    stepwise_cross_entropy = tf.nn.softmax_cross_entropy_with_logits(
        labels=tf.one_hot(decoder_targets, depth=vocab_size, dtype=tf.float32),
        logits=decoder_logits)
    loss = tf.reduce_mean(stepwise_cross_entropy)
    train_op = tf.train.AdamOptimizer().minimize(loss)

    rng = np.random.RandomState(7)
    batch_size = 32
    batches = random_sequences(rng, length_from=3, length_to=8, vocab_lower=2,
                               vocab_upper=10, batch_size=batch_size)

    def next_feed():
        seqs = next(batches)
        encoder_inputs_, _ = batch(seqs)
        decoder_targets_, _ = batch([seq + [EOS] + [PAD] * 2 for seq in seqs])
        decoder_inputs_, _ = batch([[EOS] + seq + [PAD] * 2 for seq in seqs])
        return {encoder_inputs: encoder_inputs_, decoder_inputs: decoder_inputs_,
                decoder_targets: decoder_targets_}

    max_batches = 400
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, biases=True)
        for _batch in range(max_batches):
            fd = next_feed()
            _, l_ = sess.run([train_op, loss], fd)
            losses.append(l_)
        fd = next_feed()
        predict_, l_ = sess.run([decoder_prediction, loss], fd)
        targets = fd[decoder_targets]
        real = targets != PAD
        token_accuracy = float(np.mean(predict_[real] == targets[real]))
    return {"first_loss": float(losses[0]), "loss": float(l_),
            "token_accuracy": token_accuracy, "prediction_shape": list(predict_.shape)}
