"""More ``tf.compat.v1.image``: colour (``rgb_to_grayscale``, ``grayscale_to_rgb``,
``rgb_to_hsv``, ``hsv_to_rgb``, ``adjust_saturation``/``adjust_hue``/``adjust_gamma`` and
their random forms), geometry (``rot90``, ``transpose_image``) and measures
(``total_variation``, ``psnr``, ``image_gradients``). Built from differentiable graph ops
except the HSV conversions (NumPy kernels with TF's formulas, not differentiable).

Example:
    >>> gray = rgb_to_grayscale(images)                 # [..., 1]
    >>> img = random_hue(random_saturation(img, 0.5, 1.5), 0.1)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, control_flow_ops, math_ops, random_ops, reduction_ops
from trainkit.ops.image_ops import _image, _in_float, _unbatch, convert_image_dtype
from trainkit.ops.op_util import make_op
from trainkit.ops.sequence_ops import reverse

_GRAY = np.array([0.2989, 0.5870, 0.1140], np.float32)


def rgb_to_grayscale(images: Any, name: str | None = None) -> Tensor:
    """``0.2989 R + 0.5870 G + 0.1140 B`` in float, back in the input dtype; the last
    axis becomes 1."""
    with name_scope(name, "rgb_to_grayscale", [images]):
        x = conversion.convert_to_tensor(images, name="images")
        f = convert_image_dtype(x, _dt.float32)
        gray = math_ops.reduce_sum(f * _GRAY, -1, keepdims=True)
        return convert_image_dtype(gray, x.dtype)


def grayscale_to_rgb(images: Any, name: str | None = None) -> Tensor:
    """The one gray channel repeated three times.

    Raises:
        ValueError: a last dimension other than 1.
    """
    with name_scope(name, "grayscale_to_rgb", [images]):
        x = conversion.convert_to_tensor(images, name="images")
        if x.shape.ndims is not None and x.shape.as_list()[-1] not in (None, 1):
            raise ValueError(f"grayscale_to_rgb: the last dimension must be 1, got {x.shape}.")
        return array_ops.concat([x, x, x], -1)


def transpose_image(image: Any, name: str | None = None) -> Tensor:
    """Swaps height and width."""
    with name_scope(name, "transpose", [image]):
        x, single = _image(image, "transpose")
        return _unbatch(array_ops.transpose(x, [0, 2, 1, 3]), single)


def _rotated(x: Tensor, k: int) -> Tensor:
    if k == 1:
        return array_ops.transpose(reverse(x, [2]), [0, 2, 1, 3])
    if k == 2:
        return reverse(x, [1, 2])
    if k == 3:
        return reverse(array_ops.transpose(x, [0, 2, 1, 3]), [2])
    return x


def rot90(image: Any, k: Any = 1, name: str | None = None) -> Tensor:
    """Rotates the image(s) counter-clockwise by ``k`` quarter turns; ``k`` may be an int32
    tensor known only when the graph runs (then height and width are static only for
    square images, as TF's).

    Raises:
        TypeError: a ``k`` that is not an integer.
    """
    with name_scope(name, "rot90", [image]):
        x, single = _image(image, "rot90")
        if isinstance(k, int | np.integer) and not isinstance(k, bool):
            return _unbatch(_rotated(x, int(k) % 4), single)
        try:
            kt = conversion.convert_to_tensor(k, dtype=_dt.int32, name="k")
        except (TypeError, ValueError):
            raise TypeError(f"rot90: k must be an int32 scalar, got {k!r}.") from None
        kt = math_ops.floormod(kt, 4)
        y = control_flow_ops.case(
            [(math_ops.equal(kt, n), lambda n=n: _rotated(x, n)) for n in (1, 2, 3)],
            default=lambda: _rotated(x, 0), exclusive=True)
        n, h, w, c = x.shape.as_list()
        y.set_shape([n, h if h == w else None, w if h == w else None, c])
        return _unbatch(y, single)


def total_variation(images: Any, name: str | None = None) -> Tensor:
    """The sum of absolute differences between neighbouring pixels (per image for a
    batch)."""
    with name_scope(name, "total_variation", [images]):
        x = conversion.convert_to_tensor(images, name="images")
        nd = x.shape.ndims
        if nd not in (3, 4):
            raise ValueError(f"total_variation: images must be 3-D or 4-D, got {x.shape}.")
        if nd == 3:
            dh, dw, axes = x[1:] - x[:-1], x[:, 1:] - x[:, :-1], None
        else:
            dh, dw, axes = x[:, 1:] - x[:, :-1], x[:, :, 1:] - x[:, :, :-1], [1, 2, 3]
        return (reduction_ops.reduce_sum(math_ops.abs(dh), axes)
                + reduction_ops.reduce_sum(math_ops.abs(dw), axes))


def psnr(a: Any, b: Any, max_val: Any, name: str | None = None) -> Tensor:
    """The peak signal-to-noise ratio ``10 log10(max_val² / mse)`` per image (float32)."""
    with name_scope(name, "PSNR", [a, b]):
        x = convert_image_dtype(conversion.convert_to_tensor(a, name="a"), _dt.float32)
        y = convert_image_dtype(conversion.convert_to_tensor(b, name="b"), _dt.float32)
        mv = math_ops.cast(max_val, _dt.float32)
        mse = reduction_ops.reduce_mean(math_ops.squared_difference(x, y), [-3, -2, -1])
        ln10 = float(np.log(10.0))
        return math_ops.subtract(math_ops.log(mv) * (20.0 / ln10),
                                 math_ops.log(mse) * (10.0 / ln10), name="psnr")


def image_gradients(image: Any) -> tuple[Tensor, Tensor]:
    """``(dy, dx)``: next-pixel differences of a 4-D batch, zero in the last row/column.

    Raises:
        ValueError: an input that is not 4-D.
    """
    x = conversion.convert_to_tensor(image, name="image")
    if x.shape.ndims != 4:
        raise ValueError(f"image_gradients expects a 4-D tensor, got shape {x.shape}.")
    dy = array_ops.pad(x[:, 1:] - x[:, :-1], [[0, 0], [0, 1], [0, 0], [0, 0]])
    dx = array_ops.pad(x[:, :, 1:] - x[:, :, :-1], [[0, 0], [0, 0], [0, 1], [0, 0]])
    return dy, dx


def _color_op(op_type: str, images: Any, name: str | None) -> Tensor:
    x = conversion.convert_to_tensor(images, name="images")
    if not x.dtype.is_floating:
        raise TypeError(f"{op_type}: images must be floating point, got {x.dtype.name}.")
    return make_op(op_type, [x], [x.dtype], name=name or op_type,
                   shapes=[x.shape]).outputs[0]


def rgb_to_hsv(images: Any, name: str | None = None) -> Tensor:
    """RGB in ``[0, 1]`` to HSV in ``[0, 1]`` (TF's formulas; not differentiable)."""
    return _color_op("RGBToHSV", images, name)


def hsv_to_rgb(images: Any, name: str | None = None) -> Tensor:
    """HSV in ``[0, 1]`` to RGB (TF's formulas; not differentiable)."""
    return _color_op("HSVToRGB", images, name)


def _in_hsv(image: Any, fn: Any, who: str) -> Tensor:
    with name_scope(None, who, [image]):
        x = conversion.convert_to_tensor(image, name="image")
        return _in_float(x, lambda f: hsv_to_rgb(fn(rgb_to_hsv(f))))


def _split_hsv(hsv: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    return hsv[..., 0:1], hsv[..., 1:2], hsv[..., 2:3]


def adjust_saturation(image: Any, saturation_factor: Any, name: str | None = None
                      ) -> Tensor:
    """Scales the saturation by ``saturation_factor`` (clipped to ``[0, 1]``)."""
    def f(hsv: Tensor) -> Tensor:
        h, s, v = _split_hsv(hsv)
        s = math_ops.clip_by_value(s * math_ops.cast(saturation_factor, s.dtype), 0.0, 1.0)
        return array_ops.concat([h, s, v], -1)
    return _in_hsv(image, f, name or "adjust_saturation")


def adjust_hue(image: Any, delta: Any, name: str | None = None) -> Tensor:
    """Rotates the hue by ``delta`` (in ``[-1, 1]``, a fraction of the colour circle)."""
    def f(hsv: Tensor) -> Tensor:
        h, s, v = _split_hsv(hsv)
        h = math_ops.floormod(h + math_ops.cast(delta, h.dtype), 1.0)
        return array_ops.concat([h, s, v], -1)
    return _in_hsv(image, f, name or "adjust_hue")


def random_saturation(image: Any, lower: float, upper: float, seed: int | None = None
                      ) -> Tensor:
    """``adjust_saturation`` by a factor drawn from ``[lower, upper)``.

    Raises:
        ValueError: ``upper <= lower`` or ``lower < 0``.
    """
    if upper <= lower or lower < 0:
        raise ValueError("random_saturation needs 0 <= lower < upper.")
    return adjust_saturation(image, random_ops.random_uniform([], lower, upper, seed=seed))


def random_hue(image: Any, max_delta: float, seed: int | None = None) -> Tensor:
    """``adjust_hue`` by a delta drawn from ``[-max_delta, max_delta)``.

    Raises:
        ValueError: ``max_delta`` outside ``[0, 0.5]``.
    """
    if not 0 <= max_delta <= 0.5:
        raise ValueError("max_delta must be in the interval [0, 0.5].")
    return adjust_hue(image, random_ops.random_uniform([], -max_delta, max_delta, seed=seed))


def adjust_gamma(image: Any, gamma: Any = 1, gain: Any = 1) -> Tensor:
    """``gain * x ** gamma`` (integer images through ``[0, 1]`` floats).

    Raises:
        ValueError: a negative constant ``gamma``.
    """
    if isinstance(gamma, int | float) and gamma < 0:
        raise ValueError("Gamma should be a non-negative real number.")
    with name_scope(None, "adjust_gamma", [image]):
        x = conversion.convert_to_tensor(image, name="image")
        return _in_float(x, lambda f: math_ops.cast(gain, f.dtype)
                         * math_ops.pow(f, math_ops.cast(gamma, f.dtype)))


# -- kernels (TF's colorspace formulas) --------------------------------------------------
@registry.register_kernel("RGBToHSV")
def _rgb_to_hsv(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    v = np.max(x, -1)
    rng = v - np.min(x, -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(v > 0, rng / np.where(v > 0, v, 1), 0)
        norm = 1.0 / (6.0 * rng)
        h = np.where(r == v, norm * (g - b),
                     np.where(g == v, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0))
    h = np.where(rng > 0, h, 0)
    h = np.where(h < 0, h + 1, h)
    return np.stack([h, s, v], -1).astype(x.dtype)


@registry.register_kernel("HSVToRGB")
def _hsv_to_rgb(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    h, s, v = x[..., 0], x[..., 1], x[..., 2]
    dh = h * 6.0
    dr = np.clip(np.abs(dh - 3.0) - 1.0, 0, 1)
    dg = np.clip(2.0 - np.abs(dh - 2.0), 0, 1)
    db = np.clip(2.0 - np.abs(dh - 4.0), 0, 1)
    one_s = 1.0 - s
    return np.stack([(one_s + s * c) * v for c in (dr, dg, db)], -1).astype(x.dtype)


registry.not_differentiable("RGBToHSV", "HSVToRGB")

__all__ = ["rgb_to_grayscale", "grayscale_to_rgb", "transpose_image", "rot90",
           "total_variation", "psnr", "image_gradients", "rgb_to_hsv", "hsv_to_rgb",
           "adjust_saturation", "adjust_hue", "random_saturation", "random_hue",
           "adjust_gamma"]
