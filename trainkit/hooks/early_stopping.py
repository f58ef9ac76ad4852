"""``EarlyStoppingHook``: stops training when a monitored value stops improving.

Example:
    >>> stop = EarlyStoppingHook(loss, mode="min", patience=5, every_n_steps=100)
    >>> ev = EvaluationHook({"acc": acc}, init_op=it.initializer, every_n_steps=500)
    >>> stop_on_eval = EarlyStoppingHook("acc", mode="max", patience=3,
    ...                                  evaluation_hook=ev)      # hooks=[ev, stop_on_eval]
"""

from __future__ import annotations

import logging
import math
import numbers
from typing import Any

import numpy as np

from trainkit.hooks.registry import register_hook
from trainkit.training.session_run_hook import SessionRunArgs, SessionRunHook

_LOG = logging.getLogger("trainkit.hooks")


@register_hook("early_stopping")
class EarlyStoppingHook(SessionRunHook):
    """Requests a stop once ``patience`` checks in a row brought no improvement (Keras'
    rule; ``patience=0`` acts like 1: stop at the first check without improvement).

    A value improves when it is below ``best - min_delta`` (``mode='min'``) or above
    ``best + min_delta`` (``mode='max'``). A NaN never improves.

    Args:
        monitor: a scalar tensor (or its name) fetched every ``every_n_steps`` runs, or,
            with ``evaluation_hook``, the name of one of its metrics (checked after each
            new evaluation; put the evaluation hook first in the hook list).
        mode: ``'min'`` or ``'max'``.
        patience: checks without improvement after which training stops.
        min_delta: the smallest change that counts as an improvement.
        every_n_steps: check period in runs (tensor monitor only).
        evaluation_hook: an ``EvaluationHook`` whose metric is watched.

    Attributes:
        best: the best value seen; ``stopped_at`` the check count at which it stopped.

    Raises:
        ValueError: naming the bad ``mode``, ``patience``, ``min_delta``,
            ``every_n_steps`` or ``monitor``.
    """

    def __init__(self, monitor: Any, mode: str = "min", patience: int = 0,
                 min_delta: float = 0.0, every_n_steps: int = 1,
                 evaluation_hook: Any = None):
        if mode not in ("min", "max"):
            raise ValueError(f"EarlyStoppingHook: mode must be 'min' or 'max', got {mode!r}.")
        if isinstance(patience, bool) or not isinstance(patience, numbers.Integral) \
                or patience < 0:
            raise ValueError(f"EarlyStoppingHook: patience must be a non-negative int, got "
                             f"{patience!r}.")
        if isinstance(min_delta, bool) or not isinstance(min_delta, numbers.Real) \
                or not min_delta >= 0:
            raise ValueError(f"EarlyStoppingHook: min_delta must be a number >= 0, got "
                             f"{min_delta!r}.")
        if isinstance(every_n_steps, bool) or not isinstance(every_n_steps, numbers.Integral) \
                or every_n_steps <= 0:
            raise ValueError(f"EarlyStoppingHook: every_n_steps must be a positive int, got "
                             f"{every_n_steps!r}.")
        if evaluation_hook is not None and not isinstance(monitor, str):
            raise ValueError("EarlyStoppingHook: with evaluation_hook, monitor must be a "
                             f"metric name, got {monitor!r}.")
        if monitor is None:
            raise ValueError("EarlyStoppingHook: monitor must be a tensor or a metric name.")
        self._monitor = monitor
        self._mode = mode
        self._patience = int(patience)
        self._min_delta = float(min_delta)
        self._every = int(every_n_steps)
        self._eval = evaluation_hook
        self.best: float | None = None
        self.stopped_at: int | None = None

    def begin(self) -> None:
        self._iter = 0
        self._wait = 0
        self._checks = 0
        self._seen_eval_step: int | None = None
        self.best = None
        self.stopped_at = None

    def before_run(self, run_context: Any) -> SessionRunArgs | None:
        if self._eval is None and self._iter % self._every == 0:
            return SessionRunArgs(self._monitor)
        return None

    def _improved(self, value: float) -> bool:
        if math.isnan(value):
            return False
        if self.best is None:
            return True
        if self._mode == "min":
            return value < self.best - self._min_delta
        return value > self.best + self._min_delta

    def _check(self, run_context: Any, value: float) -> None:
        self._checks += 1
        if self._improved(value):
            self.best, self._wait = value, 0
            return
        self._wait += 1
        if self._wait >= self._patience:
            self.stopped_at = self._checks
            _LOG.info("Early stopping: %s did not improve on %s for %d checks (patience %d).",
                      self._monitor if isinstance(self._monitor, str) else
                      getattr(self._monitor, "name", self._monitor),
                      self.best, self._wait, self._patience)
            run_context.request_stop()

    def after_run(self, run_context: Any, run_values: Any) -> None:
        if self._eval is None:
            if run_values.results is not None:
                self._check(run_context, float(np.mean(run_values.results)))
        elif self._eval.last_step is not None and self._eval.last_step != self._seen_eval_step:
            self._seen_eval_step = self._eval.last_step
            metrics = self._eval.last_metrics or {}
            if self._monitor not in metrics:
                raise KeyError(f"EarlyStoppingHook: monitor '{self._monitor}' is not a metric "
                               f"of the evaluation hook (it has {sorted(metrics)}).")
            self._check(run_context, metrics[self._monitor])
        self._iter += 1


__all__ = ["EarlyStoppingHook"]
