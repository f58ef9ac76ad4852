"""``FileWriterCache``: one shared :class:`FileWriter` per log directory.

Hooks that write to the same directory (step counter, summary saver, checkpoint saver)
share one writer, so they never create colliding files.

Example:
    >>> w = FileWriterCache.get(logdir)                  # doctest: +SKIP
    >>> w is FileWriterCache.get(logdir)                 # doctest: +SKIP
    True
"""

from __future__ import annotations

import glob
import os
import threading

from trainkit.framework.graph import get_default_graph
from trainkit.summary.writer import FileWriter


def run_has_graph(logdir: str, records: int = 8) -> bool:
    """Whether an event file in ``logdir`` holds a graph event among its first
    ``records`` events (writers put the graph first); unreadable files count as not."""
    from trainkit.summary.event_reader import summary_iterator

    for path in glob.glob(os.path.join(glob.escape(logdir), "*tfevents*")):
        try:
            for i, event in enumerate(summary_iterator(path)):
                if event.HasField("graph_def"):
                    return True
                if i + 1 >= records:
                    break
        except Exception:  # noqa: BLE001 - a damaged or foreign file has no usable graph
            continue
    return False


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
        writer), a closed cached writer is reopened instead of dropping events, and the
        default graph is not written when an event file of ``logdir`` already holds a
        graph (a resumed run: TensorBoard warns about a second graph event in a run).
        """
        if not isinstance(logdir, str | os.PathLike):
            raise TypeError(f"FileWriterCache.get expects a directory path, got {logdir!r}.")
        key = os.path.abspath(os.fspath(logdir))
        with FileWriterCache._lock:
            w = FileWriterCache._cache.get(key)
            if w is None:
                graph = None if run_has_graph(os.fspath(logdir)) else get_default_graph()
                w = FileWriter(os.fspath(logdir), graph=graph)
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
