"""The TF 1.13-1.15 "Basic regression: Predict fuel efficiency" tutorial
(``tutorials/keras/basic_regression.ipynb`` of those releases): the Auto MPG data
normalized with the training set's statistics, ``build_model()`` making a ``keras.Sequential``
of ``Dense(64, relu, input_shape=[9])``, ``Dense(64, relu)`` and ``Dense(1)`` compiled
with ``RMSprop(0.001)``, ``loss='mse'`` and ``metrics=['mae', 'mse']``; ``model.predict``
on a batch of 10 before training; ``model.fit(normed_train_data, train_labels,
epochs=EPOCHS, validation_split=0.2, verbose=0, callbacks=[PrintDot()])``; the
``EarlyStopping(monitor='val_loss', patience=10)`` variant on a new model, which is
then the one given to ``model.evaluate`` and ``model.predict`` on the test set.

Adapted: the UCI download and pandas are replaced by 392 generated Auto-MPG-like rows
(the 9 columns after the tutorial's one-hot ``Origin``: cylinders, displacement,
horsepower, weight, acceleration, model year, USA, Europe, Japan; MPG a noisy function
of them), split 80/20 in order instead of ``sample(frac=0.8)``, and the
``describe()``/``pop`` steps done with NumPy; 20 epochs instead of 1000 with
``shuffle=False`` (fit's shuffle draws from a different RNG on each backend);
``same_start`` gives both backends the same starting weights; ``PrintDot`` counts its
dots instead of printing; the history's keys (TF1's Keras spells ``'mae'`` as
``'mean_absolute_error'`` there, as the 1.13 tutorial's ``plot_history`` reads it), the
evaluation and the predictions are returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"example_pred_0": 1e-5, "example_pred_9": 1e-5, "loss_1": 1e-4, "loss_20": 1e-4,
           "mae_20": 1e-4, "mse_20": 1e-4, "val_loss_20": 1e-4, "val_mae_20": 1e-4,
           "dots": 0, "stopped_epochs": 0, "history_keys": 0, "test_loss": 1e-4, "test_mae": 1e-4,
           "test_mse": 1e-4, "test_pred_0": 1e-4, "test_pred_sum": 1e-3}


def load_auto_mpg(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """392 rows of the cleaned, one-hot Auto MPG table (features, MPG), generated."""
    rng = np.random.RandomState(seed)
    n = 392
    cylinders = rng.choice([4, 6, 8], n, p=[0.5, 0.2, 0.3]).astype(np.float64)
    displacement = cylinders * 40 + rng.normal(0, 20, n)
    horsepower = displacement * 0.45 + 20 + rng.normal(0, 10, n)
    weight = displacement * 6 + 1500 + rng.normal(0, 200, n)
    acceleration = 20 - horsepower * 0.04 + rng.normal(0, 1.5, n)
    model_year = rng.randint(70, 83, n).astype(np.float64)
    origin = rng.choice([1, 2, 3], n, p=[0.6, 0.2, 0.2])
    onehot = np.eye(3)[origin - 1]
    mpg = (45 - weight * 0.006 + (model_year - 70) * 0.7 - horsepower * 0.03
           + onehot @ np.array([0.0, 1.5, 2.5]) + rng.normal(0, 2, n))
    features = np.column_stack([cylinders, displacement, horsepower, weight, acceleration,
                                model_year, onehot])
    return features, mpg


def main(tf):
    keras = tf.keras
    layers = tf.keras.layers

    features, labels = load_auto_mpg()
    train_dataset, test_dataset = features[:314], features[314:]
    train_labels, test_labels = labels[:314], labels[314:]

    train_stats_mean = train_dataset.mean(axis=0)
    train_stats_std = train_dataset.std(axis=0, ddof=1)  # describe()'s std

    def norm(x):
        return (x - train_stats_mean) / train_stats_std

    normed_train_data = norm(train_dataset)
    normed_test_data = norm(test_dataset)

    def build_model():
        model = keras.Sequential([
            layers.Dense(64, activation=tf.nn.relu, input_shape=[train_dataset.shape[1]]),
            layers.Dense(64, activation=tf.nn.relu),
            layers.Dense(1)
        ])

        optimizer = tf.keras.optimizers.RMSprop(0.001)

        model.compile(loss='mse',
                      optimizer=optimizer,
                      metrics=['mae', 'mse'])
        return model

    model = build_model()
    same_start(tf.keras.backend.get_session(), tf)

    example_batch = normed_train_data[:10]
    example_result = model.predict(example_batch)

    dots = []

    # Display training progress by printing a single dot for each completed epoch
    class PrintDot(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs):
            if epoch % 100 == 0:
                dots.append('')
            dots.append('.')

    EPOCHS = 20

    history = model.fit(
        normed_train_data, train_labels,
        epochs=EPOCHS, validation_split=0.2, verbose=0, shuffle=False,
        callbacks=[PrintDot()])
    hist = history.history

    model = build_model()
    same_start(tf.keras.backend.get_session(), tf, seed=1)

    # The patience parameter is the amount of epochs to check for improvement
    early_stop = keras.callbacks.EarlyStopping(monitor='val_loss', patience=10)

    history2 = model.fit(normed_train_data, train_labels, epochs=EPOCHS,
                          validation_split=0.2, verbose=0, shuffle=False,
                          callbacks=[early_stop, PrintDot()])

    loss, mae, mse = model.evaluate(normed_test_data, test_labels, verbose=0)

    test_predictions = model.predict(normed_test_data).flatten()

    def key(name):
        return name if name in hist else {"mae": "mean_absolute_error",
                                          "mse": "mean_squared_error",
                                          "val_mae": "val_mean_absolute_error"}[name]

    return {"example_pred_0": float(example_result[0, 0]),
            "example_pred_9": float(example_result[9, 0]),
            "history_keys": sorted(hist),
            "loss_1": float(hist["loss"][0]), "loss_20": float(hist["loss"][-1]),
            "mae_20": float(hist[key("mae")][-1]), "mse_20": float(hist[key("mse")][-1]),
            "val_loss_20": float(hist["val_loss"][-1]),
            "val_mae_20": float(hist[key("val_mae")][-1]),
            "dots": len(dots), "stopped_epochs": len(history2.history["loss"]),
            "test_loss": float(loss), "test_mae": float(mae), "test_mse": float(mse),
            "test_pred_0": float(test_predictions[0]),
            "test_pred_sum": float(test_predictions.sum())}
