"""``tf.compat.v1.image``: flips, brightness/contrast jitter, standardization, random crops,
resizing and dtype conversion, built from differentiable graph ops.

Images are ``[height, width, channels]`` or batches ``[batch, height, width, channels]``.
``resize_images`` uses TF1's (legacy) sampling: source coordinate ``dst * in / out``
(``dst * (in - 1) / (out - 1)`` with ``align_corners``), no half-pixel offset; for a
constant bilinear or nearest size it runs as two matrix products with constant
interpolation matrices (or gathers), so its gradient is exact; any other size goes
through TF's resize ops (:mod:`image_resize_ops`).

Example:
    >>> img = random_flip_left_right(img, seed=1)
    >>> img = per_image_standardization(random_brightness(img, 0.2))
"""

from __future__ import annotations

import enum
from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import (
    array_ops,
    comparison_ops,
    control_flow_ops,
    image_resize_ops,
    math_ops,
    random_ops,
    reduction_ops,
    sequence_ops,
    static_fold,
    static_value,
    unary_ops,
)
from trainkit.ops.check_ops import Assert
from trainkit.ops.image_resize_weights import linear_weights, nearest_indices


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


def _flip(image: Any, axis: int, who: str) -> Tensor:
    """Reverses height (``axis`` 0) or width (1) of a 3-D image or a 4-D batch; for an
    image of unknown rank the choice is made when the graph runs, as TF does."""
    x = conversion.convert_to_tensor(image, name="image")
    if x.shape.ndims is None:
        rank = array_ops.rank(x)
        return control_flow_ops.cond(comparison_ops.equal(rank, 3),
                                     lambda: sequence_ops.reverse(x, [axis]),
                                     lambda: sequence_ops.reverse(x, [axis + 1]))
    x, single = _image(x, who)
    return _unbatch(sequence_ops.reverse(x, [axis + 1]), single)


def flip_left_right(image: Any) -> Tensor:
    """Mirrors the image (or every image of a batch) horizontally."""
    return _flip(image, 1, "flip_left_right")


def flip_up_down(image: Any) -> Tensor:
    """Mirrors the image (or every image of a batch) vertically."""
    return _flip(image, 0, "flip_up_down")


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


def _source_coords(n_in: Tensor, n_out: int, align: bool) -> tuple[Tensor, Tensor]:
    """The float64 source coordinate of each of ``n_out`` outputs along an axis of run-time
    length ``n_in`` (:func:`linear_weights`'), and ``n_in - 1``."""
    size = math_ops.cast(n_in, _dt.float64)
    scale = (size - 1.0) / float(n_out - 1) if align and n_out > 1 else size / float(n_out)
    return math_ops.cast(array_ops.range(n_out), _dt.float64) * scale, size - 1.0


def _nearest_at_run(n_in: Tensor, n_out: int, align: bool) -> Tensor:
    """:func:`nearest_indices`' source index per output (int32), in the graph."""
    src, last = _source_coords(n_in, n_out, align)
    pick = unary_ops.floor(src + 0.5) if align else unary_ops.floor(src)  # roundf, as TF
    return math_ops.cast(math_ops.minimum(pick, last), _dt.int32)


def _bilinear_at_run(n_in: Tensor, n_out: int, align: bool, dtype: Any) -> Tensor:
    """:func:`linear_weights`' bilinear ``[n_out, n_in]`` weights for a length known only
    when the graph runs, from graph ops (no gradient: a function of the shape alone)."""
    src, last = _source_coords(n_in, n_out, align)
    cols = math_ops.cast(array_ops.range(n_in), _dt.float64)[None, :]

    def onto(index: Tensor) -> Tensor:
        return math_ops.cast(comparison_ops.equal(index[:, None], cols), _dt.float64)

    lo = unary_ops.floor(src)
    frac = (src - lo)[:, None]
    m = onto(lo) * (1.0 - frac) + onto(math_ops.minimum(lo + 1.0, last)) * frac
    return math_ops.cast(m, dtype)


def _apply_along(x: Tensor, m: np.ndarray | Tensor, axis: int) -> Tensor:
    """Contracts axis ``axis`` (1 or 2) of the 4-D ``x`` with ``m`` ([out, in]; a NumPy
    matrix, or a tensor of ``x``'s dtype with a static number of rows)."""
    perm = [axis] + [i for i in range(4) if i != axis]
    xt = array_ops.transpose(x, perm)
    rest = array_ops.shape(xt)[1:]
    flat = array_ops.reshape(xt, array_ops.stack([array_ops.shape(xt)[0], -1]))
    if isinstance(m, np.ndarray):
        m = conversion.convert_to_tensor(m.astype(x.dtype.np_dtype))
    y = math_ops.matmul(m, flat)
    y = array_ops.reshape(y, array_ops.concat([[int(m.shape[0])], rest], 0))
    inv = [perm.index(i) for i in range(4)]
    return array_ops.transpose(y, inv)


_METHOD_OPS = {ResizeMethod.BILINEAR: "ResizeBilinear",
               ResizeMethod.NEAREST_NEIGHBOR: "ResizeNearestNeighbor",
               ResizeMethod.BICUBIC: "ResizeBicubic", ResizeMethod.AREA: "ResizeArea"}


def resize_size(size: Any) -> Tensor:
    """``size`` as the int32 ``[new_height, new_width]`` tensor the resize ops take.

    Raises:
        ValueError: ``size`` not convertible to int32 (floats included), or not of shape
            ``[2]`` (TF's messages).
    """
    try:
        s = conversion.convert_to_tensor(size, dtype=_dt.int32, name="size")
    except (TypeError, ValueError):
        raise ValueError(f"'size' must be a 1-D int32 Tensor, got {size!r}.") from None
    if not s.shape.is_compatible_with([2]):
        raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width "
                         f"(got shape {s.shape}).")
    return s


def _python_known(size: Tensor) -> list[int | None]:
    """The entries of ``size`` TF's Python side knows (``constant_value_as_shape``):
    constants, and slices of the shape of a tensor whose shape is partly known."""
    v = static_value.constant_value(size)
    if v is not None:
        return [int(d) for d in np.reshape(v, [-1]).tolist()]
    if size.op.type == "StridedSlice" and size.op.inputs[0].op.type in ("Shape", "Const"):
        return static_fold.folded_dims(size) or [None, None]
    return [None, None]


def _aspect_size(x: Tensor, size: Tensor) -> Tensor:
    """TF's ``preserve_aspect_ratio`` size: the image scaled by the smaller of the two
    ratios ``size / (height, width)``, rounded (float32 arithmetic, as TF)."""
    dims = x.shape.as_list()[1:3]
    shape = array_ops.shape(x)
    hw = [d if d is not None else shape[i + 1] for i, d in enumerate(dims)]
    f32 = [math_ops.cast(v, _dt.float32) for v in hw]
    scale = math_ops.minimum(math_ops.cast(size[0], _dt.float32) / f32[0],
                             math_ops.cast(size[1], _dt.float32) / f32[1])
    new = [math_ops.cast(unary_ops.round(scale * f), _dt.int32) for f in f32]
    return array_ops.stack(new)


def resize_images(images: Any, size: Any, method: int = ResizeMethod.BILINEAR,
                  align_corners: bool = False, preserve_aspect_ratio: bool = False,
                  name: str | None = None) -> Tensor:
    """Resizes images to ``size = [new_height, new_width]`` (TF1 semantics).

    ``size`` may be a tensor known only when the graph runs (``tf.shape(x)[1:3] * 2``);
    the new height and width are then static where TF's shape inference knows them.
    Bilinear, bicubic and area give float32; nearest neighbour keeps the dtype. A size
    known to equal the image's returns the image unchanged, as TF.

    Raises:
        ValueError: images not 3-D or 4-D, ``size`` not a 1-D int32 ``[2]``, a negative
            constant size, or an unknown ``method``.
        errors.InvalidArgumentError: when run, for a size that is not positive.

    Differs from TF: float64 images stay float64 (TF gives float32).
    """
    with name_scope(name, "resize_images", [images, size]):
        x, single = _image(images, "resize_images")
        s = resize_size(size)
        if preserve_aspect_ratio:
            s = _aspect_size(x, s)
        h, w = x.shape.as_list()[1:3]
        if _python_known(s) == [h, w] and h is not None and w is not None:
            return _unbatch(x, single)
        if method not in _METHOD_OPS:
            raise ValueError(f"Resize method is not implemented: {method!r}")
        sv = static_value.constant_value(s)
        if sv is not None and min(sv.tolist()) < 0:
            raise ValueError(f"resize_images: Dimension {min(sv.tolist())} must be >= 0 "
                             f"(size {sv.tolist()}).")
        nearest = method == ResizeMethod.NEAREST_NEIGHBOR
        if (sv is None or min(sv.tolist()) == 0
                or method in (ResizeMethod.BICUBIC, ResizeMethod.AREA)):
            y = image_resize_ops.resize_op(_METHOD_OPS[method], x, s, align_corners)
            return _unbatch(y, single)
        oh, ow = (int(v) for v in sv.tolist())
        if not nearest and x.dtype is not _dt.float64:
            x = math_ops.cast(x, _dt.float32)
        if h is None or w is None:  # sizes known at run time: matrices built in the graph
            y = _resize_at_run(x, oh, ow, align_corners, nearest)
            return _unbatch(y, single)
        if nearest:
            rows = nearest_indices(h, oh, align_corners).astype(np.int32)
            cols = nearest_indices(w, ow, align_corners).astype(np.int32)
            y = array_ops.gather(array_ops.gather(x, rows, axis=1), cols, axis=2)
        else:
            y = _apply_along(x, linear_weights(h, oh, align_corners, False), 1)
            y = _apply_along(y, linear_weights(w, ow, align_corners, False), 2)
        y.set_shape([x.shape.as_list()[0], oh, ow, x.shape.as_list()[3]])
        return _unbatch(y, single)


def _resize_at_run(x: Tensor, oh: int, ow: int, align: bool, nearest: bool) -> Tensor:
    """``resize_images`` of a 4-D ``x`` whose height or width is unknown when the graph
    is built (e.g. images decoded by a ``py_func`` in a ``tf.data`` map): the sampling of
    the static path, with its indices or weights computed when the graph runs."""
    shape = array_ops.shape(x)
    if nearest:
        y = array_ops.gather(x, _nearest_at_run(shape[1], oh, align), axis=1)
        y = array_ops.gather(y, _nearest_at_run(shape[2], ow, align), axis=2)
    else:
        y = _apply_along(x, _bilinear_at_run(shape[1], oh, align, x.dtype), 1)
        y = _apply_along(y, _bilinear_at_run(shape[2], ow, align, x.dtype), 2)
    y.set_shape([x.shape.as_list()[0], oh, ow, x.shape.as_list()[3]])
    return y


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
    """A random ``size`` slice of ``value`` (every offset equally likely); ``size`` may be
    a tensor known only when the graph runs.

    Raises:
        ValueError: if ``size`` has another length than ``value`` has dimensions.
        errors.InvalidArgumentError: when run, if ``size`` exceeds the shape of ``value``
            (as TF) or has a negative entry (TF's Slice fails then for most offsets).
    """
    with name_scope(name, "random_crop", [value, size]):
        x = conversion.convert_to_tensor(value, name="value")
        sz = conversion.convert_to_tensor(size, dtype=_dt.int32, name="size")
        known = static_fold.folded_dims(sz)
        if x.shape.ndims is not None and known is not None and len(known) != x.shape.ndims:
            raise ValueError(f"random_crop: size of length {len(known)} must have one entry "
                             f"per dimension of value {x.shape}.")
        shape = array_ops.shape(x)
        fits = math_ops.logical_and(comparison_ops.greater_equal(shape, sz),
                                    comparison_ops.greater_equal(sz, 0))
        check = Assert(reduction_ops.reduce_all(fits),
                       ["Need value.shape >= size >= 0, got ", shape, sz], summarize=1000)
        limit = control_flow_ops.with_dependencies([check], shape) - sz + 1
        u = random_ops.random_uniform(array_ops.shape(limit), 0.0, 1.0, seed=seed,
                                      dtype=_dt.float64)
        offset = math_ops.minimum(math_ops.cast(u * math_ops.cast(limit, _dt.float64),
                                                _dt.int32), limit - 1)
        out = array_ops.slice(x, offset, sz)
        if known is not None:
            out.set_shape(known)
        return out


__all__ = [
    "ResizeMethod", "random_flip_left_right", "random_flip_up_down", "random_brightness",
    "random_contrast", "adjust_brightness", "adjust_contrast", "per_image_standardization",
    "resize_images", "resize_size",
    "convert_image_dtype", "random_crop", "flip_left_right", "flip_up_down",
]
