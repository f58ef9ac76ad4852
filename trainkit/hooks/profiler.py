"""``ProfilerHook``: traces one run every N steps or seconds and writes it as a Chrome
trace (``timeline-<step>.json``) and as run metadata for TensorBoard's Graphs tab.

Example:
    >>> hook = ProfilerHook(save_steps=100, output_dir="/tmp/run")
"""

from __future__ import annotations

import logging
import os
from typing import Any

from trainkit.client.run_metadata import RunOptions
from trainkit.client.timeline import Timeline
from trainkit.hooks.registry import register_hook
from trainkit.hooks.timer import SecondOrStepTimer
from trainkit.hooks.writer_hook import WriterHook
from trainkit.training import training_util
from trainkit.training.session_run_hook import SessionRunArgs

_LOG = logging.getLogger("trainkit.hooks")


@register_hook("profiler")
class ProfilerHook(WriterHook):
    """Requests ``FULL_TRACE`` on a run every ``save_steps`` steps / ``save_secs``
    seconds, counted from the step the session started at (the first run is never
    traced), and writes ``output_dir/timeline-<step>.json`` plus ``add_run_metadata(...,
    'step_<step>')``.

    Args:
        save_steps: period in global steps.
        save_secs: period in seconds.
        output_dir: where the traces and events go ('' = the working directory).
        show_dataflow: draw dataflow arrows in the trace.
        show_memory: add memory counters to the trace.

    Raises:
        ValueError: unless exactly one of ``save_steps``/``save_secs`` is given.

    Differs from TF: the event writer is taken in ``begin`` (TF: the constructor) and
    released in ``end``.
    """

    def __init__(self, save_steps: int | None = None, save_secs: float | None = None,
                 output_dir: str = "", show_dataflow: bool = True, show_memory: bool = False):
        if not isinstance(output_dir, (str, os.PathLike)):
            raise ValueError(f"ProfilerHook: output_dir must be a path, got {output_dir!r}.")
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)
        self._output_dir = os.fspath(output_dir) or "."
        self._show_dataflow = show_dataflow
        self._show_memory = show_memory

    def begin(self) -> None:
        self._read = training_util.global_step_read()
        if self._read is None:
            raise RuntimeError("Global step should be created to use ProfilerHook.")
        self.take_writer(self._output_dir)
        self._next_step: int | None = None
        self._start_step = 0

    def after_create_session(self, session: Any, coord: Any) -> None:
        self._start_step = int(session.run(self._read))
        self._next_step = None

    def before_run(self, run_context: Any) -> SessionRunArgs:
        self._request = (self._next_step is not None
                         and self._timer.should_trigger_for_step(self._next_step))
        opts = RunOptions(trace_level=RunOptions.FULL_TRACE) if self._request else None
        return SessionRunArgs({"global_step": self._read}, options=opts)

    def after_run(self, run_context: Any, run_values: Any) -> None:
        step = int(run_values.results["global_step"])  # post-run value (training_util)
        if self._next_step is None:
            # The period counts from the step the session started at.
            self._timer.update_last_triggered_step(self._start_step)
        if self._request:
            # As TF: the trace is named after the step the session holds now.
            step = int(run_context.session.run(self._read))
            self._timer.update_last_triggered_step(step)
            self._save(step, run_values.run_metadata)
        self._next_step = step + 1

    def _save(self, step: int, run_metadata: Any) -> None:
        path = os.path.join(self._output_dir, f"timeline-{step}.json")
        _LOG.info("Saving timeline for %d into '%s'.", step, path)
        trace = Timeline(run_metadata.step_stats).generate_chrome_trace_format(
            show_dataflow=self._show_dataflow, show_memory=self._show_memory)
        os.makedirs(self._output_dir, exist_ok=True)
        with open(path, "w") as f:
            f.write(trace)
        self.writer.add_run_metadata(run_metadata, f"step_{step}", step)



__all__ = ["ProfilerHook"]
