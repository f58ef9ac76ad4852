"""``MonitoredTrainingSession``: a ``MonitoredSession`` with the standard training hooks
(step counter, summaries, checkpoints) for a chief, or a waiting worker session.

It is the one place that picks default hooks, so it lives in the hooks layer
(DESIGN.md), above the monitored session it builds.

Example:
    >>> with MonitoredTrainingSession(checkpoint_dir="/tmp/run",
    ...                               hooks=[StopAtStepHook(last_step=1000)]) as sess:
    ...     while not sess.should_stop():
    ...         sess.run(train_op)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from trainkit.distributed import basics as dist
from trainkit.distributed import objects as dist_objects
from trainkit.distributed.rank_sync import (
    RankStateListener,
    RankSyncHook,
    latest_complete_checkpoint,
)
from trainkit.hooks.checkpoint_saver import CheckpointSaverHook
from trainkit.hooks.step_counter import StepCounterHook
from trainkit.hooks.summary_saver import SummarySaverHook
from trainkit.training.monitored_session import MonitoredSession
from trainkit.training.scaffold import Scaffold
from trainkit.training.session_creators import ChiefSessionCreator, WorkerSessionCreator


class _UseDefault:
    def __repr__(self) -> str:
        return "USE_DEFAULT"


USE_DEFAULT: Any = _UseDefault()


def _resolve_pair(secs: Any, steps: Any, default_secs: Any, default_steps: Any,
                  secs_name: str, steps_name: str) -> tuple[Any, Any]:
    if secs is USE_DEFAULT and steps is USE_DEFAULT:
        return default_secs, default_steps
    secs = None if secs is USE_DEFAULT else secs
    steps = None if steps is USE_DEFAULT else steps
    if secs is not None and steps is not None and (secs > 0 or steps > 0):
        raise ValueError(f"MonitoredTrainingSession: pass only one of {secs_name}="
                         f"{secs!r} and {steps_name}={steps!r}.")
    return secs, steps


def _positive(x: Any) -> bool:
    return x is not None and x > 0


def MonitoredTrainingSession(  # noqa: N802 - TF's public name
        master: str = "", is_chief: bool = True, checkpoint_dir: str | None = None,
        scaffold: Scaffold | None = None, hooks: Sequence[Any] | None = None,
        chief_only_hooks: Sequence[Any] | None = None,
        save_checkpoint_secs: Any = USE_DEFAULT, save_summaries_steps: Any = USE_DEFAULT,
        save_summaries_secs: Any = USE_DEFAULT, config: Any = None,
        stop_grace_period_secs: float = 120, log_step_count_steps: int | None = 100,
        max_wait_secs: float = 7200, save_checkpoint_steps: Any = USE_DEFAULT,
        summary_dir: str | None = None, save_graph_def: bool = True) -> MonitoredSession:
    """Creates a ``MonitoredSession`` set up for training.

    For the chief the hooks are, in order: ``chief_only_hooks``; ``StepCounterHook``
    (if ``summary_dir`` and ``log_step_count_steps > 0``); ``SummarySaverHook`` (if
    ``summary_dir`` and a summary period > 0); ``CheckpointSaverHook`` (if
    ``checkpoint_dir`` and a checkpoint period > 0); ``hooks``. The session restores the
    latest checkpoint of ``checkpoint_dir``, so a restart goes on from its global step.
    A non-chief gets a ``WorkerSessionCreator`` and only ``hooks``.

    With ``trainkit.distributed`` initialized on more than one rank, the rank decides
    (trainkit): rank 0 alone writes checkpoints and summaries and runs
    ``chief_only_hooks``, every rank restores the same checkpoint (the newest one that
    every rank's state file completes) and saves its own iterator/RNG state beside it, so
    a resumed job continues exactly; a stop any hook requests on any rank stops every
    rank after the same step; no rank waits for another's session.

    Args:
        master, config: for the ``Session``.
        is_chief: whether this process initializes/restores and writes.
        checkpoint_dir: where checkpoints are restored from and saved to.
        scaffold: the model's ``Scaffold`` (default: a new one).
        hooks: hooks for every process.
        chief_only_hooks: hooks only the chief runs.
        save_checkpoint_secs / save_checkpoint_steps: checkpoint period (default 600 s).
        save_summaries_steps / save_summaries_secs: summary period (default 100 steps).
        stop_grace_period_secs: how long threads may run after a stop on close.
        log_step_count_steps: ``StepCounterHook`` period (None/0 = off).
        max_wait_secs: how long a worker waits for the chief.
        summary_dir: event directory (default ``checkpoint_dir``).
        save_graph_def: write the graph with checkpoints.

    Raises:
        ValueError: if both values of a period pair are set.

    Differs from TF: setting both values of a pair is a ValueError naming both
    arguments (TF raises from inside the timer with an unrelated message).
    """
    sum_secs, sum_steps = _resolve_pair(save_summaries_secs, save_summaries_steps, None, 100,
                                        "save_summaries_secs", "save_summaries_steps")
    ckpt_secs, ckpt_steps = _resolve_pair(save_checkpoint_secs, save_checkpoint_steps, 600,
                                          None, "save_checkpoint_secs",
                                          "save_checkpoint_steps")
    scaffold = scaffold if scaffold is not None else Scaffold()
    if dist.size_or_one() > 1:
        return _data_parallel_session(
            scaffold, master, config, checkpoint_dir, summary_dir, hooks, chief_only_hooks,
            (sum_secs, sum_steps), (ckpt_secs, ckpt_steps), log_step_count_steps,
            stop_grace_period_secs, save_graph_def)
    if not is_chief:
        creator = WorkerSessionCreator(scaffold=scaffold, master=master, config=config,
                                       max_wait_secs=max_wait_secs)
        return MonitoredSession(session_creator=creator, hooks=list(hooks or []),
                                stop_grace_period_secs=stop_grace_period_secs)
    all_hooks: list = list(chief_only_hooks or [])
    creator = ChiefSessionCreator(scaffold=scaffold, checkpoint_dir=checkpoint_dir,
                                  master=master, config=config)
    summary_dir = summary_dir or checkpoint_dir
    if summary_dir:
        if _positive(log_step_count_steps):
            all_hooks.append(StepCounterHook(output_dir=summary_dir,
                                                       every_n_steps=log_step_count_steps))
        if _positive(sum_steps) or _positive(sum_secs):
            all_hooks.append(SummarySaverHook(
                scaffold=scaffold, save_steps=sum_steps if _positive(sum_steps) else None,
                save_secs=sum_secs if _positive(sum_secs) else None, output_dir=summary_dir))
    if checkpoint_dir and (_positive(ckpt_steps) or _positive(ckpt_secs)):
        all_hooks.append(CheckpointSaverHook(
            checkpoint_dir, save_steps=ckpt_steps if _positive(ckpt_steps) else None,
            save_secs=ckpt_secs if _positive(ckpt_secs) else None, scaffold=scaffold,
            save_graph_def=save_graph_def))
    all_hooks.extend(hooks or [])
    return MonitoredSession(session_creator=creator, hooks=all_hooks,
                            stop_grace_period_secs=stop_grace_period_secs)


def _data_parallel_session(scaffold: Scaffold, master: str, config: Any,
                           checkpoint_dir: str | None, summary_dir: str | None,
                           hooks: Sequence[Any] | None, chief_only_hooks: Any,
                           summaries: tuple, checkpoints: tuple, log_step_count_steps: Any,
                           stop_grace_period_secs: float, save_graph_def: bool
                           ) -> MonitoredSession:
    """``hvd.size() > 1``: every rank restores the checkpoint rank 0 picked and keeps its
    own iterator/RNG state beside it; rank 0 alone runs the writing hooks and the
    ``chief_only_hooks`` (whatever ``is_chief`` says: every rank is a chief of its own
    session, none waits for another)."""
    rank, size = dist.rank_or_zero(), dist.size_or_one()
    (sum_secs, sum_steps), (ckpt_secs, ckpt_steps) = summaries, checkpoints
    # Rank 0's checkpoint settings rule (Horovod programs pass checkpoint_dir=None on the
    # other ranks): every rank restores from, and keeps its state in, rank 0's directory
    # (a filesystem all ranks share).
    mine = None
    if rank == 0:
        saving = bool(checkpoint_dir) and (_positive(ckpt_steps) or _positive(ckpt_secs))
        mine = {"dir": os.fspath(checkpoint_dir) if checkpoint_dir else None,
                "saving": saving, "restored": latest_complete_checkpoint(
                    checkpoint_dir, size) if checkpoint_dir else None}
    agreed = dist_objects.broadcast_object(mine, 0, name="MonitoredTrainingSession")
    checkpoint_dir, saving, restored = agreed["dir"], agreed["saving"], agreed["restored"]
    creator = ChiefSessionCreator(scaffold=scaffold, master=master, config=config,
                                  checkpoint_filename_with_path=restored)
    all_hooks: list = []
    listener = RankStateListener() if rank == 0 and saving else None
    if rank == 0:
        all_hooks.extend(chief_only_hooks or [])
        summary_dir = summary_dir or checkpoint_dir
        if summary_dir and _positive(log_step_count_steps):
            all_hooks.append(StepCounterHook(output_dir=summary_dir,
                                             every_n_steps=log_step_count_steps))
        if summary_dir and (_positive(sum_steps) or _positive(sum_secs)):
            all_hooks.append(SummarySaverHook(
                scaffold=scaffold, save_steps=sum_steps if _positive(sum_steps) else None,
                save_secs=sum_secs if _positive(sum_secs) else None, output_dir=summary_dir))
        if saving:
            all_hooks.append(CheckpointSaverHook(
                checkpoint_dir, save_steps=ckpt_steps if _positive(ckpt_steps) else None,
                save_secs=ckpt_secs if _positive(ckpt_secs) else None, scaffold=scaffold,
                save_graph_def=save_graph_def, listeners=[listener]))
    all_hooks.extend(hooks or [])
    # Last: it sees every hook's stop request of the step (see rank_state).
    all_hooks.append(RankSyncHook(checkpoint_dir if saving else None, listener, restored))
    return MonitoredSession(session_creator=creator, hooks=all_hooks,
                            stop_grace_period_secs=stop_grace_period_secs)


__all__ = ["MonitoredTrainingSession", "USE_DEFAULT"]
