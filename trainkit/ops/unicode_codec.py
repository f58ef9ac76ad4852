"""The Unicode codecs of TF's ``Unicode*`` ops: UTF-8, UTF-16-BE and UTF-32-BE decoded to
code points with the byte offset of each, and code points encoded back, with TF's error
modes (``'strict'``, ``'replace'``, ``'ignore'``).

Decoding follows the Unicode Standard's advice TF's ICU converters follow: each maximal
ill-formed subsequence (a lead byte and the continuation bytes that fit it, a lone or
unpaired surrogate, a truncated final unit) is one error, replaced by one replacement
character at the offset where it starts.

Example:
    >>> decode(b"a\\xffb", "UTF-8", "replace", 0xFFFD)
    [(97, 0), (65533, 1), (98, 2)]
"""

from __future__ import annotations

from collections.abc import Iterator

ENCODINGS = ("UTF-8", "UTF-16-BE", "UTF-32-BE")
ERROR_MODES = ("strict", "replace", "ignore")
MAX_CODE_POINT = 0x10FFFF
INVALID_INPUT = "Invalid formatting on input string"
INVALID_CODE_POINT = "Code point is out of range for Unicode, or is a surrogate."
BAD_REPLACEMENT = "replacement_char out of unicode codepoint range"

# (lead byte range, continuation bytes, allowed range of the first continuation byte):
# the well-formed UTF-8 byte sequences of the Unicode Standard (table 3-7).
_UTF8_LEADS = (
    (0xC2, 0xDF, 1, 0x80, 0xBF), (0xE0, 0xE0, 2, 0xA0, 0xBF), (0xE1, 0xEC, 2, 0x80, 0xBF),
    (0xED, 0xED, 2, 0x80, 0x9F), (0xEE, 0xEF, 2, 0x80, 0xBF), (0xF0, 0xF0, 3, 0x90, 0xBF),
    (0xF1, 0xF3, 3, 0x80, 0xBF), (0xF4, 0xF4, 3, 0x80, 0x8F),
)
_LEAD_TABLE: dict[int, tuple[int, int, int]] = {
    b: (n, lo, hi) for first, last, n, lo, hi in _UTF8_LEADS for b in range(first, last + 1)}


def canonical(encoding: str) -> str | None:
    """The name in :data:`ENCODINGS` that ``encoding`` spells (case and ``-``/``_``
    ignored, as ICU's aliases allow), else None."""
    key = encoding.upper().replace("-", "").replace("_", "")
    for name in ENCODINGS:
        if key == name.replace("-", ""):
            return name
    return None


def _utf8(data: bytes) -> Iterator[tuple[int | None, int]]:
    """``(code point or None for an ill-formed subsequence, start offset)`` pairs."""
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            yield b, i
            i += 1
            continue
        lead = _LEAD_TABLE.get(b)
        if lead is None:
            yield None, i
            i += 1
            continue
        need, lo, hi = lead
        cp, j = b & (0x3F >> need), i + 1
        while j < n and j - i <= need:
            c = data[j]
            if not ((lo <= c <= hi) if j == i + 1 else (0x80 <= c <= 0xBF)):
                break
            cp = (cp << 6) | (c & 0x3F)
            j += 1
        yield (cp if j - i == need + 1 else None), i
        i = j


def _utf16be(data: bytes) -> Iterator[tuple[int | None, int]]:
    i, n = 0, len(data)
    while i + 1 < n:
        u = (data[i] << 8) | data[i + 1]
        if 0xD800 <= u <= 0xDBFF and n - i == 3:  # a high surrogate and half a unit:
            yield None, i                          # one truncated sequence (as ICU)
            return
        if 0xD800 <= u <= 0xDBFF and i + 3 < n:
            low = (data[i + 2] << 8) | data[i + 3]
            if 0xDC00 <= low <= 0xDFFF:
                yield 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00), i
                i += 4
                continue
        yield (None if 0xD800 <= u <= 0xDFFF else u), i
        i += 2
    if i < n:  # an odd final byte
        yield None, i


def _utf32be(data: bytes) -> Iterator[tuple[int | None, int]]:
    for i in range(0, len(data), 4):
        if i + 4 > len(data):  # a truncated final unit
            yield None, i
            break
        u = int.from_bytes(data[i:i + 4], "big")
        yield (None if u > MAX_CODE_POINT or 0xD800 <= u <= 0xDFFF else u), i


_DECODERS = {"UTF-8": _utf8, "UTF-16-BE": _utf16be, "UTF-32-BE": _utf32be}


class CodecError(ValueError):
    """Input the ``'strict'`` mode refuses (the op turns it into ``InvalidArgumentError``)."""


def check_replacement(replacement_char: int) -> None:
    """Raises :class:`CodecError` for a replacement outside ``[0, 0x10FFFF]``."""
    if not 0 <= replacement_char <= MAX_CODE_POINT:
        raise CodecError(BAD_REPLACEMENT)


def decode(data: bytes, encoding: str, errors: str, replacement_char: int,
           replace_control: bool = False, strict_control: bool = False
           ) -> list[tuple[int, int]]:
    """``(code point, byte offset)`` of each character of ``data``.

    Args:
        data: the encoded string.
        encoding: a name of :data:`ENCODINGS`.
        errors: ``'strict'`` (raise), ``'replace'`` (``replacement_char``) or
            ``'ignore'`` (drop) for ill-formed input.
        replacement_char: the code point put for ill-formed input.
        replace_control: C0 controls (U+0000..U+001F) count as errors too...
        strict_control: ...that ``'strict'`` refuses (TF's transcode); without it
            ``'strict'`` replaces them (TF's decode).

    Raises:
        CodecError: ill-formed input (or a control, see above) under ``'strict'``.
    """
    out = []
    for cp, offset in _DECODERS[encoding](data):
        control = replace_control and cp is not None and cp < 0x20
        if cp is not None and not control:
            out.append((cp, offset))
        elif errors == "ignore":
            continue
        elif errors == "strict" and (cp is None or strict_control):
            raise CodecError(INVALID_INPUT)
        else:
            out.append((replacement_char, offset))
    return out


def is_scalar_value(cp: int) -> bool:
    """Whether ``cp`` is a Unicode scalar value (in range and not a surrogate)."""
    return 0 <= cp <= MAX_CODE_POINT and not 0xD800 <= cp <= 0xDFFF


def encode_one(cp: int, encoding: str) -> bytes:
    """One code point in ``encoding``; a surrogate (only a replacement character can
    be one) is U+FFFD in UTF-8 and its own code unit in UTF-16/32, as ICU writes it."""
    if encoding == "UTF-32-BE":
        return cp.to_bytes(4, "big")
    if encoding == "UTF-16-BE":
        if cp < 0x10000:
            return cp.to_bytes(2, "big")
        v = cp - 0x10000
        return (0xD800 + (v >> 10)).to_bytes(2, "big") + (0xDC00 + (v & 0x3FF)).to_bytes(2, "big")
    if 0xD800 <= cp <= 0xDFFF:
        cp = 0xFFFD
    return chr(cp).encode("utf-8")


def encode(code_points: list[int], encoding: str, errors: str, replacement_char: int
           ) -> bytes:
    """``code_points`` encoded in ``encoding``; a value that is not a Unicode scalar
    value is an error handled as ``errors`` says.

    Raises:
        CodecError: a bad code point under ``'strict'``.
    """
    out = []
    for cp in code_points:
        if not is_scalar_value(cp):
            if errors == "strict":
                raise CodecError(INVALID_CODE_POINT)
            if errors == "ignore":
                continue
            cp = replacement_char
        out.append(encode_one(cp, encoding))
    return b"".join(out)


__all__ = ["ENCODINGS", "ERROR_MODES", "CodecError", "canonical", "check_replacement",
           "decode", "encode", "encode_one", "is_scalar_value"]
