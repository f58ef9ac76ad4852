"""``tf.compat.v1.nn.ctc_loss``: the Connectionist Temporal Classification loss (Graves et
al., 2006) of time-major logits against ``SparseTensor`` label sequences, and its
``CTCLoss`` kernel.

The kernel follows TF1's ``CTCLossCalculator``: the blank is the last class
(``num_classes - 1``); a label sequence ``l`` becomes ``l'`` (a blank before every label
and one at the end); the forward (alpha) and backward (beta) variables are computed in log
space over ``l'``, here for the whole batch at once (one NumPy step per time step, padded
label states kept at probability 0). The op has two outputs, the loss ``[batch]`` and the
gradient of the loss with respect to the logits ``[max_time, batch, num_classes]`` (the
softmax minus the label posteriors), which the registered gradient scales by the upstream
gradient, as TF1 does.

TF1's rules kept: ``ctc_merge_repeated=False`` lets no non-blank label last more than one
frame and allows skipping between equal labels; ``preprocess_collapse_repeated`` merges
repeated labels before the loss; a label ``>= num_classes - 1`` ends the sequence (a real
label after it is an error); a sequence of length 0, or (with
``ignore_longer_outputs_than_inputs``) one shorter than its labels, has loss 0 and gradient
0; a sequence no alignment can produce has loss ``inf`` and the softmax as its gradient;
a label sequence of blanks only (``l'`` one blank) gets TF1's value, whose backward pass
also counts a path ending one frame early: ``-(sum_{t < T-1} log y_blank(t) +
log(1 + y_blank(T-1)))``, not ``-sum_t log y_blank(t)``.

Example:
    >>> labels = tk.sparse_placeholder(tk.int32)
    >>> loss = tk.nn.ctc_loss(labels, logits, seq_len)   # logits [time, batch, classes]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.op_util import make_op


def ctc_loss(labels: Any, inputs: Any = None, sequence_length: Any = None,
             preprocess_collapse_repeated: bool = False, ctc_merge_repeated: bool = True,
             ignore_longer_outputs_than_inputs: bool = False, time_major: bool = True,
             logits: Any = None) -> Tensor:
    """The CTC loss ``-log p(labels | inputs)``, one value per batch entry.

    Args:
        labels: an ``int32`` ``SparseTensor``; ``indices[i] == [b, t]`` means
            ``values[i]`` is label ``t`` of batch entry ``b``; labels lie in
            ``[0, num_classes - 1)``.
        inputs: the logits, ``[max_time, batch, num_classes]`` (``[batch, max_time,
            num_classes]`` when ``time_major`` is False); ``logits`` is TF1's newer name.
        sequence_length: ``int32`` ``[batch]``, each ``<= max_time``.
        preprocess_collapse_repeated: merge repeated labels before the loss.
        ctc_merge_repeated: False disables merging repeated frames into one label.
        ignore_longer_outputs_than_inputs: give loss 0 (instead of an error) to entries
            whose labels are longer than their sequence.
        time_major: the layout of ``inputs``.

    Returns:
        A float ``[batch]`` tensor of negative log probabilities.

    Raises:
        TypeError: if ``labels`` is not a ``SparseTensor``, the logits are not floating or
            the labels / sequence lengths are not ``int32``.
        ValueError: for both or neither of ``inputs``/``logits``, or inputs not of rank 3.
        errors.InvalidArgumentError: at run time, for bad lengths or labels (see the
            module docstring).
    """
    if not isinstance(labels, SparseTensor):
        raise TypeError("Expected argument `labels` to be a SparseTensor. Received "
                        f"labels={labels!r} of type: {type(labels).__name__}")
    if inputs is not None and logits is not None:
        raise ValueError("Cannot specify both 'logits' and 'inputs'.")
    inputs = logits if inputs is None else inputs
    if inputs is None or sequence_length is None:
        raise ValueError("ctc_loss needs inputs (or logits) and sequence_length.")
    x = conversion.convert_to_tensor(inputs, name="logits")
    half = x.dtype is _dt.float16
    if half:  # TF1 computes half-precision logits in float32
        x = math_ops.cast(x, _dt.float32)
    if x.dtype not in (_dt.float32, _dt.float64):
        raise TypeError(f"ctc_loss: logits must be float32 or float64, got {x.dtype.name}.")
    if x.shape.ndims is not None and x.shape.ndims != 3:
        raise ValueError(f"ctc_loss: inputs must be of rank 3, got shape {x.shape}.")
    if not time_major:
        x = array_ops.transpose(x, [1, 0, 2])
    seq = conversion.convert_to_tensor(sequence_length, name="sequence_length")
    if seq.dtype is not _dt.int32:
        raise TypeError(f"ctc_loss: sequence_length must be int32, got {seq.dtype.name}.")
    if seq.shape.ndims is not None and seq.shape.ndims != 1:
        raise ValueError(f"ctc_loss: sequence_length must be a vector, got shape "
                         f"{seq.shape}.")
    if labels.dtype is not _dt.int32:
        raise TypeError(f"ctc_loss: labels values must be int32, got {labels.dtype.name}.")
    batch = x.shape[1:2] if x.shape.ndims == 3 else TensorShape([None])
    if seq.shape.ndims == 1:
        if not batch.is_compatible_with(seq.shape):
            raise ValueError(f"ctc_loss: sequence_length has shape {seq.shape} but the "
                             f"batch size of the inputs is {batch[0]}.")
        batch = batch.merge_with(seq.shape)
    op = make_op("CTCLoss", [x, labels.indices, labels.values, seq], [x.dtype, x.dtype],
                 name="CTCLoss",
                 attrs={"preprocess_collapse_repeated": bool(preprocess_collapse_repeated),
                        "ctc_merge_repeated": bool(ctc_merge_repeated),
                        "ignore_longer_outputs_than_inputs":
                            bool(ignore_longer_outputs_than_inputs)},
                 shapes=[batch, x.shape])
    return math_ops.cast(op.outputs[0], _dt.float16) if half else op.outputs[0]


def _bad(msg: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, msg)


def label_sequences(indices: Any, values: Any, batch_size: int) -> list[np.ndarray]:
    """The label sequence of each batch entry from a ``[N, 2]`` SparseTensor's parts
    (row-major ordered, batch index in range).

    Raises:
        errors.InvalidArgumentError: for malformed or unordered indices.
    """
    idx = np.asarray(indices, np.int64)
    vals = np.asarray(values)
    if idx.ndim != 2:
        raise _bad("labels_indices is not a matrix")
    if vals.ndim != 1:
        raise _bad("labels_values is not a vector")
    if idx.shape[0] != vals.shape[0]:
        raise _bad(f"labels_indices and labels_values must contain the same number of "
                   f"rows, got {idx.shape[0]} and {vals.shape[0]}")
    if idx.shape[0] and idx.shape[1] != 2:
        raise _bad(f"labels_indices must have 2 columns [batch, time], got {idx.shape[1]}")
    if idx.shape[0]:
        b = idx[:, 0]
        if b.min() < 0 or b.max() >= batch_size:
            i = int(np.flatnonzero((b < 0) | (b >= batch_size))[0])
            raise _bad(f"labels batch index {int(b[i])} (indices[{i}]) is out of range "
                       f"[0, {batch_size})")
        if idx.shape[0] > 1:
            step = np.diff(b * (int(idx[:, 1].max()) + 1) + idx[:, 1])
            if (step <= 0).any():
                i = int(np.flatnonzero(step <= 0)[0]) + 1
                raise _bad(f"label SparseTensor is not valid: indices[{i}] = "
                           f"{idx[i].tolist()} is out of order or repeated")
        return [vals[b == k] for k in range(batch_size)]
    return [vals[:0] for _ in range(batch_size)]


def _l_prime(label: np.ndarray, b: int, num_classes: int, collapse: bool) -> list[int]:
    """TF1's label preprocessing: collapse repeats (if asked), stop at the first label
    ``>= num_classes - 1``, then interleave blanks."""
    blank = num_classes - 1
    out: list[int] = []
    finished = False
    for i, v in enumerate(label.tolist()):
        if i and collapse and v == label[i - 1]:
            continue
        if v >= blank:
            finished = True
        elif finished:
            raise _bad(f"Saw a non-null label (index >= num_classes - 1) following a null "
                       f"label, batch: {b} num_classes: {num_classes} labels: "
                       f"{','.join(map(str, label.tolist()))}")
        else:
            out.append(v)
    if any(v < 0 for v in out):
        raise _bad(f"All labels must be nonnegative integers, batch: {b} labels: "
                   f"{','.join(map(str, out))}")
    lp = [blank]
    for v in out:
        lp += [v, blank]
    return lp


def _shift(a: np.ndarray, k: int) -> np.ndarray:
    """``a`` moved ``k`` states along the last axis (toward higher states for ``k > 0``),
    filled with log 0."""
    out = np.full_like(a, -np.inf)
    if k > 0:
        out[:, k:] = a[:, :-k]
    else:
        out[:, :k] = a[:, -k:]
    return out


def ctc_forward_backward(logits: np.ndarray, lps: list[list[int]], lengths: np.ndarray,
                         merge_repeated: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(log p, gradient)`` of the batch entries given their ``l'`` sequences (all entries
    must have a positive length): ``log p [batch]``, the gradient with respect to the
    logits ``[max_time, batch, num_classes]`` (zero past each length)."""
    t_max, batch, classes = logits.shape
    blank = classes - 1
    u_max = max(len(lp) for lp in lps)
    lab = np.full((batch, u_max), blank, np.intp)
    used = np.zeros((batch, u_max), bool)
    for b, lp in enumerate(lps):
        lab[b, :len(lp)] = lp
        used[b, :len(lp)] = True
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = logits.astype(np.float64) - logits.max(axis=2, keepdims=True)
        logsm = z - np.log(np.exp(z).sum(axis=2, keepdims=True))
        logy = np.take_along_axis(logsm, np.broadcast_to(lab, (t_max, batch, u_max)), 2)
        logy = np.where(used, logy, -np.inf)
        stay = np.broadcast_to(merge_repeated, lab.shape) | (lab == blank)
        skip = np.zeros(lab.shape, bool)
        skip[:, 2:] = (lab[:, 2:] != blank) & ~(merge_repeated & (lab[:, 2:] == lab[:, :-2]))
        alpha = np.full((t_max, batch, u_max), -np.inf)
        alpha[0, :, :2] = logy[0, :, :2]
        for t in range(1, t_max):
            prev = alpha[t - 1]
            s = np.logaddexp(np.where(stay, prev, -np.inf), _shift(prev, 1))
            s = np.logaddexp(s, np.where(skip, _shift(prev, 2), -np.inf))
            alpha[t] = s + logy[t]
        ends = np.array([len(lp) for lp in lps])
        last = lengths - 1
        rows = np.arange(batch)
        log_p = np.logaddexp(alpha[last, rows, ends - 1],
                             np.where(ends >= 2, alpha[last, rows, np.maximum(ends - 2, 0)],
                                      -np.inf))
        skip_from = _shift(skip, -2).astype(bool) if u_max > 2 else np.zeros_like(skip)
        init = np.full((batch, u_max), -np.inf)
        init[rows, ends - 1] = 0.0
        init[rows[ends >= 2], ends[ends >= 2] - 2] = 0.0
        beta = np.full((t_max, batch, u_max), -np.inf)
        for t in range(t_max - 1, -1, -1):
            r = np.full((batch, u_max), -np.inf)
            if t < t_max - 1:
                e = beta[t + 1] + logy[t + 1]
                r = np.logaddexp(np.where(stay, e, -np.inf), _shift(e, -1))
                r = np.logaddexp(r, np.where(skip_from, _shift(e, -2), -np.inf))
            # TF1's kernel starts beta at states U' - 2 and U' - 1 of the last frame; for
            # an l' of one blank (labels all >= num_classes - 1) state -1 of a column-major
            # [1, T] matrix is state 0 of the frame before, so that frame's beta also gets
            # log 1 added (a quirk of TF's CTCLossCalculator kept for equal numbers).
            lone = (ends == 1) & (t == last - 1)
            r[lone, 0] = np.logaddexp(r[lone, 0], 0.0)
            beta[t] = np.where((t == last)[:, None], init,
                               np.where((t < last)[:, None], r, -np.inf))
        lone = (ends == 1) & (lengths >= 2)
        log_p[lone] = alpha[0, lone, 0] + beta[0, lone, 0]   # TF reads log p at frame 0
        occ = np.exp(alpha + beta - log_p[None, :, None])
        occ[~np.isfinite(occ)] = 0.0
        onehot = np.zeros((batch, u_max, classes))
        onehot[rows[:, None], np.arange(u_max)[None, :], lab] = used
        grad = np.exp(logsm) - np.einsum("tbu,buc->tbc", occ, onehot)
    dead = ~np.isfinite(log_p)
    if dead.any():  # no alignment: TF1 gives the softmax as the gradient
        grad[:, dead] = np.exp(logsm[:, dead])
    grad[np.arange(t_max)[:, None] >= lengths[None, :]] = 0.0
    return log_p, grad


@registry.register_kernel("CTCLoss")
def _ctc_loss_kernel(ctx: registry.KernelContext, x: Any, indices: Any, values: Any,
                     seq_len: Any) -> tuple:
    x = np.asarray(x)
    seq_len = np.asarray(seq_len)
    if x.ndim != 3:
        raise _bad("inputs is not a 3-Tensor")
    if seq_len.ndim != 1:
        raise _bad("sequence_length is not a vector")
    t_max, batch, classes = x.shape
    if seq_len.shape[0] != batch:
        raise _bad(f"len(sequence_length) != batch_size.  len(sequence_length):  "
                   f"{seq_len.shape[0]} batch_size: {batch}")
    for b, n in enumerate(seq_len.tolist()):
        if n < 0:
            raise _bad(f"seq_len({b}) < 0")
        if n > t_max:
            raise _bad(f"seq_len({b}) > num_time_steps")
    ignore = ctx.attrs["ignore_longer_outputs_than_inputs"]
    seqs = label_sequences(indices, values, batch)
    lps = []
    for b, label in enumerate(seqs):
        if label.size == 0:
            raise _bad(f"Labels length is zero in batch {b}")
        lps.append(_l_prime(label, b, classes, ctx.attrs["preprocess_collapse_repeated"]))
        if not ignore and label.size > seq_len[b]:
            raise _bad(f"Not enough time for target transition sequence (required: "
                       f"{label.size}, available: {int(seq_len[b])}){b}You can turn this "
                       "error into a warning by using the flag "
                       "ignore_longer_outputs_than_inputs")
    active = (seq_len > 0) & ~(ignore & (np.array([s.size for s in seqs]) > seq_len))
    loss = np.zeros(batch, x.dtype)
    grad = np.zeros(x.shape, x.dtype)
    on = np.flatnonzero(active)
    if on.size:
        log_p, g = ctc_forward_backward(x[:, on], [lps[b] for b in on], seq_len[on],
                                        ctx.attrs["ctc_merge_repeated"])
        loss[on] = -log_p
        grad[:, on] = g
    return loss, grad


registry.not_differentiable("CTCGreedyDecoder", "CTCBeamSearchDecoder")

__all__ = ["ctc_loss", "ctc_forward_backward", "label_sequences"]
