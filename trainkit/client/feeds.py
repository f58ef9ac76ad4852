"""Resolving ``feed_dict`` keys and converting fed values, with TF's checks and order:
key -> TypeError; Tensor value -> TypeError; int overflow -> TypeError; silent dtype
conversion; shape mismatch -> ValueError; unfeedable -> ValueError."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework import dtypes as _dt
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor

# How one feed_dict entry expands: a single tensor, a SparseTensor (3), or a tuple key.
SINGLE, SPARSE, TUPLE = 0, 1, 2


def _resolve_key(graph: Any, key: Any) -> Tensor:
    try:
        t = graph.as_graph_element(key, allow_tensor=True, allow_operation=False)
    except (TypeError, ValueError, KeyError) as e:
        msg = e.args[0] if e.args else str(e)
        raise TypeError(f"Cannot interpret feed_dict key as Tensor: {msg}") from None
    return t


def expand_key(graph: Any, key: Any) -> tuple[int, list[Tensor], Any]:
    """Returns ``(kind, tensors, sub_kinds)`` for one feed_dict key."""
    if isinstance(key, SparseTensor):
        return SPARSE, [key.indices, key.values, key.dense_shape], None
    if isinstance(key, tuple):
        kinds, tensors = [], []
        for k in key:
            kind, ts, sub = expand_key(graph, k)
            kinds.append((kind, len(ts), sub))
            tensors.extend(ts)
        return TUPLE, tensors, kinds
    return SINGLE, [_resolve_key(graph, key)], None


def flatten_value(kind: int, sub: Any, value: Any, out: list) -> None:
    """Appends the component values of one feed_dict value to ``out``."""
    if kind == SINGLE:
        out.append(value)
    elif kind == SPARSE:
        if hasattr(value, "indices") and hasattr(value, "dense_shape"):
            out.extend((value.indices, value.values, value.dense_shape))
        else:
            if not isinstance(value, tuple | list) or len(value) != 3:
                raise TypeError("A SparseTensor feed value must be a SparseTensorValue or an "
                                f"(indices, values, dense_shape) tuple, got {value!r}.")
            out.extend(value)
    else:
        if not isinstance(value, tuple | list) or len(value) != len(sub):
            raise ValueError(f"A tuple feed key needs a tuple value of the same length "
                             f"({len(sub)}), got {value!r}.")
        for (k, _n, s), v in zip(sub, value):
            flatten_value(k, s, v, out)


def _shape_str(dims: tuple | None) -> str:
    if dims is None:
        return "<unknown>"
    if len(dims) == 1:
        return f"({'?' if dims[0] is None else dims[0]},)"
    return "(" + ", ".join("?" if d is None else str(d) for d in dims) + ")"


def make_converter(t: Tensor) -> Callable[[Any], Any]:
    """A function converting a fed value for ``t`` to an ndarray, with TF's checks.

    The function raises TypeError (Tensor value, value not fitting the dtype) or
    ValueError (shape incompatible with ``t``'s static shape).
    """
    dt = t.dtype
    np_dt = dt.np_dtype
    dims = t.shape.as_tuple()
    name = t.name
    is_string = dt is _dt.string
    is_int = dt.is_integer
    info = np.iinfo(np_dt) if is_int else None

    def convert(value: Any) -> Any:
        if type(value) is np.ndarray and value.dtype == np_dt:
            arr = value
        else:
            if isinstance(value, Tensor):
                raise TypeError(
                    f"The value of a feed cannot be a tf.Tensor object (feeding {name}). "
                    "Acceptable feed values include Python scalars, strings, lists, numpy "
                    "ndarrays, or TensorHandles. Run the tensor first to feed its value.")
            handle = getattr(value, "_trainkit_handle", None)
            if handle is not None:
                value = handle if is_string else value.eval()
            if is_int and isinstance(value, int) and not isinstance(value, bool):
                if value < info.min or value > info.max:
                    raise TypeError(f"{value} is not compatible with Tensor type {dt.name} "
                                    f"(feeding {name}).")
            if is_string:
                arr = _dt.to_string_array(value)
            else:
                try:
                    arr = np.asarray(value, dtype=np_dt)
                except (TypeError, ValueError) as e:
                    raise TypeError(f"Cannot convert the value fed for {name} to "
                                    f"{dt.name}: {e}") from None
        if dims is not None:
            shp = arr.shape
            if len(shp) != len(dims) or any(d is not None and d != s
                                            for d, s in zip(dims, shp)):
                raise ValueError(f"Cannot feed value of shape {shp} for Tensor '{name}', "
                                 f"which has shape '{_shape_str(dims)}'")
        return arr

    return convert


__all__ = ["expand_key", "flatten_value", "make_converter", "SINGLE", "SPARSE", "TUPLE"]
