"""``slim.evaluation.evaluate_once`` / ``evaluation_loop``: restores a checkpoint (each new
one of a directory) in a ``MonitoredSession``, runs ``eval_op`` ``num_evals`` times
(counting in the local ``eval_step`` variable), then returns ``final_op``'s value and
writes the summaries to ``logdir`` (``tf.contrib.training``'s evaluation loop).

Example:
    >>> values, updates = slim.metrics.aggregate_metric_map({
    ...     "accuracy": slim.metrics.streaming_accuracy(predictions, labels)})
    >>> result = slim.evaluation.evaluate_once("", ckpt, logdir, num_evals=10,
    ...     eval_op=list(updates.values()), final_op=values)
"""

from __future__ import annotations

from typing import Any

from trainkit.contrib.training import evaluation
from trainkit.contrib.training.evaluation import (
    StopAfterNEvalsHook,
    SummaryAtEndHook,
    get_or_create_eval_step,
)
from trainkit.summary import summary_ops
from trainkit.training.saver import Saver
from trainkit.training.scaffold import Scaffold

_USE_DEFAULT = object()


def _hooks(num_evals: int, logdir: str, summary_op: Any, summary_op_feed_dict: Any,
           hooks: Any) -> list:
    if summary_op is _USE_DEFAULT:
        summary_op = summary_ops.merge_all()
    all_hooks: list = [StopAfterNEvalsHook(num_evals)]
    if summary_op is not None:
        all_hooks.append(SummaryAtEndHook(log_dir=logdir, summary_op=summary_op,
                                          feed_dict=summary_op_feed_dict))
    return all_hooks + list(hooks or [])


def evaluate_once(master: str, checkpoint_path: str, logdir: str, num_evals: int = 1,
                  initial_op: Any = None, initial_op_feed_dict: dict | None = None,
                  eval_op: Any = None, eval_op_feed_dict: dict | None = None,
                  final_op: Any = None, final_op_feed_dict: dict | None = None,
                  summary_op: Any = _USE_DEFAULT, summary_op_feed_dict: dict | None = None,
                  variables_to_restore: list | None = None, session_config: Any = None,
                  hooks: list | None = None) -> Any:
    """Evaluates ``checkpoint_path`` once; returns ``final_op``'s value (None without)."""
    saver = Saver(variables_to_restore) if variables_to_restore is not None else None
    return evaluation.evaluate_once(
        checkpoint_path, master=master,
        scaffold=Scaffold(init_op=initial_op, init_feed_dict=initial_op_feed_dict,
                          saver=saver),
        eval_ops=eval_op, feed_dict=eval_op_feed_dict, final_ops=final_op,
        final_ops_feed_dict=final_op_feed_dict,
        hooks=_hooks(num_evals, logdir, summary_op, summary_op_feed_dict, hooks),
        config=session_config)


def evaluation_loop(master: str, checkpoint_dir: str, logdir: str, num_evals: int = 1,
                    initial_op: Any = None, initial_op_feed_dict: dict | None = None,
                    init_fn: Any = None, eval_op: Any = None,
                    eval_op_feed_dict: dict | None = None, final_op: Any = None,
                    final_op_feed_dict: dict | None = None, summary_op: Any = _USE_DEFAULT,
                    summary_op_feed_dict: dict | None = None,
                    variables_to_restore: list | None = None, eval_interval_secs: float = 60,
                    max_number_of_evaluations: int | None = None, session_config: Any = None,
                    timeout: float | None = None, timeout_fn: Any = None,
                    hooks: list | None = None) -> Any:
    """:func:`evaluate_once` of each new checkpoint of ``checkpoint_dir`` (at least
    ``eval_interval_secs`` apart) until ``max_number_of_evaluations`` or ``timeout``
    seconds without a new one; returns the last ``final_op`` value."""
    saver = Saver(variables_to_restore) if variables_to_restore is not None else None
    return evaluation.evaluate_repeatedly(
        checkpoint_dir, master=master,
        scaffold=Scaffold(init_op=initial_op, init_feed_dict=initial_op_feed_dict,
                          init_fn=init_fn, saver=saver),
        eval_ops=eval_op, feed_dict=eval_op_feed_dict, final_ops=final_op,
        final_ops_feed_dict=final_op_feed_dict, eval_interval_secs=eval_interval_secs,
        hooks=_hooks(num_evals, logdir, summary_op, summary_op_feed_dict, hooks),
        config=session_config, max_number_of_evaluations=max_number_of_evaluations,
        timeout=timeout, timeout_fn=timeout_fn)


__all__ = ["evaluate_once", "evaluation_loop", "get_or_create_eval_step",
           "StopAfterNEvalsHook", "SummaryAtEndHook"]
