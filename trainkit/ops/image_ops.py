"""``tf.compat.v1.image``: flips, brightness/contrast jitter, standardization, crops, pads,
resizing and dtype conversion, built from differentiable graph ops.

Images are ``[height, width, channels]`` or batches ``[batch, height, width, channels]``.
``resize_images`` uses TF1's (legacy) sampling: source coordinate ``dst * in / out``
(``dst * (in - 1) / (out - 1)`` with ``align_corners``), no half-pixel offset; it runs as
two matrix products with constant interpolation matrices, so its gradient is exact. An
image whose height or width is only known when the graph runs (a decoded JPEG in a
``tf.data`` map) gets its interpolation matrices from a ``ResizeInterpMatrix`` op, built
by the same function from the run-time size.

Example:
    >>> img = random_flip_left_right(img, seed=1)
    >>> img = per_image_standardization(random_brightness(img, 0.2))
"""

from __future__ import annotations

import enum
from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import (
    array_ops,
    comparison_ops,
    math_ops,
    random_ops,
    reduction_ops,
    static_value,
)
from trainkit.ops.op_util import make_op


class ResizeMethod(enum.IntEnum):
    """``tf.image.ResizeMethod`` (TF1 values)."""

    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


def _image(image: Any, who: str) -> tuple[Tensor, bool]:
    """The image as a 4-D batch and whether it was a single 3-D image."""
    x = conversion.convert_to_tensor(image, name="image")
    nd = x.shape.ndims
    if nd not in (3, 4):
        raise ValueError(f"{who}: 'image' must be 3-D [height, width, channels] or 4-D "
                         f"[batch, height, width, channels], got shape {x.shape}.")
    return (array_ops.expand_dims(x, 0) if nd == 3 else x), nd == 3


def _unbatch(x: Tensor, single: bool) -> Tensor:
    return array_ops.squeeze(x, [0]) if single else x


def _random_flip(image: Any, seed: Any, axis: int, who: str) -> Tensor:
    with name_scope(None, who, [image]):
        x, single = _image(image, who)
        n = array_ops.shape(x)[:1]
        flip = comparison_ops.less(random_ops.random_uniform(n, 0.0, 1.0, seed=seed), 0.5)
        flipped = x[:, ::-1] if axis == 1 else x[:, :, ::-1]
        return _unbatch(comparison_ops.where(flip, flipped, x), single)


def random_flip_left_right(image: Any, seed: int | None = None) -> Tensor:
    """Mirrors each image horizontally with probability 1/2."""
    return _random_flip(image, seed, 2, "random_flip_left_right")


def random_flip_up_down(image: Any, seed: int | None = None) -> Tensor:
    """Mirrors each image vertically with probability 1/2."""
    return _random_flip(image, seed, 1, "random_flip_up_down")


def flip_left_right(image: Any) -> Tensor:
    """Mirrors the image (or every image of a batch) horizontally."""
    x, single = _image(image, "flip_left_right")
    return _unbatch(x[:, :, ::-1], single)


def flip_up_down(image: Any) -> Tensor:
    """Mirrors the image (or every image of a batch) vertically."""
    x, single = _image(image, "flip_up_down")
    return _unbatch(x[:, ::-1], single)


def resize_bilinear(images: Any, size: Any, align_corners: bool = False,
                    name: str | None = None, half_pixel_centers: bool = False) -> Tensor:
    """``resize_images`` with ``BILINEAR`` (``tf.image.resize_bilinear``).

    Raises:
        NotImplementedError: for ``half_pixel_centers``.
    """
    if half_pixel_centers:
        raise NotImplementedError("resize_bilinear: half_pixel_centers is not supported.")
    return resize_images(images, size, ResizeMethod.BILINEAR, align_corners, name=name)


def resize_nearest_neighbor(images: Any, size: Any, align_corners: bool = False,
                            name: str | None = None, half_pixel_centers: bool = False
                            ) -> Tensor:
    """``resize_images`` with ``NEAREST_NEIGHBOR`` (``tf.image.resize_nearest_neighbor``).

    Raises:
        NotImplementedError: for ``half_pixel_centers``.
    """
    if half_pixel_centers:
        raise NotImplementedError("resize_nearest_neighbor: half_pixel_centers is not "
                                  "supported.")
    return resize_images(images, size, ResizeMethod.NEAREST_NEIGHBOR, align_corners,
                         name=name)


def random_brightness(image: Any, max_delta: float, seed: int | None = None) -> Tensor:
    """Adds one delta drawn from ``[-max_delta, max_delta)`` to every pixel.

    Raises:
        ValueError: if ``max_delta`` is negative.
    """
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    x = conversion.convert_to_tensor(image, name="image")
    delta = random_ops.random_uniform([], -max_delta, max_delta, seed=seed)
    return _in_float(x, lambda f: f + delta)


def random_contrast(image: Any, lower: float, upper: float, seed: int | None = None
                    ) -> Tensor:
    """``(x - mean) * factor + mean`` per image and channel, ``factor`` drawn from
    ``[lower, upper)``.

    Raises:
        ValueError: if ``upper <= lower`` or ``lower < 0``.
    """
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    factor = random_ops.random_uniform([], lower, upper, seed=seed)
    return adjust_contrast(image, factor)


def adjust_contrast(images: Any, contrast_factor: Any) -> Tensor:
    """``(x - mean) * contrast_factor + mean`` with the mean over height and width."""
    x = conversion.convert_to_tensor(images, name="images")
    if x.shape.ndims is not None and x.shape.ndims < 3:
        raise ValueError(f"adjust_contrast: images must be at least 3-D, got {x.shape}.")

    def f(v: Tensor) -> Tensor:
        mean = reduction_ops.reduce_mean(v, [-3, -2], keepdims=True)
        return (v - mean) * math_ops.cast(contrast_factor, v.dtype) + mean
    return _in_float(x, f)


def adjust_brightness(image: Any, delta: Any) -> Tensor:
    """Adds ``delta`` to every pixel (in float, converted back)."""
    x = conversion.convert_to_tensor(image, name="image")
    return _in_float(x, lambda f: f + math_ops.cast(delta, f.dtype))


def _in_float(x: Tensor, fn: Any) -> Tensor:
    if x.dtype.is_floating:
        return fn(x)
    f = convert_image_dtype(x, _dt.float32)
    return convert_image_dtype(fn(f), x.dtype, saturate=True)


def per_image_standardization(image: Any) -> Tensor:
    """``(x - mean) / max(stddev, 1 / sqrt(num_elements))`` over each image (float32 for
    integer images)."""
    with name_scope(None, "per_image_standardization", [image]):
        x, single = _image(image, "per_image_standardization")
        if not x.dtype.is_floating:
            x = math_ops.cast(x, _dt.float32)
        dims = x.shape.as_list()[1:]
        if all(d is not None for d in dims):
            n = conversion.convert_to_tensor(float(np.prod(dims)), dtype=x.dtype)
        else:
            n = math_ops.cast(reduction_ops.reduce_prod(array_ops.shape(x)[1:]), x.dtype)
        mean = reduction_ops.reduce_mean(x, [1, 2, 3], keepdims=True)
        var = reduction_ops.reduce_mean(math_ops.square(x - mean), [1, 2, 3], keepdims=True)
        std = math_ops.maximum(math_ops.sqrt(var), math_ops.rsqrt(n))
        return _unbatch((x - mean) / std, single)


def _static_hw(x: Tensor, who: str) -> tuple[int, int]:
    h, w = x.shape.as_list()[1:3]
    if h is None or w is None:
        raise ValueError(f"{who}: trainkit needs the image height and width to be known "
                         f"when the graph is built, got shape {x.shape}.")
    return h, w


def _positive(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"{what} must be > 0, got {value!r}.")
    return int(value)


def resize_image_with_crop_or_pad(image: Any, target_height: int, target_width: int
                                  ) -> Tensor:
    """Centrally crops and/or zero-pads the image to ``target_height x target_width``.

    Raises:
        ValueError: for non-positive targets or an image of unknown height/width.
    """
    th = _positive(target_height, "target_height")
    tw = _positive(target_width, "target_width")
    with name_scope(None, "resize_image_with_crop_or_pad", [image]):
        x, single = _image(image, "resize_image_with_crop_or_pad")
        h, w = _static_hw(x, "resize_image_with_crop_or_pad")
        ch, cw = max(h - th, 0) // 2, max(w - tw, 0) // 2
        x = x[:, ch:ch + min(h, th), cw:cw + min(w, tw)]
        ph, pw = max(th - h, 0) // 2, max(tw - w, 0) // 2
        if ph or pw or th > h or tw > w:
            x = array_ops.pad(x, [[0, 0], [ph, th - min(h, th) - ph],
                                  [pw, tw - min(w, tw) - pw], [0, 0]])
        return _unbatch(x, single)


def central_crop(image: Any, central_fraction: float) -> Tensor:
    """The central ``central_fraction`` of the image in height and width.

    Raises:
        ValueError: if ``central_fraction`` is not in ``(0, 1]``.
    """
    if not isinstance(central_fraction, int | float) or not 0.0 < central_fraction <= 1.0:
        raise ValueError("central_fraction must be within (0, 1]")
    with name_scope(None, "central_crop", [image]):
        x, single = _image(image, "central_crop")
        if central_fraction == 1.0:
            return _unbatch(x, single)
        h, w = _static_hw(x, "central_crop")
        sh = int((h - h * central_fraction) / 2)
        sw = int((w - w * central_fraction) / 2)
        return _unbatch(x[:, sh:h - sh, sw:w - sw], single)


def _interp_matrix(n_in: int, n_out: int, align: bool, nearest: bool) -> np.ndarray:
    """``[n_out, n_in]`` weights of TF1's legacy resize sampling along one axis."""
    scale = (n_in - 1) / (n_out - 1) if align and n_out > 1 else n_in / n_out
    m = np.zeros((n_out, n_in))
    for o in range(n_out):
        src = o * scale
        if nearest:
            m[o, min(int(np.round(src) if align else np.floor(src)), n_in - 1)] = 1.0
            continue
        lo = int(np.floor(src))
        hi = min(lo + 1, n_in - 1)
        frac = src - lo
        m[o, lo] += 1.0 - frac
        m[o, hi] += frac
    return m


def _apply_along(x: Tensor, m: np.ndarray | Tensor, axis: int) -> Tensor:
    """Contracts axis ``axis`` (1 or 2) of the 4-D ``x`` with ``m`` ([out, in]): a NumPy
    matrix, or a ``ResizeInterpMatrix`` tensor when the input size is dynamic."""
    perm = [axis] + [i for i in range(4) if i != axis]
    xt = array_ops.transpose(x, perm)
    rest = array_ops.shape(xt)[1:]
    if isinstance(m, Tensor):
        n_in, n_out, mt = array_ops.shape(xt)[0], int(m.shape.as_list()[0]), m
    else:
        n_in, n_out = m.shape[1], m.shape[0]
        mt = conversion.convert_to_tensor(m.astype(x.dtype.np_dtype))
    flat = array_ops.reshape(xt, array_ops.stack([n_in, -1]))
    y = math_ops.matmul(mt, flat)
    y = array_ops.reshape(y, array_ops.concat([[n_out], rest], 0))
    inv = [perm.index(i) for i in range(4)]
    return array_ops.transpose(y, inv)


def _axis_matrix(x: Tensor, axis: int, n_out: int, align: bool, nearest: bool
                 ) -> np.ndarray | Tensor:
    """The interpolation matrix of ``x``'s axis ``axis``: NumPy when its length is static,
    else a ``ResizeInterpMatrix`` op fed the run-time length."""
    n_in = x.shape.as_list()[axis]
    if n_in is not None:
        return _interp_matrix(n_in, n_out, align, nearest)
    dtype = _dt.int32 if nearest else x.dtype
    return make_op("ResizeInterpMatrix", [array_ops.shape(x)[axis]], [dtype],
                   name="ResizeInterpMatrix",
                   attrs={"n_out": n_out, "align_corners": bool(align),
                          "nearest": bool(nearest)},
                   shapes=[[n_out] if nearest else [n_out, None]]).outputs[0]


@registry.register_kernel("ResizeInterpMatrix")
def _resize_interp_matrix(ctx: registry.KernelContext, n_in: Any) -> np.ndarray:
    a = ctx.attrs
    m = _interp_matrix(int(n_in), a["n_out"], a["align_corners"], a["nearest"])
    if a["nearest"]:  # the source index of each output row
        return m.argmax(1).astype(np.int32)
    return m.astype(ctx.op.outputs[0].dtype.np_dtype)


registry.not_differentiable("ResizeInterpMatrix")


def resize_images(images: Any, size: Any, method: int = ResizeMethod.BILINEAR,
                  align_corners: bool = False, preserve_aspect_ratio: bool = False,
                  name: str | None = None) -> Tensor:
    """Resizes images to ``size = [new_height, new_width]`` (TF1 semantics).

    Bilinear output is float32 (float64 stays float64); nearest neighbour keeps the dtype.

    Raises:
        ValueError: for a size that is not 2 positive ints known at graph-build time.
        NotImplementedError: for ``BICUBIC``, ``AREA`` or ``preserve_aspect_ratio``.

    Differs from TF: ``size`` must be a constant.
    """
    if method not in (ResizeMethod.BILINEAR, ResizeMethod.NEAREST_NEIGHBOR):
        raise NotImplementedError(f"resize_images: method {method!r} is not supported "
                                  "(BILINEAR and NEAREST_NEIGHBOR are).")
    if preserve_aspect_ratio:
        raise NotImplementedError("resize_images: preserve_aspect_ratio is not supported.")
    sv = size if not isinstance(size, Tensor) else static_value.constant_value(size)
    if sv is None or np.shape(sv) != (2,):
        raise ValueError(f"'size' must be a 1-D Tensor of 2 elements: new_height, new_width "
                         f"(known when the graph is built), got {size!r}.")
    oh, ow = (_positive(int(v), "size") for v in np.asarray(sv).tolist())
    with name_scope(name, "resize_images", [images]):
        x, single = _image(images, "resize_images")
        h, w = x.shape.as_list()[1:3]
        nearest = method == ResizeMethod.NEAREST_NEIGHBOR
        if not nearest and x.dtype is not _dt.float64:
            x = math_ops.cast(x, _dt.float32)
        if (oh, ow) == (h, w):
            return _unbatch(x, single)
        mh = _axis_matrix(x, 1, oh, align_corners, nearest)
        mw = _axis_matrix(x, 2, ow, align_corners, nearest)
        if nearest:
            rows = mh if isinstance(mh, Tensor) else mh.argmax(1).astype(np.int32)
            cols = mw if isinstance(mw, Tensor) else mw.argmax(1).astype(np.int32)
            y = array_ops.gather(array_ops.gather(x, rows, axis=1), cols, axis=2)
        else:
            y = _apply_along(_apply_along(x, mh, 1), mw, 2)
        y.set_shape([x.shape.as_list()[0], oh, ow, x.shape.as_list()[3]])
        return _unbatch(y, single)


def convert_image_dtype(image: Any, dtype: Any, saturate: bool = False,
                        name: str | None = None) -> Tensor:
    """Converts between float images in ``[0, 1]`` and integer images in ``[0, MAX]``.

    Raises:
        ValueError: for a non-numeric target dtype.
    """
    dt = _dt.as_dtype(dtype)
    if not (dt.is_floating or dt.is_integer):
        raise ValueError(f"convert_image_dtype: dtype must be a float or integer type, got "
                         f"{dt.name}.")
    with name_scope(name, "convert_image", [image]):
        x = conversion.convert_to_tensor(image, name="image")
        if x.dtype is dt:
            return array_ops.identity(x)
        if x.dtype.is_floating and dt.is_floating:
            return math_ops.cast(x, dt)
        if x.dtype.is_integer and dt.is_floating:
            return math_ops.cast(x, dt) * (1.0 / float(np.iinfo(x.dtype.np_dtype).max))
        info = np.iinfo(dt.np_dtype)
        if x.dtype.is_floating:  # float -> int: scale by MAX + 0.5 and truncate
            scaled = x * (float(info.max) + 0.5)
            if saturate:
                scaled = math_ops.minimum(math_ops.maximum(scaled, float(info.min)),
                                          float(info.max))
            return math_ops.cast(scaled, dt)
        src = float(np.iinfo(x.dtype.np_dtype).max)  # int -> int through the ratio
        return math_ops.cast(math_ops.cast(x, _dt.float64) * (float(info.max) / src), dt)


def random_crop(value: Any, size: Any, seed: int | None = None, name: str | None = None
                ) -> Tensor:
    """A random ``size`` slice of ``value`` (every offset equally likely).

    Raises:
        ValueError: if ``size`` has another rank than ``value`` or exceeds its shape.
    """
    with name_scope(name, "random_crop", [value, size]):
        x = conversion.convert_to_tensor(value, name="value")
        sz = conversion.convert_to_tensor(size, dtype=_dt.int32, name="size")
        sv = static_value.constant_value(sz)
        dims = x.shape.as_list() if x.shape.ndims is not None else None
        if sv is not None and dims is not None:
            sv = np.reshape(sv, [-1])
            if len(sv) != len(dims):
                raise ValueError(f"random_crop: size {sv.tolist()} must have one entry per "
                                 f"dimension of value {x.shape}.")
            if any(d is not None and s > d for s, d in zip(sv.tolist(), dims)):
                raise ValueError(f"Need value.shape >= size, got shape {x.shape} and size "
                                 f"{sv.tolist()}.")
        limit = array_ops.shape(x) - sz + 1
        u = random_ops.random_uniform(array_ops.shape(limit), 0.0, 1.0, seed=seed,
                                      dtype=_dt.float64)
        offset = math_ops.minimum(math_ops.cast(u * math_ops.cast(limit, _dt.float64),
                                                _dt.int32), limit - 1)
        out = array_ops.slice(x, offset, sz)
        if sv is not None:
            out.set_shape([int(s) for s in np.reshape(sv, [-1])])
        return out


__all__ = [
    "ResizeMethod", "random_flip_left_right", "random_flip_up_down", "random_brightness",
    "random_contrast", "adjust_brightness", "adjust_contrast", "per_image_standardization",
    "resize_image_with_crop_or_pad", "central_crop", "resize_images",
    "convert_image_dtype", "random_crop", "flip_left_right", "flip_up_down",
    "resize_bilinear", "resize_nearest_neighbor",
]
