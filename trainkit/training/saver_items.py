"""What a ``Saver`` saves: its ``var_list`` as ``(checkpoint name, object)`` pairs, the
restore specs of the variables, and partitioned variables as slices of one tensor.

A shard of a partitioned variable (a variable with a ``SaveSliceInfo``) is saved under
its full variable's name: at save time the Saver fills one full-shape array from all the
shards of that name, at restore time each shard reads its block of the full tensor. So a
checkpoint holds ``emb`` ``[1000, 64]`` whatever the partitioning, restores into a graph
with another number of shards (or none), and ``list_variables`` shows the full variable.
TF writes the slices of one full tensor too; its reader also assembles them.

Example:
    >>> items = named_items([partitioned_emb, w])      # shards named by their full name
    >>> [n for n, _, _ in items]
    ['emb', 'emb', 'emb', 'w']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from trainkit.framework.shapes import TensorShape
from trainkit.ops.partitioned_variables import PartitionedVariable, save_slice_info

Spec = tuple  # (key, var key, shape or None, dtype name, slice or None)


def is_saveable(obj: Any) -> bool:
    """Whether ``obj`` follows the saveable-object protocol (see ``saver``)."""
    return hasattr(obj, "saveable_state") and hasattr(obj, "restore_saveable_state")


def var_name(var: Any) -> str:
    return var.op.name


def slice_info(var: Any) -> Any:
    """The variable's ``SaveSliceInfo``, or None for a whole variable."""
    return save_slice_info(var)


def _expand(var_list: Any) -> list[tuple[str | None, Any, bool]]:
    """``(name or None, object, whole)`` for each entry, partitioned variables (and, in a
    dict, lists of shards) replaced by their shards; as in TF a dict's single variable is
    saved whole under its key even if it is a shard (``whole``).

    Raises:
        TypeError: a var_list that is not a list or dict, a non-string key.
        ValueError: a dict's list holding a whole variable or shards of two variables.
    """
    if isinstance(var_list, Mapping):
        items = []
        for key, obj in var_list.items():
            if not isinstance(key, str):
                raise TypeError(f"var_list keys must be strings, got {key!r}.")
            if not isinstance(obj, PartitionedVariable | list | tuple):
                items.append((key, obj, True))
                continue
            names = {getattr(slice_info(v), "full_name", None) for v in obj}
            if None in names:
                raise ValueError(f"Slices must all be slices: var_list[{key!r}] holds a "
                                 "variable that is not a shard of a partitioned variable.")
            if len(names) > 1:
                raise ValueError(f"Slices must all be from the same tensor: var_list[{key!r}] "
                                 f"holds shards of {sorted(names)}.")
            items.extend((key, shard, False) for shard in obj)
        return items
    if isinstance(var_list, Sequence | set | frozenset) and not isinstance(var_list, str):
        items = []
        for obj in var_list:
            shards = list(obj) if isinstance(obj, PartitionedVariable) else [obj]
            items.extend((None, s, False) for s in shards)
        return items
    raise TypeError(f"A list or dict of variables is expected, got {var_list!r}.")


def named_items(var_list: Any) -> list[tuple[str, Any, Any]]:
    """``(checkpoint name, variable or saveable, SaveSliceInfo or None)`` triples,
    validated like TF; the shards of one partitioned variable share its name.

    Raises:
        TypeError: a ``var_list`` that is not a list or dict, a non-string key, an entry
            that is neither a variable nor a saveable object.
        ValueError: two entries of one name (other than the slices of one variable);
            slices of one name that disagree on the full shape or dtype, overlap, or do
            not cover the full variable.
    """
    items = []
    seen: set[str] = set()
    for i, (name, obj, whole) in enumerate(_expand(var_list)):
        if not is_saveable(obj) and not hasattr(getattr(obj, "op", None), "name"):
            raise TypeError(f"Variable to save is not a Variable or saveable object: {obj!r} "
                            f"(var_list[{name if name is not None else i!r}]).")
        info = None if whole or is_saveable(obj) else slice_info(obj)
        if name is None:
            name = obj.name if is_saveable(obj) else (
                info.full_name if info is not None else var_name(obj))
        if info is None:
            if name in seen:
                raise ValueError(f"At least two variables have the same name: {name}")
            seen.add(name)
        items.append((name, obj, info))
    _check_slices(items, seen)
    return items


def _check_slices(items: list[tuple[str, Any, Any]], whole: set[str]) -> None:
    groups: dict[str, list[Any]] = {}
    for name, obj, info in items:
        if info is not None:
            groups.setdefault(name, []).append(obj)
    for name, shards in groups.items():
        if name in whole:
            raise ValueError(f"Mixing slices and non-slices with the same name: {name}")
        first = slice_info(shards[0])
        boxes = []
        for v in shards:
            info = slice_info(v)
            if info.full_shape != first.full_shape or v.dtype.base_dtype is not \
                    shards[0].dtype.base_dtype:
                raise ValueError(f"The slices saved as {name} disagree on the full shape or "
                                 f"dtype: {var_name(shards[0])} {first.full_shape} "
                                 f"{shards[0].dtype.name} vs {var_name(v)} "
                                 f"{info.full_shape} {v.dtype.name}.")
            boxes.append((info.var_offset, info.var_shape, var_name(v)))
        _check_tiling(name, first.full_shape, boxes)


def _check_tiling(name: str, full: list[int], boxes: list) -> None:
    """The slices must cover the full shape exactly once (sizes add up, none overlap)."""
    for off, shape, vname in boxes:
        if any(o < 0 or o + s > f for o, s, f in zip(off, shape, full)) or \
                len(off) != len(full):
            raise ValueError(f"Slice {vname} (offset {off}, shape {shape}) lies outside the "
                             f"full shape {full} of {name}.")
    for i, (oa, sa, na) in enumerate(boxes):
        for ob, sb, nb in boxes[i + 1:]:
            if all(a < b + y and b < a + x for a, x, b, y in zip(oa, sa, ob, sb)):
                raise ValueError(f"Slices {na} and {nb} of {name} overlap.")
    covered = sum(int(np.prod(s)) for _, s, _ in boxes)
    if covered != int(np.prod(full)):
        raise ValueError(f"The slices saved as {name} ({[n for _, _, n in boxes]}) cover "
                         f"{covered} of its {int(np.prod(full))} elements; save all of a "
                         "partitioned variable's shards together.")


def restore_spec(name: str, var: Any, info: Any) -> Spec:
    """``(key, var key, shape, dtype name, slice)`` for the restore kernel; ``slice`` is
    ``(full shape, offset, shape)`` for a shard saved as a slice (``info``), else None."""
    shape = TensorShape(var.get_shape() if hasattr(var, "get_shape") else var.shape)
    dims = tuple(shape.as_list()) if shape.is_fully_defined() else None
    part = None if info is None else (tuple(info.full_shape), tuple(info.var_offset),
                                      tuple(info.var_shape))
    return (name, var_name(var), dims, var.dtype.base_dtype.name, part)


def spec_slice(spec: Sequence) -> tuple | None:
    """The slice of a restore spec (None for a whole variable or a spec of before)."""
    return spec[4] if len(spec) > 4 and spec[4] is not None else None


def block(value: np.ndarray, part: Sequence) -> np.ndarray:
    """The shard's block of the full ``value``."""
    _, offset, shape = part
    return value[tuple(slice(int(o), int(o) + int(s)) for o, s in zip(offset, shape))]


def assemble(variables: list[tuple[str, Any, Any]], values: list[np.ndarray]
             ) -> dict[str, np.ndarray]:
    """Checkpoint tensors by name: whole variables as they are, the slices of one
    partitioned variable written into one full-shape array."""
    out: dict[str, np.ndarray] = {}
    for (name, _, info), value in zip(variables, values):
        if info is None:
            out[name] = value
            continue
        full = out.get(name)
        if full is None:
            full = out[name] = np.empty(info.full_shape, dtype=np.asarray(value).dtype)
        full[tuple(slice(o, o + s) for o, s in zip(info.var_offset, info.var_shape))] = value
    return out


__all__ = ["assemble", "block", "is_saveable", "named_items", "restore_spec",
           "slice_info", "spec_slice", "var_name"]
