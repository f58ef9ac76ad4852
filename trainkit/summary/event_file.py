"""One open event file: naming, TFRecord framing, flushing, and closing on every exit.

An :class:`EventFile` appends serialized ``Event`` records to
``<logdir>/events.out.tfevents.<secs>.<host>.<pid>.<n><suffix>``. The ``<pid>.<n>`` part
(``n`` counts files opened by this process) and exclusive creation mean no file is ever
truncated by another writer, a reopened writer, or a second run in the same second.

Records are framed on the caller's thread and kept in an in-memory buffer under a lock;
the buffer is written to the (unbuffered) file every ``max_queue`` records and on a
background timer every ``flush_secs``; :meth:`EventFile.flush` is a real barrier (write
plus ``fsync``). Every open file is closed at interpreter exit (``atexit``), and the
first file opened from the main thread installs a SIGTERM handler that raises
``SystemExit`` (only if SIGTERM still has its default handler), so a scheduler's SIGTERM
runs the same cleanup instead of losing buffered records. A child created by
``os.fork`` drops the buffers it inherited (the parent writes them) and gets the default
SIGTERM handler back.

Differs from tensorboardX: no ``multiprocessing.Queue`` (events are not pickled through a
pipe), ``flush()`` drains everything, and ``close()`` then ``reopen()`` works.
"""

from __future__ import annotations

import atexit
import itertools
import os
import signal
import socket
import struct
import threading
import time
from typing import Any

from trainkit.summary.crc32c import masked_crc32c

_COUNTER = itertools.count()
_OPEN: dict[int, EventFile] = {}
_OPEN_LOCK = threading.Lock()
_SIGTERM_INSTALLED = False


def frame_record(data: bytes) -> bytes:
    """``data`` framed as one TFRecord: length, masked crc32c of the length, data, masked
    crc32c of the data (little-endian)."""
    header = struct.pack("<Q", len(data))
    return b"".join([header, struct.pack("<I", masked_crc32c(header)), data,
                     struct.pack("<I", masked_crc32c(data))])


class EventFile:
    """An event file being written (thread-safe).

    Args:
        logdir: the directory (created if missing).
        max_queue: records buffered before they are pushed to the OS.
        flush_secs: period of the background flush.
        filename_suffix: appended to the file name.
    """

    def __init__(self, logdir: str, max_queue: int, flush_secs: float,
                 filename_suffix: str = ""):
        os.makedirs(logdir, exist_ok=True)
        self._lock = threading.RLock()  # re-entrant: SIGTERM's atexit may run mid-write
        self._file, self.path = _create_file(logdir, filename_suffix)
        self._max_queue = max(1, int(max_queue))
        self._buffer: list[bytes] = []
        self._synced = True
        self._closed = False
        self._stop = threading.Event()
        with _OPEN_LOCK:
            _OPEN[id(self)] = self
        _maybe_install_sigterm_handler()
        self.write(_file_version_event())
        self.flush()  # the first record reaches disk at once, like TF's writers
        self._thread = threading.Thread(target=self._flush_loop, args=(float(flush_secs),),
                                        name=f"trainkit-event-flush-{id(self):x}",
                                        daemon=True)
        self._thread.start()

    @property
    def closed(self) -> bool:
        return self._closed

    def write(self, serialized_event: bytes) -> bool:
        """Appends one serialized ``Event``; returns False (and writes nothing) if closed."""
        record = frame_record(serialized_event)
        with self._lock:
            if self._closed:
                return False
            self._buffer.append(record)
            if len(self._buffer) >= self._max_queue:
                self._write_out()
        return True

    def _write_out(self) -> None:
        if self._buffer:
            data = b"".join(self._buffer)
            self._buffer.clear()
            view = memoryview(data)
            while view:
                view = view[self._file.write(view):]
            self._synced = False

    def flush(self) -> None:
        """Writes everything to disk (write + fsync); a no-op once closed."""
        with self._lock:
            if self._closed:
                return
            self._write_out()
            if not self._synced:
                os.fsync(self._file.fileno())
                self._synced = True

    def close(self) -> None:
        """Flushes and closes the file; safe to call more than once."""
        with self._lock:
            if self._closed:
                return
            try:
                self.flush()
            finally:
                self._closed = True
                self._stop.set()
                self._file.close()
                with _OPEN_LOCK:
                    _OPEN.pop(id(self), None)

    def _abandon_after_fork(self) -> None:
        """In a forked child: forget the parent's buffered records and close our copy of
        the descriptor (locks may have been held by threads that do not exist here)."""
        self._lock = threading.RLock()
        self._buffer = []
        self._closed = True
        try:
            self._file.close()
        except OSError:
            pass

    def _flush_loop(self, period: float) -> None:
        while not self._stop.wait(period):
            try:
                self.flush()
            except OSError:  # disk trouble: the next explicit flush/close reports it
                pass


def _create_file(logdir: str, suffix: str) -> tuple[Any, str]:
    host = socket.gethostname()
    while True:
        name = (f"events.out.tfevents.{int(time.time()):010d}.{host}."
                f"{os.getpid()}.{next(_COUNTER):04d}{suffix}")
        path = os.path.join(logdir, name)
        try:
            # "x": never truncate an existing file; unbuffered: EventFile buffers itself
            return open(path, "xb", buffering=0), path
        except FileExistsError:
            continue


def _file_version_event() -> bytes:
    from tensorboardX.proto.event_pb2 import Event

    return Event(wall_time=time.time(), file_version="brain.Event:2").SerializeToString()


def close_all() -> None:
    """Closes every open event file (registered with ``atexit``)."""
    with _OPEN_LOCK:
        files = list(_OPEN.values())
    for f in files:
        try:
            f.close()
        except OSError:
            pass


def open_files() -> list[EventFile]:
    """The event files currently open in this process."""
    with _OPEN_LOCK:
        return list(_OPEN.values())


def _raise_system_exit(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def _maybe_install_sigterm_handler() -> None:
    """Makes SIGTERM raise ``SystemExit`` so ``atexit`` closes the files, but only from
    the main thread and only when nobody installed a handler of their own."""
    global _SIGTERM_INSTALLED
    if _SIGTERM_INSTALLED or threading.current_thread() is not threading.main_thread():
        return
    try:
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _raise_system_exit)
    except (ValueError, OSError, AttributeError):  # no signals here (embedded, Windows)
        return
    _SIGTERM_INSTALLED = True


def _after_fork_in_child() -> None:
    global _OPEN_LOCK, _SIGTERM_INSTALLED
    _OPEN_LOCK = threading.Lock()
    for f in list(_OPEN.values()):
        f._abandon_after_fork()
    _OPEN.clear()
    if _SIGTERM_INSTALLED:
        _SIGTERM_INSTALLED = False
        try:
            if signal.getsignal(signal.SIGTERM) is _raise_system_exit:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
        except (ValueError, OSError):
            pass


atexit.register(close_all)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

__all__ = ["EventFile", "frame_record", "close_all", "open_files"]
