"""``tf.estimator.tpu.TPUEstimator`` / ``tf.contrib.tpu.TPUEstimator`` on the CPU, and the
``TPUEstimatorSpec`` its ``model_fn`` returns.

With ``use_tpu=False`` (the way TPU programs such as BERT's ``run_classifier.py`` run
without a TPU) TF's TPUEstimator is an ``Estimator`` whose ``input_fn`` and ``model_fn``
get ``params['batch_size']`` (the mode's ``train_batch_size``, ``eval_batch_size`` or
``predict_batch_size``) and ``params['use_tpu'] = False``, whose ``TPUEstimatorSpec`` is
turned into an ``EstimatorSpec`` (``scaffold_fn()`` called, ``eval_metrics``'
``metric_fn(*tensors)`` as ``eval_metric_ops``, ``host_call`` run every step), and which
logs ``global_step/sec`` and ``examples/sec`` instead of the loss. trainkit does all of
this. Asking for a TPU (``use_tpu=True``) fails as TF's does on a machine without one.

Example:
    >>> def model_fn(features, labels, mode, params):
    ...     ...
    ...     return TPUEstimatorSpec(mode, loss=loss, train_op=train_op,
    ...                             eval_metrics=(metric_fn, [labels, logits]))
    >>> est = TPUEstimator(model_fn, config=RunConfig(model_dir="/tmp/m"), use_tpu=False,
    ...                    train_batch_size=32, eval_batch_size=8)
    >>> est.train(input_fn, max_steps=100)
"""

from __future__ import annotations

import collections
import inspect
import logging
import math
from collections.abc import Callable
from typing import Any

from trainkit import summary
from trainkit.estimator import calling
from trainkit.estimator.estimator import Estimator
from trainkit.estimator.mode_keys import ModeKeys
from trainkit.estimator.model_fn import EstimatorSpec, _hooks, _loss, _predictions, _train_op
from trainkit.estimator.tpu.tpu_config import (
    RunConfig,
    check_positive_integer,
    parse_iterations_per_loop,
)
from trainkit.hooks.step_counter import StepCounterHook
from trainkit.summary import writer_ops
from trainkit.training.session_run_hook import SessionRunArgs, SessionRunHook

_LOG = logging.getLogger("trainkit.estimator")
_BATCH_SIZE_KEY = "batch_size"
_USE_TPU_KEY = "use_tpu"
_RESERVED_PARAMS_KEYS = ["batch_size", "context"]
_NO_TPU = ("Cannot find any TPU cores in the system (master address {!r}). This usually "
           "means the master address is incorrect or the TPU worker has some problems. "
           "trainkit runs on the CPU only: construct the TPUEstimator with use_tpu=False.")


def _validate_host_calls(host_calls: dict) -> None:
    """TF's checks of ``eval_metrics`` / ``host_call``: ``(fn, tensors)`` with ``tensors``
    a list matching ``fn``'s arguments, or a dict of its keyword arguments."""
    for name, host_call in host_calls.items():
        if not isinstance(host_call, tuple | list):
            raise ValueError(f"{name} should be tuple or list")
        if len(host_call) != 2:
            raise ValueError(f"{name} should have two elements.")
        fn, tensors = host_call
        if not callable(fn):
            raise TypeError(f"{name}[0] should be callable.")
        if not isinstance(tensors, tuple | list | dict):
            raise ValueError(f"{name}[1] should be tuple or list, or dict.")
        if isinstance(tensors, tuple | list):
            params = inspect.signature(fn).parameters.values()
            if not any(p.kind == p.VAR_POSITIONAL for p in params) and \
                    len(tensors) != len(calling.fn_args(fn)):
                raise RuntimeError(
                    f"In TPUEstimatorSpec.{name}, length of tensors {len(tensors)} does not "
                    f"match method args of the function, which takes "
                    f"{len(calling.fn_args(fn))}.")


def _call_host_fn(host_call: tuple) -> Any:
    fn, tensors = host_call
    return fn(*tensors) if isinstance(tensors, tuple | list) else fn(**tensors)


_SPEC_FIELDS = ("mode", "predictions", "loss", "train_op", "eval_metrics", "export_outputs",
                "scaffold_fn", "host_call", "training_hooks", "evaluation_hooks",
                "prediction_hooks")


class TPUEstimatorSpec(collections.namedtuple("TPUEstimatorSpec", _SPEC_FIELDS)):
    """What a TPUEstimator ``model_fn`` returns (``tf.estimator.tpu.TPUEstimatorSpec``).

    Args:
        mode, predictions, loss, train_op, export_outputs: as ``EstimatorSpec``.
        eval_metrics: ``(metric_fn, tensors)``: ``metric_fn(*tensors)`` (or
            ``metric_fn(**tensors)`` for a dict) returns the ``eval_metric_ops``.
        scaffold_fn: a function returning the ``Scaffold`` (called when converted).
        host_call: ``(fn, tensors)`` whose results are fetched at every step.
        training_hooks, evaluation_hooks, prediction_hooks: ``SessionRunHook``s.

    Raises:
        ValueError / TypeError / RuntimeError: TF's checks of the fields.
    """

    def __new__(cls, mode: str, predictions: Any = None, loss: Any = None,
                train_op: Any = None, eval_metrics: Any = None, export_outputs: Any = None,
                scaffold_fn: Callable[[], Any] | None = None, host_call: Any = None,
                training_hooks: Any = None, evaluation_hooks: Any = None,
                prediction_hooks: Any = None) -> TPUEstimatorSpec:
        host_calls = {k: v for k, v in (("eval_metrics", eval_metrics),
                                        ("host_call", host_call)) if v is not None}
        _validate_host_calls(host_calls)
        return super().__new__(
            cls, mode=mode, predictions=_predictions(predictions, mode),
            loss=_loss(loss, mode), train_op=_train_op(train_op, mode),
            eval_metrics=eval_metrics, export_outputs=export_outputs, scaffold_fn=scaffold_fn,
            host_call=host_call, training_hooks=_hooks(training_hooks),
            evaluation_hooks=_hooks(evaluation_hooks), prediction_hooks=_hooks(prediction_hooks))

    def as_estimator_spec(self) -> EstimatorSpec:
        """The ``EstimatorSpec`` a CPU run uses: ``eval_metrics`` called into
        ``eval_metric_ops``, ``scaffold_fn()`` as the scaffold, a :class:`HostCallHook`
        running ``host_call``'s results added to every mode's hooks."""
        metric_ops = _call_host_fn(self.eval_metrics) if self.eval_metrics else None
        hooks: tuple = ()
        if self.host_call is not None:
            hooks = (HostCallHook(_call_host_fn(self.host_call)),)
        return EstimatorSpec(
            mode=self.mode, predictions=self.predictions, loss=self.loss,
            train_op=self.train_op, eval_metric_ops=metric_ops,
            export_outputs=self.export_outputs,
            scaffold=self.scaffold_fn() if self.scaffold_fn else None,
            training_hooks=self.training_hooks + hooks,
            evaluation_hooks=self.evaluation_hooks + hooks,
            prediction_hooks=self.prediction_hooks + hooks)


class HostCallHook(SessionRunHook):
    """Fetches a CPU ``host_call``'s results with every step (TF's
    ``_OutfeedHostCallHook``): the ``tf.contrib.summary`` writers of the graph are
    created when the session is and flushed at the end, so a host call writing
    ``tf.contrib.summary`` summaries works as in TF."""

    def __init__(self, tensors: Any):
        self._tensors = tensors

    def begin(self) -> None:
        self._init_ops = writer_ops.summary_writer_initializer_op()
        self._finalize_ops = [writer_ops.writer_op("FlushSummaryWriter",
                                                   op.get_attr("shared_name"))
                              for op in self._init_ops]

    def after_create_session(self, session: Any, coord: Any) -> None:
        session.run(self._init_ops)

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return SessionRunArgs(self._tensors)

    def end(self, session: Any) -> None:
        session.run(self._finalize_ops)


class ExamplesPerSecondHook(StepCounterHook):
    """A ``StepCounterHook`` that also logs and writes ``examples/sec`` (steps per second
    times ``batch_size``), under the tags ``global_step/sec`` and ``examples/sec``."""

    def __init__(self, batch_size: int, every_n_steps: int | None = 100,
                 every_n_secs: float | None = None, output_dir: str | None = None,
                 summary_writer: Any = None):
        self._batch_size = batch_size
        super().__init__(every_n_steps=every_n_steps, every_n_secs=every_n_secs,
                         output_dir=output_dir, summary_writer=summary_writer)

    def _record(self, elapsed_steps: int, elapsed_secs: float, step: int) -> None:
        rate = elapsed_steps / elapsed_secs if elapsed_secs > 0 else float("inf")
        examples = self._batch_size * rate
        if self.writer is not None:
            for tag, value in (("global_step/sec", rate), ("examples/sec", examples)):
                self.writer.add_summary(summary.Summary(value=[
                    summary.Summary.Value(tag=tag, simple_value=value)]), step)
        _LOG.info("global_step/sec: %g", rate)
        _LOG.info("examples/sec: %g", examples)


class TPUEstimator(Estimator):
    """An ``Estimator`` for TPU programs, run on the CPU (``tf.estimator.tpu.TPUEstimator``).

    Args:
        model_fn: ``model_fn(features, labels, mode, params[, config])``; it must take
            ``params`` and may return an ``EstimatorSpec`` or a :class:`TPUEstimatorSpec`.
        model_dir, warm_start_from: as ``Estimator``.
        config: a ``tf.estimator.tpu.RunConfig`` (required).
        params: hyperparameters; ``batch_size`` and ``context`` are reserved.
        use_tpu: must be False to train, evaluate or predict here (see below).
        train_batch_size, eval_batch_size, predict_batch_size: the global batch size of
            each mode, given to ``input_fn`` and ``model_fn`` as ``params['batch_size']``.
        eval_on_tpu: False runs evaluation on the CPU even with ``use_tpu``.
        batch_axis, export_to_tpu, export_to_cpu, embedding_config_spec,
        export_saved_model_api_version: accepted; nothing on the CPU reads them.

    Raises:
        ValueError: no TPU ``RunConfig``, reserved ``params`` keys, or (with ``use_tpu``)
            no ``train_batch_size``; TypeError for a batch size that is not an int.
        RuntimeError: from ``train``/``evaluate``/``predict`` when a mode would need a TPU
            (TF's "Cannot find any TPU cores" on a machine without one).
    """

    def __init__(self, model_fn: Callable[..., Any] | None = None, model_dir: str | None = None,
                 config: RunConfig | None = None, params: dict | None = None,
                 use_tpu: bool = True, train_batch_size: int | None = None,
                 eval_batch_size: int | None = None, predict_batch_size: int | None = None,
                 batch_axis: Any = None, eval_on_tpu: bool = True, export_to_tpu: bool = True,
                 export_to_cpu: bool = True, warm_start_from: Any = None,
                 embedding_config_spec: Any = None, export_saved_model_api_version: Any = 1):
        del batch_axis, embedding_config_spec
        if config is None or not isinstance(config, RunConfig):
            raise ValueError("`config` must be provided with type `tpu_config.RunConfig`")
        if params is not None and any(k in params for k in _RESERVED_PARAMS_KEYS):
            raise ValueError(f"{_RESERVED_PARAMS_KEYS} are reserved keys but existed in "
                             f"params {params}.")
        if use_tpu:
            if train_batch_size is None:
                raise ValueError("`train_batch_size` cannot be `None`")
            check_positive_integer(train_batch_size, "train_batch_size")
            if eval_batch_size is not None:
                check_positive_integer(eval_batch_size, "eval_batch_size")
            if predict_batch_size is not None:
                check_positive_integer(predict_batch_size, "predict_batch_size")
        if export_saved_model_api_version not in (1, 2):
            raise ValueError(f"export_saved_model_api_version should be 1 or 2; got "
                             f"{export_saved_model_api_version}.")
        calling.verify_model_fn_args(model_fn, params)
        self._user_model_fn = model_fn
        self._use_tpu = use_tpu
        self._eval_on_tpu = eval_on_tpu
        self._batch_sizes = {ModeKeys.TRAIN: train_batch_size, ModeKeys.EVAL: eval_batch_size,
                             ModeKeys.PREDICT: predict_batch_size}
        self._export_to_cpu, self._export_to_tpu = export_to_cpu, export_to_tpu
        self._is_input_fn_invoked: bool | None = None
        # As TF: no loss/step logging or steps/sec hook from the Estimator; the
        # examples/sec hook logs every ceil(log_step_count_steps / iterations_per_loop).
        loop = parse_iterations_per_loop(config.tpu_config.iterations_per_loop)
        self._log_every_n_steps = self._log_every_n_secs = None
        if loop.unit == "seconds":
            self._log_every_n_secs = loop.value
        elif config.log_step_count_steps is not None:
            self._log_every_n_steps = math.ceil(config.log_step_count_steps / loop.value)
        super().__init__(model_fn=self._tpu_model_fn, model_dir=model_dir,
                         config=config.replace(log_step_count_steps=None),
                         params=params or {}, warm_start_from=warm_start_from)

    def _on_cpu(self, mode: str, is_export_mode: bool = False) -> bool:
        return (not self._use_tpu or is_export_mode
                or (mode == ModeKeys.EVAL and not self._eval_on_tpu))

    def call_input_fn(self, input_fn: Callable[..., Any], mode: str,
                      one_shot: bool = False) -> tuple[Any, Any, list, Any]:
        """Calls ``input_fn`` with ``params['batch_size']`` set to the mode's batch size.

        Raises:
            ValueError: ``input_fn`` takes no ``params`` (TF's message).
            RuntimeError: the mode would need a TPU.
        """
        if "params" not in calling.fn_args(input_fn):
            raise ValueError(f"input_fn ({input_fn}) does not include params argument, "
                             f"required by TPUEstimator to pass batch size as "
                             f"params[\"batch_size\"]")
        if not self._on_cpu(mode):
            raise RuntimeError(_NO_TPU.format(self._config.master))
        self._is_input_fn_invoked = True
        params = self.params
        if self._batch_sizes[mode] is not None:
            params[_BATCH_SIZE_KEY] = self._batch_sizes[mode]
        return calling.call_input_fn(input_fn, mode, params, self.config, one_shot=one_shot)

    def _tpu_model_fn(self, features: Any, labels: Any, mode: str, config: Any,
                      params: dict) -> EstimatorSpec:
        """The ``model_fn`` the base Estimator calls: the user's, with TF's params."""
        is_export_mode = not self._is_input_fn_invoked  # export builds no input_fn
        self._is_input_fn_invoked = None
        if not self._on_cpu(mode, is_export_mode):
            raise RuntimeError(_NO_TPU.format(self._config.master))
        kwargs = calling.model_fn_kwargs(self._user_model_fn, labels, mode, params, config)
        if "params" not in kwargs:
            raise ValueError(f"model_fn ({self._user_model_fn}) does not include params "
                             f"argument, required by TPUEstimator to pass batch size as "
                             f"params['batch_size']")
        if not is_export_mode and self._batch_sizes[mode] is not None:
            params[_BATCH_SIZE_KEY] = self._batch_sizes[mode]
        params[_USE_TPU_KEY] = False  # kwargs["params"] is this dict
        _LOG.info("Running %s on CPU/GPU", mode)
        spec = self._user_model_fn(features=features, **kwargs)
        if isinstance(spec, TPUEstimatorSpec):
            spec = spec.as_estimator_spec()
        if not isinstance(spec, EstimatorSpec):
            raise ValueError(f"model_fn should return an EstimatorSpec or TPUEstimatorSpec, "
                             f"got {type(spec).__name__}.")
        if self._log_every_n_steps is not None or self._log_every_n_secs is not None:
            hook = ExamplesPerSecondHook(
                self._batch_sizes[mode],
                output_dir=self._model_dir if config.save_summary_steps else None,
                every_n_steps=self._log_every_n_steps, every_n_secs=self._log_every_n_secs)
            spec = spec._replace(training_hooks=spec.training_hooks + (hook,))
        return spec


__all__ = ["TPUEstimator", "TPUEstimatorSpec", "ExamplesPerSecondHook", "HostCallHook"]
