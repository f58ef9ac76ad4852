"""``tf.contrib.training.HParams``: named, typed hyperparameters (TF 1.15 semantics).

A hyperparameter's type is fixed by its first value (``int``, ``float``, ``bool``,
``str``, or a non-empty list of one of them). ``parse`` reads ``"a=1,b=[1,2],c=x"``
strings, ``parse_json`` / ``to_json`` go through JSON, and every assignment goes
through the same cast rules as TF (no float -> int, no number <-> bool, no
non-string -> str). The ``hparam_def`` protocol-buffer form of TF is not provided.
"""

from __future__ import annotations

import json
import numbers
import re
from collections.abc import Callable
from typing import Any, NoReturn

_PARAM_RE = re.compile(r"""
  (?P<name>[a-zA-Z][\w\.]*)       # name
  (\[\s*(?P<index>\d+)\s*\])?     # optional index "[1]"
  \s*=\s*
  ((?P<val>[^,\[]*)               # a single value
   |
   \[(?P<vals>[^\]]*)\])          # or a bracketed list
  ($|,\s*)""", re.VERBOSE)


def _parse_fail(name: str, var_type: type, value: Any, values: str) -> NoReturn:
    raise ValueError(f"Could not parse hparam '{name}' of type '{var_type.__name__}' "
                     f"with value '{value}' in {values}")


def _reuse_fail(name: str, values: str) -> NoReturn:
    raise ValueError(f"Multiple assignments to variable '{name}' in {values}")


def _parser(name: str, type_: type, values: str) -> Callable[[str], Any]:
    """The string -> value function for one type (``bool`` accepts true/True/false/False/ints)."""
    if type_ is not bool:
        return type_

    def parse_bool(value: str) -> bool:
        if value in ("true", "True"):
            return True
        if value in ("false", "False"):
            return False
        try:
            return bool(int(value))
        except ValueError:
            _parse_fail(name, type_, value, values)
    return parse_bool


def _scalar(name: str, parse: Callable[[str], Any], type_: type, m: dict, values: str,
            out: dict) -> None:
    try:
        parsed = parse(m["val"])
    except (ValueError, TypeError):
        _parse_fail(name, type_, m["val"], values)
    if not m["index"]:
        if name in out:
            _reuse_fail(name, values)
        out[name] = parsed
        return
    if name in out and not isinstance(out[name], dict):
        _reuse_fail(name, values)
    slot = out.setdefault(name, {})
    index = int(m["index"])
    if index in slot:
        _reuse_fail(f"{name}[{index}]", values)
    slot[index] = parsed


def _list(name: str, parse: Callable[[str], Any], type_: type, m: dict, values: str,
          out: dict) -> None:
    if m["index"] is not None:
        raise ValueError("Assignment of a list to a list index.")
    if name in out:
        _reuse_fail(name, values)
    elements = [e for e in re.split("[ ,]", m["vals"]) if e]
    try:
        out[name] = [parse(e) for e in elements]
    except (ValueError, TypeError):
        _parse_fail(name, type_, m["vals"], values)


def parse_values(values: str, type_map: dict[str, type],
                 ignore_unknown: bool = False) -> dict[str, Any]:
    """Parse ``"a=1,b=[1,2],c[0]=3"`` into ``{"a": 1, "b": [1, 2], "c": {0: 3}}``.

    Each value is converted with the type from ``type_map``. Raises ``ValueError`` on
    malformed text, unknown names (unless ``ignore_unknown``), values that do not
    parse, or a name assigned twice.
    """
    if not isinstance(values, str):
        raise TypeError(f"parse_values expects a str, got {type(values).__name__}")
    out: dict[str, Any] = {}
    pos = 0
    while pos < len(values):
        match = _PARAM_RE.match(values, pos)
        if not match:
            raise ValueError(f"Malformed hyperparameter value: {values[pos:]}")
        pos = match.end()
        m = match.groupdict()
        name = m["name"]
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError(f"Unknown hyperparameter type for {name}")
        type_ = type_map[name]
        parse = _parser(name, type_, values)
        if m["val"] is not None:
            _scalar(name, parse, type_, m, values, out)
        elif m["vals"] is not None:
            _list(name, parse, type_, m, values, out)
        else:
            _parse_fail(name, type_, "", values)
    return out


def _cast(name: str, param_type: type, value: Any) -> Any:
    """TF's ``_cast_to_type_if_compatible``: convert ``value`` or raise ``ValueError``."""
    fail = f"Could not cast hparam '{name}' of type '{param_type}' from value {value!r}"
    if type(value) is param_type:
        return value
    if issubclass(param_type, type(None)):
        return value
    if issubclass(param_type, (str, bytes)) and not isinstance(value, (str, bytes)):
        raise ValueError(fail)
    if issubclass(param_type, bool) != isinstance(value, bool):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number):
        raise ValueError(fail)
    return param_type(value)


def _without_callables(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _without_callables(v) for k, v in x.items() if not callable(v)}
    if isinstance(x, list):
        return [_without_callables(v) for v in x if not callable(v)]
    return x


class HParams:
    """A set of hyperparameters as attributes: ``HParams(learning_rate=0.1, layers=[64, 32])``."""

    def __init__(self, hparam_def: Any = None, model_structure: Any = None,
                 **kwargs: Any) -> None:
        self._hparam_types: dict[str, tuple[type, bool]] = {}
        self._model_structure = model_structure
        if hparam_def is not None:
            raise NotImplementedError(
                "HParams(hparam_def=...) needs TF's HParamDef protocol buffer; "
                "use keyword arguments or parse_json instead")
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name: str, value: Any) -> None:
        """Add hyperparameter ``name``; its type (and list-ness) comes from ``value``."""
        if getattr(self, name, None) is not None:
            raise ValueError(f"Hyperparameter name is reserved: {name}")
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError(f"Multi-valued hyperparameters cannot be empty: {name}")
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name: str, value: Any) -> None:
        """Set an existing hyperparameter, cast to its type (``KeyError`` if unknown)."""
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError(f"Must not pass a list for single-valued parameter: {name}")
            setattr(self, name, [_cast(name, param_type, v) for v in value])
        else:
            if is_list:
                raise ValueError(f"Must pass a list for multi-valued parameter: {name}.")
            setattr(self, name, _cast(name, param_type, value))

    def del_hparam(self, name: str) -> None:
        """Remove hyperparameter ``name`` (nothing happens if it does not exist)."""
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values: str) -> HParams:
        """Override values from ``"name=value,name=[v1,v2]"`` text; returns ``self``."""
        type_map = {name: t for name, (t, _) in self._hparam_types.items()}
        return self.override_from_dict(parse_values(values, type_map))

    def override_from_dict(self, values_dict: dict[str, Any]) -> HParams:
        """``set_hparam`` for each item; returns ``self``."""
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def set_from_map(self, values_map: dict[str, Any]) -> HParams:
        """Deprecated alias of ``override_from_dict``."""
        return self.override_from_dict(values_map)

    def set_model_structure(self, model_structure: Any) -> None:
        """Attach an arbitrary model-structure object."""
        self._model_structure = model_structure

    def get_model_structure(self) -> Any:
        """The model-structure object, or ``None``."""
        return self._model_structure

    def to_json(self, indent: int | None = None, separators: tuple[str, str] | None = None,
                sort_keys: bool = False) -> str:
        """The values as JSON text (callables are left out)."""
        return json.dumps(_without_callables(self.values()), indent=indent,
                          separators=separators, sort_keys=sort_keys)

    def parse_json(self, values_json: str) -> HParams:
        """Override values from a JSON object; returns ``self``."""
        return self.override_from_dict(json.loads(values_json))

    def values(self) -> dict[str, Any]:
        """A dict of name -> value."""
        return {name: getattr(self, name) for name in self._hparam_types}

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default``; a default of the wrong type is a ``ValueError``."""
        if key not in self._hparam_types:
            return default
        if default is not None:
            param_type, is_list = self._hparam_types[key]
            type_str = f"list<{param_type}>" if is_list else str(param_type)
            fail = f"Hparam '{key}' of type '{type_str}' is incompatible with default={default}"
            if is_list != isinstance(default, list):
                raise ValueError(fail)
            try:
                for v in (default if is_list else [default]):
                    _cast(key, param_type, v)
            except ValueError as e:
                raise ValueError(f"{fail}. {e}") from None
        return getattr(self, key)

    def __contains__(self, key: str) -> bool:
        return key in self._hparam_types

    def __str__(self) -> str:
        return str(sorted(self.values().items()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self})"
