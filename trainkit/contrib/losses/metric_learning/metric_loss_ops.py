"""``tf.contrib.losses.metric_learning`` (TF 1.15): embedding losses over a mini-batch.

``pairwise_distance`` expands ``|a - b|^2 = |a|^2 + |b|^2 - 2 a.b``, clips negatives to 0,
zeroes the diagonal and (unless ``squared``) takes a square root whose gradient is kept
finite at 0. ``triplet_semihard_loss`` uses squared distances; for each anchor-positive
pair ``(a, p)`` (same label, ``a != p``) the negative is the closest one *farther* than
``d(a, p)`` (strictly), else the farthest negative; the loss is the mean over all such
pairs of ``max(margin + d(a, p) - d(a, n), 0)``. ``lifted_struct_loss`` is the smoothed
log-sum-exp form over each positive pair's negatives (Song et al. 2016), with TF's max
shift for stability.

Example:
    >>> loss = tf.contrib.losses.metric_learning.triplet_semihard_loss(labels, emb, 0.5)
"""

from __future__ import annotations

from typing import Any

import trainkit as tk
from trainkit.framework.tensor import Tensor


def pairwise_distance(feature: Any, squared: bool = False) -> Tensor:
    """``[n, n]`` Euclidean (or squared) distances between the rows of ``feature``.

    Raises:
        ValueError: ``feature`` not of rank 2 (known statically).
    """
    f = tk.convert_to_tensor(feature, name="feature")
    if f.shape.ndims is not None and f.shape.ndims != 2:
        raise ValueError(f"feature must be [num_data, feature_dim], got shape {f.shape}")
    sq = tk.reduce_sum(tk.square(f), axis=[1], keepdims=True)
    d2 = sq + tk.transpose(sq) - 2.0 * tk.matmul(f, f, transpose_b=True)
    d2 = tk.maximum(d2, 0.0)
    is_zero = tk.less_equal(d2, 0.0)
    if squared:
        dist = d2
    else:
        dist = tk.sqrt(d2 + tk.cast(is_zero, d2.dtype) * 1e-16)
    dist = dist * tk.cast(tk.logical_not(is_zero), d2.dtype)
    off_diagonal = tk.ones_like(dist) - tk.diag(tk.ones(tk.shape(f)[:1], dtype=d2.dtype))
    return dist * off_diagonal


def _labels_column(labels: Any) -> Tensor:
    y = tk.convert_to_tensor(labels, name="labels")
    if y.shape.ndims is not None and y.shape.ndims != 1:
        raise ValueError(f"labels must be a 1-D [batch_size] tensor, got shape {y.shape}")
    return tk.reshape(y, [-1, 1])


def _check_embeddings(embeddings: Any, name: str) -> Tensor:
    e = tk.convert_to_tensor(embeddings, name=name)
    if e.shape.ndims is not None and e.shape.ndims != 2:
        raise ValueError(f"{name} must be [batch_size, dim], got shape {e.shape}")
    return e


def contrastive_loss(labels: Any, embeddings_anchor: Any, embeddings_positive: Any,
                     margin: float = 1.0) -> Tensor:
    """Mean of ``y d^2 + (1 - y) max(margin - d, 0)^2`` over pairs (``y`` 1 for similar
    pairs, ``d`` the pair's Euclidean distance)."""
    a = _check_embeddings(embeddings_anchor, "embeddings_anchor")
    p = _check_embeddings(embeddings_positive, "embeddings_positive")
    d = tk.sqrt(tk.reduce_sum(tk.square(a - p), 1))
    y = tk.to_float(labels)
    return tk.reduce_mean(y * tk.square(d) + (1.0 - y) * tk.square(tk.maximum(margin - d, 0.0)),
                          name="contrastive_loss")


def masked_maximum(data: Any, mask: Any, dim: int = 1) -> Tensor:
    """Maximum of ``data`` over ``dim`` among entries where ``mask`` is 1 (kept dim)."""
    lo = tk.reduce_min(data, dim, keepdims=True)
    return tk.reduce_max((data - lo) * mask, dim, keepdims=True) + lo


def masked_minimum(data: Any, mask: Any, dim: int = 1) -> Tensor:
    """Minimum of ``data`` over ``dim`` among entries where ``mask`` is 1 (kept dim)."""
    hi = tk.reduce_max(data, dim, keepdims=True)
    return tk.reduce_min((data - hi) * mask, dim, keepdims=True) + hi


def triplet_semihard_loss(labels: Any, embeddings: Any, margin: float = 1.0) -> Tensor:
    """Triplet loss with semi-hard negative mining (see the module docstring)."""
    y = _labels_column(labels)
    e = _check_embeddings(embeddings, "embeddings")
    pdist = pairwise_distance(e, squared=True)
    same = tk.equal(y, tk.transpose(y))
    other = tk.logical_not(same)
    n = tk.size(y)
    # Row p * n + a of the tiled matrices holds anchor a's distances, compared with d(a, p).
    pdist_tile = tk.tile(pdist, [n, 1])
    farther = tk.greater(pdist_tile, tk.reshape(tk.transpose(pdist), [-1, 1]))
    mask = tk.logical_and(tk.tile(other, [n, 1]), farther)
    has_semihard = tk.transpose(tk.reshape(
        tk.greater(tk.reduce_sum(tk.cast(mask, tk.float32), 1, keepdims=True), 0.0),
        tk.stack([n, n])))
    other_f = tk.cast(other, tk.float32)
    outside = tk.transpose(tk.reshape(
        masked_minimum(pdist_tile, tk.cast(mask, tk.float32)), tk.stack([n, n])))
    inside = tk.tile(masked_maximum(pdist, other_f), tk.stack([1, n]))
    negatives = tk.where(has_semihard, outside, inside)
    loss_mat = margin + pdist - negatives
    positives = tk.cast(same, tk.float32) - tk.diag(tk.ones(tk.reshape(n, [1])))
    return tk.truediv(tk.reduce_sum(tk.maximum(loss_mat * positives, 0.0)),
                      tk.reduce_sum(positives), name="triplet_semihard_loss")


def lifted_struct_loss(labels: Any, embeddings: Any, margin: float = 1.0) -> Tensor:
    """Lifted structured loss (see the module docstring)."""
    y = _labels_column(labels)
    e = _check_embeddings(embeddings, "embeddings")
    dist = pairwise_distance(e)
    same = tk.equal(y, tk.transpose(y))
    n = tk.size(y)
    diff = margin - dist
    neg = tk.cast(tk.logical_not(same), tk.float32)
    row_neg_max = masked_maximum(diff, neg)
    max_elements = tk.maximum(row_neg_max, tk.transpose(row_neg_max))
    diff_tiled = tk.tile(diff, [n, 1])
    neg_tiled = tk.tile(neg, [n, 1])
    max_vect = tk.reshape(tk.transpose(max_elements), [-1, 1])
    exp_left = tk.reshape(tk.reduce_sum(tk.exp(diff_tiled - max_vect) * neg_tiled, 1,
                                        keepdims=True), tk.stack([n, n]))
    loss_mat = max_elements + tk.log(exp_left + tk.transpose(exp_left)) + dist
    positives = tk.cast(same, tk.float32) - tk.diag(tk.ones(tk.reshape(n, [1])))
    num_positives = tk.reduce_sum(positives) / 2.0
    return tk.truediv(0.25 * tk.reduce_sum(tk.square(tk.maximum(loss_mat * positives, 0.0))),
                      num_positives, name="liftedstruct_loss")


def _npairs(labels_remapped: Tensor, anchor: Tensor, positive: Tensor, reg_lambda: float,
            print_losses: bool) -> Tensor:
    reg = (tk.reduce_mean(tk.reduce_sum(tk.square(anchor), 1))
           + tk.reduce_mean(tk.reduce_sum(tk.square(positive), 1)))
    l2loss = tk.multiply(0.25 * reg_lambda, reg, name="l2loss")
    logits = tk.matmul(anchor, positive, transpose_b=True)
    targets = labels_remapped / tk.reduce_sum(labels_remapped, 1, keepdims=True)
    xent = tk.nn.softmax_cross_entropy_with_logits_v2(labels=tk.stop_gradient(targets),
                                                      logits=logits)
    xent = tk.reduce_mean(xent, name="xentropy")
    if print_losses:
        xent = tk.Print(xent, ["cross entropy:", xent, "l2loss:", l2loss])
    return l2loss + xent


def npairs_loss(labels: Any, embeddings_anchor: Any, embeddings_positive: Any,
                reg_lambda: float = 0.002, print_losses: bool = False) -> Tensor:
    """N-pairs loss: ``reg_lambda / 4`` times the mean squared norms of both embedding
    sets, plus the mean softmax cross-entropy of ``anchor @ positive.T`` against the
    row-normalised same-label matrix."""
    y = _labels_column(labels)
    a = _check_embeddings(embeddings_anchor, "embeddings_anchor")
    p = _check_embeddings(embeddings_positive, "embeddings_positive")
    remapped = tk.to_float(tk.equal(y, tk.transpose(y)))
    return _npairs(remapped, a, p, reg_lambda, print_losses)


def npairs_loss_multilabel(sparse_labels: Any, embeddings_anchor: Any,
                           embeddings_positive: Any, reg_lambda: float = 0.002,
                           print_losses: bool = False) -> Tensor:
    """N-pairs loss where pair ``(i, j)``'s target weight is the size of the intersection
    of their label sets (``sparse_labels``: one 1-D boolean/0-1 ``SparseTensor`` per pair).

    Raises:
        TypeError: an entry of ``sparse_labels`` that is not a ``SparseTensor``.
    """
    if not all(isinstance(s, tk.SparseTensor) for s in sparse_labels):
        raise TypeError(f"sparse_labels must be a list of SparseTensors, but got "
                        f"{sparse_labels}")
    with tk.name_scope("NpairsLossMultiLabel"):
        a = _check_embeddings(embeddings_anchor, "embeddings_anchor")
        p = _check_embeddings(embeddings_positive, "embeddings_positive")
        dense = [tk.to_float(tk.sparse.to_dense(s)) for s in sparse_labels]
        rows = tk.stack([tk.reshape(d, [-1]) for d in dense])
        # |L_i ∩ L_j| for 0/1 labels: the dot product of the indicator rows.
        adjacency = tk.matmul(tk.minimum(rows, 1.0), tk.minimum(rows, 1.0), transpose_b=True)
        return _npairs(adjacency, a, p, reg_lambda, print_losses)


__all__ = ["pairwise_distance", "contrastive_loss", "triplet_semihard_loss",
           "lifted_struct_loss", "npairs_loss", "npairs_loss_multilabel"]
