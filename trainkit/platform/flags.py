"""``tf.app.flags`` / ``tf.flags``: absl-style command-line flags.

Flags are defined at import time with ``DEFINE_*`` and read from the global ``FLAGS``.
Parsing follows absl: ``--name=value``, ``--name value``, ``--flag`` / ``--noflag`` for
booleans, one or two leading dashes, ``--`` ends flag parsing, positional arguments may
appear between flags. Reading a flag from ``FLAGS`` before anything was parsed parses
``sys.argv`` first (tolerating unknown flags), as TF1's wrapper does.

Example:
    >>> DEFINE_integer("steps", 100, "Training steps.")
    >>> FLAGS(["prog", "--steps=20"])
    ['prog']
    >>> FLAGS.steps
    20
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any


class Error(Exception):
    """Base of every flags error (``absl.flags.Error``)."""


class UnrecognizedFlagError(Error):
    """A command-line flag that no ``DEFINE_*`` declared."""


class IllegalFlagValueError(Error):
    """A flag value that does not parse or is out of range."""


class DuplicateFlagError(Error):
    """Two ``DEFINE_*`` calls for the same name."""


class ValidationError(Error):
    """Raised by a flag validator's checker to reject a value with its own message."""


_TRUE = {"true", "t", "1", "yes", "y"}
_FALSE = {"false", "f", "0", "no", "n"}


class Flag:
    """One flag: its name, default, help text, current value and parser."""

    def __init__(self, name: str, default: Any, help: str,  # noqa: A002 - absl's name
                 parser: Callable[[str], Any], kind: str):
        self.name = name
        self.help = help
        self.parser = parser
        self.kind = kind
        self.present = 0
        self.default = self._convert(default) if isinstance(default, str) else default
        self.value = self.default
        #: ``(insertion index, flag name, checker, message)`` of each validator.
        self.validators: list[tuple[int, str, Callable[[Any], Any], str]] = []

    def _convert(self, text: str) -> Any:
        try:
            return self.parser(text)
        except (TypeError, ValueError) as e:
            raise IllegalFlagValueError(f"flag --{self.name}={text}: {e}") from None

    def parse(self, text: str) -> None:
        """Sets the value from its command-line text."""
        self.value = self._convert(text)
        self.present += 1

    @property
    def boolean(self) -> bool:
        return self.kind == "bool"


class MultiFlag(Flag):
    """A flag given any number of times: its value is the list of every occurrence
    (the first replaces the default); a default is a value or a list of values."""

    def __init__(self, name: str, default: Any, help: str,  # noqa: A002 - absl's name
                 parser: Callable[[str], Any], kind: str):
        super().__init__(name, None, help, parser, kind)
        if default is not None:
            items = default if isinstance(default, list | tuple) else [default]
            default = [self._convert(v) if isinstance(v, str) else v for v in items]
        self.default = self.value = default

    def parse(self, text: str) -> None:
        item = self._convert(text)
        self.value = [*(self.value if self.present else []), item]
        self.present += 1


def _parse_bool(text: str) -> bool:
    low = text.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"Non-boolean argument to boolean flag: {text!r}")


def _parse_int(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise ValueError(f"Expect argument to be an int: {text!r}") from None


def _parse_float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"Expect argument to be a float: {text!r}") from None


def _parse_list(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()] if text else []


class FlagValues:
    """The registry of defined flags and their values (the type of ``FLAGS``)."""

    def __init__(self) -> None:
        object.__setattr__(self, "_flags", {})
        object.__setattr__(self, "_parsed", False)

    # -- definition -----------------------------------------------------------------
    def _define(self, flag: Flag) -> Flag:
        if flag.name in self._flags:
            raise DuplicateFlagError(
                f"The flag '{flag.name}' is defined twice. Use a different name, or "
                f"`del FLAGS.{flag.name}` before redefining it.")
        self._flags[flag.name] = flag
        return flag

    def __contains__(self, name: str) -> bool:
        return name in self._flags

    def __getitem__(self, name: str) -> Flag:
        return self._flags[name]

    def __iter__(self) -> Any:
        return iter(self._flags)

    def __delattr__(self, name: str) -> None:
        if name not in self._flags:
            raise AttributeError(name)
        del self._flags[name]

    # -- values ---------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        flags = object.__getattribute__(self, "_flags")
        if name not in flags:
            raise AttributeError(f"Unknown flag '{name}': define it with "
                                 f"tf.app.flags.DEFINE_*('{name}', ...)")
        if not self._parsed:  # TF1: reading FLAGS parses sys.argv first
            self(sys.argv, known_only=True)
        return flags[name].value

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._flags:
            raise AttributeError(f"Unknown flag '{name}': cannot assign to it")
        flag = self._flags[name]
        old, flag.value = flag.value, value
        try:
            self._check(flag.validators)
        except IllegalFlagValueError:
            flag.value = old  # as absl: a rejected assignment leaves the old value
            raise

    def _check(self, validators: Sequence[tuple]) -> None:
        """Runs validators in registration order (absl's ``_assert_validators``).

        Raises:
            IllegalFlagValueError: naming every failing flag, ``flag --name=value: why``.
        """
        messages = []
        failed: set[str] = set()
        for _, name, checker, message in sorted(validators, key=lambda v: v[0]):
            if name in failed:
                continue  # one message per flag, as absl
            value = self._flags[name].value
            try:
                ok = checker(value)
            except ValidationError as e:
                ok, message = False, str(e)
            if not ok:
                failed.add(name)
                messages.append(f"flag --{name}={value}: {message}")
        if messages:
            raise IllegalFlagValueError("\n".join(messages))

    def validate_all_flags(self) -> None:
        """Runs every registered validator.

        Raises:
            IllegalFlagValueError: one or more flags fail their validators.
        """
        self._check([v for f in self._flags.values() for v in f.validators])

    def is_parsed(self) -> bool:
        """Whether command-line arguments were parsed."""
        return self._parsed

    def mark_as_parsed(self) -> None:
        """Treats the current values as parsed (reads no longer parse ``sys.argv``)."""
        object.__setattr__(self, "_parsed", True)

    def unparse_flags(self) -> None:
        """Resets every flag to its default and marks the flags unparsed."""
        for f in self._flags.values():
            f.value, f.present = f.default, 0
        object.__setattr__(self, "_parsed", False)

    def flag_values_dict(self) -> dict[str, Any]:
        """``{name: value}`` of every flag."""
        return {n: f.value for n, f in self._flags.items()}

    def get_flag_value(self, name: str, default: Any) -> Any:
        """The flag's value, or ``default`` when no such flag exists."""
        return self._flags[name].value if name in self._flags else default

    # -- parsing --------------------------------------------------------------------
    def __call__(self, argv: Sequence[str], known_only: bool = False) -> list[str]:
        """Parses ``argv`` (``argv[0]`` is the program) and returns what is not a flag.

        Raises:
            UnrecognizedFlagError: an unknown ``--flag`` (unless ``known_only``).
            IllegalFlagValueError: a value that does not parse.
        """
        if isinstance(argv, str):
            raise TypeError("argv must be a list of strings, not a string")
        argv = list(argv)
        if not argv:
            raise ValueError("argv cannot be empty: it starts with the program name")
        rest = [argv[0]]
        args = argv[1:]
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if arg == "--":
                rest.extend(args[i:])
                break
            if not arg.startswith("-") or arg == "-":
                rest.append(arg)
                continue
            name, eq, value = arg.lstrip("-").partition("=")
            flag = self._flags.get(name)
            if flag is None and name.startswith("no") and not eq:
                negated = self._flags.get(name[2:])
                if negated is not None and negated.boolean:
                    negated.value, negated.present = False, negated.present + 1
                    continue
            if flag is None:
                if known_only:
                    rest.append(arg)
                    continue
                raise UnrecognizedFlagError(f"Unknown command line flag '{name}'")
            if flag.boolean and not eq:
                flag.value, flag.present = True, flag.present + 1
                continue
            if not eq:
                if i >= len(args):
                    raise IllegalFlagValueError(f"Flag --{name} must have a value")
                value = args[i]
                i += 1
            flag.parse(value)
        self.mark_as_parsed()
        self.validate_all_flags()
        return rest

    def help_text(self) -> str:
        """One line per flag: ``--name: help (default: ...)``."""
        return "\n".join(f"  --{n}: {f.help}\n    (default: {f.default!r})"
                         for n, f in sorted(self._flags.items()))


FLAGS = FlagValues()


def _define(name: str, default: Any, help: str, parser: Callable[[str], Any],  # noqa: A002
            kind: str, flag_values: FlagValues | None) -> Flag:
    if not isinstance(name, str) or not name:
        raise TypeError(f"flag name must be a non-empty string, got {name!r}")
    return (flag_values or FLAGS)._define(Flag(name, default, help, parser, kind))


def DEFINE_string(name: str, default: str | None, help: str,  # noqa: N802, A002
                  flag_values: FlagValues | None = None, **_: Any) -> Flag:
    """Defines a string flag."""
    return _define(name, default, help, str, "str", flag_values)


def DEFINE_integer(name: str, default: int | None, help: str,  # noqa: N802, A002
                   lower_bound: int | None = None, upper_bound: int | None = None,
                   flag_values: FlagValues | None = None, **_: Any) -> Flag:
    """Defines an integer flag (optionally bounded: a value outside is an error)."""
    return _define(name, default, help, _bounded(_parse_int, lower_bound, upper_bound),
                   "int", flag_values)


def DEFINE_float(name: str, default: float | None, help: str,  # noqa: N802, A002
                 lower_bound: float | None = None, upper_bound: float | None = None,
                 flag_values: FlagValues | None = None, **_: Any) -> Flag:
    """Defines a float flag (optionally bounded)."""
    return _define(name, default, help, _bounded(_parse_float, lower_bound, upper_bound),
                   "float", flag_values)


def DEFINE_boolean(name: str, default: bool | None, help: str,  # noqa: N802, A002
                   flag_values: FlagValues | None = None, **_: Any) -> Flag:
    """Defines a boolean flag: ``--name``, ``--noname``, ``--name=false``."""
    if isinstance(default, str):
        default = _parse_bool(default)
    return _define(name, default, help, _parse_bool, "bool", flag_values)


DEFINE_bool = DEFINE_boolean


def DEFINE_list(name: str, default: Any, help: str,  # noqa: N802, A002
                flag_values: FlagValues | None = None, **_: Any) -> Flag:
    """Defines a comma-separated list-of-strings flag."""
    return _define(name, default, help, _parse_list, "list", flag_values)


def DEFINE_enum(name: str, default: str | None, enum_values: Sequence[str],  # noqa: N802
                help: str, flag_values: FlagValues | None = None,  # noqa: A002
                **_: Any) -> Flag:
    """Defines a flag whose value must be one of ``enum_values``."""
    values = list(enum_values)
    if not values:
        raise ValueError("enum_values cannot be empty")

    def parse(text: str) -> str:
        if text not in values:
            raise ValueError(f"value should be one of <{'|'.join(values)}>")
        return text

    if default is not None and default not in values:
        raise IllegalFlagValueError(f"default {default!r} of --{name} is not one of {values}")
    return _define(name, default, help, parse, "enum", flag_values)


def DEFINE_multi_string(name: str, default: Any, help: str,  # noqa: N802, A002
                        flag_values: FlagValues | None = None, **_: Any) -> Flag:
    """Defines a string flag that may be repeated: ``--name=a --name=b`` -> ``['a', 'b']``."""
    return (flag_values or FLAGS)._define(MultiFlag(name, default, help, str, "multi_string"))


def DEFINE_multi_integer(name: str, default: Any, help: str,  # noqa: N802, A002
                         lower_bound: int | None = None, upper_bound: int | None = None,
                         flag_values: FlagValues | None = None, **_: Any) -> Flag:
    """Defines a repeatable integer flag (each value optionally bounded)."""
    return (flag_values or FLAGS)._define(MultiFlag(
        name, default, help, _bounded(_parse_int, lower_bound, upper_bound), "multi_int"))


def DEFINE_multi_float(name: str, default: Any, help: str,  # noqa: N802, A002
                       lower_bound: float | None = None, upper_bound: float | None = None,
                       flag_values: FlagValues | None = None, **_: Any) -> Flag:
    """Defines a repeatable float flag (each value optionally bounded)."""
    return (flag_values or FLAGS)._define(MultiFlag(
        name, default, help, _bounded(_parse_float, lower_bound, upper_bound), "multi_float"))


def _bounded(parse: Callable[[str], Any], lo: Any, hi: Any) -> Callable[[str], Any]:
    def check(text: str) -> Any:
        v = parse(text)
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise ValueError(f"{v} is outside the bounds [{lo}, {hi}]")
        return v
    return check


__all__ = ["FLAGS", "FlagValues", "Flag", "MultiFlag", "Error", "UnrecognizedFlagError",
           "IllegalFlagValueError", "DuplicateFlagError", "ValidationError", "DEFINE_string",
           "DEFINE_integer", "DEFINE_float", "DEFINE_boolean", "DEFINE_bool", "DEFINE_list",
           "DEFINE_enum", "DEFINE_multi_string", "DEFINE_multi_integer", "DEFINE_multi_float"]
