"""Gradient clipping by norm: ``clip_by_norm``, ``global_norm``, ``clip_by_global_norm``.

Built from differentiable math ops, TF1 formulas:
``clip_by_norm(t, c) = t * c / max(||t||, c)`` and ``clip_by_global_norm(ts, c)`` scales
every tensor by ``c / max(global_norm, c)`` with ``global_norm = sqrt(sum ||t_i||^2)``.

Example:
    >>> grads, norm = clip_by_global_norm([g1, g2], 5.0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.constant_op import constant
from trainkit.framework.graph import name_scope
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.nn_losses_ops import l2_loss


def clip_by_norm(t: Any, clip_norm: Any, axes: Any = None, name: str | None = None
                 ) -> Tensor:
    """``t * clip_norm / max(l2norm(t, axes), clip_norm)``: ``t`` itself when its L2 norm
    is at most ``clip_norm``.

    Args:
        t: the tensor to clip (floating point).
        clip_norm: a positive scalar.
        axes: dimensions over which the norm is taken (default: all).
        name: the op name.

    Raises:
        ValueError: if ``t`` is not floating point.
    """
    with name_scope(name, "clip_by_norm", [t]) as scope:
        t = conversion.convert_to_tensor(t, name="t")
        if not t.dtype.is_floating:
            raise ValueError(f"clip_by_norm: t must be floating point, got {t.dtype.name} "
                             f"({t.name}).")
        clip = conversion.convert_to_tensor(clip_norm, dtype=t.dtype, name="clip_norm")
        l2sum = math_ops.reduce_sum(t * t, axes, keepdims=True)
        positive = math_ops.greater(l2sum, 0.0)
        # sqrt(0) has an infinite derivative: route zero norms around it.
        safe = math_ops.where(positive, l2sum, array_ops.ones_like(l2sum))
        l2norm = math_ops.where(positive, math_ops.sqrt(safe), l2sum)
        scaled = t * clip / math_ops.maximum(l2norm, clip)
        return array_ops.identity(scaled, name=scope)   # the scope's own name, as in TF


def global_norm(t_list: Sequence[Any], name: str | None = None) -> Tensor:
    """``sqrt(sum_i sum(t_i ** 2))`` over the non-None tensors of ``t_list``.

    Raises:
        TypeError: if ``t_list`` is not a sequence.
    """
    if not isinstance(t_list, Sequence) or isinstance(t_list, str | Tensor):
        raise TypeError(f"t_list should be a sequence, got {type(t_list).__name__}.")
    # an IndexedSlices counts by its values, as in TF1 (repeated rows are not merged)
    given = [t.values if isinstance(t, IndexedSlices) else t for t in t_list]
    with name_scope(name, "global_norm", [t for t in given if isinstance(t, Tensor)]):
        # TF's graph: L2Loss per tensor (half its squared norm), stack, Sum, * 2, Sqrt
        halves = []
        for i, t in enumerate(given):
            if t is None:
                continue
            v = conversion.convert_to_tensor(t, name=f"t_{i}")
            with v.graph.colocate_with(v):
                halves.append(l2_loss(v))
        if not halves:
            return math_ops.sqrt(conversion.convert_to_tensor(0.0), name="global_norm")
        half = math_ops.reduce_sum(array_ops.stack(halves))
        return math_ops.sqrt(half * constant(2.0, dtype=half.dtype), name="global_norm")


def clip_by_global_norm(t_list: Sequence[Any], clip_norm: Any, use_norm: Any = None,
                        name: str | None = None) -> tuple[list[Tensor | None], Tensor]:
    """Scales all of ``t_list`` by ``clip_norm / max(global_norm, clip_norm)``.

    Returns:
        ``(clipped list, global_norm)``; None entries stay None, ``IndexedSlices`` stay
        sparse (their values are scaled). If the global norm is
        infinite or NaN every clipped value is NaN (as in TF).

    Raises:
        TypeError: if ``t_list`` is not a sequence.
    """
    if not isinstance(t_list, Sequence) or isinstance(t_list, str | Tensor):
        raise TypeError(f"t_list should be a sequence, got {type(t_list).__name__}.")
    norm = global_norm(t_list, name) if use_norm is None else \
        conversion.convert_to_tensor(use_norm)
    values = [t for t in t_list if isinstance(t, Tensor)] + [clip_norm]
    with name_scope(name, "clip_by_global_norm", values) as scope:
        # TF's formula: scale = clip * min(1 / norm, 1 / clip) (1 / norm is inf for a zero
        # norm: fine), plus (norm - norm), which makes it NaN for an inf or NaN norm
        one = constant(1.0, dtype=norm.dtype)
        scale = clip_norm * math_ops.minimum(1.0 / norm, one / clip_norm)
        scale = scale + (norm - norm)
        out: list[Tensor | None] = []
        for i, t in enumerate(t_list):
            if t is None:
                out.append(None)
                continue
            sparse = t if isinstance(t, IndexedSlices) else None
            t = conversion.convert_to_tensor(t.values if sparse is not None else t,
                                             name=f"t_{i}")
            with t.graph.colocate_with(t):  # as TF: the scaling sits beside each tensor
                s = scale if t.dtype is scale.dtype else math_ops.cast(scale, t.dtype)
                # TF names them "<scope>_<i>" inside the scope: <scope>/<scope>/_<i>
                clipped = array_ops.identity(t * s, name=f"{scope}_{i}")
            out.append(clipped if sparse is None else  # stays sparse, as in TF1
                       IndexedSlices(clipped, sparse.indices, sparse.dense_shape))
    return out, norm


__all__ = ["clip_by_norm", "clip_by_global_norm", "global_norm"]
