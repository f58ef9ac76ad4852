"""TF 2.x's CTC signatures as ``tf.compat.v1.nn`` exposes them: ``ctc_loss_v2`` (dense or
sparse labels, any blank index) and ``ctc_beam_search_decoder_v2``, both built on the
``CTCLoss`` / ``CTCBeamSearchDecoder`` kernels (whose blank is the last class).

A blank other than the last class is moved there: the logits' class axis is reordered
(classes below the blank, classes above it, the blank) and labels above the blank shift
down by one, as TF's sparse path does. Dense labels ``[batch, max_label_length]`` become
a ``SparseTensor`` of each row's first ``label_length`` entries. TF computes the dense
case with its own forward-backward in the graph; the loss is the same ``-log p`` and the
gradient the same softmax minus label posteriors.

Example:
    >>> loss = ctc_loss_v2(labels, logits, label_length, logit_length)  # blank 0
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, cast_ops, comparison_ops, math_extras
from trainkit.ops.ctc_decoders import ctc_beam_search_decoder
from trainkit.ops.ctc_loss_ops import ctc_loss


def _num_classes(logits: Tensor) -> int:
    c = logits.shape[2] if logits.shape.ndims == 3 else None
    if c is None:
        raise ValueError("ctc_loss_v2: the logits' class count must be known when the "
                         f"blank index is moved, got shape {logits.shape}.")
    return int(c)


def _blank_last(logits: Tensor, blank: int) -> tuple[Tensor, int]:
    """``(logits with class blank moved last, blank)`` (blank made non-negative)."""
    c = _num_classes(logits)
    blank = blank + c if blank < 0 else blank
    if not 0 <= blank < c:
        raise ValueError(f"ctc_loss_v2: blank_index must lie in [-{c}, {c}), got {blank}.")
    if blank != c - 1:
        logits = array_ops.concat([logits[:, :, :blank], logits[:, :, blank + 1:],
                                   logits[:, :, blank:blank + 1]], axis=2)
    return logits, blank


def _shift_labels(values: Tensor, blank: int) -> Tensor:
    return comparison_ops.where(values < blank, values, values - 1)


def ctc_loss_v2(labels: Any, logits: Any, label_length: Any, logit_length: Any,
                logits_time_major: bool = True, unique: Any = None,
                blank_index: int | None = None, name: str | None = None) -> Tensor:
    """The CTC loss ``-log p(labels | logits)`` per batch entry.

    Args:
        labels: int ``[batch, max_label_length]`` (dense, with ``label_length``) or a
            ``SparseTensor``.
        logits: ``[frames, batch, classes]`` (``[batch, frames, classes]`` when
            ``logits_time_major`` is False).
        label_length: int ``[batch]`` for dense labels (None for sparse ones).
        logit_length: int ``[batch]`` frames per entry.
        logits_time_major: the logits' layout.
        unique: TF's optional ``ctc_unique_labels(labels)`` speed-up; the loss does not
            depend on it, so it is accepted and unused.
        blank_index: the blank class; default 0 for dense labels, required for sparse
            ones; negative counts from the end.
        name: the name scope (default ``"ctc_loss_dense"``).

    Returns:
        A ``[batch]`` loss of the logits' dtype.

    Raises:
        ValueError: sparse labels without ``blank_index``, a blank outside the classes,
            dense labels without ``label_length``, or what ``ctc_loss`` raises.
        errors.InvalidArgumentError: at run time, labels that need more frames than
            given. Differs from TF: TF's dense path returns a large finite loss there.
    """
    del unique  # TF's speed-up only
    if isinstance(labels, SparseTensor):
        if blank_index is None:
            raise ValueError("Argument `blank_index` must be provided when labels is a "
                             "SparseTensor.")
        x = conversion.convert_to_tensor(logits, name="logits")
        x, blank = _blank_last(x, int(blank_index))
        if blank != _num_classes(x) - 1:
            labels = SparseTensor(labels.indices, _shift_labels(labels.values, blank),
                                  labels.dense_shape)
        return ctc_loss(labels, x, _int32(logit_length, "logit_length"),
                        time_major=logits_time_major)
    if label_length is None:
        raise ValueError("ctc_loss_v2: dense labels need label_length.")
    with name_scope(name, "ctc_loss_dense", [logits, labels, label_length, logit_length]):
        x = conversion.convert_to_tensor(logits, name="logits")
        if not logits_time_major:
            x = array_ops.transpose(x, [1, 0, 2])
        dense = cast_ops.cast(conversion.convert_to_tensor(labels, name="labels"), _dt.int32)
        x, blank = _blank_last(x, 0 if blank_index is None else int(blank_index))
        if blank != _num_classes(x) - 1:
            dense = _shift_labels(dense, blank)
        mask = math_extras.sequence_mask(_int32(label_length, "label_length"),
                                         array_ops.shape(dense)[1])
        indices = comparison_ops.where(mask)
        sparse = SparseTensor(indices, array_ops.gather_nd(dense, indices),
                              array_ops.shape(dense, out_type=_dt.int64))
        return ctc_loss(sparse, x, _int32(logit_length, "logit_length"))


def _int32(value: Any, name: str) -> Tensor:
    t = conversion.convert_to_tensor(value, name=name)
    return t if t.dtype is _dt.int32 else cast_ops.cast(t, _dt.int32)


def ctc_beam_search_decoder_v2(inputs: Any, sequence_length: Any, beam_width: int = 100,
                               top_paths: int = 1) -> tuple[list[SparseTensor], Tensor]:
    """Beam-search decoding of ``inputs`` ``[max_time, batch, num_classes]`` (blank last)
    without merging repeated labels (TF 2.x dropped ``merge_repeated``).

    Returns:
        ``(decoded, log_probabilities)`` as :func:`ctc_beam_search_decoder`.

    Raises:
        TypeError, ValueError, errors.InvalidArgumentError: as
        :func:`ctc_beam_search_decoder`.
    """
    return ctc_beam_search_decoder(inputs, sequence_length, beam_width=beam_width,
                                   top_paths=top_paths, merge_repeated=False)


__all__ = ["ctc_loss_v2", "ctc_beam_search_decoder_v2"]
