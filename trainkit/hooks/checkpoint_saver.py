"""``CheckpointSaverHook`` (+ ``CheckpointSaverListener``): saves checkpoints every N
seconds or steps, at session creation and at the end.

Example:
    >>> hook = CheckpointSaverHook("/tmp/run", save_steps=100)
"""

from __future__ import annotations

import logging
import os
from typing import Any

from trainkit import summary
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.hooks.registry import register_hook
from trainkit.hooks.timer import SecondOrStepTimer
from trainkit.hooks.writer_hook import WriterHook
from trainkit.summary.writer_cache import run_has_graph
from trainkit.training import training_util
from trainkit.training.session_run_hook import SessionRunArgs

_LOG = logging.getLogger("trainkit.hooks")


class CheckpointSaverListener:
    """Gets called around every save of a ``CheckpointSaverHook``.

    ``after_save`` returning True asks training to stop.
    """

    def begin(self) -> None:
        """Called in the hook's ``begin``."""

    def before_save(self, session: Any, global_step_value: int) -> None:
        """Called before each save."""

    def after_save(self, session: Any, global_step_value: int) -> bool | None:
        """Called after each save; return True to request a stop."""
        return None

    def end(self, session: Any, global_step_value: int) -> None:
        """Called at the end of training (after the final save)."""


def _default_saver() -> Any:
    savers = get_default_graph().get_collection(GraphKeys.SAVERS)
    if not savers:
        raise RuntimeError(f"No items in collection {GraphKeys.SAVERS}. Please add a saver "
                           "to the collection or pass saver= or scaffold=.")
    if len(savers) > 1:
        raise RuntimeError(f"More than one item in collection {GraphKeys.SAVERS}. Please "
                           "indicate which one to use by passing it to the constructor.")
    return savers[0]


@register_hook("checkpoint_saver")
class CheckpointSaverHook(WriterHook):
    """Saves a checkpoint when the session is created, every ``save_secs`` seconds or
    ``save_steps`` steps, and at the end if the last step was not saved yet.

    Args:
        checkpoint_dir: where checkpoints (and ``graph.pbtxt``) go.
        save_secs: save period in seconds.
        save_steps: save period in global steps.
        saver: the ``Saver`` (default: ``scaffold.saver`` or the SAVERS collection).
        checkpoint_basename: file prefix inside ``checkpoint_dir``.
        scaffold: a ``Scaffold`` whose saver is used.
        listeners: ``CheckpointSaverListener``s.
        save_graph_def: write ``graph.pbtxt``, the graph events and ``.meta`` files.

    Raises:
        ValueError: if both ``saver`` and ``scaffold`` are given, unless exactly one of
            ``save_secs``/``save_steps`` is, or for a bad ``checkpoint_dir``.
    """

    def __init__(self, checkpoint_dir: str, save_secs: float | None = None,
                 save_steps: int | None = None, saver: Any = None,
                 checkpoint_basename: str = "model.ckpt", scaffold: Any = None,
                 listeners: list | None = None, save_graph_def: bool = True):
        if saver is not None and scaffold is not None:
            raise ValueError("CheckpointSaverHook: you cannot provide both saver and "
                             "scaffold.")
        if not isinstance(checkpoint_dir, (str, os.PathLike)) or not os.fspath(
                checkpoint_dir):
            raise ValueError(f"CheckpointSaverHook: checkpoint_dir must be a directory "
                             f"path, got {checkpoint_dir!r}.")
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)
        self._checkpoint_dir = os.fspath(checkpoint_dir)
        self._save_path = os.path.join(self._checkpoint_dir, checkpoint_basename)
        self._saver = saver
        self._scaffold = scaffold
        self._listeners = list(listeners or [])
        self._save_graph_def = save_graph_def

    def begin(self) -> None:
        self._read = training_util.global_step_read()
        if self._read is None:
            raise RuntimeError("Global step should be created to use CheckpointSaverHook.")
        self._args = SessionRunArgs(self._read)
        self.take_writer(self._checkpoint_dir)
        for listener in self._listeners:
            listener.begin()

    def after_create_session(self, session: Any, coord: Any) -> None:
        step = int(session.run(self._read))
        if self._save_graph_def:
            graph = session.graph
            os.makedirs(self._checkpoint_dir, exist_ok=True)
            with open(os.path.join(self._checkpoint_dir, "graph.pbtxt"), "w") as f:
                f.write(str(graph.as_graph_def(add_shapes=True)))
            # One graph event per run (TensorBoard warns about a second): the cached
            # writer wrote it when it was created, or a resumed run already has one.
            if not self.writer.graph_written and not run_has_graph(self._checkpoint_dir):
                self.writer.add_graph(graph)
            self.writer.add_meta_graph(graph)
        # Save the starting point, so a crash before the first period can resume here.
        self._save(session, step)
        self._timer.update_last_triggered_step(step)

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return self._args

    def after_run(self, run_context: Any, run_values: Any) -> None:
        step = int(run_values.results)  # post-increment value (training_util)
        if self._timer.should_trigger_for_step(step):
            self._timer.update_last_triggered_step(step)
            if self._save(run_context.session, step):
                run_context.request_stop()

    def end(self, session: Any) -> None:
        try:
            step = int(session.run(self._read))
            if step != self._timer.last_triggered_step():
                self._save(session, step)
            for listener in self._listeners:
                listener.end(session, step)
        finally:
            super().end(session)

    def _get_saver(self) -> Any:
        if self._saver is not None:
            return self._saver
        if self._scaffold is not None:
            return self._scaffold.saver
        return _default_saver()

    def _save(self, session: Any, step: int) -> bool:
        """Saves; returns True if a listener asked to stop."""
        for listener in self._listeners:
            listener.before_save(session, step)
        _LOG.info("Saving checkpoints for %d into %s.", step, self._save_path)
        self._get_saver().save(session, self._save_path, global_step=step,
                               write_meta_graph=self._save_graph_def)
        log = summary.SessionLog(status=summary.SessionLog.CHECKPOINT,
                                 checkpoint_path=self._save_path)
        self.writer.add_session_log(log, step)
        stop = False
        for listener in self._listeners:
            if listener.after_save(session, step):
                _LOG.info("A CheckpointSaverListener requested that training be stopped. "
                          "listener: %r", listener)
                stop = True
        return stop


__all__ = ["CheckpointSaverHook", "CheckpointSaverListener"]
