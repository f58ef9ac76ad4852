"""The "Additional callbacks" reading of Imperial College London's Coursera course
"Getting started with TensorFlow 2" (week 4), as students republished it (one copy's
notebook prints ``tf.__version__`` 1.14.0 and runs on TF 1.14's ``tf.keras``): the sklearn
diabetes regression split 90/10, a ``tf.keras.Sequential`` of ``Dense(128, relu)``, three
``Dense(64, relu)`` and ``Dense(1)`` compiled with ``loss='mse'``, ``optimizer="adam"``
and ``metrics=["mse", "mae"]``, then five ``fit`` calls on the same model: with a
``LearningRateScheduler(lr_function, verbose=1)`` (``lr`` plus ``epoch / 1000`` on odd
epochs), with ``LearningRateScheduler(lambda x: 1 / (3 + 5 * x), verbose=1)``, with a
``CSVLogger("results.csv")`` read back with ``index_col='epoch'``, with three
``LambdaCallback``s printing at epoch begin, batch end and train end (``batch_size=100``),
and 100 epochs with ``ReduceLROnPlateau(monitor="loss", factor=0.2, verbose=1)``. (The
second schedule's first rate, 1/3, kills the ReLUs: from then on the net predicts a
constant, in TF as here, and the plateau callback acts on losses that change by about
float32's resolution.)

Adapted: ``sklearn.datasets.load_diabetes`` is replaced by 442 generated rows of the same
shape and scale (10 centred features of unit column norm, targets around 152), and
``train_test_split(test_size=0.1)`` by an in-order split; the plateau fit runs 30 epochs
instead of 100 (past 30, which epoch counts as a plateau is decided by float32 rounding
of a loss near 5878, so the two backends reduce at different epochs); ``shuffle=False``
in each fit
(fit's shuffle draws from a different RNG on each backend); ``same_start`` gives both
backends the same starting weights; the CSV file goes to a temporary directory and is
read with the ``csv`` module instead of pandas; what the program prints is captured and
counted, and the histories' last numbers, the learning rates and the CSV's last row are
returned.
"""

# ruff: noqa: UP032 - the authors' string formatting is kept
from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"lr_fit1": 1e-6, "lr_fit2": 1e-6, "loss_fit1": 2e-3, "loss_fit2": 2e-3,
           "csv_header": 0, "csv_rows": 0, "csv_last_loss": 2e-3, "csv_last_mae": 2e-3,
           "lambda_lines": 0, "loss_fit4": 2e-3, "lr_fit5": 1e-6, "loss_fit5": 5e-3,
           "mae_fit5": 5e-3, "reductions": 0, "test_loss": 5e-3}


def load_diabetes(seed: int = 0) -> dict:
    """442 rows shaped like sklearn's diabetes data: 10 mean-centred features scaled to
    unit column norm, and a disease-progression target (25..346) linear in a few of them
    plus noise."""
    rng = np.random.RandomState(seed)
    data = rng.normal(0.0, 1.0, (442, 10))
    data -= data.mean(axis=0)
    data /= np.linalg.norm(data, axis=0)
    weights = np.array([10.0, -240.0, 520.0, 320.0, -790.0, 480.0, 100.0, 180.0, 750.0,
                        70.0])
    target = 152.0 + data @ weights + rng.normal(0.0, 54.0, 442)
    return {"data": data, "target": np.clip(target, 25.0, 346.0)}


def main(tf):
    out = {}
    printed = io.StringIO()
    workdir = tempfile.mkdtemp()
    with contextlib.redirect_stdout(printed):
        diabetes_dataset = load_diabetes()

        data = diabetes_dataset['data']
        targets = diabetes_dataset['target']
        split = int(len(data) * 0.9)
        train_data, test_data = data[:split], data[split:]
        train_targets, test_targets = targets[:split], targets[split:]

        Dense = tf.keras.layers.Dense

        model = tf.keras.Sequential([
            Dense(128, activation='relu', input_shape=(train_data.shape[1],)),
            Dense(64, activation='relu'),
            Dense(64, activation='relu'),
            Dense(64, activation='relu'),
            Dense(1)
        ])
        model.compile(loss='mse',
                      optimizer="adam", metrics=["mse", "mae"])
        same_start(tf.keras.backend.get_session(), tf)

        def lr_function(epoch, lr):
            if epoch % 2 == 0:
                return lr
            else:
                return lr + epoch / 1000

        history = model.fit(train_data, train_targets, epochs=10, shuffle=False,
                            callbacks=[tf.keras.callbacks.LearningRateScheduler(
                                lr_function, verbose=1)], verbose=False)
        out["lr_fit1"] = [float(v) for v in history.history["lr"]]
        out["loss_fit1"] = float(history.history["loss"][-1])

        history = model.fit(train_data, train_targets, epochs=10, shuffle=False,
                            callbacks=[tf.keras.callbacks.LearningRateScheduler(
                                lambda x: 1 / (3 + 5 * x), verbose=1)],
                            verbose=False)
        out["lr_fit2"] = [float(v) for v in history.history["lr"]]
        out["loss_fit2"] = float(history.history["loss"][-1])

        results = os.path.join(workdir, "results.csv")
        history = model.fit(train_data, train_targets, epochs=10, shuffle=False,
                            callbacks=[tf.keras.callbacks.CSVLogger(results)], verbose=False)

        with open(results, newline="") as f:
            rows = list(csv.DictReader(f))
        out["csv_header"] = list(rows[0])
        out["csv_rows"] = [row["epoch"] for row in rows]
        out["csv_last_loss"] = float(rows[-1]["loss"])
        out["csv_last_mae"] = float(rows[-1][[k for k in rows[-1] if "mae" in k or
                                              "absolute" in k][0]])

        epoch_callback = tf.keras.callbacks.LambdaCallback(
            on_epoch_begin=lambda epoch, logs: print('Starting Epoch {}!'.format(epoch + 1)))

        batch_loss_callback = tf.keras.callbacks.LambdaCallback(
            on_batch_end=lambda batch, logs: print(
                '\n After batch {}, the loss is {:7.2f}.'.format(batch, logs['loss'])))

        train_finish_callback = tf.keras.callbacks.LambdaCallback(
            on_train_end=lambda logs: print('Training finished!'))

        history = model.fit(train_data, train_targets, epochs=5, batch_size=100,
                            shuffle=False, callbacks=[epoch_callback, batch_loss_callback,
                                                      train_finish_callback], verbose=False)
        out["loss_fit4"] = float(history.history["loss"][-1])

        history = model.fit(train_data, train_targets, epochs=30, batch_size=100,
                            shuffle=False, callbacks=[tf.keras.callbacks.ReduceLROnPlateau(
                                monitor="loss", factor=0.2, verbose=1)], verbose=False)
        out["lr_fit5"] = [float(v) for v in history.history["lr"]]
        out["loss_fit5"] = float(history.history["loss"][-1])
        mae_key = [k for k in history.history if "mae" in k or "absolute" in k][0]
        out["mae_fit5"] = float(history.history[mae_key][-1])
        out["test_loss"] = float(model.evaluate(test_data, test_targets, verbose=0)[0])
    lines = printed.getvalue().splitlines()
    out["lambda_lines"] = [sum(line.startswith(p) for line in lines) for p in (
        "Starting Epoch", " After batch", "Training finished!")]
    out["reductions"] = sum("ReduceLROnPlateau reducing learning rate" in line
                            for line in lines)
    os.remove(results)
    os.rmdir(workdir)
    return out
