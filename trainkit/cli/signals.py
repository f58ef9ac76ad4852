"""Ctrl-C (SIGINT) and SIGTERM while ``trainkit train`` runs: the same clean stop.

SIGTERM is what Kubernetes, Slurm and ``timeout`` send. While the training session runs,
the first signal asks for a stop after the current step: the hooks' ``end`` runs (the
final checkpoint is saved, event files are closed) and the command exits with 128 + the
signal number (130 for Ctrl-C, 143 for SIGTERM). A second signal, or one before training
started or after it finished, raises :class:`Aborted` at once; the CLI's message then
says which checkpoint is on disk, so it never claims "nothing saved" when something was.
"""

from __future__ import annotations

import logging
import signal
from pathlib import Path
from types import FrameType
from typing import Any

_LOG = logging.getLogger("trainkit.cli")

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def signal_label(signum: int) -> str:
    """``Ctrl-C`` for SIGINT, the signal's name otherwise."""
    return "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name


class Aborted(BaseException):
    """A signal that ended ``train`` at once (a BaseException, so no hook swallows it).

    Attributes:
        signum: the signal number.
        phase: ``"setup"`` (before training), ``"training"`` (a second signal while
            stopping) or ``"finished"`` (after the training session closed).
        run_dir: the run directory (set by the runner), to report what is on disk.
    """

    def __init__(self, signum: int, phase: str):
        super().__init__(f"{signal_label(signum)} during {phase}")
        self.signum = signum
        self.phase = phase
        self.run_dir: Path | None = None


class StopSignals:
    """Handles SIGINT and SIGTERM inside a ``with`` block (main thread only; elsewhere it
    does nothing). Set :attr:`phase` to ``"training"`` while the session runs.

    Attributes:
        signum: the first signal received while training (None: none).
    """

    def __init__(self) -> None:
        self.signum: int | None = None
        self.phase = "setup"
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        for s in SIGNALS:
            try:
                self._previous[s] = signal.signal(s, self._handle)
            except ValueError:  # not the main thread
                break
        return self

    def __exit__(self, *exc: object) -> None:
        for s, h in self._previous.items():
            signal.signal(s, h)
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.phase == "training" and self.signum is None:
            self.signum = signum
            again = "press Ctrl-C again" if signum == signal.SIGINT else "send it again"
            what = "Interrupted" if signum == signal.SIGINT else \
                f"Received {signal_label(signum)}"
            _LOG.warning("%s: stopping after this step and saving a checkpoint (%s to abort "
                         "at once).", what, again)
            return
        raise Aborted(signum, self.phase)


__all__ = ["Aborted", "StopSignals", "SIGNALS", "signal_label"]
