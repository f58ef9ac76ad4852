"""TimeLimitHook: stops training cleanly after a wall-clock budget. Because the stop is a
normal stop, the checkpoint saver's ``end()`` saves a final checkpoint, so the run can be
resumed later with the same command.

Config:
    [[hooks]]
    type = "time_limit:TimeLimitHook"
    args = { max_seconds = 3600 }
"""

from __future__ import annotations

import logging
import time
from typing import Any

import trainkit as tk

_LOG = logging.getLogger("trainkit.hooks.time_limit")


class TimeLimitHook(tk.train.SessionRunHook):
    """Requests a stop once ``max_seconds`` have passed since the session was created.

    Args:
        max_seconds: the wall-clock budget (> 0).

    Attributes:
        stopped: whether this hook asked the loop to stop.
        clock: the time source (``time.monotonic``; tests may replace it).

    Raises:
        ValueError: for a budget that is not > 0.
    """

    clock = staticmethod(time.monotonic)

    def __init__(self, max_seconds: float):
        if isinstance(max_seconds, bool) or not isinstance(max_seconds, int | float) \
                or not max_seconds > 0:
            raise ValueError(f"max_seconds must be > 0, got {max_seconds!r}.")
        self._max = float(max_seconds)
        self._start: float | None = None
        self.stopped = False

    def after_create_session(self, session: tk.Session, coord: Any) -> None:
        self._start = self.clock()

    def after_run(self, run_context: tk.train.SessionRunContext,
                  run_values: tk.train.SessionRunValues) -> None:
        if self._start is not None and self.clock() - self._start >= self._max:
            if not self.stopped:
                _LOG.info("Time limit of %.0f s reached: stopping (a checkpoint is saved).",
                          self._max)
            self.stopped = True
            run_context.request_stop()
