"""The Keras example ``examples/imdb_lstm.py`` (keras-team/keras 2.2-2.3, the TF 1.13-1.15
era; the same program ran on ``tf.keras``): sentiment classification of IMDB reviews with
``Embedding(max_features, 128)``, ``LSTM(128, dropout=0.2, recurrent_dropout=0.2)`` and
``Dense(1, activation='sigmoid')``, trained with ``'binary_crossentropy'``, ``'adam'`` and
``metrics=['accuracy']``, ``batch_size=32``, validated and evaluated on the test set.

Adapted: ``imdb.load_data(num_words=max_features)`` is replaced by generated reviews of
the same form (lists of word indices, 1 = start of review, 2 = out of vocabulary, words
from 3 on; some words lean positive, some negative): 320 training and 160 test reviews
instead of 25000 each; ``sequence.pad_sequences`` by the same NumPy padding (pre-padding
and pre-truncation with zeros, Keras's defaults), since trainkit has no
``keras.preprocessing``; ``input_length=maxlen`` is given to the Embedding so the model
is built before ``fit`` and ``same_start`` can give both backends the same starting
weights; the LSTM's ``dropout``/``recurrent_dropout`` are left out (their random masks
cannot be the same on both backends); 2 epochs instead of 15 with ``shuffle=False``;
``verbose=0``; the ``print`` calls are left out and the history and score are returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"loss_1": 2e-4, "loss_2": 2e-4, "acc_1": 1e-6, "acc_2": 1e-6,
           "val_loss_2": 2e-4, "score": 2e-4, "acc": 1e-6}


def load_data(num_words: int, seed: int = 0) -> tuple:
    """``imdb.load_data``'s form: ``(x_train, y_train), (x_test, y_test)`` with each x a
    list of reviews (lists of word indices starting with 1) and 0/1 labels."""
    rng = np.random.RandomState(seed)
    positive, negative = np.arange(40, 70), np.arange(70, 100)

    def review(label: int) -> list:
        n = int(rng.randint(30, 160))
        words = 3 + np.minimum(rng.zipf(1.3, n), num_words - 4)
        lean = rng.rand(n) < 0.12
        words[lean] = rng.choice(positive if label else negative, int(lean.sum()))
        oov = rng.rand(n) < 0.02
        words[oov] = 2
        return [1, *words.tolist()]

    labels = rng.randint(0, 2, 480)
    reviews = [review(int(y)) for y in labels]
    return (reviews[:320], labels[:320]), (reviews[320:], labels[320:])


def pad_sequences(sequences: list, maxlen: int) -> np.ndarray:
    """``keras.preprocessing.sequence.pad_sequences`` with its defaults: int32, zeros
    before a short sequence, the first words of a long one cut off."""
    out = np.zeros((len(sequences), maxlen), np.int32)
    for i, s in enumerate(sequences):
        s = s[-maxlen:]
        out[i, maxlen - len(s):] = s
    return out


def main(tf):
    Sequential = tf.keras.models.Sequential  # noqa: N806 - the example's names
    Dense, Embedding, LSTM = (tf.keras.layers.Dense, tf.keras.layers.Embedding,  # noqa: N806
                              tf.keras.layers.LSTM)

    max_features = 20000
    # cut texts after this number of words (among top max_features most common words)
    maxlen = 80
    batch_size = 32

    (x_train, y_train), (x_test, y_test) = load_data(num_words=max_features)
    x_train = pad_sequences(x_train, maxlen=maxlen)
    x_test = pad_sequences(x_test, maxlen=maxlen)

    model = Sequential()
    model.add(Embedding(max_features, 128, input_length=maxlen))
    model.add(LSTM(128))
    model.add(Dense(1, activation='sigmoid'))

    # try using different optimizers and different optimizer configs
    model.compile(loss='binary_crossentropy',
                  optimizer='adam',
                  metrics=['accuracy'])
    same_start(tf.keras.backend.get_session(), tf)

    history = model.fit(x_train, y_train,
                        batch_size=batch_size,
                        epochs=2,
                        validation_data=(x_test, y_test), shuffle=False, verbose=0)
    score, acc = model.evaluate(x_test, y_test,
                                batch_size=batch_size, verbose=0)

    hist = history.history
    train_acc = hist["accuracy"] if "accuracy" in hist else hist["acc"]
    return {"loss_1": float(hist["loss"][0]), "loss_2": float(hist["loss"][1]),
            "acc_1": float(train_acc[0]), "acc_2": float(train_acc[1]),
            "val_loss_2": float(hist["val_loss"][1]), "score": float(score),
            "acc": float(acc)}
