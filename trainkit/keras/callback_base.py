"""The base of Keras callbacks: ``Callback`` with its ``on_*`` hooks, which ``Model.fit``,
``evaluate`` and ``predict`` call in tf_keras's order (see :mod:`trainkit.keras.callbacks`).

Example:
    >>> class Print(Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(epoch, logs["loss"])
"""

from __future__ import annotations

from typing import Any


class Callback:
    """Base class: override the ``on_*`` hooks you need; ``self.model`` and
    ``self.params`` are set before training starts."""

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called once before the first epoch."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """Called once after the last epoch (or an early stop)."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the start of epoch ``epoch`` (0-based)."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the end of an epoch with its averaged ``loss``, metrics and ``val_*``."""

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each training batch (as ``on_train_batch_begin``)."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each training batch (as ``on_train_batch_end``)."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.on_batch_end(batch, logs)

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Called before an evaluation (``evaluate`` or fit's validation pass)."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """Called after an evaluation."""

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before each evaluation batch."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after each evaluation batch."""


__all__ = ["Callback"]
