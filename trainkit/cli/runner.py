"""What ``trainkit train`` and ``trainkit eval`` do: build the graph a config describes,
train it with ``MonitoredTrainingSession`` and hooks, and evaluate checkpoints."""

from __future__ import annotations

import logging
import os
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import trainkit as tk
from trainkit.cli import plugins
from trainkit.cli.config import Config, ConfigError, resolve_path
from trainkit.cli.graphs import TrainGraph, build_train_graph, eval_metrics
from trainkit.cli.inputs import Splits, load_splits
from trainkit.cli.models import get_model
from trainkit.distributed import basics as hvd
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


def run_dir_of(cfg: Config, logdir: str | None = None) -> Path:
    """``<logdir>/<name>``, relative to the current directory like TensorBoard's."""
    return Path(logdir or cfg.run.logdir) / cfg.name


def check_writable(run_dir: Path) -> None:
    """Checks, without creating anything, that ``run_dir`` could be created and written.

    Raises:
        ConfigError: naming the directory (or the ancestor in the way).
    """
    p = run_dir
    while not p.exists() and p != p.parent:
        if p.is_symlink():  # a dangling link cannot be made a directory
            raise ConfigError(f"run.logdir: cannot create {run_dir}: {p} is a broken link.")
        p = p.parent
    if not p.is_dir():
        raise ConfigError(f"run.logdir: cannot create {run_dir}: {p} is not a directory.")
    if not os.access(p, os.W_OK | os.X_OK):
        raise ConfigError(f"run.logdir: cannot write to {run_dir}: {p} is not writable.")


def ensure_writable(run_dir: Path) -> None:
    """Creates ``run_dir`` and checks that files can be written there.

    Raises:
        ConfigError: naming the directory when it cannot be written.
    """
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=run_dir, prefix=".write_probe"):
            pass
    except OSError as e:
        raise ConfigError(f"run.logdir: cannot write to {run_dir}: "
                          f"{e.strerror or e}") from None


def _checkpoint_step(run_dir: Path) -> int:
    """The global step of ``run_dir``'s latest checkpoint (0 without one).

    Raises:
        ConfigError: if the newest checkpoint is damaged: resuming would silently go back
            to an older one and later overwrite the damaged files, so the user decides.
    """
    if not run_dir.is_dir():
        return 0
    state = tk.train.get_checkpoint_state(str(run_dir))
    newest = state.model_checkpoint_path if state is not None else ""
    if newest and Path(newest + ".index").exists():
        try:
            describe_checkpoint(newest, verify=True)
        except (tk.errors.DataLossError, ValueError) as e:
            why = e.message if isinstance(e, tk.errors.OpError) else str(e)
            raise ConfigError(f"{newest}: the newest checkpoint of the run is damaged ({why}); "
                              "move its files away to resume from an older checkpoint, or "
                              "use another --logdir.") from None
    ckpt = tk.train.latest_checkpoint(str(run_dir))
    if ckpt is None:
        return 0
    try:
        return int(tk.train.load_variable(ckpt, "global_step"))
    except (tk.errors.OpError, ValueError, KeyError):
        return 0


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
    hook_specs = plugins.check_hooks(cfg)
    images = get_model(cfg.model.type)[1]
    splits = load_splits(cfg, images)
    steps = max_steps if max_steps is not None else cfg.run.steps
    run_dir = run_dir_of(cfg, logdir)
    check_writable(run_dir)
    start_step = _checkpoint_step(run_dir)
    result = TrainResult(run_dir, start_step, start_step, 0.0)
    if start_step >= steps:
        result.up_to_date = True
        _LOG.info("Checkpoint in %s is at step %d >= %d steps: nothing to train.",
                  run_dir, start_step, steps)
    else:
        run = build_train_graph(cfg, splits, hook_specs, steps, run_dir,
                                _show_progress(cfg, progress))
        if hvd.rank_or_zero() == 0:
            ensure_writable(run_dir)
        _run(run, result)
    if hvd.rank_or_zero() != 0:  # rank 0 evaluates and reports
        return result
    result.metrics = evaluate(cfg, str(run_dir), splits=splits)
    result.checkpoint = tk.train.latest_checkpoint(str(run_dir))
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
    cfg, stopper = run.cfg, run.stopper
    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum: int, frame: Any) -> None:
        if stopper.flag:
            raise KeyboardInterrupt
        stopper.flag = True
        _LOG.warning("Interrupted: stopping after this step and saving a checkpoint "
                     "(press Ctrl-C again to abort without saving).")

    in_main = _set_sigint(on_sigint)
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
                log_step_count_steps=cfg.run.log_every_steps or None) as sess:
            while not sess.should_stop():
                sess.run(run.train_op)
    finally:
        if in_main:
            signal.signal(signal.SIGINT, previous)
        tk.summary.FileWriterCache.clear()
    result.seconds = time.time() - t0
    result.interrupted = stopper.flag


def _set_sigint(handler: Any) -> bool:
    try:
        signal.signal(signal.SIGINT, handler)
        return True
    except ValueError:  # not the main thread
        return False


def evaluate(cfg: Config, checkpoint: str | None = None, splits: Splits | None = None
             ) -> dict[str, float]:
    """Metrics of a checkpoint (a prefix, or a run directory's latest) on the eval split.

    Raises:
        ConfigError: no checkpoint to evaluate, a damaged one, or one of another model.
    """
    images = get_model(cfg.model.type)[1]
    splits = splits or load_splits(cfg, images)
    path = checkpoint or str(run_dir_of(cfg))
    if Path(path).is_dir():
        ckpt = tk.train.latest_checkpoint(path)
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
        with tk.Session() as sess:
            try:
                saver.restore(sess, ckpt)
            except tk.errors.DataLossError as e:
                raise ConfigError(f"--checkpoint: {ckpt} is damaged: {e.message}") from None
            except (tk.errors.NotFoundError, tk.errors.InvalidArgumentError) as e:
                raise ConfigError(f"--checkpoint: {ckpt} does not fit the model of this "
                                  f"config: {e.message}") from None
            sess.run(init)
            while True:
                try:
                    sess.run(updates)
                except tk.errors.OutOfRangeError:
                    break
            out = sess.run(values)
    return {k: float(np.asarray(v)) for k, v in sorted(out.items())}


def resolve_checkpoint_arg(cfg: Config, value: str | None) -> str | None:
    """A ``--checkpoint`` value as given, or relative to the config when not found."""
    if value is None:
        return None
    p = Path(value)
    if p.exists() or Path(value + ".index").exists():
        return value
    alt = resolve_path(cfg, value)
    return str(alt) if alt.exists() or Path(str(alt) + ".index").exists() else value


__all__ = ["train", "evaluate", "TrainResult", "run_dir_of", "ensure_writable"]
