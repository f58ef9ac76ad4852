"""Encoder-decoder with a bidirectional encoder and a ``tf.nn.raw_rnn`` greedy decoder,
after ematvey's ``tensorflow-seq2seq-tutorials`` notebook "2-seq2seq-advanced": one
``LSTMCell`` object passed as both ``cell_fw`` and ``cell_bw`` of
``tf.nn.bidirectional_dynamic_rnn(time_major=True, sequence_length=...)``, the two final
states concatenated into an ``LSTMStateTuple`` for a decoder twice as wide;
``tf.unstack(tf.shape(encoder_inputs))`` for the dynamic batch size; ``loop_fn_initial`` /
``loop_fn_transition`` feeding the EOS embedding first and then the embedding of the
previous step's ``argmax`` (``tf.cond`` on ``reduce_all(elements_finished)`` to feed PAD
once all rows are done), decoder lengths ``encoder_inputs_length + 3``;
``decoder_outputs_ta.stack()`` projected by a hand-made ``W``/``b`` after a reshape to
2-D, ``softmax_cross_entropy_with_logits`` on ``one_hot`` targets, Adam.

Adapted: ``tf.contrib.rnn.LSTMCell`` / ``LSTMStateTuple`` are written with their core
names (``tf.nn.rnn_cell``), the random sequences come from a seeded NumPy generator, a
smaller batch and fewer steps, same starting weights."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start
from tests.compat.programs.seq2seq_copy import batch, random_sequences

COMPARE = {"first_loss": 1e-5, "loss": 1e-3, "token_accuracy": 0.02,
           "prediction_shape": 0.0, "variables": 0.0}

PAD = 0
EOS = 1


def main(tf):
    LSTMCell = tf.nn.rnn_cell.LSTMCell
    LSTMStateTuple = tf.nn.rnn_cell.LSTMStateTuple

    vocab_size = 10
    input_embedding_size = 20
    encoder_hidden_units = 20
    decoder_hidden_units = encoder_hidden_units * 2

    encoder_inputs = tf.placeholder(shape=(None, None), dtype=tf.int32, name="encoder_inputs")
    encoder_inputs_length = tf.placeholder(shape=(None,), dtype=tf.int32,
                                           name="encoder_inputs_length")
    decoder_targets = tf.placeholder(shape=(None, None), dtype=tf.int32,
                                     name="decoder_targets")

    embeddings = tf.Variable(tf.random_uniform([vocab_size, input_embedding_size], -1.0, 1.0),
                             dtype=tf.float32)
    encoder_inputs_embedded = tf.nn.embedding_lookup(embeddings, encoder_inputs)

    encoder_cell = LSTMCell(encoder_hidden_units)
    ((encoder_fw_outputs, encoder_bw_outputs),
     (encoder_fw_final_state, encoder_bw_final_state)) = (
        tf.nn.bidirectional_dynamic_rnn(cell_fw=encoder_cell, cell_bw=encoder_cell,
                                        inputs=encoder_inputs_embedded,
                                        sequence_length=encoder_inputs_length,
                                        dtype=tf.float32, time_major=True))
    encoder_outputs = tf.concat((encoder_fw_outputs, encoder_bw_outputs), 2)
    del encoder_outputs  # built by the notebook, used by its attention variant only
    encoder_final_state_c = tf.concat((encoder_fw_final_state.c, encoder_bw_final_state.c), 1)
    encoder_final_state_h = tf.concat((encoder_fw_final_state.h, encoder_bw_final_state.h), 1)
    encoder_final_state = LSTMStateTuple(c=encoder_final_state_c, h=encoder_final_state_h)

    decoder_cell = LSTMCell(decoder_hidden_units)
    encoder_max_time, batch_size = tf.unstack(tf.shape(encoder_inputs))
    decoder_lengths = encoder_inputs_length + 3

    W = tf.Variable(tf.random_uniform([decoder_hidden_units, vocab_size], -1, 1),
                    dtype=tf.float32)
    b = tf.Variable(tf.zeros([vocab_size]), dtype=tf.float32)

    assert EOS == 1 and PAD == 0
    eos_time_slice = tf.ones([batch_size], dtype=tf.int32, name="EOS")
    pad_time_slice = tf.zeros([batch_size], dtype=tf.int32, name="PAD")
    eos_step_embedded = tf.nn.embedding_lookup(embeddings, eos_time_slice)
    pad_step_embedded = tf.nn.embedding_lookup(embeddings, pad_time_slice)

    def loop_fn_initial():
        initial_elements_finished = (0 >= decoder_lengths)  # all False at the initial step
        initial_input = eos_step_embedded
        initial_cell_state = encoder_final_state
        initial_cell_output = None
        initial_loop_state = None  # we don't need to pass any additional information
        return (initial_elements_finished, initial_input, initial_cell_state,
                initial_cell_output, initial_loop_state)

    def loop_fn_transition(time, previous_output, previous_state, previous_loop_state):
        def get_next_input():
            output_logits = tf.add(tf.matmul(previous_output, W), b)
            prediction = tf.argmax(output_logits, axis=1)
            next_input = tf.nn.embedding_lookup(embeddings, prediction)
            return next_input

        elements_finished = (time >= decoder_lengths)
        finished = tf.reduce_all(elements_finished)  # -> boolean scalar
        input = tf.cond(finished, lambda: pad_step_embedded, get_next_input)
        state = previous_state
        output = previous_output
        loop_state = None
        return (elements_finished, input, state, output, loop_state)

    def loop_fn(time, previous_output, previous_state, previous_loop_state):
        if previous_state is None:  # time == 0
            assert previous_output is None and previous_state is None
            return loop_fn_initial()
        return loop_fn_transition(time, previous_output, previous_state, previous_loop_state)

    decoder_outputs_ta, decoder_final_state, _ = tf.nn.raw_rnn(decoder_cell, loop_fn)
    decoder_outputs = decoder_outputs_ta.stack()

    decoder_max_steps, decoder_batch_size, decoder_dim = tf.unstack(tf.shape(decoder_outputs))
    decoder_outputs_flat = tf.reshape(decoder_outputs, (-1, decoder_dim))
    decoder_logits_flat = tf.add(tf.matmul(decoder_outputs_flat, W), b)
    decoder_logits = tf.reshape(decoder_logits_flat,
                                (decoder_max_steps, decoder_batch_size, vocab_size))
    decoder_prediction = tf.argmax(decoder_logits, 2)

    stepwise_cross_entropy = tf.nn.softmax_cross_entropy_with_logits(
        labels=tf.one_hot(decoder_targets, depth=vocab_size, dtype=tf.float32),
        logits=decoder_logits)
    loss = tf.reduce_mean(stepwise_cross_entropy)
    train_op = tf.train.AdamOptimizer().minimize(loss)

    rng = np.random.RandomState(11)
    batches = random_sequences(rng, length_from=3, length_to=8, vocab_lower=2,
                               vocab_upper=10, batch_size=32)

    def next_feed():
        seqs = next(batches)
        encoder_inputs_, encoder_input_lengths_ = batch(seqs)
        decoder_targets_, _ = batch([sequence + [EOS] + [PAD] * 2 for sequence in seqs])
        return {encoder_inputs: encoder_inputs_, encoder_inputs_length: encoder_input_lengths_,
                decoder_targets: decoder_targets_}

    max_batches = 150
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
        names = sorted(v.name for v in tf.trainable_variables())
    return {"first_loss": float(losses[0]), "loss": float(l_),
            "token_accuracy": token_accuracy, "prediction_shape": list(predict_.shape),
            "variables": names}
