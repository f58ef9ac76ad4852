"""The training and evaluation graphs a config describes: model, head and metrics,
learning-rate schedule, optimizer, summaries, and the hooks around them.

The CLI gives its tensors plain names hooks can address as ``"name:0"``: ``loss``,
``learning_rate``, ``accuracy`` (classification) or ``mae`` (regression).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import trainkit as tk
from trainkit.cli import plugins
from trainkit.cli.config import Config
from trainkit.cli.inputs import Splits
from trainkit.distributed import BroadcastGlobalVariablesHook, DistributedOptimizer
from trainkit.distributed import basics as hvd


def optimizer(cfg: Config, lr: Any) -> Any:
    """The ``[optimizer]`` a config names, with learning rate ``lr`` (the schedule's)."""
    o = cfg.optimizer
    return o.component.fn(**{**o.args, "learning_rate": lr})


def learning_rate(cfg: Config, global_step: Any) -> Any:
    """The ``[schedule]``'s learning rate over ``global_step``, named ``learning_rate``."""
    # Built in a scope: the schedules' own constants would otherwise take the top-level
    # name "learning_rate" that hooks address as "learning_rate:0".
    s = cfg.schedule
    lr0 = cfg.optimizer.learning_rate
    if cfg.optimizer.scale_learning_rate_by_ranks:
        lr0 *= hvd.size_or_one()
    with tk.name_scope("lr_schedule"):
        lr = s.component.fn(learning_rate=lr0, global_step=global_step, **s.args)
        if s.warmup_steps:
            lr = tk.train.linear_warmup(lr, global_step, s.warmup_steps)
        lr = tk.cast(lr, tk.float32)
    return tk.identity(lr, name="learning_rate")


def histogram_op(cfg: Config, grads_and_vars: list) -> Any:
    """The ``[summaries]`` histograms (``weights/<variable>``, ``gradients/<variable>``)
    merged into one op kept out of the ``summaries`` collection (they have their own
    period), or None when they are off."""
    s = cfg.summaries
    if not s.histograms_every_steps or not (s.weights or s.gradients):
        return None
    ops = []
    for g, v in grads_and_vars:
        if s.weights:
            ops.append(tk.summary.histogram(f"weights/{v.op.name}", v, collections=[]))
        if s.gradients and g is not None:
            ops.append(tk.summary.histogram(f"gradients/{v.op.name}", g, collections=[]))
    return tk.summary.merge(ops, collections=[]) if ops else None


def head(splits: Splits, outputs: Any, labels: Any) -> tuple[Any, dict[str, Any]]:
    """The loss and the per-batch metric tensors of the task."""
    if splits.classification:
        loss = tk.losses.sparse_softmax_cross_entropy(labels=labels, logits=outputs)
        pred = tk.argmax(outputs, axis=1)
        acc = tk.reduce_mean(tk.cast(tk.equal(pred, labels), tk.float32))
        return loss, {"accuracy": acc}
    loss = tk.losses.mean_squared_error(labels=labels, predictions=outputs)
    mae = tk.reduce_mean(tk.abs(outputs - labels))
    return loss, {"mae": mae}


def model(cfg: Config, x: Any, splits: Splits, training: Any, reuse: Any) -> Any:
    """The ``[model]``'s outputs for ``x``, its variables under the ``model`` scope."""
    m = cfg.model
    with tk.variable_scope("model", reuse=reuse):
        return m.component.fn(x, splits.num_outputs, training, **m.args)


def eval_metrics(cfg: Config, splits: Splits, batch: int = 256) -> tuple[dict, Any]:
    """Streaming metrics over the whole eval split (``{name: (value, update)}``) and the op
    that resets them and rewinds the eval iterator."""
    ds = tk.data.Dataset.from_tensor_slices((splits.x_eval, splits.y_eval)).batch(batch)
    it = ds.make_initializable_iterator()
    x, y = it.get_next()
    out = model(cfg, x, splits, False, tk.AUTO_REUSE)
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


class StopOnSignal(tk.train.SessionRunHook):
    """Requests a clean stop (hooks' end() runs, so a final checkpoint is saved) once
    :attr:`signals` (a :class:`~trainkit.cli.signals.StopSignals`) received a signal."""

    def __init__(self, signals: Any = None) -> None:
        self.signals = signals

    @property
    def flag(self) -> bool:
        """Whether a stop was asked for."""
        return self.signals is not None and self.signals.signum is not None

    def after_run(self, run_context: Any, run_values: Any) -> None:
        if self.flag:
            run_context.request_stop()


@dataclass
class TrainGraph:
    """A built training graph and what the loop needs from it."""

    graph: Any
    train_op: Any
    hooks: list
    scaffold: Any
    stopper: Any
    cfg: Config
    run_dir: Path
    steps: int


def build_train_graph(cfg: Config, splits: Splits, hook_specs: list, steps: int,
                      run_dir: Path, show: bool | None) -> TrainGraph:
    """Builds the training graph and every hook in memory (nothing is written yet).

    Raises:
        ConfigError: if a custom hook's arguments do not fit the built graph.
    """
    graph = tk.Graph()
    with graph.as_default():
        tk.set_random_seed(cfg.run.seed)
        gs = tk.train.get_or_create_global_step()
        ds = (tk.data.Dataset.from_tensor_slices((splits.x_train, splits.y_train))
              .shard(hvd.size_or_one(), hvd.rank_or_zero())  # each rank its own part
              .shuffle(cfg.data.shuffle_buffer, seed=cfg.data.seed).repeat()
              .batch(cfg.data.batch_size))
        x, y = ds.make_one_shot_iterator().get_next()
        out = model(cfg, x, splits, True, None)
        loss, batch_metrics = head(splits, out, y)
        reg = tk.losses.get_regularization_loss()
        loss = tk.identity(loss + reg, name="loss")
        lr = learning_rate(cfg, gs)
        opt = optimizer(cfg, lr)
        if hvd.size_or_one() > 1:  # gradients averaged over the ranks (one fused op)
            opt = DistributedOptimizer(opt)
        if cfg.optimizer.accumulate_steps > 1:  # one update per N batches
            opt = tk.train.GradientAccumulationOptimizer(opt, cfg.optimizer.accumulate_steps)
        grads_and_vars = opt.compute_gradients(loss)
        if cfg.optimizer.clip_global_norm > 0:
            grads, tvars = zip(*grads_and_vars)
            grads, _ = tk.clip_by_global_norm(list(grads), cfg.optimizer.clip_global_norm)
            grads_and_vars = list(zip(grads, tvars))
        with tk.control_dependencies(tk.get_collection(tk.GraphKeys.UPDATE_OPS)):
            train_op = opt.apply_gradients(grads_and_vars, global_step=gs)
        histograms = histogram_op(cfg, grads_and_vars)
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
        ev_metrics, ev_init = eval_metrics(cfg, splits)
        inject = {"loss_tensor": loss, "loss": loss, "output_dir": str(run_dir),
                  "checkpoint_dir": str(run_dir), "summary_dir": str(run_dir)}
        eval_hook = None
        if cfg.run.eval_every_steps:  # at_end: the last step's evaluation is in the events
            eval_hook = tk.train.EvaluationHook(
                ev_metrics, init_op=ev_init, every_n_steps=cfg.run.eval_every_steps,
                output_dir=str(run_dir), name="eval", at_end=True)
        user_hooks = [plugins.instantiate(cls, args, graph, inject, f"hooks[{i}]")
                      for i, (cls, args) in enumerate(hook_specs)]
        stopper = StopOnSignal()
        # Under mpiexec the other ranks only compute: rank 0 shows, logs, evaluates and
        # runs the user's hooks, whose stop requests stop every rank (RankSyncHook).
        first = hvd.rank_or_zero() == 0
        hooks = [tk.train.StopAtStepHook(last_step=steps), tk.train.NanTensorHook(loss)]
        if first:
            hooks.append(tk.train.ProgressBarHook(
                last_step=steps, tensors={"loss": loss, **named},
                disable=None if show is None else not show))
        hooks.append(stopper)
        if hvd.size_or_one() > 1:
            hooks.append(BroadcastGlobalVariablesHook(0))
        if histograms is not None and first:
            hooks.append(tk.train.SummarySaverHook(
                save_steps=cfg.summaries.histograms_every_steps, output_dir=str(run_dir),
                summary_op=histograms))
        if cfg.run.log_every_steps and first:
            hooks.append(tk.train.LoggingTensorHook(
                {"step": gs, "loss": loss, **named}, every_n_iter=cfg.run.log_every_steps))
        if eval_hook is not None and first:
            hooks.append(eval_hook)  # it publishes on the graph: hook order does not matter
        hooks += user_hooks if first else []
        scaffold = tk.train.Scaffold(saver=tk.train.Saver(max_to_keep=cfg.run.max_to_keep))
    return TrainGraph(graph, train_op, hooks, scaffold, stopper, cfg, run_dir, steps)


__all__ = ["TrainGraph", "build_train_graph", "eval_metrics", "StopOnSignal", "optimizer",
           "learning_rate", "head", "model"]
