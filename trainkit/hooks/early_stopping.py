"""``EarlyStoppingHook``: stops training when a monitored value stops improving.

Example:
    >>> stop = EarlyStoppingHook(loss, mode="min", patience=5, every_n_steps=100)
    >>> ev = EvaluationHook({"acc": acc}, init_op=it.initializer, every_n_steps=500)
    >>> stop_on_eval = EarlyStoppingHook("acc", mode="max", patience=3)  # any hook order
"""

from __future__ import annotations

import logging
import math
import numbers
from typing import Any

import numpy as np

from trainkit.hooks.eval_results import evaluation_results
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
        monitor: a scalar tensor (or its name, ``"loss:0"``) fetched every
            ``every_n_steps`` runs; or a metric name (a string without ``:``) of the
            evaluation called ``evaluation``, checked at each new evaluation. Evaluation
            results come from the graph's results board (an ``EvaluationHook`` publishes
            there), so the order of the hooks does not matter.
        mode: ``'min'`` or ``'max'``.
        patience: checks without improvement after which training stops.
        min_delta: the smallest change that counts as an improvement.
        every_n_steps: check period in runs (tensor monitor only).
        evaluation: the name of the evaluation whose metric is watched (an
            ``EvaluationHook``'s ``name``; default ``"eval"``, its default).
        evaluation_hook: the older way to say ``evaluation=evaluation_hook.name``.

    Attributes:
        best: the best value seen; ``stopped_at`` the check count at which it stopped.

    Raises:
        ValueError: naming the bad ``mode``, ``patience``, ``min_delta``,
            ``every_n_steps`` or ``monitor``.
    """

    def __init__(self, monitor: Any, mode: str = "min", patience: int = 0,
                 min_delta: float = 0.0, every_n_steps: int = 1,
                 evaluation: str | None = None, evaluation_hook: Any = None):
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
        if (evaluation_hook is not None or evaluation is not None) \
                and not isinstance(monitor, str):
            raise ValueError("EarlyStoppingHook: with an evaluation, monitor must be a "
                             f"metric name, got {monitor!r}.")
        if monitor is None:
            raise ValueError("EarlyStoppingHook: monitor must be a tensor or a metric name.")
        if evaluation is not None and not (isinstance(evaluation, str) and evaluation):
            raise ValueError(f"EarlyStoppingHook: evaluation must be the name of an "
                             f"evaluation, got {evaluation!r}.")
        if evaluation is None and evaluation_hook is not None:
            evaluation = getattr(evaluation_hook, "name", None)
            if not isinstance(evaluation, str):
                raise ValueError(f"EarlyStoppingHook: evaluation_hook must be an "
                                 f"EvaluationHook, got {evaluation_hook!r}.")
        self._monitor = monitor
        self._mode = mode
        self._patience = int(patience)
        self._min_delta = float(min_delta)
        self._every = int(every_n_steps)
        self._eval = self.evaluation_read({"monitor": monitor, "evaluation": evaluation})
        self.best: float | None = None
        self.stopped_at: int | None = None

    @staticmethod
    def evaluation_read(args: Any) -> str | None:
        """The name of the evaluation whose published results a hook built with the
        constructor arguments ``args`` (a mapping) reads, or None if it fetches a tensor.
        (The CLI asks this before building anything, to check that evaluation runs.)"""
        monitor = args.get("monitor")
        if isinstance(monitor, str) and ":" not in monitor:
            return args.get("evaluation") or "eval"
        return None

    @property
    def evaluation(self) -> str | None:
        """The name of the evaluation watched (None: a tensor is watched)."""
        return self._eval

    def begin(self) -> None:
        self._iter = 0
        self._wait = 0
        self._checks = 0
        self.best = None
        self.stopped_at = None
        self._board = None
        self._ended = False
        if self._eval is not None:
            self._board = evaluation_results(self._eval)
            self._board.subscribe(self, self._on_evaluation)

    def _on_evaluation(self, step: int, metrics: dict[str, float], run_context: Any) -> None:
        if self._ended and run_context is not None:  # another session's evaluation
            self._board.unsubscribe(self)
            return
        if self._monitor not in metrics:
            raise KeyError(f"EarlyStoppingHook: monitor '{self._monitor}' is not a metric "
                           f"of the evaluation '{self._eval}' (it has {sorted(metrics)}).")
        self._check(run_context, metrics[self._monitor])

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
            if run_context is None:  # an evaluation after the last step
                return
            _LOG.info("Early stopping: %s did not improve on %s for %d checks (patience %d).",
                      self._monitor if isinstance(self._monitor, str) else
                      getattr(self._monitor, "name", self._monitor),
                      self.best, self._wait, self._patience)
            run_context.request_stop()

    def after_run(self, run_context: Any, run_values: Any) -> None:
        if self._eval is None:
            if run_values.results is not None:
                self._check(run_context, float(np.mean(run_values.results)))
        elif self._iter == 0 and not self._board.declared:
            raise ValueError(f"EarlyStoppingHook: monitor '{self._monitor}' is a metric of "
                             f"the evaluation '{self._eval}', but no EvaluationHook named "
                             f"'{self._eval}' runs in this session; add one, or monitor a "
                             "tensor ('name:0').")
        self._iter += 1

    def end(self, session: Any) -> None:
        # Still subscribed: an evaluation other hooks run in their end() (at_end) is
        # recorded. A later session's step evaluations unsubscribe this hook.
        self._ended = True

    def abort(self, session: Any, error: BaseException) -> None:
        self.end(session)


__all__ = ["EarlyStoppingHook"]
