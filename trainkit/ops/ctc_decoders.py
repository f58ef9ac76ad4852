"""``tf.nn.ctc_greedy_decoder`` and ``tf.compat.v1.nn.ctc_beam_search_decoder``: CTC
decoding of time-major logits into ``SparseTensor`` label sequences (``[batch, position]``
indices, ``int64`` values, dense shape ``[batch, longest]``).

The greedy decoder takes each frame's best class (the first on ties), drops blanks and,
with ``merge_repeated``, a class equal to the previous frame's; its score is minus the
sum of the frames' largest logits. The beam search is TF1's ``CTCBeamSearchDecoder`` with
its default scorer: a prefix tree whose entries carry the log probabilities (from each
frame's log-softmax) of ending in a blank and in their label, at most
``beam_width`` live prefixes, new prefixes admitted only when they beat the weakest one;
the result is the ``top_paths`` best prefixes (repeated labels merged when
``merge_repeated``) with their log probabilities.

Example:
    >>> decoded, log_prob = tk.nn.ctc_greedy_decoder(logits, seq_len)
    >>> decoded[0]          # a SparseTensor of int64 labels
"""

from __future__ import annotations

import heapq
import itertools
import numbers
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op


def _decoder_inputs(inputs: Any, sequence_length: Any, what: str) -> tuple[Tensor, Tensor]:
    x = conversion.convert_to_tensor(inputs, name="inputs")
    if x.dtype not in (_dt.float32, _dt.float64):
        raise TypeError(f"{what}: inputs must be float32 or float64, got {x.dtype.name}.")
    if x.shape.ndims is not None and x.shape.ndims != 3:
        raise ValueError(f"{what}: inputs must be of rank 3 [max_time, batch, num_classes], "
                         f"got shape {x.shape}.")
    seq = conversion.convert_to_tensor(sequence_length, dtype=_dt.int32,
                                       name="sequence_length")
    if seq.dtype is not _dt.int32:
        raise TypeError(f"{what}: sequence_length must be int32, got {seq.dtype.name}.")
    if seq.shape.ndims is not None and seq.shape.ndims != 1:
        raise ValueError(f"{what}: sequence_length must be a vector, got shape {seq.shape}.")
    return x, seq


def _decoded(op: Any, paths: int) -> tuple[list[SparseTensor], Tensor]:
    out = op.outputs
    return ([SparseTensor(out[i], out[paths + i], out[2 * paths + i]) for i in range(paths)],
            out[3 * paths])


def _shapes(x: Tensor, paths: int) -> list[TensorShape]:
    batch = x.shape.as_list()[1] if x.shape.ndims == 3 else None
    return ([TensorShape([None, 2])] * paths + [TensorShape([None])] * paths +
            [TensorShape([2])] * paths + [TensorShape([batch, paths])])


def ctc_greedy_decoder(inputs: Any, sequence_length: Any, merge_repeated: bool = True,
                       blank_index: int | None = None) -> tuple[list[SparseTensor], Tensor]:
    """Best-path decoding of ``inputs`` ``[max_time, batch, num_classes]``.

    Returns:
        ``(decoded, neg_sum_logits)``: a one-element list of an ``int64`` SparseTensor and
        a ``[batch, 1]`` tensor of minus the summed per-frame largest logits.

    Raises:
        TypeError: for non-floating inputs or non-int32 lengths.
        ValueError: for inputs not of rank 3 or a non-integer ``blank_index``.
        errors.InvalidArgumentError / FailedPreconditionError: at run time, for empty
            inputs, a blank index out of range or lengths that do not fit.
    """
    x, seq = _decoder_inputs(inputs, sequence_length, "ctc_greedy_decoder")
    blank = -1 if blank_index is None else blank_index
    if isinstance(blank, bool) or not isinstance(blank, numbers.Integral):
        raise ValueError(f"ctc_greedy_decoder: blank_index must be an int, got {blank!r}.")
    op = make_op("CTCGreedyDecoder", [x, seq], [_dt.int64, _dt.int64, _dt.int64, x.dtype],
                 name="CTCGreedyDecoder",
                 attrs={"merge_repeated": bool(merge_repeated), "blank_index": int(blank)},
                 shapes=_shapes(x, 1))
    return _decoded(op, 1)


def ctc_beam_search_decoder(inputs: Any, sequence_length: Any, beam_width: int = 100,
                            top_paths: int = 1, merge_repeated: bool = True
                            ) -> tuple[list[SparseTensor], Tensor]:
    """Beam-search decoding of ``inputs`` ``[max_time, batch, num_classes]`` (blank last).

    Returns:
        ``(decoded, log_probabilities)``: ``top_paths`` ``int64`` SparseTensors, best
        first, and their ``[batch, top_paths]`` log probabilities.

    Raises:
        TypeError: for non-floating inputs or non-int32 lengths.
        ValueError: for inputs not of rank 3, or ``beam_width`` / ``top_paths`` that are not
            integers >= 1.
        errors.InvalidArgumentError: at run time, when ``top_paths`` exceeds the beam width
            or the number of prefixes found.
    """
    x, seq = _decoder_inputs(inputs, sequence_length, "ctc_beam_search_decoder")
    for what, v in (("beam_width", beam_width), ("top_paths", top_paths)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
            raise ValueError(f"ctc_beam_search_decoder: {what} must be an integer >= 1, "
                             f"got {v!r}.")
    k = int(top_paths)
    op = make_op("CTCBeamSearchDecoder", [x, seq],
                 [_dt.int64] * (3 * k) + [x.dtype], name="CTCBeamSearchDecoder",
                 attrs={"beam_width": int(beam_width), "top_paths": k,
                        "merge_repeated": bool(merge_repeated)},
                 shapes=_shapes(x, k))
    return _decoded(op, k)


def _check(x: np.ndarray, seq: np.ndarray) -> None:
    if x.ndim != 3:
        raise errors.InvalidArgumentError(None, None, "inputs is not a 3-Tensor")
    if x.size == 0:
        raise errors.InvalidArgumentError(None, None, "inputs must not be empty")
    if seq.ndim != 1:
        raise errors.InvalidArgumentError(None, None, "sequence_length is not a vector")
    if seq.shape[0] != x.shape[1]:
        raise errors.FailedPreconditionError(
            None, None, f"len(sequence_length) != batch_size.  len(sequence_length):  "
                        f"{seq.shape[0]} batch_size: {x.shape[1]}")
    for b, n in enumerate(seq.tolist()):
        if not n <= x.shape[0]:
            raise errors.FailedPreconditionError(
                None, None, f"sequence_length({b}) <= {x.shape[0]}")


def _sparse(paths: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    idx = [(b, t) for b, p in enumerate(paths) for t in range(len(p))]
    vals = [v for p in paths for v in p]
    longest = max((len(p) for p in paths), default=0)
    return (np.array(idx, np.int64).reshape(-1, 2), np.array(vals, np.int64),
            np.array([len(paths), longest], np.int64))


@registry.register_kernel("CTCGreedyDecoder")
def _greedy_kernel(ctx: registry.KernelContext, x: Any, seq: Any) -> tuple:
    x, seq = np.asarray(x), np.asarray(seq)
    _check(x, seq)
    classes = x.shape[2]
    blank = ctx.attrs["blank_index"]
    blank = blank + classes if blank < 0 else blank
    if not 0 <= blank < classes:
        raise errors.InvalidArgumentError(
            None, None, f"blank_index expected to be between {-classes} and {classes - 1} "
                        f"but was {ctx.attrs['blank_index']}")
    best = x.argmax(axis=2)
    top = x.max(axis=2)
    paths = []
    log_prob = np.zeros((x.shape[1], 1), x.dtype)
    for b, n in enumerate(seq.tolist()):
        cls = best[:n, b]
        keep = cls != blank
        if ctx.attrs["merge_repeated"] and n > 1:
            keep[1:] &= cls[1:] != cls[:-1]
        paths.append(cls[keep].tolist())
        log_prob[b, 0] = -top[:n, b].sum(dtype=x.dtype)
    idx, vals, shape = _sparse(paths)
    return idx, vals, shape, log_prob


class _Entry:
    """A prefix in the beam-search tree; ``new``/``old`` hold the log probabilities
    ``[total, ending in blank, ending in label]`` now and one frame back."""

    __slots__ = ("parent", "label", "children", "new", "old")

    def __init__(self, parent: _Entry | None, label: int):
        self.parent = parent
        self.label = label
        self.children: dict[int, _Entry] = {}
        self.new = [-np.inf, -np.inf, -np.inf]
        self.old = [-np.inf, -np.inf, -np.inf]

    def labels(self, merge_repeated: bool) -> list[int]:
        out: list[int] = []
        prev = -1
        e: _Entry = self
        while e.parent is not None:
            if not merge_repeated or e.label != prev:
                out.append(e.label)
            prev = e.label
            e = e.parent
        return out[::-1]


def beam_search(rows: np.ndarray, beam_width: int, top_paths: int,
                merge_repeated: bool) -> tuple[list[list[int]], list[float]]:
    """The ``top_paths`` best label sequences of one batch entry's frames
    ``rows [time, num_classes]`` and their log probabilities.

    Raises:
        errors.InvalidArgumentError: if fewer prefixes than ``top_paths`` survive.
    """
    classes = rows.shape[1]
    blank = classes - 1
    root = _Entry(None, -1)
    root.new = [0.0, 0.0, -np.inf]
    leaves = [root]
    order = itertools.count()
    lae = np.logaddexp
    for row in rows.astype(np.float64):
        shifted = row - row.max()
        shifted -= np.log(np.exp(shifted).sum())  # the frame's log-softmax
        branches = sorted(leaves, key=lambda e: -e.new[0])
        for e in branches:
            e.old = list(e.new)
        heap: list = []
        for e in branches:
            if e.parent is not None:
                p = e.parent
                if p.new[0] != -np.inf:  # the parent is still in the search
                    prev = p.old[1] if e.label == p.label else p.old[0]
                    e.new[2] = lae(e.new[2], prev)
                e.new[2] += shifted[e.label]
            e.new[1] = e.old[0] + shifted[blank]
            e.new[0] = lae(e.new[1], e.new[2])
            heapq.heappush(heap, (e.new[0], next(order), e))
        for e in branches:
            full = len(heap) >= beam_width
            if not (e.old[0] > -np.inf and (not full or e.old[0] > heap[0][0])):
                continue
            scores = shifted[:blank] + e.old[0]
            if 0 <= e.label < blank:
                scores[e.label] = shifted[e.label] + e.old[1]
            floor = heap[0][0] if full else -np.inf
            for label in np.flatnonzero(scores > floor).tolist():
                c = e.children.get(label)
                if c is not None and c.new[0] != -np.inf:
                    continue
                total = float(scores[label])
                if not (total > -np.inf and (len(heap) < beam_width or total > heap[0][0])):
                    continue
                if c is None:
                    c = e.children[label] = _Entry(e, label)
                c.new = [total, -np.inf, total]
                if len(heap) == beam_width:
                    heapq.heappop(heap)[2].new = [-np.inf, -np.inf, -np.inf]
                heapq.heappush(heap, (total, next(order), c))
        leaves = [item[2] for item in heap]
    if top_paths > beam_width:
        raise errors.InvalidArgumentError(None, None,
                                          "requested more paths than the beam width.")
    if top_paths > len(leaves):
        raise errors.InvalidArgumentError(
            None, None, "Less leaves in the beam search than requested.")
    best = sorted(leaves, key=lambda e: -e.new[0])[:top_paths]
    return [e.labels(merge_repeated) for e in best], [e.new[0] for e in best]


@registry.register_kernel("CTCBeamSearchDecoder")
def _beam_kernel(ctx: registry.KernelContext, x: Any, seq: Any) -> list:
    x, seq = np.asarray(x), np.asarray(seq)
    _check(x, seq)
    k = ctx.attrs["top_paths"]
    per_path: list[list[list[int]]] = [[] for _ in range(k)]
    log_prob = np.zeros((x.shape[1], k), x.dtype)
    for b, n in enumerate(seq.tolist()):
        paths, scores = beam_search(x[:n, b], ctx.attrs["beam_width"], k,
                                    ctx.attrs["merge_repeated"])
        for i in range(k):
            per_path[i].append(paths[i])
        log_prob[b] = scores
    parts = [_sparse(p) for p in per_path]
    return ([p[0] for p in parts] + [p[1] for p in parts] + [p[2] for p in parts] +
            [log_prob])


__all__ = ["ctc_greedy_decoder", "ctc_beam_search_decoder", "beam_search"]
