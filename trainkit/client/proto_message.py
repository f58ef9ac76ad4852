"""A small declarative stand-in for protobuf message classes.

trainkit's configuration messages (``ConfigProto`` and its nested options) are plain
Python objects that behave like the generated protobuf classes TF1 code uses: fields
are set as constructor keywords or attributes, nested messages are reached by
attribute (``config.gpu_options.allow_growth = True``), composite fields cannot be
assigned directly, and unknown field names raise the errors protobuf raises
(``ValueError`` from the constructor, ``AttributeError`` on assignment).

Example:
    >>> class Opt(Message):
    ...     FIELDS = {"level": scalar("int", 0)}
    >>> Opt(level=2).level
    2
"""

from __future__ import annotations

import numbers
from typing import Any

_KIND_TYPES: dict[str, tuple] = {
    "bool": (bool, numbers.Integral),
    "int": (numbers.Integral,),
    "float": (numbers.Real,),
    "str": (str, bytes),
}


def scalar(kind: str, default: Any = None) -> tuple:
    """A singular scalar field of ``kind`` (bool, int, float, str) with its default."""
    if default is None:
        default = {"bool": False, "int": 0, "float": 0.0, "str": ""}[kind]
    return ("scalar", kind, default)


def message(cls: type) -> tuple:
    """A singular nested message field."""
    return ("message", cls, None)


def repeated(kind_or_cls: Any) -> tuple:
    """A repeated field of scalars (``kind`` string) or of messages (a class)."""
    return ("repeated", kind_or_cls, None)


def mapping(key_kind: str, value_kind: str) -> tuple:
    """A ``map<key, value>`` field of scalars."""
    return ("map", (key_kind, value_kind), None)


def _check(owner: str, name: str, kind: str, value: Any) -> Any:
    if not isinstance(value, _KIND_TYPES[kind]):
        raise TypeError(
            f"{value!r} has type {type(value).__name__}, but expected one of: {kind} "
            f"(field {owner}.{name})")
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return value.decode("utf-8") if isinstance(value, bytes) else value


class RepeatedScalar(list):
    """A repeated scalar field: a list that type-checks what is added."""

    def __init__(self, owner: str, name: str, kind: str):
        super().__init__()
        self._where = (owner, name, kind)

    def append(self, value: Any) -> None:  # noqa: D102 - list API
        super().append(_check(*self._where, value))

    def extend(self, values: Any) -> None:  # noqa: D102 - list API
        super().extend(_check(*self._where, v) for v in values)


class RepeatedComposite(list):
    """A repeated message field: ``add(**fields)`` appends a new message."""

    def __init__(self, cls: type):
        super().__init__()
        self._cls = cls

    def add(self, **kwargs: Any) -> Any:
        """Append and return a new element message built from ``kwargs``."""
        item = self._cls(**kwargs)
        super().append(item)
        return item

    def append(self, value: Any) -> None:  # noqa: D102 - list API
        if not isinstance(value, self._cls):
            raise TypeError(f"expected {self._cls.__name__}, got {type(value).__name__}")
        item = self._cls()
        item.CopyFrom(value)
        super().append(item)

    def extend(self, values: Any) -> None:  # noqa: D102 - list API
        for v in values:
            self.append(v)


class ScalarMap(dict):
    """A ``map<k, v>`` field: a dict that type-checks keys and values."""

    def __init__(self, owner: str, name: str, kinds: tuple[str, str]):
        super().__init__()
        self._where = (owner, name)
        self._kinds = kinds

    def __setitem__(self, key: Any, value: Any) -> None:
        key = _check(*self._where, self._kinds[0], key)
        super().__setitem__(key, _check(*self._where, self._kinds[1], value))

    def update(self, *args: Any, **kwargs: Any) -> None:  # noqa: D102 - dict API
        for k, v in dict(*args, **kwargs).items():
            self[k] = v


class Message:
    """Base of the declarative messages: subclasses set ``FIELDS`` (name -> field spec)."""

    FIELDS: dict[str, tuple] = {}

    def __init__(self, **kwargs: Any):
        object.__setattr__(self, "_fieldvals", {})
        object.__setattr__(self, "_fieldset", set())
        for name, (kind, arg, default) in self.FIELDS.items():
            if kind == "scalar":
                self._fieldvals[name] = default
            elif kind == "message":
                self._fieldvals[name] = arg()
            elif kind == "repeated":
                self._fieldvals[name] = (RepeatedScalar(type(self).__name__, name, arg)
                                      if isinstance(arg, str) else RepeatedComposite(arg))
            else:
                self._fieldvals[name] = ScalarMap(type(self).__name__, name, arg)
        for name, value in kwargs.items():
            if name not in self.FIELDS:
                raise ValueError(f'Protocol message {type(self).__name__} has no "{name}" field.')
            self._init_field(name, value)

    def _init_field(self, name: str, value: Any) -> None:
        kind = self.FIELDS[name][0]
        current = self._fieldvals[name]
        if kind == "scalar":
            setattr(self, name, value)
        elif kind == "message":
            if isinstance(value, dict):
                value = type(current)(**value)
            current.CopyFrom(value)
            self._fieldset.add(name)
        elif kind == "map":
            current.update(value)
        else:
            for v in value:
                if isinstance(current, RepeatedComposite) and isinstance(v, dict):
                    current.add(**v)
                else:
                    current.append(v)

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "_fieldvals")
        if name in values:
            return values[name]
        raise AttributeError(f"{type(self).__name__} object has no attribute '{name}' "
                             f"(no such field in protocol message {type(self).__name__})")

    def __setattr__(self, name: str, value: Any) -> None:
        spec = self.FIELDS.get(name)
        if spec is None:
            raise AttributeError(f'Assignment not allowed (no field "{name}" in protocol '
                                 f"message object {type(self).__name__}).")
        if spec[0] != "scalar":
            raise AttributeError(
                f'Assignment not allowed to field "{name}" in protocol message object '
                f"{type(self).__name__} (a composite field): set its members, or use "
                f"CopyFrom/extend/update")
        self._fieldvals[name] = _check(type(self).__name__, name, spec[1], value)
        self._fieldset.add(name)

    # -- protobuf message API ----------------------------------------------------------
    def CopyFrom(self, other: Message) -> None:  # noqa: N802 - protobuf's name
        """Replace this message's contents with a copy of ``other``'s."""
        if type(other) is not type(self):
            raise TypeError(f"Parameter to CopyFrom() must be instance of same class: "
                            f"expected {type(self).__name__} got {type(other).__name__}.")
        self.Clear()
        self.MergeFrom(other)

    def MergeFrom(self, other: Message) -> None:  # noqa: N802 - protobuf's name
        """Merge ``other`` into this message (set scalars overwrite, lists append)."""
        if type(other) is not type(self):
            raise TypeError(f"Parameter to MergeFrom() must be instance of same class: "
                            f"expected {type(self).__name__} got {type(other).__name__}.")
        for name, (kind, _arg, _d) in self.FIELDS.items():
            theirs = other._fieldvals[name]
            if kind == "scalar":
                if name in other._fieldset:
                    setattr(self, name, theirs)
            elif kind == "message":
                if other.HasField(name):
                    self._fieldvals[name].MergeFrom(theirs)
                    self._fieldset.add(name)
            elif kind == "map":
                self._fieldvals[name].update(theirs)
            else:
                self._fieldvals[name].extend(theirs)

    def Clear(self) -> None:  # noqa: N802 - protobuf's name
        """Reset every field to its default."""
        fresh = type(self)()
        object.__setattr__(self, "_fieldvals", fresh._fieldvals)
        object.__setattr__(self, "_fieldset", set())

    def ClearField(self, name: str) -> None:  # noqa: N802 - protobuf's name
        """Reset one field to its default."""
        if name not in self.FIELDS:
            raise ValueError(f'Protocol message has no "{name}" field.')
        self._fieldvals[name] = type(self)()._fieldvals[name]
        self._fieldset.discard(name)

    def HasField(self, name: str) -> bool:  # noqa: N802 - protobuf's name
        """Whether a singular field was set (a nested message: any member of it set)."""
        if name not in self.FIELDS:
            raise ValueError(f'Protocol message {type(self).__name__} has no field {name}.')
        if self.FIELDS[name][0] in ("map", "repeated"):
            raise ValueError(f'Protocol message has no singular "{name}" field.')
        if self.FIELDS[name][0] == "message":
            return name in self._fieldset or bool(self._fieldvals[name].ListFields())
        return name in self._fieldset

    def ListFields(self) -> list:  # noqa: N802 - protobuf's name
        """``(name, value)`` for every field that differs from its default."""
        default = type(self)()
        return [(n, v) for n, v in self._fieldvals.items() if v != default._fieldvals[n]]

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._fieldvals == other._fieldvals

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment] - mutable, like protobuf messages

    def __repr__(self) -> str:
        parts = []
        for name, value in self.ListFields():
            if isinstance(value, Message):
                inner = repr(value).replace("\n", "\n  ")
                parts.append(f"{name} {{\n  {inner}\n}}")
            else:
                parts.append(f"{name}: {value!r}")
        return "\n".join(parts)


__all__ = ["Message", "scalar", "message", "repeated", "mapping"]
