"""CSV files as datasets: ``tf.data.experimental.CsvDataset`` and ``make_csv_dataset``.

Both read lines with ``TextLineDataset`` (one file after the other, a header line
skipped per file) and parse them with ``tf.io.decode_csv``'s rules (quotes, ``na_value``,
required columns), so a field may not hold a line break. ``make_csv_dataset`` infers
column names from the first file's header and column types from the first rows of the
files, in order, as TF 1.15 does (int32, then int64, float32, float64, else string, per
column), and returns batches of ``(features dict, label)`` in TF's order of steps: files
(shuffled when ``shuffle``), records (bad ones dropped with ``ignore_errors``), shuffle
and repeat, batch, then the dict.

Example:
    >>> ds = tf.data.experimental.make_csv_dataset("train.csv", batch_size=32,
    ...                                             label_name="survived", num_epochs=1)
"""

from __future__ import annotations

import collections
import csv
import glob
import io
from collections.abc import Iterator
from typing import Any

import numpy as np

from trainkit.data.dataset import Dataset
from trainkit.data.decode_ops import decode_csv
from trainkit.data.file_datasets import TextLineDataset
from trainkit.data.transformations import ignore_errors as _drop_errors
from trainkit.framework import dtypes as _dt
from trainkit.framework.conversion import convert_to_tensor
from trainkit.framework.tensor import Tensor

#: the column types TF's inference tries, narrowest first
_INFERRED = (_dt.int32, _dt.int64, _dt.float32, _dt.float64, _dt.string)


def _default_of(d: Any, i: int) -> Any:
    """A record default: a dtype means a required column (an empty default)."""
    if isinstance(d, _dt.DType) or (isinstance(d, type) and issubclass(d, np.generic)):
        dt = _dt.as_dtype(d)
        return convert_to_tensor(np.zeros([0], dt.np_dtype) if dt != _dt.string
                                 else np.zeros([0], object), dtype=dt,
                                 name=f"record_default_{i}")
    return d


def _lines(filenames: Any, header: bool) -> Dataset:
    if isinstance(filenames, (str, bytes)):
        filenames = [filenames]
    files = Dataset.from_tensor_slices(filenames if isinstance(filenames, Tensor)
                                       else np.asarray(list(filenames), dtype=object))
    skip = 1 if header else 0
    return files.flat_map(lambda f: TextLineDataset(f).skip(skip))


def CsvDataset(filenames: Any, record_defaults: list, compression_type: Any = None,  # noqa: N802
               buffer_size: Any = None, header: bool = False, field_delim: str = ",",
               use_quote_delim: bool = True, na_value: str = "",
               select_cols: list[int] | None = None) -> Dataset:
    """The records of CSV files as tuples of scalars, one per column of
    ``record_defaults`` (a default value per column, or a dtype for a required column).

    Raises:
        ValueError / TypeError: bad defaults, delimiter or ``select_cols``;
            InvalidArgumentError when read: a malformed record or a missing required field.
    """
    defaults = [_default_of(d, i) for i, d in enumerate(record_defaults)]
    lines = _lines(filenames, header)

    def parse(line: Tensor) -> tuple:
        return tuple(decode_csv(line, defaults, field_delim=field_delim,
                                use_quote_delim=use_quote_delim, na_value=na_value,
                                select_cols=select_cols))
    return lines.map(parse)


def _files(file_pattern: Any) -> list[str]:
    patterns = [file_pattern] if isinstance(file_pattern, (str, bytes)) else list(file_pattern)
    found: list[str] = []
    for p in patterns:
        p = p.decode() if isinstance(p, bytes) else str(p)
        found += sorted(glob.glob(p))
    if not found:
        raise ValueError(f"No files match `file_pattern` {file_pattern!r}.")
    return found


def _rows(path: str, delim: str, quotes: bool) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        text = f.read()
    reader = csv.reader(io.StringIO(text), delimiter=delim,
                        quoting=csv.QUOTE_MINIMAL if quotes else csv.QUOTE_NONE)
    return [row for row in reader]


def _inference_rows(files: list[str], num_cols: int, delim: str, quotes: bool,
                    header: bool) -> Iterator[list[str]]:
    """The records of ``files`` in order, as TF's type inference reads them: one with
    another number of fields than there are columns is a ValueError."""
    for path in files:
        rows = _rows(path, delim, quotes)[1 if header else 0:]
        for n, row in enumerate(rows, start=2 if header else 1):
            if len(row) != num_cols:
                raise ValueError(f"Problem inferring types: CSV row {n} has {len(row)} "
                                 f"number of fields. Expected: {num_cols}.")
            yield row


def _infer(value: str, na_value: str, prev: _dt.DType | None) -> _dt.DType | None:
    """The narrowest of TF's inferred types, from ``prev`` on, that parses ``value``."""
    if value in ("", na_value):
        return prev
    start = 0 if prev is None else _INFERRED.index(prev)
    for t in _INFERRED[start:]:
        if t == _dt.string:
            return t
        try:
            if t.is_integer:
                v = int(value)
                info = np.iinfo(t.np_dtype)
                if info.min <= v <= info.max:
                    return t
            else:
                v = float(value)
                if t == _dt.float64 or abs(v) <= np.finfo(np.float32).max or not \
                        np.isfinite(v):
                    return t
        except ValueError:
            continue
    return _dt.string


def make_csv_dataset(file_pattern: Any, batch_size: int, column_names: list[str] | None = None,
                     column_defaults: list | None = None, label_name: str | None = None,
                     select_columns: list | None = None, field_delim: str = ",",
                     use_quote_delim: bool = True, na_value: str = "", header: bool = True,
                     num_epochs: int | None = None, shuffle: bool = True,
                     shuffle_buffer_size: int = 10000, shuffle_seed: int | None = None,
                     prefetch_buffer_size: Any = None, num_parallel_reads: Any = None,
                     sloppy: bool = False, num_rows_for_inference: int = 100,
                     compression_type: Any = None, ignore_errors: bool = False) -> Dataset:
    """Batches of ``(features, label)`` from CSV files: ``features`` an ordered dict of
    ``[batch]`` tensors by column name (file order), ``label`` the ``label_name`` column
    (features alone without one). The last partial batch is kept only when
    ``num_epochs`` is set (an endless dataset has none).

    With ``ignore_errors``, records that fail to parse (a field too many or too few, a
    value not of its column's type) are dropped, file by file, as in TF.

    Raises:
        ValueError: a batch size that is not a positive int, no file matches, no header
            to name the columns, a ``select_columns`` or ``label_name`` that names no
            column, mismatched ``column_defaults``, or (types inferred) a record among
            those read for inference with another number of fields than columns.
    """
    if not isinstance(batch_size, int | np.integer) or isinstance(batch_size, bool) or \
            batch_size <= 0:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
    batch = int(batch_size)
    files = _files(file_pattern)
    if column_names is None:
        if not header:
            raise ValueError("Cannot infer column names without a header line.")
        first = _rows(files[0], field_delim, use_quote_delim)
        if not first:
            raise ValueError(f"Cannot infer column names: {files[0]} is empty.")
        column_names = first[0]
    column_names = list(column_names)
    if len(set(column_names)) != len(column_names):
        raise ValueError("Cannot have duplicate column names.")
    if select_columns is None:
        cols = list(range(len(column_names)))
    else:
        cols = []
        for c in select_columns:
            if isinstance(c, str):
                if c not in column_names:
                    raise ValueError(f"Value {c!r} in `select_columns` is not a column "
                                     f"name: {column_names}.")
                cols.append(column_names.index(c))
            else:
                cols.append(int(c))
        cols = sorted(set(cols))
        if cols and not 0 <= cols[0] <= cols[-1] < len(column_names):
            raise ValueError("`select_columns` has a column index out of range.")
    names = [column_names[i] for i in cols]
    if label_name is not None and label_name not in names:
        raise ValueError(f"`label_name` provided must be one of the columns: {names}. "
                         f"Received: {label_name!r}.")
    if column_defaults is None:
        types: list = [None] * len(cols)
        rows = _inference_rows(files, len(column_names), field_delim, use_quote_delim,
                               header)
        for k, row in enumerate(rows):
            if num_rows_for_inference is not None and k >= num_rows_for_inference:
                break  # TF checks the field count of one row past the limit too
            for j, i in enumerate(cols):
                types[j] = _infer(row[i], na_value, types[j])
        # a column with no value in those rows is a string column; a missing field
        # reads as the type's zero (TF's inferred defaults are values, not required)
        column_defaults = [[""] if t in (None, _dt.string) else [np.zeros((), t.np_dtype)]
                           for t in types]
    if len(column_defaults) != len(cols):
        raise ValueError(f"The number of `column_defaults` ({len(column_defaults)}) does "
                         f"not match the number of columns read ({len(cols)}).")
    files_ds = Dataset.from_tensor_slices(np.asarray(files, dtype=object))
    if shuffle:
        files_ds = files_ds.shuffle(len(files), seed=shuffle_seed)
    defaults = [_default_of(d, i) for i, d in enumerate(column_defaults)]
    skip = 1 if header else 0
    # all columns: a record must have exactly that many fields, as in TF; selected ones:
    # fields after the last selected are not read
    picked = None if select_columns is None else cols

    def per_file(f: Tensor) -> Dataset:
        lines = TextLineDataset(f, compression_type=compression_type).skip(skip)
        records = lines.map(lambda line: tuple(decode_csv(
            line, defaults, field_delim=field_delim, use_quote_delim=use_quote_delim,
            na_value=na_value, select_cols=picked)))
        return _drop_errors(records) if ignore_errors else records
    ds = files_ds.flat_map(per_file)
    if shuffle:
        ds = ds.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    if num_epochs != 1:
        ds = ds.repeat(num_epochs)
    ds = ds.batch(batch, drop_remainder=num_epochs is None)

    def to_dict(*columns: Tensor) -> Any:
        features = collections.OrderedDict(zip(names, columns))
        if label_name is None:
            return features
        label = features.pop(label_name)
        return features, label
    return ds.map(to_dict)


__all__ = ["CsvDataset", "make_csv_dataset"]
