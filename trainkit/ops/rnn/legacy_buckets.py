"""``tf.contrib.legacy_seq2seq.model_with_buckets``: one sequence-to-sequence model per
bucket of (encoder length, decoder length), all sharing their variables, each with its
sequence loss, as TF1's translate tutorial trains them.

Example:
    >>> outputs, losses = model_with_buckets(enc, dec, targets, weights, [(5, 10), (10, 15)],
    ...                                      lambda x, y: basic_rnn_seq2seq(x, y, cell))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework.graph import name_scope
from trainkit.ops import variable_scope as vs
from trainkit.ops.seq2seq_losses import legacy_sequence_loss, sequence_loss_by_example


def _bucket_pairs(buckets: Any) -> list[tuple[int, int]]:
    try:
        pairs = [(int(a), int(b)) for a, b in buckets]
    except (TypeError, ValueError):
        raise TypeError(f"model_with_buckets: buckets must be a list of (input size, output "
                        f"size) pairs, got {buckets!r}.") from None
    if not pairs:
        raise ValueError("model_with_buckets: buckets must not be empty.")
    return pairs


def model_with_buckets(encoder_inputs: list, decoder_inputs: list, targets: list,
                       weights: list, buckets: Any, seq2seq: Callable,
                       softmax_loss_function: Callable | None = None,
                       per_example_loss: bool = False,
                       name: str | None = None) -> tuple[list, list]:
    """Builds ``seq2seq(encoder_inputs[:e], decoder_inputs[:d])`` for every bucket
    ``(e, d)`` (variables created by the first, reused by the others) and its loss against
    ``targets[:d]`` / ``weights[:d]``.

    Args:
        encoder_inputs, decoder_inputs: lists of per-step tensors, at least as long as the
            last bucket's sizes.
        targets: a list of 1-D int ``[batch]`` tensors; ``weights`` a list of float ones.
        buckets: ``(input size, output size)`` pairs, the largest last.
        seq2seq: ``(encoder_inputs, decoder_inputs) -> (outputs, state)``.
        softmax_loss_function: ``(labels=..., logits=...) -> [batch]`` losses, instead of
            the sparse softmax cross-entropy.
        per_example_loss: give each bucket a ``[batch]`` loss
            (``sequence_loss_by_example``) instead of a scalar (``sequence_loss``).

    Returns:
        ``(outputs, losses)``: per bucket, its list of output tensors and its loss.

    Raises:
        ValueError: if the encoder inputs, targets or weights are shorter than the last
            bucket, or ``buckets`` is empty.
        TypeError: if ``buckets`` is not a list of pairs or ``seq2seq`` is not callable.
    """
    pairs = _bucket_pairs(buckets)
    if not callable(seq2seq):
        raise TypeError(f"model_with_buckets: seq2seq must be callable, got {seq2seq!r}.")
    last_in, last_out = pairs[-1]
    if len(encoder_inputs) < last_in:
        raise ValueError(f"Length of encoder_inputs ({len(encoder_inputs)}) must be at least "
                         f"that of last bucket ({last_in}).")
    if len(targets) < last_out:
        raise ValueError(f"Length of targets ({len(targets)}) must be at least that of last "
                         f"bucket ({last_out}).")
    if len(weights) < last_out:
        raise ValueError(f"Length of weights ({len(weights)}) must be at least that of last "
                         f"bucket ({last_out}).")
    all_inputs = list(encoder_inputs) + list(decoder_inputs) + list(targets) + list(weights)
    losses: list = []
    outputs: list = []
    with name_scope(name, "model_with_buckets", all_inputs):
        for j, (n_in, n_out) in enumerate(pairs):
            with vs.variable_scope(vs.get_variable_scope(), reuse=True if j > 0 else None):
                bucket_outputs, _ = seq2seq(list(encoder_inputs[:n_in]),
                                            list(decoder_inputs[:n_out]))
                outputs.append(bucket_outputs)
                loss_fn = sequence_loss_by_example if per_example_loss else \
                    legacy_sequence_loss
                losses.append(loss_fn(bucket_outputs, list(targets[:n_out]),
                                      list(weights[:n_out]),
                                      softmax_loss_function=softmax_loss_function))
    return outputs, losses


__all__ = ["model_with_buckets"]
