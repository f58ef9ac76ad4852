"""``tf.distributions.kl_divergence`` and ``RegisterKL``: one table of closed-form KL
divergences keyed by ``(type_a, type_b)``. A pair without its own entry uses the entry of
the nearest pair of base classes (least total distance up the two MROs), as TF.

Example:
    >>> @RegisterKL(MyDist, MyDist)
    ... def _kl(a, b, name=None):
    ...     return ...
    >>> kl_divergence(MyDist(...), MyDist(...))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework.graph import control_dependencies, name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.check_ops import Assert

_DIVERGENCES: dict[tuple[type, type], Callable] = {}


def _registered_kl(type_a: type, type_b: type) -> Callable | None:
    best, best_distance = None, None
    for i, parent_a in enumerate(type_a.__mro__):
        for j, parent_b in enumerate(type_b.__mro__):
            fn = _DIVERGENCES.get((parent_a, parent_b))
            if fn is not None and (best_distance is None or i + j < best_distance):
                best, best_distance = fn, i + j
    return best


def kl_divergence(distribution_a: Any, distribution_b: Any, allow_nan_stats: bool = True,
                  name: str | None = None) -> Tensor:
    """``KL(distribution_a || distribution_b)`` by the registered closed form.

    Args:
        distribution_a, distribution_b: the two distributions.
        allow_nan_stats: when False, a NaN in the result fails at run time
            (``InvalidArgumentError``) instead of being returned.
        name: the name scope of the ops (under ``KullbackLeibler/``).

    Raises:
        NotImplementedError: if no KL is registered for the pair of types.
    """
    kl_fn = _registered_kl(type(distribution_a), type(distribution_b))
    if kl_fn is None:
        raise NotImplementedError(
            f"No KL(distribution_a || distribution_b) registered for distribution_a type "
            f"{type(distribution_a).__name__} and distribution_b type "
            f"{type(distribution_b).__name__}")
    with name_scope("KullbackLeibler"):
        kl_t = kl_fn(distribution_a, distribution_b, name=name)
        if allow_nan_stats:
            return kl_t
        kl_t = array_ops.identity(kl_t, name="kl")
        no_nan = math_ops.logical_not(math_ops.reduce_any(math_ops.is_nan(kl_t)))
        message = (f"KL calculation between {distribution_a.name} and {distribution_b.name} "
                   f"returned NaN values (and was called with allow_nan_stats=False). Values:")
        with control_dependencies([Assert(no_nan, [message, kl_t])]):
            return array_ops.identity(kl_t, name="checked_kl")


def cross_entropy(ref: Any, other: Any, allow_nan_stats: bool = True,
                  name: str | None = None) -> Tensor:
    """``H[ref, other] = entropy(ref) + KL(ref || other)``."""
    with name_scope(name, "cross_entropy"):
        return ref.entropy() + kl_divergence(ref, other, allow_nan_stats=allow_nan_stats)


class RegisterKL:
    """Decorator registering the KL function of a pair of distribution classes.

    Args:
        dist_cls_a, dist_cls_b: the classes of the first and second argument.

    Raises:
        TypeError: (when applied) if the function is not callable.
        ValueError: (when applied) if the pair already has a KL function.
    """

    def __init__(self, dist_cls_a: type, dist_cls_b: type) -> None:
        self._key = (dist_cls_a, dist_cls_b)

    def __call__(self, kl_fn: Callable) -> Callable:
        if not callable(kl_fn):
            raise TypeError(f"kl_fn must be callable, received: {kl_fn}")
        if self._key in _DIVERGENCES:
            raise ValueError(f"KL({self._key[0].__name__} || {self._key[1].__name__}) has "
                             f"already been registered to: {_DIVERGENCES[self._key]}")
        _DIVERGENCES[self._key] = kl_fn
        return kl_fn


__all__ = ["kl_divergence", "cross_entropy", "RegisterKL"]
