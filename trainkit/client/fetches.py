"""Turning a user's ``fetches`` into flat tensors/targets, and results back into the
user's structure (lists, tuples, namedtuples, dicts, OrderedDicts, any nesting)."""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import nest
from trainkit.framework.dtypes import string
from trainkit.framework.indexed_slices import IndexedSlices, IndexedSlicesValue
from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue
from trainkit.framework.tensor import Operation, Tensor

# Leaf kinds: how one user-level fetch maps onto fetched tensors.
TENSOR, TARGET, SPARSE, HANDLE, INDEXED = 0, 1, 2, 3, 4


class FetchSpec:
    """The flat form of a fetch structure.

    Attributes:
        leaves: per user leaf, ``(kind, index into tensors or None)``.
        tensors: the distinct tensors to compute.
        targets: the distinct ops to run for effect.
        is_leaf: whether the user's fetch was a single leaf (no structure).
    """

    __slots__ = ("leaves", "tensors", "targets", "is_leaf", "string_idx")

    def __init__(self) -> None:
        self.leaves: list[tuple[int, Any]] = []
        self.tensors: list[Tensor] = []
        self.targets: list[Operation] = []
        self.is_leaf = False
        self.string_idx: set[int] = set()


def _resolve_leaf(graph: Any, leaf: Any, path: tuple
                  ) -> Tensor | Operation | SparseTensor | IndexedSlices:
    where = nest.path_to_str(path, "fetches") if path else "fetches"
    if leaf is None:
        raise TypeError(f"Fetch argument None at {where} has invalid type "
                        "<class 'NoneType'>")
    if isinstance(leaf, SparseTensor | IndexedSlices):
        if leaf.graph is not graph:
            raise ValueError(f"Fetch argument {leaf!r} at {where} cannot be interpreted as a "
                             "Tensor. (It is not an element of this graph.)")
        return leaf
    try:
        return graph.as_graph_element(leaf, allow_tensor=True, allow_operation=True)
    except TypeError as e:
        raise TypeError(f"Fetch argument {leaf!r} at {where} has invalid type "
                        f"{type(leaf)!r}, must be a string or Tensor. ({e})") from None
    except (ValueError, KeyError) as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        raise ValueError(f"Fetch argument {leaf!r} at {where} cannot be interpreted as a "
                         f"Tensor. ({msg})") from None


def build_fetch_spec(graph: Any, fetches: Any) -> FetchSpec:
    """Flattens and resolves ``fetches``.

    Raises:
        TypeError: for None or objects that are not tensors/ops/names.
        ValueError: for elements of another graph, unknown names or unfetchable ops.
    """
    spec = FetchSpec()
    if fetches is None:
        raise TypeError("Fetch argument None has invalid type <class 'NoneType'>")
    spec.is_leaf = not nest.is_nested(fetches)
    index: dict[Tensor, int] = {}

    def tensor_index(t: Tensor) -> int:
        i = index.get(t)
        if i is None:
            i = index[t] = len(spec.tensors)
            spec.tensors.append(t)
        return i

    pairs = [((), fetches)] if spec.is_leaf else nest.flatten_with_paths(fetches)
    for path, leaf in pairs:
        el = _resolve_leaf(graph, leaf, path)
        op = el.op if isinstance(el, Tensor | SparseTensor | IndexedSlices) else el
        if not graph.is_fetchable(op):
            raise ValueError(f"Operation {op.name!r} has been marked as not fetchable.")
        if isinstance(el, Operation):
            if el not in spec.targets:
                spec.targets.append(el)
            spec.leaves.append((TARGET, None))
        elif isinstance(el, SparseTensor):
            idx = (tensor_index(el.indices), tensor_index(el.values),
                   tensor_index(el.dense_shape))
            spec.leaves.append((SPARSE, idx))
        elif isinstance(el, IndexedSlices):
            parts = [el.values, el.indices] + ([el.dense_shape] if el.dense_shape is not None
                                               else [])
            spec.leaves.append((INDEXED, tuple(tensor_index(t) for t in parts)))
        elif el.op.type == "GetSessionHandle":
            spec.leaves.append((HANDLE, tensor_index(el)))
        else:
            i = tensor_index(el)
            if el.dtype is string:
                spec.string_idx.add(i)
            spec.leaves.append((TENSOR, i))
    return spec


def indexed_value(values: list, idx: tuple) -> IndexedSlicesValue:
    """The ``IndexedSlicesValue`` of an ``INDEXED`` leaf from the fetched values."""
    return IndexedSlicesValue(values[idx[0]], values[idx[1]],
                              values[idx[2]] if len(idx) > 2 else None)


def to_user_value(v: Any, t: Tensor) -> Any:
    """A kernel output as the user sees it: numpy scalars for 0-d, arrays otherwise."""
    if type(v) is np.ndarray:
        if v.ndim == 0:
            return v[()]
        return v
    if isinstance(v, np.generic):
        return v
    if v is None:
        return None
    if isinstance(v, bytes):
        return v
    if isinstance(v, str):
        return v.encode("utf-8")
    arr = np.asarray(v, dtype=t.dtype.np_dtype)
    return arr[()] if arr.ndim == 0 else arr


__all__ = ["FetchSpec", "build_fetch_spec", "to_user_value", "indexed_value", "INDEXED",
           "TENSOR", "TARGET", "SPARSE",
           "HANDLE", "SparseTensorValue"]
