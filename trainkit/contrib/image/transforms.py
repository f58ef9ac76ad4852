"""``tf.contrib.image`` projective transforms (TF 1.15): ``transform`` and the helpers
that build its 8-parameter transforms (rotations about the image centre, translations,
composition). The kernel and its gradient are ``ImageProjectiveTransformV2`` in
``trainkit.ops.image_projective``.

Example:
    >>> out = tf.contrib.image.rotate(images, math.pi / 2)          # counter-clockwise
    >>> out = tf.contrib.image.translate(images, [2.0, -1.0], "BILINEAR")
"""

from __future__ import annotations

from typing import Any

import trainkit as tk
from trainkit.framework.tensor import Tensor
from trainkit.ops.image_projective import (
    IMAGE_DTYPES,
    check_interpolation,
    flat_transforms_to_matrices,
    image_projective_transform_v2,
    matrices_to_flat_transforms,
)


def _as_nhwc(images: Any) -> tuple[Tensor, int]:
    """``images`` as NHWC and its original rank (2: HW, 3: HWC, 4: NHWC).

    Raises:
        TypeError: an unsupported dtype, or a rank unknown or outside 2..4 (as TF raises).
    """
    x = tk.convert_to_tensor(images, name="images")
    if x.dtype.base_dtype not in IMAGE_DTYPES:
        raise TypeError(f"Invalid dtype {x.dtype.name}: images must be one of "
                        f"{[d.name for d in IMAGE_DTYPES]}.")
    rank = x.shape.ndims
    if rank is None:
        raise TypeError("image_or_images rank must be statically known")
    if rank == 2:
        return x[None, :, :, None], 2
    if rank == 3:
        return x[None, :, :, :], 3
    if rank == 4:
        return x, 4
    raise TypeError(f"Images should have rank between 2 and 4, got shape {x.shape}.")


def _restore(out: Tensor, rank: int) -> Tensor:
    if rank == 2:
        return out[0, :, :, 0]
    if rank == 3:
        return out[0, :, :, :]
    return out


def transform(images: Any, transforms: Any, interpolation: str = "NEAREST",
              output_shape: Any = None, name: str | None = None) -> Tensor:
    """Applies projective transform(s) to image(s), filling with zeros.

    Args:
        images: ``[n, h, w, c]``, ``[h, w, c]`` or ``[h, w]`` (rank known statically).
        transforms: ``[8]`` or ``[n, 8]``; a row ``[a0, a1, a2, b0, b1, b2, c0, c1]`` maps
            output ``(x, y)`` to input ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``,
            ``k = c0 x + c1 y + 1`` (the inverse of the input-to-output map).
        interpolation: ``"NEAREST"`` or ``"BILINEAR"`` (any case).
        output_shape: ``[out_h, out_w]``; the input's height and width when None.
        name: the name scope.

    Returns:
        The transformed image(s), of the images' dtype and rank.

    Raises:
        TypeError: bad image dtype, image rank outside 2..4, transforms not rank 1 or 2.
        ValueError: unknown interpolation, ``output_shape`` not two elements.
    """
    mode = check_interpolation(interpolation)
    with tk.name_scope(name, "transform"):
        x, rank = _as_nhwc(images)
        t = tk.convert_to_tensor(transforms, dtype=tk.float32, name="transforms")
        if output_shape is None:
            dims = x.shape.as_list()[1:3]
            output_shape = dims if None not in dims else tk.shape(x)[1:3]
        output_shape = tk.convert_to_tensor(output_shape, dtype=tk.int32, name="output_shape")
        if not output_shape.shape.is_compatible_with([2]):
            raise ValueError("output_shape must be a 1-D Tensor of 2 elements: new_height, "
                             f"new_width; got shape {output_shape.shape}.")
        if t.shape.ndims == 1:
            t = t[None]
        elif t.shape.ndims is None:
            raise TypeError("transform_or_transforms rank must be statically known")
        elif t.shape.ndims != 2:
            raise TypeError(f"Transforms should have rank 1 or 2, got shape {t.shape}.")
        out = image_projective_transform_v2(x, t, output_shape, mode)
        return _restore(out, rank)


def angles_to_projective_transforms(angles: Any, image_height: Any, image_width: Any,
                                    name: str | None = None) -> Tensor:
    """``[n, 8]`` transforms rotating counter-clockwise by ``angles`` (radians) about the
    image centre ``((w - 1) / 2, (h - 1) / 2)``.

    Raises:
        TypeError: ``angles`` of rank other than 0 or 1.
    """
    with tk.name_scope(name, "angles_to_projective_transforms"):
        a = tk.convert_to_tensor(angles, dtype=tk.float32, name="angles")
        if a.shape.ndims == 0:
            a = a[None]
        elif a.shape.ndims != 1:
            raise TypeError(f"Angles should have rank 0 or 1, got shape {a.shape}.")
        cos, sin = tk.cos(a), tk.sin(a)
        w1 = tk.cast(image_width, tk.float32) - 1.0
        h1 = tk.cast(image_height, tk.float32) - 1.0
        x_off = (w1 - (cos * w1 - sin * h1)) / 2.0
        y_off = (h1 - (sin * w1 + cos * h1)) / 2.0
        zeros = tk.zeros_like(a)
        return tk.stack([cos, -sin, x_off * tk.ones_like(a), sin, cos,
                         y_off * tk.ones_like(a), zeros, zeros], axis=1)


def translations_to_projective_transforms(translations: Any,
                                          name: str | None = None) -> Tensor:
    """``[n, 8]`` transforms moving images by ``[dx, dy]`` (rows ``[1, 0, -dx, 0, 1, -dy,
    0, 0]``).

    Raises:
        TypeError: ``translations`` of rank unknown or other than 1 or 2.
    """
    with tk.name_scope(name, "translations_to_projective_transforms"):
        t = tk.convert_to_tensor(translations, dtype=tk.float32, name="translations")
        if t.shape.ndims is None:
            raise TypeError("translation_or_translations rank must be statically known")
        if t.shape.ndims == 1:
            t = t[None]
        elif t.shape.ndims != 2:
            raise TypeError(f"Translations should have rank 1 or 2, got shape {t.shape}.")
        dx, dy = t[:, 0], t[:, 1]
        ones, zeros = tk.ones_like(dx), tk.zeros_like(dx)
        return tk.stack([ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1)


def rotate(images: Any, angles: Any, interpolation: str = "NEAREST",
           name: str | None = None) -> Tensor:
    """Rotates image(s) counter-clockwise by ``angles`` (radians, a scalar or one per
    image) about their centre; uncovered pixels are 0.

    Raises:
        TypeError / ValueError: as :func:`transform`.
    """
    with tk.name_scope(name, "rotate"):
        x, rank = _as_nhwc(images)
        h = tk.cast(tk.shape(x)[1], tk.float32)[None]
        w = tk.cast(tk.shape(x)[2], tk.float32)[None]
        out = transform(x, angles_to_projective_transforms(angles, h, w),
                        interpolation=interpolation)
        return _restore(out, rank)


def translate(images: Any, translations: Any, interpolation: str = "NEAREST",
              name: str | None = None) -> Tensor:
    """Moves image(s) by ``[dx, dy]`` (or one per image); uncovered pixels are 0."""
    with tk.name_scope(name, "translate"):
        return transform(images, translations_to_projective_transforms(translations),
                         interpolation=interpolation)


def compose_transforms(*transforms: Any) -> Tensor:
    """One ``[n, 8]`` transform equal to applying ``transforms`` in order (the product of
    their output-to-input matrices).

    Raises:
        ValueError: no transform given.
    """
    if not transforms:
        raise ValueError("compose_transforms needs at least one transform.")
    with tk.name_scope("compose_transforms"):
        composed = flat_transforms_to_matrices(transforms[0])
        for t in transforms[1:]:
            composed = tk.matmul(composed, flat_transforms_to_matrices(t))
        return matrices_to_flat_transforms(composed)


__all__ = ["transform", "rotate", "translate", "angles_to_projective_transforms",
           "translations_to_projective_transforms", "compose_transforms",
           "flat_transforms_to_matrices", "matrices_to_flat_transforms"]
