"""``FinalOpsHook``: runs ops once when the session ends and keeps their values.

Example:
    >>> hook = FinalOpsHook({"accuracy": acc})
    >>> ...                                   # after the monitored session closed:
    >>> hook.final_ops_values["accuracy"]     # doctest: +SKIP
"""

from __future__ import annotations

import logging
from typing import Any

from trainkit import errors
from trainkit.hooks.registry import register_hook
from trainkit.training.session_run_hook import SessionRunHook

_LOG = logging.getLogger("trainkit.hooks")


@register_hook("final_ops")
class FinalOpsHook(SessionRunHook):
    """Evaluates ``final_ops`` (any fetch structure) in ``end``.

    Args:
        final_ops: what to run.
        final_ops_feed_dict: feeds for that run.
    """

    def __init__(self, final_ops: Any, final_ops_feed_dict: dict | None = None):
        self._final_ops = final_ops
        self._final_ops_feed_dict = final_ops_feed_dict
        self._final_ops_values: Any = None

    @property
    def final_ops_values(self) -> Any:
        """The values of the final ops (None until ``end`` ran)."""
        return self._final_ops_values

    def end(self, session: Any) -> None:
        if self._final_ops is None:
            return
        try:
            self._final_ops_values = session.run(self._final_ops,
                                                 feed_dict=self._final_ops_feed_dict)
        except (errors.OutOfRangeError, StopIteration) as e:
            _LOG.warning("An OutOfRangeError or StopIteration exception is raised by the "
                         "code in FinalOpsHook. This typically means the final ops read "
                         "from an exhausted input pipeline: %s", e)
            raise


__all__ = ["FinalOpsHook"]
