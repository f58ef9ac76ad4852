"""``tf.image.extract_glimpse``: windows of a given size cut from each image of a batch
at per-image offsets (TF1's ``ExtractGlimpse``), the part of a window outside its image
filled with noise. ``size`` may be a tensor known only when the graph runs.

An offset ``(y, x)`` is turned into the window's top-left corner as TF does, in float32:
scaled by the image size when ``normalized``; halved and moved to the image centre when
``centered``; less half the window; then truncated toward zero. Noise is uniform between
the image's minimum and maximum (``uniform_noise``), else Gaussian with each channel's
mean and standard deviation clipped to the channel's range. Like TF's, the noise is not
seeded (trainkit draws it from a graph-seeded stream when a graph seed is set).

Example:
    >>> g = extract_glimpse(images, [8, 8], offsets)   # offsets: [batch, 2] in [-1, 1]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import static_fold, static_value
from trainkit.ops.op_util import make_op
from trainkit.ops.random_ops import get_seed, rng_for


def extract_glimpse(input: Any, size: Any, offsets: Any,  # noqa: A002 - TF's name
                    centered: bool = True, normalized: bool = True,
                    uniform_noise: bool = True, name: str | None = None) -> Tensor:
    """``[batch, size[0], size[1], channels]`` windows of the float32 ``input`` at
    ``offsets`` (``[batch, 2]``, ``(y, x)`` per image).

    Raises:
        TypeError: ``size`` not int32 (floats included).
        ValueError: ``input`` not 4-D, ``size`` not of shape ``[2]`` or with a negative
            constant entry, ``offsets`` not ``[batch, 2]``.
        errors.InvalidArgumentError: when run, a negative size or offsets whose batch
            differs from the input's.
    """
    x = conversion.convert_to_tensor(input, name="input", dtype=_dt.float32)
    try:
        s = conversion.convert_to_tensor(size, name="size", dtype=_dt.int32)
    except (TypeError, ValueError):
        raise TypeError(f"Expected int32 passed to parameter 'size' of op 'ExtractGlimpse', "
                        f"got {size!r}.") from None
    o = conversion.convert_to_tensor(offsets, name="offsets", dtype=_dt.float32)
    if x.shape.ndims not in (None, 4):
        raise ValueError(f"ExtractGlimpse: input must be rank 4, got shape {x.shape}.")
    if not s.shape.is_compatible_with([2]):
        raise ValueError(f"ExtractGlimpse: size must be a 1-D tensor of 2 elements, got "
                         f"shape {s.shape}.")
    batch = x.shape.as_list()[0] if x.shape.ndims == 4 else None
    if not o.shape.is_compatible_with([batch, 2]):
        raise ValueError(f"ExtractGlimpse: offsets must be [batch, 2] for input {x.shape}, "
                         f"got shape {o.shape}.")
    const = static_value.constant_value(s)
    if const is not None and min(np.reshape(const, [-1]).tolist()) < 0:
        raise ValueError(f"ExtractGlimpse: Dimension {min(np.reshape(const, [-1]).tolist())} "
                         f"must be >= 0 (size {np.reshape(const, [-1]).tolist()}).")
    gh, gw = static_fold.folded_dims(s) or [None, None]
    channels = x.shape.as_list()[3] if x.shape.ndims == 4 else None
    seed, seed2 = get_seed(None)
    attrs = {"centered": bool(centered), "normalized": bool(normalized),
             "uniform_noise": bool(uniform_noise), "seed": seed, "seed2": seed2}
    return make_op("ExtractGlimpse", [x, s, o], [_dt.float32], name=name or "ExtractGlimpse",
                   attrs=attrs, shapes=[[batch, gh, gw, channels]]).outputs[0]


def _corner(offset: np.float32, n: int, window: int, attrs: dict) -> int:
    """The window's first row (or column) along an axis of length ``n`` (TF's float32
    arithmetic, then a C cast)."""
    v = np.float32(offset)
    if attrs["normalized"]:
        v = v * np.float32(n)
    if attrs["centered"]:
        v = v / np.float32(2.0) + np.float32(n / 2.0)
    return int(v - np.float32(window / 2.0))


def _noise(img: np.ndarray, shape: tuple, attrs: dict, rng: np.random.Generator
           ) -> np.ndarray:
    lo = img.min(axis=(0, 1))
    hi = img.max(axis=(0, 1))
    if attrs["uniform_noise"]:
        lo_all, hi_all = lo.min(), hi.max()
        return lo_all + rng.random(shape, np.float32) * (hi_all - lo_all)
    mean = img.mean(axis=(0, 1), dtype=np.float64)
    sigma = img.std(axis=(0, 1), dtype=np.float64)
    noise = mean + rng.standard_normal(shape) * sigma
    return np.clip(noise, lo, hi).astype(np.float32)


@registry.register_kernel("ExtractGlimpse", stateful=True)
def _extract_glimpse(ctx: registry.KernelContext, images: Any, size: Any, offsets: Any
                     ) -> np.ndarray:
    x = np.asarray(images, np.float32)
    s, offs = np.asarray(size), np.asarray(offsets, np.float32)
    if s.shape != (2,) or min(s.tolist()) < 0:
        raise errors.InvalidArgumentError(
            None, ctx.op, f"ExtractGlimpse '{ctx.name}': size must be 2 non-negative "
                          f"integers, got {s.tolist()}.")
    if offs.shape != (x.shape[0], 2):
        raise errors.InvalidArgumentError(
            None, ctx.op, f"ExtractGlimpse '{ctx.name}': offsets must be [batch, 2] = "
                          f"[{x.shape[0]}, 2], got {list(offs.shape)}.")
    gh, gw = (int(v) for v in s.tolist())
    n, h, w, c = x.shape
    out = np.empty((n, gh, gw, c), np.float32)
    for i in range(n):
        top = _corner(offs[i, 0], h, gh, ctx.attrs)
        left = _corner(offs[i, 1], w, gw, ctx.attrs)
        if top < 0 or left < 0 or top + gh >= h or left + gw >= w:  # TF's partial test
            out[i] = _noise(x[i], (gh, gw, c), ctx.attrs, rng_for(ctx))
        r0, r1 = max(top, 0), min(top + gh, h)
        c0, c1 = max(left, 0), min(left + gw, w)
        if r1 > r0 and c1 > c0:
            out[i, r0 - top:r1 - top, c0 - left:c1 - left] = x[i, r0:r1, c0:c1]
    return out


registry.not_differentiable("ExtractGlimpse")

__all__ = ["extract_glimpse"]
