"""``tf.compat.as_bytes`` / ``as_text`` / ``as_str`` / ``path_to_str``: the bytes-or-text
conversions TF1 programs use on paths and names (``compat.as_bytes(export_dir)``).

Example:
    >>> as_bytes("models/1")
    b'models/1'
"""

from __future__ import annotations

import os
from typing import Any


def as_bytes(bytes_or_text: Any, encoding: str = "utf-8") -> bytes:
    """``bytes_or_text`` as bytes (text encoded with ``encoding``).

    Raises:
        TypeError: if it is neither bytes nor text.
    """
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text: Any, encoding: str = "utf-8") -> str:
    """``bytes_or_text`` as text (bytes decoded with ``encoding``).

    Raises:
        TypeError: if it is neither bytes nor text.
    """
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes | bytearray):
        return bytes(bytes_or_text).decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text


def path_to_str(path: Any) -> Any:
    """A path-like object as its string; anything else unchanged."""
    return os.fspath(path) if isinstance(path, os.PathLike) else path


__all__ = ["as_bytes", "as_text", "as_str", "path_to_str"]
