"""``LoggingTensorHook``: logs tensor values every N runs or seconds, and/or at the end.

Example:
    >>> hook = LoggingTensorHook({"loss": loss, "step": gs}, every_n_iter=100)
"""

from __future__ import annotations

import logging
import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from trainkit.framework.graph import get_default_graph
from trainkit.hooks.registry import register_hook
from trainkit.hooks.timer import NeverTriggerTimer, SecondOrStepTimer
from trainkit.training.session_run_hook import SessionRunArgs, SessionRunHook

_LOG = logging.getLogger("trainkit.hooks")


def _as_graph_element(obj: Any) -> Any:
    graph = get_default_graph()
    if not isinstance(obj, str):
        if getattr(obj, "graph", None) is not graph:
            raise ValueError(f"Passed {obj!r} should have graph attribute that is equal to "
                             f"current graph {graph!r}.")
        return obj
    if ":" in obj:
        return graph.as_graph_element(obj)
    element = graph.as_graph_element(obj + ":0")
    try:
        graph.as_graph_element(obj + ":1")
    except (KeyError, ValueError):
        return element
    raise ValueError(f"Name {obj} is ambiguous, as this `Operation` has multiple outputs "
                     "(at least 2).")


@register_hook("logging_tensor")
class LoggingTensorHook(SessionRunHook):
    """Logs ``'tag = value, ...'`` at runs 0, N, 2N, ... (counting runs of this session,
    not global steps) at INFO level on the ``trainkit.hooks`` logger.

    Args:
        tensors: a dict tag -> tensor/name (logged in sorted tag order) or a list of
            tensors/names (logged in list order).
        every_n_iter: log every N runs.
        every_n_secs: log every N seconds.
        at_end: also log once more in ``end``.
        formatter: ``formatter(dict tag -> value) -> str`` replacing the message.

    Raises:
        ValueError: 'either at_end and/or exactly one of every_n_iter and every_n_secs
            must be provided.', or for a non-positive period.
    """

    def __init__(self, tensors: Mapping | list | tuple, every_n_iter: int | None = None,
                 every_n_secs: float | None = None, at_end: bool = False,
                 formatter: Callable[[dict], str] | None = None):
        only_at_end = at_end and every_n_iter is None and every_n_secs is None
        if not only_at_end and (every_n_iter is None) == (every_n_secs is None):
            raise ValueError("LoggingTensorHook: either at_end and/or exactly one of "
                             "every_n_iter and every_n_secs must be provided.")
        if every_n_iter is not None and (not isinstance(every_n_iter, numbers.Integral)
                                         or every_n_iter <= 0):
            raise ValueError(f"LoggingTensorHook: invalid every_n_iter={every_n_iter!r}.")
        if every_n_secs is not None and (isinstance(every_n_secs, bool) or not isinstance(
                every_n_secs, numbers.Real) or every_n_secs <= 0):
            raise ValueError(f"LoggingTensorHook: invalid every_n_secs={every_n_secs!r}.")
        if formatter is not None and not callable(formatter):
            raise ValueError(f"LoggingTensorHook: formatter must be callable, got "
                             f"{formatter!r}.")
        if isinstance(tensors, Mapping):
            self._tag_order = sorted(tensors)
            self._tensors = dict(tensors)
        elif isinstance(tensors, (list, tuple)):
            self._tag_order = list(tensors)
            self._tensors = {t: t for t in tensors}
        else:
            raise ValueError(f"LoggingTensorHook: tensors must be a dict or a list, got "
                             f"{type(tensors).__name__}.")
        self._formatter = formatter
        self._timer = (NeverTriggerTimer() if only_at_end else
                       SecondOrStepTimer(every_secs=every_n_secs, every_steps=every_n_iter))
        self._log_at_end = at_end

    def begin(self) -> None:
        self._timer.reset()
        self._iter_count = 0
        self._current = {tag: _as_graph_element(t) for tag, t in self._tensors.items()}

    def before_run(self, run_context: Any) -> SessionRunArgs | None:
        self._should_trigger = self._timer.should_trigger_for_step(self._iter_count)
        return SessionRunArgs(self._current) if self._should_trigger else None

    def _log(self, values: dict) -> None:
        elapsed, _ = self._timer.update_last_triggered_step(self._iter_count)
        with np.printoptions(suppress=True):
            if self._formatter is not None:
                _LOG.info("%s", self._formatter(values))
                return
            # !s: format() of a NumPy float32 would print its float64 expansion
            text = ", ".join(f"{tag} = {values[tag]!s}" for tag in self._tag_order)
        if elapsed is not None:
            _LOG.info("%s (%.3f sec)", text, elapsed)
        else:
            _LOG.info("%s", text)

    def after_run(self, run_context: Any, run_values: Any) -> None:
        if self._should_trigger:
            self._log(run_values.results)
        self._iter_count += 1

    def end(self, session: Any) -> None:
        if self._log_at_end:
            self._log(session.run(self._current))


__all__ = ["LoggingTensorHook"]
