"""``tf.strings.ngrams``: n-grams of adjacent strings along the innermost axis, joined
with a separator, optionally padded at both ends, as TF's ``StringNGrams`` kernel makes
them.

For each row of ``n`` tokens and each width ``w`` (in the order given) the row is
padded with ``p = min(padding_width, w - 1)`` copies of the left and right pad value
(``p = w - 1`` when ``padding_width`` is None but ``pad_values`` is set, 0 without
``pad_values``) and gives ``max(0, n + 2p - w + 1)`` n-grams. With
``preserve_short_sequences``, a non-empty row that gives no n-gram of any width gives
one: the whole row with ``padding_width`` pads on each side.

Differs from TF: trainkit has no ``tf.RaggedTensor``, so only dense (``tf.Tensor``)
inputs of rank >= 1 are taken; every row of a dense input has the same length, so the
result is dense as TF's is for dense inputs (shape ``input.shape[:-1] + [None]``).
A ``pad_values`` list/tuple not of length 2 is a ``TypeError`` (TF: ``IndexError``) and
a width < 1 inside a tuple a ``ValueError`` (TF fails formatting its message, a
``TypeError``).

Example:
    >>> tk.strings.ngrams(["a", "b", "c"], 2, separator="|")   # [b"a|b", b"b|c"]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op

_PAD_ERROR = "pad_values must be a string, tuple of strings, or None."


def _text(v: Any) -> bytes:
    return v.encode("utf-8") if isinstance(v, str) else bytes(v)


def _pads(pad_values: Any) -> tuple[bytes, bytes]:
    """The (left, right) pad strings of ``pad_values``."""
    if pad_values is None:
        return b"", b""
    if isinstance(pad_values, list | tuple):
        if len(pad_values) != 2 or not all(isinstance(p, str | bytes) for p in pad_values):
            raise TypeError(f"{_PAD_ERROR} Got {pad_values!r}.")
        return _text(pad_values[0]), _text(pad_values[1])
    if not isinstance(pad_values, str | bytes):
        raise TypeError(f"{_PAD_ERROR} Got {pad_values!r}.")
    return _text(pad_values), _text(pad_values)


def ngrams(data: Any, ngram_width: int | tuple | list, separator: str = " ",
           pad_values: Any = None, padding_width: int | None = None,
           preserve_short_sequences: bool = False, name: str | None = None) -> Tensor:
    """N-grams of ``data``'s innermost axis (``tf.strings.ngrams``).

    Args:
        data: a string tensor of rank >= 1 (rank known when the graph is built).
        ngram_width: the width of the n-grams, or a list/tuple of widths (all n-grams of
            the first width, then the second, ... in each row).
        separator: the string between the joined tokens.
        pad_values: None (no padding), a string for both ends, or a ``(left, right)``
            pair of strings.
        padding_width: pads added at each end (at most ``width - 1``); None with
            ``pad_values``: ``width - 1``.
        preserve_short_sequences: a row too short for any n-gram gives one n-gram of
            all its tokens (padded with ``padding_width`` pads).
        name: the op's name.

    Returns:
        A string tensor of shape ``data.shape[:-1] + [num_ngrams]``.

    Raises:
        TypeError: ``pad_values`` that is not a string, a pair of strings or None, or a
            ``SparseTensor`` ``data``.
        ValueError: a width < 1, ``padding_width`` < 1 or set without ``pad_values``,
            ``data`` of rank 0 or unknown rank, or a non-string ``data`` tensor.

    Example:
        >>> tk.strings.ngrams(["a", "b"], 2, pad_values="#")   # [b"# a", b"a b", b"b #"]
    """
    left, right = _pads(pad_values)
    if padding_width is not None and padding_width < 1:
        raise ValueError(f"padding_width must be greater than 0, got {padding_width}.")
    if padding_width is not None and pad_values is None:
        raise ValueError("pad_values must be provided if padding_width is set.")
    if isinstance(data, SparseTensor):
        raise TypeError("ngrams: data must be a dense string tensor (TF takes a tf.Tensor "
                        "or a tf.RaggedTensor, which trainkit does not have), got a "
                        "SparseTensor.")
    x = conversion.convert_to_tensor(data, dtype=_dt.string, name="data")
    if x.shape.ndims is None:
        raise ValueError("Rank of data must be known.")
    if x.shape.ndims == 0:
        raise ValueError("Data must have rank>0")
    widths = list(ngram_width) if isinstance(ngram_width, list | tuple) else [ngram_width]
    if not widths or any(int(w) < 1 for w in widths):
        raise ValueError(f"All ngram_widths must be greater than 0. Got {ngram_width}")
    pad_width = 0 if pad_values is None else -1 if padding_width is None else padding_width
    attrs = {"separator": _text(separator), "ngram_widths": [int(w) for w in widths],
             "left_pad": left, "right_pad": right, "pad_width": int(pad_width),
             "preserve_short_sequences": bool(preserve_short_sequences)}
    return make_op("StringNGrams", [x], [_dt.string], name=name or "StringNGrams",
                   attrs=attrs).outputs[0]


@registry.register_shape("StringNGrams")
def _shape(op: Any) -> list[TensorShape]:
    dims = op.inputs[0].shape.as_list()
    return [TensorShape(dims[:-1] + [None])]


def _row(tokens: list[bytes], a: dict) -> list[bytes]:
    """The n-grams of one row of tokens."""
    sep, out = a["separator"], []
    if not tokens:  # TF's kernel gives an empty row no n-grams, padded or not
        return out
    for w in a["ngram_widths"]:
        p = min(w - 1 if a["pad_width"] < 0 else a["pad_width"], w - 1)
        padded = [a["left_pad"]] * p + tokens + [a["right_pad"]] * p
        out.extend(sep.join(padded[i:i + w]) for i in range(len(padded) - w + 1))
    if not out and a["preserve_short_sequences"]:
        p = max(a["pad_width"], 0)
        out.append(sep.join([a["left_pad"]] * p + tokens + [a["right_pad"]] * p))
    return out


@registry.register_kernel("StringNGrams")
def _ngrams(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    arr = np.asarray(x, dtype=object)
    rows = arr.reshape(int(np.prod(arr.shape[:-1])), arr.shape[-1])
    grams = [_row([_text(v) for v in r], ctx.attrs) for r in rows]
    # Dense rows all have one length, so they all give the same number of n-grams; with
    # no rows TF's reshape to [..., -1] makes the last dimension 1.
    width = len(grams[0]) if grams else 1
    out = np.empty((len(grams), width), dtype=object)
    for i, g in enumerate(grams):
        out[i, :] = g
    return out.reshape(arr.shape[:-1] + (width,))


registry.not_differentiable("StringNGrams")

__all__ = ["ngrams"]
