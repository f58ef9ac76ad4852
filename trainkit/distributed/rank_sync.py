"""``RankSyncHook``: what keeps the ranks of a data-parallel job in step besides the
gradients: stops and per-rank state beside the checkpoints, for exact resume.

- **Stops.** A hook on one rank may request a stop (early stopping, a time limit, Ctrl-C);
  the ranks must stop after the same step or the next collective mismatches. After every
  run the hook (last in the list) reduces the ranks' stop requests with MAX: any rank's
  stop stops all, at the same step.
- **Per-rank state.** Rank 0 alone writes checkpoints (the variables are the same on
  every rank), but dataset iterator positions and random-op generator states are not
  variables: each rank has its own. Whenever rank 0's ``CheckpointSaverHook`` saves
  ``model.ckpt-<step>`` (it tells its listener; the same tiny reduction carries the step
  to the others), every rank writes ``model.ckpt-<step>.rank-<r>.state`` atomically
  (temp file, fsync, rename; JSON, no pickle). On resume every rank restores the
  checkpoint rank 0 chose (the newest whose rank files all exist, see
  :func:`latest_complete_checkpoint`) and then its own state file.

Example (``MonitoredTrainingSession`` wires this up when ``hvd.size() > 1``):
    >>> listener = RankStateListener()
    >>> hooks = [CheckpointSaverHook(d, save_steps=10, listeners=[listener]), *user_hooks,
    ...          RankSyncHook(d, listener, restored=path)]
"""

from __future__ import annotations

import glob
import logging
import os
import re
from typing import Any

import numpy as np

from trainkit.distributed import basics, collectives, objects
from trainkit.framework import dtypes
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.ops.placeholders import placeholder
from trainkit.training import atomic_file, training_util
from trainkit.training import checkpoint_management as mgmt
from trainkit.training.session_run_hook import SessionRunHook

_LOG = logging.getLogger("trainkit.hooks")
_RANDOM = "random_state"


def state_path(checkpoint_prefix: str, rank: int) -> str:
    """The state file of ``rank`` for the checkpoint ``checkpoint_prefix``."""
    return f"{checkpoint_prefix}.rank-{rank}.state"


def latest_complete_checkpoint(checkpoint_dir: str, size: int) -> str | None:
    """The newest checkpoint of ``checkpoint_dir`` that has a state file for every rank
    (a job killed between rank 0's checkpoint and another rank's state file resumes from
    the one before), or None."""
    state = mgmt.get_checkpoint_state(checkpoint_dir)
    if state is None:
        return None
    paths = list(state.all_model_checkpoint_paths) or [state.model_checkpoint_path]
    for path in reversed(paths):
        if not os.path.isabs(path):
            path = os.path.join(checkpoint_dir, path)
        if mgmt.checkpoint_exists(path) and all(
                os.path.exists(state_path(path, r)) for r in range(size)):
            return path
    return None


class RankStateListener:
    """A ``CheckpointSaverListener`` for rank 0's ``CheckpointSaverHook``: remembers the
    step it saved (the listener protocol's four methods; this layer sits below hooks)."""

    def __init__(self) -> None:
        self.saved_step: int | None = None

    def begin(self) -> None:
        self.saved_step = None

    def before_save(self, session: Any, global_step_value: int) -> None:
        """Nothing to do before a save."""

    def after_save(self, session: Any, global_step_value: int) -> None:
        self.saved_step = int(global_step_value)

    def end(self, session: Any, global_step_value: int) -> None:
        """Nothing to do at the end."""


class RankSyncHook(SessionRunHook):
    """Synchronizes stops; saves and restores this rank's iterator and random-op states
    (see module doc). List it last.

    Args:
        checkpoint_dir: the job's checkpoint directory (None: stops only).
        listener: rank 0's ``RankStateListener`` (None on other ranks).
        restored: the checkpoint every rank restored (None for a fresh start).
        checkpoint_basename: the checkpoints' basename (``model.ckpt``).
    """

    def __init__(self, checkpoint_dir: str | None, listener: RankStateListener | None,
                 restored: str | None, checkpoint_basename: str = "model.ckpt"):
        self._dir = os.fspath(checkpoint_dir) if checkpoint_dir else None
        self._listener = listener
        self._restored = restored
        self._prefix = os.path.join(self._dir or "", checkpoint_basename)

    def begin(self) -> None:
        graph = get_default_graph()
        self._saveables = [(o.name, o) for o in
                           graph.get_collection(GraphKeys.SAVEABLE_OBJECTS)]
        with graph.name_scope("rank_state"):
            self._get_random = graph.create_op("TkGetRandomState", [], [dtypes.string],
                                               name="get").outputs[0]
            self._random_feed = placeholder(dtypes.string, [], name="value")
            self._set_random = graph.create_op("TkSetRandomState", [self._random_feed], [],
                                               name="set")

    def after_create_session(self, session: Any, coord: Any) -> None:
        if self._dir is None:
            return
        if self._restored is not None:
            path = state_path(self._restored, basics.rank())
            if os.path.exists(path):
                self._restore(session, path)
            else:
                _LOG.warning("No per-rank state %s: this rank resumes with rank 0's data "
                             "position and random state.", path)
        # The CheckpointSaverHook always saves when the session is created: every rank
        # writes that checkpoint's state now, so rank 0's listener must not announce the
        # same save again after the first step (which would overwrite that state with
        # the position after the step).
        self._write(session, int(session.run(_global_step(session))))
        if self._listener is not None:
            self._listener.saved_step = None

    def after_run(self, run_context: Any, run_values: Any) -> None:
        if self._sync(run_context.session, run_context.stop_requested):
            run_context.request_stop()

    def end(self, session: Any) -> None:
        self._sync(session, True)

    def _sync(self, session: Any, stop: bool) -> bool:
        """One tiny MAX-allreduce of [rank 0's saved step + 1 or 0, this rank's stop]
        (0 means "nothing": a rank waiting in ``hvd.join()`` adds zeros)."""
        step = 0
        if self._listener is not None and self._listener.saved_step is not None:
            step, self._listener.saved_step = self._listener.saved_step + 1, None
        (got,) = collectives.allreduce([np.array([step, int(stop)], np.int64)],
                                       collectives.MAX, "rank_sync")
        if got[0] > 0 and self._dir is not None:
            self._write(session, int(got[0]) - 1)
        return bool(got[1])

    def _state(self, session: Any) -> dict[str, Any]:
        state = {name: obj.saveable_state(session) for name, obj in self._saveables}
        state[_RANDOM] = {"json": np.asarray(session.run(self._get_random), dtype=object)}
        return {k: {kk: _plain(vv) for kk, vv in v.items()} for k, v in state.items()}

    def _write(self, session: Any, step: int) -> None:
        path = state_path(f"{self._prefix}-{step}", basics.rank())
        data = objects.dumps(self._state(session))
        os.makedirs(self._dir, exist_ok=True)
        atomic_file.write_bytes(path, data)
        self._prune(step)

    def _prune(self, newest: int) -> None:
        pattern = re.compile(re.escape(os.path.basename(self._prefix)) +
                             rf"-(\d+)\.rank-{basics.rank()}\.state$")
        for path in glob.glob(glob.escape(self._prefix) + f"-*.rank-{basics.rank()}.state"):
            m = pattern.search(os.path.basename(path))
            if m and int(m.group(1)) < newest and not mgmt.checkpoint_exists(
                    path[: -len(f".rank-{basics.rank()}.state")]):
                os.remove(path)

    def _restore(self, session: Any, path: str) -> None:
        with open(path, "rb") as f:
            state = objects.loads(f.read())
        for name, obj in self._saveables:
            if name in state:
                obj.restore_saveable_state(session, _arrays(state[name]))
        if _RANDOM in state:
            session.run(self._set_random, {self._random_feed: _arrays(state[_RANDOM])["json"]})


def _plain(value: Any) -> Any:
    arr = np.asarray(value)
    if arr.dtype == object:  # strings/bytes: a list of bytes keeps them exactly
        return {"object_array": [bytes(x) if not isinstance(x, str) else x.encode("utf-8")
                                 for x in arr.reshape(-1).tolist()],
                "shape": list(arr.shape)}
    return arr


def _arrays(saved: dict) -> dict[str, np.ndarray]:
    out = {}
    for k, v in saved.items():
        if isinstance(v, dict) and "object_array" in v:
            out[k] = np.array(v["object_array"], dtype=object).reshape(v["shape"])
        else:
            out[k] = np.asarray(v)
    return out


def _global_step(session: Any) -> Any:
    return training_util.get_global_step(session.graph)


__all__ = ["RankSyncHook", "RankStateListener", "latest_complete_checkpoint", "state_path"]
