"""The image decode ops of ``tf.image``/``tf.io``: ``decode_jpeg``, ``decode_png``,
``decode_gif``, ``decode_bmp``, ``decode_image``, ``decode_and_crop_jpeg`` and
``extract_jpeg_shape``.

All kernels share ``image_formats.decode_any``, so, as in TF 2.21, the format is sniffed
from the bytes (``decode_jpeg`` of a PNG decodes the PNG) and bad data raises
``InvalidArgumentError`` with TF's message when the op runs. JPEG output equals TF's
bitwise for every ``dct_method``, ``fancy_upscaling`` and ``ratio``; crop windows too
(not combined with ``ratio`` > 1). ``try_recover_truncated``/``acceptable_fraction`` are
accepted but a truncated JPEG is always an error.

Example:
    >>> img = tf.image.decode_jpeg(tf.read_file("cat.jpg"), channels=3)  # uint8 [h, w, 3]
"""

from __future__ import annotations

import struct
import zlib
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.data import image_codecs, image_formats, jpeg_decode
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import comparison_ops, string_ops
from trainkit.ops.op_util import make_op


def _contents(contents: Any) -> Tensor:
    return conversion.convert_to_tensor(contents, dtype=_dt.string, name="contents")


def _jpeg_attrs(channels: int, ratio: int, fancy_upscaling: bool,
                try_recover_truncated: bool, acceptable_fraction: float,
                dct_method: str) -> dict:
    return {"channels": int(channels), "ratio": int(ratio),
            "fancy_upscaling": bool(fancy_upscaling),
            "try_recover_truncated": bool(try_recover_truncated),
            "acceptable_fraction": float(acceptable_fraction), "dct_method": dct_method}


def decode_jpeg(contents: Any, channels: int = 0, ratio: int = 1,
                fancy_upscaling: bool = True, try_recover_truncated: bool = False,
                acceptable_fraction: float = 1, dct_method: str = "",
                name: str | None = None) -> Tensor:
    """The uint8 image ``[h, w, channels]`` of JPEG bytes (``channels`` 0: as stored, 1
    or 3 convert; ``dct_method`` '' and 'INTEGER_FAST' use libjpeg's fast IDCT,
    'INTEGER_ACCURATE' the accurate one)."""
    attrs = _jpeg_attrs(channels, ratio, fancy_upscaling, try_recover_truncated,
                        acceptable_fraction, dct_method)
    return make_op("DecodeJpeg", [_contents(contents)], [_dt.uint8],
                   name=name or "DecodeJpeg", attrs=attrs,
                   shapes=[[None, None, channels or None]]).outputs[0]


def decode_and_crop_jpeg(contents: Any, crop_window: Any, channels: int = 0,
                         ratio: int = 1, fancy_upscaling: bool = True,
                         try_recover_truncated: bool = False,
                         acceptable_fraction: float = 1, dct_method: str = "",
                         name: str | None = None) -> Tensor:
    """``decode_jpeg`` of the window ``crop_window = [y, x, height, width]`` only."""
    attrs = _jpeg_attrs(channels, ratio, fancy_upscaling, try_recover_truncated,
                        acceptable_fraction, dct_method)
    win = conversion.convert_to_tensor(crop_window, dtype=_dt.int32, name="crop_window")
    return make_op("DecodeAndCropJpeg", [_contents(contents), win], [_dt.uint8],
                   name=name or "DecodeAndCropJpeg", attrs=attrs,
                   shapes=[[None, None, channels or None]]).outputs[0]


def decode_png(contents: Any, channels: int = 0, dtype: Any = _dt.uint8,
               name: str | None = None) -> Tensor:
    """The image ``[height, width, channels]`` of PNG bytes (``channels`` 0: as stored;
    1, 3 or 4 convert), uint8 or uint16."""
    return make_op("DecodePng", [_contents(contents)], [_dt.as_dtype(dtype)],
                   name=name or "DecodePng", attrs={"channels": int(channels)},
                   shapes=[[None, None, channels or None]]).outputs[0]


def decode_bmp(contents: Any, channels: int = 0, name: str | None = None) -> Tensor:
    """The uint8 image ``[h, w, channels]`` of BMP bytes (8-, 24- or 32-bit)."""
    return make_op("DecodeBmp", [_contents(contents)], [_dt.uint8],
                   name=name or "DecodeBmp", attrs={"channels": int(channels)},
                   shapes=[[None, None, channels or None]]).outputs[0]


def decode_gif(contents: Any, name: str | None = None) -> Tensor:
    """All frames of GIF bytes, uint8 ``[frames, h, w, 3]``."""
    return make_op("DecodeGif", [_contents(contents)], [_dt.uint8],
                   name=name or "DecodeGif", shapes=[[None, None, None, 3]]).outputs[0]


def decode_image(contents: Any, channels: int | None = None, dtype: Any = _dt.uint8,
                 name: str | None = None, expand_animations: bool = True) -> Tensor:
    """Any of JPEG, PNG, GIF and BMP by its magic bytes: ``[h, w, c]``, or
    ``[frames, h, w, 3]`` for a GIF when ``expand_animations``; uint8, uint16 or
    float32 (scaled to [0, 1])."""
    dt = _dt.as_dtype(dtype)
    if dt not in (_dt.uint8, _dt.uint16, _dt.float32):
        raise TypeError(f"decode_image: dtype must be uint8, uint16 or float32, got {dt}")
    shape = None if expand_animations else [None, None, channels or None]
    return make_op("DecodeImage", [_contents(contents)], [dt],
                   name=name or "decode_image",
                   attrs={"channels": int(channels or 0),
                          "expand_animations": bool(expand_animations)},
                   shapes=[shape]).outputs[0]


def extract_jpeg_shape(contents: Any, output_type: Any = _dt.int32,
                       name: str | None = None) -> Tensor:
    """``[height, width, components]`` of JPEG bytes without decoding the pixels."""
    return make_op("ExtractJpegShape", [_contents(contents)], [_dt.as_dtype(output_type)],
                   name=name or "ExtractJpegShape", shapes=[[3]]).outputs[0]


def is_jpeg(contents: Any, name: str | None = None) -> Tensor:
    """Whether each string of ``contents`` starts with the JPEG marker bytes
    ``FF D8 FF`` (TF's test: the first three bytes)."""
    with name_scope(name, "is_jpeg"):
        head = string_ops.substr(_contents(contents), 0, 3)
        return comparison_ops.equal(head, conversion.convert_to_tensor(b"\xff\xd8\xff",
                                                                        dtype=_dt.string))


def _bytes(contents: Any) -> bytes:
    if isinstance(contents, bytes):
        return contents
    value = np.asarray(contents).item()
    return value.encode() if isinstance(value, str) else bytes(value)


def _run(ctx: registry.KernelContext, data: bytes, **kw: Any) -> np.ndarray:
    """``decode_any`` with the op's attrs; errors carry the op, corrupt PNG/JPEG
    internals (Python exceptions) become TF's InvalidArgumentError."""
    a = ctx.attrs
    try:
        if "dct_method" in a:
            image_formats.check_jpeg_attrs(a["channels"], a["ratio"], a["dct_method"])
            kw.update(fancy_upscaling=a["fancy_upscaling"], dct_method=a["dct_method"],
                      ratio=a["ratio"])
        img = image_formats.decode_any(data, ctx.op.type, a.get("channels", 0), **kw)
    except errors.OpError as e:
        raise type(e)(None, ctx.op, e.message) from None
    except (ValueError, IndexError, KeyError, StopIteration, struct.error,
            zlib.error) as e:
        kind = image_formats.sniff(data)
        msg = (f"Invalid PNG data, size {len(data)}" if kind == "png" else
               "jpeg::Uncompress failed. Invalid JPEG data or crop window.")
        raise errors.InvalidArgumentError(None, ctx.op, msg) from e
    return img


def _typed(ctx: registry.KernelContext, img: np.ndarray, data: bytes) -> np.ndarray:
    want = ctx.op.outputs[0].dtype.np_dtype
    if img.dtype == np.uint8 and want != np.uint8 and image_codecs.is_png(data):
        img = img.astype(np.uint16) * np.uint16(257)   # TF has libpng widen 8-bit to 16
    return image_formats.convert_dtype(img, np.dtype(want))


@registry.register_kernel("DecodeJpeg")
@registry.register_kernel("DecodePng")
@registry.register_kernel("DecodeBmp")
@registry.register_kernel("DecodeGif")
def _decode_kernel(ctx: registry.KernelContext, contents: Any) -> np.ndarray:
    data = _bytes(contents)
    return _typed(ctx, _run(ctx, data), data)


@registry.register_kernel("DecodeImage")
def _decode_image_kernel(ctx: registry.KernelContext, contents: Any) -> np.ndarray:
    data = _bytes(contents)
    img = _run(ctx, data, expand_animations=ctx.attrs["expand_animations"])
    return _typed(ctx, img, data)


@registry.register_kernel("DecodeAndCropJpeg")
def _decode_crop_kernel(ctx: registry.KernelContext, contents: Any,
                        crop_window: Any) -> np.ndarray:
    data = _bytes(contents)
    kind = image_formats.sniff(data)
    if data and kind not in ("jpeg", None):
        raise errors.InvalidArgumentError(None, ctx.op, "DecodeAndCropJpeg operation can "
                                          "run on JPEG only, but detected "
                                          f"{kind.upper()}.")
    win = np.asarray(crop_window).reshape(-1)
    if win.size != 4:
        raise errors.InvalidArgumentError(None, ctx.op, "crop_window must be shape [4]")
    return _run(ctx, data, crop=tuple(int(v) for v in win))


@registry.register_kernel("ExtractJpegShape")
def _jpeg_shape_kernel(ctx: registry.KernelContext, contents: Any) -> np.ndarray:
    data = _bytes(contents)
    try:
        h, w, c = jpeg_decode.frame_shape(data)
    except errors.OpError as e:
        raise type(e)(None, ctx.op, e.message) from None
    return np.array([h, w, c], ctx.op.outputs[0].dtype.np_dtype)


registry.not_differentiable("DecodeJpeg", "DecodePng", "DecodeBmp", "DecodeGif",
                            "DecodeImage", "DecodeAndCropJpeg", "ExtractJpegShape")

__all__ = ["decode_jpeg", "decode_and_crop_jpeg", "decode_png", "decode_bmp", "decode_gif",
           "decode_image", "extract_jpeg_shape"]
