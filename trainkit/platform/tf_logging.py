"""``tf.logging``: TF1's logging module, writing through trainkit's own logger.

``set_verbosity(INFO)`` also switches on trainkit's log output (hooks such as
``LoggingTensorHook`` log at INFO), so a TF1 program that calls it sees the same lines
TF1 prints, on stderr, formatted ``INFO:trainkit:<message>`` (TF1: ``INFO:tensorflow:``).
A handler is added only when neither trainkit's logger nor the root logger has one, so
programs that configure :mod:`logging` themselves keep their own setup.

Differs from TF: the logger is ``trainkit`` (lines read ``INFO:trainkit:...``, TF1's
``INFO:tensorflow:...``); ``fatal`` logs at FATAL and does not exit, as in TF1.

Example:
    >>> set_verbosity(INFO)
    >>> info("step %d", 10)   # INFO:trainkit:step 10
"""

from __future__ import annotations

import logging as _logging
import sys
from typing import Any

DEBUG = _logging.DEBUG
INFO = _logging.INFO
WARN = _logging.WARN
ERROR = _logging.ERROR
FATAL = _logging.FATAL

_LOGGER_NAME = "trainkit"
_handler: _logging.Handler | None = None
_counts: dict[Any, int] = {}


def get_logger() -> _logging.Logger:
    """The logger every trainkit module logs through (``trainkit`` and its children)."""
    logger = _logging.getLogger(_LOGGER_NAME)
    _ensure_handler(logger)
    return logger


def _ensure_handler(logger: _logging.Logger) -> None:
    global _handler
    if _handler is not None or logger.handlers or _logging.getLogger().handlers:
        return
    _handler = _logging.StreamHandler(sys.stderr)
    _handler.setFormatter(_logging.Formatter("%(levelname)s:trainkit:%(message)s"))
    logger.addHandler(_handler)


def set_verbosity(v: int) -> None:
    """Sets the threshold of trainkit's logger (``tf.logging.set_verbosity``).

    Raises:
        TypeError / ValueError: ``v`` is not a logging level.
    """
    if isinstance(v, bool) or not isinstance(v, (int, str)):
        raise TypeError(f"verbosity must be a logging level such as tf.logging.INFO, "
                        f"got {v!r}")
    get_logger().setLevel(v)


def get_verbosity() -> int:
    """The effective threshold of trainkit's logger."""
    return get_logger().getEffectiveLevel()


def log(level: int, msg: Any, *args: Any, **kwargs: Any) -> None:
    """Logs ``msg % args`` at ``level``."""
    get_logger().log(level, msg, *args, **kwargs)


def vlog(level: int, msg: Any, *args: Any, **kwargs: Any) -> None:
    """Logs ``msg % args`` at ``level`` (TF1's verbose log; as :func:`log`)."""
    get_logger().log(level, msg, *args, **kwargs)


def debug(msg: Any, *args: Any, **kwargs: Any) -> None:
    """Logs at DEBUG."""
    log(DEBUG, msg, *args, **kwargs)


def info(msg: Any, *args: Any, **kwargs: Any) -> None:
    """Logs at INFO."""
    log(INFO, msg, *args, **kwargs)


def warning(msg: Any, *args: Any, **kwargs: Any) -> None:
    """Logs at WARN."""
    log(WARN, msg, *args, **kwargs)


warn = warning


def error(msg: Any, *args: Any, **kwargs: Any) -> None:
    """Logs at ERROR."""
    log(ERROR, msg, *args, **kwargs)


def fatal(msg: Any, *args: Any, **kwargs: Any) -> None:
    """Logs at FATAL (like TF1, does not exit)."""
    log(FATAL, msg, *args, **kwargs)


def _caller_key() -> tuple:
    frame = sys._getframe(2)
    return (frame.f_code.co_filename, frame.f_lineno)


def log_every_n(level: int, msg: Any, n: int, *args: Any) -> None:
    """Logs on the 1st, (n+1)th, (2n+1)th ... call from the same source line."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    key = _caller_key()
    count = _counts.get(key, 0)
    _counts[key] = count + 1
    if count % n == 0:
        log(level, msg, *args)


def log_first_n(level: int, msg: Any, n: int, *args: Any) -> None:
    """Logs only the first ``n`` calls from the same source line."""
    key = _caller_key()
    count = _counts.get(key, 0)
    _counts[key] = count + 1
    if count < n:
        log(level, msg, *args)


def log_if(level: int, msg: Any, condition: Any, *args: Any) -> None:
    """Logs when ``condition`` is true."""
    if condition:
        log(level, msg, *args)


def flush() -> None:
    """Flushes trainkit's log handlers."""
    for h in get_logger().handlers:
        h.flush()


__all__ = ["DEBUG", "INFO", "WARN", "ERROR", "FATAL", "set_verbosity", "get_verbosity",
           "log", "vlog", "debug", "info", "warn", "warning", "error", "fatal", "log_every_n",
           "log_first_n", "log_if", "flush", "get_logger"]
