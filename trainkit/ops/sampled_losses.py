"""``nce_loss`` and ``sampled_softmax_loss``: training losses over the true classes plus a
few sampled negatives instead of every class (TF1's ``_compute_sampled_logits``).

For each example the logits are ``inputs @ weights[c] + biases[c]`` for its ``num_true``
true classes and for the ``num_sampled`` shared sampled classes, minus
``log(expected_count)`` of each class (``subtract_log_q``); with
``remove_accidental_hits`` a sampled class equal to one of the row's true classes gets
``-FLT_MAX`` added. NCE applies sigmoid cross-entropy (true labels ``1 / num_true``,
sampled 0) and sums per row; sampled softmax applies softmax cross-entropy.

Example:
    >>> loss = tk.reduce_mean(tk.nn.nce_loss(nce_w, nce_b, labels, embed,
    ...                                      num_sampled=64, num_classes=vocab))
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops, sparse_ops
from trainkit.ops.candidate_sampling_ops import (
    compute_accidental_hits,
    log_uniform_candidate_sampler,
)
from trainkit.ops.embedding_ops import embedding_lookup
from trainkit.ops.nn_losses_ops import (
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
)


def _check_sampled(sampled_values: Any) -> tuple[Tensor, Tensor, Tensor]:
    try:
        sampled, true_ec, sampled_ec = sampled_values
    except (TypeError, ValueError):
        raise TypeError("sampled_values must be a (sampled_candidates, true_expected_count, "
                        f"sampled_expected_count) triple, got {sampled_values!r}.") from None
    return tuple(array_ops.stop_gradient(conversion.convert_to_tensor(s))
                 for s in (sampled, true_ec, sampled_ec))


def compute_sampled_logits(weights: Any, biases: Any, labels: Any, inputs: Any,
                           num_sampled: int, num_classes: int, num_true: int = 1,
                           sampled_values: Any = None, subtract_log_q: bool = True,
                           remove_accidental_hits: bool = False,
                           partition_strategy: str = "mod", name: str | None = None,
                           seed: int | None = None) -> tuple[Tensor, Tensor]:
    """``(logits, labels)`` ``[batch, num_true + num_sampled]`` of a sampled loss."""
    ws = list(weights) if isinstance(weights, list | tuple) else [weights]
    with name_scope(name, "compute_sampled_logits", ws + [biases, inputs, labels]):
        x = conversion.convert_to_tensor(inputs, name="inputs")
        lab = conversion.convert_to_tensor(labels, name="labels")
        if not lab.dtype.is_integer:
            raise TypeError(f"labels must be integer class ids, got {lab.dtype.name}.")
        if lab.dtype is not _dt.int64:
            lab = math_ops.cast(lab, _dt.int64)
        if lab.shape.ndims == 1:
            lab = array_ops.reshape(lab, [-1, num_true])
        flat_labels = array_ops.reshape(lab, [-1])
        if sampled_values is None:
            sampled_values = log_uniform_candidate_sampler(
                lab, num_true=num_true, num_sampled=num_sampled, unique=True,
                range_max=num_classes, seed=seed)
        sampled, true_ec, sampled_ec = _check_sampled(sampled_values)
        sampled = math_ops.cast(sampled, _dt.int64) if sampled.dtype is not _dt.int64 \
            else sampled
        all_ids = array_ops.concat([flat_labels, sampled], 0)
        all_w = embedding_lookup(ws, all_ids, partition_strategy=partition_strategy)
        if all_w.dtype is not x.dtype:
            all_w = math_ops.cast(all_w, x.dtype)
        n_true = array_ops.size(flat_labels)
        true_w = all_w[:n_true]
        sampled_w = all_w[n_true:]
        sampled_logits = math_ops.matmul(x, sampled_w, transpose_b=True)
        all_b = embedding_lookup(biases, all_ids, partition_strategy=partition_strategy)
        if all_b.dtype is not x.dtype:
            all_b = math_ops.cast(all_b, x.dtype)
        true_b = array_ops.reshape(all_b[:n_true], [-1, num_true])
        sampled_b = all_b[n_true:]
        dim = array_ops.shape(true_w)[1:2]
        true_w3 = array_ops.reshape(true_w, array_ops.concat([[-1, num_true], dim], 0))
        true_logits = math_ops.reduce_sum(array_ops.expand_dims(x, 1) * true_w3, axis=2)
        true_logits = true_logits + true_b
        sampled_logits = sampled_logits + sampled_b
        if remove_accidental_hits:
            rows, ids, hit_w = compute_accidental_hits(lab, sampled, num_true=num_true)
            idx = array_ops.concat([array_ops.reshape(math_ops.cast(rows, _dt.int64), [-1, 1]),
                                    array_ops.reshape(ids, [-1, 1])], 1)
            shape = array_ops.stack([math_ops.cast(array_ops.shape(lab)[0], _dt.int64),
                                     conversion.convert_to_tensor(num_sampled, _dt.int64)])
            mask = sparse_ops.to_dense(
                SparseTensor(idx, math_ops.cast(hit_w, x.dtype), shape),
                validate_indices=False)
            sampled_logits = sampled_logits + mask
        if subtract_log_q:
            true_logits = true_logits - math_ops.log(math_ops.cast(true_ec, x.dtype))
            sampled_logits = sampled_logits - math_ops.log(math_ops.cast(sampled_ec,
                                                                         x.dtype))
        logits = array_ops.concat([true_logits, sampled_logits], 1)
        out_labels = array_ops.concat([array_ops.ones_like(true_logits) / float(num_true),
                                       array_ops.zeros_like(sampled_logits)], 1)
        return logits, out_labels


def nce_loss(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int,
             num_classes: int, num_true: int = 1, sampled_values: Any = None,
             remove_accidental_hits: bool = False, partition_strategy: str = "mod",
             name: str = "nce_loss") -> Tensor:
    """Noise-contrastive estimation loss per example, ``[batch]``.

    Args:
        weights: ``[num_classes, dim]`` (or a list of partitions); biases: ``[num_classes]``.
        labels: int ``[batch, num_true]``; inputs: ``[batch, dim]``.
        num_sampled: negatives per batch; num_classes: the number of classes.
        sampled_values: a ``(sampled, true_expected_count, sampled_expected_count)``
            triple from a candidate sampler (default: log-uniform, unique).
        remove_accidental_hits: mask sampled classes equal to a true class.

    Raises:
        TypeError: for non-integer labels or a malformed ``sampled_values``.
    """
    logits, lab = compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true=num_true,
        sampled_values=sampled_values, subtract_log_q=True,
        remove_accidental_hits=remove_accidental_hits,
        partition_strategy=partition_strategy, name=name)
    losses = sigmoid_cross_entropy_with_logits(labels=lab, logits=logits,
                                               name="sampled_losses")
    return math_ops.reduce_sum(losses, axis=1)


def sampled_softmax_loss(weights: Any, biases: Any, labels: Any, inputs: Any,
                         num_sampled: int, num_classes: int, num_true: int = 1,
                         sampled_values: Any = None, remove_accidental_hits: bool = True,
                         partition_strategy: str = "mod", name: str = "sampled_softmax_loss",
                         seed: int | None = None) -> Tensor:
    """Sampled softmax cross-entropy per example, ``[batch]`` (arguments as
    :func:`nce_loss`; accidental hits are removed by default).

    Raises:
        TypeError: for non-integer labels or a malformed ``sampled_values``.
    """
    logits, lab = compute_sampled_logits(
        weights, biases, labels, inputs, num_sampled, num_classes, num_true=num_true,
        sampled_values=sampled_values, subtract_log_q=True,
        remove_accidental_hits=remove_accidental_hits,
        partition_strategy=partition_strategy, name=name, seed=seed)
    lab = array_ops.stop_gradient(lab, name="labels_stop_gradient")
    return softmax_cross_entropy_with_logits_v2(labels=lab, logits=logits)


__all__ = ["nce_loss", "sampled_softmax_loss", "compute_sampled_logits"]
