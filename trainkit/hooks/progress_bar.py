"""``ProgressBarHook``: a tqdm bar of global steps (rate, ETA against ``last_step``)
with chosen tensor values in its postfix.

While the bar is shown, console logging handlers of the root and ``trainkit`` loggers
are routed through ``tqdm.write``, so log lines never garble the bar.

Example:
    >>> hook = ProgressBarHook(last_step=1000, tensors={"loss": loss})
"""

from __future__ import annotations

import logging
import numbers
import sys
from collections.abc import Mapping
from typing import Any

import numpy as np

from trainkit.hooks.registry import register_hook
from trainkit.training import training_util
from trainkit.training.session_run_hook import SessionRunArgs, SessionRunHook


def _format(value: Any) -> str:
    v = np.asarray(value)
    if v.ndim == 0 and np.issubdtype(v.dtype, np.floating):
        return f"{float(v):.4g}"
    return str(value)


def _console_loggers() -> list[logging.Logger]:
    """The loggers (root, ``trainkit``) that print to a terminal stream; tqdm swaps those
    handlers for its own. A logger without one is left alone (tqdm would add a handler and
    lines would print twice); with logging unconfigured, the root logger stands in for
    Python's last-resort handler. Subclasses of ``StreamHandler`` count (the CLI's own
    console handler is one); file handlers write elsewhere and do not."""
    found = []
    for logger in (logging.getLogger(), logging.getLogger("trainkit")):
        if any(isinstance(h, logging.StreamHandler) and getattr(h, "stream", None) in
               (sys.stderr, sys.stdout) for h in logger.handlers):
            found.append(logger)
    return found or [logging.getLogger()]


@register_hook("progress_bar")
class ProgressBarHook(SessionRunHook):
    """Shows training progress with tqdm.

    Args:
        last_step: the global step training ends at (the bar's total; None = unknown).
        tensors: dict name -> tensor whose values are shown in the postfix.
        every_n_iter: fetch ``tensors`` (and refresh the postfix) every N runs.
        desc: the bar's label.
        file: where the bar is drawn (default stderr).
        disable: True hides the bar; None (default) shows it only on a terminal.
        leave: keep the finished bar on screen.

    Raises:
        ValueError: for a bad ``last_step``, ``every_n_iter`` or ``tensors``.
    """

    def __init__(self, last_step: int | None = None, tensors: Mapping | None = None,
                 every_n_iter: int = 10, desc: str = "train", file: Any = None,
                 disable: bool | None = None, leave: bool = True):
        if last_step is not None and (isinstance(last_step, bool) or not isinstance(
                last_step, numbers.Integral) or last_step < 0):
            raise ValueError(f"ProgressBarHook: last_step must be a non-negative int or "
                             f"None, got {last_step!r}.")
        if isinstance(every_n_iter, bool) or not isinstance(every_n_iter, numbers.Integral) \
                or every_n_iter <= 0:
            raise ValueError(f"ProgressBarHook: every_n_iter must be a positive int, got "
                             f"{every_n_iter!r}.")
        if tensors is not None and not isinstance(tensors, Mapping):
            raise ValueError(f"ProgressBarHook: tensors must be a dict name -> tensor, got "
                             f"{type(tensors).__name__}.")
        self._last_step = last_step
        self._tensors = dict(tensors or {})
        self._every = int(every_n_iter)
        self._bar_args = {"desc": desc, "file": file, "disable": disable, "leave": leave,
                          "unit": "step", "dynamic_ncols": True}
        self._bar: Any = None
        self._redirect: Any = None

    @property
    def bar(self) -> Any:
        """The tqdm bar while a session runs, else None."""
        return self._bar

    def begin(self) -> None:
        self._read = training_util.global_step_read()
        self._iter = 0

    def after_create_session(self, session: Any, coord: Any) -> None:
        from tqdm import tqdm
        from tqdm.contrib.logging import logging_redirect_tqdm

        start = int(session.run(self._read)) if self._read is not None else 0
        self._close()
        self._bar = tqdm(total=self._last_step, initial=start, **self._bar_args)
        if not self._bar.disable:
            self._redirect = logging_redirect_tqdm(loggers=_console_loggers())
            self._redirect.__enter__()

    def before_run(self, run_context: Any) -> SessionRunArgs | None:
        fetches: dict[str, Any] = {}
        if self._read is not None:
            fetches["__step"] = self._read
        if self._tensors and self._iter % self._every == 0:
            fetches.update(self._tensors)
        return SessionRunArgs(fetches) if fetches else None

    def after_run(self, run_context: Any, run_values: Any) -> None:
        self._iter += 1
        bar = self._bar
        if bar is None:
            return
        results = run_values.results or {}
        step = int(results["__step"]) if "__step" in results else bar.n + 1
        post = {k: _format(v) for k, v in results.items() if k != "__step"}
        if post:
            bar.set_postfix(post, refresh=False)
        if step != bar.n:
            bar.update(step - bar.n)

    def end(self, session: Any) -> None:
        self._close()

    def abort(self, session: Any, error: BaseException) -> None:
        self._close()

    def _close(self) -> None:
        bar, self._bar = self._bar, None
        redirect, self._redirect = self._redirect, None
        try:
            if bar is not None:
                bar.close()
        finally:
            if redirect is not None:
                redirect.__exit__(None, None, None)


__all__ = ["ProgressBarHook"]
