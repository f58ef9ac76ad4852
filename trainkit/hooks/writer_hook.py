"""``WriterHook``: the base of hooks that write to an event file during a session.

It takes the shared writer of a directory (or the user's own writer) in ``begin`` and
gives it back in ``end`` and ``abort`` (a leased writer is released, the last lease
closes it; a user's writer is only flushed: see :mod:`trainkit.hooks.writer_lease`).
A subclass calls :meth:`take_writer` in its ``begin`` and, if it overrides ``end``,
calls ``super().end(session)`` last (in a ``finally``).

Example:
    >>> class MyHook(WriterHook):
    ...     def begin(self):
    ...         self.take_writer("/tmp/run")
    ...     def after_run(self, run_context, run_values):
    ...         self.writer.add_summary(..., step)             # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from trainkit.hooks import writer_lease
from trainkit.training.session_run_hook import SessionRunHook


class WriterHook(SessionRunHook):
    """A hook that owns an event writer from ``begin`` to ``end``/``abort``.

    Attributes:
        writer: the writer taken by :meth:`take_writer` (None outside a session, or when
            neither a directory nor a writer was given).
    """

    writer: Any = None
    _given_writer: Any = None

    def take_writer(self, output_dir: str | None, summary_writer: Any = None) -> Any:
        """Takes ``summary_writer`` if given, else a lease on ``output_dir``'s shared
        writer (None when both are None/empty); returns it."""
        self._given_writer = summary_writer
        if summary_writer is not None:
            self.writer = summary_writer
        elif output_dir:
            self.writer = writer_lease.acquire(output_dir)
        else:
            self.writer = None
        return self.writer

    def give_back_writer(self) -> None:
        """Releases (or, for the user's own writer, flushes) the writer; idempotent."""
        w, self.writer = self.writer, None
        writer_lease.give_back(w, self._given_writer)

    def end(self, session: Any) -> None:
        self.give_back_writer()

    def abort(self, session: Any, error: BaseException) -> None:
        self.give_back_writer()


__all__ = ["WriterHook"]
