"""Parsing ``tf.train.SequenceExample`` records: ``parse_single_sequence_example`` and
``parse_sequence_example`` (batched, with the lengths of the dense sequences).

Context features are ``FixedLenFeature`` (a dense tensor; required unless it has a
``default_value``) or ``VarLenFeature`` (a ``SparseTensor``). Sequence features are
``FixedLenSequenceFeature`` (``[steps, *shape]``; required unless ``allow_missing``;
batches are padded with 0 / ``b""`` to the longest) or ``VarLenFeature`` (a
``SparseTensor`` ``[steps, max values]``, batched ``[batch, max steps, max values]``).

As in TF, a missing required feature, values of the wrong kind or the wrong number of
values are ``InvalidArgumentError`` when the op runs; bad specs are ``ValueError`` when
the graph is built.

Example:
    >>> context, lists = parse_single_sequence_example(record,
    ...     context_features={"length": FixedLenFeature([], tf.int64)},
    ...     sequence_features={"tokens": FixedLenSequenceFeature([], tf.int64)})
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.data.example_proto import DecodeError
from trainkit.data.parsing_ops import (
    _KIND_OF,
    _TYPE_NAME,
    FixedLenFeature,
    FixedLenSequenceFeature,
    _spec,
)
from trainkit.data.sequence_example_proto import parse_sequence_example_bytes
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.conversion import convert_to_tensor
from trainkit.framework.graph import get_default_graph, name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor


def _context_spec(key: str, f: Any) -> tuple:
    if isinstance(f, FixedLenSequenceFeature):
        raise ValueError(f"Unsupported FixedLenSequenceFeature {f} for key '{key}'")
    return _spec(key, f)


def _sequence_spec(key: str, f: Any) -> tuple:
    if isinstance(f, FixedLenFeature):
        raise ValueError(f"Unsupported FixedLenFeature {f} for key '{key}'")
    if isinstance(f, FixedLenSequenceFeature):
        if f.default_value is not None:
            raise ValueError(f"Value feature_list.dense_defaults[{key}] must be None")
        # _spec insists on allow_missing (an Example rule); here it says "optional".
        key, kind, dt, dims, _ = _spec(key, FixedLenSequenceFeature(f.shape, f.dtype, True))
        return (key, kind, dt, dims, bool(f.allow_missing))
    return _spec(key, f)


def _bad(msg: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, msg)


def _check_kind(got: str | None, dt: _dt.DType, where: str) -> None:
    want = _KIND_OF[dt]
    if got is not None and got != want:
        raise _bad(f"{where}.  Data types don't match. Expected type: {_TYPE_NAME[want]}")


def _sparse(rows: list[list[list]], np_dt: Any, depth: int) -> list[np.ndarray]:
    """Indices, values and dense shape of per-example value lists: ``depth`` 1 means
    ``rows[b]`` is a list of values, 2 a list of steps of values."""
    idx, vals = [], []
    longest = steps = 0
    for b, row in enumerate(rows):
        if depth == 1:
            row = [row]
        steps = max(steps, len(row))
        for t, v in enumerate(row):
            longest = max(longest, len(v))
            idx.extend(([b, t, j] if depth == 2 else [b, j]) for j in range(len(v)))
            vals.extend(v)
    shape = [len(rows), steps, longest] if depth == 2 else [len(rows), longest]
    return [np.array(idx, dtype=np.int64).reshape(-1, depth + 1), np.array(vals, dtype=np_dt),
            np.array(shape, dtype=np.int64)]


def _context_outputs(spec: tuple, parsed: list, names: list) -> list[np.ndarray]:
    key, kind, dt, dims, default = spec
    np_dt = dt.as_numpy_dtype
    cols = []
    for name, (ctx, _) in zip(names, parsed):
        got = ctx.get(key)
        if got is not None:
            _check_kind(got[0], dt, f"Name: {name}, Context feature: {key}")
        cols.append(None if got is None else got[1])
    if kind == "var":
        return _sparse([c or [] for c in cols], np_dt, 1)
    size = int(np.prod(dims))
    rows = []
    for name, v in zip(names, cols):
        if v is None:
            if default is None:
                raise _bad(f"Name: {name}, Feature: {key} (data type: "
                           f"{_TYPE_NAME[_KIND_OF[dt]]}) is required but could not be found.")
            rows.append(default)
            continue
        if len(v) != size:
            raise _bad(f"Name: {name}, Key: {key}, Index: 0.  Number of "
                       f"{_TYPE_NAME[_KIND_OF[dt]]} values != expected.  Values size: "
                       f"{len(v)} but output shape: {list(dims)}")
        rows.append(np.array(v, dtype=np_dt).reshape(dims))
    return [np.stack(rows) if rows else np.zeros((0, *dims), np_dt)]


def _sequence_outputs(spec: tuple, parsed: list, names: list) -> tuple[list, np.ndarray]:
    """The outputs of one sequence feature and (dense ones) the step counts."""
    key, kind, dt, dims, optional = spec
    np_dt = dt.as_numpy_dtype
    per_example = []
    for name, (_, lists) in zip(names, parsed):
        steps = lists.get(key)
        if steps is None:
            if kind == "seq" and not optional:
                raise _bad(f"Name: {name}, Feature list '{key}' is required but could not be "
                           "found.  Did you mean to include it in "
                           "feature_list_dense_missing_assumed_empty or "
                           "feature_list_dense_defaults?")
            steps = []
        for t, (got_kind, _) in enumerate(steps):
            _check_kind(got_kind, dt, f"Name: {name}, Feature list: {key}, Index: {t}")
        per_example.append([v for _, v in steps])
    if kind == "var":
        return _sparse(per_example, np_dt, 2), np.zeros(0, np.int64)
    size = int(np.prod(dims))
    for name, steps in zip(names, per_example):
        for t, v in enumerate(steps):
            if len(v) != size:
                raise _bad(f"Name: {name}, Key: {key}, Index: {t}.  Number of values != "
                           f"expected.  values size: {len(v)} but output shape: {list(dims)}")
    lengths = np.array([len(s) for s in per_example], dtype=np.int64)
    longest = int(lengths.max()) if len(lengths) else 0
    pad = b"" if dt == _dt.string else 0
    arr = np.full((len(per_example), longest, *dims), pad, dtype=np_dt)
    for b, steps in enumerate(per_example):
        if steps:
            arr[b, :len(steps)] = np.array(steps, dtype=np_dt).reshape(len(steps), *dims)
    return [arr], lengths


@registry.register_kernel("TkParseSequenceExample")
def _parse_kernel(ctx: registry.KernelContext, serialized: Any) -> Any:
    single = ctx.attrs["single"]
    recs = np.asarray(serialized, dtype=object).reshape(-1)
    names = list(ctx.attrs["names"] or ["<unknown>"] * len(recs))
    parsed = []
    for name, rec in zip(names, recs):
        try:
            parsed.append(parse_sequence_example_bytes(rec))
        except DecodeError:
            raise _bad(f"Invalid protocol message input, example id: {name}") from None
    out: list = []
    for spec in ctx.attrs["context"]:
        g = _context_outputs(spec, parsed, names)
        if single:
            g = [g[0][:, 1:], g[1], g[2][1:]] if spec[1] == "var" else [g[0][0]]
        out.extend(g)
    lengths = []
    for spec in ctx.attrs["sequence"]:
        g, n = _sequence_outputs(spec, parsed, names)
        if spec[1] == "seq":
            lengths.append(n)
        if single:
            g = [g[0][:, 1:], g[1], g[2][1:]] if spec[1] == "var" else [g[0][0]]
        out.extend(g)
    if not single:
        out.extend(lengths)
    return tuple(out) if len(out) != 1 else out[0]


registry.not_differentiable("TkParseSequenceExample")


def _out_signature(spec: tuple, batch: list, sequence: bool) -> tuple[list, list]:
    _, kind, dt, dims, _ = spec
    if kind == "var":
        rank = len(batch) + 1 + int(sequence)
        return ([_dt.int64, dt, _dt.int64],
                [TensorShape([None, rank]), TensorShape([None]), TensorShape([rank])])
    steps = [None] if sequence else []
    return [dt], [TensorShape(batch + steps + list(dims))]


def _parse(serialized: Any, context_features: dict | None, sequence_features: dict | None,
           single: bool, names: list | None, name: str | None) -> tuple[dict, dict, dict]:
    if not context_features and not sequence_features:
        raise ValueError("Both context_features and sequence_features are None, but at "
                         "least one should have values.")
    cf, sf = context_features or {}, sequence_features or {}
    cspecs = tuple(_context_spec(k, cf[k]) for k in sorted(cf))
    sspecs = tuple(_sequence_spec(k, sf[k]) for k in sorted(sf))
    default = "ParseSingleSequenceExample" if single else "ParseSequenceExample"
    with name_scope(name, default) as scope:
        s = convert_to_tensor(serialized, dtype=_dt.string, name="serialized")
        if single and s.shape.ndims not in (None, 0):
            raise ValueError("Input serialized must be a scalar")
        if not single and s.shape.ndims not in (None, 1):
            raise ValueError(f"Input serialized must be a vector, got shape {s.shape}")
        batch = [] if single else [s.shape[0] if s.shape.ndims == 1 else None]
        dtypes, shapes = [], []
        for specs, seq in ((cspecs, False), (sspecs, True)):
            for spec in specs:
                d, sh = _out_signature(spec, batch, seq)
                dtypes += d
                shapes += sh
        dense_seq = [spec[0] for spec in sspecs if spec[1] == "seq"]
        if not single:
            dtypes += [_dt.int64] * len(dense_seq)
            shapes += [TensorShape(batch)] * len(dense_seq)
        op = get_default_graph().create_op(
            "TkParseSequenceExample", [s], dtypes, name=scope,
            attrs={"context": cspecs, "sequence": sspecs, "single": single, "names": names},
            shapes=shapes)
    outs = list(op.outputs)
    results: list[dict] = [{}, {}]
    for i, specs in enumerate((cspecs, sspecs)):
        for key, kind, *_ in specs:
            if kind == "var":
                results[i][key] = SparseTensor(outs[0], outs[1], outs[2])
                outs = outs[3:]
            else:
                results[i][key] = outs.pop(0)
    lengths = dict(zip(dense_seq, outs)) if not single else {}
    return results[0], results[1], lengths


def parse_single_sequence_example(serialized: Any, context_features: dict | None = None,
                                  sequence_features: dict | None = None,
                                  example_name: Any = None, name: str | None = None
                                  ) -> tuple[dict, dict]:
    """Parses one serialized ``SequenceExample`` (a scalar string).

    Returns:
        ``(context, feature_lists)``: dicts of tensors / ``SparseTensor``s.

    Raises:
        ValueError: no features, a feature type not allowed where it is given, a
            ``FixedLenSequenceFeature`` with a ``default_value``, non-scalar input.
    """
    names = None if example_name is None else [_name(example_name)]
    context, lists, _ = _parse(serialized, context_features, sequence_features, True, names,
                               name)
    return context, lists


def parse_sequence_example(serialized: Any, context_features: dict | None = None,
                           sequence_features: dict | None = None, example_names: Any = None,
                           name: str | None = None) -> tuple[dict, dict, dict]:
    """Parses a vector of serialized ``SequenceExample`` protos.

    Returns:
        ``(context, feature_lists, lengths)``: context ``[batch, *shape]``; dense
        sequences ``[batch, max steps, *shape]`` padded with 0 / ``b""``; ``lengths``
        the int64 ``[batch]`` step counts of each dense sequence feature.
    """
    names = None if example_names is None else [_name(n) for n in example_names]
    return _parse(serialized, context_features, sequence_features, False, names, name)


def _name(n: Any) -> str:
    return n.decode("utf-8", "replace") if isinstance(n, bytes) else str(n)


__all__ = ["parse_single_sequence_example", "parse_sequence_example"]
