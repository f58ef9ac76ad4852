"""``tf.strings.unicode_*``: strings decoded to code points, code points encoded to
strings, strings transcoded between encodings and the script of code points, on TF's ops
(``UnicodeDecode``, ``UnicodeDecodeWithOffsets``, ``UnicodeEncode``,
``UnicodeTranscode``, ``UnicodeScript``) with TF's outputs and error modes.

Encodings are ``'UTF-8'``, ``'UTF-16-BE'`` and ``'UTF-32-BE'``. An input encoding
ignores case, ``-`` and ``_`` as ICU's aliases do; an output encoding, and the encoding
of ``unicode_split``, must be spelled so, as TF checks. ``errors`` is ``'strict'``
(ill-formed input is an ``InvalidArgumentError`` at run time), ``'replace'`` (each
ill-formed subsequence becomes ``replacement_char``) or ``'ignore'`` (dropped);
``replace_control_characters`` treats U+0000..U+001F as ill-formed too.

Differs from TF: trainkit has no ``tf.RaggedTensor``. The ops whose TF result is ragged
for an input of rank >= 1 (``unicode_decode``, ``unicode_decode_with_offsets``,
``unicode_split``, ``unicode_split_with_offsets``) take a scalar string, for which TF's
result is a dense ``tf.Tensor`` too; a string tensor of rank >= 1 is a ``ValueError``.
``unicode_encode`` takes a dense int32 tensor of rank >= 1 (every row encoded whole,
padding included, as TF encodes a dense input). ``unicode_transcode`` and
``unicode_script`` are elementwise, every rank. An input encoding other than the three
(TF's ICU knows more, e.g. ``'ISO-8859-1'``) is an ``InvalidArgumentError`` at run time,
as TF's is for a name ICU does not know.

Example:
    >>> tk.strings.unicode_decode("h\\u00e9", "UTF-8")              # [104, 233]
    >>> tk.strings.unicode_encode([[104, 233]], "UTF-8")           # [b"h\\xc3\\xa9"]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors as tk_errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops import unicode_codec as codec
from trainkit.ops import unicode_script_table as scripts
from trainkit.ops.op_util import make_op

_REPLACEMENT = 0xFFFD


def _choice(op_type: str, attr: str, value: str, allowed: tuple[str, ...]) -> str:
    """TF's check of a string attribute against its allowed values."""
    if value not in allowed:
        listed = ", ".join(f'"{a}"' for a in allowed)
        raise ValueError(f"Attr '{attr}' of '{op_type}' Op passed string '{value}' not in: "
                         f"{listed}.")
    return value


def _output_encoding(op_type: str, encoding: str) -> str:
    return _choice(op_type, "output_encoding", encoding, codec.ENCODINGS)


def _dense(fn: str, value: Any) -> Any:
    """``value``, refused when it is a ``SparseTensor`` (TF takes dense or ragged)."""
    if isinstance(value, SparseTensor):
        raise TypeError(f"{fn}: input must be a dense tensor (TF takes a tf.Tensor or a "
                        f"tf.RaggedTensor, which trainkit does not have), got a SparseTensor.")
    return value


def _scalar_strings(fn: str, input: Any) -> Tensor:  # noqa: A002
    x = conversion.convert_to_tensor(_dense(fn, input), dtype=_dt.string, name="input")
    if x.shape.ndims is None:
        raise ValueError(f"{fn}: Rank of `input` must be statically known.")
    if x.shape.ndims != 0:
        raise ValueError(
            f"{fn}: trainkit decodes scalar strings only (got rank {x.shape.ndims}); for "
            f"rank >= 1 TF returns a tf.RaggedTensor, which trainkit does not have. Decode "
            f"each string separately, or use tf.strings.unicode_transcode.")
    return x


def _decode_attrs(input_encoding: str, errors_mode: str, replacement_char: int,
                  replace_control_characters: bool, op_type: str) -> dict:
    return {"input_encoding": input_encoding,
            "errors": _choice(op_type, "errors", errors_mode, codec.ERROR_MODES),
            "replacement_char": int(replacement_char),
            "replace_control_characters": bool(replace_control_characters)}


def _decode_op(fn: str, op_type: str, input: Any, input_encoding: str,  # noqa: A002
               errors: str, replacement_char: int, replace_control_characters: bool,
               name: str | None) -> list[Tensor]:
    x = _scalar_strings(fn, input)
    attrs = _decode_attrs(input_encoding, errors, replacement_char,
                          replace_control_characters, op_type)
    dtypes = [_dt.int64, _dt.int32] + ([_dt.int64] if op_type.endswith("Offsets") else [])
    return make_op(op_type, [x], dtypes, name=name or op_type, attrs=attrs).outputs


def unicode_decode(input: Any, input_encoding: str, errors: str = "replace",  # noqa: A002
                   replacement_char: int = _REPLACEMENT,
                   replace_control_characters: bool = False,
                   name: str | None = None) -> Tensor:
    """The code points of a scalar string (``tf.strings.unicode_decode``), int32 ``[n]``.

    Raises:
        ValueError: an input of rank >= 1 (ragged in TF) or of unknown rank, or an
            ``errors`` mode not ``'strict'``, ``'replace'`` or ``'ignore'``.
        InvalidArgumentError: at run time, ill-formed input under ``'strict'``, a
            ``replacement_char`` outside ``[0, 0x10FFFF]`` or an unknown encoding.
    """
    return _decode_op("unicode_decode", "UnicodeDecode", input, input_encoding, errors,
                      replacement_char, replace_control_characters, name)[1]


def unicode_decode_with_offsets(input: Any, input_encoding: str,  # noqa: A002
                                errors: str = "replace",
                                replacement_char: int = _REPLACEMENT,
                                replace_control_characters: bool = False,
                                name: str | None = None) -> tuple[Tensor, Tensor]:
    """``(code points int32 [n], byte offset where each starts int64 [n])`` of a scalar
    string (``tf.strings.unicode_decode_with_offsets``).

    Raises:
        ValueError, InvalidArgumentError: as :func:`unicode_decode`.
    """
    outs = _decode_op("unicode_decode_with_offsets", "UnicodeDecodeWithOffsets", input,
                      input_encoding, errors, replacement_char, replace_control_characters,
                      name)
    return outs[1], outs[2]


def _split(fn: str, input: Any, input_encoding: str, errors: str,  # noqa: A002
           replacement_char: int, name: str | None) -> tuple[Tensor, Tensor]:
    # As TF: decode, then encode every code point alone in the input's encoding.
    # The characters are encoded back in the input encoding, an output encoding of
    # TF's encode op: so named exactly (TF refuses 'utf-8' here, as trainkit does).
    enc = _output_encoding("UnicodeEncode", input_encoding)
    x = _scalar_strings(fn, input)
    attrs = _decode_attrs(input_encoding, errors, replacement_char, False,
                          "UnicodeDecodeWithOffsets")
    prefix = name or "UnicodeSplit"
    dec = make_op("UnicodeDecodeWithOffsets", [x], [_dt.int64, _dt.int32, _dt.int64],
                  name=f"{prefix}/UnicodeDecode", attrs=attrs).outputs
    chars = make_op("UnicodeEncode", [dec[1]], [_dt.string], name=f"{prefix}/UnicodeEncode",
                    attrs={"output_encoding": enc, "errors": errors,
                           "replacement_char": int(replacement_char), "each": True}
                    ).outputs[0]
    return chars, dec[2]


def unicode_split(input: Any, input_encoding: str, errors: str = "replace",  # noqa: A002
                  replacement_char: int = _REPLACEMENT, name: str | None = None) -> Tensor:
    """The characters of a scalar string, each a string in ``input_encoding``
    (``tf.strings.unicode_split``); ill-formed input replaced as ``errors`` says.

    Raises:
        ValueError, InvalidArgumentError: as :func:`unicode_decode`.
    """
    return _split("unicode_split", input, input_encoding, errors, replacement_char, name)[0]


def unicode_split_with_offsets(input: Any, input_encoding: str,  # noqa: A002
                               errors: str = "replace", replacement_char: int = _REPLACEMENT,
                               name: str | None = None) -> tuple[Tensor, Tensor]:
    """``(characters [n], byte offset where each starts int64 [n])`` of a scalar string
    (``tf.strings.unicode_split_with_offsets``).

    Raises:
        ValueError, InvalidArgumentError: as :func:`unicode_decode`.
    """
    return _split("unicode_split_with_offsets", input, input_encoding, errors,
                  replacement_char, name)


def unicode_encode(input: Any, output_encoding: str, errors: str = "replace",  # noqa: A002
                   replacement_char: int = _REPLACEMENT, name: str | None = None) -> Tensor:
    """Rows of code points encoded as strings (``tf.strings.unicode_encode``): an int32
    tensor ``[D1, ..., DN, n]`` gives strings ``[D1, ..., DN]``.

    Raises:
        ValueError: an input of rank 0 or unknown rank, an ``output_encoding`` not
            UTF-8/UTF-16-BE/UTF-32-BE, or an unknown ``errors`` mode.
        TypeError: a non-int32 input.
        InvalidArgumentError: at run time, a value that is not a Unicode scalar value
            under ``'strict'``, or a ``replacement_char`` outside ``[0, 0x10FFFF]``.
    """
    enc = _output_encoding("UnicodeEncode", output_encoding)
    _choice("UnicodeEncode", "errors", errors, codec.ERROR_MODES)
    x = _int32("UnicodeEncode", "input_values", _dense("unicode_encode", input))
    if x.shape.ndims is None:
        raise ValueError("Rank of input_tensor must be statically known.")
    if x.shape.ndims == 0:
        raise ValueError("input_tensor's rank must be at least 1.")
    op = make_op("UnicodeEncode", [x], [_dt.string], name=name or "UnicodeEncode",
                 attrs={"output_encoding": enc, "errors": errors,
                        "replacement_char": int(replacement_char), "each": False})
    return op.outputs[0]


def _int32(op_type: str, what: str, value: Any) -> Tensor:
    if isinstance(value, Tensor):
        if value.dtype is not _dt.int32:
            raise TypeError(f"Input '{what}' of '{op_type}' Op has type {value.dtype.name} "
                            f"that does not match expected type of int32.")
        return value
    arr = np.asarray(value)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"Expected int32 passed to parameter '{what}' of op '{op_type}', "
                        f"got {value!r} of type '{type(value).__name__}' instead.")
    return conversion.convert_to_tensor(arr.astype(np.int32), name=what)


def unicode_transcode(input: Any, input_encoding: str, output_encoding: str,  # noqa: A002
                      errors: str = "replace", replacement_char: int = _REPLACEMENT,
                      replace_control_characters: bool = False,
                      name: str | None = None) -> Tensor:
    """Each string re-encoded from ``input_encoding`` to ``output_encoding``
    (``tf.strings.unicode_transcode``), any shape.

    Raises:
        ValueError: an ``output_encoding`` not UTF-8/UTF-16-BE/UTF-32-BE or an unknown
            ``errors`` mode.
        InvalidArgumentError: at run time, ill-formed input (or, with
            ``replace_control_characters``, a control character) under ``'strict'``, a
            ``replacement_char`` outside ``[0, 0x10FFFF]`` or an unknown input encoding.
    """
    enc = _output_encoding("UnicodeTranscode", output_encoding)
    x = conversion.convert_to_tensor(_dense("unicode_transcode", input), dtype=_dt.string,
                                     name="input")
    attrs = _decode_attrs(input_encoding, errors, replacement_char,
                          replace_control_characters, "UnicodeTranscode")
    attrs["output_encoding"] = enc
    return make_op("UnicodeTranscode", [x], [_dt.string], name=name or "UnicodeTranscode",
                   attrs=attrs, shapes=[x.shape]).outputs[0]


def unicode_script(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The ICU ``UScriptCode`` of each int32 code point (``tf.strings.unicode_script``):
    0 Common, 1 Inherited, 8 Cyrillic, 17 Han, 25 Latin, ..., 103 Unknown (unassigned
    code points); -1 outside ``[0, 0x10FFFF]``.

    Raises:
        TypeError: a non-int32 input.
    """
    x = _int32("UnicodeScript", "input", _dense("unicode_script", input))
    return make_op("UnicodeScript", [x], [_dt.int32], name=name or "UnicodeScript",
                   shapes=[x.shape]).outputs[0]


# -- shapes --------------------------------------------------------------------------------
def _decode_shape(op: Any) -> list[TensorShape]:
    n = op.inputs[0].shape.num_elements()
    splits = TensorShape([None if n is None else n + 1])
    values = 2 if op.type == "UnicodeDecodeWithOffsets" else 1
    return [splits] + [TensorShape([None])] * values


registry.register_shape("UnicodeDecode")(_decode_shape)
registry.register_shape("UnicodeDecodeWithOffsets")(_decode_shape)


@registry.register_shape("UnicodeEncode")
def _encode_shape(op: Any) -> list[TensorShape]:
    dims = op.inputs[0].shape.as_list()
    return [TensorShape(dims if op.attrs["each"] else dims[:-1])]


# -- kernels -------------------------------------------------------------------------------
def _decoded(ctx: registry.KernelContext, x: Any, strict_control: bool = False
             ) -> list[list[tuple[int, int]]]:
    a = ctx.attrs
    enc = codec.canonical(a["input_encoding"])
    if enc is None:
        raise tk_errors.InvalidArgumentError(
            None, ctx.op, f"Could not create converter for input encoding: "
            f"{a['input_encoding']} (trainkit knows {', '.join(codec.ENCODINGS)})")
    try:
        codec.check_replacement(a["replacement_char"])
        return [codec.decode(s if isinstance(s, bytes) else str(s).encode(), enc,
                             a["errors"], a["replacement_char"],
                             a["replace_control_characters"], strict_control)
                for s in np.asarray(x, dtype=object).reshape(-1)]
    except codec.CodecError as e:
        raise tk_errors.InvalidArgumentError(None, ctx.op, str(e)) from None


def _splits(rows: list) -> np.ndarray:
    return np.cumsum([0] + [len(r) for r in rows]).astype(np.int64)


@registry.register_kernel("UnicodeDecode")
def _decode(ctx: registry.KernelContext, x: Any) -> tuple:
    rows = _decoded(ctx, x)
    return _splits(rows), np.array([c for r in rows for c, _ in r], np.int32)


@registry.register_kernel("UnicodeDecodeWithOffsets")
def _decode_offsets(ctx: registry.KernelContext, x: Any) -> tuple:
    rows = _decoded(ctx, x)
    return (_splits(rows), np.array([c for r in rows for c, _ in r], np.int32),
            np.array([o for r in rows for _, o in r], np.int64))


@registry.register_kernel("UnicodeEncode")
def _encode(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    a = ctx.attrs
    arr = np.asarray(x, dtype=np.int64)
    lead = arr.shape if a["each"] else arr.shape[:-1]
    rows = arr.reshape(int(np.prod(lead)), 1 if a["each"] else arr.shape[-1])
    out = np.empty(len(rows), dtype=object)
    try:
        codec.check_replacement(a["replacement_char"])
        for i, row in enumerate(rows.tolist()):
            out[i] = codec.encode(row, a["output_encoding"], a["errors"],
                                  a["replacement_char"])
    except codec.CodecError as e:
        raise tk_errors.InvalidArgumentError(None, ctx.op, str(e)) from None
    return out.reshape(lead)


@registry.register_kernel("UnicodeTranscode")
def _transcode(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    arr = np.asarray(x, dtype=object)
    rows = _decoded(ctx, arr, strict_control=True)
    enc = ctx.attrs["output_encoding"]
    out = np.empty(len(rows), dtype=object)
    for i, row in enumerate(rows):
        out[i] = b"".join(codec.encode_one(cp, enc) for cp, _ in row)
    return out.reshape(arr.shape)


_STARTS = np.array(scripts.STARTS, np.int64)
_CODES = np.array(scripts.SCRIPTS, np.int32)


@registry.register_kernel("UnicodeScript")
def _script(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    cp = np.asarray(x, dtype=np.int64)
    run = np.searchsorted(_STARTS, np.clip(cp, 0, codec.MAX_CODE_POINT), side="right") - 1
    return np.where((cp < 0) | (cp > codec.MAX_CODE_POINT), -1, _CODES[run]).astype(np.int32)


registry.not_differentiable("UnicodeDecode", "UnicodeDecodeWithOffsets", "UnicodeEncode",
                            "UnicodeTranscode", "UnicodeScript")

__all__ = ["unicode_decode", "unicode_decode_with_offsets", "unicode_split",
           "unicode_split_with_offsets", "unicode_encode", "unicode_transcode",
           "unicode_script"]
