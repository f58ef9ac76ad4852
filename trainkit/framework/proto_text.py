"""Protocol-buffer text format, fast: the same text as ``google.protobuf.text_format``'s
``MessageToString(message)`` with its defaults (fields in number order, map entries in key
order, strings kept as UTF-8, bytes escaped as octal), in a fraction of the time.

``text_format`` prints each field through several Python calls; a 5,000-op ``GraphDef``
holds some 250,000 fields and took 0.3-0.5 s (``graph.pbtxt``). Here how a field prints
is worked out once per field descriptor, a map's message values that repeat (the
attributes of a graph's nodes: ``T``, shapes, ``_output_types``) are formatted once per
call, and the lines are gathered in one list. A message this module does not model
(an ``Any`` naming its type, extensions, groups) is printed by ``text_format`` itself,
so the text is the same for every message.

Example:
    >>> from tensorboardX.proto.versions_pb2 import VersionDef
    >>> message_to_string(VersionDef(producer=22, bad_consumers=[1, 2]))
    'producer: 22\\nbad_consumers: 1\\nbad_consumers: 2\\n'
"""

from __future__ import annotations

import math
import re
import struct
from typing import Any

from google.protobuf import descriptor as _descriptor

_FD = _descriptor.FieldDescriptor
_MESSAGE, _MAP, _ENUM, _STRING, _BYTES, _BOOL, _FLOAT, _PLAIN = range(8)

# Escapes of protobuf's C-style strings: printable ASCII stays, except the quote, the
# apostrophe and the backslash; tab, newline and carriage return get their letter;
# any other byte below 128 (and, in bytes fields, every byte from 128 on) is octal.
_ESCAPES = {i: f"\\{i:03o}" for i in [*range(32), 127]}
_ESCAPES.update({9: "\\t", 10: "\\n", 13: "\\r", 34: '\\"', 39: "\\'", 92: "\\\\"})
_BYTE_ESCAPES = {**_ESCAPES, **{i: f"\\{i:03o}" for i in range(128, 256)}}
_NEEDS_ESCAPE = re.compile(r"[\x00-\x1f\x7f\"'\\]")
_BYTES_NEED_ESCAPE = re.compile(rb"[^\x20-\x7e]|[\"'\\]")

_PLANS: dict[Any, Any] = {}
_PADS: list[str] = []


def _pad(indent: int) -> str:
    while len(_PADS) <= indent:
        _PADS.append(" " * len(_PADS))
    return _PADS[indent]


def _escape_string(value: str) -> str:
    return value.translate(_ESCAPES) if _NEEDS_ESCAPE.search(value) else value


def _escape_bytes(value: bytes) -> str:
    if _BYTES_NEED_ESCAPE.search(value):
        return value.decode("latin-1").translate(_BYTE_ESCAPES)
    return value.decode("ascii")


def _to_float32(x: float) -> float:
    return struct.unpack("<f", struct.pack("<f", x))[0]


_FLOATS: dict[float, str] = {}


def _float32_text(value: float) -> str:
    """The fewest significant digits (at least 6) that read back as the same float32."""
    if value != value:  # NaN
        return str(value)
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    text = _FLOATS.get(value)
    if text is None:
        digits = 6
        shortest = float(f"{value:.{digits}g}")
        while _to_float32(shortest) != value:
            digits += 1
            shortest = float(f"{value:.{digits}g}")
        text = _FLOATS[value] = str(shortest)
        if len(_FLOATS) > 100_000:
            _FLOATS.clear()
    return text


def _scalar_kind(field: Any) -> tuple[int, Any]:
    cpp = field.cpp_type
    if cpp == _FD.CPPTYPE_ENUM:
        return _ENUM, {v.number: v.name for v in field.enum_type.values}
    if cpp == _FD.CPPTYPE_STRING:
        return (_BYTES if field.type == _FD.TYPE_BYTES else _STRING), None
    if cpp == _FD.CPPTYPE_BOOL:
        return _BOOL, None
    if cpp == _FD.CPPTYPE_FLOAT:
        return _FLOAT, None
    return _PLAIN, None  # integers and doubles print as Python prints them


def _scalar_text(kind: int, names: Any, value: Any) -> str:
    if kind == _STRING:
        return f'"{_escape_string(value)}"'
    if kind == _BYTES:
        return f'"{_escape_bytes(value)}"'
    if kind == _ENUM:
        name = names.get(value)
        return str(value) if name is None else name
    if kind == _BOOL:
        return "true" if value else "false"
    if kind == _FLOAT:
        return _float32_text(value)
    return str(value)


def _entry_presence(field: Any) -> tuple[bool, bool]:
    """Whether a map entry built from a default key (value) still lists it as set:
    ``text_format`` prints an entry as ``Entry(key=k, value=v)``, a message of its own."""
    entry_type = field.message_type
    key_field, value_field = entry_type.fields_by_name["key"], entry_type.fields_by_name["value"]
    from google.protobuf import message_factory

    cls = message_factory.GetMessageClass(entry_type)
    value = (message_factory.GetMessageClass(value_field.message_type)()
             if value_field.cpp_type == _FD.CPPTYPE_MESSAGE else value_field.default_value)
    listed = {f.name for f, _ in cls(key=key_field.default_value, value=value).ListFields()}
    return "key" in listed, "value" in listed


def _plan(field: Any) -> Any:
    """How ``field`` prints: ``(kind, name, detail, repeated)``, or None for fields left
    to ``text_format`` (extensions and groups)."""
    plan = _PLANS.get(field)
    if plan is None and field not in _PLANS:
        if field.is_extension or field.type == _FD.TYPE_GROUP:
            plan = None
        elif field.cpp_type == _FD.CPPTYPE_MESSAGE:
            options = field.message_type.GetOptions() if field.message_type.has_options \
                else None
            if options is not None and options.map_entry:
                key_field = field.message_type.fields_by_name["key"]
                value_field = field.message_type.fields_by_name["value"]
                key_always, value_always = _entry_presence(field)
                value_kind = (_MESSAGE if value_field.cpp_type == _FD.CPPTYPE_MESSAGE
                              else _scalar_kind(value_field))
                plan = (_MAP, field.name, (_scalar_kind(key_field), key_field.default_value,
                                           key_always, value_kind, value_field.default_value,
                                           value_always, value_field.message_type), True)
            else:
                plan = (_MESSAGE, field.name, None, field.is_repeated)
        else:
            kind, detail = _scalar_kind(field)
            plan = (kind, field.name, detail, field.is_repeated)
        _PLANS[field] = plan
    return plan


def _print_message(message: Any, indent: int, out: list[str], memo: dict) -> None:
    fields = message.ListFields()
    plans = [_plan(f) for f, _ in fields]
    if None in plans or (message.DESCRIPTOR.full_name == "google.protobuf.Any"
                         and "/" in message.type_url):
        from google.protobuf import text_format

        out.append(text_format.MessageToString(message, indent=indent))
        return
    pad = _pad(indent)
    for (_, value), (kind, name, detail, repeated) in zip(fields, plans, strict=True):
        if kind == _MESSAGE:
            for m in value if repeated else (value,):
                out.append(f"{pad}{name} {{\n")
                _print_message(m, indent + 2, out, memo)
                out.append(f"{pad}}}\n")
        elif kind == _MAP:
            _print_map(value, name, detail, indent, out, memo)
        elif repeated:
            head = f"{pad}{name}: "
            out.extend(f"{head}{_scalar_text(kind, detail, v)}\n" for v in value)
        else:
            out.append(f"{pad}{name}: {_scalar_text(kind, detail, value)}\n")


def _print_map(container: Any, name: str, detail: tuple, indent: int, out: list[str],
               memo: dict) -> None:
    (key_kind, key_names), key_default, key_always, value_kind, value_default, \
        value_always, value_type = detail
    pad, inner = _pad(indent), _pad(indent + 2)
    for key in sorted(container):
        value = container[key]
        out.append(f"{pad}{name} {{\n")
        if key_always or key != key_default:
            out.append(f"{inner}key: {_scalar_text(key_kind, key_names, key)}\n")
        if value_kind == _MESSAGE:
            if value_always or value.ByteSize():
                # the attribute values of a graph repeat: format each distinct one once
                memo_key = (value_type.full_name, indent,
                            value.SerializeToString(deterministic=True))
                text = memo.get(memo_key)
                if text is None:
                    lines: list[str] = []
                    _print_message(value, indent + 4, lines, memo)
                    text = memo[memo_key] = f"{inner}value {{\n{''.join(lines)}{inner}}}\n"
                out.append(text)
        elif value_always or value != value_default:
            out.append(f"{inner}value: {_scalar_text(*value_kind, value)}\n")
        out.append(f"{pad}}}\n")


def message_to_string(message: Any) -> str:
    """``message`` in protobuf text format, exactly as ``text_format.MessageToString``
    prints it by default (multi-line, map entries sorted by key, UTF-8 kept).

    Args:
        message: any protocol buffer message.

    Returns:
        The text, ending in a newline unless the message is empty.
    """
    out: list[str] = []
    _print_message(message, 0, out, {})
    return "".join(out)


__all__ = ["message_to_string"]
