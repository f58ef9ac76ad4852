"""Build-time evaluation of small constant subgraphs, as TF's C++ shape inference does.

TF's Python ``tensor_util.constant_value`` knows only a few op types, but the C++ shape
functions of ops such as ``ResizeBilinear`` ask the shape refiner for their size input,
and it runs the kernels of any small stateless subgraph whose leaves are constants or
shapes known when the graph is built (``tf.shape(x)[1:3] * 2`` of a fully known ``x``
gives a fully known resize). :func:`folded_value` does the same with trainkit's kernels;
:func:`folded_dims` gives the partly known value of a 1-D shape-like tensor (a slice of
the shape of a partly known tensor keeps its known entries), for static shapes only:
build-time errors keep following :mod:`static_value`, like TF's Python side.

Example:
    >>> x = tk.zeros([2, 4, 6, 3])
    >>> folded_value(tk.shape(x)[1:3] * 2).tolist()
    [8, 12]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.framework.tensor import Tensor
from trainkit.ops import static_value

#: the most ops one fold may run, and the most elements any value in it may hold (TF's
#: refiner likewise gives up on large subgraphs and tensors)
_MAX_OPS = 64
_MAX_ELEMENTS = 1024

#: ops never run at build time: control flow (their kernels expect the executor's frames)
_NEVER = frozenset({"Switch", "RefSwitch", "Merge", "RefMerge", "Enter", "RefEnter", "Exit",
                    "RefExit", "NextIteration", "LoopCond", "Placeholder",
                    "PlaceholderWithDefault", "PyFunc", "PyFuncStateless", "EagerPyFunc"})

#: ops whose partly known result :func:`folded_dims` tracks entry by entry
_INDEXING = frozenset({"StridedSlice", "Pack", "ConcatV2", "Identity", "Slice"})


def folded_value(t: Any) -> np.ndarray | None:
    """The value of ``t`` if a small constant subgraph computes it, else None."""
    if not isinstance(t, Tensor):
        return None
    return _fold(t, {}, [_MAX_OPS])


def _fold(t: Tensor, memo: dict, budget: list[int]) -> np.ndarray | None:
    if t in memo:
        return memo[t]
    memo[t] = value = _fold_op(t, memo, budget)
    return value


def _fold_op(t: Tensor, memo: dict, budget: list[int]) -> np.ndarray | None:
    known = static_value.constant_value(t)
    if known is not None:
        return np.asarray(known)
    op = t.op
    if op.type in _NEVER or op.control_inputs or budget[0] <= 0:
        return None
    try:
        opdef = registry.get_op_def(op.type)
    except LookupError:
        return None
    if opdef.kernel is None or opdef.stateful or opdef.must_feed or opdef.merges_dead:
        return None
    budget[0] -= 1
    args = []
    for i in op.inputs:
        v = _fold(i, memo, budget)
        if v is None or np.size(v) > _MAX_ELEMENTS:
            return None
        args.append(v)
    try:
        out = opdef.kernel(registry.KernelContext(op, None), *args)
    except Exception:  # noqa: BLE001 - a kernel that fails here fails when run; TF's
        return None    # refiner leaves the value unknown then, and so do we
    if len(op.outputs) > 1 or opdef.returns_list:
        out = out[t.value_index]
    out = np.asarray(out)
    return out if out.size <= _MAX_ELEMENTS else None


def folded_dims(t: Any) -> list[int | None] | None:
    """The entries of the 1-D int tensor ``t`` known at build time (None where unknown;
    negative entries count as unknown), or None when even its length is unknown."""
    if not isinstance(t, Tensor):
        return None
    v = _partial(t, [_MAX_OPS])
    if v is None:
        n = t.shape.as_list()[0] if t.shape.ndims == 1 else None
        return None if n is None else [None] * n
    if v.ndim != 1:
        return None
    return [None if d is None or int(d) < 0 else int(d) for d in v.tolist()]


def _partial(t: Tensor, budget: list[int]) -> np.ndarray | None:
    """``t``'s value as an object array with None for entries not known at build time."""
    full = _fold(t, {}, budget)
    if full is not None:
        return np.asarray(full).astype(object)
    op = t.op
    if op.type in ("Shape", "ShapeN"):
        dims = op.inputs[t.value_index if op.type == "ShapeN" else 0].shape
        return None if dims.ndims is None else np.array(dims.as_list(), object)
    if op.type not in _INDEXING or budget[0] <= 0:
        return None
    budget[0] -= 1
    opdef = registry.get_op_def(op.type)
    args: list[Any] = []
    for i in op.inputs:
        v = _partial(i, budget)
        if v is None and i.shape.is_fully_defined():  # known shape, unknown entries
            v = np.full(i.shape.as_list(), None, object)
        if v is None:
            return None
        args.append(v)
    if op.type in ("StridedSlice", "Slice") and any(
            a is None for a in np.reshape(np.stack(args[1:]), [-1]).tolist()):
        return None  # the slice bounds themselves must be known
    if op.type in ("StridedSlice", "Slice"):
        args[1:] = [a.astype(np.int64) for a in args[1:]]
    if op.type == "ConcatV2":
        args[-1] = args[-1].astype(np.int64)
    try:
        out = opdef.kernel(registry.KernelContext(op, None), *args)
    except Exception:  # noqa: BLE001 - unknown, as for _fold_op
        return None
    return np.asarray(out, object)


__all__ = ["folded_value", "folded_dims"]
