"""``SummarySaverHook``: writes the summary op's output every N steps or seconds.

Example:
    >>> hook = SummarySaverHook(save_steps=100, output_dir="/tmp/run",
    ...                         summary_op=tk.summary.merge_all())
"""

from __future__ import annotations

from typing import Any

from trainkit import summary
from trainkit.hooks.registry import register_hook
from trainkit.hooks.timer import SecondOrStepTimer
from trainkit.hooks.writer_hook import WriterHook
from trainkit.training import training_util
from trainkit.training.session_run_hook import SessionRunArgs


@register_hook("summary_saver")
class SummarySaverHook(WriterHook):
    """Fetches the summary op on the first run of each session and then every
    ``save_steps`` steps / ``save_secs`` seconds, and writes it at the global step.

    Each session starts with a ``SessionLog.START`` event at its first step (TensorBoard
    then discards events a restarted run left beyond that step).

    Args:
        save_steps: period in global steps.
        save_secs: period in seconds.
        output_dir: directory of the (shared, cached) event writer.
        summary_writer: a writer to use instead (flushed, never closed, by the hook).
        scaffold: take ``scaffold.summary_op``.
        summary_op: a summary tensor or a list of them.

    Raises:
        ValueError: unless exactly one of ``scaffold``/``summary_op`` and exactly one of
            ``save_steps``/``save_secs`` is given.

    Differs from TF: the START event is written after every session creation (also after
    a recovery). The fetched global step is the exact post-run value (TF's is racy), so
    the period needs no ``stale + 1`` extrapolation; summaries are written at the step
    re-read from the session, as TF does.
    """

    def __init__(self, save_steps: int | None = None, save_secs: float | None = None,
                 output_dir: str | None = None, summary_writer: Any = None,
                 scaffold: Any = None, summary_op: Any = None):
        if (scaffold is None) == (summary_op is None):
            raise ValueError("SummarySaverHook: exactly one of scaffold or summary_op must "
                             "be provided.")
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)
        self._summary_op = summary_op
        self._scaffold = scaffold
        self._output_dir = output_dir
        self._user_writer = summary_writer

    def begin(self) -> None:
        self._read = training_util.global_step_read()
        if self._read is None:
            raise RuntimeError("Global step should be created to use SummarySaverHook.")
        self.take_writer(self._output_dir, self._user_writer)
        self._next_step: int | None = None
        self._step_only = SessionRunArgs({"global_step": self._read})

    def after_create_session(self, session: Any, coord: Any) -> None:
        self._next_step = None

    def _get_summary_op(self) -> list | None:
        op = self._summary_op if self._summary_op is not None else self._scaffold.summary_op
        if op is None:
            return None
        return op if isinstance(op, list) else [op]

    def before_run(self, run_context: Any) -> SessionRunArgs:
        self._request = self._next_step is None or self._timer.should_trigger_for_step(
            self._next_step)
        if not self._request:
            return self._step_only
        op = self._get_summary_op()
        return SessionRunArgs({"global_step": self._read} if op is None else
                              {"global_step": self._read, "summary": op})

    def after_run(self, run_context: Any, run_values: Any) -> None:
        if self.writer is None:
            return
        step = int(run_values.results["global_step"])  # post-run value (training_util)
        if self._next_step is None or self._request:
            # As TF: the step written is the one the session holds now, so a step advanced
            # outside the train op (by another hook's after_run) is still right.
            step = int(run_context.session.run(self._read))
        if self._next_step is None:
            self.writer.add_session_log(summary.SessionLog(status=summary.SessionLog.START),
                                         step)
        if self._request:
            self._timer.update_last_triggered_step(step)
            for s in run_values.results.get("summary", ()):
                self.writer.add_summary(s, step)
        self._next_step = step + 1

    def end(self, session: Any = None) -> None:
        self.give_back_writer()


__all__ = ["SummarySaverHook"]
