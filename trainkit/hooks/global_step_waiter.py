"""``GlobalStepWaiterHook``: delays a worker until the global step reaches a value.

Example:
    >>> hook = GlobalStepWaiterHook(wait_until_step=1000)
"""

from __future__ import annotations

import logging
import numbers
import time
from typing import Any

from trainkit.hooks.registry import register_hook
from trainkit.training import training_util
from trainkit.training.session_run_hook import SessionRunHook

_LOG = logging.getLogger("trainkit.hooks")


@register_hook("global_step_waiter")
class GlobalStepWaiterHook(SessionRunHook):
    """Before the first run of each session, polls the global step (every 0.5 s) until it
    is at least ``wait_until_step``; 0 means no waiting.

    Raises:
        ValueError: if ``wait_until_step`` is not a non-negative int.
    """

    def __init__(self, wait_until_step: int):
        if isinstance(wait_until_step, bool) or not isinstance(
                wait_until_step, numbers.Integral) or wait_until_step < 0:
            raise ValueError(f"GlobalStepWaiterHook: wait_until_step must be a non-negative "
                             f"int, got {wait_until_step!r}.")
        self._wait_until_step = int(wait_until_step)

    def begin(self) -> None:
        self._worker_is_started = False
        self._read = training_util.global_step_read()
        if self._read is None:
            raise RuntimeError("Global step should be created to use GlobalStepWaiterHook.")

    def before_run(self, run_context: Any) -> None:
        if self._worker_is_started:
            return None
        if self._wait_until_step <= 0:
            self._worker_is_started = True
            return None
        _LOG.info("Waiting for global step %d before starting training.",
                  self._wait_until_step)
        last_logged = None
        while True:
            step = int(run_context.session.run(self._read))
            if step >= self._wait_until_step:
                self._worker_is_started = True
                return None
            if step != last_logged:
                _LOG.info("Waiting for global step %d before starting training. Current "
                          "step is %d.", self._wait_until_step, step)
                last_logged = step
            time.sleep(0.5)


__all__ = ["GlobalStepWaiterHook"]
