"""The run directory's checkpoint files are the truth; the state file is an index of them.

TF's ``latest_checkpoint`` and ``get_checkpoint_state`` trust the ``checkpoint`` state
file and return None without it, so a deleted, emptied or garbled state file makes a
restart ignore every checkpoint, start again from step 0 and overwrite the old files.
trainkit keeps those two functions as TF defines them and adds :func:`restore_point`,
which ``MonitoredTrainingSession``'s restore (``SessionManager``) and the CLI's
``train``, ``eval`` and ``inspect`` use instead:

- a state file that names a checkpoint that verifies is used as it is (as TF);
- when the state file is missing, empty, unreadable, or names a missing or damaged
  checkpoint, every ``<prefix>.index`` in the directory is a candidate, newest first (the
  global step at the end of the name, ``model.ckpt-1200``, then the index file's
  modification time); the newest one that verifies (sizes and every CRC-32) wins, newer
  damaged ones are named in a warning, and the state file is rewritten (atomically)
  listing every valid checkpoint, with a warning saying so.

Checkpoint files are never written, moved or deleted here. After a rebuild the restored
``Saver`` is not told about the older checkpoints, so its ``max_to_keep`` rotation cannot
delete files the old state file did not list (e.g. ones kept by
``keep_checkpoint_every_n_hours``).

Example:
    >>> restore_point("/runs/quickstart")       # doctest: +SKIP
    RestorePoint(path='/runs/quickstart/model.ckpt-1000', rebuilt=True, skipped=[])
"""

from __future__ import annotations

import glob
import logging
import os
import re
from dataclasses import dataclass, field

from trainkit.training import checkpoint_format as fmt
from trainkit.training import checkpoint_management as mgmt

_LOG = logging.getLogger("trainkit")
_STEP = re.compile(r"-(\d+)$")


@dataclass
class RestorePoint:
    """What :func:`restore_point` found.

    Attributes:
        path: the newest valid checkpoint's prefix (None: none in the directory).
        rebuilt: whether the state file was rewritten from the checkpoint files.
        skipped: newer checkpoints that did not verify, newest first.
    """

    path: str | None
    rebuilt: bool = False
    skipped: list[str] = field(default_factory=list)


def checkpoint_step(prefix: str) -> int | None:
    """The global step at the end of a checkpoint prefix (``model.ckpt-1200`` -> 1200)."""
    m = _STEP.search(os.path.basename(prefix))
    return int(m.group(1)) if m else None


def checkpoint_files(checkpoint_dir: str) -> list[str]:
    """The prefixes of every ``*.index`` file in ``checkpoint_dir``, newest first."""
    checkpoint_dir = os.fspath(checkpoint_dir)
    prefixes = [p[:-len(fmt.INDEX_SUFFIX)] for p in glob.glob(
        os.path.join(glob.escape(checkpoint_dir), "*" + fmt.INDEX_SUFFIX))
        if fmt.TEMP_MARKER not in os.path.basename(p)]

    def key(p: str) -> tuple[int, int, str]:
        step = checkpoint_step(p)
        try:
            mtime = os.stat(fmt.index_path(p)).st_mtime_ns
        except OSError:
            mtime = -1
        return (step if step is not None else -1, mtime, p)

    return sorted(prefixes, key=key, reverse=True)


def state_problem(checkpoint_dir: str) -> str | None:
    """Why the state file cannot be trusted (None: it names a checkpoint that verifies)."""
    path = os.path.join(checkpoint_dir, mgmt.STATE_FILENAME)
    if not os.path.exists(path):
        return "is missing"
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        return f"cannot be read ({e.strerror or e})"
    if not raw.strip():
        return "is empty"
    try:
        state = mgmt.parse_text(raw.decode("utf-8"), path)
    except (UnicodeDecodeError, ValueError) as e:
        return f"is unreadable ({type(e).__name__}: {e})"
    listed = state.model_checkpoint_path
    if not listed:
        return "names no checkpoint"
    if not os.path.isabs(listed):
        listed = os.path.join(checkpoint_dir, listed)
    if not mgmt.is_valid_checkpoint(listed):
        return f"names {listed}, which is missing or damaged"
    return None


def rebuild_state(checkpoint_dir: str, valid: list[str]) -> None:
    """Rewrites the state file listing ``valid`` checkpoints (newest first as given; the
    file lists them oldest first, with their index files' modification times)."""
    oldest_first = list(reversed(valid))
    mtimes = [os.stat(fmt.index_path(p)).st_mtime for p in oldest_first]
    mgmt.update_checkpoint_state(checkpoint_dir, oldest_first[-1],
                                 all_model_checkpoint_paths=oldest_first,
                                 all_model_checkpoint_timestamps=mtimes)


def restore_point(checkpoint_dir: str, rebuild: bool = True) -> RestorePoint:
    """The checkpoint to restore from ``checkpoint_dir``: the state file's when it names
    one that verifies (as TF), else the newest valid checkpoint file, and then (with
    ``rebuild``) the state file is rewritten from the files, with a warning.

    A directory that does not exist or holds no checkpoint gives ``path=None``.
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    if not os.path.isdir(checkpoint_dir):
        return RestorePoint(None)
    problem = state_problem(checkpoint_dir)
    if problem is None:
        return RestorePoint(mgmt.latest_checkpoint(checkpoint_dir))
    files = checkpoint_files(checkpoint_dir)
    newest = next((p for p in files if mgmt.is_valid_checkpoint(p)), None)
    if newest is None:
        if files:
            _LOG.warning("No valid checkpoint in %s (%d damaged).", checkpoint_dir, len(files))
        return RestorePoint(None, skipped=files)
    skipped = files[:files.index(newest)]
    if skipped:
        _LOG.warning("Newest checkpoint %s does not verify; using %s, the newest that does.",
                     skipped[0], newest)
    if not rebuild:
        return RestorePoint(newest, False, skipped)
    valid = [newest, *(p for p in files[files.index(newest) + 1:]
                       if mgmt.is_valid_checkpoint(p))]
    try:
        rebuild_state(checkpoint_dir, valid)
    except OSError as e:  # e.g. a read-only run directory: still restore
        _LOG.warning("The state file %s %s; using %s (could not rebuild the state file: %s).",
                     os.path.join(checkpoint_dir, mgmt.STATE_FILENAME), problem, newest,
                     e.strerror or e)
        return RestorePoint(newest, False, skipped)
    _LOG.warning("The state file %s %s; rebuilt it from the %d valid checkpoint file(s) in "
                 "the directory (newest: %s).",
                 os.path.join(checkpoint_dir, mgmt.STATE_FILENAME), problem, len(valid),
                 os.path.basename(newest))
    return RestorePoint(newest, True, skipped)


__all__ = ["RestorePoint", "restore_point", "checkpoint_files", "checkpoint_step",
           "rebuild_state", "state_problem"]
