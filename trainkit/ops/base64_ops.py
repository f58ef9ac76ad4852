"""``tf.io.encode_base64`` / ``decode_base64``: web-safe base64 of string tensors.

TF uses the URL-safe alphabet (``-`` and ``_`` for ``+`` and ``/``). Encoding leaves the
``=`` padding out unless ``pad=True``. Decoding accepts text with or without padding
(padding is stripped only from a length that is a multiple of 4) and ignores non-zero
trailing bits, as TF's decoder; any other character, and a length of 1 modulo 4 after
padding is stripped, fail at run time with TF's ``InvalidArgumentError`` messages.

Example:
    >>> import trainkit as tf
    >>> tf.Session().run(tf.io.encode_base64(tf.constant([b"ab", b"\\xfb\\xff"]))).tolist()
    [b'YWI', b'-_8']
"""

from __future__ import annotations

import base64
import re
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op

_VALID = re.compile(rb"[A-Za-z0-9_-]*")


def _string_input(op_type: str, value: Any) -> Tensor:
    t = conversion.convert_to_tensor(value, name="input")
    if t.dtype is not _dt.string:
        raise TypeError(f"Input 'input' of '{op_type}' Op has type {t.dtype.name} that does "
                        f"not match expected type of string.")
    return t


def encode_base64(input: Any, pad: bool = False, name: str | None = None) -> Tensor:  # noqa: A002
    """Each string of ``input`` in web-safe base64 (``=`` padding only with ``pad``).

    Raises:
        TypeError: if ``input`` is not a string tensor.
    """
    x = _string_input("EncodeBase64", input)
    return make_op("EncodeBase64", [x], [_dt.string], name=name or "EncodeBase64",
                   attrs={"pad": bool(pad)}, shapes=[x.shape]).outputs[0]


def decode_base64(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """Each web-safe base64 string of ``input`` decoded.

    Raises:
        TypeError: if ``input`` is not a string tensor.
        tk.errors.InvalidArgumentError: at run time, for text that is not base64.
    """
    x = _string_input("DecodeBase64", input)
    return make_op("DecodeBase64", [x], [_dt.string], name=name or "DecodeBase64",
                   shapes=[x.shape]).outputs[0]


def _encode_one(s: bytes, pad: bool) -> bytes:
    out = base64.urlsafe_b64encode(s)
    return out if pad else out.rstrip(b"=")


def _invalid() -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, "Invalid character found in base64.")


def _decode_one(s: bytes) -> bytes:
    if len(s) % 4 == 0:  # at most two '=' of padding, and only on a whole group
        s = s[:-1] if s.endswith(b"=") else s
        s = s[:-1] if s.endswith(b"=") else s
    whole = len(s) // 4 * 4
    if not _VALID.fullmatch(s, 0, whole):
        raise _invalid()
    if len(s) - whole == 1:
        raise errors.InvalidArgumentError(None, None,
                                          "Base64 string length cannot be 1 modulo 4.")
    if not _VALID.fullmatch(s, whole):
        raise _invalid()
    return base64.urlsafe_b64decode(s + b"=" * (-len(s) % 4))


@registry.register_kernel("EncodeBase64")
def _encode(ctx: registry.KernelContext, x: Any) -> Any:
    pad = ctx.attrs["pad"]
    out = np.empty(np.shape(x), dtype=object)
    out.reshape(-1)[:] = [_encode_one(v, pad) for v in np.asarray(x, dtype=object).reshape(-1)]
    return out


@registry.register_kernel("DecodeBase64")
def _decode(ctx: registry.KernelContext, x: Any) -> Any:
    out = np.empty(np.shape(x), dtype=object)
    out.reshape(-1)[:] = [_decode_one(v) for v in np.asarray(x, dtype=object).reshape(-1)]
    return out


registry.not_differentiable("EncodeBase64", "DecodeBase64")

__all__ = ["encode_base64", "decode_base64"]
