"""``SessionManager``: creates a session and makes the model ready in it, by restoring the
latest checkpoint or by running the init ops, then the local init op.

Example:
    >>> sm = SessionManager(ready_op=tk.report_uninitialized_variables())
    >>> sess = sm.prepare_session("", init_op=init, saver=saver, checkpoint_dir=d)
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.client.session import Session
from trainkit.framework.graph import Graph, get_default_graph

_LOG = logging.getLogger("trainkit.session_manager")


def _name(op: Any) -> str:
    return getattr(op, "name", repr(op))


class SessionManager:
    """Creates sessions for one graph and checks that their model is ready.

    Args:
        local_init_op: run in every new session once ``ready_for_local_init_op`` passes.
        ready_op: 1-D string tensor of uninitialized names; empty (or None) = ready.
        ready_for_local_init_op: like ``ready_op``, checked before ``local_init_op``.
        graph: the graph (default: the default graph).
        recovery_wait_secs: how long to sleep between readiness / checkpoint polls.
        local_init_run_options: ``RunOptions`` for ``local_init_op``.
        local_init_feed_dict: feeds for ``local_init_op``.

    Raises:
        ValueError: if ``ready_for_local_init_op`` is given without ``local_init_op``.
    """

    def __init__(self, local_init_op: Any = None, ready_op: Any = None,
                 ready_for_local_init_op: Any = None, graph: Graph | None = None,
                 recovery_wait_secs: float = 30, local_init_run_options: Any = None,
                 local_init_feed_dict: dict | None = None):
        if ready_for_local_init_op is not None and local_init_op is None:
            raise ValueError("If you pass a ready_for_local_init_op you must also pass a "
                             "local_init_op, ready_for_local_init_op ["
                             f"{_name(ready_for_local_init_op)}]")
        self._graph = graph if graph is not None else get_default_graph()
        self._local_init_op = local_init_op
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._recovery_wait_secs = recovery_wait_secs
        self._local_init_run_options = local_init_run_options
        self._local_init_feed_dict = local_init_feed_dict

    # -- checks ---------------------------------------------------------------------------
    @staticmethod
    def _ready(op: Any, sess: Any, what: str) -> tuple[bool, str | None]:
        if op is None:
            return True, None
        try:
            value = sess.run(op)
        except errors.FailedPreconditionError as e:
            if "uninitialized" not in str(e).lower():
                raise
            return False, str(e)
        value = np.asarray(value) if value is not None else None
        if value is None or value.dtype == np.int32 or value.size == 0:
            return True, None
        names = ", ".join(v.decode("utf-8") if isinstance(v, bytes) else str(v)
                          for v in value.reshape(-1))
        return False, f"{what}: Variables not initialized: {names}"

    def _model_ready(self, sess: Any) -> tuple[bool, str | None]:
        return self._ready(self._ready_op, sess, "Model not ready")

    def _try_run_local_init_op(self, sess: Any) -> tuple[bool, str | None]:
        if self._local_init_op is None:
            return True, None
        ok, msg = self._ready(self._ready_for_local_init_op, sess,
                              "Model not ready for local init")
        if not ok:
            return False, msg
        sess.run(self._local_init_op, feed_dict=self._local_init_feed_dict,
                 options=self._local_init_run_options)
        return True, None

    # -- restore --------------------------------------------------------------------------
    def _latest(self, checkpoint_dir: str, wait_for_checkpoint: bool,
                max_wait_secs: float) -> Any:
        """The restore point (``checkpoint_recovery``): differs from TF, whose restore
        trusts the state file and starts from scratch without it; here the checkpoint
        files are the truth and a missing or damaged state file is rebuilt."""
        from trainkit.training import checkpoint_recovery

        waited = 0.0
        while True:
            point = checkpoint_recovery.restore_point(checkpoint_dir)
            if point.path is not None or not wait_for_checkpoint or waited >= max_wait_secs:
                return point
            time.sleep(self._recovery_wait_secs)
            waited += self._recovery_wait_secs

    def _restore_checkpoint(self, master: str, saver: Any, checkpoint_dir: str | None,
                            checkpoint_filename_with_path: str | None,
                            wait_for_checkpoint: bool, max_wait_secs: float,
                            config: Any) -> tuple[Session, bool]:
        if checkpoint_dir and checkpoint_filename_with_path:
            raise ValueError("Can not provide both checkpoint_dir and "
                             "checkpoint_filename_with_path.")
        sess = Session(master, graph=self._graph, config=config)
        if not saver or not (checkpoint_dir or checkpoint_filename_with_path):
            return sess, False
        rebuilt = False
        if checkpoint_filename_with_path:
            path = checkpoint_filename_with_path
        else:
            point = self._latest(checkpoint_dir, wait_for_checkpoint, max_wait_secs)
            path, rebuilt = point.path, point.rebuilt
        if path is None:
            return sess, False
        try:
            saver.restore(sess, path)
        except BaseException:
            sess.close()
            raise
        _LOG.info("Restored model from %s", path)
        recover = getattr(saver, "recover_last_checkpoints", None)
        # After a rebuild the old state file's list is unknown: adopting every file would
        # let max_to_keep delete checkpoints it never listed.
        if callable(recover) and checkpoint_dir and not rebuilt:
            from trainkit.training import checkpoint_management

            state = checkpoint_management.get_checkpoint_state(checkpoint_dir)
            if state is not None:
                recover(list(state.all_model_checkpoint_paths))
        return sess, True

    # -- public ---------------------------------------------------------------------------
    def prepare_session(self, master: str = "", init_op: Any = None, saver: Any = None,
                        checkpoint_dir: str | None = None, wait_for_checkpoint: bool = False,
                        max_wait_secs: float = 7200, config: Any = None,
                        init_feed_dict: dict | None = None, init_fn: Any = None,
                        checkpoint_filename_with_path: str | None = None) -> Session:
        """A new session whose model is ready: restored from a checkpoint if there is one,
        else initialized with ``init_op`` then ``init_fn(sess)``; then local init.

        Raises:
            ValueError: if both ``checkpoint_dir`` and ``checkpoint_filename_with_path``.
            RuntimeError: if nothing can initialize the model, or it is still not ready.
        """
        sess, restored = self._restore_checkpoint(
            master, saver, checkpoint_dir, checkpoint_filename_with_path,
            wait_for_checkpoint, max_wait_secs, config)
        try:
            if not restored:
                if init_op is None and not init_fn and self._local_init_op is None:
                    raise RuntimeError("Model is not initialized and no init_op or init_fn "
                                       "or local_init_op was given")
                if init_op is not None:
                    sess.run(init_op, feed_dict=init_feed_dict)
                if init_fn:
                    init_fn(sess)
            ok, msg = self._try_run_local_init_op(sess)
            if not ok:
                raise RuntimeError(
                    f"Init operations did not make model ready for local_init.  Init op: "
                    f"{_name(init_op)}, init fn: {init_fn}, error: {msg}")
            ok, msg = self._model_ready(sess)
            if not ok:
                raise RuntimeError(
                    f"Init operations did not make model ready.  Init op: {_name(init_op)}, "
                    f"init fn: {init_fn}, local_init_op: {_name(self._local_init_op)}, "
                    f"error: {msg}")
        except BaseException:
            sess.close()
            raise
        return sess

    def recover_session(self, master: str = "", saver: Any = None,
                        checkpoint_dir: str | None = None, wait_for_checkpoint: bool = False,
                        max_wait_secs: float = 7200, config: Any = None,
                        checkpoint_filename_with_path: str | None = None
                        ) -> tuple[Session, bool]:
        """A new session restored from a checkpoint, if possible.

        Returns:
            ``(session, initialized)``: ``initialized`` is True when the restore (plus the
            local init op) made the model ready.
        """
        sess, restored = self._restore_checkpoint(
            master, saver, checkpoint_dir, checkpoint_filename_with_path,
            wait_for_checkpoint, max_wait_secs, config)
        if not restored:
            return sess, False
        ok, msg = self._try_run_local_init_op(sess)
        if not ok:
            _LOG.info("Restoring model from %s did not make model ready for local init: %s",
                      checkpoint_dir or checkpoint_filename_with_path, msg)
            return sess, False
        ok, msg = self._model_ready(sess)
        if not ok:
            _LOG.info("Restoring model from %s did not make model ready: %s",
                      checkpoint_dir or checkpoint_filename_with_path, msg)
            return sess, False
        return sess, True

    def wait_for_session(self, master: str = "", config: Any = None,
                         max_wait_secs: float = float("inf")) -> Session:
        """Polls new sessions until another process (the chief) made the model ready.

        Raises:
            DeadlineExceededError: if it is not ready after ``max_wait_secs``.
        """
        deadline = time.time() + max_wait_secs
        while True:
            sess = Session(master, graph=self._graph, config=config)
            ok, msg = self._try_run_local_init_op(sess)
            if ok:
                ok, msg = self._model_ready(sess)
                if ok:
                    return sess
            sess.close()
            remaining = deadline - time.time()
            if remaining < self._recovery_wait_secs:
                raise errors.DeadlineExceededError(
                    None, None, f"Session was not ready after waiting {max_wait_secs} secs: "
                                f"{msg}")
            _LOG.info("Waiting for model to be ready. Ready_for_local_init_op: %s, "
                      "ready: %s", _name(self._ready_for_local_init_op), msg)
            time.sleep(self._recovery_wait_secs)


__all__ = ["SessionManager"]
