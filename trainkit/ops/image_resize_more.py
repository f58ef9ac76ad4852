"""``tf.image.resize_bicubic`` and ``resize_area`` (TF1's legacy sampling: source
coordinate ``dst * in / out``, or ``dst * (in - 1) / (out - 1)`` with ``align_corners``),
as two constant interpolation matrices like ``resize_images``' bilinear path, so the
gradient is exact. Bicubic uses TF's Keys kernel (``a = -0.75``) through its 1024-entry
float32 coefficient table, so the weights are TF's to the bit.

Example:
    >>> hr = resize_bicubic(lr_images, [64, 64])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import math_ops, static_value
from trainkit.ops.image_ops import _apply_along, _image, _positive, _static_hw, _unbatch

_TABLE_SIZE = 1024


def _coeffs_table() -> np.ndarray:
    a = np.float32(-0.75)
    table = np.zeros((_TABLE_SIZE + 1, 2), np.float32)
    for i in range(_TABLE_SIZE + 1):
        x = np.float32(i * 1.0 / _TABLE_SIZE)
        table[i, 0] = ((a + 2) * x - (a + 3)) * x * x + 1
        x = x + np.float32(1.0)
        table[i, 1] = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return table


_TABLE = _coeffs_table()


def _scale(n_in: int, n_out: int, align: bool) -> float:
    if align and n_out > 1:
        return float(np.float32((n_in - 1) / (n_out - 1)))
    return float(np.float32(n_in / n_out))


def _bicubic_matrix(n_in: int, n_out: int, align: bool) -> np.ndarray:
    scale = np.float32(_scale(n_in, n_out, align))
    m = np.zeros((n_out, n_in))
    for o in range(n_out):
        src = np.float32(o) * scale
        lo = math.floor(src)
        offset = int(np.rint(np.float32(src - lo) * _TABLE_SIZE))
        weights = (_TABLE[offset, 1], _TABLE[offset, 0], _TABLE[_TABLE_SIZE - offset, 0],
                   _TABLE[_TABLE_SIZE - offset, 1])
        for k, w in enumerate(weights):
            m[o, min(max(lo - 1 + k, 0), n_in - 1)] += float(w)
    return m


def _area_matrix(n_in: int, n_out: int, align: bool) -> np.ndarray:
    scale = _scale(n_in, n_out, align)
    m = np.zeros((n_out, n_in))
    for o in range(n_out):
        start, end = o * scale, (o + 1) * scale
        for i in range(int(math.floor(start)), int(math.ceil(end))):
            weight = min(i + 1, end) - max(i, start)
            m[o, min(i, n_in - 1)] += weight / scale
    return m


def _resize(images: Any, size: Any, align_corners: bool, name: str, build: Any) -> Tensor:
    sv = size if not isinstance(size, Tensor) else static_value.constant_value(size)
    if sv is None or np.shape(sv) != (2,):
        raise ValueError(f"'size' must be a 1-D Tensor of 2 elements: new_height, new_width "
                         f"(known when the graph is built), got {size!r}.")
    oh, ow = (_positive(int(v), "size") for v in np.asarray(sv).tolist())
    with name_scope(None, name, [images]):
        x, single = _image(images, name)
        h, w = _static_hw(x, name)
        if x.dtype is not _dt.float64:
            x = math_ops.cast(x, _dt.float32)
        y = _apply_along(x, build(h, oh, align_corners), 1)
        y = _apply_along(y, build(w, ow, align_corners), 2)
        y.set_shape([x.shape.as_list()[0], oh, ow, x.shape.as_list()[3]])
        return _unbatch(y, single)


def resize_bicubic(images: Any, size: Any, align_corners: bool = False,
                   name: str | None = None, half_pixel_centers: bool = False) -> Tensor:
    """Bicubic resizing to ``size`` (float32 output; TF1's legacy sampling).

    Raises:
        ValueError: a size that is not 2 constant positive ints, or unknown height/width.
        NotImplementedError: ``half_pixel_centers``.
    """
    if half_pixel_centers:
        raise NotImplementedError("resize_bicubic: half_pixel_centers is not supported.")
    return _resize(images, size, align_corners, name or "resize_bicubic", _bicubic_matrix)


def resize_area(images: Any, size: Any, align_corners: bool = False,
                name: str | None = None) -> Tensor:
    """Area (box-average) resizing to ``size`` (float32 output).

    Raises:
        ValueError: a size that is not 2 constant positive ints, or unknown height/width.
    """
    return _resize(images, size, align_corners, name or "resize_area", _area_matrix)


__all__ = ["resize_bicubic", "resize_area"]
