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
from trainkit.cli.inputs import Splits, load_splits
from trainkit.cli.models import get_model
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


def _optimizer(cfg: Config, lr: Any) -> Any:
    o = cfg.optimizer
    if o.type == "sgd":
        return tk.train.GradientDescentOptimizer(lr)
    if o.type == "momentum":
        return tk.train.MomentumOptimizer(lr, o.momentum, use_nesterov=o.use_nesterov)
    if o.type == "adam":
        return tk.train.AdamOptimizer(lr, beta1=o.beta1, beta2=o.beta2, epsilon=o.epsilon)
    if o.type == "adagrad":
        return tk.train.AdagradOptimizer(lr)
    if o.type == "rmsprop":
        return tk.train.RMSPropOptimizer(lr, decay=o.decay, momentum=o.momentum,
                                         epsilon=o.epsilon)
    return tk.train.AdadeltaOptimizer(lr, rho=o.rho, epsilon=o.epsilon)


def _learning_rate(cfg: Config, global_step: Any) -> Any:
    # Built in a scope: the schedules' own constants would otherwise take the top-level
    # name "learning_rate" that hooks address as "learning_rate:0".
    with tk.name_scope("lr_schedule"):
        lr = _schedule(cfg, global_step)
    return tk.identity(lr, name="learning_rate")


def _schedule(cfg: Config, global_step: Any) -> Any:
    s, lr0 = cfg.schedule, cfg.optimizer.learning_rate
    if s.type == "constant":
        lr = tk.constant(lr0, dtype=tk.float32)
    elif s.type == "exponential_decay":
        lr = tk.train.exponential_decay(lr0, global_step, s.decay_steps, s.decay_rate,
                                        staircase=s.staircase)
    elif s.type == "inverse_time_decay":
        lr = tk.train.inverse_time_decay(lr0, global_step, s.decay_steps, s.decay_rate,
                                         staircase=s.staircase)
    elif s.type == "cosine_decay":
        lr = tk.train.cosine_decay(lr0, global_step, s.decay_steps, alpha=s.alpha)
    elif s.type == "polynomial_decay":
        lr = tk.train.polynomial_decay(lr0, global_step, s.decay_steps,
                                       end_learning_rate=s.end_learning_rate, power=s.power)
    else:
        lr = tk.train.piecewise_constant(global_step, s.boundaries, s.values)
    return tk.cast(lr, tk.float32)


def _head(splits: Splits, outputs: Any, labels: Any) -> tuple[Any, dict[str, Any]]:
    """The loss and the per-batch metric tensors of the task."""
    if splits.classification:
        loss = tk.losses.sparse_softmax_cross_entropy(labels=labels, logits=outputs)
        pred = tk.argmax(outputs, axis=1)
        acc = tk.reduce_mean(tk.cast(tk.equal(pred, labels), tk.float32))
        return loss, {"accuracy": acc}
    loss = tk.losses.mean_squared_error(labels=labels, predictions=outputs)
    mae = tk.reduce_mean(tk.abs(outputs - labels))
    return loss, {"mae": mae}


def _model(cfg: Config, x: Any, splits: Splits, training: Any, reuse: Any) -> Any:
    builder, _ = get_model(cfg.model.type)
    with tk.variable_scope("model", reuse=reuse):
        return builder(x, cfg.model, splits.num_outputs, training)


def _eval_metrics(cfg: Config, splits: Splits, batch: int = 256) -> tuple[dict, Any]:
    """Streaming eval metrics over the whole eval split, and their init op."""
    ds = tk.data.Dataset.from_tensor_slices((splits.x_eval, splits.y_eval)).batch(batch)
    it = ds.make_initializable_iterator()
    x, y = it.get_next()
    out = _model(cfg, x, splits, False, tk.AUTO_REUSE)
    with tk.name_scope("eval"):
        if splits.classification:
            per_ex = tk.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=out)
            metrics = {"accuracy": tk.metrics.accuracy(y, tk.argmax(out, axis=1)),
                       "loss": tk.metrics.mean(per_ex)}
        else:
            metrics = {"loss": tk.metrics.mean(tk.square(out - y)),
                       "mae": tk.metrics.mean(tk.abs(out - y))}
    init = tk.group(it.initializer, tk.local_variables_initializer())
    return metrics, init


class _StopOnSignal(tk.train.SessionRunHook):
    """Requests a clean stop (hooks' end() runs, so a final checkpoint is saved)."""

    def __init__(self) -> None:
        self.flag = False

    def after_run(self, run_context: Any, run_values: Any) -> None:
        if self.flag:
            run_context.request_stop()


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
        run = _build(cfg, splits, hook_specs, steps, run_dir, _show_progress(cfg, progress))
        ensure_writable(run_dir)
        _run(run, result)
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


@dataclass
class _Run:
    """A built training graph and what the loop needs from it."""

    graph: Any
    train_op: Any
    hooks: list
    scaffold: Any
    stopper: Any
    cfg: Config
    run_dir: Path
    steps: int


def _build(cfg: Config, splits: Splits, hook_specs: list, steps: int, run_dir: Path,
           show: bool | None) -> _Run:
    graph = tk.Graph()
    with graph.as_default():
        tk.set_random_seed(cfg.run.seed)
        gs = tk.train.get_or_create_global_step()
        ds = (tk.data.Dataset.from_tensor_slices((splits.x_train, splits.y_train))
              .shuffle(cfg.data.shuffle_buffer, seed=cfg.data.seed).repeat()
              .batch(cfg.data.batch_size))
        x, y = ds.make_one_shot_iterator().get_next()
        out = _model(cfg, x, splits, True, None)
        loss, batch_metrics = _head(splits, out, y)
        reg = tk.losses.get_regularization_loss()
        loss = tk.identity(loss + reg, name="loss")
        lr = _learning_rate(cfg, gs)
        opt = _optimizer(cfg, lr)
        grads_and_vars = opt.compute_gradients(loss)
        if cfg.optimizer.clip_global_norm > 0:
            grads, tvars = zip(*grads_and_vars)
            grads, _ = tk.clip_by_global_norm(list(grads), cfg.optimizer.clip_global_norm)
            grads_and_vars = list(zip(grads, tvars))
        with tk.control_dependencies(tk.get_collection(tk.GraphKeys.UPDATE_OPS)):
            train_op = opt.apply_gradients(grads_and_vars, global_step=gs)
        named = {k: tk.identity(v, name=k) for k, v in batch_metrics.items()}
        for t in (loss, lr, *named.values()):  # the names hooks and docs rely on
            if t.op.name not in ("loss", "learning_rate", *named):
                raise RuntimeError(f"trainkit CLI: tensor {t.name!r} did not get its plain "
                                   "name; an op created earlier took it.")
        with tk.name_scope("train"):  # tags train/loss ... beside the eval/ ones (and not
            tk.summary.scalar("loss", loss)  # loss_1: the tensors own the plain names)
            tk.summary.scalar("learning_rate", lr)
            for k, v in named.items():
                tk.summary.scalar(k, v)
        eval_metrics, eval_init = _eval_metrics(cfg, splits)
        inject = {"loss_tensor": loss, "loss": loss, "output_dir": str(run_dir),
                  "checkpoint_dir": str(run_dir), "summary_dir": str(run_dir)}
        eval_hook = None
        if cfg.run.eval_every_steps:
            eval_hook = tk.train.EvaluationHook(
                eval_metrics, init_op=eval_init, every_n_steps=cfg.run.eval_every_steps,
                output_dir=str(run_dir), name="eval")
            inject["evaluation_hook"] = eval_hook
        user_hooks = [plugins.instantiate(cls, args, graph, inject, f"hooks[{i}]")
                      for i, (cls, args) in enumerate(hook_specs)]
        stopper = _StopOnSignal()
        hooks = [tk.train.StopAtStepHook(last_step=steps), tk.train.NanTensorHook(loss),
                 tk.train.ProgressBarHook(last_step=steps, tensors={"loss": loss, **named},
                                          disable=None if show is None else not show),
                 stopper]
        if cfg.run.log_every_steps:
            hooks.append(tk.train.LoggingTensorHook(
                {"step": gs, "loss": loss, **named}, every_n_iter=cfg.run.log_every_steps))
        if eval_hook is not None:
            hooks.append(eval_hook)  # before user hooks, so early stopping sees fresh metrics
        hooks += user_hooks
        scaffold = tk.train.Scaffold(saver=tk.train.Saver(max_to_keep=cfg.run.max_to_keep))
    return _Run(graph, train_op, hooks, scaffold, stopper, cfg, run_dir, steps)


def _run(run: _Run, result: TrainResult) -> None:
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
        metrics, init = _eval_metrics(cfg, splits)
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
