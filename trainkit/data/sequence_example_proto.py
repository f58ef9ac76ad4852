"""``tf.train.SequenceExample`` and its parts, in the real protobuf wire format.

``SequenceExample{context: Features, feature_lists: FeatureLists}``,
``FeatureLists{feature_list: map<string, FeatureList>}``,
``FeatureList{feature: repeated Feature}`` (field number 1 everywhere except
``feature_lists`` = 2). Map entries are written in key order, as TF's
``SerializeToString(deterministic=True)``; a set but empty ``context`` or
``feature_lists`` is written (``0a 00``) as protobuf does. The bytes were checked against
TF 2.21's ``example_pb2`` (``tests/data/test_sequence_example.py``).

Example:
    >>> seq = SequenceExample()
    >>> seq.context.feature["length"].int64_list.value.append(2)
    >>> tokens = seq.feature_lists.feature_list["tokens"]
    >>> for t in (7, 9):
    ...     tokens.feature.add().int64_list.value.append(t)
    >>> SequenceExample.FromString(seq.SerializeToString()) == seq
    True
"""

from __future__ import annotations

import struct
from typing import Any

from trainkit.data.example_proto import (
    DecodeError,
    Feature,
    Features,
    _fields,
    _len_delim,
    _Message,
)


class _FeatureSeq(list):
    """``repeated Feature``: ``add()`` appends a new Feature; appended ones are copied."""

    def __init__(self, values: Any = ()):
        super().__init__()
        self.extend(values)

    @staticmethod
    def _copy(f: Any) -> Feature:
        if not isinstance(f, Feature):
            raise TypeError(f"FeatureList.feature holds Feature, got {type(f).__name__}")
        out = Feature()
        out.CopyFrom(f)
        return out

    def add(self, **kwargs: Any) -> Feature:
        """Appends ``Feature(**kwargs)`` and returns it (for in-place filling)."""
        f = Feature(**kwargs)
        super().append(f)
        return f

    def append(self, f: Any) -> None:  # noqa: D102
        super().append(self._copy(f))

    def extend(self, fs: Any) -> None:  # noqa: D102
        super().extend(self._copy(f) for f in fs)


class FeatureList(_Message):
    """``feature``: the steps of one sequence, each a :class:`Feature`."""

    def __init__(self, feature: Any = ()):
        self.feature = _FeatureSeq(feature)

    def _encode(self) -> bytes:
        return b"".join(_len_delim(1, f._encode()) for f in self.feature)

    @classmethod
    def _decode(cls, buf: bytes) -> FeatureList:
        fl = cls()
        for num, wire, v in _fields(buf):
            if num == 1 and wire == 2:
                list.append(fl.feature, Feature._decode(v))
        return fl


class _FeatureListMap(dict):
    """``map<string, FeatureList>``: a missing key reads as a new empty FeatureList."""

    def __missing__(self, key: str) -> FeatureList:
        fl = self[key] = FeatureList()
        return fl

    def __setitem__(self, key: str, value: FeatureList) -> None:
        if not isinstance(key, str):
            raise TypeError(f"map keys are str, got {type(key).__name__}")
        if not isinstance(value, FeatureList):
            raise TypeError(f"map values are FeatureList, got {type(value).__name__}")
        super().__setitem__(key, value)


class FeatureLists(_Message):
    """``feature_list``: a dict from name to :class:`FeatureList`."""

    def __init__(self, feature_list: dict | None = None):
        self.feature_list = _FeatureListMap()
        for k, v in (feature_list or {}).items():
            self.feature_list[k] = v

    def _encode(self) -> bytes:
        out = []
        for k in sorted(self.feature_list):
            entry = (_len_delim(1, k.encode("utf-8"))
                     + _len_delim(2, self.feature_list[k]._encode()))
            out.append(_len_delim(1, entry))
        return b"".join(out)

    @classmethod
    def _decode(cls, buf: bytes) -> FeatureLists:
        fls = cls()
        for num, wire, v in _fields(buf):
            if num != 1 or wire != 2:
                continue
            key, fl = "", FeatureList()
            for n2, w2, v2 in _fields(v):
                if n2 == 1 and w2 == 2:
                    key = v2.decode("utf-8")
                elif n2 == 2 and w2 == 2:
                    fl = FeatureList._decode(v2)
            fls.feature_list[key] = fl
        return fls


class SequenceExample(_Message):
    """``context`` (:class:`Features`) and ``feature_lists`` (:class:`FeatureLists`)."""

    def __init__(self, context: Features | None = None,
                 feature_lists: FeatureLists | None = None):
        self.context = Features()
        self.feature_lists = FeatureLists()
        self._set = {"context": context is not None, "feature_lists": feature_lists is not None}
        for name, value, cls in (("context", context, Features),
                                 ("feature_lists", feature_lists, FeatureLists)):
            if value is not None:
                if not isinstance(value, cls):
                    raise TypeError(f"{name} must be a {cls.__name__}, got "
                                    f"{type(value).__name__}")
                getattr(self, name).CopyFrom(value)

    def HasField(self, name: str) -> bool:  # noqa: N802
        """Whether ``context`` / ``feature_lists`` is set (given, parsed or filled)."""
        if name not in self._set:
            raise ValueError(f'Protocol message has no non-repeated submessage field "{name}"')
        return self._set[name] or bool(getattr(self, name)._encode())

    def _encode(self) -> bytes:
        out = b""
        for num, name in ((1, "context"), (2, "feature_lists")):
            inner = getattr(self, name)._encode()
            if inner or self._set[name]:
                out += _len_delim(num, inner)
        return out

    @classmethod
    def _decode(cls, buf: bytes) -> SequenceExample:
        seq = cls()
        for num, wire, v in _fields(buf):
            if num == 1 and wire == 2:
                seq.context = Features._decode(v)
                seq._set["context"] = True
            elif num == 2 and wire == 2:
                seq.feature_lists = FeatureLists._decode(v)
                seq._set["feature_lists"] = True
        return seq


def _kind_values(f: Feature) -> tuple[str | None, list]:
    kind = f._effective_kind()
    return kind, list(f._lists[kind].value) if kind else []


def parse_sequence_example_bytes(data: bytes) -> tuple[dict, dict]:
    """``({name: (kind, values)}, {name: [(kind, values) per step]})`` of a serialized
    SequenceExample (used by the parsing kernels).

    Raises:
        DecodeError: ``data`` is not a SequenceExample.
    """
    try:
        seq = SequenceExample._decode(bytes(data))
    except (ValueError, IndexError, struct.error, UnicodeDecodeError) as e:
        raise DecodeError(f"Could not parse SequenceExample input: {e}") from None
    context = {k: _kind_values(f) for k, f in seq.context.feature.items()}
    lists = {k: [_kind_values(f) for f in fl.feature]
             for k, fl in seq.feature_lists.feature_list.items()}
    return context, lists


__all__ = ["SequenceExample", "FeatureLists", "FeatureList", "parse_sequence_example_bytes"]
