"""The one place that undoes broadcasting in gradients: :func:`reduce_to_shape`.

A broadcasting op ``z = f(x, y)`` sends ``x`` a gradient of ``z``'s shape; it has to be
summed over the axes along which ``x`` was broadcast. When the shapes are known at
build time the axes are computed here once (and nothing is added at all when the shapes
already match); otherwise a ``SumToShape`` op reads the run-time shape of ``x``.

Example:
    >>> x = tk.placeholder(tk.float32, [None, 3])
    >>> b = tk.constant([1.0, 2.0, 3.0])
    >>> g = tk.ones_like(x + b)
    >>> reduce_to_shape(g, b).shape.as_list()   # summed over axis 0
    [3]
"""

from __future__ import annotations

from trainkit.framework.tensor import Tensor
from trainkit.ops.broadcast_ops import broadcast_to_shape, sum_to_shape


def reduce_to_shape(grad: Tensor | None, like: Tensor) -> Tensor | None:
    """Sums ``grad`` down to the shape of ``like`` (the input it flows back to).

    Args:
        grad: a gradient with the broadcast shape, or None.
        like: the broadcast input whose shape the result must have.

    Returns:
        ``grad`` itself when no summing is needed (static shapes equal), else a tensor of
        ``like``'s shape; None for a None ``grad``.
    """
    if grad is None:
        return None
    gs, ls = grad.shape, like.shape
    if gs.is_fully_defined() and gs == ls:
        return grad
    if ls.is_fully_defined():
        return sum_to_shape(grad, shape=ls, like=like)
    return sum_to_shape(grad, like=like)


def expand_to_shape(grad: Tensor, like: Tensor, expand: tuple = ()) -> Tensor:
    """The forward direction: re-inserts the axes ``expand`` a reduction removed from
    ``grad``, then broadcasts it to ``like``'s shape (static when known)."""
    if like.shape.is_fully_defined():
        return broadcast_to_shape(grad, shape=like.shape, expand=expand)
    return broadcast_to_shape(grad, like=like, expand=expand)


__all__ = ["reduce_to_shape", "expand_to_shape"]
