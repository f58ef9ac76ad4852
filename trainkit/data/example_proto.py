"""``tf.train.Example`` and its parts, serialized in the real protobuf wire format.

``Example{features: Features{feature: map<string, Feature>}}``; a ``Feature`` holds one
of ``bytes_list`` / ``float_list`` / ``int64_list``, each a message with a repeated
``value`` (floats and int64s packed, as TF writes them; unpacked input is read too).
The bytes are interchangeable with TF's ``example_pb2`` (checked against TF 2.21 when
written; see ``tests/data/test_example_proto.py``).

Example:
    >>> ex = Example(features=Features(feature={
    ...     "label": Feature(int64_list=Int64List(value=[3])),
    ...     "image": Feature(bytes_list=BytesList(value=[b"raw"]))}))
    >>> Example.FromString(ex.SerializeToString()) == ex
    True
"""

from __future__ import annotations

import numbers
import struct
from typing import Any

# -- wire format -------------------------------------------------------------------------


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise ValueError("varint too long")


def _field(num: int, wire: int) -> bytes:
    return _varint((num << 3) | wire)


def _len_delim(num: int, payload: bytes) -> bytes:
    return _field(num, 2) + _varint(len(payload)) + payload


def _fields(buf: bytes) -> list[tuple[int, int, Any]]:
    """``(field number, wire type, value)`` of every field of a serialized message."""
    out = []
    pos, n = 0, len(buf)
    while pos < n:
        key, pos = _read_varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            size, pos = _read_varint(buf, pos)
            value, pos = buf[pos:pos + size], pos + size
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        if pos > n:
            raise ValueError("truncated message")
        out.append((num, wire, value))
    return out


class DecodeError(ValueError):
    """A serialized message that does not parse (``google.protobuf.message.DecodeError``)."""


# -- messages ------------------------------------------------------------------------------


class _Message:
    def SerializeToString(self, deterministic: bool = True) -> bytes:  # noqa: N802
        """The message in protobuf wire format."""
        return self._encode()

    def ParseFromString(self, data: bytes) -> int:  # noqa: N802
        """Replaces the contents with the parsed ``data``; returns its length.

        Raises:
            DecodeError: ``data`` is not a valid serialization.
        """
        try:
            fresh = type(self)._decode(bytes(data))
        except (ValueError, IndexError, struct.error, UnicodeDecodeError) as e:
            raise DecodeError(f"Error parsing message: {e}") from None
        self.__dict__.update(fresh.__dict__)
        return len(data)

    @classmethod
    def FromString(cls, data: bytes) -> Any:  # noqa: N802
        """A new message parsed from ``data``."""
        msg = cls()
        msg.ParseFromString(data)
        return msg

    def CopyFrom(self, other: Any) -> None:  # noqa: N802
        """Replaces the contents with a copy of ``other``."""
        if type(other) is not type(self):
            raise TypeError(f"CopyFrom expects a {type(self).__name__}, got "
                            f"{type(other).__name__}")
        self.ParseFromString(other.SerializeToString())

    def ByteSize(self) -> int:  # noqa: N802
        return len(self._encode())

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._encode() == other._encode()

    __hash__ = None  # type: ignore[assignment]


class _Values(list):
    """A repeated scalar field that type-checks appended values like protobuf."""

    def __init__(self, check: Any, values: Any = ()):
        super().__init__()
        self._check = check
        self._touch: Any = None  # set by a Feature: appending selects its ``kind``
        self.extend(values)

    def append(self, v: Any) -> None:  # noqa: D102
        super().append(self._check(v))
        if self._touch is not None:
            self._touch()

    def extend(self, vs: Any) -> None:  # noqa: D102
        super().extend(self._check(v) for v in vs)
        if self._touch is not None:  # even extend([]) sets the oneof, as in protobuf
            self._touch()


def _check_bytes(v: Any) -> bytes:
    if isinstance(v, (bytes, bytearray)):
        return bytes(v)
    raise TypeError(f"{v!r} has type {type(v).__name__}, but expected one of: bytes")


def _check_float(v: Any) -> float:
    if isinstance(v, numbers.Real):
        return float(v)
    raise TypeError(f"{v!r} has type {type(v).__name__}, but expected one of: int, float")


def _check_int(v: Any) -> int:
    if isinstance(v, numbers.Integral):
        v = int(v)
        if not -(1 << 63) <= v < (1 << 63):
            raise ValueError(f"Value out of range: {v}")
        return v
    raise TypeError(f"{v!r} has type {type(v).__name__}, but expected one of: int")


class BytesList(_Message):
    """``value``: a list of bytes."""

    def __init__(self, value: Any = ()):
        self.value = _Values(_check_bytes, value)

    def _encode(self) -> bytes:
        return b"".join(_len_delim(1, v) for v in self.value)

    @classmethod
    def _decode(cls, buf: bytes) -> BytesList:
        return cls([v for num, wire, v in _fields(buf) if num == 1 and wire == 2])


class FloatList(_Message):
    """``value``: a list of floats (stored as float32)."""

    def __init__(self, value: Any = ()):
        self.value = _Values(_check_float, value)

    def _encode(self) -> bytes:
        if not self.value:
            return b""
        return _len_delim(1, struct.pack(f"<{len(self.value)}f", *self.value))

    @classmethod
    def _decode(cls, buf: bytes) -> FloatList:
        out: list[float] = []
        for num, wire, v in _fields(buf):
            if num != 1:
                continue
            if wire == 2:
                out.extend(struct.unpack(f"<{len(v) // 4}f", v[:len(v) // 4 * 4]))
            elif wire == 5:
                out.append(struct.unpack("<f", v)[0])
        return cls(out)


class Int64List(_Message):
    """``value``: a list of int64."""

    def __init__(self, value: Any = ()):
        self.value = _Values(_check_int, value)

    def _encode(self) -> bytes:
        if not self.value:
            return b""
        return _len_delim(1, b"".join(_varint(v) for v in self.value))

    @classmethod
    def _decode(cls, buf: bytes) -> Int64List:
        out: list[int] = []

        def signed(u: int) -> int:
            return u - (1 << 64) if u >= (1 << 63) else u
        for num, wire, v in _fields(buf):
            if num != 1:
                continue
            if wire == 2:
                pos = 0
                while pos < len(v):
                    u, pos = _read_varint(v, pos)
                    out.append(signed(u))
            elif wire == 0:
                out.append(signed(v))
        return cls(out)


_KINDS = ("bytes_list", "float_list", "int64_list")
_KIND_CLASSES = {"bytes_list": BytesList, "float_list": FloatList, "int64_list": Int64List}


class Feature(_Message):
    """One of ``bytes_list``, ``float_list``, ``int64_list`` (``WhichOneof('kind')``)."""

    def __init__(self, bytes_list: BytesList | None = None, float_list: FloatList | None = None,
                 int64_list: Int64List | None = None):
        self._kind: str | None = None
        self._lists = {k: _KIND_CLASSES[k]() for k in _KINDS}
        for k, v in (("bytes_list", bytes_list), ("float_list", float_list),
                     ("int64_list", int64_list)):
            if v is not None:
                if not isinstance(v, _KIND_CLASSES[k]):
                    raise TypeError(f"{k} must be a {_KIND_CLASSES[k].__name__}, got "
                                    f"{type(v).__name__}")
                self._lists[k].CopyFrom(v)
                self._kind = k

    def __getattr__(self, name: str) -> Any:
        if name in _KINDS:
            lst = self.__dict__["_lists"][name]
            lst.value._touch = lambda: self._select(name)
            return lst
        raise AttributeError(f"Feature has no field '{name}'")

    def _select(self, kind: str) -> None:
        """Filling ``kind`` in place makes it the set one and clears the others."""
        if self._kind != kind:
            for k in _KINDS:
                if k != kind and self._lists[k].value:
                    self._lists[k] = _KIND_CLASSES[k]()
            self._kind = kind

    def _effective_kind(self) -> str | None:
        if self._kind is not None:
            return self._kind
        return next((k for k in _KINDS if self._lists[k].value), None)  # set by appending

    def WhichOneof(self, group: str) -> str | None:  # noqa: N802
        """The set ``kind`` (``'bytes_list'``, ...) or None."""
        if group != "kind":
            raise ValueError(f'Protocol message has no "{group}" field.')
        return self._effective_kind()

    def HasField(self, name: str) -> bool:  # noqa: N802
        return self._effective_kind() == name

    def _encode(self) -> bytes:
        kind = self._effective_kind()
        if kind is None:
            return b""
        return _len_delim(_KINDS.index(kind) + 1, self._lists[kind]._encode())

    @classmethod
    def _decode(cls, buf: bytes) -> Feature:
        f = cls()
        for num, wire, v in _fields(buf):
            if wire == 2 and 1 <= num <= 3:
                kind = _KINDS[num - 1]
                f._lists[kind] = _KIND_CLASSES[kind]._decode(v)
                f._kind = kind
        return f


class _FeatureMap(dict):
    """``map<string, Feature>``: a missing key reads as a new empty Feature, as in protobuf."""

    def __missing__(self, key: str) -> Feature:
        f = self[key] = Feature()
        return f

    def __setitem__(self, key: str, value: Feature) -> None:
        if not isinstance(key, str):
            raise TypeError(f"map keys are str, got {type(key).__name__}")
        if not isinstance(value, Feature):
            raise TypeError(f"map values are Feature, got {type(value).__name__}")
        super().__setitem__(key, value)


class Features(_Message):
    """``feature``: a dict from name to :class:`Feature`."""

    def __init__(self, feature: dict | None = None):
        self.feature = _FeatureMap()
        for k, v in (feature or {}).items():
            self.feature[k] = v

    def _encode(self) -> bytes:
        out = []
        for k in sorted(self.feature):
            entry = _len_delim(1, k.encode("utf-8")) + _len_delim(2, self.feature[k]._encode())
            out.append(_len_delim(1, entry))
        return b"".join(out)

    @classmethod
    def _decode(cls, buf: bytes) -> Features:
        fs = cls()
        for num, wire, v in _fields(buf):
            if num != 1 or wire != 2:
                continue
            key, feat = "", Feature()
            for n2, w2, v2 in _fields(v):
                if n2 == 1 and w2 == 2:
                    key = v2.decode("utf-8")
                elif n2 == 2 and w2 == 2:
                    feat = Feature._decode(v2)
            fs.feature[key] = feat
        return fs


class Example(_Message):
    """``features``: the example's :class:`Features`."""

    def __init__(self, features: Features | None = None):
        self.features = Features()
        if features is not None:
            if not isinstance(features, Features):
                raise TypeError(f"features must be a Features, got {type(features).__name__}")
            self.features.CopyFrom(features)

    def _encode(self) -> bytes:
        inner = self.features._encode()
        return _len_delim(1, inner) if inner else b""

    @classmethod
    def _decode(cls, buf: bytes) -> Example:
        ex = cls()
        for num, wire, v in _fields(buf):
            if num == 1 and wire == 2:
                ex.features = Features._decode(v)
        return ex


def parse_example_bytes(data: bytes) -> dict[str, tuple[str | None, list]]:
    """``{name: (kind, values)}`` of a serialized Example (used by the parsing kernels).

    Raises:
        DecodeError: ``data`` is not an Example.
    """
    try:
        ex = Example._decode(bytes(data))
    except (ValueError, IndexError, struct.error, UnicodeDecodeError) as e:
        raise DecodeError(f"Could not parse example input: {e}") from None
    out = {}
    for k, f in ex.features.feature.items():
        kind = f._effective_kind()
        out[k] = (kind, list(f._lists[kind].value) if kind else [])
    return out


__all__ = ["Example", "Features", "Feature", "BytesList", "FloatList", "Int64List",
           "DecodeError", "parse_example_bytes"]
