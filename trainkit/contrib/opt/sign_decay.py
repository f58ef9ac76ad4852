"""The sign-decay schedules of AddSign and PowerSign (TF 1.15's
``tf.contrib.opt.get_linear_decay_fn``, ``get_cosine_decay_fn``, ``get_restart_decay_fn``).

Each returns ``fn(global_step) -> float32 scalar tensor``, with the step clipped to
``decay_steps``:

* linear: ``max(0, (decay_steps - step) / decay_steps)``;
* cosine: ``0.5 * (1 + cos(pi * 2 * num_periods * step / decay_steps))``, 0 once
  ``2 * num_periods * step / decay_steps >= 2 * zero_after``;
* restart: ``0.5 * (1 + cos(pi * ((num_periods * step) mod decay_steps) / decay_steps))``,
  0 once ``num_periods * step / decay_steps >= zero_after``.

Example:
    >>> fn = get_cosine_decay_fn(1000, num_periods=2)
    >>> opt = PowerSignOptimizer(sign_decay_fn=fn)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import cast_ops, comparison_ops, math_ops, unary_ops


def _check_steps(decay_steps: Any) -> None:
    if isinstance(decay_steps, bool) or not isinstance(decay_steps, numbers.Real):
        raise TypeError(f"decay_steps must be a positive number, got {decay_steps!r}.")
    if decay_steps <= 0:
        raise ValueError(f"decay_steps must be > 0, got {decay_steps!r}.")


def _clipped_step(global_step: Any, decay_steps: Any, what: str) -> Tensor:
    if global_step is None:
        raise ValueError(f"global_step is required for {what}.")
    step = conversion.convert_to_tensor(global_step)
    return math_ops.minimum(step, conversion.convert_to_tensor(decay_steps, dtype=step.dtype))


def _half_cosine(fraction: Tensor) -> Tensor:
    return 0.5 * (1.0 + unary_ops.cos(
        math_ops.multiply(conversion.convert_to_tensor(math.pi, dtype=_dt.float32),
                          fraction)))


def get_linear_decay_fn(decay_steps: int) -> Callable[[Any], Tensor]:
    """``fn(global_step)``: ``max(0, (decay_steps - step) / decay_steps)``.

    Raises:
        TypeError / ValueError: if ``decay_steps`` is not a positive number; the returned
            function raises ``ValueError`` for a None ``global_step``.
    """
    _check_steps(decay_steps)

    def linear_decay_fn(global_step: Any) -> Tensor:
        step = _clipped_step(global_step, decay_steps, "linear_decay")
        remaining = cast_ops.to_int32(decay_steps) - cast_ops.to_int32(step)
        decayed = cast_ops.to_float(remaining) / cast_ops.to_float(decay_steps)
        return math_ops.maximum(0.0, decayed)

    return linear_decay_fn


def get_cosine_decay_fn(decay_steps: int, num_periods: float = 0.5,
                        zero_after: float | None = None) -> Callable[[Any], Tensor]:
    """``fn(global_step)``: ``0.5 * (1 + cos(2 pi num_periods step / decay_steps))``, and
    0 from ``2 num_periods step / decay_steps >= 2 zero_after`` on when ``zero_after`` is
    given. ``num_periods=0.5`` takes the last step to 0.

    Raises:
        TypeError / ValueError: if ``decay_steps`` is not a positive number.
    """
    _check_steps(decay_steps)

    def cosine_decay_fn(global_step: Any) -> Tensor:
        step = _clipped_step(global_step, decay_steps, "cosine_decay")
        completed = cast_ops.to_float(step) / cast_ops.to_float(decay_steps)
        fraction = 2.0 * num_periods * completed
        decayed = _half_cosine(fraction)
        if zero_after is not None:
            decayed = comparison_ops.where(
                comparison_ops.greater_equal(fraction, 2.0 * zero_after),
                conversion.convert_to_tensor(0.0), decayed)
        return decayed

    return cosine_decay_fn


def get_restart_decay_fn(decay_steps: int, num_periods: float = 1,
                         zero_after: float | None = None) -> Callable[[Any], Tensor]:
    """``fn(global_step)``: ``0.5 * (1 + cos(pi ((num_periods step) mod decay_steps) /
    decay_steps))`` (SGDR-style warm restarts), and 0 from ``num_periods step /
    decay_steps >= zero_after`` on when ``zero_after`` is given.

    Raises:
        TypeError / ValueError: if ``decay_steps`` is not a positive number.
    """
    _check_steps(decay_steps)

    def restart_decay_fn(global_step: Any) -> Tensor:
        step = _clipped_step(global_step, decay_steps, "restart_decay")
        num = math_ops.mod(num_periods * cast_ops.to_float(step),
                           conversion.convert_to_tensor(float(decay_steps)))
        decayed = _half_cosine(num / cast_ops.to_float(decay_steps))
        if zero_after is not None:
            periods = (float(num_periods) * cast_ops.to_float(step)
                       / cast_ops.to_float(decay_steps))
            decayed = comparison_ops.where(
                comparison_ops.greater_equal(periods, float(zero_after)),
                conversion.convert_to_tensor(0.0), decayed)
        return decayed

    return restart_decay_fn


__all__ = ["get_linear_decay_fn", "get_cosine_decay_fn", "get_restart_decay_fn"]
