"""``tk.keras.callbacks``: the hooks ``Model.fit`` calls, in tf_keras's order.

``fit`` calls, for each callback in the list ``[BaseLogger, *yours, History,
ProgbarLogger (verbose=1 or 2)]``: ``on_train_begin``; per epoch ``on_epoch_begin``,
per batch ``on_batch_begin`` / ``on_train_batch_begin`` and ``on_batch_end`` /
``on_train_batch_end`` (logs: ``batch``, ``size``, ``loss`` and the metrics of that batch's
running means), the validation pass's ``on_test_batch_*`` hooks, then ``on_epoch_end``
with the epoch's logs (``loss``, metrics, ``val_*``); finally ``on_train_end``. A
callback stops training by setting ``self.model.stop_training = True``.

Also here, from their own modules: ``LearningRateScheduler`` and ``ReduceLROnPlateau``
(:mod:`~trainkit.keras.lr_callbacks`), ``CSVLogger`` and ``TerminateOnNaN``
(:mod:`~trainkit.keras.logging_callbacks`) and ``TensorBoard``
(:mod:`~trainkit.keras.tensorboard_callback`). ``RemoteMonitor`` (an HTTP POST per epoch)
is not provided.

``ModelCheckpoint`` saves weights only, as a trainkit (TF1) checkpoint through
``model.save_weights`` (a ``tk.train.Saver``), never h5.

Example:
    >>> stop = tk.keras.callbacks.EarlyStopping(monitor="val_loss", patience=2)
    >>> model.fit(x, y, epochs=20, validation_split=0.2, callbacks=[stop])
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.keras.callback_base import Callback
from trainkit.keras.logging_callbacks import CSVLogger, TerminateOnNaN
from trainkit.keras.lr_callbacks import LearningRateScheduler, ReduceLROnPlateau
from trainkit.keras.tensorboard_callback import TensorBoard

_LOG = logging.getLogger("trainkit.keras")


class CallbackList:
    """Calls one hook on every callback, in order.

    Raises:
        TypeError: if an entry is not a ``Callback``.
    """

    def __init__(self, callbacks: list, model: Any = None, params: dict | None = None):
        for i, c in enumerate(callbacks):
            if not isinstance(c, Callback):
                raise TypeError(f"callbacks[{i}] must be a tf.keras.callbacks.Callback, got "
                                f"{type(c).__name__}.")
        self.callbacks = list(callbacks)
        for c in self.callbacks:
            c.set_model(model)
            c.set_params(dict(params or {}))

    def call(self, hook: str, *args: Any) -> None:
        for c in self.callbacks:
            getattr(c, hook)(*args)


class BaseLogger(Callback):
    """Keeps nothing: the loop already averages the epoch's metrics (kept so the callback
    list has tf_keras's members)."""


class History(Callback):
    """Records each epoch's logs: ``history.history['loss'][i]``, ``.epoch``."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)
        if self.model is not None:
            self.model.history = self


class ProgbarLogger(Callback):
    """Prints tf_keras's epoch lines: ``Epoch i/n`` (only when ``epochs > 1``), then at
    the end of each epoch ``N/N [==============================] - loss: ... - acc: ...``
    (``verbose=1``) or ``N/N - 0s - loss: ... - acc: ... - 12ms/epoch - 1ms/sample``
    (``verbose=2``: no bar, with the epoch's time)."""

    def __init__(self, print_fn: Callable[[str], None] = print):
        super().__init__()
        self._print = print_fn
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.monotonic()
        epochs = self.params.get("epochs")
        if epochs is not None and epochs > 1:
            self._print(f"Epoch {epoch + 1}/{epochs}")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        n = self.params.get("samples") or self.params.get("steps")  # generators: steps
        if self.params.get("verbose") == 2:
            took = time.monotonic() - self._start
            parts = [f"{n}/{n}", f"{took:.0f}s"]
            parts += [f"{k}: {_fmt(v, signed=False)}" for k, v in (logs or {}).items()]
            parts += [_fmt_time(took, "epoch"), _fmt_time(took / max(n or 1, 1), "sample")]
        else:
            parts = [f"{n}/{n} [{'=' * 30}]"]
            parts += [f"{k}: {_fmt(v)}" for k, v in (logs or {}).items()]
        self._print(" - ".join(parts))


def _fmt(v: float, signed: bool = True) -> str:
    """Keras's number format: 4 decimals, or 4 significant digits below 1e-3 (by
    magnitude for ``verbose=1``; ``verbose=2`` compares the signed value)."""
    return f"{v:.4f}" if (abs(v) if signed else v) > 1e-3 else f"{v:.4e}"


def _fmt_time(seconds: float, unit: str) -> str:
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


def format_logs(logs: dict) -> str:
    """``loss: 0.1234 - acc: 1.2345e-04``: logs as Keras's progress lines print them."""
    return " - ".join(f"{k}: {_fmt(float(v))}" for k, v in logs.items())


class EarlyStopping(Callback):
    """Stops training when ``monitor`` has not improved by more than ``min_delta`` for
    ``patience`` epochs (tf_keras's rule: ``wait`` counts epochs since the best; it
    stops once ``wait >= patience`` after epoch 0). ``mode`` ``'auto'`` maximizes names
    ending in ``acc``/``accuracy``/``auc`` and minimizes the rest. With
    ``restore_best_weights`` the best epoch's weights are put back when training ends.

    Raises:
        ValueError: for a negative patience.
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0):
        super().__init__()
        if patience < 0:
            raise ValueError(f"EarlyStopping: patience must be >= 0, got {patience}.")
        self.monitor, self.patience, self.verbose = monitor, int(patience), verbose
        self.baseline, self.restore_best_weights = baseline, bool(restore_best_weights)
        self.start_from_epoch = start_from_epoch
        self.monitor_op = _monitor_op(monitor, mode, "EarlyStopping")
        delta = abs(min_delta)
        self.min_delta = delta if self.monitor_op is np.greater else -delta
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best_weights: list | None = None
        self.best = np.inf if self.monitor_op is np.less else -np.inf

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best = np.inf if self.monitor_op is np.less else -np.inf
        self.best_weights = None

    def _improves(self, value: float, reference: float) -> bool:
        return bool(self.monitor_op(value - self.min_delta, reference))

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        current = (logs or {}).get(self.monitor)
        if current is None:
            _LOG.warning("Early stopping conditioned on metric `%s` which is not available. "
                         "Available metrics are: %s", self.monitor, ",".join(logs or {}))
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._improves(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improves(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)


def _monitor_op(monitor: str, mode: str, who: str) -> Any:
    if mode not in ("auto", "min", "max"):
        _LOG.warning("%s mode %s is unknown, fallback to auto mode.", who, mode)
        mode = "auto"
    if mode == "auto":
        mode = "max" if monitor.endswith(("acc", "accuracy", "auc")) else "min"
    return np.greater if mode == "max" else np.less


class ModelCheckpoint(Callback):
    """Saves the model's weights at the end of each epoch to
    ``filepath.format(epoch=epoch + 1, **logs)`` (a trainkit checkpoint prefix written by
    ``model.save_weights``); with ``save_best_only`` only when ``monitor`` improved.

    Differs from TF: weights only, as a TF1 checkpoint (no h5, no whole-model save).

    Raises:
        NotImplementedError: for ``save_weights_only=False``.
    """

    def __init__(self, filepath: str, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = True,
                 mode: str = "auto", save_freq: Any = "epoch"):
        super().__init__()
        if not save_weights_only:
            raise NotImplementedError("trainkit.keras saves weights only: use "
                                      "ModelCheckpoint(..., save_weights_only=True).")
        if save_freq != "epoch":
            raise NotImplementedError("ModelCheckpoint: only save_freq='epoch' is supported.")
        self.filepath, self.monitor, self.verbose = str(filepath), monitor, verbose
        self.save_best_only = bool(save_best_only)
        self.monitor_op = _monitor_op(monitor, mode, "ModelCheckpoint")
        self.best = np.inf if self.monitor_op is np.less else -np.inf

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                _LOG.warning("Can save best model only with %s available, skipping.",
                             self.monitor)
                return
            if not self.monitor_op(current, self.best):
                return
            self.best = current
        if self.verbose > 0:
            print(f"Epoch {epoch + 1}: saving model to {path}")
        self.model.save_weights(path)


class LambdaCallback(Callback):
    """A callback from plain functions: ``on_epoch_begin(epoch, logs)``,
    ``on_epoch_end(epoch, logs)``, ``on_batch_begin(batch, logs)``,
    ``on_batch_end(batch, logs)``, ``on_train_begin(logs)``, ``on_train_end(logs)``."""

    def __init__(self, on_epoch_begin: Callable | None = None,
                 on_epoch_end: Callable | None = None, on_batch_begin: Callable | None = None,
                 on_batch_end: Callable | None = None, on_train_begin: Callable | None = None,
                 on_train_end: Callable | None = None, **kwargs: Callable):
        super().__init__()
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_batch_begin=on_batch_begin, on_batch_end=on_batch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end, **kwargs)
        for name, fn in given.items():
            if fn is not None:
                setattr(self, name, fn)


__all__ = ["Callback", "CallbackList", "BaseLogger", "History", "ProgbarLogger",
           "EarlyStopping", "ModelCheckpoint", "LambdaCallback", "LearningRateScheduler",
           "ReduceLROnPlateau", "CSVLogger", "TerminateOnNaN", "TensorBoard"]
