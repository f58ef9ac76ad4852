"""``Coordinator``: lets threads ask each other to stop and report an exception.

Example:
    >>> coord = Coordinator()
    >>> def work():
    ...     with coord.stop_on_exception():
    ...         while not coord.should_stop():
    ...             coord.request_stop()
    >>> t = threading.Thread(target=work)
    >>> coord.register_thread(t); t.start()
    >>> coord.join()
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from trainkit import errors

_LOG = logging.getLogger("trainkit.coordinator")


class Coordinator:
    """A stop flag shared by threads, plus the first exception that caused a stop.

    Args:
        clean_stop_exception_types: exception types that only stop (they are not
            re-raised by :meth:`join`); default ``(OutOfRangeError,)``.
    """

    def __init__(self, clean_stop_exception_types: Iterable[type] | None = None):
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info: tuple | None = None
        self._registered_threads: set[threading.Thread] = set()
        self._joined = False

    def _as_exc_info(self, ex: Any) -> tuple:
        if isinstance(ex, tuple):
            return ex
        if isinstance(ex, BaseException):
            return (type(ex), ex, ex.__traceback__)
        raise ValueError(f"request_stop(ex=...) expects an exception or an exc_info tuple, "
                         f"got {ex!r}.")

    def request_stop(self, ex: Any = None) -> None:
        """Asks every thread to stop. The first non-clean ``ex`` (an exception or a
        ``sys.exc_info()`` tuple) is kept and re-raised by :meth:`join`.

        Raises:
            ValueError: if ``ex`` is neither an exception nor an exc_info tuple.
        """
        with self._lock:
            if ex is not None:
                info = self._as_exc_info(ex)
                if self._exc_info is None and not issubclass(
                        info[0], self._clean_stop_exception_types):
                    _LOG.info("Error reported to Coordinator: %r", info[1])
                    self._exc_info = info
            if not self._stop_event.is_set():
                if ex is not None and self._exc_info is not None and self._joined:
                    # Like TF: an error arriving after join() cannot be reported anymore.
                    _LOG.error("Error reported after Coordinator.join(): %r", info[1])
                self._stop_event.set()

    def clear_stop(self) -> None:
        """Clears the stop flag and the recorded exception (to reuse the coordinator)."""
        with self._lock:
            self._joined = False
            self._exc_info = None
            self._stop_event.clear()

    def should_stop(self) -> bool:
        """True once a stop was requested."""
        return self._stop_event.is_set()

    def wait_for_stop(self, timeout: float | None = None) -> bool:
        """Blocks until a stop is requested or ``timeout`` seconds pass; returns the flag."""
        return self._stop_event.wait(timeout)

    @contextlib.contextmanager
    def stop_on_exception(self) -> Iterator[None]:
        """Inside this block an exception requests a stop with it instead of propagating
        (``SystemExit`` stops cleanly)."""
        try:
            yield
        except SystemExit:
            self.request_stop()
        except BaseException:  # noqa: BLE001 - reported to the coordinator, like TF
            self.request_stop(sys.exc_info())

    def register_thread(self, thread: threading.Thread) -> None:
        """Adds ``thread`` to the threads :meth:`join` waits for."""
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads: Iterable[threading.Thread] | None = None,
             stop_grace_period_secs: float = 120, ignore_live_threads: bool = False
             ) -> None:
        """Waits for the registered threads (and ``threads``) to end after a stop request,
        then re-raises the exception passed to :meth:`request_stop`, if any.

        Args:
            threads: more threads to wait for.
            stop_grace_period_secs: how long threads may keep running after the stop
                request before they count as stuck.
            ignore_live_threads: log stuck threads instead of raising.

        Raises:
            ValueError: if ``stop_grace_period_secs`` is negative.
            RuntimeError: if threads are still alive after the grace period (unless
                ``ignore_live_threads``).
            Exception: the exception reported through ``request_stop``.
        """
        if stop_grace_period_secs < 0:
            raise ValueError(f"stop_grace_period_secs must be >= 0, got "
                             f"{stop_grace_period_secs!r}.")
        with self._lock:
            all_threads = set(self._registered_threads) | set(threads or ())
        while any(t.is_alive() for t in all_threads) and not self.wait_for_stop(1.0):
            pass
        deadline = time.monotonic() + stop_grace_period_secs
        for t in all_threads:
            if t.is_alive():
                t.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            exc_info = self._exc_info
        stragglers = sorted(t.name for t in all_threads if t.is_alive())
        if exc_info is not None:
            raise exc_info[1].with_traceback(exc_info[2])
        if stragglers:
            if ignore_live_threads:
                _LOG.info("Coordinator stopped with threads still running: %s",
                          " ".join(stragglers))
            else:
                raise RuntimeError("Coordinator stopped with threads still running: "
                                   + " ".join(stragglers))

    @property
    def joined(self) -> bool:
        """True after :meth:`join` returned or raised."""
        return self._joined

    def raise_requested_exception(self) -> None:
        """Re-raises the exception passed to :meth:`request_stop`, if any."""
        with self._lock:
            exc_info = self._exc_info
        if exc_info is not None:
            raise exc_info[1].with_traceback(exc_info[2])


__all__ = ["Coordinator"]
