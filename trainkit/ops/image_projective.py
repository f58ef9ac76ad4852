"""The projective image transform kernel (``ImageProjectiveTransformV2``, TF 1.15 contrib
semantics) and the flat-transform / matrix conversions built on it.

A transform row ``[a0, a1, a2, b0, b1, b2, c0, c1]`` maps each *output* pixel ``(x, y)``
(column, row) to the *input* point ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)``
with ``k = c0 x + c1 y + 1``, all in float32 as TF's kernel computes them. ``NEAREST``
rounds half away from zero; ``BILINEAR`` blends the four neighbours in float32 (also for
float64 images) and casts back (integers truncate). Any neighbour outside the image reads
as 0, so a point up to half a pixel (``NEAREST``) or one pixel (``BILINEAR``) outside
still reads the edge; ``k == 0`` gives 0.

Example:
    >>> out = image_projective_transform_v2(images, [[1, 0, -1, 0, 1, 0, 0, 0]],
    ...                                     [4, 4], "NEAREST")   # shifts right by one
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops
from trainkit.ops.linalg_ops import matrix_inverse
from trainkit.ops.op_util import make_op
from trainkit.ops.static_value import constant_value

INTERPOLATIONS = ("NEAREST", "BILINEAR")
IMAGE_DTYPES = (_dt.uint8, _dt.int32, _dt.int64, _dt.float16, _dt.float32, _dt.float64)


def _round_half_away(v: np.ndarray) -> np.ndarray:
    """``std::round``: halves go away from zero (NumPy's ``round`` goes to even)."""
    whole = np.trunc(v)
    frac = v - whole
    return whole + np.where(np.abs(frac) >= 0.5, np.sign(v), 0).astype(v.dtype)


def _read(images: np.ndarray, b: np.ndarray, y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``images[b, y, x, :]`` where ``(y, x)`` is inside the image, else 0 (float32 or the
    image dtype, shape ``[n, oh, ow, c]``)."""
    _, h, w, _ = images.shape
    ok = (y >= 0) & (y < h) & (x >= 0) & (x < w)
    yi = np.where(ok, y, 0).astype(np.int64)
    xi = np.where(ok, x, 0).astype(np.int64)
    vals = images[b, yi, xi]
    return np.where(ok[..., None], vals, np.zeros((), images.dtype))


def _check(images: np.ndarray, transforms: np.ndarray, output_shape: np.ndarray) -> tuple:
    if images.ndim != 4:
        raise errors.InvalidArgumentError(
            None, None, f"Input images must have rank 4, got shape {list(images.shape)}.")
    if transforms.ndim != 2 or transforms.shape[1] != 8 or \
            transforms.shape[0] not in (1, images.shape[0]):
        raise errors.InvalidArgumentError(
            None, None, "Input transform should be num_images x 8 or 1 x 8, got shape "
                        f"{list(transforms.shape)} for {images.shape[0]} images.")
    if output_shape.ndim != 1:
        raise errors.InvalidArgumentError(None, None, "output shape must be 1-dimensional, "
                                                      f"got shape {list(output_shape.shape)}.")
    if output_shape.size != 2:
        raise errors.InvalidArgumentError(None, None, "output shape must have two elements, "
                                                      f"got {output_shape.tolist()}.")
    oh, ow = (int(v) for v in output_shape)
    if oh <= 0 or ow <= 0:
        raise errors.InvalidArgumentError(
            None, None, f"output dimensions must be positive, got {[oh, ow]}.")
    return oh, ow


def projective_transform(images: np.ndarray, transforms: np.ndarray, out_h: int, out_w: int,
                         interpolation: str) -> np.ndarray:
    """The NumPy kernel: ``images`` ``[n, h, w, c]``, ``transforms`` ``[1 or n, 8]``."""
    n = images.shape[0]
    t = np.broadcast_to(np.asarray(transforms, np.float32), (n, 8))
    t = [t[:, k, None, None] for k in range(8)]
    ys, xs = np.meshgrid(np.arange(out_h, dtype=np.float32),
                         np.arange(out_w, dtype=np.float32), indexing="ij")
    proj = t[6] * xs + t[7] * ys + np.float32(1)
    zero = proj == 0
    safe = np.where(zero, np.float32(1), proj)
    in_x = (t[0] * xs + t[1] * ys + t[2]) / safe
    in_y = (t[3] * xs + t[4] * ys + t[5]) / safe
    # Out-of-range coordinates (and NaN) become a sentinel the bounds test rejects.
    bad = zero | ~np.isfinite(in_x) | ~np.isfinite(in_y)
    lim = np.float32(max(images.shape[1], images.shape[2]) + 2)
    in_x = np.where(bad, -lim, np.clip(in_x, -lim, lim))
    in_y = np.where(bad, -lim, np.clip(in_y, -lim, lim))
    b = np.arange(n)[:, None, None]
    if interpolation == "NEAREST":
        return _read(images, b, _round_half_away(in_y), _round_half_away(in_x))
    x0, y0 = np.floor(in_x), np.floor(in_y)
    x1, y1 = x0 + np.float32(1), y0 + np.float32(1)

    def rd(y: np.ndarray, x: np.ndarray) -> np.ndarray:
        return _read(images, b, y, x).astype(np.float32)

    wx0, wx1 = (x1 - in_x)[..., None], (in_x - x0)[..., None]
    top = wx0 * rd(y0, x0) + wx1 * rd(y0, x1)
    bottom = wx0 * rd(y1, x0) + wx1 * rd(y1, x1)
    out = (y1 - in_y)[..., None] * top + (in_y - y0)[..., None] * bottom
    return out.astype(images.dtype)


@registry.register_kernel("ImageProjectiveTransformV2")
def _transform_kernel(ctx: registry.KernelContext, images: Any, transforms: Any,
                      output_shape: Any) -> np.ndarray:
    images = np.asarray(images)
    transforms = np.asarray(transforms, np.float32)
    oh, ow = _check(images, transforms, np.asarray(output_shape))
    return projective_transform(images, transforms, oh, ow, ctx.attrs["interpolation"])


@registry.register_shape("ImageProjectiveTransformV2")
def _transform_shape(op: Operation) -> list[TensorShape]:
    images, _, output_shape = op.inputs
    n = c = None
    if images.shape.ndims == 4:
        n, c = images.shape.as_list()[0], images.shape.as_list()[3]
    hw = constant_value(output_shape)
    if hw is None or np.size(hw) != 2 or np.any(np.asarray(hw) <= 0):
        return [TensorShape([n, None, None, c])]
    return [TensorShape([n, int(hw[0]), int(hw[1]), c])]


def check_interpolation(interpolation: Any) -> str:
    """The upper-cased interpolation name.

    Raises:
        ValueError: a name other than ``NEAREST`` or ``BILINEAR`` (any case).
    """
    name = interpolation.upper() if isinstance(interpolation, str) else None
    if name not in INTERPOLATIONS:
        raise ValueError(f"interpolation must be one of {list(INTERPOLATIONS)} (any case), "
                         f"got {interpolation!r}.")
    return name


def image_projective_transform_v2(images: Any, transforms: Any, output_shape: Any,
                                  interpolation: str, name: str | None = None) -> Tensor:
    """The raw op: ``images`` ``[n, h, w, c]``, ``transforms`` float32 ``[1 or n, 8]``,
    ``output_shape`` int32 ``[2]``; ``[n, out_h, out_w, c]`` of the images' dtype.

    Raises:
        ValueError: an unknown interpolation name.
        TypeError: images of a dtype the kernel does not take.
    """
    interpolation = check_interpolation(interpolation)
    images = conversion.convert_to_tensor(images, name="images")
    if images.dtype.base_dtype not in IMAGE_DTYPES:
        raise TypeError(f"Invalid dtype {images.dtype.name}: images must be one of "
                        f"{[d.name for d in IMAGE_DTYPES]}.")
    transforms = conversion.convert_to_tensor(transforms, dtype=_dt.float32, name="transforms")
    output_shape = conversion.convert_to_tensor(output_shape, dtype=_dt.int32,
                                                name="output_shape")
    return make_op("ImageProjectiveTransformV2", [images, transforms, output_shape],
                   [images.dtype], name=name or "ImageProjectiveTransformV2",
                   attrs={"interpolation": interpolation}).outputs[0]


def flat_transforms_to_matrices(transforms: Any) -> Tensor:
    """``[n, 3, 3]`` matrices (output to input coordinates) of flat ``[8]`` / ``[n, 8]``
    transforms: each row with a 1 appended, read row-major.

    Raises:
        ValueError: ``transforms`` of a rank other than 1 or 2.
    """
    with name_scope("flat_transforms_to_matrices"):
        t = conversion.convert_to_tensor(transforms, name="transforms")
        if t.shape.ndims not in (1, 2):
            raise ValueError(f"Transforms should be 1D or 2D, got shape {t.shape}.")
        t = array_ops.reshape(t, [-1, 8])
        ones = array_ops.ones(array_ops.stack([array_ops.shape(t)[0], 1]), dtype=t.dtype)
        return array_ops.reshape(array_ops.concat([t, ones], axis=1), [-1, 3, 3])


def matrices_to_flat_transforms(transform_matrices: Any) -> Tensor:
    """``[n, 8]`` flat transforms of ``[3, 3]`` / ``[n, 3, 3]`` matrices (output to input
    coordinates), each divided by its bottom-right entry.

    Raises:
        ValueError: matrices of a rank other than 2 or 3.
    """
    with name_scope("matrices_to_flat_transforms"):
        m = conversion.convert_to_tensor(transform_matrices, name="transform_matrices")
        if m.shape.ndims not in (2, 3):
            raise ValueError(f"Matrices should be 2D or 3D, got shape {m.shape}.")
        flat = array_ops.reshape(m, [-1, 9])
        flat = flat / flat[:, 8:9]
        return flat[:, :8]


def invert_flat_transforms(transforms: Any) -> Tensor:
    """The flat transforms of the inverse matrices (what TF's gradient applies)."""
    return matrices_to_flat_transforms(matrix_inverse(flat_transforms_to_matrices(transforms)))


__all__ = ["image_projective_transform_v2", "projective_transform", "check_interpolation",
           "flat_transforms_to_matrices", "matrices_to_flat_transforms",
           "invert_flat_transforms", "INTERPOLATIONS", "IMAGE_DTYPES"]
