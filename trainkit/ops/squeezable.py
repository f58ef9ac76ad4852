"""TF1's ``remove_squeezable_dimensions``: drop a trailing size-1 dimension from labels
or predictions whose ranks differ from the expected difference by one.

``tf.losses.sparse_softmax_cross_entropy`` calls it with ``expected_rank_diff=1``, so
class ids shaped ``[batch, 1]`` (a column, as many programs feed them) work against
``[batch, classes]`` logits, and a ``[batch, 1]`` weight column is squeezed to the
labels' rank. With both ranks known statically the squeeze is decided at graph
construction; otherwise, as in TF, a ``cond`` on the runtime ranks decides (only for a
tensor whose last dimension may be 1).

Example:
    >>> labels, logits = remove_squeezable_dimensions(ids_b1, logits_bc, 1)
    >>> labels.shape                      # doctest: +SKIP
    TensorShape([Dimension(32)])
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, control_flow_ops, math_ops, shape_ops


def _last_may_be_one(t: Tensor) -> bool:
    dims = t.shape.as_list() if t.shape.ndims is not None else None
    return dims is None or (len(dims) > 0 and dims[-1] in (1, None))


def remove_squeezable_dimensions(labels: Any, predictions: Any, expected_rank_diff: int = 0,
                                 name: str | None = None) -> tuple[Tensor, Tensor]:
    """``(labels, predictions)`` with the last dimension of one of them squeezed when
    ``rank(predictions) - rank(labels)`` is ``expected_rank_diff + 1`` (predictions
    squeezed) or ``expected_rank_diff - 1`` (labels squeezed) and that dimension is 1."""
    with name_scope(name, "remove_squeezable_dimensions", [labels, predictions]):
        predictions = conversion.convert_to_tensor(predictions)
        labels = conversion.convert_to_tensor(labels)
        pr, lr = predictions.shape.ndims, labels.shape.ndims
        if pr is not None and lr is not None:
            diff = pr - lr
            if diff == expected_rank_diff + 1 and _last_may_be_one(predictions):
                predictions = shape_ops.squeeze(predictions, [-1])
            elif diff == expected_rank_diff - 1 and _last_may_be_one(labels):
                labels = shape_ops.squeeze(labels, [-1])
            return labels, predictions
        diff = math_ops.subtract(array_ops.rank(predictions), array_ops.rank(labels))
        if _last_may_be_one(predictions):
            p = predictions
            predictions = control_flow_ops.cond(
                math_ops.equal(expected_rank_diff + 1, diff),
                lambda: shape_ops.squeeze(p, [-1]), lambda: p)
        if _last_may_be_one(labels):
            lab = labels
            labels = control_flow_ops.cond(
                math_ops.equal(expected_rank_diff - 1, diff),
                lambda: shape_ops.squeeze(lab, [-1]), lambda: lab)
        return labels, predictions


def squeeze_weights(weights: Any, labels: Tensor) -> Any:
    """``weights`` without its last dimension when it is one rank above ``labels`` (as
    TF's losses squeeze a weight column after the labels); decided at run time when a
    rank is unknown and the weights' last dimension may be 1."""
    w = conversion.convert_to_tensor(weights)
    lr, wr = labels.shape.ndims, w.shape.ndims
    if lr is not None and wr is not None:
        return shape_ops.squeeze(w, [-1]) if wr - lr == 1 else w
    if wr == 0 or not _last_may_be_one(w):
        return w
    diff = math_ops.subtract(array_ops.rank(w), array_ops.rank(labels))
    return control_flow_ops.cond(math_ops.equal(1, diff),
                                 lambda: shape_ops.squeeze(w, [-1]), lambda: w)


__all__ = ["remove_squeezable_dimensions", "squeeze_weights"]
