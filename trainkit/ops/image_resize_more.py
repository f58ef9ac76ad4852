"""The raw resize ops of ``tf.compat.v1.image``: ``resize_bilinear``,
``resize_nearest_neighbor``, ``resize_bicubic`` and ``resize_area`` (TF1's legacy
sampling, see :mod:`image_resize_weights`). Unlike ``resize_images`` they take 4-D
images only and always add the op, whose ``size`` may be known only when the graph runs.
Bilinear and nearest neighbour take ``half_pixel_centers`` (TF 1.14+).

Example:
    >>> hr = resize_bicubic(lr_images, [64, 64])
    >>> up = resize_nearest_neighbor(x, tk.shape(x)[1:3] * 2)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.ops import static_value
from trainkit.ops.image_ops import resize_size
from trainkit.ops.image_resize_ops import resize_op


def _raw(op_type: str, images: Any, size: Any, align_corners: bool, name: str | None,
         half_pixel_centers: bool) -> Tensor:
    x = conversion.convert_to_tensor(images, name="images")
    s = resize_size(size)
    sv = static_value.constant_value(s)
    if sv is not None and min(sv.tolist()) < 0:
        raise ValueError(f"{op_type}: Dimension {min(sv.tolist())} must be >= 0 (size "
                         f"{sv.tolist()}).")
    return resize_op(op_type, x, s, align_corners, name=name,
                     half_pixel_centers=half_pixel_centers)


def resize_bilinear(images: Any, size: Any, align_corners: bool = False,
                    name: str | None = None, half_pixel_centers: bool = False) -> Tensor:
    """Bilinear resizing of 4-D ``images`` to ``size`` (float32 output).

    Raises:
        ValueError: images not 4-D, or ``size`` not a 1-D int32 ``[2]``.
        errors.InvalidArgumentError: when run, for a size that is not positive, or
            ``half_pixel_centers`` with ``align_corners`` (as TF).
    """
    return _raw("ResizeBilinear", images, size, align_corners, name, half_pixel_centers)


def resize_nearest_neighbor(images: Any, size: Any, align_corners: bool = False,
                            name: str | None = None, half_pixel_centers: bool = False
                            ) -> Tensor:
    """Nearest-neighbour resizing of 4-D ``images`` to ``size`` (keeps the dtype).

    Raises:
        ValueError: images not 4-D, or ``size`` not a 1-D int32 ``[2]``.
        errors.InvalidArgumentError: when run, for a size that is not positive, or
            ``half_pixel_centers`` with ``align_corners`` (as TF).
    """
    return _raw("ResizeNearestNeighbor", images, size, align_corners, name,
                half_pixel_centers)


def resize_bicubic(images: Any, size: Any, align_corners: bool = False,
                   name: str | None = None, half_pixel_centers: bool = False) -> Tensor:
    """Bicubic resizing of 4-D ``images`` to ``size`` (float32 output).

    Raises:
        ValueError: images not 4-D, or ``size`` not a 1-D int32 ``[2]``.
        NotImplementedError: ``half_pixel_centers``.
        errors.InvalidArgumentError: when run, for a size that is not positive.
    """
    return _raw("ResizeBicubic", images, size, align_corners, name, half_pixel_centers)


def resize_area(images: Any, size: Any, align_corners: bool = False,
                name: str | None = None) -> Tensor:
    """Area (box-average) resizing of 4-D ``images`` to ``size`` (float32 output; no
    gradient, as in TF).

    Raises:
        ValueError: images not 4-D, or ``size`` not a 1-D int32 ``[2]``.
        errors.InvalidArgumentError: when run, for a size that is not positive.
    """
    return _raw("ResizeArea", images, size, align_corners, name, False)


__all__ = ["resize_bilinear", "resize_nearest_neighbor", "resize_bicubic", "resize_area"]
