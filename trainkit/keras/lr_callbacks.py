"""Callbacks that set the optimizer's learning rate between epochs, with tf_keras 2.21's
rules: ``LearningRateScheduler`` (``lr = schedule(epoch, lr)`` before each epoch) and
``ReduceLROnPlateau`` (``lr *= factor`` once ``monitor`` has not improved for ``patience``
epochs). Both write the rate the epoch ran with into its logs as ``'lr'``, so ``History``
and a later ``CSVLogger`` record it.

The learning rate is the optimizer's ``lr`` variable (a Keras optimizer's
``learning_rate`` hyperparameter), read and written through ``backend``'s session; a
``tf.train`` optimizer wrapped by ``compile`` has none.

Example:
    >>> reduce = tk.keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5,
    ...                                                patience=2, min_lr=1e-4)
    >>> model.fit(x, y, epochs=20, validation_split=0.2, callbacks=[reduce])
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework.tensor import Tensor
from trainkit.keras import backend
from trainkit.keras.callback_base import Callback

_LOG = logging.getLogger("trainkit.keras")


def _lr_variable(model: Any) -> Any:
    """The model's optimizer's learning-rate variable.

    Raises:
        ValueError: if the optimizer has no ``lr``.
    """
    optimizer = getattr(model, "optimizer", None)
    if not hasattr(optimizer, "lr"):
        raise ValueError('Optimizer must have a "lr" attribute.')
    return optimizer.lr


class LearningRateScheduler(Callback):
    """Sets the learning rate to ``schedule(epoch, lr)`` (or ``schedule(epoch)`` when the
    two-argument call raises TypeError) at the start of each epoch (0-based).

    Args:
        schedule: the function of the epoch (and the current rate, a float).
        verbose: 1 prints each new rate.

    Raises (during ``fit``):
        ValueError: if the optimizer has no ``lr``, or ``schedule`` returns something other
            than a float (a Python float, NumPy float32/float64, or a float tensor).
    """

    def __init__(self, schedule: Callable, verbose: int = 0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        lr_var = _lr_variable(self.model)
        try:
            lr = self.schedule(epoch, float(backend.get_value(lr_var)))
        except TypeError:   # tf_keras's fallback for one-argument schedules
            lr = self.schedule(epoch)
        if not isinstance(lr, Tensor | float | np.float32 | np.float64):
            raise ValueError(f'The output of the "schedule" function should be float. Got: {lr}')
        if isinstance(lr, Tensor) and not lr.dtype.is_floating:
            raise ValueError(f"The dtype of `lr` Tensor should be float. Got: {lr.dtype}")
        backend.set_value(lr_var, backend.get_value(lr) if isinstance(lr, Tensor) else lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["lr"] = backend.get_value(_lr_variable(self.model))


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by ``factor`` when ``monitor`` stalls.

    After each epoch: during a cooldown the wait counter stays 0; an improvement (beyond
    ``min_delta``: below ``best - min_delta`` in min mode, above ``best + min_delta`` in max
    mode) makes it the new best and resets the wait; otherwise, outside a cooldown, the wait
    grows, and once it reaches ``patience`` a rate above ``min_lr`` becomes
    ``max(lr * factor, min_lr)``, starting ``cooldown`` epochs of cooldown. ``mode='auto'``
    maximizes a monitor whose name contains ``'acc'`` and minimizes the rest; an unknown
    mode is logged and read as ``'auto'`` (as in tf_keras). ``epsilon=`` is the old name
    of ``min_delta``.

    Raises:
        ValueError: for a ``factor`` of 1.0 or more.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4,
                 cooldown: int = 0, min_lr: float = 0, **kwargs: Any):
        super().__init__()
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Got {factor}")
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
            _LOG.warning("`epsilon` argument is deprecated and will be removed, use "
                         "`min_delta` instead.")
        self.monitor, self.factor, self.min_lr = monitor, factor, min_lr
        self.min_delta, self.patience, self.verbose = min_delta, patience, verbose
        self.cooldown, self.mode = cooldown, mode
        self.cooldown_counter = self.wait = 0
        self.best = 0.0
        self._maximize = False
        self._reset()

    def _reset(self) -> None:
        if self.mode not in ("auto", "min", "max"):
            _LOG.warning("Learning rate reduction mode %s is unknown, fallback to auto mode.",
                         self.mode)
            self.mode = "auto"
        self._maximize = self.mode == "max" or (self.mode == "auto" and "acc" in self.monitor)
        self.best = -np.inf if self._maximize else np.inf
        self.cooldown_counter = self.wait = 0

    def monitor_op(self, current: float, best: float) -> bool:
        """Whether ``current`` improves on ``best`` by more than ``min_delta``."""
        if self._maximize:
            return bool(np.greater(current, best + self.min_delta))
        return bool(np.less(current, best - self.min_delta))

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._reset()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs if logs is not None else {}
        lr_var = _lr_variable(self.model)
        logs["lr"] = backend.get_value(lr_var)
        current = logs.get(self.monitor)
        if current is None:
            _LOG.warning("Learning rate reduction is conditioned on metric `%s` which is not "
                         "available. Available metrics are: %s", self.monitor, ",".join(logs))
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best, self.wait = current, 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        old_lr = np.float32(backend.get_value(lr_var))
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * np.float32(self.factor), self.min_lr)
            backend.set_value(lr_var, new_lr)
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to "
                      f"{new_lr}.")
            self.cooldown_counter, self.wait = self.cooldown, 0


__all__ = ["LearningRateScheduler", "ReduceLROnPlateau"]
