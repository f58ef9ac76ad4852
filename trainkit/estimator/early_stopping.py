"""``tf.estimator.experimental``'s early stopping: hooks that end ``Estimator.train`` when
the evaluations written to the estimator's eval directory say so (TF 1.10+'s
``make_early_stopping_hook``, ``stop_if_higher_hook``, ``stop_if_lower_hook``,
``stop_if_no_increase_hook``, ``stop_if_no_decrease_hook``).

The chief's hook checks a predicate every ``run_every_secs`` seconds (or
``run_every_steps`` steps; exactly one of the two, as ``SecondOrStepTimer`` demands) after
a training step; when it holds, it sets the graph's boolean variable
``signal_early_stopping/STOP`` and requests a stop. A non-chief's hook only reads that
variable every step and stops when it is set. The predicates read every
``events.out.tfevents.*`` file of the eval directory (``model_dir/eval`` by default:
what ``evaluate``/``train_and_evaluate`` write), collect each event's simple values by
step, and scan the steps in order from ``min_steps`` on:

- ``stop_if_higher_hook`` / ``stop_if_lower_hook``: some evaluation's ``metric_name``
  is above (below) ``threshold``;
- ``stop_if_no_increase_hook`` / ``stop_if_no_decrease_hook``: some evaluation lies
  ``max_steps_without_increase`` (``..._decrease``) or more global steps after the best
  value so far (strictly better to become the best).

Example:
    >>> hook = tf.estimator.experimental.stop_if_no_decrease_hook(
    ...     estimator, "loss", max_steps_without_decrease=1000, min_steps=100)
    >>> tf.estimator.train_and_evaluate(estimator, tf.estimator.TrainSpec(input_fn,
    ...     hooks=[hook]), eval_spec)
"""

from __future__ import annotations

import collections
import glob
import logging
import operator
import os
from collections.abc import Callable
from typing import Any

from trainkit.framework import dtypes
from trainkit.hooks.timer import SecondOrStepTimer
from trainkit.ops import init_ops, state_ops
from trainkit.ops.variable_scope import AUTO_REUSE, get_variable, variable_scope
from trainkit.summary.event_reader import summary_iterator
from trainkit.training.session_run_hook import SessionRunArgs, SessionRunHook
from trainkit.training.training_util import get_global_step

_LOG = logging.getLogger("trainkit")
_EVENT_FILES = "events.out.tfevents.*"


def read_eval_metrics(eval_dir: str) -> collections.OrderedDict:
    """``{global step: {tag: simple value}}`` of every summary event in ``eval_dir``'s
    event files, ordered by step (an absent directory gives an empty dict)."""
    by_step: dict[int, dict[str, float]] = collections.defaultdict(dict)
    if os.path.isdir(eval_dir):
        for path in sorted(glob.glob(os.path.join(eval_dir, _EVENT_FILES))):
            for event in summary_iterator(path):
                if not event.HasField("summary"):
                    continue
                values = {v.tag: v.simple_value for v in event.summary.value
                          if v.HasField("simple_value")}
                if values:
                    by_step[event.step].update(values)
    return collections.OrderedDict(sorted(by_step.items()))


def _stop_variable() -> Any:
    with variable_scope("signal_early_stopping", values=[], reuse=AUTO_REUSE):
        return get_variable("STOP", shape=[], dtype=dtypes.bool_,
                            initializer=init_ops.constant_initializer(False),
                            trainable=False)


class _StopOnPredicateHook(SessionRunHook):
    """The chief's hook: checks ``should_stop_fn`` on the timer, then stops everyone."""

    def __init__(self, should_stop_fn: Callable[[], bool], run_every_secs: float | None,
                 run_every_steps: int | None):
        if not callable(should_stop_fn):
            raise TypeError("`should_stop_fn` must be callable.")
        self._should_stop_fn = should_stop_fn
        self._timer = SecondOrStepTimer(every_secs=run_every_secs,
                                        every_steps=run_every_steps)
        self._global_step = self._stop_op = None

    def begin(self) -> None:
        self._global_step = get_global_step()
        if self._global_step is None:
            raise RuntimeError("Global step should be created to use early stopping hooks.")
        self._stop_op = state_ops.assign(_stop_variable(), True)

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return SessionRunArgs(self._global_step)

    def after_run(self, run_context: Any, run_values: Any) -> None:
        step = int(run_values.results)
        if self._timer.should_trigger_for_step(step):
            self._timer.update_last_triggered_step(step)
            if self._should_stop_fn():
                _LOG.info("Requesting early stopping at global step %d", step)
                run_context.session.run(self._stop_op)
                run_context.request_stop()


class _CheckForStoppingHook(SessionRunHook):
    """A non-chief's hook: stops once the chief set the stop variable."""

    def begin(self) -> None:
        self._stop_var = _stop_variable()

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return SessionRunArgs(self._stop_var)

    def after_run(self, run_context: Any, run_values: Any) -> None:
        if run_values.results:
            _LOG.info("Hook to stop training has been triggered.")
            run_context.request_stop()


def _check_estimator(estimator: Any) -> None:
    from trainkit.estimator.estimator import Estimator

    if not isinstance(estimator, Estimator):
        raise TypeError(f"`estimator` must have type `tf.estimator.Estimator`. Got: "
                        f"{type(estimator)}")


def make_early_stopping_hook(estimator: Any, should_stop_fn: Callable[[], bool],
                             run_every_secs: float | None = 60,
                             run_every_steps: int | None = None) -> SessionRunHook:
    """A hook that stops training when ``should_stop_fn()`` returns True (checked every
    ``run_every_secs`` or ``run_every_steps``, exactly one of them set).

    Raises:
        TypeError: if ``estimator`` is not a ``tf.estimator.Estimator`` or
            ``should_stop_fn`` is not callable.
        ValueError: unless exactly one of ``run_every_secs``/``run_every_steps`` is set.
    """
    _check_estimator(estimator)
    if estimator.config.is_chief:
        return _StopOnPredicateHook(should_stop_fn, run_every_secs, run_every_steps)
    return _CheckForStoppingHook()


def _value(metrics: dict, name: str, step: int, eval_dir: str) -> float:
    if name not in metrics:
        raise KeyError(f"metric {name!r} is not among the evaluation at step {step} in "
                       f"{eval_dir} (found: {sorted(metrics)})")
    return metrics[name]


def _threshold_hook(estimator: Any, metric_name: str, threshold: float, higher: bool,
                    eval_dir: str | None, min_steps: int, run_every_secs: float | None,
                    run_every_steps: int | None) -> SessionRunHook:
    _check_estimator(estimator)   # (TF reaches estimator.eval_dir() first: AttributeError)
    eval_dir = eval_dir or estimator.eval_dir()
    better = operator.gt if higher else operator.lt

    def crossed() -> bool:
        for step, metrics in read_eval_metrics(eval_dir).items():
            if step < min_steps:
                continue
            val = _value(metrics, metric_name, step, eval_dir)
            if better(val, threshold):
                _LOG.info('At step %s, metric "%s" has value %s which is %s the configured '
                          "threshold (%s) for early stopping.", step, metric_name, val,
                          "greater than" if higher else "less than", threshold)
                return True
        return False

    return make_early_stopping_hook(estimator, crossed, run_every_secs, run_every_steps)


def _no_improvement_hook(estimator: Any, metric_name: str, max_steps: int, higher: bool,
                         eval_dir: str | None, min_steps: int, run_every_secs: float | None,
                         run_every_steps: int | None) -> SessionRunHook:
    _check_estimator(estimator)
    eval_dir = eval_dir or estimator.eval_dir()
    better = operator.gt if higher else operator.lt

    def stalled() -> bool:
        best = best_step = None
        for step, metrics in read_eval_metrics(eval_dir).items():
            if step < min_steps:
                continue
            val = _value(metrics, metric_name, step, eval_dir)
            if best is None or better(val, best):
                best, best_step = val, step
            if step - best_step >= max_steps:
                _LOG.info('No %s in metric "%s" for %s steps, which is greater than or equal '
                          "to max steps (%s) configured for early stopping.",
                          "increase" if higher else "decrease", metric_name,
                          step - best_step, max_steps)
                return True
        return False

    return make_early_stopping_hook(estimator, stalled, run_every_secs, run_every_steps)


def stop_if_higher_hook(estimator: Any, metric_name: str, threshold: float,
                        eval_dir: str | None = None, min_steps: int = 0,
                        run_every_secs: float | None = 60,
                        run_every_steps: int | None = None) -> SessionRunHook:
    """Stops when an evaluation's ``metric_name`` exceeds ``threshold``."""
    return _threshold_hook(estimator, metric_name, threshold, True, eval_dir, min_steps,
                           run_every_secs, run_every_steps)


def stop_if_lower_hook(estimator: Any, metric_name: str, threshold: float,
                       eval_dir: str | None = None, min_steps: int = 0,
                       run_every_secs: float | None = 60,
                       run_every_steps: int | None = None) -> SessionRunHook:
    """Stops when an evaluation's ``metric_name`` falls below ``threshold``."""
    return _threshold_hook(estimator, metric_name, threshold, False, eval_dir, min_steps,
                           run_every_secs, run_every_steps)


def stop_if_no_increase_hook(estimator: Any, metric_name: str,
                             max_steps_without_increase: int, eval_dir: str | None = None,
                             min_steps: int = 0, run_every_secs: float | None = 60,
                             run_every_steps: int | None = None) -> SessionRunHook:
    """Stops when ``metric_name`` has not increased for that many global steps."""
    return _no_improvement_hook(estimator, metric_name, max_steps_without_increase, True,
                                eval_dir, min_steps, run_every_secs, run_every_steps)


def stop_if_no_decrease_hook(estimator: Any, metric_name: str,
                             max_steps_without_decrease: int, eval_dir: str | None = None,
                             min_steps: int = 0, run_every_secs: float | None = 60,
                             run_every_steps: int | None = None) -> SessionRunHook:
    """Stops when ``metric_name`` has not decreased for that many global steps."""
    return _no_improvement_hook(estimator, metric_name, max_steps_without_decrease, False,
                                eval_dir, min_steps, run_every_secs, run_every_steps)


__all__ = ["make_early_stopping_hook", "read_eval_metrics", "stop_if_higher_hook",
           "stop_if_lower_hook", "stop_if_no_increase_hook", "stop_if_no_decrease_hook"]
