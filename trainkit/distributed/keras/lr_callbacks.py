"""Horovod's learning-rate callbacks for Keras: ``LearningRateScheduleCallback`` (the
optimizer's ``lr`` set to ``initial_lr * multiplier(epoch)`` between two epochs) and
``LearningRateWarmupCallback`` (from ``lr / size`` up to ``lr`` over the first epochs,
batch by batch: Goyal et al., "Accurate, Large Minibatch SGD", arXiv:1706.02677).

The rules, as Horovod defines them (``horovod/_keras/callbacks.py``):

- ``initial_lr`` is the optimizer's ``lr`` when training begins (unless given).
- Adjusted only in epochs ``start_epoch <= epoch < end_epoch`` (``end_epoch`` None: no
  end), in ``on_batch_begin``: with ``staircase`` on each epoch's first batch with
  ``multiplier(epoch)``; without, on every batch with
  ``multiplier(epoch + batch / steps_per_epoch)``.
- A constant ``multiplier`` always works as a staircase.
- Momentum correction (when the optimizer has a ``momentum`` and it is asked for): for
  the batch of an adjustment, ``momentum`` becomes ``momentum * new_lr / old_lr``, and is
  put back at the batch's end (unless it was 0, which stays 0).
- ``steps_per_epoch``, when not given, is ``params['steps']`` or else
  ``params['samples'] // params['batch_size']`` (floored: with a last partial batch the
  warmup overshoots ``lr`` by a fraction of a step on that batch, as Horovod's does).
- ``on_epoch_end`` adds the current ``lr`` to the logs under ``'lr'``.
- Warmup: ``lr'(e) = lr / size * (e' * (size - 1) / warmup_epochs + 1)`` with
  ``e' = e + 1 / steps_per_epoch`` (so the last batch of the warmup runs at ``lr``),
  for ``0 <= epoch < warmup_epochs``.

Example:
    >>> warmup = hvd.callbacks.LearningRateWarmupCallback(warmup_epochs=5, verbose=1)
    >>> decay = hvd.callbacks.LearningRateScheduleCallback(0.1, start_epoch=30)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import trainkit.distributed as hvd
from trainkit.keras import backend
from trainkit.keras.callbacks import Callback


def _check_epoch(value: Any, what: str, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{what} must be a number >= 0, got {value!r}.")


class LearningRateScheduleCallback(Callback):
    """Sets the learning rate to ``initial_lr * multiplier`` in epochs
    ``[start_epoch, end_epoch)`` (module doc for the rules).

    Args:
        multiplier: a number, or a function of the (possibly fractional) epoch.
        start_epoch: the first epoch adjusted.
        end_epoch: the first epoch no longer adjusted (None: every epoch after the start).
        staircase: adjust once per epoch (True) or on every batch (False).
        momentum_correction: scale ``momentum`` with the learning rate for the adjusted
            batch.
        steps_per_epoch: batches per epoch (default: from ``fit``'s parameters).
        initial_lr: the rate the multiplier scales (default: the optimizer's ``lr`` when
            training begins).

    Raises:
        TypeError: if ``multiplier`` is neither a number nor callable.
        ValueError: for a negative ``start_epoch``, an ``end_epoch`` not after it, or a
            ``steps_per_epoch`` that is not a positive int.
    """

    def __init__(self, multiplier: float | Callable[[float], float], start_epoch: int = 0,
                 end_epoch: int | None = None, staircase: bool = True,
                 momentum_correction: bool = True, steps_per_epoch: int | None = None,
                 initial_lr: float | None = None):
        super().__init__()
        who = type(self).__name__
        if callable(multiplier):
            self.multiplier = multiplier
        elif isinstance(multiplier, int | float) and not isinstance(multiplier, bool):
            value = float(multiplier)
            self.multiplier = lambda epoch: value
            staircase = True
        else:
            raise TypeError(f"{who}: multiplier must be a number or a function of the "
                            f"epoch, got {multiplier!r}.")
        _check_epoch(start_epoch, f"{who}: start_epoch")
        _check_epoch(end_epoch, f"{who}: end_epoch", allow_none=True)
        if end_epoch is not None and end_epoch <= start_epoch:
            raise ValueError(f"{who}: end_epoch ({end_epoch}) must be after start_epoch "
                             f"({start_epoch}).")
        if steps_per_epoch is not None and (not isinstance(steps_per_epoch, int)
                                            or steps_per_epoch < 1):
            raise ValueError(f"{who}: steps_per_epoch must be an int >= 1, got "
                             f"{steps_per_epoch!r}.")
        if initial_lr is not None and (not isinstance(initial_lr, int | float)
                                       or initial_lr < 0):
            raise ValueError(f"{who}: initial_lr must be a number >= 0, got {initial_lr!r}.")
        self.start_epoch, self.end_epoch = start_epoch, end_epoch
        self.staircase = bool(staircase)
        self.momentum_correction = bool(momentum_correction)
        self.steps_per_epoch = steps_per_epoch
        self.initial_lr = None if initial_lr is None else float(initial_lr)
        self._given_initial_lr = self.initial_lr
        self.current_epoch = 0
        self.restore_momentum: Any = None

    def _steps_from_params(self) -> int:
        steps = self.params.get("steps")
        if steps:
            return int(steps)
        samples, batch = self.params.get("samples"), self.params.get("batch_size")
        if samples and batch and samples // batch > 0:
            return int(samples // batch)
        raise ValueError(f"{type(self).__name__}: could not work out the number of steps "
                         f"per epoch from fit's parameters (samples={samples}, "
                         f"batch_size={batch}); pass steps_per_epoch.")

    def _optimizer(self) -> Any:
        opt = getattr(self.model, "optimizer", None)
        if opt is None or not hasattr(opt, "lr"):
            raise ValueError(f"{type(self).__name__}: the model's optimizer must have an "
                             f"'lr' attribute (a tk.keras optimizer), got {opt!r}.")
        return opt

    def on_train_begin(self, logs: dict | None = None) -> None:
        opt = self._optimizer()
        self.initial_lr = self._given_initial_lr
        if self.initial_lr is None:
            self.initial_lr = float(backend.get_value(opt.lr))
        if not self.staircase and not self.steps_per_epoch:
            self.steps_per_epoch = self._steps_from_params()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.current_epoch = epoch

    def _adjust(self, epoch: float) -> None:
        opt = self._optimizer()
        old_lr = float(backend.get_value(opt.lr))
        new_lr = self.initial_lr * float(self.multiplier(epoch))
        backend.set_value(opt.lr, new_lr)
        if self.momentum_correction and hasattr(opt, "momentum") and old_lr != 0.0:
            self.restore_momentum = float(backend.get_value(opt.momentum))
            backend.set_value(opt.momentum, self.restore_momentum * new_lr / old_lr)

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        epoch = self.current_epoch
        if epoch < self.start_epoch or (self.end_epoch is not None and epoch >= self.end_epoch):
            return
        if not self.staircase:
            self._adjust(epoch + float(batch) / self.steps_per_epoch)
        elif batch == 0:
            self._adjust(epoch)

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.restore_momentum:
            backend.set_value(self._optimizer().momentum, self.restore_momentum)
        self.restore_momentum = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs["lr"] = backend.get_value(self._optimizer().lr)


class LearningRateWarmupCallback(LearningRateScheduleCallback):
    """Gradual warmup from ``initial_lr / hvd.size()`` to ``initial_lr`` over
    ``warmup_epochs`` epochs, adjusted on every batch (module doc for the formula).

    Args:
        warmup_epochs: the length of the warmup, in epochs.
        momentum_correction: scale ``momentum`` with the learning rate for each batch.
        steps_per_epoch: batches per epoch (default: from ``fit``'s parameters).
        verbose: 1 prints ``Epoch N: finished gradual learning rate warmup to LR.`` at
            the end of the warmup.
        initial_lr: the target rate (default: the optimizer's ``lr`` when training
            begins).

    Raises:
        ValueError: for a ``warmup_epochs`` that is not a positive number (the first
            batch raises Horovod's ValueError before ``hvd.init()``).
    """

    def __init__(self, warmup_epochs: float = 5, momentum_correction: bool = True,
                 steps_per_epoch: int | None = None, verbose: int = 0,
                 initial_lr: float | None = None):
        if not isinstance(warmup_epochs, int | float) or isinstance(warmup_epochs, bool) \
                or warmup_epochs <= 0:
            raise ValueError(f"LearningRateWarmupCallback: warmup_epochs must be a number "
                             f"> 0, got {warmup_epochs!r}.")
        self.warmup_epochs = warmup_epochs
        self.verbose = verbose
        super().__init__(self._warmup, start_epoch=0, end_epoch=warmup_epochs,
                         staircase=False, momentum_correction=momentum_correction,
                         steps_per_epoch=steps_per_epoch, initial_lr=initial_lr)

    def _warmup(self, epoch: float) -> float:
        size = hvd.size()
        epoch += 1.0 / self.steps_per_epoch  # round numbers at each epoch's end
        return 1.0 / size * (epoch * (size - 1) / self.warmup_epochs + 1)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        super().on_epoch_end(epoch, logs)
        if self.verbose > 0 and epoch == self.end_epoch - 1:
            lr = backend.get_value(self._optimizer().lr)
            print(f"\nEpoch {epoch + 1}: finished gradual learning rate warmup to {lr:g}.")


__all__ = ["LearningRateScheduleCallback", "LearningRateWarmupCallback"]
