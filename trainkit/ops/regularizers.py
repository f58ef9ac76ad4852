"""Weight regularizers: ``l2_regularizer``, ``l1_regularizer``, ``l1_l2_regularizer``,
``sum_regularizer`` and ``apply_regularization`` (TF1 ``contrib.layers`` semantics).

A regularizer is ``fn(weights) -> scalar loss tensor`` (or None when disabled). Passed as
``kernel_regularizer=`` to a layer or ``regularizer=`` to ``get_variable``, its loss goes
to ``REGULARIZATION_LOSSES``, which ``tk.losses.get_regularization_loss()`` sums.

Example:
    >>> y = tk.layers.dense(x, 10, kernel_regularizer=l2_regularizer(1e-4))
    >>> loss = data_loss + tk.losses.get_regularization_loss()
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import GraphKeys, get_default_graph, name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import math_ops, nn_ops


def _check_scale(scale: Any, what: str) -> bool:
    """Validates ``scale``; False when it disables the regularizer (0)."""
    if isinstance(scale, numbers.Integral) and not isinstance(scale, bool):
        raise ValueError(f"scale cannot be an integer: {scale!r} ({what})")
    if isinstance(scale, numbers.Real) and not isinstance(scale, bool):
        if scale < 0.0:
            raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale!r} "
                             f"({what})")
        return scale != 0.0
    if isinstance(scale, Tensor):
        return True
    raise TypeError(f"{what}: scale must be a float or a tensor, got {scale!r}.")


def l2_regularizer(scale: Any, scope: str | None = None) -> Callable[[Any], Tensor | None]:
    """``scale * sum(w ** 2) / 2`` (``scale * tk.nn.l2_loss(w)``).

    Raises:
        ValueError: for an integer or negative scale.
    """
    if not _check_scale(scale, "l2_regularizer"):
        return lambda _: None

    def l2(weights: Any) -> Tensor:
        w = conversion.convert_to_tensor(weights)
        with name_scope(scope, "l2_regularizer", [w]) as name:
            s = conversion.convert_to_tensor(scale, dtype=w.dtype, name="scale")
            return math_ops.multiply(s, nn_ops.l2_loss(w), name=name)

    return l2


def l1_regularizer(scale: Any, scope: str | None = None) -> Callable[[Any], Tensor | None]:
    """``scale * sum(|w|)``.

    Raises:
        ValueError: for an integer or negative scale.
    """
    if not _check_scale(scale, "l1_regularizer"):
        return lambda _: None

    def l1(weights: Any) -> Tensor:
        w = conversion.convert_to_tensor(weights)
        with name_scope(scope, "l1_regularizer", [w]) as name:
            s = conversion.convert_to_tensor(scale, dtype=w.dtype, name="scale")
            return math_ops.multiply(s, math_ops.reduce_sum(math_ops.abs(w)), name=name)

    return l1


def l1_l2_regularizer(scale_l1: float = 1.0, scale_l2: float = 1.0,
                      scope: str | None = None) -> Callable[[Any], Tensor | None]:
    """The sum of an L1 and an L2 regularizer (the penalty op named ``scope``, default
    ``l1_l2_regularizer``; just the other one when a scale is 0).

    Raises:
        ValueError: for an integer or negative scale.
    """
    scope = scope or "l1_l2_regularizer"
    if not _check_scale(scale_l1, "l1_l2_regularizer"):
        return l2_regularizer(scale_l2, scope)
    if not _check_scale(scale_l2, "l1_l2_regularizer"):
        return l1_regularizer(scale_l1, scope)
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope)


def sum_regularizer(regularizer_list: list, scope: str | None = None
                    ) -> Callable[[Any], Tensor | None] | None:
    """A regularizer adding the penalties of ``regularizer_list`` (None entries and None
    penalties are skipped); None when the list holds no regularizer."""
    regs = [r for r in regularizer_list if r is not None]
    if not regs:
        return None

    def sum_reg(weights: Any) -> Tensor | None:
        with name_scope(scope, "sum_regularizer", [weights]) as name:
            parts = [p for p in (r(weights) for r in regs) if p is not None]
            return math_ops.add_n(parts, name=name) if parts else None

    return sum_reg


def apply_regularization(regularizer: Callable, weights_list: list | None = None) -> Tensor:
    """Sums ``regularizer(w)`` over ``weights_list`` (default: the WEIGHTS collection) and
    adds the sum to ``REGULARIZATION_LOSSES``.

    Raises:
        ValueError: if there are no weights or every penalty is None.
    """
    g = get_default_graph()
    if weights_list is None:
        weights_list = g.get_collection(GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with name_scope("get_regularization_penalty", values=weights_list) as scope:
        penalties = [p for p in (regularizer(w) for w in weights_list) if p is not None]
        if not penalties:
            raise ValueError("No regularization penalties: the regularizer returned None.")
        total = math_ops.add_n(penalties, name=scope)
    g.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, total)
    return total


__all__ = ["l2_regularizer", "l1_regularizer", "l1_l2_regularizer", "sum_regularizer",
           "apply_regularization"]
