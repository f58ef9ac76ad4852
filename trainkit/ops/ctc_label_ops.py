"""Label helpers of TF's CTC API: ``tf.nn.collapse_repeated`` (merge runs of equal
labels within each sequence length) and ``tf.nn.ctc_unique_labels`` (each row's labels
in order of first appearance, and every label's index among them).

Example:
    >>> lab, n = tk.nn.collapse_repeated([[1, 1, 2, 2, 3]], [5])   # [[1, 2, 3]], [3]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op


def collapse_repeated(labels: Any, seq_length: Any, name: str | None = None
                      ) -> tuple[Tensor, Tensor]:
    """``(collapsed, new_lengths)``: per row of ``labels`` ``[batch, max_len]``, its first
    ``seq_length`` labels with each run of equal labels merged into one, zero-padded to
    the longest result; ``new_lengths`` (int32) the collapsed lengths."""
    lab = conversion.convert_to_tensor(labels, name="labels")
    lens = conversion.convert_to_tensor(seq_length, name="seq_length")
    batch = lab.shape.as_list()[0] if lab.shape.ndims == 2 else None
    op = make_op("CollapseRepeated", [lab, lens], [lab.dtype, _dt.int32],
                 name=name or "collapse_repeated_labels",
                 shapes=[TensorShape([batch, None]), TensorShape([batch])])
    return op.outputs[0], op.outputs[1]


def ctc_unique_labels(labels: Any, name: str | None = None) -> tuple[Tensor, Tensor]:
    """``(unique, indices)``: per row of ``labels`` ``[batch, max_len]``, its distinct
    labels in order of first appearance zero-padded to ``max_len``, and for every label
    its position among them (int32)."""
    lab = conversion.convert_to_tensor(labels, name="labels")
    dims = lab.shape.as_list() if lab.shape.ndims == 2 else [None, None]
    op = make_op("CtcUniqueLabels", [lab], [lab.dtype, _dt.int32],
                 name=name or "ctc_unique_labels",
                 shapes=[TensorShape([dims[0], None]), TensorShape(dims)])
    return op.outputs[0], op.outputs[1]


def _matrix(x: Any, what: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.ndim != 2:
        raise errors.InvalidArgumentError(
            None, None, f"{what} must be a [batch, max_len] matrix, got shape "
                        f"{list(arr.shape)}")
    return arr


@registry.register_kernel("CollapseRepeated")
def _collapse(ctx: registry.KernelContext, labels: Any, lengths: Any) -> tuple:
    lab = _matrix(labels, "labels")
    lens = np.asarray(lengths).reshape(-1)
    if lens.size != lab.shape[0]:
        raise errors.InvalidArgumentError(
            None, None, f"seq_length has {lens.size} entries for {lab.shape[0]} rows")
    rows = []
    for r in range(lab.shape[0]):
        seq = lab[r, :max(0, min(int(lens[r]), lab.shape[1]))]
        keep = np.ones(seq.shape, bool)
        keep[1:] = seq[1:] != seq[:-1]
        rows.append(seq[keep])
    width = max((len(r) for r in rows), default=0)
    out = np.zeros((lab.shape[0], width), lab.dtype)
    for r, row in enumerate(rows):
        out[r, :len(row)] = row
    return out, np.array([len(r) for r in rows], np.int32)


@registry.register_kernel("CtcUniqueLabels")
def _unique(ctx: registry.KernelContext, labels: Any) -> tuple:
    lab = _matrix(labels, "labels")
    uniq = np.zeros_like(lab)
    idx = np.zeros(lab.shape, np.int32)
    for r in range(lab.shape[0]):
        seen: dict = {}
        for c, v in enumerate(lab[r].tolist()):
            idx[r, c] = seen.setdefault(v, len(seen))
        uniq[r, :len(seen)] = list(seen)
    return uniq, idx


registry.not_differentiable("CollapseRepeated", "CtcUniqueLabels")

__all__ = ["collapse_repeated", "ctc_unique_labels"]
