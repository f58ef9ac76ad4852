"""The run directory ``<logdir>/<name>``: can it be written, and which checkpoint in it
does ``train`` resume from (the checkpoint files are the truth:
:mod:`trainkit.training.checkpoint_recovery`)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import trainkit as tk
from trainkit.cli.config import Config
from trainkit.cli.errors import ConfigError
from trainkit.training import checkpoint_recovery
from trainkit.training.checkpoint_reader import describe_checkpoint


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


def resume_point(run_dir: Path, rebuild: bool = True) -> tuple[int, str | None]:
    """The global step and prefix of the checkpoint ``train`` resumes from ((0, None)
    without one); with ``rebuild``, a lost or damaged state file is rebuilt.

    Raises:
        ConfigError: if the newest checkpoint is damaged: resuming would silently go back
            to an older one and later overwrite the damaged files, so the user decides.
    """
    if not run_dir.is_dir():
        return 0, None
    files = checkpoint_recovery.checkpoint_files(str(run_dir))  # the truth, newest first
    newest = files[0] if files else ""
    if newest:
        try:
            describe_checkpoint(newest, verify=True)
        except (tk.errors.DataLossError, ValueError) as e:
            why = e.message if isinstance(e, tk.errors.OpError) else str(e)
            raise ConfigError(f"{newest}: the newest checkpoint of the run is damaged ({why}); "
                              "move its files away to resume from an older checkpoint, or "
                              "use another --logdir.") from None
    ckpt = checkpoint_recovery.restore_point(str(run_dir), rebuild=rebuild).path
    if ckpt is None:
        return 0, None
    try:
        return int(tk.train.load_variable(ckpt, "global_step")), ckpt
    except (tk.errors.OpError, ValueError, KeyError):
        return 0, ckpt


__all__ = ["run_dir_of", "check_writable", "ensure_writable", "resume_point"]
