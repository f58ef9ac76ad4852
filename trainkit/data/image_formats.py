"""One image decoder behind every decode op, as TF 2.21's ``DecodeImageV2`` kernel.

The format comes from the magic bytes, not from the op: ``DecodeJpeg``, ``DecodePng``,
``DecodeGif`` and ``DecodeImage`` decode JPEG, PNG and GIF alike (only BMP is kept for
``DecodeBmp``/``DecodeImage``, and ``DecodeBmp`` takes nothing else), with TF's checks
and messages for channel counts, animations, empty and unknown data.

Example:
    >>> img = decode_any(data, "DecodeImage", channels=3)   # uint8 [h, w, 3] (4-D for GIF)
"""

from __future__ import annotations

import numpy as np

from trainkit import errors
from trainkit.data import bmp_codec, gif_codec, image_codecs, jpeg_decode

_NAMES = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "bmp": "BMP"}


def _bad(msg: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, msg)


def sniff(data: bytes) -> str | None:
    """``'jpeg'``, ``'png'``, ``'gif'``, ``'bmp'`` from the leading bytes, else None."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if image_codecs.is_png(data):
        return "png"
    if data[:3] == b"GIF":
        return "gif"
    if data[:2] == b"BM":
        return "bmp"
    return None


def with_channels(img: np.ndarray, channels: int) -> np.ndarray:
    """A 1-, 3- or 4-channel uint8 image with ``channels`` (0: unchanged): gray repeats,
    alpha is dropped or added as opaque (TF's BMP conversions)."""
    c = img.shape[-1]
    if channels in (0, c):
        return img
    color = img[..., :3] if c >= 3 else np.repeat(img, 3, axis=-1)
    if channels == 3:
        return color
    alpha = np.full(img.shape[:-1] + (1,), 255, np.uint8)
    return np.concatenate([color, alpha], -1)


def _check_channels(kind: str, channels: int) -> None:
    if kind == "gif" and channels not in (0, 3):
        raise _bad(f"channels must be 0 or 3 for GIF, got {channels}")
    if kind == "bmp" and channels not in (0, 3, 4):
        raise _bad(f"`channels` must be 0, 3 or 4 for BMP, but got {channels}")
    if kind == "jpeg" and channels == 4:
        raise _bad("JPEG does not support 4 channels")


def check_jpeg_attrs(channels: int, ratio: int, dct_method: str) -> None:
    """TF's validation of ``decode_jpeg``'s attributes."""
    if channels not in (0, 1, 3, 4):
        raise _bad(f"`channels` must be 0, 1, 3 or 4 but got {channels}")
    if ratio not in (1, 2, 4, 8):
        raise _bad(f"ratio must be 1, 2, 4, or 8, got {ratio}")
    if dct_method not in ("", "INTEGER_FAST", "INTEGER_ACCURATE"):
        raise _bad("dct_method must be one of {'', 'INTEGER_FAST', 'INTEGER_ACCURATE'}")


def decode_any(data: bytes, op_type: str, channels: int = 0, *,
               fancy_upscaling: bool = True, dct_method: str = "",
               expand_animations: bool = True,
               crop: tuple[int, int, int, int] | None = None, ratio: int = 1
               ) -> np.ndarray:
    """The uint8 (uint16 for 16-bit PNG) pixels of ``data`` as op ``op_type`` returns
    them: ``[h, w, c]``, or ``[frames, h, w, 3]`` for GIF under ``DecodeGif`` (and
    ``DecodeImage`` with ``expand_animations``); ``crop`` (y, x, h, w) and ``ratio``
    apply to JPEG."""
    if not data:
        raise _bad("Input is empty.")
    kind = sniff(data)
    if kind is None:
        raise _bad("Unknown image file format. One of JPEG, PNG, GIF, BMP required.")
    _check_channels(kind, channels)
    if op_type == "DecodeBmp" and kind != "bmp":
        raise _bad(f"Trying to decode {_NAMES[kind]} format using DecodeBmp op. Use "
                   f"`decode_{kind}` or `decode_image` instead.")
    if kind == "bmp":
        if op_type not in ("DecodeBmp", "DecodeImage"):
            raise _bad("Trying to decode BMP format using a wrong op. Use `decode_bmp` or "
                       f"`decode_image` instead. Op used: {op_type}")
        return with_channels(bmp_codec.decode(data), channels)
    if kind == "jpeg":
        img = jpeg_decode.decode(data, channels, fancy_upscaling, dct_method, crop, ratio)
    elif kind == "png":
        img = image_codecs.png_channels(image_codecs.png_pixels(data), channels)
    else:
        frames = gif_codec.decode(data)
        if op_type == "DecodeGif" or (op_type == "DecodeImage" and expand_animations):
            return frames
        if op_type != "DecodeImage" and len(frames) > 1:
            raise _bad(f"Got {len(frames)} frames, but animated gifs can only be decoded "
                       "by tf.io.decode_gif or tf.io.decode_image")
        return frames[0]
    return img[None] if op_type == "DecodeGif" else img


def convert_dtype(img: np.ndarray, want: np.dtype) -> np.ndarray:
    """Decoded pixels in the op's dtype as TF scales them: uint8 -> uint16 multiplies by
    256 (``convert_image_dtype``'s rule; TF has libpng widen 8-bit PNGs, x257, before
    this, for uint16 and float32 alike), float32 is ``x * float32(1 / max)``, and
    16-bit -> uint8 keeps the high byte."""
    if img.dtype == want:
        return img
    if want == np.float32:
        top = np.float32(1.0 / np.iinfo(img.dtype).max)
        return img.astype(np.float32) * top
    if img.dtype == np.uint16:
        return (img >> 8).astype(want)
    return img.astype(np.uint16) * np.uint16(256)
