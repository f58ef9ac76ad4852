"""PNG in and out of the graph: ``tf.image.encode_png`` and ``decode_png`` (8- and 16-bit
gray, gray+alpha, RGB, RGBA and palette images, every row filter; no Adam7 interlacing).
``DecodePng``'s kernel is ``image_decode_ops``' (TF decodes any format there); this
module holds the PNG codec it calls.

Example:
    >>> png = encode_png(image)                      # a string tensor
    >>> pixels = png_pixels(png_bytes)               # uint8/uint16 [h, w, c]
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op
from trainkit.summary.summary_proto import encode_png as _encode8

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}


def encode_png(image: Any, compression: int = -1, name: str | None = None) -> Tensor:
    """A ``[height, width, channels]`` uint8 image (1 to 4 channels) as PNG bytes."""
    x = conversion.convert_to_tensor(image, name="image")
    return make_op("EncodePng", [x], [_dt.string], name=name or "EncodePng",
                   shapes=[[]]).outputs[0]


def is_png(contents: bytes) -> bool:
    """Whether ``contents`` starts with the PNG signature."""
    return contents[:8] == _SIGNATURE


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    out, pos = [], 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        out.append((kind, data[pos + 8:pos + 8 + length]))
        pos += 12 + length
    return out


def _unfilter(raw: bytes, h: int, stride: int, bpp: int) -> np.ndarray:
    rows = np.frombuffer(raw, np.uint8)[:h * (stride + 1)].reshape(h, stride + 1)
    out = np.zeros((h, stride), np.int64)
    prev = np.zeros(stride, np.int64)
    for y in range(h):
        ftype, line = rows[y, 0], rows[y, 1:].astype(np.int64)
        cur = np.zeros(stride, np.int64)
        if ftype == 0:
            cur = line
        elif ftype == 2:
            cur = (line + prev) & 0xFF
        else:
            for i in range(stride):
                a = cur[i - bpp] if i >= bpp else 0
                b = prev[i]
                if ftype == 1:
                    pred = a
                elif ftype == 3:
                    pred = (a + b) // 2
                else:  # Paeth
                    c = prev[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (line[i] + pred) & 0xFF
        out[y], prev = cur, cur
    return out.astype(np.uint8)


def png_pixels(data: bytes) -> np.ndarray:
    """The stored ``[h, w, c]`` pixels (uint8 or uint16) of PNG bytes; TF's messages for
    data that ends before the first IDAT (libpng cannot start) or lacks IEND."""
    chunks = _chunks(data)
    kinds = [k for k, _ in chunks]
    if b"IDAT" not in kinds or not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) < 13:
        raise errors.InvalidArgumentError(None, None, "Invalid PNG. Failed to initialize "
                                          "decoder.")
    if b"IEND" not in kinds:
        raise errors.InvalidArgumentError(None, None, f"Invalid PNG data, size {len(data)}")
    ihdr = chunks[0][1]
    w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", ihdr)
    if interlace:
        raise errors.UnimplementedError(None, None, "Interlaced (Adam7) PNGs are not "
                                        "supported.")
    if depth not in (8, 16) and not (ctype == 3 and depth == 8):
        raise errors.UnimplementedError(None, None, f"PNG bit depth {depth} is not supported.")
    raw = zlib.decompress(b"".join(d for k, d in chunks if k == b"IDAT"))
    n = 1 if ctype == 3 else _CHANNELS[ctype]
    bpp = n * depth // 8
    pix = _unfilter(raw, h, w * bpp, bpp)
    if depth == 16:
        img = pix.reshape(h, w * n, 2).astype(np.uint16)
        img = ((img[..., 0] << 8) | img[..., 1]).reshape(h, w, n)
    else:
        img = pix.reshape(h, w, n)
    if ctype == 3:
        plte = np.frombuffer(next(d for k, d in chunks if k == b"PLTE"), np.uint8)
        img = plte.reshape(-1, 3)[img[..., 0]]
    return img


def png_channels(img: np.ndarray, channels: int) -> np.ndarray:
    """``img`` with ``channels`` (0: as stored) the way libpng converts for TF."""
    c = img.shape[2]
    if channels in (0, c):
        return img
    top = np.iinfo(img.dtype).max
    color = img[..., :3] if c >= 3 else np.repeat(img[..., :1], 3, axis=2)
    alpha = img[..., c - 1:] if c in (2, 4) else np.full(img.shape[:2] + (1,), top,
                                                         img.dtype)
    if channels == 1:
        if c < 3:
            return img[..., :1]
        # libpng's rgb_to_gray as TF sets it (0.299, 0.587 -> 15-bit fixed point, truncated)
        r, g, b = (color[..., i].astype(np.int64) for i in range(3))
        gray = (9797 * r + 19234 * g + 3737 * b) >> 15
        gray = np.where((r == g) & (r == b), r, gray)
        return gray.astype(img.dtype)[..., None]
    if channels == 2:
        return np.concatenate([png_channels(img, 1), alpha], 2)
    if channels == 3:
        return color
    return np.concatenate([color, alpha], 2)


@registry.register_kernel("EncodePng")
def _encode_png(ctx: registry.KernelContext, image: Any) -> Any:
    img = np.asarray(image)
    if img.dtype != np.uint8:
        raise errors.UnimplementedError(None, ctx.op, "encode_png: only uint8 images.")
    return np.array(_encode8(img), dtype=object).reshape(())


registry.not_differentiable("EncodePng")

__all__ = ["encode_png", "png_pixels", "png_channels", "is_png"]
