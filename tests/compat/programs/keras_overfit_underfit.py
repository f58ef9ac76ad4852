"""The TF 1.13-1.15 "Explore overfitting and underfitting" tutorial
(``tutorials/keras/overfit_and_underfit.ipynb`` of those releases): IMDB reviews as
multi-hot vectors of ``NUM_WORDS`` words (the tutorial's ``multi_hot_sequences``), then a
baseline ``keras.Sequential`` of ``Dense(16, relu)``, ``Dense(16, relu)`` and
``Dense(1, sigmoid)``, a smaller one (4 units) and a bigger one (512 units), and the
baseline with ``kernel_regularizer=keras.regularizers.l2(0.001)``, each compiled with
``'adam'``, ``'binary_crossentropy'`` and ``metrics=['accuracy', 'binary_crossentropy']``
and fitted with ``epochs=20, batch_size=512, validation_data=(test_data, test_labels),
verbose=2``.

Adapted: ``keras.datasets.imdb.load_data`` is replaced by 600 training and 600 test
generated "reviews" (word indices of a Zipf-like vocabulary with a few words that lean
positive or negative) over ``NUM_WORDS = 1000`` instead of 10000; 8 epochs instead of
20 with ``shuffle=False`` (fit's shuffle draws from a different RNG on each backend);
``same_start`` gives both backends the same starting weights for each model (in the
``fit`` helper, which keeps the tutorial's arguments); the dropout model is left out (its
random masks cannot be the same on both backends); ``.summary()`` and the plots are left
out; the final training and validation numbers of each history are returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

NUM_WORDS = 1000

COMPARE = {f"{model}_{key}": 1e-4
           for model in ("baseline", "smaller", "bigger", "l2")
           for key in ("loss_1", "loss", "acc", "binary_crossentropy", "val_loss", "val_acc",
                       "val_binary_crossentropy")}
COMPARE["history_keys"] = 0


def load_reviews(seed: int = 0):
    """``imdb.load_data(num_words=NUM_WORDS)``'s shapes: lists of word indices and 0/1
    labels, ``(train_data, train_labels), (test_data, test_labels)``, generated."""
    rng = np.random.RandomState(seed)
    probs = 1.0 / np.arange(1, NUM_WORDS - 3) ** 1.1
    probs /= probs.sum()
    lean = rng.choice(np.arange(50, NUM_WORDS - 4), 60, replace=False)

    def reviews(n):
        labels = rng.randint(0, 2, n)
        data = []
        for label in labels:
            words = 4 + rng.choice(NUM_WORDS - 4, rng.randint(20, 120), p=probs)
            side = lean[:30] if label else lean[30:]
            hints = 4 + rng.choice(side, rng.randint(1, 6))
            data.append([1] + list(np.concatenate([words, hints])))
        return data, labels

    return reviews(600), reviews(600)


def main(tf):
    keras = tf.keras

    (train_data, train_labels), (test_data, test_labels) = load_reviews()

    def multi_hot_sequences(sequences, dimension):
        # Create an all-zero matrix of shape (len(sequences), dimension)
        results = np.zeros((len(sequences), dimension))
        for i, word_indices in enumerate(sequences):
            results[i, word_indices] = 1.0  # set specific indices of results[i] to 1s
        return results

    train_data = multi_hot_sequences(train_data, dimension=NUM_WORDS)
    test_data = multi_hot_sequences(test_data, dimension=NUM_WORDS)

    def fit(model):
        same_start(keras.backend.get_session(), tf)
        return model.fit(train_data,
                         train_labels,
                         epochs=8,
                         batch_size=512,
                         validation_data=(test_data, test_labels),
                         verbose=2, shuffle=False)

    baseline_model = keras.Sequential([
        # `input_shape` is only required here so that `.summary` works.
        keras.layers.Dense(16, activation=tf.nn.relu, input_shape=(NUM_WORDS,)),
        keras.layers.Dense(16, activation=tf.nn.relu),
        keras.layers.Dense(1, activation=tf.nn.sigmoid)
    ])

    baseline_model.compile(optimizer='adam',
                           loss='binary_crossentropy',
                           metrics=['accuracy', 'binary_crossentropy'])

    baseline_history = fit(baseline_model)

    smaller_model = keras.Sequential([
        keras.layers.Dense(4, activation=tf.nn.relu, input_shape=(NUM_WORDS,)),
        keras.layers.Dense(4, activation=tf.nn.relu),
        keras.layers.Dense(1, activation=tf.nn.sigmoid)
    ])

    smaller_model.compile(optimizer='adam',
                          loss='binary_crossentropy',
                          metrics=['accuracy', 'binary_crossentropy'])

    smaller_history = fit(smaller_model)

    bigger_model = keras.models.Sequential([
        keras.layers.Dense(512, activation=tf.nn.relu, input_shape=(NUM_WORDS,)),
        keras.layers.Dense(512, activation=tf.nn.relu),
        keras.layers.Dense(1, activation=tf.nn.sigmoid)
    ])

    bigger_model.compile(optimizer='adam',
                         loss='binary_crossentropy',
                         metrics=['accuracy', 'binary_crossentropy'])

    bigger_history = fit(bigger_model)

    l2_model = keras.models.Sequential([
        keras.layers.Dense(16, kernel_regularizer=keras.regularizers.l2(0.001),
                           activation=tf.nn.relu, input_shape=(NUM_WORDS,)),
        keras.layers.Dense(16, kernel_regularizer=keras.regularizers.l2(0.001),
                           activation=tf.nn.relu),
        keras.layers.Dense(1, activation=tf.nn.sigmoid)
    ])

    l2_model.compile(optimizer='adam',
                     loss='binary_crossentropy',
                     metrics=['accuracy', 'binary_crossentropy'])

    l2_model_history = fit(l2_model)

    result = {"history_keys": sorted(baseline_history.history)}
    for name, history in [('baseline', baseline_history), ('smaller', smaller_history),
                          ('bigger', bigger_history), ('l2', l2_model_history)]:
        hist = history.history
        for key in ("loss", "binary_crossentropy", "val_loss", "val_binary_crossentropy"):
            result[f"{name}_{key}"] = float(hist[key][-1])
        result[f"{name}_loss_1"] = float(hist["loss"][0])
        for key in ("acc", "val_acc"):
            values = hist[key] if key in hist else hist[key.replace("acc", "accuracy")]
            result[f"{name}_{key}"] = float(values[-1])
    return result
