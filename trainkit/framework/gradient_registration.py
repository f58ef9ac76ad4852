"""TF1's gradient registration API: ``tf.RegisterGradient`` (a decorator, used with
``Graph.gradient_override_map``) and ``tf.no_gradient`` / ``NoGradient`` /
``NotDifferentiable``.

Example:
    >>> @tk.RegisterGradient("ClipGrad")
    ... def _clip_grad(op, grad):
    ...     return [tk.clip_by_value(grad, -1.0, 1.0)]
    >>> with tk.get_default_graph().gradient_override_map({"Identity": "ClipGrad"}):
    ...     y = tk.identity(x)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import registry


class RegisterGradient:
    """Registers the decorated ``f(op, *grads)`` as the gradient of ``op_type``. ``f``
    may return one gradient (for a one-input op) or a list with one entry per input.

    Raises:
        TypeError: a non-string ``op_type``. KeyError: a gradient already registered.
    """

    def __init__(self, op_type: str):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, f: Callable) -> Callable:
        def rule(op: Any, *grads: Any) -> list:
            out = f(op, *grads)
            return list(out) if isinstance(out, list | tuple) else [out]
        rule.__name__ = getattr(f, "__name__", "gradient")
        registry.register_gradient(self._op_type)(rule)
        return f


def no_gradient(op_type: str) -> None:
    """Declares ``op_type`` not differentiable (its inputs get no gradient).

    Raises:
        TypeError: a non-string ``op_type``. KeyError: a gradient already registered.
    """
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")
    registry.not_differentiable(op_type)


NoGradient = no_gradient
NotDifferentiable = no_gradient

__all__ = ["RegisterGradient", "no_gradient", "NoGradient", "NotDifferentiable"]
