"""``tf.estimator.train_and_evaluate`` in local mode, with ``TrainSpec`` and ``EvalSpec``.

Training runs once up to ``TrainSpec.max_steps``; a saving listener evaluates after a
new checkpoint when at least ``throttle_secs`` passed since the last evaluation, and
once more at the end for the final checkpoint (TF's local executor).

Example:
    >>> metrics, _ = train_and_evaluate(est, TrainSpec(train_fn, max_steps=1000),
    ...                                 EvalSpec(eval_fn, steps=None, throttle_secs=60))
"""

from __future__ import annotations

import collections
import logging
import os
from collections.abc import Callable
from typing import Any

from trainkit.estimator.estimator import Estimator
from trainkit.estimator.exporter import check_exporters
from trainkit.hooks.checkpoint_saver import CheckpointSaverListener
from trainkit.hooks.timer import SecondOrStepTimer

_LOG = logging.getLogger("trainkit.estimator")


def _check_input_fn(input_fn: Any) -> None:
    if not callable(input_fn):
        raise TypeError(f"`input_fn` must be callable, given: {input_fn}")


class TrainSpec(collections.namedtuple(
        "TrainSpec", ["input_fn", "max_steps", "hooks", "saving_listeners"])):
    """What ``train_and_evaluate`` trains on and for how long.

    Raises:
        TypeError: ``input_fn`` not callable.
        ValueError: ``max_steps`` not positive.
    """

    def __new__(cls, input_fn: Callable[..., Any], max_steps: int | None = None,
                hooks: Any = None, saving_listeners: Any = None) -> TrainSpec:
        _check_input_fn(input_fn)
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        return super().__new__(cls, input_fn, max_steps, tuple(hooks or ()),
                               tuple(saving_listeners or ()))


class EvalSpec(collections.namedtuple(
        "EvalSpec", ["input_fn", "steps", "name", "hooks", "exporters", "start_delay_secs",
                     "throttle_secs"])):
    """What ``train_and_evaluate`` evaluates on, and how often.

    ``exporters`` (``exporter.py``) run after each evaluation of ``train_and_evaluate``.
    ``start_delay_secs`` only matters to distributed evaluators (unused locally).

    Raises:
        TypeError: ``input_fn`` not callable, or an exporter that is not an ``Exporter``.
        ValueError: ``steps`` not positive; negative delays; exporters without a name or
            with a repeated one.
    """

    def __new__(cls, input_fn: Callable[..., Any], steps: int | None = 100,
                name: str | None = None, hooks: Any = None, exporters: Any = None,
                start_delay_secs: float = 120, throttle_secs: float = 600) -> EvalSpec:
        _check_input_fn(input_fn)
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if start_delay_secs < 0:
            raise ValueError(f"Must specify start_delay_secs >= 0, given: {start_delay_secs}")
        if throttle_secs < 0:
            raise ValueError(f"Must specify throttle_secs >= 0, given: {throttle_secs}")
        return super().__new__(cls, input_fn, steps, name, tuple(hooks or ()),
                               check_exporters(exporters), start_delay_secs, throttle_secs)


class _EvaluateOnNewCheckpoint(CheckpointSaverListener):
    """Evaluates after a save when ``throttle_secs`` passed, and at the end."""

    def __init__(self, estimator: Estimator, eval_spec: EvalSpec,
                 max_steps: int | None = None):
        self._estimator = estimator
        self._spec = eval_spec
        self._max_steps = max_steps
        self._timer = SecondOrStepTimer(every_secs=eval_spec.throttle_secs)
        self.eval_result: dict[str, Any] | None = None
        self.export_results: list = []
        self.evaluations = 0

    def _evaluate(self, step: int) -> None:
        # TF: an evaluation exports "finally" once training reached max_steps
        final = self._max_steps is not None and step >= self._max_steps
        path = self._estimator.latest_checkpoint()
        self.eval_result = self._estimator.evaluate(
            self._spec.input_fn, steps=self._spec.steps, name=self._spec.name,
            checkpoint_path=path, hooks=list(self._spec.hooks))
        self.evaluations += 1
        self._timer.update_last_triggered_step(step)
        self.export_results = []
        for exporter in self._spec.exporters:
            export_path = os.path.join(self._estimator.model_dir, "export", exporter.name)
            self.export_results.append(exporter.export(
                self._estimator, export_path, path, self.eval_result, final))

    def after_save(self, session: Any, global_step_value: int) -> None:
        if self._timer.should_trigger_for_step(global_step_value):
            self._evaluate(global_step_value)

    def end(self, session: Any, global_step_value: int) -> None:
        if global_step_value != self._timer.last_triggered_step():
            self._evaluate(global_step_value)


def train_and_evaluate(estimator: Estimator, train_spec: TrainSpec,
                       eval_spec: EvalSpec) -> tuple[dict[str, Any] | None, list]:
    """Trains ``estimator`` and evaluates it on new checkpoints (local mode).

    Returns:
        ``(metrics of the last evaluation, the exporters' results of the last one)``.

    Raises:
        TypeError: arguments of the wrong types.
        ValueError: ``throttle_secs`` not positive, or no checkpointing configured.
    """
    if not isinstance(estimator, Estimator):
        raise TypeError(f"`estimator` must have type `tf.estimator.Estimator`. Got: "
                        f"{type(estimator)}")
    if not isinstance(train_spec, TrainSpec):
        raise TypeError(f"`train_spec` must have type `tf.estimator.TrainSpec`. Got: "
                        f"{type(train_spec)}")
    if not isinstance(eval_spec, EvalSpec):
        raise TypeError(f"`eval_spec` must have type `tf.estimator.EvalSpec`. Got: "
                        f"{type(eval_spec)}")
    if eval_spec.throttle_secs <= 0:
        raise ValueError(f"eval_spec.throttle_secs should be positive, given: "
                         f"{eval_spec.throttle_secs}. It is used do determine how long each "
                         f"training iteration should go when train and evaluate locally.")
    listener = _EvaluateOnNewCheckpoint(estimator, eval_spec, train_spec.max_steps)
    _LOG.info("Start train and evaluate loop. The evaluate will happen after every "
              "checkpoint. Checkpoint frequency is determined based on RunConfig "
              "arguments: save_checkpoints_steps %s or save_checkpoints_secs %s.",
              estimator.config.save_checkpoints_steps,
              estimator.config.save_checkpoints_secs)
    estimator.train(train_spec.input_fn, hooks=list(train_spec.hooks),
                    max_steps=train_spec.max_steps,
                    saving_listeners=[*train_spec.saving_listeners, listener])
    return listener.eval_result, listener.export_results


__all__ = ["TrainSpec", "EvalSpec", "train_and_evaluate"]
