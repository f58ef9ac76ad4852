"""``trainkit train`` for a config with ``[estimator] model_fn = "file.py:function"``:
a ``tf.estimator.Estimator`` over the config's data, hooks and run settings.

The run directory is the Estimator's ``model_dir`` (``run.steps`` is ``max_steps``, so a
second run resumes); ``run.seed``, ``checkpoint_every_steps``, ``summary_every_steps``,
``log_every_steps`` and ``max_to_keep`` become the ``RunConfig``; ``[data]`` gives the
splits, ``batch_size`` and shuffling; ``[[hooks]]`` are built inside the Estimator's
training graph (so ``"name:0"`` arguments resolve there, ``loss_tensor`` is the spec's
loss) and added to its training hooks. The final evaluation on the eval split is the
Estimator's ``evaluate`` (summaries in ``<run dir>/eval``).

Example config::

    name = "est"
    [estimator]
    model_fn = "my_model.py:model_fn"
    params = { hidden = 32 }
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import trainkit as tk
from trainkit.cli import plugins
from trainkit.cli.config import Config, ConfigError
from trainkit.cli.inputs import Splits, load_splits
from trainkit.cli.rundir import ensure_writable, run_dir_of
from trainkit.cli.runner import TrainResult
from trainkit.estimator import calling


def load_model_fn(cfg: Config) -> Callable[..., Any]:
    """The function ``[estimator] model_fn`` names.

    Raises:
        ConfigError: missing file, or no such function in it.
    """
    file_part, fn_name = cfg.estimator.model_fn.rsplit(":", 1)
    module = plugins.load_python_file(file_part, cfg, "estimator.model_fn")
    fn = getattr(module, fn_name, None)
    if not callable(fn):
        found = sorted(n for n, o in vars(module).items()
                       if callable(o) and not n.startswith("_")
                       and getattr(o, "__module__", None) == module.__name__)
        raise ConfigError(f"estimator.model_fn: {file_part} has no function {fn_name!r}; it "
                          f"defines: {', '.join(found) or 'nothing callable'}.")
    return fn


def _with_config_hooks(model_fn: Callable[..., Any], cfg: Config, run_dir: Path
                       ) -> Callable[..., Any]:
    specs = plugins.check_hooks(cfg)

    def wrapped(features: Any, labels: Any, mode: str, params: Any, config: Any) -> Any:
        spec = calling.call_model_fn(model_fn, features, labels, mode, params, config)
        if mode != tk.estimator.ModeKeys.TRAIN or not specs:
            return spec
        graph = tk.get_default_graph()
        inject = {"loss_tensor": spec.loss, "loss": spec.loss, "output_dir": str(run_dir),
                  "checkpoint_dir": str(run_dir), "summary_dir": str(run_dir)}
        hooks = [plugins.instantiate(cls, args, graph, inject, f"hooks[{i}]")
                 for i, (cls, args) in enumerate(specs)]
        fields = ("mode", "predictions", "loss", "train_op", "eval_metric_ops",
                  "export_outputs", "training_chief_hooks", "scaffold", "evaluation_hooks",
                  "prediction_hooks")
        return tk.estimator.EstimatorSpec(**{f: getattr(spec, f) for f in fields},
                                          training_hooks=[*spec.training_hooks, *hooks])
    return wrapped


def _input_fns(cfg: Config, splits: Splits) -> tuple[Any, Any]:
    batch = int(cfg.data.batch_size)
    train = tk.estimator.inputs.numpy_input_fn(
        {"x": splits.x_train}, splits.y_train, batch_size=batch, num_epochs=None,
        shuffle=True)
    evaluate = tk.estimator.inputs.numpy_input_fn(
        {"x": splits.x_eval}, splits.y_eval, batch_size=256, num_epochs=1, shuffle=False)
    return train, evaluate


def estimator_for(cfg: Config, run_dir: Path, splits: Splits) -> Any:
    """The Estimator a config describes (its hooks wrapped into the model_fn)."""
    run = cfg.run
    config = tk.estimator.RunConfig(
        tf_random_seed=run.seed, save_summary_steps=run.summary_every_steps or None,
        save_checkpoints_steps=run.checkpoint_every_steps or None,
        keep_checkpoint_max=run.max_to_keep, log_step_count_steps=run.log_every_steps or None)
    params = {**cfg.estimator.params, "num_outputs": splits.num_outputs,
              "classification": splits.classification,
              "learning_rate": float(getattr(cfg.optimizer, "learning_rate", 0.001))}
    model_fn = _with_config_hooks(load_model_fn(cfg), cfg, run_dir)
    return tk.estimator.Estimator(model_fn, str(run_dir), config=config, params=params)


def train(cfg: Config, max_steps: int | None = None, logdir: str | None = None
          ) -> TrainResult:
    """Trains the config's Estimator to ``max_steps`` (default ``run.steps``) and
    evaluates it on the eval split.

    Raises:
        ConfigError: the model_fn or a hook cannot be loaded, or the run directory is not
            writable.
    """
    run_dir = run_dir_of(cfg, logdir)
    splits = load_splits(cfg)
    est = estimator_for(cfg, run_dir, splits)
    ensure_writable(run_dir)
    start = _step(est)
    steps = max_steps or cfg.run.steps
    result = TrainResult(run_dir, start, start, 0.0, up_to_date=start >= steps)
    t0 = time.perf_counter()
    train_fn, eval_fn = _input_fns(cfg, splits)
    if not result.up_to_date:
        est.train(train_fn, max_steps=steps)
    result.seconds = time.perf_counter() - t0
    metrics = est.evaluate(eval_fn)
    result.final_step = int(metrics.pop("global_step"))
    result.metrics = {k: float(np.asarray(v)) for k, v in metrics.items()
                      if np.asarray(v).ndim == 0}
    result.checkpoint = est.latest_checkpoint()
    result.event_files = sorted(str(p) for p in run_dir.glob("events.out.tfevents.*"))
    return result


def evaluate(cfg: Config, checkpoint: str | None = None, logdir: str | None = None
             ) -> dict[str, float]:
    """The Estimator's metrics on the eval split, for ``checkpoint`` (default: the run
    directory's newest)."""
    run_dir = run_dir_of(cfg, logdir)
    splits = load_splits(cfg)
    est = estimator_for(cfg, run_dir, splits)
    metrics = est.evaluate(_input_fns(cfg, splits)[1], checkpoint_path=checkpoint)
    return {k: float(np.asarray(v)) for k, v in metrics.items() if np.asarray(v).ndim == 0}


def check(cfg: Config) -> str:
    """Loads what a run needs without writing anything: the model_fn, the hooks and the
    data; returns a one-line description.

    Raises:
        ConfigError: a missing model_fn, hook or data file.
    """
    load_model_fn(cfg)
    hooks = plugins.check_hooks(cfg)
    splits = load_splits(cfg)
    return (f"Estimator with {cfg.estimator.model_fn} on {len(splits.x_train)} train / "
            f"{len(splits.x_eval)} eval examples, {cfg.run.steps} steps, "
            f"{len(hooks)} extra hook(s)")


def _step(est: Any) -> int:
    if not est.latest_checkpoint():
        return 0
    return int(est.get_variable_value("global_step"))


__all__ = ["train", "evaluate", "check", "estimator_for", "load_model_fn"]
