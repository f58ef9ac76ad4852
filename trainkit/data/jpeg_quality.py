"""``tf.image.adjust_jpeg_quality`` / ``random_jpeg_quality``: an image passed through a
JPEG encoding at a given (or random) quality and decoded again, in its own dtype -- TF's
JPEG-artifact augmentation. trainkit's encoder and decoder give TF's bytes and pixels,
so the result equals TF's.

Example:
    >>> noisy = tf.image.adjust_jpeg_quality(image, 30)
"""

from __future__ import annotations

from typing import Any

from trainkit.data.image_decode_ops import decode_jpeg
from trainkit.data.image_encode_ops import encode_jpeg_variable_quality
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import random_ops
from trainkit.ops.image_ops import convert_image_dtype


def adjust_jpeg_quality(image: Any, jpeg_quality: Any, name: str | None = None) -> Tensor:
    """``image`` (``[h, w, 1 or 3]``) encoded as JPEG at ``jpeg_quality`` (0-100) and
    decoded, converted to uint8 (saturating) and back to its dtype as TF does."""
    with name_scope(name, "adjust_jpeg_quality", [image]):
        img = conversion.convert_to_tensor(image, name="image")
        channels = img.shape.as_list()[-1] if img.shape.ndims else 0
        orig = img.dtype
        u8 = convert_image_dtype(img, _dt.uint8, saturate=True)
        data = encode_jpeg_variable_quality(u8, jpeg_quality)
        out = decode_jpeg(data, channels=channels or 0)
        return convert_image_dtype(out, orig, saturate=True)


def random_jpeg_quality(image: Any, min_jpeg_quality: int, max_jpeg_quality: int,
                        seed: int | None = None) -> Tensor:
    """:func:`adjust_jpeg_quality` at a quality drawn uniformly from
    ``[min_jpeg_quality, max_jpeg_quality)`` (trainkit's seeded stream, not TF's).

    Raises:
        ValueError: unless ``0 <= min_jpeg_quality < max_jpeg_quality <= 100``.
    """
    if (min_jpeg_quality < 0 or max_jpeg_quality < 0 or min_jpeg_quality > 100
            or max_jpeg_quality > 100):
        raise ValueError("jpeg encoding range must be between 0 and 100.")
    if min_jpeg_quality >= max_jpeg_quality:
        raise ValueError("`min_jpeg_quality` must be less than `max_jpeg_quality`.")
    q = random_ops.random_uniform([], min_jpeg_quality, max_jpeg_quality, _dt.int32,
                                  seed=seed)
    return adjust_jpeg_quality(image, q)


__all__ = ["adjust_jpeg_quality", "random_jpeg_quality"]
