"""``tf.estimator.Estimator``: a ``model_fn`` trained, evaluated and used for prediction,
each call in a fresh graph restored from the newest checkpoint of ``model_dir``.

``train`` runs through ``MonitoredTrainingSession`` with TF1's default hooks, so every
``SessionRunHook`` behaves as in a hand-written loop. The data position of a Dataset
returned by the training ``input_fn`` is saved in the checkpoints, so
``train(steps=a); train(steps=b)`` sees the same batches as ``train(steps=a + b)``.

Example:
    >>> est = Estimator(model_fn, model_dir="/tmp/m", params={"lr": 0.1})
    >>> est.train(input_fn, steps=100)
    >>> est.evaluate(eval_input_fn)["loss"]
"""

from __future__ import annotations

import copy
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from trainkit import errors
from trainkit.distributed import basics as dist
from trainkit.distributed import objects as dist_objects
from trainkit.estimator import calling, exporting
from trainkit.estimator.evaluation import evaluate_model, predict_model
from trainkit.estimator.mode_keys import ModeKeys
from trainkit.estimator.run_config import RunConfig
from trainkit.estimator.warm_start import as_warm_start_settings, warm_start_init_fn
from trainkit.framework.graph import Graph, GraphKeys
from trainkit.hooks.checkpoint_saver import CheckpointSaverHook, CheckpointSaverListener
from trainkit.hooks.defaults import MonitoredTrainingSession
from trainkit.hooks.logging_tensor import LoggingTensorHook
from trainkit.hooks.nan_tensor import NanTensorHook
from trainkit.hooks.stop_at_step import StopAtStepHook
from trainkit.ops import random_ops
from trainkit.summary import summary_ops
from trainkit.training import checkpoint_management, checkpoint_reader, training_util
from trainkit.training.saver import Saver
from trainkit.training.scaffold import Scaffold
from trainkit.training.session_run_hook import SessionRunHook

_LOG = logging.getLogger("trainkit.estimator")
_SAVEABLE_MARK = "/.SAVEABLE"


def check_hooks(hooks: Any) -> list:
    """``hooks`` as a list, each a ``SessionRunHook``.

    Raises:
        TypeError: for anything else, naming it (TF's message).
    """
    hooks = list(hooks or [])
    for h in hooks:
        if not isinstance(h, SessionRunHook):
            raise TypeError(f"Hooks must be a SessionRunHook, given: {h}")
    return hooks


def _check_listeners(listeners: Any) -> list:
    listeners = list(listeners or [])
    for listener in listeners:
        if not isinstance(listener, CheckpointSaverListener):
            raise TypeError(f"saving_listeners must be a list of CheckpointSaverListener, "
                            f"given: {listener}")
    return listeners


class Estimator:
    """Trains, evaluates and predicts with a ``model_fn`` (``tf.estimator.Estimator``).

    Args:
        model_fn: ``model_fn(features, labels, mode, params, config)`` returning an
            ``EstimatorSpec``; it may take any subset of these arguments (``features``
            is required).
        model_dir: checkpoints and events; None uses ``config.model_dir`` or, failing
            that, a new temporary directory (as TF).
        config: a :class:`RunConfig`.
        params: passed to ``model_fn`` (deep-copied, as TF).
        warm_start_from: a checkpoint file or directory, or a ``WarmStartSettings``,
            whose variables initialize a model that has no checkpoint of its own yet.

    Raises:
        ValueError: no ``model_fn``, a ``model_fn`` signature TF rejects, a ``config``
            that is not a ``RunConfig``, two different model directories, or a bad
            ``warm_start_from``.
    """

    def __init__(self, model_fn: Callable[..., Any], model_dir: str | None = None,
                 config: RunConfig | None = None, params: dict | None = None,
                 warm_start_from: Any = None):
        if model_fn is None:
            raise ValueError("model_fn must be provided to Estimator.")
        if config is None:
            config = RunConfig()
        if not isinstance(config, RunConfig):
            raise ValueError(f"config must be an instance of `RunConfig`, but provided "
                             f"{config}.")
        model_dir = os.fspath(model_dir) if model_dir is not None else None
        if model_dir and config.model_dir is not None and config.model_dir != model_dir:
            raise ValueError(f"`model_dir` are set both in constructor and `RunConfig`, but "
                             f"with different values. In constructor: '{model_dir}', in "
                             f"`RunConfig`: '{config.model_dir}' ")
        if model_dir:
            config = config.replace(model_dir=model_dir)
        elif config.model_dir is None:
            model_dir = tempfile.mkdtemp()
            _LOG.warning("Using temporary folder as model directory: %s", model_dir)
            config = config.replace(model_dir=model_dir)
        calling.verify_model_fn_args(model_fn, params)
        self._model_fn = model_fn
        self._config = config
        self._model_dir = config.model_dir
        self._params = copy.deepcopy(params or {})
        self._warm_start_settings = as_warm_start_settings(warm_start_from)
        self._exhausted_checkpoint: str | None = None
        # Where training checkpoints are read: model_dir, or rank 0's (see _agree_on_dir).
        self._checkpoint_dir: str = self._model_dir

    # -- properties ----------------------------------------------------------------------
    @property
    def model_fn(self) -> Callable[..., Any]:
        """The ``model_fn`` bound to ``params``: ``model_fn(features, labels, mode,
        config)`` returning its ``EstimatorSpec`` (as TF's property)."""
        def public_model_fn(features: Any, labels: Any, mode: str, config: Any) -> Any:
            return calling.call_model_fn(self._model_fn, features, labels, mode,
                                         self.params, config)
        return public_model_fn

    @property
    def model_dir(self) -> str:
        """Where checkpoints and events go."""
        return self._model_dir

    @property
    def config(self) -> RunConfig:
        """A copy of the :class:`RunConfig` (with ``model_dir`` filled in)."""
        return copy.deepcopy(self._config)

    @property
    def params(self) -> dict:
        """A copy of ``params``."""
        return copy.deepcopy(self._params)

    def latest_checkpoint(self) -> str | None:
        """The newest checkpoint prefix in ``model_dir`` (None if there is none); after
        ``train`` on more than one rank, in rank 0's ``model_dir`` (trainkit: the only
        one the ranks' training writes)."""
        return checkpoint_management.latest_checkpoint(self._checkpoint_dir)

    def _agree_on_dir(self) -> None:
        """With ``trainkit.distributed`` on more than one rank, rank 0's ``model_dir`` is
        where every rank's training restores and rank 0 alone saves (Horovod programs
        give the other ranks ``model_dir=None``, a temporary directory), so every rank
        reads its checkpoints there: ``evaluate``/``predict`` on any rank see the trained
        model, as with Horovod, where each rank saved the same variables to its own
        directory. Summaries of ``evaluate`` still go to the rank's own ``model_dir``."""
        if dist.size_or_one() > 1:
            self._checkpoint_dir = dist_objects.broadcast_object(
                self._model_dir if dist.rank_or_zero() == 0 else None, 0,
                name="Estimator.train")

    def _require_checkpoint(self) -> str:
        path = self.latest_checkpoint()
        if not path:
            raise ValueError(f"Could not find trained model in model_dir: {self._model_dir}.")
        return path

    def get_variable_names(self) -> list[str]:
        """The names of the variables in the newest checkpoint.

        Raises:
            ValueError: if there is no checkpoint yet.
        """
        path = self._require_checkpoint()
        return [name for name, _ in checkpoint_reader.list_variables(path)
                if _SAVEABLE_MARK not in name and not name.endswith(_SAVEABLE_MARK)]

    def get_variable_value(self, name: str) -> Any:
        """The value of variable ``name`` in the newest checkpoint (a NumPy array).

        Raises:
            ValueError: if there is no checkpoint yet.
            NotFoundError: if the checkpoint has no such variable.
        """
        return checkpoint_reader.load_variable(self._require_checkpoint(), name)

    def _seeded_graph(self) -> Graph:
        graph = Graph()
        if self._config.tf_random_seed is not None:
            with graph.as_default():
                random_ops.set_random_seed(self._config.tf_random_seed)
        return graph

    def _checkpoint_step(self) -> int:
        path = self.latest_checkpoint()
        if not path:
            return 0
        try:
            return int(checkpoint_reader.load_variable(path, GraphKeys.GLOBAL_STEP))
        except errors.NotFoundError:
            return 0

    # -- train -----------------------------------------------------------------------------
    def train(self, input_fn: Callable[..., Any], hooks: Any = None, steps: int | None = None,
              max_steps: int | None = None, saving_listeners: Any = None) -> Estimator:
        """Trains until ``steps`` more steps, the absolute ``max_steps``, a hook's stop
        request, or the end of the input.

        Hooks run in TF1's order: the user's ``hooks``, the step limit, a NaN check of the
        loss, loss/step logging every ``log_step_count_steps``, the spec's
        ``training_hooks``; the chief adds ``training_chief_hooks``, steps/sec,
        summaries every ``save_summary_steps`` and a checkpoint saver with
        ``saving_listeners``. A ``loss`` scalar summary is added to the graph.

        Returns:
            ``self``, so calls chain.

        Raises:
            ValueError: ``steps`` and ``max_steps`` both given or not positive; saving
                listeners without checkpointing; a bad model_fn result.
            TypeError: a hook or listener of the wrong type; a bad input_fn result.
        """
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        hooks = check_hooks(hooks)
        listeners = _check_listeners(saving_listeners)
        self._agree_on_dir()
        if max_steps is not None and max_steps <= self._checkpoint_step():
            _LOG.info("Skipping training since max_steps has already saved.")
            return self
        if steps is not None or max_steps is not None:
            hooks.append(StopAtStepHook(num_steps=steps, last_step=max_steps))
        with self._seeded_graph().as_default() as graph:
            return self._train(graph, input_fn, hooks, listeners)

    def _keep_input_positions(self, graph: Graph, saveables: list) -> None:
        """Resumes the data position of the input pipelines ``input_fn`` built when the
        newest checkpoint has it; otherwise (no checkpoint, another pipeline, or data
        that ran out) the pipeline starts over, as TF's always does, and stays out of
        this run's checkpoints."""
        path = self.latest_checkpoint()
        if not path:
            return  # a fresh model: the positions start at 0 and get checkpointed
        reader = checkpoint_reader.NewCheckpointReader(path)
        collection = graph.get_collection_ref(GraphKeys.SAVEABLE_OBJECTS)
        for obj in saveables:
            if path == self._exhausted_checkpoint or \
                    not reader.has_tensor(obj.name + _SAVEABLE_MARK):
                collection.remove(obj)

    def _train(self, graph: Graph, input_fn: Callable[..., Any], hooks: list,
               listeners: list) -> Estimator:
        cfg = self._config
        global_step = training_util.get_or_create_global_step()
        before = list(graph.get_collection(GraphKeys.SAVEABLE_OBJECTS))
        features, labels, input_hooks, _ = self.call_input_fn(
            input_fn, ModeKeys.TRAIN, one_shot=True)
        self._keep_input_positions(graph, [
            s for s in graph.get_collection(GraphKeys.SAVEABLE_OBJECTS)
            if not any(s is b for b in before)])
        spec = calling.call_model_fn(self._model_fn, features, labels, ModeKeys.TRAIN,
                                     self.params, self.config)
        summary_ops.scalar("loss", spec.loss)
        worker_hooks = [*input_hooks, *hooks, NanTensorHook(spec.loss)]
        if cfg.log_step_count_steps:
            worker_hooks.append(LoggingTensorHook(
                {"loss": spec.loss, "step": global_step}, every_n_iter=cfg.log_step_count_steps))
        worker_hooks.extend(spec.training_hooks)
        scaffold = self._train_scaffold(spec.scaffold, graph)
        chief_hooks: list = []
        if cfg.save_checkpoints_steps or cfg.save_checkpoints_secs:
            chief_hooks.append(CheckpointSaverHook(
                self._model_dir, save_secs=cfg.save_checkpoints_secs or None,
                save_steps=cfg.save_checkpoints_steps or None, scaffold=scaffold,
                listeners=listeners, save_graph_def=cfg.checkpoint_save_graph_def))
        elif listeners:
            raise ValueError("There should be a CheckpointSaverHook to use saving_listeners. "
                             "Please set one of the RunConfig.save_checkpoints_steps or "
                             "RunConfig.save_checkpoints_secs.")
        exhausted = False
        with MonitoredTrainingSession(
                checkpoint_dir=self._model_dir, scaffold=scaffold, hooks=worker_hooks,
                chief_only_hooks=[*chief_hooks, *spec.training_chief_hooks],
                save_checkpoint_secs=0, save_summaries_steps=cfg.save_summary_steps or None,
                config=cfg.session_config, log_step_count_steps=cfg.log_step_count_steps,
                save_graph_def=cfg.checkpoint_save_graph_def) as sess:
            try:
                while not sess.should_stop():
                    sess.run([spec.train_op, spec.loss])
            except errors.OutOfRangeError:
                exhausted = True
        if exhausted:
            self._exhausted_checkpoint = self.latest_checkpoint()
        return self

    def _train_scaffold(self, scaffold: Scaffold, graph: Graph) -> Scaffold:
        cfg = self._config
        saver = scaffold.saver
        if saver is None and not graph.get_collection(GraphKeys.SAVERS):
            saver = Saver(sharded=True, max_to_keep=cfg.keep_checkpoint_max,
                          keep_checkpoint_every_n_hours=cfg.keep_checkpoint_every_n_hours,
                          defer_build=True, save_relative_paths=True)
            graph.add_to_collection(GraphKeys.SAVERS, saver)
        init_fn = None
        if self._warm_start_settings is not None and not self.latest_checkpoint():
            init_fn = warm_start_init_fn(self._warm_start_settings, scaffold)
        return Scaffold(copy_from_scaffold=scaffold, saver=saver, init_fn=init_fn)

    # -- evaluate / predict -------------------------------------------------------------
    def evaluate(self, input_fn: Callable[..., Any], steps: int | None = None,
                 hooks: Any = None, checkpoint_path: str | None = None,
                 name: str | None = None) -> dict[str, Any]:
        """Evaluates the model in ``checkpoint_path`` (default: the newest) on
        ``input_fn``'s data until it ends or for ``steps`` batches.

        Returns:
            ``{metric: value}`` for every ``eval_metric_ops`` entry plus ``loss`` (the mean
            loss over batches) and ``global_step``; also written as summaries to
            ``model_dir/eval`` (``eval_<name>`` with a name).

        Raises:
            ValueError: ``steps <= 0``; a metric named ``loss`` or ``global_step``.
            TypeError: a hook of the wrong type.
        """
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        hooks = check_hooks(hooks)
        path = checkpoint_path or self.latest_checkpoint()
        if not path:
            _LOG.info("Could not find trained model in model_dir: %s, running "
                      "initialization to evaluate.", self._model_dir)
        with self._seeded_graph().as_default():
            return evaluate_model(self, input_fn, steps, hooks, path, self.eval_dir(name))

    def eval_dir(self, name: str | None = None) -> str:
        """Where ``evaluate(name=name)`` writes its summaries: ``model_dir/eval``, or
        ``model_dir/eval_<name>``."""
        return os.path.join(self._model_dir, "eval" if not name else f"eval_{name}")

    def predict(self, input_fn: Callable[..., Any], predict_keys: Any = None,
                hooks: Any = None, checkpoint_path: str | None = None,
                yield_single_examples: bool = True) -> Iterator[Any]:
        """Yields predictions of the model in ``checkpoint_path`` (default: the newest)
        for ``input_fn``'s features until the input ends.

        Yields:
            One dict (or value, for non-dict predictions) per example; per batch when
            ``yield_single_examples`` is False.

        Raises:
            ValueError: ``predict_keys`` naming none of the predictions, or given for
                non-dict predictions; predictions of different batch sizes.
        """
        hooks = check_hooks(hooks)
        path = checkpoint_path or self.latest_checkpoint()
        if not path:
            _LOG.info("Could not find trained model in model_dir: %s, running "
                      "initialization to predict.", self._model_dir)
        graph = self._seeded_graph()
        yield from predict_model(self, graph, input_fn, predict_keys, hooks, path,
                                 yield_single_examples)

    def export_saved_model(self, export_dir_base: Any,
                           serving_input_receiver_fn: Callable[..., Any],
                           assets_extra: dict | None = None, as_text: bool = False,
                           checkpoint_path: str | None = None,
                           experimental_mode: str = ModeKeys.PREDICT) -> bytes:
        """Exports the PREDICT graph with the newest checkpoint's variables as a SavedModel
        in ``export_dir_base/<timestamp>`` and returns that directory (bytes, as TF).

        Args:
            serving_input_receiver_fn: returns a ``tk.estimator.export.ServingInputReceiver``.
            assets_extra: destination path (under ``assets.extra``) -> source file.
            as_text: write ``saved_model.pbtxt``.
            checkpoint_path: export this checkpoint instead of the newest.
            experimental_mode: only ``ModeKeys.PREDICT`` (the serving graph).

        Raises:
            ValueError: no receiver fn, no checkpoint, or another mode.
        """
        if experimental_mode != ModeKeys.PREDICT:
            raise ValueError(f"trainkit exports the PREDICT graph only, got mode "
                             f"{experimental_mode!r}.")
        return exporting.export_saved_model(self, self._seeded_graph(), export_dir_base,
                                            serving_input_receiver_fn, assets_extra,
                                            as_text, checkpoint_path)

    def export_savedmodel(self, export_dir_base: Any,
                          serving_input_receiver_fn: Callable[..., Any],
                          assets_extra: dict | None = None, as_text: bool = False,
                          checkpoint_path: str | None = None,
                          strip_default_attrs: bool = False) -> bytes:
        """The TF 1.x spelling of :meth:`export_saved_model`."""
        del strip_default_attrs
        return self.export_saved_model(export_dir_base, serving_input_receiver_fn,
                                       assets_extra, as_text, checkpoint_path)

    @property
    def warm_start_settings(self) -> Any:
        """The ``WarmStartSettings`` from ``warm_start_from`` (None without)."""
        return self._warm_start_settings

    # -- used by the evaluation module -----------------------------------------------------
    def call_input_fn(self, input_fn: Callable[..., Any], mode: str,
                      one_shot: bool = False) -> tuple[Any, Any, list, Any]:
        """Calls ``input_fn`` as ``train``/``evaluate``/``predict`` do (TF's
        ``_call_input_fn``, which subclasses such as ``TPUEstimator`` extend); returns
        ``(features, labels, input_hooks, iterator)`` (``calling.call_input_fn``)."""
        return calling.call_input_fn(input_fn, mode, self.params, self.config,
                                     one_shot=one_shot)

    def call_model_fn(self, features: Any, labels: Any, mode: str) -> Any:
        """Calls the ``model_fn`` as ``train``/``evaluate``/``predict`` do (for the
        evaluation module and premade estimators)."""
        return calling.call_model_fn(self._model_fn, features, labels, mode, self.params,
                                     self.config)


__all__ = ["Estimator", "check_hooks"]
