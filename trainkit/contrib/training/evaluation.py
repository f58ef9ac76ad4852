"""``tf.contrib.training``'s evaluation loop (also behind ``slim.evaluation``): restore a
checkpoint in a ``MonitoredSession``, run ``eval_ops`` until a hook stops (counting in
the local ``eval_step`` variable), return ``final_ops``' values; ``evaluate_repeatedly``
does it for each new checkpoint of a directory.

Example:
    >>> values = tf.contrib.training.evaluate_repeatedly(
    ...     ckpt_dir, eval_ops=update_op, final_ops=value,
    ...     hooks=[tf.contrib.training.StopAfterNEvalsHook(10)],
    ...     max_number_of_evaluations=1)
"""

from __future__ import annotations

import logging
import time
from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.framework.default_graph import control_dependencies
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.hooks.final_ops import FinalOpsHook
from trainkit.ops import array_ops, init_ops, state_ops
from trainkit.ops import variable_scope as vs
from trainkit.summary import summary_ops
from trainkit.summary.writer_cache import FileWriterCache
from trainkit.training import training_util
from trainkit.training.checkpoint_polling import checkpoints_iterator, wait_for_new_checkpoint
from trainkit.training.monitored_session import MonitoredSession
from trainkit.training.session_creators import ChiefSessionCreator
from trainkit.training.session_run_hook import SessionRunArgs, SessionRunHook

_LOG = logging.getLogger("trainkit.training")


def get_or_create_eval_step() -> Any:
    """The graph's ``eval_step`` counter (int64, LOCAL_VARIABLES and EVAL_STEP).

    Raises:
        ValueError: if EVAL_STEP holds more than one tensor.
    """
    steps = get_default_graph().get_collection(GraphKeys.EVAL_STEP)
    if len(steps) > 1:
        raise ValueError("Multiple tensors added to tf.GraphKeys.EVAL_STEP")
    if steps:
        return steps[0]
    return vs.get_variable("eval_step", shape=[], dtype=_dt.int64,
                           initializer=init_ops.zeros_initializer(), trainable=False,
                           collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.EVAL_STEP])


class StopAfterNEvalsHook(SessionRunHook):
    """Stops once ``num_evals`` evaluation steps ran (the evaluation loop hands it the
    updated ``eval_step``); logs ``Evaluation [i/n]`` about ten times (every step for
    fewer than 20)."""

    def __init__(self, num_evals: int | None, log_progress: bool = True):
        self._num_evals = num_evals
        self._evals_completed: Any = None
        self._log_progress = log_progress
        self._log_frequency = 1 if num_evals is None or num_evals < 20 else num_evals // 10

    def _set_evals_completed_tensor(self, updated_eval_step: Any) -> None:
        self._evals_completed = updated_eval_step

    def begin(self) -> None:
        if self._evals_completed is None:  # used outside the evaluation loop
            self._evals_completed = get_or_create_eval_step()

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return SessionRunArgs({"evals_completed": self._evals_completed})

    def after_run(self, run_context: Any, run_values: Any) -> None:
        done = int(run_values.results["evals_completed"])
        if self._log_progress:
            if self._num_evals is None:
                _LOG.info("Evaluation [%d]", done)
            elif done % self._log_frequency == 0 or done == self._num_evals:
                _LOG.info("Evaluation [%d/%d]", done, self._num_evals)
        if self._num_evals is not None and done >= self._num_evals:
            run_context.request_stop()


class SummaryAtEndHook(SessionRunHook):
    """Runs ``summary_op`` (default: all summaries) at the end and writes it to
    ``log_dir`` (or ``summary_writer``) at the global step.

    Raises:
        ValueError: neither or both of ``log_dir`` and ``summary_writer``.
    """

    def __init__(self, log_dir: str | None = None, summary_writer: Any = None,
                 summary_op: Any = None, feed_dict: dict | None = None):
        if (log_dir is None) == (summary_writer is None):
            raise ValueError("One of log_dir or summary_writer should be used.")
        self._log_dir, self._writer = log_dir, summary_writer
        self._summary_op, self._feed_dict = summary_op, feed_dict

    def begin(self) -> None:
        if self._summary_op is None:
            self._summary_op = summary_ops.merge_all()
        self._global_step = training_util.get_or_create_global_step()

    def end(self, session: Any) -> None:
        writer = self._writer or FileWriterCache.get(self._log_dir)
        if self._summary_op is not None:
            step = training_util.global_step(session, self._global_step)
            writer.add_summary(session.run(self._summary_op, self._feed_dict), step)
        writer.flush()


def _with_eval_step(eval_ops: Any, hooks: list) -> Any:
    """``eval_ops`` plus the ``eval_step`` increment; stop hooks watch the new value."""
    update = state_ops.assign_add(get_or_create_eval_step(), 1)
    if isinstance(eval_ops, dict):
        eval_ops = {**eval_ops, "update_eval_step": update}
    elif isinstance(eval_ops, list | tuple):
        eval_ops = [*eval_ops, update]
    else:
        eval_ops = [eval_ops, update]
    with control_dependencies([update]):
        value = array_ops.identity(update)
    for h in hooks:
        if isinstance(h, StopAfterNEvalsHook):
            h._set_evals_completed_tensor(value)
    return eval_ops


def _run_once(checkpoint_path: str, master: str, scaffold: Any, eval_ops: Any, feed_dict: Any,
              hooks: list, config: Any) -> None:
    creator = ChiefSessionCreator(scaffold=scaffold, checkpoint_filename_with_path=checkpoint_path,
                                  master=master, config=config)
    _LOG.info("Starting evaluation at %s", time.strftime("%Y-%m-%d-%H:%M:%S", time.gmtime()))
    with MonitoredSession(session_creator=creator, hooks=hooks) as session:
        if eval_ops is not None:
            while not session.should_stop():
                session.run(eval_ops, feed_dict)
    _LOG.info("Finished evaluation at %s", time.strftime("%Y-%m-%d-%H:%M:%S", time.gmtime()))


def evaluate_once(checkpoint_path: str, master: str = "", scaffold: Any = None,
                  eval_ops: Any = None, feed_dict: dict | None = None, final_ops: Any = None,
                  final_ops_feed_dict: dict | None = None, hooks: list | None = None,
                  config: Any = None) -> Any:
    """Evaluates ``checkpoint_path`` once: ``eval_ops`` until a hook stops (without
    ``eval_ops``, no step runs); returns ``final_ops``' values (None without)."""
    hooks = list(hooks or [])
    if eval_ops is not None:
        eval_ops = _with_eval_step(eval_ops, hooks)
    final = FinalOpsHook(final_ops, final_ops_feed_dict)
    _run_once(checkpoint_path, master, scaffold, eval_ops, feed_dict, [*hooks, final], config)
    return final.final_ops_values


def evaluate_repeatedly(checkpoint_dir: str, master: str = "", scaffold: Any = None,
                        eval_ops: Any = None, feed_dict: dict | None = None,
                        final_ops: Any = None, final_ops_feed_dict: dict | None = None,
                        eval_interval_secs: float = 60, hooks: list | None = None,
                        config: Any = None, max_number_of_evaluations: int | None = None,
                        timeout: float | None = None, timeout_fn: Any = None) -> Any:
    """Evaluates each new checkpoint of ``checkpoint_dir`` (at least
    ``eval_interval_secs`` apart) until ``max_number_of_evaluations``, or ``timeout``
    seconds without a new one; returns the last ``final_ops`` values."""
    hooks = list(hooks or [])
    if eval_ops is not None:
        eval_ops = _with_eval_step(eval_ops, hooks)
    final = FinalOpsHook(final_ops, final_ops_feed_dict)
    hooks.append(final)
    done = 0
    for path in checkpoints_iterator(checkpoint_dir, min_interval_secs=eval_interval_secs,
                                     timeout=timeout, timeout_fn=timeout_fn):
        _run_once(path, master, scaffold, eval_ops, feed_dict, hooks, config)
        done += 1
        if max_number_of_evaluations is not None and done >= max_number_of_evaluations:
            break
    return final.final_ops_values


__all__ = ["get_or_create_eval_step", "StopAfterNEvalsHook", "SummaryAtEndHook",
           "evaluate_once", "evaluate_repeatedly", "checkpoints_iterator",
           "wait_for_new_checkpoint"]
