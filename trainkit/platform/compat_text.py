"""TF's ``tf.compat`` text helpers: bytes/str conversion and the numeric type tuples.

These are plain Python helpers (no graph ops): ``as_bytes`` encodes text, ``as_text``
decodes bytes, ``as_str_any`` turns anything into a ``str`` and ``path_to_str`` reads an
``os.PathLike``. Values and ``TypeError`` messages follow ``tf.compat`` (TF 1.15 and
TF 2.21 agree).

Example:
    >>> as_bytes("é")
    b'\\xc3\\xa9'
    >>> as_text(b"abc")
    'abc'
    >>> as_str_any(3)
    '3'
"""

from __future__ import annotations

import numbers
import os
from typing import Any

import numpy as np

bytes_or_text_types = (bytes, str)
integral_types = (numbers.Integral, np.integer)
real_types = (numbers.Real, np.integer, np.floating)
complex_types = (numbers.Complex, np.number)


def _not_a_string(value: Any) -> TypeError:
    return TypeError(f"Expected binary or unicode string, got {value!r}")


def as_bytes(bytes_or_text: Any, encoding: str = "utf-8") -> bytes:
    """``bytes_or_text`` as ``bytes``: text is encoded, bytes (and bytearray) pass as is.

    Raises:
        TypeError: for anything that is neither bytes, bytearray nor str.
    """
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise _not_a_string(bytes_or_text)


def as_text(bytes_or_text: Any, encoding: str = "utf-8") -> str:
    """``bytes_or_text`` as ``str``: bytes are decoded, text passes as is.

    Raises:
        TypeError: for anything that is neither bytes nor str (a bytearray too, as in TF).
        UnicodeDecodeError: if the bytes are not valid in ``encoding``.
    """
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise _not_a_string(bytes_or_text)


as_str = as_text


def as_str_any(value: Any, encoding: str = "utf-8") -> str:
    """``value`` as ``str``: bytes are decoded, anything else goes through ``str()``."""
    if isinstance(value, bytes):
        return as_str(value, encoding=encoding)
    return str(value)


def path_to_str(path: Any) -> Any:
    """The string of an ``os.PathLike`` (``pathlib.Path``); anything else is returned as is."""
    if isinstance(path, os.PathLike):
        return as_str_any(os.fspath(path))
    return path


__all__ = ["as_bytes", "as_text", "as_str", "as_str_any", "path_to_str",
           "bytes_or_text_types", "integral_types", "real_types", "complex_types"]
