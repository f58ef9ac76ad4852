"""One flatten/pack utility for every nested structure (fetches, feeds, hooks, slots).

Structures are lists, tuples, namedtuples and mappings, nested arbitrarily; anything
else is a leaf. Mappings flatten in sorted key order (insertion order when keys cannot
be sorted) and are rebuilt with their original type and key order.

Example:
    >>> flatten({"b": [1, 2], "a": 3})
    [3, 1, 2]
    >>> pack_sequence_as({"b": [0, 0], "a": 0}, [30, 10, 20])
    {'b': [10, 20], 'a': 30}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any


def is_namedtuple(x: Any) -> bool:
    """True for instances of ``collections.namedtuple`` classes."""
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(x: Any) -> bool:
    """True for lists, tuples (incl. namedtuples) and mappings."""
    return isinstance(x, (list, tuple, Mapping))


def sorted_keys(mapping: Mapping) -> list:
    """The mapping's keys in sorted order, or insertion order if they cannot be sorted."""
    keys = list(mapping)
    try:
        return sorted(keys)
    except TypeError:
        return keys


def _children(x: Any) -> list:
    if isinstance(x, Mapping):
        return [x[k] for k in sorted_keys(x)]
    return list(x)


def flatten(structure: Any) -> list:
    """Returns the leaves of ``structure`` in a deterministic order."""
    if not is_nested(structure):
        return [structure]
    out: list = []
    _flatten_into(structure, out)
    return out


def _flatten_into(x: Any, out: list) -> None:
    if isinstance(x, Mapping):
        for k in sorted_keys(x):
            v = x[k]
            if is_nested(v):
                _flatten_into(v, out)
            else:
                out.append(v)
    elif isinstance(x, (list, tuple)):
        for v in x:
            if is_nested(v):
                _flatten_into(v, out)
            else:
                out.append(v)
    else:
        out.append(x)


def _path_str(path: tuple) -> str:
    return "".join(f"[{k!r}]" for k in path)


def flatten_with_paths(structure: Any) -> list[tuple[tuple, Any]]:
    """Like :func:`flatten`, but pairs each leaf with its key path (a tuple of keys)."""
    out: list[tuple[tuple, Any]] = []

    def walk(x: Any, path: tuple) -> None:
        if isinstance(x, Mapping):
            for k in sorted_keys(x):
                walk(x[k], path + (k,))
        elif isinstance(x, (list, tuple)):
            for i, v in enumerate(x):
                walk(v, path + (i,))
        else:
            out.append((path, x))

    walk(structure, ())
    return out


def path_to_str(path: tuple, root: str = "") -> str:
    """Formats a key path as ``root[0]['a']`` for error messages."""
    return root + _path_str(path)


def _rebuild(template: Any, values: list) -> Any:
    if isinstance(template, Mapping):
        by_key = dict(zip(sorted_keys(template), values))
        items = [(k, by_key[k]) for k in template]
        try:
            return type(template)(items)
        except TypeError:
            return dict(items)
    if is_namedtuple(template):
        return type(template)(*values)
    if isinstance(template, tuple):
        return tuple(values) if type(template) is tuple else type(template)(values)
    if type(template) is list:
        return values
    return type(template)(values)


def pack_sequence_as(structure: Any, flat_sequence: list | tuple) -> Any:
    """Builds a structure like ``structure`` whose leaves are ``flat_sequence``.

    Raises:
        ValueError: if the number of leaves does not match.
    """
    flat = list(flat_sequence)
    if not is_nested(structure):
        if len(flat) != 1:
            raise ValueError(
                f"Structure is a leaf but flat_sequence has {len(flat)} elements.")
        return flat[0]
    it = iter(flat)
    try:
        result = _pack(structure, it)
    except StopIteration:
        raise ValueError(
            f"Structure has more leaves than flat_sequence ({len(flat)} elements).") from None
    leftover = sum(1 for _ in it)
    if leftover:
        raise ValueError(f"flat_sequence has {leftover} more elements than the structure.")
    return result


def _pack(x: Any, it: Iterator) -> Any:
    if not is_nested(x):
        return next(it)
    return _rebuild(x, [_pack(c, it) for c in _children(x)])


def map_structure(func: Callable[..., Any], *structures: Any) -> Any:
    """Applies ``func`` leaf-wise across structures of the same shape."""
    if not structures:
        raise ValueError("map_structure needs at least one structure.")
    for s in structures[1:]:
        assert_same_structure(structures[0], s)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [func(*leaves) for leaves in zip(*flats)])


def assert_same_structure(a: Any, b: Any, check_types: bool = True) -> None:
    """Raises ValueError (or TypeError for type mismatches) if a and b differ in nesting."""

    def walk(x: Any, y: Any, path: tuple) -> None:
        nx, ny = is_nested(x), is_nested(y)
        if nx != ny:
            raise ValueError(
                f"The two structures don't have the same nested structure at "
                f"{_path_str(path) or 'the root'}: {x!r} vs {y!r}.")
        if not nx:
            return
        if check_types and type(x) is not type(y):
            raise TypeError(
                f"The two structures don't have the same sequence type at "
                f"{_path_str(path) or 'the root'}: {type(x).__name__} vs {type(y).__name__}.")
        if isinstance(x, Mapping):
            if set(x) != set(y):
                raise ValueError(
                    f"Mappings at {_path_str(path) or 'the root'} have different keys: "
                    f"{sorted_keys(x)} vs {sorted_keys(y)}.")
            for k in sorted_keys(x):
                walk(x[k], y[k], path + (k,))
        else:
            if len(x) != len(y):
                raise ValueError(
                    f"Sequences at {_path_str(path) or 'the root'} have different lengths: "
                    f"{len(x)} vs {len(y)}.")
            for i, (u, v) in enumerate(zip(x, y)):
                walk(u, v, path + (i,))

    walk(a, b, ())


def structure_key(x: Any) -> Any:
    """A hashable key describing the nesting *and* leaves of ``x`` (leaves must hash)."""
    if isinstance(x, Mapping):
        return (type(x), tuple(x), tuple(structure_key(x[k]) for k in x))
    if isinstance(x, (list, tuple)):
        return (type(x), tuple(structure_key(v) for v in x))
    return x


__all__ = [
    "flatten", "flatten_with_paths", "pack_sequence_as", "map_structure",
    "assert_same_structure", "is_nested", "is_namedtuple", "structure_key", "path_to_str",
    "sorted_keys",
]
