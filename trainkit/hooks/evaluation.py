"""``EvaluationHook``: every N steps or seconds, runs an evaluation input to exhaustion
over the training graph, then logs the metrics and writes them as summaries.

Example:
    >>> ev = EvaluationHook({"loss": eval_loss, "acc": tk.metrics.accuracy(y, p)},
    ...                     init_op=[eval_iterator.initializer,
    ...                              tk.local_variables_initializer()],
    ...                     every_n_steps=500, output_dir="/tmp/run")
"""

from __future__ import annotations

import logging
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from trainkit import errors, summary
from trainkit.hooks.eval_results import evaluation_results
from trainkit.hooks.registry import register_hook
from trainkit.hooks.timer import SecondOrStepTimer
from trainkit.hooks.writer_hook import WriterHook
from trainkit.training import training_util
from trainkit.training.session_run_hook import SessionRunArgs

_LOG = logging.getLogger("trainkit.hooks")


@register_hook("evaluation")
class EvaluationHook(WriterHook):
    """Evaluates metrics on a separate input in the training session.

    Each evaluation runs ``init_op`` (e.g. an initializable iterator's initializer and the
    metric variables' initializer), then runs the per-batch fetches until the input raises
    ``OutOfRangeError`` (or ``max_batches`` ran), then computes each metric:

    - ``name: tensor`` is fetched every batch and averaged over the batches;
    - ``name: (value_tensor, update_op)`` (a streaming metric as ``tk.metrics.*``
      returns) runs ``update_op`` every batch and reads ``value_tensor`` once at the end.

    Results are logged, written as ``<name>/<metric>`` summaries at the global step, kept
    in :attr:`last_metrics` and published on the graph's results board of ``name``
    (:func:`trainkit.hooks.eval_results.evaluation_results`), where any hook can read
    them (an ``EarlyStoppingHook`` watching a metric subscribes there).

    Args:
        metrics: dict metric name -> tensor or (value, update_op).
        init_op: op(s) run before each evaluation.
        every_n_steps: period in global steps (runs if there is no global step).
        every_n_secs: period in seconds.
        output_dir: directory of the shared event writer (None = no summaries).
        summary_writer: a writer to use instead.
        feed_dict: feeds for the evaluation runs.
        at_end: evaluate once more in ``end`` unless the last step was evaluated.
        max_batches: stop an evaluation after this many batches.
        name: summary tag prefix and log label.

    Raises:
        ValueError: for empty/bad ``metrics``, not exactly one period, or a bad
            ``max_batches``.
    """

    def __init__(self, metrics: Mapping[str, Any], init_op: Any = None,
                 every_n_steps: int | None = None, every_n_secs: float | None = None,
                 output_dir: str | None = None, summary_writer: Any = None,
                 feed_dict: dict | None = None, at_end: bool = False,
                 max_batches: int | None = None, name: str = "eval"):
        if not isinstance(metrics, Mapping) or not metrics:
            raise ValueError(f"EvaluationHook: metrics must be a non-empty dict name -> "
                             f"tensor or (value, update_op), got {metrics!r}.")
        for k, v in metrics.items():
            if isinstance(v, (tuple, list)) and len(v) != 2:
                raise ValueError(f"EvaluationHook: metrics[{k!r}] must be a tensor or a "
                                 f"(value, update_op) pair, got {len(v)} items.")
        if max_batches is not None and (isinstance(max_batches, bool) or not isinstance(
                max_batches, numbers.Integral) or max_batches <= 0):
            raise ValueError(f"EvaluationHook: max_batches must be a positive int, got "
                             f"{max_batches!r}.")
        self._timer = SecondOrStepTimer(every_secs=every_n_secs, every_steps=every_n_steps)
        self._metrics = dict(metrics)
        self._init_op = init_op
        self._output_dir = output_dir
        self._user_writer = summary_writer
        self._feed_dict = feed_dict
        self._at_end = at_end
        self._max_batches = max_batches
        self._name = name
        self.last_metrics: dict[str, float] | None = None
        self.last_step: int | None = None
        self.history: list[tuple[int, dict[str, float]]] = []

    def begin(self) -> None:
        self._read = training_util.global_step_read()
        self._runs = 0
        self._batch_fetches = {k: (v[1] if isinstance(v, (tuple, list)) else v)
                               for k, v in self._metrics.items()}
        self._final_fetches = {k: v[0] for k, v in self._metrics.items()
                               if isinstance(v, (tuple, list))}
        self.take_writer(self._output_dir, self._user_writer)
        self._board = evaluation_results(self._name)
        self._board.declare()

    def before_run(self, run_context: Any) -> Any:
        if self._read is None:
            return None
        return SessionRunArgs(self._read)

    def after_run(self, run_context: Any, run_values: Any) -> None:
        self._runs += 1
        step = int(run_values.results) if self._read is not None else self._runs
        if self._timer.should_trigger_for_step(step):
            self._timer.update_last_triggered_step(step)
            self.evaluate(run_context.session, step, run_context)

    @property
    def name(self) -> str:
        """The summary tag prefix, log label and results-board name."""
        return self._name

    def evaluate(self, session: Any, step: int, run_context: Any = None) -> dict[str, float]:
        """Runs one evaluation now in ``session``, records it at ``step`` and publishes it
        (subscribers get ``run_context``, the step's, to request a stop)."""
        if self._init_op is not None:
            session.run(self._init_op, feed_dict=self._feed_dict)
        sums: dict[str, float] = {}
        batches = 0
        while self._max_batches is None or batches < self._max_batches:
            try:
                values = session.run(self._batch_fetches, feed_dict=self._feed_dict)
            except errors.OutOfRangeError:
                break
            batches += 1
            for k in self._batch_fetches:
                if k not in self._final_fetches:
                    sums[k] = sums.get(k, 0.0) + float(np.mean(values[k]))
        if batches == 0:
            _LOG.warning("%s: the evaluation input was empty at step %d (pass its "
                         "initializer as init_op to re-run it).", self._name, step)
            return {}
        result = {k: sums[k] / batches for k in sums}
        if self._final_fetches:
            final = session.run(self._final_fetches, feed_dict=self._feed_dict)
            result.update({k: float(np.mean(v)) for k, v in final.items()})
        result = {k: result[k] for k in sorted(result)}
        self.last_metrics, self.last_step = result, step
        self.history.append((step, result))
        _LOG.info("%s at step %d (%d batches): %s", self._name, step, batches,
                  ", ".join(f"{k} = {v:.6g}" for k, v in result.items()))
        if self.writer is not None:
            s = summary.Summary(value=[summary.Summary.Value(
                tag=f"{self._name}/{k}", simple_value=v) for k, v in result.items()])
            self.writer.add_summary(s, step)
        board = getattr(self, "_board", None)
        if board is not None:
            board.publish(step, result, run_context)
        return result

    def end(self, session: Any) -> None:
        try:
            if self._at_end:
                step = int(session.run(self._read)) if self._read is not None else self._runs
                if step != self.last_step:
                    self.evaluate(session, step)
        finally:
            super().end(session)


__all__ = ["EvaluationHook"]
