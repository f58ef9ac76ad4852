"""The Keras example ``examples/lstm_seq2seq.py`` (keras-team/keras 2.2.4, the TF 1.x
era; run here through ``tf.keras``): character-level sequence-to-sequence translation
from English to French -- an encoder ``LSTM(latent_dim, return_state=True)`` whose
states start a decoder ``LSTM(latent_dim, return_sequences=True, return_state=True)``
(``initial_state=encoder_states``) under a softmax ``Dense``, trained with teacher forcing
(``rmsprop``, ``categorical_crossentropy``, ``validation_split=0.2``); then the sampling
models built from the same layers (an encoder ``Model`` to the states and a decoder
``Model`` taking the states as ``Input``s) decode sentences one character at a time with
``predict``.

Adapted: the imports are ``tf.keras``'s; ``fra-eng/fra.txt`` (a download) is replaced by
generated lines of the same form (``English\\tFrench``: short phrases over a small
vocabulary and their word-by-word renderings), 60 lines instead of 10000;
``latent_dim`` 32 instead of 256; 3 epochs instead of 100 with ``shuffle=False``;
``verbose=0``; ``model.save('s2s.h5')`` is left out (trainkit writes no HDF5); 3 decoded
sentences instead of 100, returned instead of printed; :func:`common.same_start` gives
both backends the same starting weights (the LSTMs' orthogonal recurrent kernels are
random draws otherwise).
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"loss_1": 1e-5, "loss_3": 1e-5, "val_loss_3": 1e-5, "decoded": 0.0,
           "state_sum": 1e-5, "tokens": 0.0}

_WORDS = {"i": "je", "you": "tu", "see": "vois", "like": "aime", "the": "le",
          "cat": "chat", "dog": "chien", "big": "grand", "red": "rouge", "run": "cours",
          "now": "maintenant", "go": "va"}


def fra_lines(n: int, seed: int = 0) -> list[str]:
    """``n`` lines of ``fra.txt``'s form: an English phrase of 1-4 words, a tab, and its
    word-by-word French rendering with a final ``.``/``!``."""
    rng = np.random.RandomState(seed)
    english = sorted(_WORDS)
    lines = []
    for _ in range(n):
        words = [english[i] for i in rng.randint(0, len(english), rng.randint(1, 5))]
        mark = "!" if rng.rand() < 0.3 else "."
        lines.append(" ".join(words).capitalize() + mark + "\t"
                     + " ".join(_WORDS[w] for w in words).capitalize() + mark)
    return lines


def main(tf):
    Model = tf.keras.models.Model  # noqa: N806 - the example's names
    Input, LSTM, Dense = (tf.keras.layers.Input, tf.keras.layers.LSTM,  # noqa: N806
                          tf.keras.layers.Dense)

    batch_size = 64  # Batch size for training.
    epochs = 3  # Number of epochs to train for.
    latent_dim = 32  # Latent dimensionality of the encoding space.
    num_samples = 60  # Number of samples to train on.

    # Vectorize the data.
    input_texts = []
    target_texts = []
    input_characters = set()
    target_characters = set()
    lines = fra_lines(num_samples) + [""]
    for line in lines[: min(num_samples, len(lines) - 1)]:
        input_text, target_text = line.split('\t')
        # We use "tab" as the "start sequence" character
        # for the targets, and "\n" as "end sequence" character.
        target_text = '\t' + target_text + '\n'
        input_texts.append(input_text)
        target_texts.append(target_text)
        for char in input_text:
            if char not in input_characters:
                input_characters.add(char)
        for char in target_text:
            if char not in target_characters:
                target_characters.add(char)

    input_characters = sorted(list(input_characters))
    target_characters = sorted(list(target_characters))
    num_encoder_tokens = len(input_characters)
    num_decoder_tokens = len(target_characters)
    max_encoder_seq_length = max([len(txt) for txt in input_texts])
    max_decoder_seq_length = max([len(txt) for txt in target_texts])

    input_token_index = dict(
        [(char, i) for i, char in enumerate(input_characters)])
    target_token_index = dict(
        [(char, i) for i, char in enumerate(target_characters)])

    encoder_input_data = np.zeros(
        (len(input_texts), max_encoder_seq_length, num_encoder_tokens),
        dtype='float32')
    decoder_input_data = np.zeros(
        (len(input_texts), max_decoder_seq_length, num_decoder_tokens),
        dtype='float32')
    decoder_target_data = np.zeros(
        (len(input_texts), max_decoder_seq_length, num_decoder_tokens),
        dtype='float32')

    for i, (input_text, target_text) in enumerate(zip(input_texts, target_texts)):
        for t, char in enumerate(input_text):
            encoder_input_data[i, t, input_token_index[char]] = 1.
        for t, char in enumerate(target_text):
            # decoder_target_data is ahead of decoder_input_data by one timestep
            decoder_input_data[i, t, target_token_index[char]] = 1.
            if t > 0:
                # decoder_target_data will be ahead by one timestep
                # and will not include the start character.
                decoder_target_data[i, t - 1, target_token_index[char]] = 1.

    # Define an input sequence and process it.
    encoder_inputs = Input(shape=(None, num_encoder_tokens))
    encoder = LSTM(latent_dim, return_state=True)
    encoder_outputs, state_h, state_c = encoder(encoder_inputs)
    # We discard `encoder_outputs` and only keep the states.
    encoder_states = [state_h, state_c]

    # Set up the decoder, using `encoder_states` as initial state.
    decoder_inputs = Input(shape=(None, num_decoder_tokens))
    # We set up our decoder to return full output sequences,
    # and to return internal states as well. We don't use the
    # return states in the training model, but we will use them in inference.
    decoder_lstm = LSTM(latent_dim, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs,
                                         initial_state=encoder_states)
    decoder_dense = Dense(num_decoder_tokens, activation='softmax')
    decoder_outputs = decoder_dense(decoder_outputs)

    # Define the model that will turn
    # `encoder_input_data` & `decoder_input_data` into `decoder_target_data`
    model = Model([encoder_inputs, decoder_inputs], decoder_outputs)

    # Run training
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy')
    same_start(tf.keras.backend.get_session(), tf)
    hist = model.fit([encoder_input_data, decoder_input_data], decoder_target_data,
                     batch_size=batch_size,
                     epochs=epochs,
                     validation_split=0.2, shuffle=False, verbose=0).history

    # Define sampling models
    encoder_model = Model(encoder_inputs, encoder_states)

    decoder_state_input_h = Input(shape=(latent_dim,))
    decoder_state_input_c = Input(shape=(latent_dim,))
    decoder_states_inputs = [decoder_state_input_h, decoder_state_input_c]
    decoder_outputs, state_h, state_c = decoder_lstm(
        decoder_inputs, initial_state=decoder_states_inputs)
    decoder_states = [state_h, state_c]
    decoder_outputs = decoder_dense(decoder_outputs)
    decoder_model = Model(
        [decoder_inputs] + decoder_states_inputs,
        [decoder_outputs] + decoder_states)

    # Reverse-lookup token index to decode sequences back to
    # something readable.
    reverse_target_char_index = dict(
        (i, char) for char, i in target_token_index.items())

    def decode_sequence(input_seq):
        # Encode the input as state vectors.
        states_value = encoder_model.predict(input_seq)

        # Generate empty target sequence of length 1.
        target_seq = np.zeros((1, 1, num_decoder_tokens))
        # Populate the first character of target sequence with the start character.
        target_seq[0, 0, target_token_index['\t']] = 1.

        # Sampling loop for a batch of sequences
        # (to simplify, here we assume a batch of size 1).
        stop_condition = False
        decoded_sentence = ''
        while not stop_condition:
            output_tokens, h, c = decoder_model.predict(
                [target_seq] + states_value)

            # Sample a token
            sampled_token_index = np.argmax(output_tokens[0, -1, :])
            sampled_char = reverse_target_char_index[sampled_token_index]
            decoded_sentence += sampled_char

            # Exit condition: either hit max length
            # or find stop character.
            if (sampled_char == '\n' or
               len(decoded_sentence) > max_decoder_seq_length):
                stop_condition = True

            # Update the target sequence (of length 1).
            target_seq = np.zeros((1, 1, num_decoder_tokens))
            target_seq[0, 0, sampled_token_index] = 1.

            # Update states
            states_value = [h, c]

        return decoded_sentence

    decoded = []
    for seq_index in range(3):
        # Take one sequence (part of the training set)
        # for trying out decoding.
        input_seq = encoder_input_data[seq_index: seq_index + 1]
        decoded.append(decode_sequence(input_seq))

    states = encoder_model.predict(encoder_input_data[:4])
    return {"loss_1": float(hist["loss"][0]), "loss_3": float(hist["loss"][2]),
            "val_loss_3": float(hist["val_loss"][2]), "decoded": decoded,
            "state_sum": float(np.abs(states[0]).sum() + np.abs(states[1]).sum()),
            "tokens": [num_encoder_tokens, num_decoder_tokens, max_encoder_seq_length,
                       max_decoder_seq_length]}
