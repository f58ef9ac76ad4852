"""Reading event files back: ``summary_iterator`` over TFRecord-framed ``Event`` protos.

A record is ``u64 length | masked crc32c(length) | data | masked crc32c(data)``, all
little-endian (checksums from :mod:`trainkit.summary.crc32c`).

Example:
    >>> for event in summary_iterator(path):          # doctest: +SKIP
    ...     for value in event.summary.value:
    ...         print(event.step, value.tag, value.simple_value)
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from typing import Any

from trainkit import errors
from trainkit.summary.crc32c import masked_crc32c

_HEADER = struct.Struct("<QI")
_FOOTER = struct.Struct("<I")


def tf_record_iterator(path: str | os.PathLike) -> Iterator[bytes]:
    """Yields the payload of every record in a TFRecord file.

    Raises:
        NotFoundError: if the file does not exist.
        DataLossError: on a truncated record or a checksum mismatch, naming the file and
            the byte offset (TensorBoard silently stops reading there).
    """
    path = os.fspath(path)
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
    with f:
        offset = 0
        while True:
            header = f.read(_HEADER.size)
            if not header:
                return
            if len(header) < _HEADER.size:
                raise errors.DataLossError(
                    None, None, f"truncated record at {offset} in {path}")
            length, length_crc = _HEADER.unpack(header)
            if masked_crc32c(header[:8]) != length_crc:
                raise errors.DataLossError(
                    None, None, f"corrupted record at {offset} in {path}: length checksum "
                                "mismatch")
            data = f.read(length)
            footer = f.read(_FOOTER.size)
            if len(data) < length or len(footer) < _FOOTER.size:
                raise errors.DataLossError(
                    None, None, f"truncated record at {offset} in {path}")
            if masked_crc32c(data) != _FOOTER.unpack(footer)[0]:
                raise errors.DataLossError(
                    None, None, f"corrupted record at {offset} in {path}: data checksum "
                                "mismatch")
            offset += _HEADER.size + length + _FOOTER.size
            yield data


def summary_iterator(path: str | os.PathLike) -> Iterator[Any]:
    """Yields every ``Event`` proto (tensorboardX's class) of an event file, in order.

    Raises:
        NotFoundError: if the file does not exist.
        DataLossError: on a truncated or corrupt record.
    """
    from tensorboardX.proto.event_pb2 import Event

    for data in tf_record_iterator(path):
        yield Event.FromString(data)


__all__ = ["summary_iterator", "tf_record_iterator"]
