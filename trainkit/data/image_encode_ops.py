"""``tf.image.encode_jpeg``: a uint8 ``[h, w, 1 or 3]`` image to JPEG bytes in the graph.

The bytes equal TF 2.21's for baseline output (``progressive=False``,
``optimize_size=False``: libjpeg-turbo's default path, reproduced by ``jpeg_encode``).
``progressive=True`` and ``optimize_size=True`` are written as baseline with the standard
Huffman tables: the quantized coefficients are TF's, so the pixels decoded from them
equal the pixels decoded from TF's progressive/optimized bytes; only the entropy coding
(and so the byte string and its length) differs.

Example:
    >>> data = tf.image.encode_jpeg(tf.cast(img, tf.uint8), quality=90)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.data import jpeg_encode
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op

_UNITS = {"in": 1, "cm": 2}


def encode_jpeg(image: Any, format: str = "", quality: int = 95,  # noqa: A002 (TF's name)
                progressive: bool = False, optimize_size: bool = False,
                chroma_downsampling: bool = True, density_unit: str = "in",
                x_density: int = 300, y_density: int = 300, xmp_metadata: str = "",
                name: str | None = None) -> Tensor:
    """JPEG bytes (a string scalar) of a uint8 image ``[h, w, 1 or 3]``; ``format``
    '' (by channels), 'grayscale' or 'rgb'."""
    if format not in ("", "grayscale", "rgb"):
        raise ValueError(f"encode_jpeg: format must be '', 'grayscale' or 'rgb', got "
                         f"{format!r}")
    if density_unit not in _UNITS:
        raise ValueError(f"encode_jpeg: density_unit must be 'in' or 'cm', got "
                         f"{density_unit!r}")
    x = conversion.convert_to_tensor(image, name="image")
    if x.dtype != _dt.uint8:
        raise TypeError(f"encode_jpeg: image must be uint8, got {x.dtype.name}")
    attrs = {"format": format, "quality": int(quality), "progressive": bool(progressive),
             "optimize_size": bool(optimize_size),
             "chroma_downsampling": bool(chroma_downsampling),
             "density_unit": density_unit, "x_density": int(x_density),
             "y_density": int(y_density), "xmp_metadata": xmp_metadata}
    return make_op("EncodeJpeg", [x], [_dt.string], name=name or "EncodeJpeg",
                   attrs=attrs, shapes=[[]]).outputs[0]


@registry.register_kernel("EncodeJpeg")
def _encode_jpeg(ctx: registry.KernelContext, image: Any) -> Any:
    a = ctx.attrs
    img = np.asarray(image)
    if img.ndim != 3:
        raise errors.InvalidArgumentError(None, ctx.op, "image must be 3-dimensional"
                                          f"{list(img.shape)}")
    want = {"grayscale": 1, "rgb": 3}.get(a["format"])
    if want is not None and img.shape[2] != want:
        raise errors.InvalidArgumentError(None, ctx.op, f"format {a['format']} expects "
                                          f"{want} channels, got {list(img.shape)}")
    if img.shape[2] not in (1, 3):
        raise errors.InvalidArgumentError(None, ctx.op, "image must have 1 or 3 channels, "
                                          f"got {list(img.shape)}")
    if img.shape[0] == 0 or img.shape[1] == 0:
        raise errors.InvalidArgumentError(None, ctx.op, "JPEG encoding failed: empty image")
    if not 0 <= a["quality"] <= 100:
        raise errors.InvalidArgumentError(None, ctx.op, "quality must be in [0,100], got "
                                          f"{a['quality']}")
    density = (_UNITS[a["density_unit"]], a["x_density"], a["y_density"])
    data = jpeg_encode.encode(img, a["quality"], a["chroma_downsampling"],
                              density=density, xmp=a["xmp_metadata"].encode())
    return np.array(data, dtype=object).reshape(())


def encode_jpeg_variable_quality(images: Any, quality: Any, name: str | None = None
                                 ) -> Tensor:
    """JPEG bytes of a uint8 ``[h, w, 1 or 3]`` image at a run-time ``quality`` (an int32
    scalar tensor), the other options at ``encode_jpeg``'s defaults (TF's
    ``EncodeJpegVariableQuality``)."""
    x = conversion.convert_to_tensor(images, name="images")
    if x.dtype != _dt.uint8:
        raise TypeError(f"encode_jpeg_variable_quality: images must be uint8, got "
                        f"{x.dtype.name}")
    q = conversion.convert_to_tensor(quality, dtype=_dt.int32, name="quality")
    return make_op("EncodeJpegVariableQuality", [x, q], [_dt.string],
                   name=name or "EncodeJpegVariableQuality", shapes=[[]]).outputs[0]


_DEFAULTS = {"format": "", "progressive": False, "optimize_size": False,
             "chroma_downsampling": True, "density_unit": "in", "x_density": 300,
             "y_density": 300, "xmp_metadata": ""}


class _VariableQuality:
    """The attrs ``_encode_jpeg`` reads, with the quality given at run time."""

    def __init__(self, ctx: registry.KernelContext, quality: int) -> None:
        self.op = ctx.op
        self.attrs = {**_DEFAULTS, "quality": quality}


@registry.register_kernel("EncodeJpegVariableQuality")
def _encode_variable(ctx: registry.KernelContext, image: Any, quality: Any) -> Any:
    return _encode_jpeg(_VariableQuality(ctx, int(np.asarray(quality))), image)  # type: ignore[arg-type]


registry.not_differentiable("EncodeJpeg", "EncodeJpegVariableQuality")

__all__ = ["encode_jpeg", "encode_jpeg_variable_quality"]
