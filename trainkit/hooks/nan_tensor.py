"""``NanTensorHook``: stops (or fails) training when the loss becomes NaN.

Example:
    >>> hook = NanTensorHook(loss)
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from trainkit.hooks.registry import register_hook
from trainkit.training.session_run_hook import SessionRunArgs, SessionRunHook

_LOG = logging.getLogger("trainkit.hooks")


class NanLossDuringTrainingError(RuntimeError):
    """Raised by ``NanTensorHook`` when the loss is NaN."""

    def __str__(self) -> str:
        return "NaN loss during training."


@register_hook("nan_tensor")
class NanTensorHook(SessionRunHook):
    """Fetches ``loss_tensor`` every run; on NaN raises ``NanLossDuringTrainingError`` or,
    with ``fail_on_nan_loss=False``, logs a warning and requests a stop.

    Args:
        loss_tensor: the loss tensor (or its name).
        fail_on_nan_loss: raise instead of stopping.
    """

    def __init__(self, loss_tensor: Any, fail_on_nan_loss: bool = True):
        if loss_tensor is None:
            raise ValueError("NanTensorHook: loss_tensor must be a tensor, got None.")
        self._loss_tensor = loss_tensor
        self._fail_on_nan_loss = fail_on_nan_loss
        self._args = SessionRunArgs(loss_tensor)

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return self._args

    def after_run(self, run_context: Any, run_values: Any) -> None:
        loss = run_values.results
        # A scalar loss (the usual case) is checked without a NumPy reduction.
        nan = loss != loss if isinstance(loss, (float, np.floating)) else np.isnan(loss).any()
        if nan:
            msg = "Model diverged with loss = NaN."
            if self._fail_on_nan_loss:
                _LOG.error(msg)
                raise NanLossDuringTrainingError
            _LOG.warning(msg)
            run_context.request_stop()


__all__ = ["NanTensorHook", "NanLossDuringTrainingError"]
