"""``tf.edit_distance``: the Levenshtein distance between the sequences of two
``SparseTensor``s, and its ``EditDistance`` kernel.

Both tensors hold variable-length sequences along their last dimension, grouped by the
other indices (row-major ordered, as TF1 assumes). The result is dense, of shape the
elementwise maximum of the two dense shapes without their last dimension; a position with
neither sequence is 0. With ``normalize`` a distance is divided by the truth's length: a
hypothesis against an empty truth gives ``inf``, an empty hypothesis against a non-empty
truth gives 1.

Example:
    >>> ler = tk.reduce_mean(tk.edit_distance(tk.cast(decoded[0], tk.int32), targets))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op


def edit_distance(hypothesis: Any, truth: Any, normalize: bool = True,
                  name: str = "edit_distance") -> Tensor:
    """The edit distance of each ``hypothesis`` sequence to its ``truth`` sequence, as a
    float32 tensor of one rank less.

    Raises:
        TypeError: if either argument is not a ``SparseTensor`` (or its value), or their
            value dtypes differ.
        errors.InvalidArgumentError: at run time, for ranks that differ or are below 2.
    """
    if not isinstance(hypothesis, (SparseTensor, SparseTensorValue)):
        raise TypeError("Hypothesis must be a SparseTensor.")
    if not isinstance(truth, (SparseTensor, SparseTensorValue)):
        raise TypeError("Truth must be a SparseTensor.")
    hyp = SparseTensor.from_value(hypothesis)
    tru = SparseTensor.from_value(truth)
    if hyp.dtype is not tru.dtype:
        raise TypeError(f"edit_distance: hypothesis values are {hyp.dtype.name} but truth "
                        f"values are {tru.dtype.name}; they must match.")
    rank = hyp.shape.ndims if hyp.shape.ndims is not None else tru.shape.ndims
    shape = TensorShape(None if rank is None else [None] * (rank - 1))
    return make_op("EditDistance", [hyp.indices, hyp.values, hyp.dense_shape, tru.indices,
                                    tru.values, tru.dense_shape], [_dt.float32],
                   name=name, attrs={"normalize": bool(normalize)},
                   shapes=[shape]).outputs[0]


def levenshtein(a: list, b: list) -> int:
    """The number of insertions, deletions and substitutions turning ``a`` into ``b``."""
    if not a or not b:
        return len(a) or len(b)
    row = np.arange(len(b) + 1)
    bb = np.asarray(b, dtype=object)
    for i, x in enumerate(a, 1):
        sub = row[:-1] + (bb != x)
        new = np.empty_like(row)
        new[0] = i
        best = np.minimum(sub, row[1:] + 1)
        # insertion runs left to right: new[j] = min(best[j-1], new[j-1] + 1)
        new[1:] = np.minimum.accumulate(best - np.arange(1, len(b) + 1)) + \
            np.arange(1, len(b) + 1)
        new[1:] = np.minimum(new[1:], i + np.arange(1, len(b) + 1))
        row = new
    return int(row[-1])


def _groups(indices: np.ndarray, values: np.ndarray) -> dict[tuple, list]:
    out: dict[tuple, list] = {}
    for key, v in zip(map(tuple, indices[:, :-1].tolist()), values.tolist()):
        out.setdefault(key, []).append(v)
    return out


@registry.register_kernel("EditDistance")
def _edit_distance_kernel(ctx: registry.KernelContext, h_idx: Any, h_val: Any, h_shape: Any,
                          t_idx: Any, t_val: Any, t_shape: Any) -> np.ndarray:
    h_idx, t_idx = np.asarray(h_idx, np.int64), np.asarray(t_idx, np.int64)
    h_shape, t_shape = np.asarray(h_shape, np.int64), np.asarray(t_shape, np.int64)
    for what, a in (("hypothesis_indices", h_idx), ("truth_indices", t_idx)):
        if a.ndim != 2:
            raise errors.InvalidArgumentError(
                None, None, f"{what} should be a matrix, but got shape: {list(a.shape)}")
    if h_shape.size != h_idx.shape[1] or t_shape.size != t_idx.shape[1]:
        raise errors.InvalidArgumentError(
            None, None, "Expected the dense shape's size to equal the number of index "
                        f"columns, got {h_shape.size} / {h_idx.shape[1]} (hypothesis) and "
                        f"{t_shape.size} / {t_idx.shape[1]} (truth)")
    if t_shape.size < 2:
        raise errors.InvalidArgumentError(
            None, None, f"Input SparseTensors must have rank at least 2, but truth_shape "
                        f"rank is: {t_shape.size}")
    if t_shape.size != h_shape.size:
        raise errors.InvalidArgumentError(
            None, None, f"Expected truth and hypothesis to have matching ranks, but their "
                        f"shapes are: [{t_shape.size}] and [{h_shape.size}]")
    out_shape = tuple(np.maximum(h_shape[:-1], t_shape[:-1]).tolist())
    out = np.zeros(out_shape, np.float32)
    hyp = _groups(h_idx, np.asarray(h_val))
    tru = _groups(t_idx, np.asarray(t_val))
    normalize = ctx.attrs["normalize"]
    for key in set(hyp) | set(tru):
        h, t = hyp.get(key, []), tru.get(key, [])
        if any(k < 0 or k >= n for k, n in zip(key, out_shape)):
            raise errors.InvalidArgumentError(
                None, None, f"edit_distance: index {list(key)} is out of bounds of the "
                            f"output shape {list(out_shape)}")
        d = float(levenshtein(t, h))
        if normalize:
            d = d / len(t) if t else (np.inf if h else 0.0)
        out[key] = d
    return out


registry.not_differentiable("EditDistance")

__all__ = ["edit_distance", "levenshtein"]
