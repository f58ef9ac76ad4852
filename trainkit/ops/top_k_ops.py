"""``top_k`` and ``in_top_k``.

Example:
    >>> values, indices = tk.nn.top_k(logits, k=5)        # along the last axis, sorted
    >>> hit = tk.nn.in_top_k(logits, labels, k=5)          # bool [batch]
"""

from __future__ import annotations

import collections
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op
from trainkit.ops.static_value import constant_value
from trainkit.ops.top_n_order import heap_sorted_top_k, unsorted_top_k

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def top_k(input: Any, k: Any = 1, sorted: bool = True,  # noqa: A002 - TF's names
          name: str | None = None) -> TopKV2:
    """The ``k`` largest entries of each last-axis vector and their indices (int32).

    Values come in descending order; equal values keep the lower index first (as TF).
    With ``sorted=False`` they come in the order TF's CPU kernel leaves them, its bounded
    heap's storage (``trainkit.ops.top_n_order``), so an unsorted top-k that picks slots
    picks the same ones as TF.

    Raises:
        ValueError: if ``k`` is negative, the input is a scalar, or (statically) the last
            dimension is smaller than ``k``. TypeError: for a non-real input.
    """
    x = conversion.convert_to_tensor(input, name="input")
    if not (x.dtype.is_floating or x.dtype.is_integer):
        raise TypeError(f"top_k: input must be a real number tensor, got {x.dtype.name}.")
    kt = conversion.convert_to_tensor(k, dtype=_dt.int32, name="k") \
        if not isinstance(k, Tensor) else k
    kv = constant_value(kt)
    nm = name or "TopKV2"
    if x.shape.ndims == 0:
        raise ValueError(f"top_k '{nm}': input must have rank >= 1, got a scalar.")
    out = TensorShape(None)
    if kv is not None:
        if int(kv) < 0:
            raise ValueError(f"top_k '{nm}': k must be non-negative, got {int(kv)}.")
        if x.shape.ndims is not None:
            last = x.shape[-1]
            if last is not None and last < int(kv):
                raise ValueError(f"top_k '{nm}': input must have at least k={int(kv)} "
                                 f"columns, got shape {x.shape}.")
            out = TensorShape(x.shape.as_list()[:-1] + [int(kv)])
    elif x.shape.ndims is not None:
        out = TensorShape(x.shape.as_list()[:-1] + [None])
    op = make_op("TopKV2", [x, kt], [x.dtype, _dt.int32], name=nm,
                 attrs={"sorted": bool(sorted)}, shapes=[out, out])
    return TopKV2(*op.outputs)


@registry.register_kernel("TopKV2")
def _top_k(ctx: registry.KernelContext, x: Any, k: Any) -> tuple:
    k = int(k)
    x = np.asarray(x)
    if k < 0 or x.shape[-1] < k:
        raise errors.InvalidArgumentError(
            None, None, f"input must have at least k={k} columns, had {x.shape[-1]}")
    if not ctx.attrs.get("sorted", True):
        idx = unsorted_top_k(x, k)
    else:
        key = -x.astype(np.float64) if x.dtype.kind in "iu" else -x
        idx = np.argsort(key, axis=-1, kind="stable")[..., :k]
        if x.dtype.kind == "f" and 1 < k < x.shape[-1]:
            nan_rows = np.isnan(x).any(axis=-1)
            if nan_rows.any():  # TF's heap order, which a NaN leaves unsorted
                idx = idx.astype(np.int32)
                idx[nan_rows] = heap_sorted_top_k(x[nan_rows], k)
    return np.take_along_axis(x, idx, axis=-1), idx.astype(np.int32)


def in_top_k(predictions: Any, targets: Any, k: Any, name: str | None = None) -> Tensor:
    """Whether ``targets[i]`` is among the ``k`` largest of ``predictions[i]``.

    As TF: classes tied with the k-th value all count as in the top k; a row with a
    non-finite prediction, or a target outside ``[0, num_classes)``, gives False.

    Raises:
        ValueError: for predictions that are not 2-D or targets that are not 1-D.
        TypeError: for non-float predictions or non-integer targets.
    """
    p = conversion.convert_to_tensor(predictions, name="predictions")
    t = conversion.convert_to_tensor(targets, name="targets")
    if p.dtype is not _dt.float32 and not p.dtype.is_floating:
        raise TypeError(f"in_top_k: predictions must be float, got {p.dtype.name}.")
    if not t.dtype.is_integer:
        raise TypeError(f"in_top_k: targets must be int32 or int64, got {t.dtype.name}.")
    if p.shape.ndims not in (None, 2):
        raise ValueError(f"in_top_k: predictions must be 2-D, got shape {p.shape}.")
    if t.shape.ndims not in (None, 1):
        raise ValueError(f"in_top_k: targets must be 1-D, got shape {t.shape}.")
    kt = k if isinstance(k, Tensor) else conversion.convert_to_tensor(k, dtype=t.dtype)
    batch = p.shape[0] if p.shape.ndims else None
    return make_op("InTopKV2", [p, t, kt], [_dt.bool_], name=name or "InTopKV2",
                   shapes=[TensorShape([batch])]).outputs[0]


@registry.register_kernel("InTopKV2")
def _in_top_k(ctx: registry.KernelContext, p: Any, t: Any, k: Any) -> np.ndarray:
    p = np.asarray(p)
    t = np.asarray(t).reshape(-1)
    if p.shape[0] != t.shape[0]:
        raise errors.InvalidArgumentError(
            None, None, f"First dimension of predictions {p.shape[0]} must match length "
                        f"of targets {t.shape[0]}")
    n = p.shape[1]
    ok = (t >= 0) & (t < n) & np.all(np.isfinite(p), axis=1)
    safe = np.where(ok, t, 0)
    target_val = p[np.arange(p.shape[0]), safe]
    better = np.sum(p > target_val[:, None], axis=1)
    return ok & (better < int(k))


registry.not_differentiable("InTopKV2")

__all__ = ["top_k", "in_top_k", "TopKV2"]
