"""What ``trainkit train`` and ``trainkit eval`` do: build the graph a config describes,
train it with ``MonitoredTrainingSession`` and hooks, and evaluate checkpoints."""

from __future__ import annotations

import logging
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import trainkit as tk
from trainkit.cli.config import Config, ConfigError, resolve_path
from trainkit.cli.graphs import TrainGraph, build_train_graph, eval_metrics
from trainkit.cli.inputs import Splits, load_splits
from trainkit.cli.preflight import check_checkpoint_fits, preflight
from trainkit.cli.rundir import check_writable, ensure_writable, resume_point, run_dir_of
from trainkit.cli.signals import Aborted, StopSignals
from trainkit.distributed import basics as hvd
from trainkit.training import checkpoint_recovery
from trainkit.training.checkpoint_reader import describe_checkpoint

_LOG = logging.getLogger("trainkit.cli")


@dataclass
class TrainResult:
    """What a finished (or resumed-and-finished) training run reports."""

    run_dir: Path
    start_step: int
    final_step: int
    seconds: float
    metrics: dict[str, float] = field(default_factory=dict)
    checkpoint: str | None = None
    event_files: list[str] = field(default_factory=list)
    interrupted: bool = False
    up_to_date: bool = False
    signum: int | None = None


def thread_choice(cfg: Config) -> Any:
    """Applies ``run.threads`` (0: trainkit's default, or the environment's request) and
    returns the :class:`~trainkit.client.threads.ThreadChoice` the run uses."""
    from trainkit.client import threads

    return threads.configure(cfg.run.threads or None)


def session_config(cfg: Config) -> Any:
    """The ``ConfigProto`` the CLI's sessions get (its thread count)."""
    return tk.ConfigProto(intra_op_parallelism_threads=cfg.run.threads)


def train(cfg: Config, max_steps: int | None = None, logdir: str | None = None,
          progress: bool | None = None) -> TrainResult:
    """Trains (or resumes) the run a config describes; returns what happened.

    Everything that can be checked is checked before the run directory is touched: the
    hooks, the data, the directory's writability, the checkpoint to resume from, and the
    graph with its hooks (built in memory).

    Args:
        cfg: a validated config.
        max_steps: the global step to train to (default ``cfg.run.steps``).
        logdir: the parent of the run directory (default ``cfg.run.logdir``).
        progress: show the progress bar (None: ``cfg.run.progress_bar``; "auto" shows it
            on a terminal only).

    Raises:
        ConfigError: the config or its hooks cannot be used, the run directory is not
            writable or holds a damaged checkpoint (nothing is written then).
    """
    if hvd.launched_by_mpiexec():  # `mpiexec -n N trainkit train ...`: one model, N ranks
        hvd.init()
    run_dir = run_dir_of(cfg, logdir)
    with StopSignals() as signals:
        try:
            return _train(cfg, max_steps, run_dir, progress, signals)
        except Aborted as e:
            e.run_dir = run_dir
            raise


def _train(cfg: Config, max_steps: int | None, run_dir: Path, progress: bool | None,
           signals: StopSignals) -> TrainResult:
    pf = preflight(cfg, max_steps, run_dir, rebuild=hvd.rank_or_zero() == 0)
    for w in pf.warnings:
        _LOG.warning("%s", w)
    splits, steps, start_step = pf.splits, pf.steps, pf.start_step
    result = TrainResult(run_dir, start_step, start_step, 0.0)
    if start_step >= steps:
        result.up_to_date = True
        _LOG.info("Checkpoint in %s is at step %d >= %d steps: nothing to train.",
                  run_dir, start_step, steps)
    else:
        run = build_train_graph(cfg, splits, pf.hook_specs, steps, run_dir,
                                _show_progress(cfg, progress))
        if pf.checkpoint is not None:
            check_checkpoint_fits(run.graph, pf.checkpoint)
        if hvd.rank_or_zero() == 0:
            ensure_writable(run_dir)
        _LOG.info("Training with %s; run.threads or --threads N sets it.",
                  thread_choice(cfg).describe())
        run.stopper.signals = signals
        signals.phase = "training"
        try:
            _run(run, result)
        finally:
            signals.phase = "finished"
        result.signum = signals.signum
        result.interrupted = signals.signum is not None
    if hvd.rank_or_zero() != 0:  # rank 0 evaluates and reports
        return result
    if result.signum == signal.SIGTERM:  # the scheduler's grace period is short: no eval
        _LOG.info("Skipping the final evaluation after SIGTERM.")
    else:
        result.metrics = evaluate(cfg, str(run_dir), splits=splits)
    result.checkpoint = checkpoint_recovery.restore_point(str(run_dir)).path
    if result.checkpoint:
        result.final_step = int(tk.train.load_variable(result.checkpoint, "global_step"))
    result.event_files = sorted((str(p) for p in run_dir.glob("events.out.tfevents.*")),
                                key=lambda f: os.path.getmtime(f))
    return result


def _show_progress(cfg: Config, progress: bool | None) -> bool | None:
    """The command-line choice wins, then the config; None lets tqdm show it on a tty."""
    if progress is not None:
        return progress
    return None if cfg.run.progress_bar == "auto" else cfg.run.progress_bar == "true"


def _run(run: TrainGraph, result: TrainResult) -> None:
    cfg = run.cfg
    t0 = time.time()
    try:  # NumPy's overflow warnings would only repeat what NanTensorHook reports
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"), \
                run.graph.as_default(), tk.train.MonitoredTrainingSession(
                checkpoint_dir=str(run.run_dir), scaffold=run.scaffold, hooks=run.hooks,
                # 0 = no periodic saves, but always the start and final checkpoints: the
                # CLI evaluates, resumes and stops on Ctrl-C through them.
                save_checkpoint_steps=cfg.run.checkpoint_every_steps or run.steps,
                save_checkpoint_secs=None,
                save_summaries_steps=cfg.run.summary_every_steps or None,
                save_summaries_secs=None,
                log_step_count_steps=cfg.run.log_every_steps or None,
                config=session_config(cfg)) as sess:
            while not sess.should_stop():
                sess.run(run.train_op)
    finally:
        tk.summary.FileWriterCache.clear()
    result.seconds = time.time() - t0


def evaluate(cfg: Config, checkpoint: str | None = None, splits: Splits | None = None
             ) -> dict[str, float]:
    """Metrics of a checkpoint (a prefix, or a run directory's latest) on the eval split.

    Raises:
        ConfigError: no checkpoint to evaluate, a damaged one, or one of another model.
    """
    splits = splits or load_splits(cfg)
    path = checkpoint or str(run_dir_of(cfg))
    if Path(path).is_dir():
        ckpt = checkpoint_recovery.restore_point(path).path
        if ckpt is None:
            raise ConfigError(f"--checkpoint: no checkpoint in {path}; train first.")
    elif checkpoint is None:
        raise ConfigError(f"--checkpoint: no run directory {path}; train first, or pass "
                          "--logdir DIR or --checkpoint PATH.")
    else:
        ckpt = path
        if not tk.train.checkpoint_exists(ckpt):
            raise ConfigError(f"--checkpoint: {ckpt} is not a checkpoint (no {ckpt}.index).")
    try:  # the whole file, not only the tensors this graph restores
        describe_checkpoint(ckpt, verify=True)
    except tk.errors.DataLossError as e:
        raise ConfigError(f"--checkpoint: {ckpt} is damaged: {e.message}") from None
    except ValueError as e:
        raise ConfigError(f"--checkpoint: {ckpt}: {e}") from None
    graph = tk.Graph()
    with graph.as_default():
        metrics, init = eval_metrics(cfg, splits)
        model_vars = tk.global_variables()
        saver = tk.train.Saver(var_list=model_vars)
        values = {k: v[0] for k, v in metrics.items()}
        updates = [v[1] for v in metrics.values()]
        with tk.Session(config=session_config(cfg)) as sess:
            try:
                saver.restore(sess, ckpt)
            except tk.errors.DataLossError as e:
                raise ConfigError(f"--checkpoint: {ckpt} is damaged: {e.message}") from None
            except (tk.errors.NotFoundError, tk.errors.InvalidArgumentError) as e:
                raise ConfigError(f"--checkpoint: {ckpt} does not fit the model of this "
                                  f"config: {e.message}") from None
            _LOG.info("Evaluating checkpoint %s (global step %s) on %d eval examples.", ckpt,
                      _step_of(ckpt), len(splits.x_eval))
            sess.run(init)
            while True:
                try:
                    sess.run(updates)
                except tk.errors.OutOfRangeError:
                    break
            out = sess.run(values)
    return {k: float(np.asarray(v)) for k, v in sorted(out.items())}


def _step_of(ckpt: str) -> str:
    try:
        return str(int(tk.train.load_variable(ckpt, "global_step")))
    except (tk.errors.OpError, ValueError, KeyError):
        return "unknown"


def resolve_checkpoint_arg(cfg: Config, value: str | None) -> str | None:
    """A ``--checkpoint`` value as given, or relative to the config when not found."""
    if value is None:
        return None
    p = Path(value)
    if p.exists() or Path(value + ".index").exists():
        return value
    alt = resolve_path(cfg, value)
    return str(alt) if alt.exists() or Path(str(alt) + ".index").exists() else value


__all__ = ["train", "evaluate", "TrainResult", "run_dir_of", "ensure_writable",
           "check_writable", "resume_point", "thread_choice", "session_config"]
