"""More of TF's non-max suppression: ``non_max_suppression_with_scores`` (soft-NMS),
``non_max_suppression_padded``, ``non_max_suppression_overlaps`` and
``combined_non_max_suppression`` (per class, then across classes, per batch item).

All run TF's greedy selection (its ``NonMaxSuppressionV5`` loop): candidates above
``score_threshold`` in a queue by score (lower index first on ties); the best one is
compared with the boxes selected since it was last looked at, its score multiplied by
``exp(-iou^2 / (2 sigma))`` per box (soft-NMS, ``sigma > 0``, where ``iou_threshold``
plays no part, as in TF); without soft-NMS an overlap above ``iou_threshold`` drops it. An
unchanged score selects it, a lowered one above ``score_threshold`` puts it back in the
queue. Boxes are ``[y1, x1, y2, x2]`` in any corner order.

Example:
    >>> idx, kept_scores = tf.image.non_max_suppression_with_scores(
    ...     boxes, scores, 10, soft_nms_sigma=0.5)
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op


def _iou_matrix(boxes: np.ndarray) -> Callable[[int, int], float]:
    y1 = np.minimum(boxes[:, 0], boxes[:, 2])
    y2 = np.maximum(boxes[:, 0], boxes[:, 2])
    x1 = np.minimum(boxes[:, 1], boxes[:, 3])
    x2 = np.maximum(boxes[:, 1], boxes[:, 3])
    area = (y2 - y1) * (x2 - x1)

    def iou(i: int, j: int) -> float:
        if area[i] <= 0 or area[j] <= 0:
            return 0.0
        inter = max(min(y2[i], y2[j]) - max(y1[i], y1[j]), 0.0) * \
            max(min(x2[i], x2[j]) - max(x1[i], x1[j]), 0.0)
        return float(inter / (area[i] + area[j] - inter))
    return iou


def select(similarity: Callable[[int, int], float], scores: np.ndarray, max_output: int,
           threshold: float, score_threshold: float, sigma: float = 0.0
           ) -> tuple[list[int], list[float]]:
    """TF's greedy (soft-)NMS: the selected indices and their (decayed) scores."""
    scale = -0.5 / sigma if sigma > 0 else 0.0
    queue = [(-float(s), i, 0) for i, s in enumerate(scores) if s > score_threshold]
    heapq.heapify(queue)
    chosen: list[int] = []
    chosen_scores: list[float] = []
    while queue and len(chosen) < max_output:
        neg, i, begin = heapq.heappop(queue)
        score = original = -neg
        hard = False
        for j in range(len(chosen) - 1, begin - 1, -1):
            sim = similarity(i, chosen[j])
            if not scale and sim > threshold:   # soft-NMS only lowers scores
                hard = True
                break
            score *= float(np.float32(np.exp(scale * sim * sim))) if scale else 1.0
            if score <= score_threshold:
                break
        if hard:
            continue
        if score == original:
            chosen.append(i)
            chosen_scores.append(score)
        elif score > score_threshold:
            heapq.heappush(queue, (-score, i, len(chosen)))
    return chosen, chosen_scores


def _floats(x: Any, name: str, dtype: Any = None) -> Tensor:
    return conversion.convert_to_tensor(x, name=name, dtype=dtype)


def non_max_suppression_with_scores(boxes: Any, scores: Any, max_output_size: Any,
                                    iou_threshold: float = 0.5,
                                    score_threshold: float = float("-inf"),
                                    soft_nms_sigma: float = 0.0,
                                    name: str | None = None) -> tuple[Tensor, Tensor]:
    """``(selected indices, their scores)``: greedy NMS, or Gaussian soft-NMS when
    ``soft_nms_sigma > 0`` (overlapping boxes keep a lowered score instead of being
    dropped; ``iou_threshold`` is then unused, as in TF).

    Raises:
        ValueError: a negative ``soft_nms_sigma``.
    """
    if float(soft_nms_sigma) < 0:
        raise ValueError(f"soft_nms_sigma must be non-negative, got {soft_nms_sigma!r}.")
    b = _floats(boxes, "boxes")
    s = _floats(scores, "scores", b.dtype)
    n = _floats(max_output_size, "max_output_size", _dt.int32)
    op = make_op("NonMaxSuppressionV5", [b, s, n], [_dt.int32, b.dtype],
                 name=name or "NonMaxSuppressionV5",
                 attrs={"iou": float(iou_threshold), "score": float(score_threshold),
                        "sigma": float(soft_nms_sigma), "overlaps": False},
                 shapes=[[None], [None]])
    return op.outputs[0], op.outputs[1]


def non_max_suppression_padded(boxes: Any, scores: Any, max_output_size: Any,
                               iou_threshold: float = 0.5,
                               score_threshold: float = float("-inf"),
                               pad_to_max_output_size: bool = False, name: str | None = None,
                               sorted_input: bool = False,
                               canonicalized_coordinates: bool = False,
                               tile_size: int = 512) -> tuple[Tensor, Tensor]:
    """``(selected indices, how many are valid)``; with ``pad_to_max_output_size`` the
    indices are padded with zeros to ``max_output_size`` (a static length when it is a
    Python int). The remaining arguments are TF's speed hints and change nothing here.
    """
    idx, _ = non_max_suppression_with_scores(boxes, scores, max_output_size, iou_threshold,
                                             score_threshold, 0.0, name)
    op = make_op("NmsPad", [idx, _floats(max_output_size, "max_output_size", _dt.int32)],
                 [_dt.int32, _dt.int32], name="NmsPad",
                 attrs={"pad": bool(pad_to_max_output_size)},
                 shapes=[[max_output_size if pad_to_max_output_size and
                          isinstance(max_output_size, int) else None], []])
    return op.outputs[0], op.outputs[1]


def non_max_suppression_overlaps(overlaps: Any, scores: Any, max_output_size: Any,
                                 overlap_threshold: float = 0.5,
                                 score_threshold: float = float("-inf"),
                                 name: str | None = None) -> Tensor:
    """Greedy NMS with a given ``[n, n]`` overlap matrix in place of box IoUs."""
    o = _floats(overlaps, "overlaps")
    s = _floats(scores, "scores", o.dtype)
    n = _floats(max_output_size, "max_output_size", _dt.int32)
    op = make_op("NonMaxSuppressionV5", [o, s, n], [_dt.int32, o.dtype],
                 name=name or "NonMaxSuppressionWithOverlaps",
                 attrs={"iou": float(overlap_threshold), "score": float(score_threshold),
                        "sigma": 0.0, "overlaps": True},
                 shapes=[[None], [None]])
    return op.outputs[0]


def combined_non_max_suppression(boxes: Any, scores: Any, max_output_size_per_class: int,
                                 max_total_size: int, iou_threshold: float = 0.5,
                                 score_threshold: float = float("-inf"),
                                 pad_per_class: bool = False, clip_boxes: bool = True,
                                 name: str | None = None) -> tuple:
    """Per batch item: NMS per class (``boxes`` ``[batch, n, q, 4]``, ``q`` 1 or one box
    per class; ``scores`` ``[batch, n, classes]``), then the best ``max_total_size``
    across classes by score. Returns ``(boxes [batch, d, 4], scores [batch, d], classes
    [batch, d] (float), valid_detections [batch])``, zero-padded, boxes clipped to
    ``[0, 1]`` with ``clip_boxes``; ``d`` is ``max_total_size``, or with
    ``pad_per_class`` at most ``max_output_size_per_class * classes``.

    Raises:
        ValueError: boxes and scores of the wrong ranks, or non-positive sizes.
    """
    b = _floats(boxes, "boxes")
    s = _floats(scores, "scores", b.dtype)
    if b.shape.ndims not in (None, 4) or s.shape.ndims not in (None, 3):
        raise ValueError(f"boxes must be [batch, num_boxes, q, 4] and scores [batch, "
                         f"num_boxes, num_classes], got {b.shape} and {s.shape}.")
    per, total = int(max_output_size_per_class), int(max_total_size)
    if per <= 0 or total <= 0:
        raise ValueError("max_output_size_per_class and max_total_size must be positive.")
    classes = s.shape.as_list()[-1] if s.shape.ndims else None
    d = min(total, per * classes) if pad_per_class and classes is not None else (
        None if pad_per_class else total)
    batch = b.shape.as_list()[0] if b.shape.ndims else None
    op = make_op("CombinedNonMaxSuppression", [b, s], [b.dtype, b.dtype, b.dtype, _dt.int32],
                 name=name or "CombinedNonMaxSuppression",
                 attrs={"per": per, "total": total, "iou": float(iou_threshold),
                        "score": float(score_threshold), "pad_per_class": bool(pad_per_class),
                        "clip": bool(clip_boxes)},
                 shapes=[[batch, d, 4], [batch, d], [batch, d], [batch]])
    return tuple(op.outputs)


# -- kernels ---------------------------------------------------------------------------------
@registry.register_kernel("NonMaxSuppressionV5")
def _nms_v5(ctx: registry.KernelContext, boxes: Any, scores: Any, n: Any) -> tuple:
    a = ctx.attrs
    b = np.asarray(boxes)
    sc = np.asarray(scores)
    if a["overlaps"]:
        sim = lambda i, j: float(b[i, j])  # noqa: E731
    else:
        sim = _iou_matrix(b.astype(np.float64))
    idx, kept = select(sim, sc.astype(np.float64), int(n), a["iou"], a["score"], a["sigma"])
    return np.asarray(idx, np.int32), np.asarray(kept, sc.dtype)


@registry.register_kernel("NmsPad")
def _nms_pad(ctx: registry.KernelContext, idx: Any, n: Any) -> tuple:
    idx = np.asarray(idx, np.int32)
    valid = np.int32(len(idx))
    if ctx.attrs["pad"]:
        idx = np.concatenate([idx, np.zeros(max(0, int(n) - len(idx)), np.int32)])
    return idx, valid


@registry.register_kernel("CombinedNonMaxSuppression")
def _combined(ctx: registry.KernelContext, boxes: Any, scores: Any) -> tuple:
    a = ctx.attrs
    b, s = np.asarray(boxes), np.asarray(scores)
    batch, _, q, _ = b.shape
    classes = s.shape[2]
    d = min(a["total"], a["per"] * classes) if a["pad_per_class"] else a["total"]
    out_b = np.zeros((batch, d, 4), b.dtype)
    out_s = np.zeros((batch, d), b.dtype)
    out_c = np.zeros((batch, d), b.dtype)
    valid = np.zeros(batch, np.int32)
    for k in range(batch):
        found = []
        for c in range(classes):
            bc = b[k, :, 0 if q == 1 else c].astype(np.float64)
            idx, kept = select(_iou_matrix(bc), s[k, :, c].astype(np.float64), a["per"],
                               a["iou"], a["score"])
            found += [(sc, c, i) for i, sc in zip(idx, kept)]
        found.sort(key=lambda t: -t[0])
        found = found[:d]
        for r, (sc, c, i) in enumerate(found):
            box = b[k, i, 0 if q == 1 else c]
            out_b[k, r] = np.clip(box, 0.0, 1.0) if a["clip"] else box
            out_s[k, r], out_c[k, r] = sc, c
        valid[k] = len(found)
    return out_b, out_s, out_c, valid


registry.not_differentiable("NonMaxSuppressionV5", "NmsPad", "CombinedNonMaxSuppression")

__all__ = ["non_max_suppression_with_scores", "non_max_suppression_padded",
           "non_max_suppression_overlaps", "combined_non_max_suppression", "select"]
