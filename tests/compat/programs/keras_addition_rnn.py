"""The Keras example ``examples/addition_rnn.py`` (keras-team/keras 2.2.4, the TF 1.x
era; run here through ``tf.keras``): sequence-to-sequence addition of numbers given as
reversed strings (``"535+61"`` -> ``"596"``) with a ``Sequential`` of ``LSTM``,
``RepeatVector(DIGITS + 1)``, an ``LSTM(return_sequences=True)``,
``TimeDistributed(Dense(len(chars)))`` and a softmax ``Activation``, compiled with
``categorical_crossentropy``, ``adam`` and ``metrics=['accuracy']``, trained one epoch per
iteration with ``validation_data`` and checked on random validation questions.

Adapted: the imports are ``tf.keras``'s (``from tensorflow.keras import layers``);
NumPy's global RNG is seeded; 600 questions instead of 50000, 2 iterations instead of
199 and ``HIDDEN_SIZE`` 32 instead of 128; ``np.bool`` (gone from NumPy) is ``bool``;
``model.predict_classes`` (gone from tf_keras since TF 2.6) is the ``argmax`` of
``model.predict``, which is what it computed; ``model.summary()`` prints to a list
(tf_keras 2.21's layout, with wrapped names, is not TF 1.x's, so the lines are not
compared);
the coloured prints are left out and the numbers returned instead; ``shuffle=False``
and :func:`common.same_start` give both backends the same batches and weights (the
LSTMs' orthogonal recurrent kernels are random draws otherwise).
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"loss_1": 1e-5, "loss_2": 1e-5, "acc_2": 1e-6, "val_loss_2": 1e-5,
           "val_acc_2": 1e-6, "guesses": 0.0, "right": 0.0, "mean_top_prob": 1e-5, "params": 0.0}


class CharacterTable(object):  # noqa: UP004 - the example's code
    """Given a set of characters:
    + Encode them to a one hot integer representation
    + Decode the one hot integer representation to their character output
    + Decode a vector of probabilities to their character output
    """
    def __init__(self, chars):
        self.chars = sorted(set(chars))
        self.char_indices = dict((c, i) for i, c in enumerate(self.chars))
        self.indices_char = dict((i, c) for i, c in enumerate(self.chars))

    def encode(self, C, num_rows):  # noqa: N803 - the example's names
        x = np.zeros((num_rows, len(self.chars)))
        for i, c in enumerate(C):
            x[i, self.char_indices[c]] = 1
        return x

    def decode(self, x, calc_argmax=True):
        if calc_argmax:
            x = x.argmax(axis=-1)
        return ''.join(self.indices_char[x] for x in x)


def main(tf):
    layers = tf.keras.layers
    Sequential = tf.keras.models.Sequential  # noqa: N806 - the example's names
    np.random.seed(0)

    # Parameters for the model and dataset.
    TRAINING_SIZE = 600  # noqa: N806
    DIGITS = 3  # noqa: N806
    REVERSE = True  # noqa: N806

    # Maximum length of input is 'int + int' (e.g., '345+678'). Maximum length of
    # int is DIGITS.
    MAXLEN = DIGITS + 1 + DIGITS  # noqa: N806

    # All the numbers, plus sign and space for padding.
    chars = '0123456789+ '
    ctable = CharacterTable(chars)

    questions = []
    expected = []
    seen = set()
    while len(questions) < TRAINING_SIZE:
        f = lambda: int(''.join(np.random.choice(list('0123456789'))  # noqa: E731
                        for i in range(np.random.randint(1, DIGITS + 1))))
        a, b = f(), f()
        # Skip any addition questions we've already seen
        # Also skip any such that x+Y == Y+x (hence the sorting).
        key = tuple(sorted((a, b)))
        if key in seen:
            continue
        seen.add(key)
        # Pad the data with spaces such that it is always MAXLEN.
        q = '{}+{}'.format(a, b)  # noqa: UP032
        query = q + ' ' * (MAXLEN - len(q))
        ans = str(a + b)
        # Answers can be of maximum size DIGITS + 1.
        ans += ' ' * (DIGITS + 1 - len(ans))
        if REVERSE:
            # Reverse the query, e.g., '12+345  ' becomes '  543+21'. (Note the
            # space used for padding.)
            query = query[::-1]
        questions.append(query)
        expected.append(ans)

    x = np.zeros((len(questions), MAXLEN, len(chars)), dtype=bool)
    y = np.zeros((len(questions), DIGITS + 1, len(chars)), dtype=bool)
    for i, sentence in enumerate(questions):
        x[i] = ctable.encode(sentence, MAXLEN)
    for i, sentence in enumerate(expected):
        y[i] = ctable.encode(sentence, DIGITS + 1)

    # Shuffle (x, y) in unison as the later parts of x will almost all be larger
    # digits.
    indices = np.arange(len(y))
    np.random.shuffle(indices)
    x = x[indices]
    y = y[indices]

    # Explicitly set apart 10% for validation data that we never train over.
    split_at = len(x) - len(x) // 10
    (x_train, x_val) = x[:split_at], x[split_at:]
    (y_train, y_val) = y[:split_at], y[split_at:]

    # Try replacing GRU, or SimpleRNN.
    RNN = layers.LSTM  # noqa: N806
    HIDDEN_SIZE = 32  # noqa: N806
    BATCH_SIZE = 128  # noqa: N806
    LAYERS = 1  # noqa: N806

    model = Sequential()
    # "Encode" the input sequence using an RNN, producing an output of HIDDEN_SIZE.
    model.add(RNN(HIDDEN_SIZE, input_shape=(MAXLEN, len(chars))))
    # As the decoder RNN's input, repeatedly provide with the last output of
    # RNN for each time step. Repeat 'DIGITS + 1' times as that's the maximum
    # length of output, e.g., when DIGITS=3, max output is 999+999=1998.
    model.add(layers.RepeatVector(DIGITS + 1))
    # The decoder RNN could be multiple layers stacked or a single layer.
    for _ in range(LAYERS):
        model.add(RNN(HIDDEN_SIZE, return_sequences=True))

    # Apply a dense layer to the every temporal slice of an input. For each of step
    # of the output sequence, decide which character should be chosen.
    model.add(layers.TimeDistributed(layers.Dense(len(chars))))
    model.add(layers.Activation('softmax'))
    model.compile(loss='categorical_crossentropy',
                  optimizer='adam',
                  metrics=['accuracy'])
    summary = []
    model.summary(print_fn=summary.append)
    same_start(tf.keras.backend.get_session(), tf)

    # Train the model each generation and show predictions against the validation
    # dataset.
    losses, guesses, top, right = [], [], [], 0
    for iteration in range(1, 3):  # noqa: B007
        hist = model.fit(x_train, y_train,
                         batch_size=BATCH_SIZE,
                         epochs=1,
                         validation_data=(x_val, y_val), shuffle=False, verbose=0).history
        losses.append(hist)
        # Select 10 samples from the validation set at random so we can visualize
        # errors.
        for i in range(10):  # noqa: B007
            ind = np.random.randint(0, len(x_val))
            rowx, rowy = x_val[np.array([ind])], y_val[np.array([ind])]
            probs = model.predict(rowx, verbose=0)
            preds = probs.argmax(axis=-1)
            correct = ctable.decode(rowy[0])
            guess = ctable.decode(preds[0], calc_argmax=False)
            guesses.append(guess)
            right += correct == guess
            top.append(float(probs.max(axis=-1).mean()))

    acc_key = "accuracy" if "accuracy" in losses[-1] else "acc"
    return {"loss_1": float(losses[0]["loss"][0]), "loss_2": float(losses[1]["loss"][0]),
            "acc_2": float(losses[1][acc_key][0]),
            "val_loss_2": float(losses[1]["val_loss"][0]),
            "val_acc_2": float(losses[1]["val_" + acc_key][0]),
            "guesses": guesses, "right": right, "mean_top_prob": float(np.mean(top)),
            "params": int(model.count_params())}
