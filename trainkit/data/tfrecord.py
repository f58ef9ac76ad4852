"""TFRecord files: ``TFRecordWriter``, ``tf_record_iterator``, ``TFRecordOptions``.

A record is framed as TF frames it: ``uint64 length``, ``uint32 masked_crc32c(length)``,
``data``, ``uint32 masked_crc32c(data)`` (little endian); the whole file may be GZIP- or
ZLIB-compressed. Files written here are read by TF and vice versa (checked against
tensorflow 2.21; see ``tests/data/test_tfrecord.py``). A bad checksum or a truncated
record is ``DataLossError``; a missing file ``NotFoundError``.

Example:
    >>> with TFRecordWriter("/tmp/a.tfrecord") as w:
    ...     w.write(b"hello")
    >>> list(tf_record_iterator("/tmp/a.tfrecord"))
    [b'hello']
"""

from __future__ import annotations

import gzip
import io
import os
import struct
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from trainkit import errors
from trainkit.summary.crc32c import masked_crc32c


class TFRecordCompressionType:
    """``NONE`` (0), ``ZLIB`` (1), ``GZIP`` (2)."""

    NONE = 0
    ZLIB = 1
    GZIP = 2


_NAMES = {"": 0, "NONE": 0, "ZLIB": 1, "GZIP": 2}


class TFRecordOptions:
    """Compression of a TFRecord file (``tf.io.TFRecordOptions``).

    Raises:
        ValueError: an unknown compression type.
    """

    compression_type_map = {0: "", 1: "ZLIB", 2: "GZIP"}

    def __init__(self, compression_type: Any = None, flush_mode: Any = None,
                 input_buffer_size: Any = None, output_buffer_size: Any = None,
                 window_bits: Any = None, compression_level: int | None = None,
                 compression_method: Any = None, mem_level: Any = None,
                 compression_strategy: Any = None):
        self.compression_type = _compression_code(compression_type)
        self.compression_level = -1 if compression_level is None else int(compression_level)

    @classmethod
    def get_compression_type_string(cls, options: Any) -> str:
        """``''``, ``'ZLIB'`` or ``'GZIP'`` for options, a type code or a name."""
        if isinstance(options, TFRecordOptions):
            return cls.compression_type_map[options.compression_type]
        return cls.compression_type_map[_compression_code(options)]


def _compression_code(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, TFRecordOptions):
        return value.compression_type
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):
        if value.upper() not in _NAMES:
            raise ValueError(f"Unknown compression type {value!r}: use '', 'ZLIB' or 'GZIP'")
        return _NAMES[value.upper()]
    if value in (0, 1, 2):
        return int(value)
    raise ValueError(f"Unknown compression type {value!r}: use '', 'ZLIB' or 'GZIP'")


def frame(data: bytes) -> bytes:
    """One record with TFRecord framing."""
    header = struct.pack("<Q", len(data))
    return (header + struct.pack("<I", masked_crc32c(header)) + data
            + struct.pack("<I", masked_crc32c(data)))


class TFRecordWriter:
    """Writes records to a TFRecord file (``tf.io.TFRecordWriter``).

    Differs from TF: the file is written to a temporary name and renamed into place by
    ``close()`` (TF writes in place), so a reader never sees a half-written file.

    Raises:
        NotFoundError: the directory does not exist.
    """

    def __init__(self, path: Any, options: Any = None):
        self._path = os.fspath(path)
        code = _compression_code(options)
        level = options.compression_level if isinstance(options, TFRecordOptions) else -1
        self._tmp = f"{self._path}.tmp.{os.getpid()}"
        try:
            raw = open(self._tmp, "wb")  # noqa: SIM115 - closed in close()
        except OSError as e:
            raise errors.NotFoundError(None, None, f"{self._path}: {e.strerror}") from None
        self._raw = raw
        self._gzip = (gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                    compresslevel=9 if level < 0 else level)
                      if code == 2 else None)
        self._zlib = zlib.compressobj(level) if code == 1 else None
        self._closed = False

    def write(self, record: Any) -> None:
        """Appends one record (bytes; str is UTF-8 encoded)."""
        if self._closed:
            raise errors.FailedPreconditionError(None, None, "Writer is closed.")
        if isinstance(record, str):
            record = record.encode("utf-8")
        data = frame(bytes(record))
        if self._gzip is not None:
            self._gzip.write(data)
        elif self._zlib is not None:
            self._raw.write(self._zlib.compress(data))
        else:
            self._raw.write(data)

    def flush(self) -> None:
        """Flushes buffered records to the temporary file."""
        if self._gzip is not None:
            self._gzip.flush()
        self._raw.flush()

    def close(self) -> None:
        """Finishes the file and moves it into place (atomic)."""
        if self._closed:
            return
        self._closed = True
        if self._gzip is not None:
            self._gzip.close()
        elif self._zlib is not None:
            self._raw.write(self._zlib.flush())
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self._tmp, self._path)

    def __enter__(self) -> TFRecordWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def open_stream(path: str, compression: Any = None) -> BinaryIO:
    """The (decompressed) byte stream of ``path``; ``NotFoundError`` if missing."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 - returned to the caller
    except OSError as e:
        raise errors.NotFoundError(None, None, f"{path}; {e.strerror}") from None
    code = _compression_code(compression)
    if code == 2:
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if code == 1:
        with raw:
            try:
                return io.BytesIO(zlib.decompress(raw.read()))
            except zlib.error as e:
                raise errors.DataLossError(None, None, f"{path}: {e}") from None
    return raw


def read_records(stream: BinaryIO, path: str) -> Iterator[tuple[int, bytes]]:
    """``(offset, record)`` for every record of ``stream``; ``DataLossError`` if corrupt."""
    offset = 0
    while True:
        try:
            header = stream.read(12)
        except (OSError, EOFError, zlib.error) as e:
            raise errors.DataLossError(None, None, f"{path}: {e}") from None
        if not header:
            return
        if len(header) < 12:
            raise errors.DataLossError(None, None, f"truncated record at {offset} in {path}")
        (length,) = struct.unpack("<Q", header[:8])
        if struct.unpack("<I", header[8:])[0] != masked_crc32c(header[:8]):
            raise errors.DataLossError(None, None, f"corrupted record at {offset} in {path} "
                                                   "(length checksum mismatch)")
        try:
            body = stream.read(length + 4)
        except (OSError, EOFError, zlib.error) as e:
            raise errors.DataLossError(None, None, f"{path}: {e}") from None
        if len(body) < length + 4:
            raise errors.DataLossError(None, None, f"truncated record at {offset} in {path}")
        data = body[:length]
        if struct.unpack("<I", body[length:])[0] != masked_crc32c(data):
            raise errors.DataLossError(None, None, f"corrupted record at {offset} in {path} "
                                                   "(data checksum mismatch)")
        yield offset, data
        offset += 12 + length + 4


def tf_record_iterator(path: Any, options: Any = None) -> Iterator[bytes]:
    """Yields the records of a TFRecord file (``tf.compat.v1.io.tf_record_iterator``).

    Raises:
        NotFoundError / DataLossError: a missing or corrupt file.
    """
    path = os.fspath(path)
    with open_stream(path, options) as stream:
        for _, data in read_records(stream, path):
            yield data


__all__ = ["TFRecordWriter", "TFRecordOptions", "TFRecordCompressionType",
           "tf_record_iterator", "frame", "open_stream", "read_records"]
