"""``FileWriter``: writes summaries, session logs, graphs and run metadata to an event
file TensorBoard reads, with ``tf.compat.v1.summary.FileWriter``'s API.

Protos are tensorboardX's classes (``Event``, ``Summary``, ``SessionLog``); RunMetadata
and MetaGraphDef come from the optional ``tensorboard`` package. The file itself is an
:class:`~trainkit.summary.event_file.EventFile`, closed at exit and on SIGTERM.

Example:
    >>> w = FileWriter(logdir)                                   # doctest: +SKIP
    >>> w.add_summary(sess.run(merged), global_step=10)          # doctest: +SKIP
    >>> w.close()                                                # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from typing import Any

import numpy as np

from trainkit.client import run_metadata_proto
from trainkit.framework import graph_def as _graph_def
from trainkit.framework.graph import Graph
from trainkit.summary.event_file import EventFile
from trainkit.summary.summary_proto import pb

_LOG = logging.getLogger("trainkit")
_WARNED: set[str] = set()


def _warn_once(key: str, msg: str, *args: Any) -> None:
    if key not in _WARNED:
        _WARNED.add(key)
        _LOG.warning(msg, *args)


def _as_event(event: Any) -> Any:
    Event = pb().Event
    if isinstance(event, Event):
        return event
    if isinstance(event, bytes):
        return Event.FromString(event)
    if hasattr(event, "SerializeToString"):  # e.g. tensorboard's or TF's Event class
        return Event.FromString(event.SerializeToString())
    raise TypeError(f"add_event expects an Event proto, got {type(event).__name__}.")


def _as_summary(summary: Any) -> Any:
    Summary = pb().Summary
    if isinstance(summary, Summary):
        return summary
    if isinstance(summary, np.ndarray) and summary.dtype == object and summary.ndim == 0:
        summary = summary[()]
    if isinstance(summary, bytes):
        return Summary.FromString(summary)
    if hasattr(summary, "SerializeToString"):
        return Summary.FromString(summary.SerializeToString())
    raise TypeError(f"add_summary expects a Summary proto or its serialized bytes, got "
                    f"{type(summary).__name__}.")


class FileWriter:
    """Writes ``Event`` records into a new event file in ``logdir``.

    Args:
        logdir: the run directory (created if missing).
        graph: a ``Graph`` written at once (as by :meth:`add_graph`).
        max_queue: events buffered before they are pushed to the OS.
        flush_secs: how often buffered events are flushed to disk.
        graph_def: deprecated; a ``GraphDef`` written at once.
        filename_suffix: appended to the event file name.
        session: accepted for compatibility and ignored.

    Raises:
        TypeError / ValueError: for a bad ``logdir``, ``max_queue`` or ``flush_secs``.

    Differs from TF: ``flush()`` and ``close()`` are synchronous barriers; events added
    after ``close()`` are dropped with a warning (call :meth:`reopen`); the constructor
    writes the graph but no meta graph; every file name carries ``.<pid>.<n>`` so that
    writers never overwrite each other's files.

    Example:
        >>> with FileWriter(str(tmp_path)) as w:                  # doctest: +SKIP
        ...     w.add_session_log(SessionLog(status=SessionLog.START), 0)
    """

    def __init__(self, logdir: str | os.PathLike, graph: Any = None, max_queue: int = 10,
                 flush_secs: float = 120, graph_def: Any = None,
                 filename_suffix: str | None = None, session: Any = None):
        if not isinstance(logdir, str | os.PathLike):
            raise TypeError(f"FileWriter logdir must be a path string, got {logdir!r}.")
        logdir = os.fspath(logdir)
        if not logdir:
            raise ValueError("FileWriter logdir must not be empty.")
        if isinstance(max_queue, bool) or not isinstance(max_queue, int | np.integer) \
                or max_queue < 1:
            raise ValueError(f"FileWriter max_queue must be a positive int, got {max_queue!r}.")
        if isinstance(flush_secs, bool) or not isinstance(flush_secs, int | float) \
                or not flush_secs > 0:
            raise ValueError(f"FileWriter flush_secs must be a positive number, got "
                             f"{flush_secs!r}.")
        if filename_suffix is not None and not isinstance(filename_suffix, str):
            raise TypeError(f"FileWriter filename_suffix must be a str, got "
                            f"{filename_suffix!r}.")
        self._logdir = logdir
        self._options = (int(max_queue), float(flush_secs), filename_suffix or "")
        self._lock = threading.Lock()
        self._seen_summary_tags: set[str] = set()
        self._run_metadata_tags: set[str] = set()
        self._warned_closed = False
        self._file: EventFile | None = None
        self._finalizer: Any = None
        self._open()
        if graph is not None or graph_def is not None:
            try:
                self.add_graph(graph, graph_def=graph_def)
            except BaseException:
                self.close()
                raise

    def _open(self) -> None:
        if self._finalizer is not None:
            self._finalizer.detach()
        f = EventFile(self._logdir, *self._options)
        self._file = f
        self._graph_written = False
        # Close the file if this writer is garbage collected without close().
        self._finalizer = weakref.finalize(self, f.close)

    # -- file handling ------------------------------------------------------------------
    def get_logdir(self) -> str:
        """The directory events are written to."""
        return self._logdir

    @property
    def closed(self) -> bool:
        """True after :meth:`close` (until :meth:`reopen`)."""
        return self._file is None or self._file.closed

    @property
    def event_file_path(self) -> str | None:
        """The path of the current (or last) event file."""
        return None if self._file is None else self._file.path

    def flush(self) -> None:
        """Writes every event added so far to disk (a barrier)."""
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        """Flushes and closes the event file. Further events are dropped until
        :meth:`reopen`. Calling it again does nothing."""
        if self._file is not None:
            self._file.close()

    def reopen(self) -> None:
        """Opens a new event file in the same directory after :meth:`close` (the old file
        is kept). Does nothing if the writer is open."""
        with self._lock:
            if self.closed:
                self._warned_closed = False
                self._open()

    def __enter__(self) -> FileWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- events -------------------------------------------------------------------------
    def add_event(self, event: Any) -> None:
        """Adds an ``Event`` proto (or its serialized bytes) as it is.

        Raises:
            TypeError: if ``event`` is not an Event.
        """
        self._write(_as_event(event))

    def _write(self, event: Any) -> None:
        f = self._file
        if f is None or not f.write(event.SerializeToString()):
            if not self._warned_closed:
                self._warned_closed = True
                _LOG.warning("FileWriter for %s is closed: dropping events (call reopen() "
                             "to write a new file).", self._logdir)

    def _event(self, global_step: Any, **fields: Any) -> Any:
        ev = pb().Event(wall_time=time.time(), **fields)
        if global_step is not None:
            ev.step = int(global_step)
        return ev

    def add_summary(self, summary: Any, global_step: Any = None) -> None:
        """Adds a ``Summary`` (a proto, or the bytes a summary op returns) at
        ``global_step``.

        Plugin metadata is kept only on the first value of each tag, as TF does.

        Raises:
            TypeError: if ``summary`` is neither a Summary nor bytes.
        """
        s = _as_summary(summary)
        for v in s.value:
            if v.HasField("metadata"):
                if v.tag in self._seen_summary_tags:
                    v.ClearField("metadata")
                else:
                    self._seen_summary_tags.add(v.tag)
        ev = self._event(global_step)
        ev.summary.CopyFrom(s)
        self._write(ev)

    def add_session_log(self, session_log: Any, global_step: Any = None) -> None:
        """Adds a ``SessionLog`` (``START``, ``STOP`` or ``CHECKPOINT``) at
        ``global_step``.

        Raises:
            TypeError: if ``session_log`` is not a SessionLog.
        """
        SessionLog = pb().SessionLog
        if not isinstance(session_log, SessionLog):
            if not hasattr(session_log, "SerializeToString"):
                raise TypeError(f"add_session_log expects a SessionLog proto, got "
                                f"{type(session_log).__name__}.")
            session_log = SessionLog.FromString(session_log.SerializeToString())
        self._write(self._event(global_step, session_log=session_log))

    def add_graph(self, graph: Any, global_step: Any = None, graph_def: Any = None) -> None:
        """Adds the ``GraphDef`` of ``graph`` with ``_output_shapes``, for the Graphs tab.

        Args:
            graph: a ``Graph`` (or, deprecated, a ``GraphDef`` proto).
            global_step: optional step recorded with the event.
            graph_def: deprecated; a ``GraphDef`` proto.

        Raises:
            ValueError: if both ``graph`` and ``graph_def`` are given.
            TypeError: if neither is a Graph or GraphDef.
        """
        if graph is not None and graph_def is not None:
            raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
        g = graph if graph is not None else graph_def
        if isinstance(g, Graph):
            data = _graph_def.graph_def_bytes(g, add_shapes=True)
        elif hasattr(g, "SerializeToString") and hasattr(g, "node"):
            data = g.SerializeToString()
        else:
            raise TypeError("The passed graph must be an instance of `Graph` or the "
                            f"deprecated `GraphDef`, got {type(g).__name__}.")
        self._write(self._event(global_step, graph_def=data))
        self._graph_written = True

    def add_serialized_graph(self, data: bytes, global_step: Any = None) -> None:
        """Adds a serialized ``GraphDef`` (what ``tf.contrib.summary``'s graph op
        writes) at ``global_step``."""
        self._write(self._event(global_step, graph_def=bytes(data)))
        self._graph_written = True

    @property
    def graph_written(self) -> bool:
        """Whether this writer's current event file holds a graph event."""
        return self._graph_written

    def add_meta_graph(self, meta_graph_def: Any, global_step: Any = None) -> None:
        """Adds a ``MetaGraphDef``: a proto, its bytes, or a ``Graph`` (its graph def is
        wrapped in a MetaGraphDef; this needs the ``tensorboard`` package and is skipped
        with a warning without it).

        Raises:
            TypeError: for any other value.
        """
        if isinstance(meta_graph_def, Graph):
            try:
                from tensorboard.compat.proto.meta_graph_pb2 import MetaGraphDef
            except ImportError:
                _warn_once("meta_graph", "tensorboard is not installed: meta graphs are "
                           "not written.")
                return
            mgd = MetaGraphDef()
            mgd.graph_def.ParseFromString(
                _graph_def.graph_def_bytes(meta_graph_def, add_shapes=True))
            data = mgd.SerializeToString(deterministic=True)
        elif isinstance(meta_graph_def, bytes):
            data = meta_graph_def
        elif hasattr(meta_graph_def, "SerializeToString"):
            data = meta_graph_def.SerializeToString()
        else:
            raise TypeError(f"add_meta_graph expects a MetaGraphDef proto, got "
                            f"{type(meta_graph_def).__name__}.")
        self._write(self._event(global_step, meta_graph_def=data))

    def add_run_metadata(self, run_metadata: Any, tag: str, global_step: Any = None) -> None:
        """Adds a traced run's ``RunMetadata`` under ``tag`` (TF uses ``'step<N>'``); the
        Graphs tab then colours nodes by compute time and memory.

        Without the ``tensorboard`` package the run metadata is skipped with a warning.

        Raises:
            ValueError: if ``tag`` was already used by this writer.
            TypeError: if ``tag`` is not a str or ``run_metadata`` cannot be converted.
        """
        if not isinstance(tag, str):
            raise TypeError(f"add_run_metadata tag must be a str, got {tag!r}.")
        if tag in self._run_metadata_tags:
            raise ValueError(f"The provided tag '{tag}' was already used for this event type.")
        try:
            data = run_metadata_proto.serialize(run_metadata)
        except ImportError:
            _warn_once("run_metadata", "tensorboard is not installed: run metadata is not "
                       "written (pip install tensorboard).")
            return
        self._run_metadata_tags.add(tag)
        trm = pb().TaggedRunMetadata(tag=tag, run_metadata=data)
        self._write(self._event(global_step, tagged_run_metadata=trm))


__all__ = ["FileWriter"]
