"""The one trigger every periodic hook shares: every N seconds or every N steps.

The clock is ``time.time()`` read at call time, so tests move it by monkeypatching.

Example:
    >>> timer = SecondOrStepTimer(every_steps=10)
    >>> timer.should_trigger_for_step(0)
    True
    >>> timer.update_last_triggered_step(0)
    (None, None)
    >>> timer.should_trigger_for_step(5), timer.should_trigger_for_step(10)
    (False, True)
"""

from __future__ import annotations

import time


def check_positive(value: float | None, name: str, owner: str) -> None:
    """Raises ValueError naming ``owner.name`` unless ``value`` is None or > 0."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{owner}: {name} must be a positive number, got {value!r}.")


class _Timer:
    """Interface of the periodic triggers."""

    def reset(self) -> None:
        """Forgets the last trigger."""

    def should_trigger_for_step(self, step: int) -> bool:
        raise NotImplementedError

    def update_last_triggered_step(self, step: int) -> tuple[float | None, int | None]:
        raise NotImplementedError

    def last_triggered_step(self) -> int | None:
        raise NotImplementedError


class SecondOrStepTimer(_Timer):
    """Triggers at most once per step, when ``every_secs`` seconds or ``every_steps``
    steps passed since the last trigger (always on the first call).

    Args:
        every_secs: trigger period in seconds.
        every_steps: trigger period in steps.

    Raises:
        ValueError: unless exactly one of ``every_secs``/``every_steps`` is given, or if
            it is not positive.
    """

    def __init__(self, every_secs: float | None = None, every_steps: int | None = None):
        if (every_secs is None) == (every_steps is None):
            raise ValueError("SecondOrStepTimer: exactly one of every_secs and every_steps "
                             f"should be provided, got every_secs={every_secs!r}, "
                             f"every_steps={every_steps!r}.")
        check_positive(every_secs, "every_secs", "SecondOrStepTimer")
        check_positive(every_steps, "every_steps", "SecondOrStepTimer")
        self._every_secs = every_secs
        self._every_steps = every_steps
        self.reset()

    def reset(self) -> None:
        self._last_time: float | None = None
        self._last_step: int | None = None

    def should_trigger_for_step(self, step: int) -> bool:
        """True if never triggered, or the period elapsed (False at the same step)."""
        if self._last_step is None:
            return True
        if step == self._last_step:
            return False
        if self._every_secs is not None:
            return time.time() >= self._last_time + self._every_secs
        return step >= self._last_step + self._every_steps

    def update_last_triggered_step(self, step: int) -> tuple[float | None, int | None]:
        """Marks a trigger at ``step``; returns ``(elapsed_secs, elapsed_steps)`` since the
        previous one, or ``(None, None)`` the first time."""
        now = time.time()
        if self._last_time is None:
            elapsed: tuple[float | None, int | None] = (None, None)
        else:
            elapsed = (now - self._last_time, step - self._last_step)
        self._last_time = now
        self._last_step = step
        return elapsed

    def last_triggered_step(self) -> int | None:
        """The step of the last trigger, or None."""
        return self._last_step


class NeverTriggerTimer(_Timer):
    """A timer that never triggers (for hooks whose trigger is switched off)."""

    def should_trigger_for_step(self, step: int) -> bool:
        return False

    def update_last_triggered_step(self, step: int) -> tuple[float | None, int | None]:
        return (None, None)

    def last_triggered_step(self) -> int | None:
        return None


__all__ = ["SecondOrStepTimer", "NeverTriggerTimer", "check_positive"]
