"""Parsing ``tf.train.Example`` records: ``parse_example``, ``parse_single_example`` with
``FixedLenFeature``, ``VarLenFeature`` and ``FixedLenSequenceFeature``.

Errors follow TF1: a required feature that is missing, a value of the wrong kind or the
wrong number of values is ``InvalidArgumentError`` when the op runs; a bad feature spec
is ``ValueError`` when the graph is built.

Example:
    >>> parsed = parse_single_example(record, {
    ...     "label": FixedLenFeature([], tf.int64),
    ...     "tags": VarLenFeature(tf.int64)})
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from trainkit import errors
from trainkit.data.example_proto import DecodeError, parse_example_bytes
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.conversion import convert_to_tensor
from trainkit.framework.graph import get_default_graph, name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor


class FixedLenFeature(NamedTuple):
    """A feature with a fixed number of values, parsed to a dense tensor of ``shape``.
    Without ``default_value`` the feature is required."""

    shape: Any
    dtype: Any
    default_value: Any = None


class VarLenFeature(NamedTuple):
    """A feature with any number of values, parsed to a ``SparseTensor``."""

    dtype: Any


class FixedLenSequenceFeature(NamedTuple):
    """Values grouped in items of ``shape``, any number of items, padded across the batch
    with ``default_value`` (0 / b"" when None). ``allow_missing`` must be True for
    ``Example`` input."""

    shape: Any
    dtype: Any
    allow_missing: bool = False
    default_value: Any = None


_KIND_OF = {_dt.float32: "float_list", _dt.int64: "int64_list", _dt.string: "bytes_list"}
_TYPE_NAME = {"float_list": "float", "int64_list": "int64", "bytes_list": "string"}


def _as_bytes(v: Any) -> bytes:
    return v.encode("utf-8") if isinstance(v, str) else bytes(v)


def _spec(key: str, f: Any) -> tuple:
    if not isinstance(key, str):
        raise ValueError(f"Feature keys must be strings, got {key!r}")
    if not isinstance(f, (FixedLenFeature, VarLenFeature, FixedLenSequenceFeature)):
        raise ValueError(f"Unsupported feature type for '{key}': {type(f).__name__}")
    dt = _dt.as_dtype(f.dtype)
    if dt not in _KIND_OF:
        raise ValueError(f"Unsupported dtype {dt.name} for feature '{key}': use "
                         "tf.float32, tf.int64 or tf.string")
    if isinstance(f, VarLenFeature):
        return (key, "var", dt, None, None)
    shape = TensorShape(f.shape)
    if not shape.is_fully_defined():
        raise ValueError(f"Shape of feature '{key}' must be fully defined, got {shape}")
    dims = shape.as_list()
    if isinstance(f, FixedLenSequenceFeature):
        if not f.allow_missing:
            raise ValueError("Unsupported: FixedLenSequenceFeature requires allow_missing "
                             f"to be True (feature '{key}').")
        pad = f.default_value if f.default_value is not None else (b"" if dt == _dt.string
                                                                   else 0)
        if dt == _dt.string:
            pad = _as_bytes(pad)
        return (key, "seq", dt, tuple(dims), pad)
    default = None
    if f.default_value is not None:
        arr = np.array(f.default_value, dtype=dt.as_numpy_dtype)
        if dt == _dt.string:
            arr = np.vectorize(_as_bytes, otypes=[object])(arr) if arr.size else arr
        if arr.size != int(np.prod(dims)):
            raise ValueError(f"Cannot reshape the default value of '{key}' ({arr.size} "
                             f"elements) to the feature shape {dims}")
        default = arr.reshape(dims)
    return (key, "dense", dt, tuple(dims), default)


def _spec_attr(spec: tuple) -> list:
    """A spec as JSON-able data for the op's attrs, so a graph holding the op exports as a
    ``GraphDef`` that rebuilds it (a SavedModel's serving graph parses tf.Examples)."""
    key, kind, dt, dims, extra = spec
    if extra is not None:
        flat = np.asarray(extra, dtype=object if dt == _dt.string else None).reshape(-1)
        # latin-1 maps every byte to one code point: string defaults survive JSON as text.
        extra = [v.decode("latin-1") if isinstance(v, bytes) else v.item() for v in flat]
    return [key, kind, dt.name, None if dims is None else list(dims), extra]


def _spec_from_attr(attr: list | tuple) -> tuple:
    """The spec tuple ``_parse_all`` reads, from :func:`_spec_attr`'s data."""
    key, kind, dt_name, dims, extra = attr
    dt = _dt.as_dtype(dt_name)
    dims = None if dims is None else tuple(dims)
    if extra is not None:
        if dt == _dt.string:
            vals = np.array([v.encode("latin-1") for v in extra], dtype=object)
        else:
            vals = np.array(extra, dtype=dt.as_numpy_dtype)
        extra = vals.reshape(dims) if kind == "dense" else vals.reshape(())
    return (key, kind, dt, dims, extra)


def _values(name: str, key: str, spec: tuple, feats: dict, index: int) -> list | None:
    _, kind, dt, _, _ = spec
    if key not in feats:
        return None
    got_kind, vals = feats[key]
    want = _KIND_OF[dt]
    if got_kind is not None and got_kind != want:
        raise errors.InvalidArgumentError(
            None, None, f"Name: {name}, Feature: {key}.  Data types don't match. Data type: "
                        f"{_TYPE_NAME[got_kind]} but expected type: {_TYPE_NAME[want]}")
    return vals


def _parse_all(records: np.ndarray, specs: tuple, names: list) -> list:
    """One output list (dense: one array; var: indices, values, shape) per spec."""
    flat = [np.asarray(records).reshape(-1)[i] for i in range(np.size(records))]
    parsed = []
    for i, rec in enumerate(flat):
        try:
            parsed.append(parse_example_bytes(rec))
        except DecodeError as e:
            raise errors.InvalidArgumentError(None, None, f"Name: {names[i]}, {e}") from None
    out = []
    for spec in specs:
        key, kind, dt, dims, extra = spec
        np_dt = dt.as_numpy_dtype
        cols = [_values(names[i], key, spec, f, i) for i, f in enumerate(parsed)]
        if kind == "dense":
            size = int(np.prod(dims))
            rows = []
            for i, v in enumerate(cols):
                if v is None:
                    if extra is None:
                        raise errors.InvalidArgumentError(
                            None, None, f"Name: {names[i]}, Feature: {key} (data type: "
                                        f"{_TYPE_NAME[_KIND_OF[dt]]}) is required but could "
                                        "not be found.")
                    rows.append(extra)
                    continue
                if len(v) != size:
                    raise errors.InvalidArgumentError(
                        None, None, f"Name: {names[i]}, Key: {key}, Index: {i}.  Number of "
                                    f"{_TYPE_NAME[_KIND_OF[dt]]} values != expected.  Values "
                                    f"size: {len(v)} but output shape: {list(dims)}")
                rows.append(np.array(v, dtype=np_dt).reshape(dims))
            out.append([np.stack(rows) if rows else np.zeros((0, *dims), np_dt)])
        elif kind == "var":
            idx, vals = [], []
            longest = 0
            for i, v in enumerate(cols):
                v = v or []
                longest = max(longest, len(v))
                idx.extend([i, j] for j in range(len(v)))
                vals.extend(v)
            out.append([np.array(idx, dtype=np.int64).reshape(-1, 2),
                        np.array(vals, dtype=np_dt),
                        np.array([len(cols), longest], dtype=np.int64)])
        else:  # seq
            item = int(np.prod(dims)) or 1
            items = []
            for i, v in enumerate(cols):
                v = v or []
                if len(v) % item:
                    raise errors.InvalidArgumentError(
                        None, None, f"Name: {names[i]}, Key: {key}, Index: {i}.  Number of "
                                    f"values {len(v)} is not a multiple of the item size "
                                    f"{item} of shape {list(dims)}")
                items.append(np.array(v, dtype=np_dt).reshape(-1, *dims))
            n = max((len(a) for a in items), default=0)
            arr = np.full((len(items), n, *dims), extra, dtype=np_dt)
            for i, a in enumerate(items):
                arr[i, :len(a)] = a
            out.append([arr])
    return out


@registry.register_kernel("TkParseExample")
def _parse_kernel(ctx: registry.KernelContext, serialized: Any) -> Any:
    single = ctx.attrs["single"]
    recs = np.asarray(serialized, dtype=object)
    n = 1 if single else (recs.shape[0] if recs.ndim else 1)
    names = list(ctx.attrs["names"] or ["<unknown>"] * n)
    specs = [_spec_from_attr(a) for a in ctx.attrs["specs"]]
    groups = _parse_all(recs.reshape(-1) if not single else recs.reshape(1), specs, names)
    out: list = []
    for spec, g in zip(specs, groups):
        if single:
            if spec[1] == "var":
                g = [g[0][:, 1:], g[1], g[2][1:]]
            else:
                g = [g[0][0]]
        out.extend(g)
    return tuple(out) if len(out) != 1 else out[0]


registry.not_differentiable("TkParseExample")


def _parse(serialized: Any, features: dict, single: bool, name: str | None,
           example_names: Any) -> dict:
    if not features:
        raise ValueError("Missing: features was {}.")
    specs = tuple(_spec(k, features[k]) for k in sorted(features))
    with name_scope(name, "ParseSingleExample" if single else "ParseExample") as scope:
        s = convert_to_tensor(serialized, dtype=_dt.string, name="serialized")
        if single and s.shape.ndims not in (None, 0):
            raise ValueError(f"serialized must be a scalar for parse_single_example, got "
                             f"shape {s.shape}")
        if not single and s.shape.ndims not in (None, 1):
            raise ValueError(f"serialized must be a vector for parse_example, got shape "
                             f"{s.shape}")
        batch = [] if single else [s.shape[0] if s.shape.ndims == 1 else None]
        dtypes, shapes = [], []
        for _, kind, dt, dims, _ in specs:
            if kind == "var":
                rank = len(batch) + 1
                dtypes += [_dt.int64, dt, _dt.int64]
                shapes += [TensorShape([None, rank]), TensorShape([None]), TensorShape([rank])]
            elif kind == "seq":
                dtypes.append(dt)
                shapes.append(TensorShape(batch + [None, *dims]))
            else:
                dtypes.append(dt)
                shapes.append(TensorShape(batch + list(dims)))
        names = None if example_names is None else [str(n) for n in example_names]
        op = get_default_graph().create_op(
            "TkParseExample", [s], dtypes, name=scope,
            attrs={"specs": [_spec_attr(sp) for sp in specs], "single": single,
                   "names": names}, shapes=shapes)
    result: dict = {}
    outs = list(op.outputs)
    for key, kind, *_ in specs:
        if kind == "var":
            result[key] = SparseTensor(outs[0], outs[1], outs[2])
            outs = outs[3:]
        else:
            result[key] = outs.pop(0)
    return result


def parse_example(serialized: Any, features: dict, name: str | None = None,
                  example_names: Any = None) -> dict:
    """Parses a vector of serialized ``Example`` protos into ``{key: tensor}``
    (dense ``[batch, *shape]``; ``SparseTensor`` ``[batch, max_len]`` for VarLen).

    Raises:
        ValueError: an empty or malformed ``features`` dict.
    """
    return _parse(serialized, features, False, name, example_names)


def parse_single_example(serialized: Any, features: dict, name: str | None = None,
                         example_names: Any = None) -> dict:
    """Parses one serialized ``Example`` (a scalar string) into ``{key: tensor}``."""
    return _parse(serialized, features, True, name,
                  None if example_names is None else [example_names])


__all__ = ["FixedLenFeature", "VarLenFeature", "FixedLenSequenceFeature", "parse_example",
           "parse_single_example"]
