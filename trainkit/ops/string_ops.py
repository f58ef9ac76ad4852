"""String ops (NumPy object-array kernels over ``bytes``): ``as_string``, ``string_join``,
``string_split``, ``reduce_join``, ``substr``, ``string_to_number``, ``regex_replace``,
``regex_full_match`` and ``strings.length/lower/upper/strip``, with TF1's semantics.
Regular expressions run on Python's ``re`` (RE2's syntax for the common subset).

Example:
    >>> words = string_split(["hello world"])                 # SparseTensor of b"hello", ...
    >>> tk.string_join(["a", "b"], separator="-")              # b"a-b"
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape, broadcast_static
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op
from trainkit.ops.reduction_ops import normalize_axes, reduced_shape


def _b(v: Any) -> bytes:
    return v if isinstance(v, bytes) else str(v).encode()


def _strings(x: Any, what: str = "input") -> Tensor:
    t = conversion.convert_to_tensor(x, name=what)
    if t.dtype is not _dt.string:
        raise TypeError(f"{what} must be a string tensor, got {t.dtype.name}.")
    return t


def _map(op_type: str, x: Tensor, attrs: dict, name: str | None,
         dtype: _dt.DType = _dt.string) -> Tensor:
    return make_op(op_type, [x], [dtype], name=name or op_type, attrs=attrs,
                   shapes=[x.shape]).outputs[0]


def as_string(input: Any, precision: int = -1, scientific: bool = False,  # noqa: A002
              shortest: bool = False, width: int = -1, fill: str = "",
              name: str | None = None) -> Tensor:
    """Numbers (or bools) as text, printf-style: ints ``%d``, floats ``%f`` (``%e`` when
    ``scientific``, ``%g`` when ``shortest``), with ``precision``, ``width`` and a
    one-character ``fill``.

    Raises:
        ValueError: both ``scientific`` and ``shortest``, or a longer ``fill``.
    """
    x = conversion.convert_to_tensor(input, name="input")
    if scientific and shortest:
        raise ValueError("Cannot select both scientific and shortest notation")
    if len(fill) > 1:
        raise ValueError(f"Fill string must be one or fewer characters: {fill!r}")
    if x.dtype is _dt.string:
        raise TypeError("as_string: input must be numeric or bool, got string.")
    spec = "%" + ("0" if fill == "0" else "-" if fill == "-" else "")
    spec += str(width) if width > -1 else ""
    if x.dtype.is_floating:
        spec += f".{precision}" if precision > -1 else ""
        spec += "e" if scientific else "g" if shortest else "f"
    else:
        spec += "d"
    return _map("AsString", x, {"format": spec, "bool": x.dtype is _dt.bool_}, name)


def string_join(inputs: list, separator: str = "", name: str | None = None) -> Tensor:
    """Joins the (broadcast) string tensors elementwise with ``separator``."""
    xs = [_strings(x, "inputs") for x in inputs]
    shape = TensorShape([])
    for x in xs:
        shape = broadcast_static(shape, x.shape)
    return make_op("StringJoin", xs, [_dt.string], name=name or "StringJoin",
                   attrs={"separator": _b(separator)}, shapes=[shape]).outputs[0]


def reduce_join(inputs: Any, axis: Any = None, keep_dims: bool = False, separator: str = "",
                name: str | None = None, reduction_indices: Any = None,
                keepdims: bool | None = None) -> Tensor:
    """Joins the strings along ``axis`` (all axes when None) with ``separator``."""
    x = _strings(inputs, "inputs")
    axis = reduction_indices if axis is None else axis
    keep = bool(keep_dims if keepdims is None else keepdims)
    axes = normalize_axes("ReduceJoin", name or "ReduceJoin", x, axis)
    if axes is None and axis is not None:
        raise ValueError("reduce_join: axis must be known when the graph is built.")
    if axes is None and x.shape.ndims is None:
        raise ValueError("reduce_join over all axes needs an input of known rank.")
    axes = tuple(range(x.shape.ndims)) if axes is None else axes
    return make_op("ReduceJoin", [x], [_dt.string], name=name or "ReduceJoin",
                   attrs={"axes": axes, "keep": keep, "separator": _b(separator)},
                   shapes=[reduced_shape(x.shape, axes, keep)]).outputs[0]


def string_split(source: Any, delimiter: str = " ", skip_empty: bool = True,
                 sep: str | None = None, result_type: str = "SparseTensor",
                 name: str | None = None) -> SparseTensor:
    """Splits each string of 1-D ``source`` at any character of ``delimiter`` (into
    characters when it is empty); a ``SparseTensor`` ``[len(source), max tokens]``.

    Raises:
        ValueError: a ``result_type`` other than ``'SparseTensor'``.
    """
    if result_type != "SparseTensor":
        raise ValueError("string_split: trainkit returns SparseTensor results only.")
    x = _strings(source, "source")
    delim = _b(delimiter if sep is None else sep)
    op = make_op("StringSplit", [x], [_dt.int64, _dt.string, _dt.int64],
                 name=name or "StringSplit",
                 attrs={"delimiter": delim, "skip_empty": bool(skip_empty)},
                 shapes=[[None, 2], [None], [2]])
    return SparseTensor(*op.outputs)


def split(input: Any = None, sep: str | None = None, maxsplit: int = -1,  # noqa: A002
          result_type: str = "SparseTensor", source: Any = None, name: str | None = None
          ) -> SparseTensor:
    """``tf.compat.v1.strings.split``: Python's ``bytes.split(sep, maxsplit)`` on each
    string of 1-D ``input`` (``sep=None``: runs of whitespace), as a ``SparseTensor``.

    Raises:
        ValueError: a ``result_type`` other than ``'SparseTensor'``.
    """
    if result_type != "SparseTensor":
        raise ValueError("strings.split: trainkit returns SparseTensor results only.")
    x = _strings(source if input is None else input, "input")
    op = make_op("StringSplitV2", [x], [_dt.int64, _dt.string, _dt.int64],
                 name=name or "StringSplit",
                 attrs={"sep": None if sep is None else _b(sep), "maxsplit": int(maxsplit)},
                 shapes=[[None, 2], [None], [2]])
    return SparseTensor(*op.outputs)


def substr(input: Any, pos: int, len: int, name: str | None = None,  # noqa: A002
           unit: str = "BYTE") -> Tensor:
    """``len`` bytes from byte ``pos`` (negative: from the end) of each string.

    Raises:
        InvalidArgumentError: at run time, for ``pos`` outside a string.
    """
    if unit != "BYTE":
        raise NotImplementedError("substr: only unit='BYTE' is supported.")
    return _map("Substr", _strings(input), {"pos": int(pos), "len": int(len)}, name)


def string_to_number(string_tensor: Any = None, out_type: Any = _dt.float32,
                     name: str | None = None, input: Any = None  # noqa: A002
                     ) -> Tensor:
    """Parses each string as a number of ``out_type``.

    Raises:
        InvalidArgumentError: at run time, for text that is not a number.
    """
    x = _strings(input if string_tensor is None else string_tensor)
    dt = _dt.as_dtype(out_type)
    return _map("StringToNumber", x, {}, name, dtype=dt)


def regex_replace(input: Any, pattern: str, rewrite: str,  # noqa: A002
                  replace_global: bool = True, name: str | None = None) -> Tensor:
    """Replaces matches of ``pattern`` by ``rewrite`` (``\\1`` groups), all or the first."""
    return _map("RegexReplace", _strings(input),
                {"pattern": _b(pattern), "rewrite": _b(rewrite),
                 "global": bool(replace_global)}, name)


def regex_full_match(input: Any, pattern: str, name: str | None = None  # noqa: A002
                     ) -> Tensor:
    """Whether each whole string matches ``pattern``."""
    return _map("RegexFullMatch", _strings(input), {"pattern": _b(pattern)}, name,
                dtype=_dt.bool_)


def length(input: Any, name: str | None = None, unit: str = "BYTE"  # noqa: A002
           ) -> Tensor:
    """Each string's length in bytes (``unit='UTF8_CHAR'``: in characters), int32."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"unit must be 'BYTE' or 'UTF8_CHAR', got {unit!r}.")
    return _map("StringLength", _strings(input), {"unit": unit}, name, dtype=_dt.int32)


def lower(input: Any, encoding: str = "", name: str | None = None  # noqa: A002
          ) -> Tensor:
    """ASCII letters lower-cased."""
    return _map("StringLower", _strings(input), {}, name)


def upper(input: Any, encoding: str = "", name: str | None = None  # noqa: A002
          ) -> Tensor:
    """ASCII letters upper-cased."""
    return _map("StringUpper", _strings(input), {}, name)


def strip(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Leading and trailing whitespace removed."""
    return _map("StringStrip", _strings(input), {}, name)


# -- kernels -----------------------------------------------------------------------------
def _elementwise(fn: Any, dtype: Any = object) -> Any:
    def kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
        arr = np.asarray(x, dtype=object)
        out = np.empty(arr.shape, dtype=dtype)
        for idx, v in np.ndenumerate(arr):
            out[idx] = fn(ctx.attrs, _b(v))
        return out
    return kernel


def _as_string(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    arr = np.asarray(x)
    fmt, is_bool = ctx.attrs["format"], ctx.attrs["bool"]
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = (b"true" if v else b"false") if is_bool else (fmt % v).encode()
    return out


def _join(ctx: registry.KernelContext, *xs: Any) -> np.ndarray:
    arrs = np.broadcast_arrays(*[np.asarray(x, dtype=object) for x in xs])
    out = np.empty(arrs[0].shape, dtype=object)
    for idx in np.ndindex(out.shape):
        out[idx] = ctx.attrs["separator"].join(_b(a[idx]) for a in arrs)
    return out


def _reduce_join(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    a = ctx.attrs
    arr = np.asarray(x, dtype=object)
    axes = a["axes"]
    moved = np.moveaxis(arr, axes, range(arr.ndim - len(axes), arr.ndim))
    lead = moved.shape[:arr.ndim - len(axes)]
    flat = moved.reshape(*lead, -1)
    out = np.empty(lead, dtype=object)
    for idx in np.ndindex(lead):
        out[idx] = a["separator"].join(_b(v) for v in flat[idx])
    if a["keep"]:
        out = out.reshape([1 if i in axes else arr.shape[i] for i in range(arr.ndim)])
    return out


def _split(ctx: registry.KernelContext, x: Any) -> tuple:
    delim, skip = ctx.attrs["delimiter"], ctx.attrs["skip_empty"]
    rows = []
    for v in np.asarray(x, dtype=object).reshape(-1):
        s = _b(v)
        if not delim:
            toks = [s[i:i + 1] for i in range(len(s))]
        else:
            toks = re.split(b"[" + re.escape(delim) + b"]", s) if s else []
        rows.append([t for t in toks if t] if skip else toks)
    return _sparse_rows(rows)


def _split_v2(ctx: registry.KernelContext, x: Any) -> tuple:
    sep, maxsplit = ctx.attrs["sep"], ctx.attrs["maxsplit"]
    rows = [_b(v).split(sep, maxsplit) for v in np.asarray(x, dtype=object).reshape(-1)]
    return _sparse_rows(rows)


def _sparse_rows(rows: list) -> tuple:
    idx = [[i, j] for i, r in enumerate(rows) for j in range(len(r))]
    vals = np.empty(len(idx), dtype=object)
    vals[:] = [t for r in rows for t in r]
    width = max((len(r) for r in rows), default=0)
    return (np.array(idx, np.int64).reshape(-1, 2), vals,
            np.array([len(rows), width], np.int64))


def _substr(attrs: dict, s: bytes) -> bytes:
    pos, n = attrs["pos"], attrs["len"]
    start = pos if pos >= 0 else len(s) + pos
    if not 0 <= start <= len(s):
        raise errors.InvalidArgumentError(None, None, f"pos {pos} out of range for string "
                                          f"b'{s!r}' at index 0")
    return s[start:start + n]


def _to_number(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    np_type = ctx.op.outputs[0].dtype.np_dtype
    arr = np.asarray(x, dtype=object)
    out = np.empty(arr.shape, dtype=np_type)
    for idx, v in np.ndenumerate(arr):
        text = _b(v).decode().strip()
        try:
            out[idx] = int(text) if np.issubdtype(np_type, np.integer) else float(text)
        except ValueError:
            raise errors.InvalidArgumentError(
                None, ctx.op, f"StringToNumberOp could not correctly convert string: "
                f"{text}") from None
    return out


def _regex_replace(attrs: dict, s: bytes) -> bytes:
    rewrite = re.sub(rb"\\(\d)", rb"\\g<\1>", attrs["rewrite"])
    return re.sub(attrs["pattern"], rewrite, s, count=0 if attrs["global"] else 1)


registry.register_kernel("AsString")(_as_string)
registry.register_kernel("StringJoin")(_join)
registry.register_kernel("ReduceJoin")(_reduce_join)
registry.register_kernel("StringSplit")(_split)
registry.register_kernel("StringSplitV2")(_split_v2)
registry.register_kernel("Substr")(_elementwise(_substr))
registry.register_kernel("StringToNumber")(_to_number)
registry.register_kernel("RegexReplace")(_elementwise(_regex_replace))
registry.register_kernel("RegexFullMatch")(_elementwise(
    lambda a, s: re.fullmatch(a["pattern"], s) is not None, bool))
registry.register_kernel("StringLength")(_elementwise(
    lambda a, s: len(s.decode("utf-8", "replace")) if a["unit"] == "UTF8_CHAR" else len(s),
    np.int32))
registry.register_kernel("StringLower")(_elementwise(lambda a, s: s.lower()))
registry.register_kernel("StringUpper")(_elementwise(lambda a, s: s.upper()))
registry.register_kernel("StringStrip")(_elementwise(lambda a, s: s.strip()))
registry.not_differentiable("AsString", "StringJoin", "ReduceJoin", "StringSplit",
                            "StringSplitV2", "Substr",
                            "StringToNumber", "RegexReplace", "RegexFullMatch",
                            "StringLength", "StringLower", "StringUpper", "StringStrip")

__all__ = ["as_string", "string_join", "reduce_join", "string_split", "split", "substr",
           "string_to_number", "regex_replace", "regex_full_match", "length", "lower",
           "upper", "strip"]
