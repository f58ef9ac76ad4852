"""``tf.contrib.sparsemax`` (TF 1.15): sparsemax activations and the sparsemax loss of
Martins & Astudillo (2016, https://arxiv.org/abs/1602.02068), built from graph ops as TF
builds them, so their gradients are the ops' gradients, as in TF.

``sparsemax(z)[i, j] = max(z[i, j] - tau(z[i]), 0)``: the Euclidean projection of each
row onto the probability simplex (rows sum to 1, many entries exactly 0). A row with
``nan`` or ``+inf`` (or all ``-inf``) gives ``nan`` everywhere, as TF 1.15.

Example:
    >>> p = tf.contrib.sparsemax.sparsemax([[1.0, 2.0, 0.0]])   # [[0., 1., 0.]]
    >>> loss = tf.contrib.sparsemax.sparsemax_loss(logits, p, labels)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import dtypes
from trainkit.framework.conversion import convert_to_tensor
from trainkit.framework.default_graph import name_scope
from trainkit.ops import (
    array_ops,
    cast_ops,
    comparison_ops,
    join_ops,
    math_ops,
    reduction_ops,
    slicing_ops,
    top_k_ops,
    unary_ops,
)

_FLOATS = (dtypes.float16, dtypes.float32, dtypes.float64)


def _logits(x: Any, name: str) -> Any:
    x = convert_to_tensor(x, name=name)
    if x.dtype.base_dtype not in _FLOATS:
        raise TypeError(f"{name} must be half, float32 or float64, got {x.dtype.name}")
    if x.shape.ndims is not None and x.shape.ndims != 2:
        raise ValueError(f"{name} must be a [batch, classes] matrix, got shape {x.shape}")
    return x


def sparsemax(logits: Any, name: str | None = None) -> Any:
    """Sparsemax of each row of the ``[batch, classes]`` ``logits``.

    Raises:
        TypeError: ``logits`` not half/float32/float64. ValueError: not a matrix.
    """
    with name_scope(name, "sparsemax", [logits]):
        z = _logits(logits, "logits")
        dtype = z.dtype.base_dtype
        obs = array_ops.shape(z)[0]
        dims = array_ops.shape(z)[1]
        z_sorted, _ = top_k_ops.top_k(z, k=dims)
        z_cumsum = reduction_ops.cumsum(z_sorted, axis=1)
        k = array_ops.range(1, cast_ops.cast(dims, dtype) + 1, dtype=dtype)
        # 1 + k z_(k) > sum_{j<=k} z_(j) holds for a prefix of k: count it.
        k_z = reduction_ops.reduce_sum(
            cast_ops.cast(1 + k * z_sorted > z_cumsum, dtypes.int32), axis=1)
        # k_z = 0 (inf or all -inf rows) would index out of range: use 1, then nan below.
        k_z_safe = math_ops.maximum(k_z, 1)
        indices = join_ops.stack([array_ops.range(0, obs), k_z_safe - 1], axis=1)
        tau_sum = slicing_ops.gather_nd(z_cumsum, indices)
        tau_z = (tau_sum - 1) / cast_ops.cast(k_z, dtype)
        p = math_ops.maximum(cast_ops.cast(0, dtype), z - tau_z[:, None])
        invalid = comparison_ops.logical_or(comparison_ops.equal(k_z, 0),
                                            unary_ops.is_nan(z_cumsum[:, -1]))
        nans = array_ops.fill(join_ops.stack([obs, dims]), cast_ops.cast(float("nan"), dtype))
        return comparison_ops.where(invalid, nans, p)


def sparsemax_loss(logits: Any, sparsemax: Any, labels: Any,  # noqa: A002 - TF's names
                   name: str | None = None) -> Any:
    """The sparsemax loss of each row: ``sum_{j in support} p_j (z_j - p_j / 2)
    + sum_j q_j (q_j / 2 - z_j)`` for logits ``z``, ``sparsemax = p`` and ``labels = q``
    (``-inf`` logits cost nothing where ``p`` or ``q`` is 0).

    Raises:
        TypeError / ValueError: as :func:`sparsemax`, for each argument.
    """
    with name_scope(name, "sparsemax_loss", [logits, sparsemax, labels]):
        z = _logits(logits, "logits")
        p = _logits(sparsemax, "sparsemax")
        q = _logits(labels, "labels")
        support = comparison_ops.logical_or(p > 0, unary_ops.is_nan(p))
        sum_s = comparison_ops.where(support, p * (z - 0.5 * p), array_ops.zeros_like(p))
        q_part = q * (0.5 * q - z)
        q_part_safe = comparison_ops.where(
            comparison_ops.logical_and(comparison_ops.equal(q, 0), unary_ops.is_inf(z)),
            array_ops.zeros_like(z), q_part)
        return reduction_ops.reduce_sum(sum_s + q_part_safe, axis=1)


__all__ = ["sparsemax", "sparsemax_loss"]
