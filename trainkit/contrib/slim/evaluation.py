"""``slim.evaluation.evaluate_once``: restores a checkpoint in a ``MonitoredSession``, runs
``eval_op`` ``num_evals`` times (counting in the local ``eval_step`` variable), then
returns ``final_op``'s value and writes the summaries to ``logdir``.

Example:
    >>> values, updates = slim.metrics.aggregate_metric_map({
    ...     "accuracy": slim.metrics.streaming_accuracy(predictions, labels)})
    >>> result = slim.evaluation.evaluate_once("", ckpt, logdir, num_evals=10,
    ...     eval_op=list(updates.values()), final_op=values)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.hooks.final_ops import FinalOpsHook
from trainkit.ops import init_ops, state_ops
from trainkit.ops import variable_scope as vs
from trainkit.platform import tf_logging as logging
from trainkit.summary import summary_ops
from trainkit.summary.writer_cache import FileWriterCache
from trainkit.training import training_util
from trainkit.training.monitored_session import MonitoredSession
from trainkit.training.saver import Saver
from trainkit.training.scaffold import Scaffold
from trainkit.training.session_creators import ChiefSessionCreator
from trainkit.training.session_run_hook import SessionRunArgs, SessionRunHook

_USE_DEFAULT = object()


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
    """Stops once the fetched eval step reaches ``num_evals``."""

    def __init__(self, num_evals: int, eval_step: Any):
        self._num_evals = num_evals
        self._eval_step = eval_step

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return SessionRunArgs({"evals_completed": self._eval_step})

    def after_run(self, run_context: Any, run_values: Any) -> None:
        done = int(run_values.results["evals_completed"])
        logging.info("Evaluation [%d/%d]", done, self._num_evals)
        if done >= self._num_evals:
            run_context.request_stop()


class SummaryAtEndHook(SessionRunHook):
    """Runs ``summary_op`` (default: all summaries) at the end and writes it to
    ``log_dir`` at the global step."""

    def __init__(self, log_dir: str, summary_op: Any = None, feed_dict: dict | None = None):
        self._log_dir, self._summary_op, self._feed_dict = log_dir, summary_op, feed_dict

    def begin(self) -> None:
        if self._summary_op is None:
            self._summary_op = summary_ops.merge_all()
        self._global_step = training_util.get_or_create_global_step()

    def end(self, session: Any) -> None:
        writer = FileWriterCache.get(self._log_dir)
        if self._summary_op is not None:
            step = training_util.global_step(session, self._global_step)
            writer.add_summary(session.run(self._summary_op, self._feed_dict), step)
        writer.flush()


def evaluate_once(master: str, checkpoint_path: str, logdir: str, num_evals: int = 1,
                  initial_op: Any = None, initial_op_feed_dict: dict | None = None,
                  eval_op: Any = None, eval_op_feed_dict: dict | None = None,
                  final_op: Any = None, final_op_feed_dict: dict | None = None,
                  summary_op: Any = _USE_DEFAULT, summary_op_feed_dict: dict | None = None,
                  variables_to_restore: list | None = None, session_config: Any = None,
                  hooks: list | None = None) -> Any:
    """Evaluates ``checkpoint_path`` once; returns ``final_op``'s value (None without)."""
    if summary_op is _USE_DEFAULT:
        summary_op = summary_ops.merge_all()
    eval_step = get_or_create_eval_step()
    all_hooks: list = []
    if eval_op is not None:
        update = state_ops.assign_add(eval_step, 1)
        if isinstance(eval_op, dict):
            eval_op = {**eval_op, "update_eval_step": update}
        elif isinstance(eval_op, list | tuple):
            eval_op = [*eval_op, update]
        else:
            eval_op = [eval_op, update]
        all_hooks.append(StopAfterNEvalsHook(num_evals, eval_step))
    if summary_op is not None:
        all_hooks.append(SummaryAtEndHook(logdir, summary_op, summary_op_feed_dict))
    all_hooks += list(hooks or [])
    final_hook = FinalOpsHook(final_op, final_op_feed_dict)
    all_hooks.append(final_hook)
    saver = Saver(variables_to_restore) if variables_to_restore is not None else None
    creator = ChiefSessionCreator(
        scaffold=Scaffold(init_op=initial_op, init_feed_dict=initial_op_feed_dict,
                          saver=saver),
        checkpoint_filename_with_path=checkpoint_path, master=master, config=session_config)
    with MonitoredSession(session_creator=creator, hooks=all_hooks) as session:
        if eval_op is not None:
            while not session.should_stop():
                session.run(eval_op, eval_op_feed_dict)
    return final_hook.final_ops_values


__all__ = ["evaluate_once", "get_or_create_eval_step", "StopAfterNEvalsHook",
           "SummaryAtEndHook"]
