"""Crops and pads of ``tf.compat.v1.image`` whose offsets, targets or fraction may be
tensors known only when the graph runs: ``crop_to_bounding_box``,
``pad_to_bounding_box``, ``resize_image_with_crop_or_pad``, ``resize_image_with_pad`` and
``central_crop``, for images whose height and width may be unknown too.

They follow TF's construction: a check on Python numbers fails when the graph is built
(ValueError), a check involving a tensor becomes an ``Assert`` that fails when the graph
runs (InvalidArgumentError); an output dimension is static when it is a Python number or
a tensor TF's shape inference can fold (:mod:`static_fold`), else None.

Example:
    >>> s = tk.shape(image)
    >>> top = crop_to_bounding_box(image, 0, 0, s[0] // 2, s[1])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, control_flow_ops, math_ops, static_fold, static_value
from trainkit.ops.check_ops import Assert
from trainkit.ops.image_ops import resize_images
from trainkit.ops.unary_ops import floor

Dim = Any  # a Python int or a scalar int tensor


def _arg(v: Any, what: str) -> Dim:
    """A Python int stays one (checked when building); anything else becomes an int32
    tensor.

    Raises:
        TypeError: a value that is not an integer (TF's Slice/Pad refuse float indices).

    Differs from TF: an int64 tensor is cast to int32 (TF accepts it only where every
    operand it meets is int64 too).
    """
    if isinstance(v, int | np.integer) and not isinstance(v, bool):
        return int(v)
    t = conversion.convert_to_tensor(v) if not isinstance(v, float) else None
    if t is None or not t.dtype.is_integer:
        raise TypeError(f"{what} must be an int or an integer tensor, got {v!r}.")
    return t if t.dtype is _dt.int32 else math_ops.cast(t, _dt.int32)


def _batched(image: Any) -> tuple[Tensor, bool]:
    """The image as 4-D and whether it was given with a batch dimension (an image of
    unknown rank is taken as one 3-D image, as TF does)."""
    x = conversion.convert_to_tensor(image, name="image")
    nd = x.shape.ndims
    if nd == 4:
        return x, True
    if nd not in (3, None):
        raise ValueError(f"'image' (shape {x.shape}) must have either 3 or 4 dimensions.")
    x = array_ops.expand_dims(x, 0)
    if nd is None:
        x.set_shape([None] * 4)
    return x, False


def _check_inner_dims(x: Tensor) -> None:
    if any(d == 0 for d in x.shape.as_list()[-3:]):
        raise ValueError(f"inner 3 dims of 'image.shape' must be > 0: {x.shape}")


def _dims(x: Tensor) -> list[Dim]:
    """``x``'s four dimensions: Python ints where static, scalar shape tensors else."""
    static = x.shape.as_list()
    if all(d is not None for d in static):
        return static
    shape = array_ops.shape(x)
    return [d if d is not None else shape[i] for i, d in enumerate(static)]


def _require(cond: Any, msg: str) -> list[Operation]:
    """TF's polymorphic check: a Python bool raises now, a tensor becomes an Assert."""
    if isinstance(cond, Tensor):
        return [Assert(cond, [msg])]
    if not cond:
        raise ValueError(msg)
    return []


def _gated(checks: list[Operation], t: Any) -> Any:
    if checks and isinstance(t, Tensor):
        return control_flow_ops.with_dependencies(checks, t)
    return t


def _static(d: Dim) -> int | None:
    """The build-time value of a dimension (a folded constant tensor counts), else None."""
    if not isinstance(d, Tensor):
        return d
    v = static_fold.folded_value(d)
    return None if v is None or np.ndim(v) != 0 or int(v) < 0 else int(v)


def _op(fn: Any, x: Dim, y: Dim) -> Dim:
    """``fn`` on Python ints, its tensor form when either is a tensor."""
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        return {max: math_ops.maximum, min: math_ops.minimum}[fn](x, y)
    return fn(x, y)


def _finish(y: Tensor, batched: bool) -> Tensor:
    return y if batched else array_ops.squeeze(y, [0])


def crop_to_bounding_box(image: Any, offset_height: Any, offset_width: Any,
                         target_height: Any, target_width: Any) -> Tensor:
    """The ``target_height x target_width`` window at ``(offset_height, offset_width)``.

    Raises:
        ValueError: an image not 3-D or 4-D, or (when building) Python offsets < 0,
            targets <= 0 or a window outside a known image.
        TypeError: an offset or target that is not an integer.
        errors.InvalidArgumentError: when run, the same checks on tensor arguments.
    """
    with name_scope(None, "crop_to_bounding_box", [image]):
        x, batched = _batched(image)
        _check_inner_dims(x)
        oh, ow, th, tw = (_arg(v, n) for v, n in zip(
            (offset_height, offset_width, target_height, target_width),
            ("offset_height", "offset_width", "target_height", "target_width")))
        batch, height, width, depth = _dims(x)
        checks = (_require(ow >= 0, "offset_width must be >= 0.")
                  + _require(oh >= 0, "offset_height must be >= 0.")
                  + _require(tw > 0, "target_width must be > 0.")
                  + _require(th > 0, "target_height must be > 0.")
                  + _require(width >= tw + ow, "width must be >= target + offset.")
                  + _require(height >= th + oh, "height must be >= target + offset."))
        x = _gated(checks, x)
        shape = array_ops.shape(x)
        y = array_ops.slice(x, array_ops.stack([0, oh, ow, 0]),
                            array_ops.stack([shape[0], th, tw, shape[3]]))
        y.set_shape([_static(batch), _static(th), _static(tw), _static(depth)])
        return _finish(y, batched)


def pad_to_bounding_box(image: Any, offset_height: Any, offset_width: Any,
                        target_height: Any, target_width: Any) -> Tensor:
    """Zero-pads the image to ``target_height x target_width`` with its top-left corner at
    ``(offset_height, offset_width)``.

    Raises:
        ValueError: an image not 3-D or 4-D, or (when building) Python offsets < 0 or a
            known image that does not fit the target.
        TypeError: an offset or target that is not an integer.
        errors.InvalidArgumentError: when run, the same checks on tensor arguments.
    """
    with name_scope(None, "pad_to_bounding_box", [image]):
        x, batched = _batched(image)
        oh, ow, th, tw = (_arg(v, n) for v, n in zip(
            (offset_height, offset_width, target_height, target_width),
            ("offset_height", "offset_width", "target_height", "target_width")))
        batch, height, width, depth = _dims(x)
        after_w, after_h = tw - ow - width, th - oh - height
        _check_inner_dims(x)
        checks = (_require(oh >= 0, "offset_height must be >= 0")
                  + _require(ow >= 0, "offset_width must be >= 0")
                  + _require(after_w >= 0, "width must be <= target - offset")
                  + _require(after_h >= 0, "height must be <= target - offset"))
        x = _gated(checks, x)
        paddings = array_ops.reshape(
            array_ops.stack([0, 0, oh, after_h, ow, after_w, 0, 0]), [4, 2])
        y = array_ops.pad(x, paddings)
        y.set_shape([_static(batch), _static(th), _static(tw), _static(depth)])
        return _finish(y, batched)


def resize_image_with_crop_or_pad(image: Any, target_height: Any, target_width: Any
                                  ) -> Tensor:
    """Centrally crops and/or zero-pads the image to ``target_height x target_width``.

    Raises:
        ValueError: an image not 3-D or 4-D, or Python targets <= 0.
        TypeError: a target that is not an integer.
        errors.InvalidArgumentError: when run, tensor targets <= 0.
    """
    with name_scope(None, "resize_image_with_crop_or_pad", [image]):
        x, batched = _batched(image)
        _check_inner_dims(x)
        th, tw = _arg(target_height, "target_height"), _arg(target_width, "target_width")
        checks = (_require(tw > 0, "target_width must be > 0.")
                  + _require(th > 0, "target_height must be > 0."))
        x, th, tw = _gated(checks, x), _gated(checks, th), _gated(checks, tw)
        _, height, width, _ = _dims(x)
        dw, dh = tw - width, th - height
        cropped = crop_to_bounding_box(x, _op(max, -dh // 2, 0), _op(max, -dw // 2, 0),
                                       _op(min, th, height), _op(min, tw, width))
        y = pad_to_bounding_box(cropped, _op(max, dh // 2, 0), _op(max, dw // 2, 0), th, tw)
        return _finish(y, batched)


def resize_image_with_pad(image: Any, target_height: Any, target_width: Any,
                          method: int = 0, align_corners: bool = False) -> Tensor:
    """Resizes keeping the aspect ratio so the image fits, then zero-pads it centrally
    to ``target_height x target_width`` (``resize_images``' output dtype; TF's float32
    arithmetic for the sizes and offsets).

    Raises:
        ValueError: an image not 3-D or 4-D, or Python targets <= 0.
        TypeError: a target that is not an integer.
        errors.InvalidArgumentError: when run, tensor targets <= 0.
    """
    with name_scope(None, "resize_image_with_pad", [image]):
        x, batched = _batched(image)
        _check_inner_dims(x)
        th, tw = _arg(target_height, "target_height"), _arg(target_width, "target_width")
        checks = (_require(tw > 0, "target_width must be > 0.")
                  + _require(th > 0, "target_height must be > 0."))
        x = _gated(checks, x)
        _, height, width, _ = _dims(x)
        fh, fw, fth, ftw = (math_ops.cast(v, _dt.float32) for v in (height, width, th, tw))
        ratio = math_ops.maximum(fw / ftw, fh / fth)
        rh_f, rw_f = fh / ratio, fw / ratio
        rh, rw = (math_ops.cast(floor(v), _dt.int32) for v in (rh_f, rw_f))
        top = math_ops.maximum(0, math_ops.cast(floor((fth - rh_f) / 2), _dt.int32))
        left = math_ops.maximum(0, math_ops.cast(floor((ftw - rw_f) / 2), _dt.int32))
        resized = resize_images(x, [rh, rw], method, align_corners)
        return _finish(pad_to_bounding_box(resized, top, left, th, tw), batched)


def central_crop(image: Any, central_fraction: Any) -> Tensor:
    """The central ``central_fraction`` of the image in height and width; the fraction
    may be a float tensor (then the crop's size is known only when the graph runs).

    Raises:
        ValueError: a fraction known when building that is not in ``(0, 1]``, or an image
            that is not 3-D or 4-D.
        TypeError: a fraction tensor that is not floating-point.
    """
    with name_scope(None, "central_crop", [image]):
        x = conversion.convert_to_tensor(image, name="image")
        if isinstance(central_fraction, Tensor):
            if not central_fraction.dtype.is_floating:
                raise TypeError(f"central_fraction must be a float tensor, got "
                                f"{central_fraction.dtype.name}.")
            known = static_value.constant_value(central_fraction)
        else:
            known = central_fraction
        if known is not None:
            known = float(known)
            if not 0.0 < known <= 1.0:
                raise ValueError("central_fraction must be within (0, 1]")
            if known == 1.0:
                return x
        rank = x.shape.ndims
        if rank not in (3, 4):
            raise ValueError("`image` should either be a Tensor with rank = 3 or rank = 4. "
                             f"Had rank = {rank}.")
        first = rank - 3
        shape = array_ops.shape(x)
        static = x.shape.as_list()
        starts, sizes = [], []
        for axis in (first, first + 1):
            n = static[axis]
            if n is None or known is None:
                nd = math_ops.cast(shape[axis] if n is None else n, _dt.float64)
                frac = math_ops.cast(central_fraction, _dt.float64)
                start = math_ops.cast((nd - nd * frac) / 2, _dt.int32)
                size = (shape[axis] if n is None else n) - start * 2
            else:
                start = int((float(n) - float(n) * known) / 2)
                size = n - start * 2
            starts.append(start)
            sizes.append(size)
        lead = [0] if rank == 4 else []
        lead_size = [-1] if rank == 4 else []
        y = array_ops.slice(x, array_ops.stack([*lead, *starts, 0]),
                            array_ops.stack([*lead_size, *sizes, -1]))
        out = [None if isinstance(s, Tensor) else s for s in sizes]
        y.set_shape([*static[:first], *out, static[-1]])
        return y


__all__ = ["crop_to_bounding_box", "pad_to_bounding_box", "resize_image_with_crop_or_pad",
           "resize_image_with_pad", "central_crop"]
