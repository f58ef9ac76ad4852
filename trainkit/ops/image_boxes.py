"""Bounding-box image ops from TF1 detection and Inception-style preprocessing:
``non_max_suppression``, ``crop_and_resize`` (bilinear / nearest, TF's sampling, with the
gradient for the image), ``draw_bounding_boxes`` and ``sample_distorted_bounding_box``
(TF's rejection sampling; seeds give trainkit's own, repeatable stream, not TF's
numbers). Boxes are ``[y_min, x_min, y_max, x_max]`` in ``[0, 1]`` image coordinates.

Example:
    >>> keep = non_max_suppression(boxes, scores, max_output_size=10, iou_threshold=0.5)
    >>> crops = crop_and_resize(images, boxes, box_ind, crop_size=[14, 14])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import static_fold, static_value
from trainkit.ops.op_util import make_op
from trainkit.ops.random_ops import _rng, get_seed


def non_max_suppression(boxes: Any, scores: Any, max_output_size: Any,
                        iou_threshold: float = 0.5, score_threshold: float = float("-inf"),
                        name: str | None = None) -> Tensor:
    """Indices (int32) of at most ``max_output_size`` boxes, by descending score, each
    overlapping no kept box by more than ``iou_threshold`` (IoU)."""
    b = conversion.convert_to_tensor(boxes, name="boxes")
    s = conversion.convert_to_tensor(scores, name="scores", dtype=b.dtype)
    n = conversion.convert_to_tensor(max_output_size, name="max_output_size", dtype=_dt.int32)
    return make_op("NonMaxSuppressionV3", [b, s, n], [_dt.int32],
                   name=name or "NonMaxSuppression",
                   attrs={"iou": float(iou_threshold), "score": float(score_threshold)},
                   shapes=[[None]]).outputs[0]


def crop_and_resize(image: Any, boxes: Any, box_ind: Any = None, crop_size: Any = None,
                    method: str = "bilinear", extrapolation_value: float = 0.0,
                    name: str | None = None, box_indices: Any = None) -> Tensor:
    """``[num_boxes, crop_h, crop_w, depth]`` crops of ``image`` (batch ``box_ind``),
    resampled (``bilinear`` or ``nearest``) exactly as TF; samples outside the image
    get ``extrapolation_value``. The gradient flows to the image (not the boxes).
    ``crop_size`` may be an int32 tensor known only when the graph runs.

    Raises:
        ValueError: an unknown ``method``, or a ``crop_size`` not of shape ``[2]`` or with
            a negative constant entry.
        TypeError: a ``crop_size`` that is not int32 (floats included).
        errors.InvalidArgumentError: when run, a crop size that is not positive.
    """
    if method not in ("bilinear", "nearest"):
        raise ValueError(f"method must be 'bilinear' or 'nearest', got {method!r}.")
    box_ind = box_indices if box_ind is None else box_ind
    x = conversion.convert_to_tensor(image, name="image")
    b = conversion.convert_to_tensor(boxes, name="boxes")
    i = conversion.convert_to_tensor(box_ind, name="box_ind", dtype=_dt.int32)
    try:
        cs = conversion.convert_to_tensor(crop_size, name="crop_size", dtype=_dt.int32)
    except (TypeError, ValueError):
        raise TypeError(f"Expected int32 passed to parameter 'crop_size' of op "
                        f"'CropAndResize', got {crop_size!r}.") from None
    if not cs.shape.is_compatible_with([2]):
        raise ValueError(f"CropAndResize: crop_size must be a 1-D tensor of 2 elements "
                         f"(crop_height, crop_width), got shape {cs.shape}.")
    const = static_value.constant_value(cs)
    if const is not None and min(np.reshape(const, [-1]).tolist()) < 0:
        raise ValueError(f"CropAndResize: Dimension {min(np.reshape(const, [-1]).tolist())} "
                         f"must be >= 0 (crop_size {np.reshape(const, [-1]).tolist()}).")
    ch, cw = static_fold.folded_dims(cs) or [None, None]
    depth = x.shape.as_list()[3] if x.shape.ndims == 4 else None
    nb = b.shape.as_list()[0] if b.shape.ndims == 2 else None
    out_dtype = x.dtype if x.dtype.is_floating else _dt.float32
    return make_op("CropAndResize", [x, b, i, cs], [out_dtype], name=name or "CropAndResize",
                   attrs={"method": method, "extrapolation": float(extrapolation_value)},
                   shapes=[[nb, ch, cw, depth]]).outputs[0]


def draw_bounding_boxes(images: Any, boxes: Any, name: str | None = None,
                        colors: Any = None) -> Tensor:
    """``images`` (float) with each box's outline drawn in a colour (TF's default
    palette: yellow, blue, red, lime, purple, ...)."""
    x = conversion.convert_to_tensor(images, name="images")
    b = conversion.convert_to_tensor(boxes, name="boxes", dtype=_dt.float32)
    pal = None if colors is None else np.asarray(colors, np.float32).tolist()
    return make_op("DrawBoundingBoxes", [x, b], [x.dtype], name=name or "DrawBoundingBoxes",
                   attrs={"colors": pal}, shapes=[x.shape]).outputs[0]


def sample_distorted_bounding_box(image_size: Any, bounding_boxes: Any,
                                  seed: int | None = None, seed2: int | None = None,
                                  min_object_covered: float = 0.1,
                                  aspect_ratio_range: Any = None, area_range: Any = None,
                                  max_attempts: int | None = None,
                                  use_image_if_no_bounding_boxes: bool | None = None,
                                  name: str | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """``(begin, size, bbox)`` of a random crop covering at least ``min_object_covered``
    of one of ``bounding_boxes`` (``[batch, n, 4]``), with aspect ratio and area fraction
    drawn from the ranges; the whole image when no attempt succeeds (TF's algorithm)."""
    s = conversion.convert_to_tensor(image_size, name="image_size")
    bb = conversion.convert_to_tensor(bounding_boxes, name="bounding_boxes",
                                      dtype=_dt.float32)
    s1, s2 = get_seed(seed)
    attrs = {"seed": s1, "seed2": s2 if seed2 is None else seed2,
             "min_covered": float(min_object_covered),
             "ratio": tuple(aspect_ratio_range or (0.75, 1.33)),
             "area": tuple(area_range or (0.05, 1.0)), "attempts": int(max_attempts or 100),
             "use_image": bool(use_image_if_no_bounding_boxes)}
    op = make_op("SampleDistortedBoundingBoxV2", [s, bb], [s.dtype, s.dtype, _dt.float32],
                 name=name or "SampleDistortedBoundingBox", attrs=attrs,
                 shapes=[[3], [3], [1, 1, 4]])
    return op.outputs[0], op.outputs[1], op.outputs[2]


# -- kernels -----------------------------------------------------------------------------
def _iou(a: np.ndarray, b: np.ndarray) -> float:
    ay1, ay2 = min(a[0], a[2]), max(a[0], a[2])
    ax1, ax2 = min(a[1], a[3]), max(a[1], a[3])
    by1, by2 = min(b[0], b[2]), max(b[0], b[2])
    bx1, bx2 = min(b[1], b[3]), max(b[1], b[3])
    area_a, area_b = (ay2 - ay1) * (ax2 - ax1), (by2 - by1) * (bx2 - bx1)
    if area_a <= 0 or area_b <= 0:
        return 0.0
    inter = max(min(ay2, by2) - max(ay1, by1), 0.0) * max(min(ax2, bx2) - max(ax1, bx1), 0.0)
    return inter / (area_a + area_b - inter)


@registry.register_kernel("NonMaxSuppressionV3")
def _nms(ctx: registry.KernelContext, boxes: Any, scores: Any, n: Any) -> np.ndarray:
    boxes, scores = np.asarray(boxes, np.float64), np.asarray(scores, np.float64)
    order = sorted((i for i in range(len(scores)) if scores[i] > ctx.attrs["score"]),
                   key=lambda i: (-scores[i], i))
    keep: list[int] = []
    for i in order:
        if len(keep) >= int(n):
            break
        if all(_iou(boxes[i], boxes[k]) <= ctx.attrs["iou"] for k in keep):
            keep.append(i)
    return np.asarray(keep, np.int32)


def _axis_samples(lo: float, hi: float, size: int, crop: int, nearest: bool) -> tuple:
    """Per output row: valid flag, the two neighbours and the lerp; the source coordinate
    in float32, as TF computes it (it decides ties of the nearest rounding)."""
    f = np.float32
    lo, hi, last = f(lo), f(hi), f(size - 1)
    if crop > 1:
        scale = (hi - lo) * last / f(crop - 1)
        pos = lo * last + np.arange(crop, dtype=np.float32) * scale
    else:
        pos = np.full(crop, f(0.5) * (lo + hi) * last, np.float32)
    valid = (pos >= 0) & (pos <= last)
    if nearest:
        near = np.clip(np.floor(pos + f(0.5)), 0, size - 1).astype(np.int64)  # C roundf
        return valid, near, near, np.zeros(crop)
    low = np.clip(np.floor(pos), 0, size - 1).astype(np.int64)
    high = np.clip(np.ceil(pos), 0, size - 1).astype(np.int64)
    return valid, low, high, (pos - np.floor(pos)).astype(np.float64)


def _crop_plan(ctx: Any, shape: tuple, boxes: np.ndarray, crop: tuple[int, int]) -> list:
    _, h, w, _ = shape
    ch, cw = crop
    nearest = ctx.attrs["method"] == "nearest"
    return [(_axis_samples(bx[0], bx[2], h, ch, nearest), _axis_samples(bx[1], bx[3], w, cw,
                                                                          nearest))
            for bx in np.asarray(boxes, np.float32)]


@registry.register_kernel("CropAndResize")
def _crop_and_resize(ctx: registry.KernelContext, image: Any, boxes: Any, ind: Any,
                     crop_size: Any) -> np.ndarray:
    size = np.asarray(crop_size)
    if size.shape != (2,) or min(size.tolist()) <= 0:
        raise errors.InvalidArgumentError(
            None, ctx.op, f"CropAndResize '{ctx.name}': crop dimensions must be positive, "
                          f"got crop_size {size.tolist()}.")
    ch, cw = (int(v) for v in size.tolist())
    img = np.asarray(image, np.float64)
    out = np.full((len(boxes), ch, cw, img.shape[3]), ctx.attrs["extrapolation"])
    for n, ((vy, y0, y1, ly), (vx, x0, x1, lx)) in enumerate(_crop_plan(ctx, img.shape,
                                                                         boxes, (ch, cw))):
        im = img[int(ind[n])]
        top = im[y0][:, x0] + (im[y0][:, x1] - im[y0][:, x0]) * lx[None, :, None]
        bot = im[y1][:, x0] + (im[y1][:, x1] - im[y1][:, x0]) * lx[None, :, None]
        val = top + (bot - top) * ly[:, None, None]
        mask = vy[:, None] & vx[None, :]
        out[n][mask] = val[mask]
    return out.astype(ctx.op.outputs[0].dtype.np_dtype)


@registry.register_kernel("CropAndResizeGradImage")
def _crop_grad(ctx: registry.KernelContext, grad: Any, boxes: Any, ind: Any, like: Any
               ) -> np.ndarray:
    shape = np.shape(like)
    out = np.zeros(shape, np.float64)
    g = np.asarray(grad, np.float64)
    crop = np.shape(g)[1:3]
    for n, ((vy, y0, y1, ly), (vx, x0, x1, lx)) in enumerate(_crop_plan(ctx, shape, boxes,
                                                                         crop)):
        m = (vy[:, None] & vx[None, :])[..., None]
        gn = np.where(m, g[n], 0.0)
        b = int(ind[n])
        wy0, wy1 = (1 - ly)[:, None, None], ly[:, None, None]
        wx0, wx1 = (1 - lx)[None, :, None], lx[None, :, None]
        yy0, yy1 = y0[:, None].repeat(len(x0), 1), y1[:, None].repeat(len(x0), 1)
        xx0, xx1 = x0[None, :].repeat(len(y0), 0), x1[None, :].repeat(len(y0), 0)
        for yy, xx, wgt in ((yy0, xx0, wy0 * wx0), (yy0, xx1, wy0 * wx1),
                            (yy1, xx0, wy1 * wx0), (yy1, xx1, wy1 * wx1)):
            np.add.at(out[b], (yy, xx), gn * wgt)
    return out.astype(np.asarray(like).dtype)


@registry.register_gradient("CropAndResize")
def _crop_and_resize_grad(op: Operation, grad: Tensor) -> list:
    image, boxes, ind, _ = op.inputs
    g = make_op("CropAndResizeGradImage", [grad, boxes, ind, image], [image.dtype],
                name="CropAndResizeGradImage", attrs=dict(op.attrs),
                shapes=[image.shape]).outputs[0]
    return [g, None, None, None]


_PALETTE = [[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1],
            [0.5, 0.5, 0, 1], [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1], [1, 0, 1, 1]]


@registry.register_kernel("DrawBoundingBoxes")
def _draw(ctx: registry.KernelContext, images: Any, boxes: Any) -> np.ndarray:
    out = np.array(images, copy=True)
    _, h, w, d = out.shape
    pal = ctx.attrs["colors"] or _PALETTE
    for b in range(out.shape[0]):
        for k, (y1, x1, y2, x2) in enumerate(np.asarray(boxes)[b]):
            color = np.asarray(pal[k % len(pal)], out.dtype)[:d]
            top, bottom = int(y1 * (h - 1)), int(y2 * (h - 1))
            left, right = int(x1 * (w - 1)), int(x2 * (w - 1))
            if top > bottom or left > right or top >= h or left >= w:
                continue
            top, left = max(top, 0), max(left, 0)
            bottom, right = min(bottom, h - 1), min(right, w - 1)
            out[b, top, left:right + 1] = color
            out[b, bottom, left:right + 1] = color
            out[b, top:bottom + 1, left] = color
            out[b, top:bottom + 1, right] = color
    return out


@registry.register_kernel("SampleDistortedBoundingBoxV2", stateful=True)
def _sample_box(ctx: registry.KernelContext, size: Any, boxes: Any) -> tuple:
    a = ctx.attrs
    rng = _rng(ctx)
    h, w = int(size[0]), int(size[1])
    bxs = np.asarray(boxes, np.float64).reshape(-1, 4)
    if not len(bxs):
        bxs = np.array([[0.0, 0.0, 1.0, 1.0]])
    for _ in range(a["attempts"]):
        ratio = rng.uniform(*a["ratio"])
        area = rng.uniform(*a["area"]) * h * w
        ch = int(round(math.sqrt(area / ratio)))
        cw = int(round(ch * ratio))
        if not (0 < ch <= h and 0 < cw <= w):
            continue
        y0 = int(rng.integers(0, h - ch + 1))
        x0 = int(rng.integers(0, w - cw + 1))
        crop = np.array([y0 / h, x0 / w, (y0 + ch) / h, (x0 + cw) / w])
        inter_h = np.clip(np.minimum(crop[2], bxs[:, 2]) - np.maximum(crop[0], bxs[:, 0]), 0,
                          None)
        inter_w = np.clip(np.minimum(crop[3], bxs[:, 3]) - np.maximum(crop[1], bxs[:, 1]), 0,
                          None)
        box_area = (bxs[:, 2] - bxs[:, 0]) * (bxs[:, 3] - bxs[:, 1])
        covered = np.where(box_area > 0, inter_h * inter_w / np.where(box_area > 0, box_area,
                                                                      1), 0)
        if covered.max() >= a["min_covered"]:
            break
    else:
        y0, x0, ch, cw = 0, 0, h, w
    dt = np.asarray(size).dtype
    begin = np.array([y0, x0, 0], dt)
    out_size = np.array([ch, cw, -1], dt)
    bbox = np.array([[[y0 / h, x0 / w, (y0 + ch) / h, (x0 + cw) / w]]], np.float32)
    return begin, out_size, bbox


registry.not_differentiable("NonMaxSuppressionV3", "DrawBoundingBoxes",
                            "SampleDistortedBoundingBoxV2", "CropAndResizeGradImage")

__all__ = ["non_max_suppression", "crop_and_resize", "draw_bounding_boxes",
           "sample_distorted_bounding_box"]
