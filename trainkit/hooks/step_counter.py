"""``StepCounterHook``: measures global steps per second and writes ``<step>/sec``.

Example:
    >>> hook = StepCounterHook(every_n_steps=100, output_dir="/tmp/run")
"""

from __future__ import annotations

import logging
from typing import Any

from trainkit import summary
from trainkit.hooks.registry import register_hook
from trainkit.hooks.timer import SecondOrStepTimer
from trainkit.hooks.writer_hook import WriterHook
from trainkit.training import training_util
from trainkit.training.session_run_hook import SessionRunArgs

_LOG = logging.getLogger("trainkit.hooks")
_MAX_WARNINGS = 5


@register_hook("step_counter")
class StepCounterHook(WriterHook):
    """Every ``every_n_steps`` steps (or ``every_n_secs`` seconds) logs and writes the
    rate ``elapsed_steps / elapsed_secs`` as ``<global step op>/sec``. The first trigger
    only sets the baseline.

    Args:
        every_n_steps: period in global steps.
        every_n_secs: period in seconds.
        output_dir: directory of the (shared, cached) event writer.
        summary_writer: a writer to use instead (flushed, never closed, by the hook).

    Raises:
        ValueError: unless exactly one of ``every_n_steps``/``every_n_secs`` is given.
    """

    def __init__(self, every_n_steps: int | None = 100, every_n_secs: float | None = None,
                 output_dir: str | None = None, summary_writer: Any = None):
        if (every_n_steps is None) == (every_n_secs is None):
            raise ValueError("StepCounterHook: exactly one of every_n_steps and every_n_secs "
                             f"should be provided, got every_n_steps={every_n_steps!r}, "
                             f"every_n_secs={every_n_secs!r}.")
        self._timer = SecondOrStepTimer(every_steps=every_n_steps, every_secs=every_n_secs)
        self._output_dir = output_dir
        self._user_writer = summary_writer
        self._warnings = 0

    def begin(self) -> None:
        self._read = training_util.global_step_read()
        if self._read is None:
            raise RuntimeError("Global step should be created to use StepCounterHook.")
        self._args = SessionRunArgs(self._read)
        self.take_writer(self._output_dir, self._user_writer)
        self._summary_tag = training_util.get_global_step().op.name + "/sec"
        self._last_global_step: int | None = None

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return self._args

    def after_run(self, run_context: Any, run_values: Any) -> None:
        step = int(run_values.results)  # post-run value (training_util)
        if self._timer.should_trigger_for_step(step):
            # As TF: re-read the real step (another hook may have advanced it).
            real = int(run_context.session.run(self._read))
            if self._timer.should_trigger_for_step(real):
                elapsed_secs, elapsed_steps = self._timer.update_last_triggered_step(real)
                if elapsed_secs is not None:
                    self._record(elapsed_steps, elapsed_secs, real)
        if step == self._last_global_step and self._warnings < _MAX_WARNINGS:
            self._warnings += 1
            _LOG.warning("It seems that global step has not been increased. Current value "
                         "(could be stable): %s vs previous value: %s. You could increase "
                         "the global step by passing get_global_step() to "
                         "Optimizer.minimize or Optimizer.apply_gradients.",
                         step, self._last_global_step)
        self._last_global_step = step

    def _record(self, elapsed_steps: int, elapsed_secs: float, step: int) -> None:
        rate = elapsed_steps / elapsed_secs if elapsed_secs > 0 else float("inf")
        if self.writer is not None:
            s = summary.Summary(value=[summary.Summary.Value(tag=self._summary_tag,
                                                             simple_value=rate)])
            self.writer.add_summary(s, step)
        _LOG.info("%s: %g", self._summary_tag, rate)



__all__ = ["StepCounterHook"]
