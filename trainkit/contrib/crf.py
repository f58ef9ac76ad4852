"""``tf.contrib.crf``: a linear-chain conditional random field (TF 1.15 semantics).

Scores are built from trainkit ops, so ``crf_log_likelihood`` has gradients for the
unary potentials and the transition matrix. ``log_norm`` runs the forward algorithm
with ``tk.scan``; positions at or past a sequence's length leave its state unchanged, and
a sequence of length 0 scores 0. ``viterbi_decode`` is NumPy; ``crf_decode`` runs the
same dynamic programme in the graph (tags past a sequence's length are 0).

Example:
    >>> ll, trans = tf.contrib.crf.crf_log_likelihood(logits, tags, lengths)
    >>> loss = tf.reduce_mean(-ll)
    >>> pred, score = tf.contrib.crf.crf_decode(logits, trans, lengths)
"""

from __future__ import annotations

from typing import Any

import numpy as np

import trainkit as tk
from trainkit.framework.tensor import Tensor


def _static_dim(t: Tensor, axis: int) -> int | None:
    dims = t.shape.as_list() if t.shape.ndims is not None else None
    return None if dims is None else dims[axis]


def _inputs(inputs: Any, rank: int, what: str) -> Tensor:
    t = tk.convert_to_tensor(inputs)
    if t.shape.ndims is not None and t.shape.ndims != rank:
        raise ValueError(f"{what} must have rank {rank}, got shape {t.shape}")
    return t


def _num_tags(inputs: Tensor) -> int:
    n = _static_dim(inputs, 2)
    if n is None:
        raise ValueError("The number of tags (last dimension of inputs) must be known "
                         "statically.")
    return n


def _mask(lengths: Tensor, like: Tensor, dtype: Any) -> Tensor:
    return tk.sequence_mask(lengths, tk.shape(like)[1], dtype=dtype)


def crf_unary_score(tag_indices: Any, sequence_lengths: Any, inputs: Any) -> Tensor:
    """Sum over ``t < length`` of ``inputs[b, t, tag_indices[b, t]]``: shape ``[batch]``."""
    inputs = _inputs(inputs, 3, "inputs")
    tags = _inputs(tag_indices, 2, "tag_indices")
    if not tags.dtype.is_integer:
        raise TypeError(f"tag_indices must be integers, got {tags.dtype.name}")
    picked = tk.reduce_sum(tk.one_hot(tags, _num_tags(inputs), dtype=inputs.dtype) * inputs,
                           axis=2)
    return tk.reduce_sum(picked * _mask(sequence_lengths, tags, inputs.dtype), axis=1)


def crf_binary_score(tag_indices: Any, sequence_lengths: Any,
                     transition_params: Any) -> Tensor:
    """Sum over ``0 < t < length`` of ``transition_params[tag[t-1], tag[t]]``: ``[batch]``."""
    tags = _inputs(tag_indices, 2, "tag_indices")
    trans = _inputs(transition_params, 2, "transition_params")
    n = _static_dim(trans, 0)
    if n is None or _static_dim(trans, 1) != n:
        raise ValueError(f"transition_params must be a square [num_tags, num_tags] matrix, "
                         f"got shape {trans.shape}")
    if _static_dim(tags, 1) == 1:
        return tk.zeros(tk.shape(tags)[:1], dtype=trans.dtype)
    tags = tk.cast(tags, tk.int32)
    flat = tags[:, :-1] * n + tags[:, 1:]
    scores = tk.gather(tk.reshape(trans, [-1]), flat)
    mask = _mask(sequence_lengths, tags, trans.dtype)[:, 1:]
    return tk.reduce_sum(scores * mask, axis=1)


def crf_sequence_score(inputs: Any, tag_indices: Any, sequence_lengths: Any,
                       transition_params: Any) -> Tensor:
    """The unnormalised score of ``tag_indices``: unary plus binary scores, ``[batch]``."""
    return (crf_unary_score(tag_indices, sequence_lengths, inputs)
            + crf_binary_score(tag_indices, sequence_lengths, transition_params))


def _time_major_rest(inputs: Tensor, sequence_lengths: Any) -> tuple[Tensor, Tensor]:
    """``inputs[:, 1:]`` time-major and whether each step is inside its sequence."""
    rest = tk.transpose(inputs[:, 1:, :], [1, 0, 2])
    inside = tk.transpose(_mask(sequence_lengths, inputs, tk.bool)[:, 1:], [1, 0])
    return rest, inside


def crf_log_norm(inputs: Any, sequence_lengths: Any, transition_params: Any) -> Tensor:
    """The log partition function (forward algorithm): ``[batch]``; 0 for empty sequences."""
    inputs = _inputs(inputs, 3, "inputs")
    trans = tk.convert_to_tensor(transition_params)
    lengths = tk.convert_to_tensor(sequence_lengths)
    first = inputs[:, 0, :]
    if _static_dim(inputs, 1) == 1:
        alphas = first
    else:
        rest, inside = _time_major_rest(inputs, lengths)

        def step(alpha: Tensor, elems: tuple[Tensor, Tensor]) -> Tensor:
            x, keep = elems
            new = x + tk.reduce_logsumexp(tk.expand_dims(alpha, 2)
                                          + tk.expand_dims(trans, 0), axis=1)
            return tk.where(keep, new, alpha)

        all_alphas = tk.scan(step, (rest, inside), initializer=first)
        alphas = tk.concat([tk.expand_dims(first, 0), all_alphas], axis=0)[-1]
    log_norm = tk.reduce_logsumexp(alphas, axis=1)
    return tk.where(tk.less_equal(lengths, 0), tk.zeros_like(log_norm), log_norm)


def crf_log_likelihood(inputs: Any, tag_indices: Any, sequence_lengths: Any,
                       transition_params: Any = None) -> tuple[Tensor, Tensor]:
    """``(log_likelihood [batch], transition_params)``; without ``transition_params`` a
    ``"transitions"`` ``[num_tags, num_tags]`` variable is created with ``get_variable``."""
    inputs = _inputs(inputs, 3, "inputs")
    if transition_params is None:
        n = _num_tags(inputs)
        transition_params = tk.get_variable("transitions", [n, n])
    score = crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params)
    return score - crf_log_norm(inputs, sequence_lengths, transition_params), \
        transition_params


def viterbi_decode(score: Any, transition_params: Any) -> tuple[list[int], float]:
    """The best tag sequence of one ``[seq_len, num_tags]`` score matrix (NumPy), and its
    score.

    Raises:
        ValueError: shapes that do not fit ``[T, N]`` and ``[N, N]`` (T > 0).
    """
    score = np.asarray(score)
    trans = np.asarray(transition_params)
    if score.ndim != 2 or score.shape[0] == 0 or trans.shape != (score.shape[1],) * 2:
        raise ValueError(f"viterbi_decode needs a [seq_len > 0, num_tags] score and a "
                         f"[num_tags, num_tags] transition matrix, got {score.shape} and "
                         f"{trans.shape}")
    trellis = np.zeros_like(score)
    back = np.zeros(score.shape, dtype=np.int32)
    trellis[0] = score[0]
    for t in range(1, score.shape[0]):
        v = trellis[t - 1][:, None] + trans
        trellis[t] = score[t] + v.max(axis=0)
        back[t] = v.argmax(axis=0)
    path = [int(trellis[-1].argmax())]
    for bp in back[:0:-1]:
        path.append(int(bp[path[-1]]))
    path.reverse()
    return path, trellis[-1].max()


def _decode_batch(potentials: np.ndarray, trans: np.ndarray,
                  lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    b, t, _ = potentials.shape
    tags = np.zeros((b, t), dtype=np.int32)
    best = np.zeros(b, dtype=np.float32)
    for i in range(b):
        n = int(min(max(int(lengths[i]), 1), t))
        path, s = viterbi_decode(potentials[i, :n].astype(np.float32), trans.astype(np.float32))
        if int(lengths[i]) >= 1:
            tags[i, :n] = path
        else:
            tags[i, 0] = path[0]
        best[i] = s
    return tags, best


def crf_decode(potentials: Any, transition_params: Any,
               sequence_length: Any) -> tuple[Tensor, Tensor]:
    """Viterbi decoding in the graph: ``(decode_tags int32 [batch, T], best_score
    [batch])``. Tags past a sequence's length are 0."""
    potentials = _inputs(potentials, 3, "potentials")
    _num_tags(potentials)
    trans = _inputs(transition_params, 2, "transition_params")
    tags, best = tk.py_func(_decode_batch, [potentials, trans, sequence_length],
                            [tk.int32, tk.float32], stateful=False)
    tags.set_shape(potentials.shape[:2])
    best.set_shape(potentials.shape[:1])
    return tags, best


__all__ = ["crf_sequence_score", "crf_log_norm", "crf_log_likelihood", "crf_unary_score",
           "crf_binary_score", "viterbi_decode", "crf_decode"]
