"""Tensor values as TF writes them in messages: ``Tensor::SummarizeValue`` in its two
styles.

- **v2** (``tf.print``, ``tf.strings.format``): nested brackets, at most ``summarize``
  leading and trailing entries per dimension with ``...`` between, rows on new lines
  (blocks of higher dimensions separated by blank lines), strings quoted and escaped.
- **v1** (``tf.Print``, ``tf.Assert``): the first ``summarize`` entries in row-major
  order, ``...`` where the rest is cut, no line breaks, strings escaped but not quoted,
  and no brackets around the outermost dimension (the callers add them).

Numbers are written as TF's ``StrCat`` does: the shortest of 6 and 9 significant digits
(float32; 15 and 17 for float64) that reads back exactly, booleans as ``1``/``0``.

Example:
    >>> summarize(np.arange(10), 3)
    '[0 1 2 ... 7 8 9]'
    >>> summarize(np.arange(10), 3, v2=False)
    '0 1 2...'
"""

from __future__ import annotations

from typing import Any

import numpy as np

_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord("\\"): "\\\\",
            ord("'"): "\\'", ord('"'): '\\"'}


def _c_escape(raw: bytes) -> str:
    """Abseil's ``CEscape``: C escapes for quotes, backslash and control characters,
    octal for other non-printable bytes."""
    out = []
    for b in raw:
        if b in _ESCAPES:
            out.append(_ESCAPES[b])
        elif b < 0x20 or b >= 0x7F:
            out.append(f"\\{b:03o}")
        else:
            out.append(chr(b))
    return "".join(out)


def _real(v: float, short: int, long: int, kind: type) -> str:
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    s = f"%.{short}g" % v
    return s if kind(float(s)) == kind(v) else f"%.{long}g" % v


def element(value: Any, v2: bool) -> str:
    """One entry as TF's ``PrintOneElement`` writes it."""
    if isinstance(value, bytes | str):
        raw = value.encode("utf-8") if isinstance(value, str) else value
        text = _c_escape(raw)
        return f'"{text}"' if v2 else text
    if isinstance(value, np.bool_ | bool):
        return "1" if value else "0"
    if isinstance(value, np.floating):
        if value.dtype == np.float64:
            return _real(float(value), 15, 17, float)
        return _real(float(value), 6, 9, np.float32)
    if isinstance(value, np.integer | int):
        return str(int(value))
    if isinstance(value, float):
        return _real(value, 15, 17, float)
    return "?"


def _spacing(dim: int, ndim: int) -> str:
    if dim == ndim - 1:
        return " "
    return "\n" * (ndim - dim - 1) + " " * (dim + 1)


def _v2(arr: np.ndarray, ends: int, dim: int, offset: int, out: list[str]) -> None:
    """TF's ``PrintOneDimV2`` over the flat ``arr`` (``offset``: the block's start)."""
    ndim = arr.ndim
    if dim == ndim:
        out.append(element(arr.flat[offset], True))
        return
    out.append("[")
    count = arr.shape[dim]
    per = int(np.prod(arr.shape[dim + 1:])) if dim + 1 < ndim else 1
    for i in range(min(ends, count)):
        if i > 0:
            out.append(_spacing(dim, ndim))
        _v2(arr, ends, dim + 1, offset + per * i, out)
    if count > 2 * ends:
        out.append(_spacing(dim, ndim))
        out.append("...")
    for i in range(max(ends, count - ends), count):
        out.append(_spacing(dim, ndim))
        _v2(arr, ends, dim + 1, offset + per * i, out)
    out.append("]")


def _v1(flat: np.ndarray, shape: tuple, limit: int, dim: int, index: list[int],
        out: list[str]) -> None:
    """TF's ``PrintOneDim``: the first ``limit`` entries, ``index[0]`` the next one."""
    if index[0] >= limit:
        return
    count = shape[dim]
    if dim == len(shape) - 1:
        for i in range(count):
            if index[0] >= limit:
                if dim != 0:
                    out.append("...")
                return
            if i > 0:
                out.append(" ")
            out.append(element(flat[index[0]], False))
            index[0] += 1
        return
    for _ in range(count):
        opened = index[0] < limit
        if opened:
            out.append("[")
        _v1(flat, shape, limit, dim + 1, index, out)
        if index[0] < limit or opened:
            out.append("]")


def summarize(value: Any, summarize: int | None = 3, v2: bool = True) -> str:
    """``value`` as TF's ``SummarizeValue(summarize, v2)`` writes it (``summarize`` None
    or negative: every entry)."""
    arr = np.asarray(value)
    if arr.dtype.kind == "U":
        arr = arr.astype(object)
    n = arr.size
    limit = n if summarize is None or summarize < 0 else min(int(summarize), n)
    flat = arr.reshape(-1)
    if arr.ndim == 0:
        text = " ".join(element(flat[i], v2) for i in range(limit))
        return text + ("..." if n > limit else "")
    out: list[str] = []
    if v2:
        _v2(arr, limit, 0, 0, out)
        return "".join(out)
    _v1(flat, arr.shape, limit, 0, [0], out)
    return "".join(out) + ("..." if n > limit else "")


__all__ = ["summarize", "element"]
