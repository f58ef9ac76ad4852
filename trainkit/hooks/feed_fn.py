"""``FeedFnHook``: adds ``feed_fn()``'s feeds to every run.

Example:
    >>> hook = FeedFnHook(lambda: {x: next(batches)})
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.hooks.registry import register_hook
from trainkit.training.session_run_hook import SessionRunArgs, SessionRunHook


@register_hook("feed_fn")
class FeedFnHook(SessionRunHook):
    """Calls ``feed_fn()`` before every run and feeds the dict it returns.

    Raises:
        ValueError: if ``feed_fn`` is not callable.
    """

    def __init__(self, feed_fn: Callable[[], dict]):
        if not callable(feed_fn):
            raise ValueError(f"FeedFnHook: feed_fn must be callable, got {feed_fn!r}.")
        self.feed_fn = feed_fn

    def before_run(self, run_context: Any) -> SessionRunArgs:
        return SessionRunArgs(fetches=None, feed_dict=self.feed_fn())


__all__ = ["FeedFnHook"]
