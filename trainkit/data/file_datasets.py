"""Datasets that read files: ``TFRecordDataset``, ``TextLineDataset``,
``FixedLengthRecordDataset`` (``tf.data.*``). File names may be a string, a list, or a
string tensor (read when the iterator starts). The position (file, record) is part of the
iterator's checkpointed state.

Differs from TF: ``num_parallel_reads`` and ``buffer_size`` are accepted and ignored;
files are always read one after the other.

Example:
    >>> ds = TFRecordDataset(["a.tfrecord", "b.tfrecord"], compression_type="GZIP")
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from trainkit.data import dataset_stages as ds
from trainkit.data import tfrecord
from trainkit.data.dataset import Dataset
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.static_value import constant_value


def _file_dataset(filenames: Any, records: Any) -> tuple:
    if isinstance(filenames, Tensor):
        if filenames.dtype != _dt.string:
            raise TypeError(f"filenames must be a tf.string tensor, got {filenames.dtype.name}")
        inputs = [filenames]
    else:
        if isinstance(filenames, (str, bytes)):
            filenames = [filenames]
        if not filenames:
            raise ValueError("filenames must not be empty")
        inputs = []
    t = filenames

    def build(env: Any) -> ds.RecordFiles:
        names = env.values[t] if isinstance(t, Tensor) else t
        files = [n.decode() if isinstance(n, bytes) else str(n)
                 for n in np.asarray(names, dtype=object).reshape(-1)]
        return ds.RecordFiles(files, records)

    return None, [(_dt.string, TensorShape([]))], inputs, build


def _compression(compression_type: Any) -> Any:
    if isinstance(compression_type, Tensor):
        value = constant_value(compression_type)
        if value is None:
            raise ValueError("compression_type must be known when the graph is built")
        compression_type = value.item()
    return tfrecord.TFRecordOptions(compression_type or "")


class TFRecordDataset(Dataset):
    """The records of TFRecord files, as scalar strings."""

    def __init__(self, filenames: Any, compression_type: Any = None, buffer_size: Any = None,
                 num_parallel_reads: Any = None):
        opts = _compression(compression_type)

        def records(path: str) -> Iterator[bytes]:
            with tfrecord.open_stream(path, opts) as f:
                for _, data in tfrecord.read_records(f, path):
                    yield data

        super().__init__(*_file_dataset(filenames, records))


class TextLineDataset(Dataset):
    """The lines of text files, without their line endings."""

    def __init__(self, filenames: Any, compression_type: Any = None, buffer_size: Any = None,
                 num_parallel_reads: Any = None):
        opts = _compression(compression_type)

        def records(path: str) -> Iterator[bytes]:
            with tfrecord.open_stream(path, opts) as f:
                for line in f:
                    if line.endswith(b"\n"):
                        line = line[:-1]
                    if line.endswith(b"\r"):
                        line = line[:-1]
                    yield line

        super().__init__(*_file_dataset(filenames, records))


class FixedLengthRecordDataset(Dataset):
    """Fixed-size records of files, after ``header_bytes`` and before ``footer_bytes``.

    Raises:
        ValueError: ``record_bytes <= 0``.
    """

    def __init__(self, filenames: Any, record_bytes: int, header_bytes: int | None = None,
                 footer_bytes: int | None = None, buffer_size: Any = None,
                 compression_type: Any = None, num_parallel_reads: Any = None):
        rec, head, foot = int(record_bytes), int(header_bytes or 0), int(footer_bytes or 0)
        if rec <= 0:
            raise ValueError(f"record_bytes must be positive, got {record_bytes}")
        opts = _compression(compression_type)

        def records(path: str) -> Iterator[bytes]:
            with tfrecord.open_stream(path, opts) as f:
                data = f.read()
            body = data[head:len(data) - foot]
            for start in range(0, len(body) - rec + 1, rec):
                yield body[start:start + rec]

        super().__init__(*_file_dataset(filenames, records))


__all__ = ["TFRecordDataset", "TextLineDataset", "FixedLengthRecordDataset"]
