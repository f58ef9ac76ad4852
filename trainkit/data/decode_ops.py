"""``decode_csv`` and ``decode_raw``: turning record strings into numbers.

Example:
    >>> a, b = decode_csv(line, record_defaults=[[0], [1.0]])
    >>> pixels = decode_raw(record, tf.uint8)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.conversion import convert_to_tensor
from trainkit.framework.graph import get_default_graph, name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor

_CSV_TYPES = (_dt.float32, _dt.float64, _dt.int32, _dt.int64, _dt.string)


def _split(line: str, delim: str, quotes: bool, rec: int) -> list[str]:
    if not quotes:
        return line.split(delim)
    fields, cur, i, n = [], [], 0, len(line)
    while True:
        if i < n and line[i] == '"':
            i += 1
            while True:
                if i >= n:
                    raise errors.InvalidArgumentError(
                        None, None, f"Quoted field has to end with quote followed by delim "
                                    f"or end in record {rec}: {line}")
                if line[i] == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        cur.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                cur.append(line[i])
                i += 1
            if i < n and line[i] != delim:
                raise errors.InvalidArgumentError(
                    None, None, f"Quote inside a string has to be escaped by another quote "
                                f"in record {rec}: {line}")
        else:
            while i < n and line[i] != delim:
                if line[i] == '"':
                    raise errors.InvalidArgumentError(
                        None, None, f"Unquoted fields cannot have quotes inside in record "
                                    f"{rec}: {line}")
                cur.append(line[i])
                i += 1
        fields.append("".join(cur))
        cur = []
        if i >= n:
            return fields
        i += 1  # the delimiter


def _convert(text: str, dt: _dt.DType, col: int, rec: int) -> Any:
    if dt == _dt.string:
        return text.encode("utf-8")
    try:
        if dt in (_dt.int32, _dt.int64):
            v = int(text.strip(), 10)
            info = np.iinfo(dt.as_numpy_dtype)
            if not info.min <= v <= info.max:
                raise ValueError
            return v
        return float(text)
    except ValueError:
        kind = {"float32": "float", "float64": "double"}.get(dt.name, dt.name)
        raise errors.InvalidArgumentError(
            None, None, f"Field {col} in record {rec} is not a valid {kind}: {text}") from None


@registry.register_kernel("TkDecodeCSV")
def _decode_csv(ctx: registry.KernelContext, records: Any, *defaults: Any) -> Any:
    attrs = ctx.attrs
    recs = np.asarray(records, dtype=object)
    dts, delim, quotes, na = attrs["dtypes"], attrs["delim"], attrs["quotes"], attrs["na"]
    cols = attrs["select_cols"]
    outs = [np.empty(recs.shape, dtype=dt.as_numpy_dtype) for dt in dts]
    for r, raw in enumerate(recs.reshape(-1)):
        line = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        fields = _split(line, delim, quotes, r)
        if cols is None:
            if len(fields) != len(dts):
                raise errors.InvalidArgumentError(
                    None, None, f"Expect {len(dts)} fields but have {len(fields)} in record "
                                f"{r}")
            picked = fields
        else:
            if cols[-1] >= len(fields):
                raise errors.InvalidArgumentError(
                    None, None, f"Expect at least {cols[-1] + 1} fields but have "
                                f"{len(fields)} in record {r}")
            picked = [fields[c] for c in cols]
        for j, (text, dt) in enumerate(zip(picked, dts)):
            if text == "" or (na and text == na):
                if np.size(defaults[j]) == 0:
                    raise errors.InvalidArgumentError(
                        None, None, f"Field {j} is required but missing in record {r}!")
                value = np.asarray(defaults[j]).reshape(-1)[0]
            else:
                value = _convert(text, dt, j, r)
            outs[j].reshape(-1)[r] = value
    return tuple(outs) if len(outs) > 1 else outs[0]


registry.not_differentiable("TkDecodeCSV")


def decode_csv(records: Any, record_defaults: Any, field_delim: str = ",",
               use_quote_delim: bool = True, name: str | None = None, na_value: str = "",
               select_cols: Any = None) -> list[Tensor]:
    """Parses CSV ``records`` (a string tensor of any shape) into one tensor per column
    (``tf.io.decode_csv``). ``record_defaults[i]`` gives column i's type and default: a
    one-element list/tensor, or an empty one for a required column.

    Raises:
        ValueError / TypeError: bad defaults, delimiter or ``select_cols`` (graph time);
        InvalidArgumentError: a malformed record (run time).
    """
    if not isinstance(field_delim, str) or len(field_delim) != 1:
        raise ValueError(f"field_delim should be only 1 char, got {field_delim!r}")
    if not record_defaults:
        raise ValueError("record_defaults must not be empty")
    if select_cols is not None:
        select_cols = [int(c) for c in select_cols]
        if any(b <= a for a, b in zip(select_cols, select_cols[1:])) or select_cols[0] < 0:
            raise ValueError("select_cols is not strictly increasing.")
        if len(select_cols) != len(record_defaults):
            raise ValueError("Length of select_cols and record_defaults do not match.")
    with name_scope(name, "DecodeCSV") as scope:
        recs = convert_to_tensor(records, dtype=_dt.string, name="records")
        defaults = []
        for i, d in enumerate(record_defaults):
            t = convert_to_tensor(d, dtype=_dt.float32 if _is_empty_list(d) else None,
                                  name=f"record_default_{i}")
            if t.dtype not in _CSV_TYPES:
                raise TypeError(f"record_defaults[{i}] has unsupported type {t.dtype.name}: "
                                "use float32, float64, int32, int64 or string")
            if t.shape.ndims is not None and t.shape.ndims > 1 or (
                    t.shape.is_fully_defined() and t.shape.num_elements() > 1):
                raise ValueError(f"record_defaults[{i}] must have at most one element, got "
                                 f"shape {t.shape}")
            defaults.append(t)
        dts = tuple(t.dtype for t in defaults)
        op = get_default_graph().create_op(
            "TkDecodeCSV", [recs, *defaults], list(dts), name=scope,
            attrs={"dtypes": dts, "delim": field_delim, "quotes": bool(use_quote_delim),
                   "na": na_value, "select_cols": select_cols},
            shapes=[recs.shape] * len(dts))
    return list(op.outputs)


def _is_empty_list(d: Any) -> bool:
    return isinstance(d, (list, tuple)) and len(d) == 0


@registry.register_kernel("TkDecodeRaw")
def _decode_raw(ctx: registry.KernelContext, data: Any) -> np.ndarray:
    np_dt = np.dtype(ctx.attrs["out_type"].as_numpy_dtype)
    np_dt = np_dt.newbyteorder("<" if ctx.attrs["little_endian"] else ">")
    recs = np.asarray(data, dtype=object)
    flat = [bytes(r) for r in recs.reshape(-1)]
    size = len(flat[0]) if flat else 0
    for i, r in enumerate(flat):
        if len(r) % np_dt.itemsize:
            raise errors.InvalidArgumentError(
                None, None, f"Input to DecodeRaw has length {len(r)} that is not a multiple "
                            f"of {np_dt.itemsize}, the size of {ctx.attrs['out_type'].name}")
        if len(r) != size:
            raise errors.InvalidArgumentError(
                None, None, f"DecodeRaw requires input strings to all be the same size, but "
                            f"element {i} has size {len(r)} != {size}")
    n = size // np_dt.itemsize
    out = np.empty((len(flat), n), dtype=np_dt.newbyteorder("="))
    for i, r in enumerate(flat):
        out[i] = np.frombuffer(r, dtype=np_dt)
    return out.reshape((*recs.shape, n))


registry.not_differentiable("TkDecodeRaw")


def decode_raw(input_bytes: Any = None, out_type: Any = None, little_endian: bool = True,
               name: str | None = None, bytes: Any = None) -> Tensor:  # noqa: A002
    """Reinterprets the bytes of each string as a vector of ``out_type``
    (``tf.io.decode_raw``); the result has one more dimension than the input.

    Raises:
        ValueError: no input or no ``out_type``; TypeError: an unsupported ``out_type``.
    """
    if input_bytes is None:
        input_bytes = bytes
    if input_bytes is None or out_type is None:
        raise ValueError("decode_raw needs input_bytes and out_type")
    dt = _dt.as_dtype(out_type)
    if dt == _dt.string or dt == _dt.bool_:
        raise TypeError(f"decode_raw cannot produce {dt.name}")
    with name_scope(name, "DecodeRaw") as scope:
        t = convert_to_tensor(input_bytes, dtype=_dt.string, name="bytes")
        shape = (TensorShape(None) if t.shape.ndims is None
                 else t.shape.concatenate(TensorShape([None])))
        return get_default_graph().create_op(
            "TkDecodeRaw", [t], [dt], name=scope,
            attrs={"out_type": dt, "little_endian": bool(little_endian)},
            shapes=[shape]).outputs[0]


__all__ = ["decode_csv", "decode_raw"]
