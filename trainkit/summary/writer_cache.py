"""``FileWriterCache``: one shared :class:`FileWriter` per log directory.

Hooks that write to the same directory (step counter, summary saver, checkpoint saver)
share one writer, so they never create colliding files.

Example:
    >>> w = FileWriterCache.get(logdir)                  # doctest: +SKIP
    >>> w is FileWriterCache.get(logdir)                 # doctest: +SKIP
    True
"""

from __future__ import annotations

import os
import threading

from trainkit.framework.graph import get_default_graph
from trainkit.summary.writer import FileWriter


class FileWriterCache:
    """A process-wide cache of writers keyed by (absolute) log directory."""

    _cache: dict[str, FileWriter] = {}
    _lock = threading.Lock()

    @staticmethod
    def get(logdir: str | os.PathLike) -> FileWriter:
        """The writer for ``logdir``, created on first use with the default graph.

        A cached writer that was closed is reopened (into a new file).

        Raises:
            TypeError: if ``logdir`` is not a path.

        Differs from TF: keys are absolute paths (``logs`` and ``./logs`` share a
        writer), and a closed cached writer is reopened instead of dropping events.
        """
        if not isinstance(logdir, str | os.PathLike):
            raise TypeError(f"FileWriterCache.get expects a directory path, got {logdir!r}.")
        key = os.path.abspath(os.fspath(logdir))
        with FileWriterCache._lock:
            w = FileWriterCache._cache.get(key)
            if w is None:
                w = FileWriter(os.fspath(logdir), graph=get_default_graph())
                FileWriterCache._cache[key] = w
            elif w.closed:
                w.reopen()
            return w

    @staticmethod
    def clear() -> None:
        """Closes and forgets every cached writer."""
        with FileWriterCache._lock:
            writers = list(FileWriterCache._cache.values())
            FileWriterCache._cache.clear()
        for w in writers:
            w.close()


__all__ = ["FileWriterCache"]
