"""NumPy kernels behind ``tf.metrics``: per-batch counts and the curve summaries.

TF1 builds these counts out of dozens of small graph ops (tiled comparisons, set ops,
``top_k``); here each is one kernel, so a metric's update is a handful of ops. None of
them is differentiable (metrics are never trained through).

Op types (all private to the metrics modules, built by :func:`metric_op`):
    ``MetricThresholdCounts``  labels, predictions, weights -> tp, fn, tn, fp per threshold
    ``MetricFromCounts``       tp, fn, tn, fp -> auc / sensitivity / specificity scalar
    ``MetricConfusionMatrix``  labels, predictions, weights -> [n, n] float64 counts
    ``MetricScatterSum``       indices, values -> per-class float32 sums
    ``MetricTopK``             scores -> int64 indices of the k largest (lowest index on ties)
    ``MetricAtKCounts``        top-k ids, label ids, weights -> tp, fp, fn per example
    ``MetricAveragePrecision`` top-k ids, label ids -> average precision per example
"""

from __future__ import annotations

import numpy as np

from trainkit import errors
from trainkit.framework import registry
from trainkit.framework.dtypes import DType
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op

_EPS = np.float32(1.0e-6)


def metric_op(op_type: str, inputs: list[Tensor], dtypes: list[DType], shapes: list,
              name: str | None = None, attrs: dict | None = None) -> list[Tensor]:
    """Builds one of this module's ops and returns its outputs."""
    return make_op(op_type, inputs, dtypes, name=name or op_type, attrs=attrs or {},
                   shapes=shapes).outputs


def _invalid(msg: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, msg)


@registry.register_kernel("MetricThresholdCounts")
def _threshold_counts(ctx: registry.KernelContext, labels: np.ndarray, preds: np.ndarray,
                      weights: np.ndarray) -> tuple:
    preds = np.asarray(preds, np.float32).reshape(-1)
    if preds.size and (np.nanmin(preds) < 0 or np.nanmax(preds) > 1 or np.isnan(preds).any()):
        raise _invalid("predictions must be in [0, 1]")
    lab = np.asarray(labels).reshape(-1).astype(bool)
    w = np.broadcast_to(np.asarray(weights, np.float32), preds.shape).astype(np.float32)
    thr = np.asarray(ctx.attrs["thresholds"], np.float32)
    pos = (preds[None, :] > thr[:, None]).astype(np.float32)
    neg = 1.0 - pos
    wl, wn = w * lab, w * ~lab
    return (pos @ wl).astype(np.float32), (neg @ wl).astype(np.float32), \
        (neg @ wn).astype(np.float32), (pos @ wn).astype(np.float32)


def _auc(tp: np.ndarray, fn: np.ndarray, tn: np.ndarray, fp: np.ndarray, curve: str,
         method: str) -> float:
    if curve == "PR" and method == "careful_interpolation":
        return _interpolated_pr_auc(tp, fp, fn)
    rec = (tp + _EPS) / (tp + fn + _EPS)
    if curve == "ROC":
        x, y = fp / (fp + tn + _EPS), rec
    else:
        x, y = rec, (tp + _EPS) / (tp + fp + _EPS)
    dx = x[:-1] - x[1:]
    if method in ("trapezoidal", "careful_interpolation"):
        heights = (y[:-1] + y[1:]) / np.float32(2.0)
    elif method == "minoring":
        heights = np.minimum(y[:-1], y[1:])
    else:
        heights = np.maximum(y[:-1], y[1:])
    return float(np.sum(dx * heights, dtype=np.float32))


def _div_no_nan(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    safe = np.where(b == 0, np.float32(1.0), b)
    return np.where(b == 0, np.float32(0.0), a / safe)


def _interpolated_pr_auc(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> float:
    # Davis & Goadrich (2006): precision interpolated linearly in the positive count
    # between thresholds; each interval's area has a closed form with a log term.
    dtp = tp[:-1] - tp[1:]
    p = tp + fp
    slope = _div_no_nan(dtp, np.maximum(p[:-1] - p[1:], 0))
    intercept = tp[1:] - slope * p[1:]
    both = (p[:-1] > 0) & (p[1:] > 0)
    ratio = np.where(both, _div_no_nan(p[:-1], np.maximum(p[1:], 0)), np.float32(1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        inc = _div_no_nan(slope * (dtp + intercept * np.log(ratio)),
                          np.maximum(tp[1:] + fn[1:], 0))
    return float(np.sum(inc, dtype=np.float32))


@registry.register_kernel("MetricFromCounts")
def _from_counts(ctx: registry.KernelContext, tp: np.ndarray, fn: np.ndarray, tn: np.ndarray,
                 fp: np.ndarray) -> np.ndarray:
    a = ctx.attrs
    # float32 throughout, as TF: ties between thresholds break the same way.
    tp, fn, tn, fp = (np.asarray(v, np.float32) for v in (tp, fn, tn, fp))
    kind, eps, target = a["kind"], np.float32(1e-7), np.float32(a.get("target", 0.0))
    if kind == "auc":
        return np.float32(_auc(tp, fn, tn, fp, a["curve"], a["summation_method"]))
    if kind == "sensitivity_at_specificity":
        i = int(np.argmin(np.abs(tn / (tn + fp + eps) - target)))
        return np.float32(tp[i] / (tp[i] + fn[i] + eps))
    diff = np.abs(tp / (tp + fn + eps) - target)
    i = int(np.flatnonzero(diff == diff.min())[-1])  # TF picks the last closest threshold
    return np.float32(tn[i] / (tn[i] + fp[i] + eps))


@registry.register_kernel("MetricConfusionMatrix")
def _confusion(ctx: registry.KernelContext, labels: np.ndarray, preds: np.ndarray,
               weights: np.ndarray) -> np.ndarray:
    n = ctx.attrs["num_classes"]
    lab = np.asarray(labels, np.int64).reshape(-1)
    pred = np.asarray(preds, np.int64).reshape(-1)
    for what, v in (("labels", lab), ("predictions", pred)):
        if v.size and (v.min() < 0 or v.max() >= n):
            raise _invalid(f"`{what}` out of bound: values must be in [0, {n}), got "
                           f"{v[(v < 0) | (v >= n)][0]}")
    w = np.broadcast_to(np.asarray(weights, np.float64), lab.shape)
    out = np.zeros((n, n), np.float64)
    np.add.at(out, (lab, pred), w)
    return out


@registry.register_kernel("MetricScatterSum")
def _scatter_sum(ctx: registry.KernelContext, indices: np.ndarray,
                 values: np.ndarray) -> np.ndarray:
    n = ctx.attrs["num_classes"]
    idx = np.asarray(indices, np.int64).reshape(-1)
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx[(idx < 0) | (idx >= n)][0]
        raise _invalid(f"indices[...] = {bad} is not in [0, {n})")
    out = np.zeros(n, np.float32)
    np.add.at(out, idx, np.broadcast_to(np.asarray(values, np.float32), idx.shape))
    return out


@registry.register_kernel("MetricTopK")
def _top_k(ctx: registry.KernelContext, scores: np.ndarray) -> np.ndarray:
    k = ctx.attrs["k"]
    if scores.shape[-1] < k:
        raise _invalid(f"input must have at least k={k} columns, got {scores.shape[-1]}")
    order = np.argsort(-np.asarray(scores, np.float64), axis=-1, kind="stable")
    return order[..., :k].astype(np.int64)


def _label_sets(labels: np.ndarray, batch: int) -> list[set]:
    lab = np.asarray(labels, np.int64).reshape(batch, -1)
    return [set(int(v) for v in row if v >= 0) for row in lab]


def _num_labels(labels: np.ndarray, batch: int) -> np.ndarray:
    # TF counts every id >= 0, duplicates included, when it normalizes the AP.
    return (np.asarray(labels, np.int64).reshape(batch, -1) >= 0).sum(axis=1)


@registry.register_kernel("MetricAtKCounts")
def _at_k_counts(ctx: registry.KernelContext, top_k: np.ndarray, labels: np.ndarray) -> tuple:
    class_id = ctx.attrs["class_id"]
    top = np.asarray(top_k, np.int64).reshape(-1, top_k.shape[-1])
    out = np.zeros((3, top.shape[0]), np.float64)
    for i, (row, lset) in enumerate(zip(top, _label_sets(labels, top.shape[0]))):
        pset = set(int(v) for v in row)
        if class_id is not None:
            pset &= {class_id}
            lset &= {class_id}
        out[:, i] = len(pset & lset), len(pset - lset), len(lset - pset)
    shape = top_k.shape[:-1]
    return tuple(o.reshape(shape) for o in out)


@registry.register_kernel("MetricAveragePrecision")
def _average_precision(ctx: registry.KernelContext, top_k: np.ndarray,
                       labels: np.ndarray) -> np.ndarray:
    k = top_k.shape[-1]
    top = np.asarray(top_k, np.int64).reshape(-1, k)
    out = np.empty(top.shape[0], np.float64)
    sets = _label_sets(labels, top.shape[0])
    for i, (row, lset, n) in enumerate(zip(top, sets, _num_labels(labels, top.shape[0]))):
        relevant = np.array([int(v) in lset for v in row], np.float64)
        precision = np.cumsum(relevant) / np.arange(1, k + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[i] = np.sum(precision * relevant) / np.float64(min(n, k))
    return out.reshape(top_k.shape[:-1])


registry.not_differentiable(
    "MetricThresholdCounts", "MetricFromCounts", "MetricConfusionMatrix", "MetricScatterSum",
    "MetricTopK", "MetricAtKCounts", "MetricAveragePrecision")

__all__ = ["metric_op"]
