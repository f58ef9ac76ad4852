"""The evaluation and prediction loops of an ``Estimator``, and the eval summaries.

Both restore only the model's variables (not the training data position) from the
checkpoint, and read their input from the start.

Example:
    >>> results = evaluate_model(estimator, input_fn, steps, hooks, path, eval_dir)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from trainkit.estimator.mode_keys import ModeKeys
from trainkit.estimator.model_fn import LOSS_METRIC_KEY
from trainkit.framework.graph import Graph, GraphKeys
from trainkit.hooks.final_ops import FinalOpsHook
from trainkit.ops import control_flow_ops, metrics_impl, state_ops
from trainkit.summary.summary_proto import scalar_summary
from trainkit.summary.writer import FileWriter
from trainkit.training import training_util
from trainkit.training.monitored_session import MonitoredSession
from trainkit.training.saver import Saver
from trainkit.training.scaffold import Scaffold
from trainkit.training.session_creators import ChiefSessionCreator
from trainkit.training.session_run_hook import SessionRunArgs, SessionRunHook

_LOG = logging.getLogger("trainkit.estimator")


class StopAfterNEvalsHook(SessionRunHook):
    """Requests a stop after ``num_evals`` runs (and logs progress, as TF does)."""

    def __init__(self, num_evals: int, log_progress: bool = True):
        self._num_evals = num_evals
        self._log_progress = log_progress
        self._evals_completed = 0

    def before_run(self, run_context: Any) -> SessionRunArgs | None:
        return None

    def after_run(self, run_context: Any, run_values: Any) -> None:
        self._evals_completed += 1
        if self._log_progress:
            _LOG.info("Evaluation [%d/%d]", self._evals_completed, self._num_evals)
        if self._evals_completed >= self._num_evals:
            run_context.request_stop()


def _variables_scaffold(scaffold: Scaffold) -> Scaffold:
    saver = scaffold.saver
    if saver is None:
        # Variables only: the training run's data position stays out of evaluation.
        saver = Saver(var_list=state_ops.global_variables(), allow_empty=True)
    return Scaffold(copy_from_scaffold=scaffold, saver=saver)


def _scalar(value: Any) -> Any:
    arr = np.asarray(value)
    return arr[()] if arr.ndim == 0 else value  # NumPy scalars, as TF returns


def write_eval_summaries(eval_dir: str, results: dict[str, Any], step: int) -> None:
    """Writes every scalar result (except ``global_step``) as a summary at ``step``."""
    writer = FileWriter(eval_dir)
    try:
        for key, value in sorted(results.items()):
            if key == GraphKeys.GLOBAL_STEP:
                continue
            arr = np.asarray(value)
            if arr.ndim == 0 and arr.dtype.kind in "biuf":
                writer.add_summary(scalar_summary(key, float(arr)), step)
            else:
                _LOG.warning("Skipping summary for %s, must be a float or np.float32.", key)
    finally:
        writer.close()


def evaluate_model(estimator: Any, input_fn: Callable[..., Any], steps: int | None,
                   hooks: list, checkpoint_path: str | None, eval_dir: str) -> dict[str, Any]:
    """Builds the EVAL graph in the default graph, runs the metric updates and returns
    the final metric values (see ``Estimator.evaluate``)."""
    global_step = training_util.get_or_create_global_step()
    features, labels, input_hooks, _ = estimator.call_input_fn(
        input_fn, ModeKeys.EVAL)
    spec = estimator.call_model_fn(features, labels, ModeKeys.EVAL)
    metric_ops = dict(spec.eval_metric_ops)
    if LOSS_METRIC_KEY in metric_ops:
        raise ValueError(f'Metric with name "{LOSS_METRIC_KEY}" is not allowed, because '
                         f"Estimator already defines a default metric with the same name.")
    metric_ops[LOSS_METRIC_KEY] = metrics_impl.mean(spec.loss)
    if GraphKeys.GLOBAL_STEP in metric_ops:
        raise ValueError("Metric with name `global_step` is not allowed, because Estimator "
                         "already defines a default metric with the same name.")
    update_op = control_flow_ops.group(*[pair[1] for pair in metric_ops.values()])
    final = {k: pair[0] for k, pair in metric_ops.items()}
    final[GraphKeys.GLOBAL_STEP] = global_step
    final_hook = FinalOpsHook(final)
    all_hooks = [*input_hooks]
    if steps is not None:
        all_hooks.append(StopAfterNEvalsHook(steps))
    all_hooks += [final_hook, *hooks, *spec.evaluation_hooks]
    creator = ChiefSessionCreator(scaffold=_variables_scaffold(spec.scaffold),
                                  checkpoint_filename_with_path=checkpoint_path,
                                  config=estimator.config.session_config)
    with MonitoredSession(session_creator=creator, hooks=all_hooks) as sess:
        while not sess.should_stop():
            sess.run(update_op)
    results = {k: _scalar(v) for k, v in final_hook.final_ops_values.items()}
    results[GraphKeys.GLOBAL_STEP] = np.int64(results[GraphKeys.GLOBAL_STEP])
    _LOG.info("Saving dict for global step %d: %s", results[GraphKeys.GLOBAL_STEP],
              ", ".join(f"{k} = {v}" for k, v in sorted(results.items())))
    write_eval_summaries(eval_dir, results, int(results[GraphKeys.GLOBAL_STEP]))
    return results


def _extract_keys(predictions: Any, predict_keys: Any) -> Any:
    if not predict_keys:
        return predictions
    if not isinstance(predictions, dict):
        raise ValueError("predict_keys argument is not valid in case of non-dict "
                         "predictions.")
    if isinstance(predict_keys, str):
        predict_keys = [predict_keys]
    picked = {k: v for k, v in predictions.items() if k in predict_keys}
    if not picked:
        raise ValueError(f"Expected to run at least one output from {list(predictions)}, "
                         f"provided {list(predict_keys)}.")
    return picked


def _batch_length(values: dict[str, Any]) -> int:
    length = None
    for key, value in values.items():
        n = np.asarray(value).shape[0]
        length = n if length is None else length
        if n != length:
            raise ValueError(f"Batch length of predictions should be same. {key} has "
                             f"different batch length than others.")
    return length or 0


def predict_model(estimator: Any, graph: Graph, input_fn: Callable[..., Any],
                  predict_keys: Any, hooks: list, checkpoint_path: str | None,
                  yield_single_examples: bool) -> Iterator[Any]:
    """Builds the PREDICT graph in ``graph`` and yields predictions (see
    ``Estimator.predict``)."""
    with graph.as_default():
        training_util.get_or_create_global_step()
        features, _, input_hooks, _ = estimator.call_input_fn(
            input_fn, ModeKeys.PREDICT)
        spec = estimator.call_model_fn(features, None, ModeKeys.PREDICT)
        predictions = _extract_keys(spec.predictions, predict_keys)
        creator = ChiefSessionCreator(scaffold=_variables_scaffold(spec.scaffold),
                                      checkpoint_filename_with_path=checkpoint_path,
                                      config=estimator.config.session_config)
        sess = MonitoredSession(session_creator=creator,
                                hooks=[*input_hooks, *hooks, *spec.prediction_hooks])
    with sess:
        while not sess.should_stop():
            values = sess.run(predictions)
            if not yield_single_examples:
                yield values
            elif not isinstance(predictions, dict):
                yield from values
            else:
                for i in range(_batch_length(values)):
                    yield {k: v[i] for k, v in values.items()}


__all__ = ["evaluate_model", "predict_model", "write_eval_summaries", "StopAfterNEvalsHook"]
