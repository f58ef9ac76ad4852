"""CTC in ``tf.keras.backend``: ``ctc_label_dense_to_sparse``, ``ctc_batch_cost`` and
``ctc_decode``, the functions Keras's OCR and speech examples train and decode with
(tf_keras 2.21's semantics under ``tf.compat.v1``).

``ctc_batch_cost`` takes Keras's batch-major softmax *probabilities* ``y_pred``
``[batch, time, classes]`` (the last class is the blank), dense padded labels and
``[batch, 1]`` lengths; it feeds ``log(y_pred + epsilon())`` in time-major order to
``tf.nn.ctc_loss`` and returns the ``[batch, 1]`` losses. ``ctc_decode`` decodes the same
probabilities greedily or by beam search into dense ``[batch, time]`` paths padded with
-1.

Example:
    >>> loss = K.ctc_batch_cost(labels, y_pred, input_length, label_length)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.keras import backend_config
from trainkit.ops import (
    array_ops,
    cast_ops,
    comparison_ops,
    ctc_decoders,
    ctc_loss_ops,
    math_extras,
    shape_ops,
    slicing_ops,
    sparse_ops,
    unary_ops,
)


def ctc_label_dense_to_sparse(labels: Any, label_lengths: Any) -> SparseTensor:
    """The first ``label_lengths[b]`` entries of each row ``b`` of the dense ``labels``
    as a ``SparseTensor`` of ``labels``' dense shape (entries in row-major order)."""
    labels = conversion.convert_to_tensor(labels)
    dims = array_ops.shape(labels)
    mask = math_extras.sequence_mask(label_lengths, maxlen=dims[1])
    indices = comparison_ops.where(mask)
    values = slicing_ops.gather_nd(labels, indices)
    return SparseTensor(indices, values, cast_ops.cast(dims, _dt.int64))


def _log_time_major(y_pred: Any) -> Tensor:
    y_pred = conversion.convert_to_tensor(y_pred)
    return unary_ops.log(shape_ops.transpose(y_pred, perm=[1, 0, 2])
                         + backend_config.epsilon())


def ctc_batch_cost(y_true: Any, y_pred: Any, input_length: Any,
                   label_length: Any) -> Tensor:
    """The CTC loss of each batch entry, ``[batch, 1]``.

    Args:
        y_true: ``[batch, max_label_length]`` labels (any number type; cast to int32).
        y_pred: ``[batch, time, num_classes]`` probabilities (softmax output).
        input_length: ``[batch, 1]`` number of time steps of each entry to use.
        label_length: ``[batch, 1]`` number of labels of each entry.
    """
    label_length = cast_ops.cast(shape_ops.squeeze(label_length, axis=-1), _dt.int32)
    input_length = cast_ops.cast(shape_ops.squeeze(input_length, axis=-1), _dt.int32)
    sparse = ctc_label_dense_to_sparse(y_true, label_length)
    sparse = SparseTensor(sparse.indices, cast_ops.cast(sparse.values, _dt.int32),
                          sparse.dense_shape)
    losses = ctc_loss_ops.ctc_loss(sparse, _log_time_major(y_pred),
                                   sequence_length=input_length)
    return shape_ops.expand_dims(losses, 1)


def ctc_decode(y_pred: Any, input_length: Any, greedy: bool = True, beam_width: int = 100,
               top_paths: int = 1) -> tuple[list[Tensor], Tensor]:
    """The best paths through ``y_pred`` (``[batch, time, num_classes]`` probabilities):
    a list of ``top_paths`` dense int64 ``[batch, time]`` tensors padded with -1, and the
    log probabilities (greedy: ``[batch, 1]``; beam search: ``[batch, top_paths]``)."""
    dims = array_ops.shape(y_pred)
    logits = _log_time_major(y_pred)
    lengths = cast_ops.cast(input_length, _dt.int32)
    if greedy:
        decoded, log_prob = ctc_decoders.ctc_greedy_decoder(logits, lengths)
    else:
        decoded, log_prob = ctc_decoders.ctc_beam_search_decoder(
            logits, lengths, beam_width=beam_width, top_paths=top_paths)
    dense_shape = cast_ops.cast(dims[:2], _dt.int64)
    paths = [sparse_ops.to_dense(SparseTensor(st.indices, st.values, dense_shape),
                                 default_value=-1) for st in decoded]
    return paths, log_prob


__all__ = ["ctc_label_dense_to_sparse", "ctc_batch_cost", "ctc_decode"]
