"""``tf.io.decode_compressed``: ZLIB or GZIP encoded strings decompressed (elementwise).

Example:
    >>> tk.io.decode_compressed(blobs, compression_type="ZLIB")
"""

from __future__ import annotations

import gzip
import zlib
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op


def decode_compressed(bytes: Any, compression_type: str = "",  # noqa: A002 - TF's name
                      name: str | None = None) -> Tensor:
    """Each string of ``bytes`` decompressed: ``compression_type`` ``"ZLIB"``,
    ``"GZIP"``, or ``""`` (as they are); the run fails with ``DataLossError`` on corrupt
    data and ``InvalidArgumentError`` for another type."""
    x = conversion.convert_to_tensor(bytes, dtype=_dt.string, name="bytes")
    return make_op("DecodeCompressed", [x], [_dt.string], name=name or "DecodeCompressed",
                   attrs={"compression_type": str(compression_type)},
                   shapes=[x.shape]).outputs[0]


def _decompress(raw: Any, kind: str) -> bytes:
    data = raw.encode() if isinstance(raw, str) else bytes(raw)
    if kind == "":
        return data
    try:
        return zlib.decompress(data) if kind == "ZLIB" else gzip.decompress(data)
    except (zlib.error, OSError, EOFError) as e:
        raise errors.DataLossError(None, None, f"{kind} decompression failed: {e}") from None


@registry.register_kernel("DecodeCompressed")
def _decode(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    kind = ctx.attrs["compression_type"]
    if kind not in ("", "ZLIB", "GZIP"):
        raise errors.InvalidArgumentError(
            None, None, f"Unsupported compression_type: {kind!r} (use '', 'ZLIB' or 'GZIP')")
    arr = np.asarray(x, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for i, v in np.ndenumerate(arr):
        out[i] = _decompress(v, kind)
    return out


registry.not_differentiable("DecodeCompressed")

__all__ = ["decode_compressed"]
