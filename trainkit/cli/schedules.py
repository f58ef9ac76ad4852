"""The two learning-rate schedules the library has no function of its own for; the
others (``exponential_decay`` ...) are ``tk.train``'s own functions, registered as they
are in :mod:`trainkit.cli.components`. Every schedule takes the CLI-filled
``learning_rate`` (``optimizer.learning_rate``) and ``global_step``."""

from __future__ import annotations

from typing import Any

import trainkit as tk
from trainkit.cli.errors import ConfigError


def constant(learning_rate: Any, global_step: Any) -> Any:
    """``optimizer.learning_rate`` at every step."""
    return tk.constant(learning_rate, dtype=tk.float32)


def piecewise_constant(learning_rate: Any, global_step: Any, boundaries: list[int],
                       values: list[float]) -> Any:
    """``values[i]`` between ``boundaries[i-1]`` and ``boundaries[i]`` (TF's
    ``piecewise_constant``; ``optimizer.learning_rate`` is not used)."""
    return tk.train.piecewise_constant(global_step, boundaries, values)


def check_piecewise(args: dict[str, Any]) -> None:
    """``values`` needs one more entry than ``boundaries``, and boundaries increase.

    Raises:
        ConfigError: naming ``schedule.values`` or ``schedule.boundaries``.
    """
    b, v = args["boundaries"], args["values"]
    if len(v) != len(b) + 1:
        raise ConfigError("schedule.values: piecewise_constant needs one more value than "
                          f"boundaries ({len(b)} boundaries, {len(v)} values).")
    if any(x >= y for x, y in zip(b, b[1:])):
        raise ConfigError(f"schedule.boundaries: must increase, got {b}.")


__all__ = ["constant", "piecewise_constant", "check_piecewise"]
