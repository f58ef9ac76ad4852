"""Sequence losses of ``tf.contrib.seq2seq`` and ``tf.contrib.legacy_seq2seq``: weighted
per-step softmax cross-entropy, averaged over time steps and/or the batch.

Example:
    >>> loss = sequence_loss(logits, targets, tk.ones([batch, steps]))   # a scalar
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.nn_losses_ops import sparse_softmax_cross_entropy_with_logits

_TINY = 1e-12  # added to the weight totals, as TF1 does


def sequence_loss(logits: Any, targets: Any, weights: Any,
                  average_across_timesteps: bool = True, average_across_batch: bool = True,
                  softmax_loss_function: Any = None, name: str | None = None) -> Tensor:
    """Weighted cross-entropy of ``logits [batch, steps, classes]`` for int
    ``targets [batch, steps]`` (``tf.contrib.seq2seq.sequence_loss``).

    Returns a scalar (both averages), ``[steps]`` (batch only), ``[batch]`` (time only) or
    ``[batch, steps]`` (neither); an average divides the weighted sum by the summed
    weights (+1e-12).

    Raises:
        ValueError: if logits is not rank 3 or targets/weights are not rank 2.
    """
    with name_scope(name, "sequence_loss", [logits, targets, weights]):
        lg = conversion.convert_to_tensor(logits, name="logits")
        tg = conversion.convert_to_tensor(targets, name="targets")
        w = conversion.convert_to_tensor(weights, name="weights")
        if lg.shape.ndims not in (None, 3):
            raise ValueError(f"Logits must be a [batch_size x sequence_length x logits] "
                             f"tensor, got shape {lg.shape}.")
        for t, what in ((tg, "Targets"), (w, "Weights")):
            if t.shape.ndims not in (None, 2):
                raise ValueError(f"{what} must be a [batch_size x sequence_length] tensor, "
                                 f"got shape {t.shape}.")
        n_classes = array_ops.shape(lg)[2]
        flat_logits = array_ops.reshape(lg, array_ops.stack([-1, n_classes]))
        flat_targets = array_ops.reshape(tg, [-1])
        if softmax_loss_function is None:
            ce = sparse_softmax_cross_entropy_with_logits(labels=flat_targets,
                                                          logits=flat_logits)
        else:
            ce = softmax_loss_function(labels=flat_targets, logits=flat_logits)
        w = math_ops.cast(w, ce.dtype) if w.dtype is not ce.dtype else w
        ce = ce * array_ops.reshape(w, [-1])
        if average_across_timesteps and average_across_batch:
            return math_ops.reduce_sum(ce) / (math_ops.reduce_sum(w) + _TINY)
        ce = array_ops.reshape(ce, array_ops.shape(tg))
        if average_across_timesteps:
            return math_ops.reduce_sum(ce, axis=1) / (math_ops.reduce_sum(w, axis=1) + _TINY)
        if average_across_batch:
            return math_ops.reduce_sum(ce, axis=0) / (math_ops.reduce_sum(w, axis=0) + _TINY)
        return ce


def sequence_loss_by_example(logits: list, targets: list, weights: list,
                             average_across_timesteps: bool = True,
                             softmax_loss_function: Any = None,
                             name: str | None = None) -> Tensor:
    """``tf.contrib.legacy_seq2seq.sequence_loss_by_example``: per-example weighted
    cross-entropy ``[batch]`` over lists (one entry per step) of ``logits [batch, classes]``,
    int ``targets [batch]`` and ``weights [batch]``.

    Raises:
        ValueError: if the three lists differ in length.
    """
    if not (len(logits) == len(targets) == len(weights)):
        raise ValueError(f"Lengths of logits, weights, and targets must be the same "
                         f"{len(logits)}, {len(weights)}, {len(targets)}.")
    with name_scope(name, "sequence_loss_by_example", list(logits)):
        parts = []
        for lg, tg, w in zip(logits, targets, weights):
            if softmax_loss_function is None:
                ce = sparse_softmax_cross_entropy_with_logits(
                    labels=array_ops.reshape(tg, [-1]), logits=lg)
            else:
                ce = softmax_loss_function(labels=tg, logits=lg)
            parts.append(ce * w)
        total = math_ops.add_n(parts)
        if average_across_timesteps:
            total = total / (math_ops.add_n([conversion.convert_to_tensor(w) for w in weights])
                             + _TINY)
        return total


def legacy_sequence_loss(logits: list, targets: list, weights: list,
                         average_across_timesteps: bool = True,
                         average_across_batch: bool = True, softmax_loss_function: Any = None,
                         name: str | None = None) -> Tensor:
    """``tf.contrib.legacy_seq2seq.sequence_loss``: the summed per-example losses, divided
    by the batch size when ``average_across_batch``."""
    with name_scope(name, "sequence_loss", list(logits)):
        cost = math_ops.reduce_sum(sequence_loss_by_example(
            logits, targets, weights, average_across_timesteps,
            softmax_loss_function=softmax_loss_function))
        if average_across_batch:
            batch = math_ops.cast(array_ops.shape(targets[0])[0], cost.dtype)
            return cost / batch
        return cost


__all__ = ["sequence_loss", "sequence_loss_by_example", "legacy_sequence_loss"]
