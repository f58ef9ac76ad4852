"""Session creators: how a monitored session gets (and, after an error, re-gets) its raw
session.

Example:
    >>> creator = ChiefSessionCreator(checkpoint_dir="/tmp/run")   # restore or init
    >>> with MonitoredSession(session_creator=creator) as sess: ...
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.graph import get_default_graph
from trainkit.training.scaffold import Scaffold
from trainkit.training.session_manager import SessionManager


class SessionCreator:
    """Interface: ``create_session()`` returns a ready raw ``Session``."""

    def create_session(self) -> Any:
        """Creates a new session whose model is ready to run."""
        raise NotImplementedError("create_session is not implemented for "
                                  f"{type(self).__name__}.")


def _check_scaffold(scaffold: Any) -> Scaffold:
    if scaffold is None:
        return Scaffold()
    if not isinstance(scaffold, Scaffold):
        raise ValueError(f"scaffold must be a Scaffold, got {type(scaffold).__name__}.")
    return scaffold


class ChiefSessionCreator(SessionCreator):
    """Creates a session that restores the latest checkpoint or initializes the model.

    Args:
        scaffold: the model's ``Scaffold`` (default: a new one).
        master: the session target.
        config: a ``ConfigProto``.
        checkpoint_dir: restore the latest checkpoint found here.
        checkpoint_filename_with_path: restore exactly this checkpoint.

    Raises:
        ValueError: if ``scaffold`` is not a Scaffold.
    """

    def __init__(self, scaffold: Scaffold | None = None, master: str = "", config: Any = None,
                 checkpoint_dir: str | None = None,
                 checkpoint_filename_with_path: str | None = None):
        self._scaffold = _check_scaffold(scaffold)
        self._master = master
        self._config = config
        self._checkpoint_dir = checkpoint_dir
        self._checkpoint_filename_with_path = checkpoint_filename_with_path
        self._session_manager: SessionManager | None = None

    def _get_session_manager(self) -> SessionManager:
        if self._session_manager is None:
            s = self._scaffold
            self._session_manager = SessionManager(
                local_init_op=s.local_init_op, local_init_feed_dict=s.local_init_feed_dict,
                ready_op=s.ready_op, ready_for_local_init_op=s.ready_for_local_init_op,
                graph=get_default_graph())
        return self._session_manager

    def create_session(self) -> Any:
        """Finalizes the scaffold and prepares a session (restore, or init + init_fn)."""
        self._scaffold.finalize()
        s = self._scaffold
        return self._get_session_manager().prepare_session(
            self._master, saver=s.saver, checkpoint_dir=self._checkpoint_dir,
            checkpoint_filename_with_path=self._checkpoint_filename_with_path,
            config=self._config, init_op=s.init_op, init_feed_dict=s.init_feed_dict,
            init_fn=s.init_fn)


class WorkerSessionCreator(SessionCreator):
    """Creates a session that waits until the model is ready (initialized by a chief).

    Args:
        scaffold: the model's ``Scaffold``.
        master: the session target.
        config: a ``ConfigProto``.
        max_wait_secs: give up (``DeadlineExceededError``) after this long.

    Note:
        trainkit sessions are in-process and own their variables, so a worker session
        only becomes ready when its ``local_init_op`` initializes everything it needs.
    """

    def __init__(self, scaffold: Scaffold | None = None, master: str = "", config: Any = None,
                 max_wait_secs: float = 30 * 60):
        self._scaffold = _check_scaffold(scaffold)
        self._master = master
        self._config = config
        self._max_wait_secs = max_wait_secs
        self._session_manager: SessionManager | None = None

    def create_session(self) -> Any:
        """Finalizes the scaffold and waits for a ready session."""
        self._scaffold.finalize()
        if self._session_manager is None:
            s = self._scaffold
            self._session_manager = SessionManager(
                local_init_op=s.local_init_op, local_init_feed_dict=s.local_init_feed_dict,
                ready_op=s.ready_op, ready_for_local_init_op=s.ready_for_local_init_op,
                graph=get_default_graph())
        return self._session_manager.wait_for_session(
            self._master, config=self._config, max_wait_secs=self._max_wait_secs)


__all__ = ["SessionCreator", "ChiefSessionCreator", "WorkerSessionCreator"]
