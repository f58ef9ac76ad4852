"""``StopAtStepHook``: requests a stop once the global step reaches a limit.

Example:
    >>> hook = StopAtStepHook(num_steps=1000)       # 1000 steps from the restored step
"""

from __future__ import annotations

import numbers
from typing import Any

from trainkit.hooks.registry import register_hook
from trainkit.training import training_util
from trainkit.training.session_run_hook import SessionRunArgs, SessionRunHook


@register_hook("stop_at_step")
class StopAtStepHook(SessionRunHook):
    """Stops at ``last_step``, or after ``num_steps`` steps counted from the step the
    session started (or was restored) at. It never stops before the first run.

    Args:
        num_steps: steps to run from the starting global step.
        last_step: the global step to stop at.

    Raises:
        ValueError: unless exactly one of the two is given, or if it is negative.
    """

    def __init__(self, num_steps: int | None = None, last_step: int | None = None):
        if (num_steps is None) == (last_step is None):
            raise ValueError("StopAtStepHook: exactly one of num_steps or last_step should "
                             f"be provided, got num_steps={num_steps!r}, "
                             f"last_step={last_step!r}.")
        for name, v in (("num_steps", num_steps), ("last_step", last_step)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Integral)
                                  or v < 0):
                raise ValueError(f"StopAtStepHook: {name} must be a non-negative int, got "
                                 f"{v!r}.")
        self._num_steps = num_steps
        self._last_step = last_step

    @property
    def last_step(self) -> int | None:
        """The step to stop at (known once a session was created)."""
        return self._last_step

    def begin(self) -> None:
        self._read = training_util.global_step_read()
        if self._read is None:
            raise RuntimeError("Global step should be created to use StopAtStepHook.")
        self._args = SessionRunArgs(self._read)

    def after_create_session(self, session: Any, coord: Any) -> None:
        if self._last_step is None:
            self._last_step = int(session.run(self._read)) + self._num_steps

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return self._args

    def after_run(self, run_context: Any, run_values: Any) -> None:
        # The read is the post-increment step (training_util), so no re-read is needed.
        if run_values.results >= self._last_step:
            run_context.request_stop()


__all__ = ["StopAtStepHook"]
