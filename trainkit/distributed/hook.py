"""``BroadcastGlobalVariablesHook``: every rank starts from the root rank's variables.

Better than Horovod:
- it sets ``first_after_create_session``, so the monitored session runs its broadcast
  before every other hook's ``after_create_session``, whatever the hooks list's order
  (Horovod's breaks resumes when e.g. ``StopAtStepHook`` reads the global step first);
- a second ``after_create_session`` (the monitored session's recovery after an
  ``AbortedError`` on one rank) is an error when the group has more than one rank: the
  other ranks are not recovering, so a one-rank re-broadcast would deadlock. The error
  ends the job (the exception hook aborts all ranks).

Example:
    >>> hooks = [hvd.BroadcastGlobalVariablesHook(0), tf.train.StopAtStepHook(100)]
"""

from __future__ import annotations

from typing import Any

from trainkit import errors
from trainkit.distributed import basics
from trainkit.distributed.functions import broadcast_global_variables
from trainkit.framework.graph import get_default_graph
from trainkit.training.session_run_hook import SessionRunHook


class BroadcastGlobalVariablesHook(SessionRunHook):
    """Broadcasts all global variables from ``root_rank`` when the session is created.

    Args:
        root_rank: the rank whose values every rank gets.
        device: accepted (one CPU device).

    Raises:
        TypeError: if ``root_rank`` is not an int.
    """

    first_after_create_session = True

    def __init__(self, root_rank: int, device: str = ""):
        if not isinstance(root_rank, int) or isinstance(root_rank, bool):
            raise TypeError(f"BroadcastGlobalVariablesHook: root_rank must be an int, got "
                            f"{root_rank!r}.")
        self.root_rank = root_rank
        self.device = device
        self.bcast_op: Any = None
        self._sessions = 0

    def begin(self) -> None:
        if self.bcast_op is None or self.bcast_op.graph is not get_default_graph():
            self.bcast_op = broadcast_global_variables(self.root_rank)
        self._sessions = 0

    def after_create_session(self, session: Any, coord: Any) -> None:
        self._sessions += 1
        if self._sessions > 1 and basics.size() > 1:
            raise errors.InternalError(
                None, None, "The session was re-created (recovery from an AbortedError or "
                "UnavailableError) on one rank of a data-parallel job; the other ranks are "
                "not re-creating theirs, so re-broadcasting would deadlock. Recovery is "
                "disabled with more than one rank: restart the job to resume from the last "
                "checkpoint.")
        session.run(self.bcast_op)


__all__ = ["BroadcastGlobalVariablesHook"]
