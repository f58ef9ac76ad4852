"""Per-rank state beside the checkpoints of a data-parallel job, for exact resume.

Rank 0 alone writes checkpoints (the variables are the same on every rank), but dataset
iterator positions and random-op generator states are not variables: each rank has its
own. ``RankStateHook`` runs on every rank; whenever rank 0's ``CheckpointSaverHook`` saves
``model.ckpt-<step>`` (it tells its listener, and rank 0 broadcasts that step to the
others after the run), every rank writes ``model.ckpt-<step>.rank-<r>.state`` atomically
(temp file, fsync, rename; JSON, no pickle). On resume every rank restores the checkpoint
rank 0 chose (the newest one whose rank files all exist, see
:func:`latest_complete_checkpoint`) and then its own state file.

Example (``MonitoredTrainingSession`` wires this up when ``hvd.size() > 1``):
    >>> listener = RankStateListener()
    >>> hooks = [CheckpointSaverHook(d, save_steps=10, listeners=[listener]),
    ...          RankStateHook(d, listener, restored=path)]
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
from trainkit.hooks.checkpoint_saver import CheckpointSaverListener
from trainkit.ops.placeholders import placeholder
from trainkit.training import checkpoint_management as mgmt
from trainkit.training import training_util
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


class RankStateListener(CheckpointSaverListener):
    """Listens to rank 0's ``CheckpointSaverHook``: remembers the step it saved."""

    def __init__(self) -> None:
        self.saved_step: int | None = None

    def after_save(self, session: Any, global_step_value: int) -> None:
        self.saved_step = int(global_step_value)


class RankStateHook(SessionRunHook):
    """Saves and restores this rank's iterator and random-op states (see module doc).

    Args:
        checkpoint_dir: the job's checkpoint directory.
        listener: rank 0's ``RankStateListener`` (None on other ranks).
        restored: the checkpoint every rank restored (None for a fresh start).
        checkpoint_basename: the checkpoints' basename (``model.ckpt``).
    """

    def __init__(self, checkpoint_dir: str, listener: RankStateListener | None,
                 restored: str | None, checkpoint_basename: str = "model.ckpt"):
        self._dir = os.fspath(checkpoint_dir)
        self._listener = listener
        self._restored = restored
        self._prefix = os.path.join(self._dir, checkpoint_basename)

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
        if self._restored is not None:
            path = state_path(self._restored, basics.rank())
            if os.path.exists(path):
                self._restore(session, path)
            else:
                _LOG.warning("No per-rank state %s: this rank resumes with rank 0's data "
                             "position and random state.", path)
        # The CheckpointSaverHook always saves when the session is created.
        self._write(session, int(session.run(_global_step(session))))

    def after_run(self, run_context: Any, run_values: Any) -> None:
        self._sync_and_write(run_context.session)

    def end(self, session: Any) -> None:
        self._sync_and_write(session)

    def _sync_and_write(self, session: Any) -> None:
        step = -1
        if self._listener is not None and self._listener.saved_step is not None:
            step, self._listener.saved_step = self._listener.saved_step, None
        (got,) = collectives.broadcast([np.array([step], np.int64)], 0, "rank_state/saved")
        if got[0] >= 0:
            self._write(session, int(got[0]))

    def _state(self, session: Any) -> dict[str, Any]:
        state = {name: obj.saveable_state(session) for name, obj in self._saveables}
        state[_RANDOM] = {"json": np.asarray(session.run(self._get_random), dtype=object)}
        return {k: {kk: _plain(vv) for kk, vv in v.items()} for k, v in state.items()}

    def _write(self, session: Any, step: int) -> None:
        path = state_path(f"{self._prefix}-{step}", basics.rank())
        data = objects.dumps(self._state(session))
        tmp = f"{path}.tmp-{os.getpid()}"
        os.makedirs(self._dir, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
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


__all__ = ["RankStateHook", "RankStateListener", "latest_complete_checkpoint", "state_path"]
