"""Checking one config value against a parameter of a component's signature.

The parameter's annotation is the schema: ``int``, ``float``, ``bool``, ``str``,
``list[int]``, ``Literal["a", "b"]`` (a choice), optionally wrapped in
``Annotated[..., Positive]`` / ``NonNegative`` / ``Fraction`` for ranges. A parameter
annotated ``Any`` (as the library's optimizers and schedules are, because they also take
tensors) is checked against its default's type, or as a number when it has none.
Every number must be finite.

Example:
    >>> check_value("model.dropout", 0.5, Annotated[float, Fraction], 0.0)
    0.5
"""

from __future__ import annotations

import math
import typing
from typing import Annotated, Any, Literal

from trainkit.cli.errors import ConfigError

__all__ = ["Positive", "NonNegative", "Fraction", "OpenFraction", "ExistingFile", "check_value",
           "describe", "is_file_param"]


class _Range:
    """A range constraint for ``Annotated`` numbers."""

    def __init__(self, text: str, test: Any) -> None:
        self.text, self.test = text, test

    def __repr__(self) -> str:
        return self.text


Positive = _Range("> 0", lambda v: v > 0)
NonNegative = _Range(">= 0", lambda v: v >= 0)
Fraction = _Range("in [0, 1)", lambda v: 0 <= v < 1)
OpenFraction = _Range("in (0, 1)", lambda v: 0 < v < 1)


class _ExistingFile:
    """Marks a ``str`` parameter as a file path, relative to the config's folder, that must
    exist (checked when the config is loaded)."""

    def __repr__(self) -> str:
        return "existing file"


ExistingFile = _ExistingFile()


def _expect(path: str, what: str, value: Any) -> ConfigError:
    return ConfigError(f"{path}: expected {what}, got {value!r}.")


def _number(path: str, value: Any, integer: bool) -> Any:
    if integer:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _expect(path, "an integer", value)
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _expect(path, "a number", value)
    if not math.isfinite(value):
        raise ConfigError(f"{path}: must be a finite number, got {value!r}.")
    return float(value)


def _from_default(default: Any) -> Any:
    """The annotation an ``Any`` parameter's default implies."""
    if isinstance(default, bool):
        return bool
    if isinstance(default, int):
        return float  # e.g. ``momentum=0`` still takes 0.9
    if isinstance(default, float):
        return float
    if isinstance(default, str):
        return str
    if isinstance(default, (list, tuple)):
        return list
    return float


def check_value(path: str, value: Any, annotation: Any, default: Any = None) -> Any:
    """``value`` checked (and normalized: ints to floats where a float is wanted).

    Raises:
        ConfigError: naming ``path`` and what is expected.
    """
    ranges: list[_Range] = []
    if typing.get_origin(annotation) is Annotated:
        annotation, *meta = typing.get_args(annotation)
        ranges = [m for m in meta if isinstance(m, _Range)]
    if annotation is Any or annotation is typing.Any:
        annotation = _from_default(default)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Union or type(annotation).__name__ == "UnionType":
        non_none = [a for a in args if a is not type(None)]
        if value is None or len(non_none) != 1:
            return value
        annotation, origin, args = non_none[0], typing.get_origin(non_none[0]), \
            typing.get_args(non_none[0])
    if origin is Literal:
        if value not in args:
            raise ConfigError(f"{path}: unknown name {value!r}; allowed: "
                              f"{', '.join(str(a) for a in args)}.")
        return value
    if annotation is bool:
        if not isinstance(value, bool):
            raise _expect(path, "true or false", value)
        return value
    if annotation is int or annotation is float:
        value = _number(path, value, annotation is int)
        for r in ranges:
            if not r.test(value):
                raise ConfigError(f"{path}: must be {r.text}, got {value!r}.")
        return value
    if annotation is str:
        if not isinstance(value, str):
            raise _expect(path, "a string", value)
        return value
    if annotation is list or origin is list:
        if not isinstance(value, list):
            raise _expect(path, "a list", value)
        inner = args[0] if args else Any
        if ranges:
            inner = Annotated[(inner, *ranges)]
        if inner is Any:
            return [check_value(f"{path}[{i}]", v, float) if not isinstance(v, str) else v
                    for i, v in enumerate(value)]
        return [check_value(f"{path}[{i}]", v, inner) for i, v in enumerate(value)]
    if annotation is dict or origin is dict:
        if not isinstance(value, dict):
            raise _expect(path, "a table", value)
        return dict(value)
    return value


def describe(annotation: Any, default: Any) -> str:
    """A short human name of what a parameter takes (for docs and ``--help`` text)."""
    if typing.get_origin(annotation) is Annotated:
        base, *meta = typing.get_args(annotation)
        return f"{describe(base, default)} {' '.join(map(repr, meta))}".strip()
    if annotation is Any:
        annotation = _from_default(default)
    if typing.get_origin(annotation) is Literal:
        return " | ".join(repr(a) for a in typing.get_args(annotation))
    return getattr(annotation, "__name__", str(annotation))


def is_file_param(annotation: Any) -> bool:
    """Whether a parameter is ``Annotated[str, ExistingFile]``."""
    return typing.get_origin(annotation) is Annotated and any(
        m is ExistingFile for m in typing.get_args(annotation)[1:])
