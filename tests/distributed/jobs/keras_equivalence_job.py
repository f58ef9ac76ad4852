"""Data-parallel Keras training that must equal one process on the global batches:
``hvd.DistributedOptimizer(SGD(0.2, momentum=0.5))`` with
``BroadcastGlobalVariablesCallback(0)``, ``MetricAverageCallback()`` and
``LearningRateWarmupCallback(warmup_epochs=2)``, 3 epochs of 2 steps, ``shuffle=False``.

Global batch k is rows ``[8k, 8k + 8)`` of :func:`global_data`; rank r trains on rows
``[8k + 4r, 8k + 4r + 4)`` of it, so with a mean loss the averaged gradient of the two
halves is the gradient of the whole batch. Each rank starts from its own weights
(``initial_weights(rank)``): only rank 0's may survive the broadcast. Each rank writes
``report-rank<r>.json`` (a file: long lines of two ranks may interleave on stdout) with
its final weights, their digest, the learning rate and momentum
at each batch's start, the epoch logs before and after ``MetricAverageCallback``, and
its history. ``test_keras_mpi.py`` holds the one-process reference (built with
:func:`build_model`).

    mpiexec -n 2 python -m mpi4py tests/distributed/jobs/keras_equivalence_job.py
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

import trainkit as tf
import trainkit.distributed.keras as hvd

K = tf.keras


def global_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """16 training and 8 validation rows of a smooth regression target."""
    rng = np.random.RandomState(7)
    x = rng.uniform(-1, 1, (24, 3)).astype(np.float32)
    y = (np.sin(x @ np.array([[1.5], [-1.0], [0.5]], np.float32)) + 0.1).astype(np.float32)
    return x[:16], y[:16], x[16:], y[16:]


def rank_rows(n: int, rank: int, size: int, per_rank: int) -> np.ndarray:
    """Rank ``rank``'s rows: its ``per_rank`` rows of each global batch."""
    batch = per_rank * size
    return np.concatenate([np.arange(k + rank * per_rank, k + (rank + 1) * per_rank)
                           for k in range(0, n, batch)])


def initial_weights(seed: int, model: object) -> list:
    rng = np.random.RandomState(seed)
    return [rng.uniform(-0.8, 0.8, w.shape).astype(np.float32) for w in model.get_weights()]


def build_model(optimizer: object) -> object:
    model = K.Sequential([K.layers.Dense(4, activation="tanh", input_shape=(3,)),
                          K.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


class Record(K.callbacks.Callback):
    """Keeps the rate and momentum at each batch's start and the epoch logs it sees."""

    def __init__(self):
        super().__init__()
        self.rates, self.logs = [], []

    def on_batch_begin(self, batch, logs=None):
        opt = self.model.optimizer
        self.rates.append([float(K.backend.get_value(opt.lr)),
                           float(K.backend.get_value(opt.momentum))])

    def on_epoch_end(self, epoch, logs=None):
        self.logs.append({k: float(v) for k, v in logs.items()})


def main() -> None:
    hvd.init()
    x, y, xv, yv = global_data()
    rows = rank_rows(16, hvd.rank(), hvd.size(), 4)
    val_rows = rank_rows(8, hvd.rank(), hvd.size(), 4)
    model = build_model(hvd.DistributedOptimizer(K.optimizers.SGD(0.2, momentum=0.5)))
    model.set_weights(initial_weights(hvd.rank(), model))
    before, after = Record(), Record()
    history = model.fit(
        x[rows], y[rows], batch_size=4, epochs=3, verbose=0, shuffle=False,
        validation_data=(xv[val_rows], yv[val_rows]),
        callbacks=[hvd.callbacks.BroadcastGlobalVariablesCallback(0), before,
                   hvd.callbacks.MetricAverageCallback(),
                   hvd.callbacks.LearningRateWarmupCallback(warmup_epochs=2), after])
    weights = model.get_weights()
    digest = hashlib.sha256(b"".join(w.tobytes() for w in weights)).hexdigest()
    report = {"weights": [w.tolist() for w in weights], "digest": digest,
              "rates": after.rates, "raw_logs": before.logs, "averaged_logs": after.logs,
              "history": {k: [float(v) for v in vs] for k, vs in history.history.items()}}
    Path(f"report-rank{hvd.rank()}.json").write_text(json.dumps(report))


if __name__ == "__main__":
    main()
