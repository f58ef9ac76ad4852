"""``tk.keras.regularizers``: ``l1``, ``l2`` and ``l1_l2`` weight penalties, for the
``kernel_regularizer=`` of Keras layers (the losses land in ``layer.losses`` /
``model.losses``; add them to your loss).

Example:
    >>> dense = tk.keras.layers.Dense(10, kernel_regularizer=tk.keras.regularizers.l2(1e-4))
    >>> loss = data_loss + tk.add_n(model.losses)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.ops import complex_ops, math_ops


class L1L2:
    """``l1 * sum(|x|) + l2 * sum(x ** 2)``.

    Raises:
        ValueError: for a negative factor.
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        for name, value in (("l1", l1), ("l2", l2)):
            if value is None or float(value) < 0:
                raise ValueError(f"Value of `{name}` must be a non-negative float. Received: "
                                 f"{name}={value}")
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x: Any) -> Tensor:
        x = conversion.convert_to_tensor(x)
        total = math_ops.reduce_sum(x) * 0.0
        if self.l1:
            total = total + self.l1 * math_ops.reduce_sum(complex_ops.abs(x))
        if self.l2:
            total = total + self.l2 * math_ops.reduce_sum(math_ops.square(x))
        return total

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


def l1(l1: float = 0.01) -> L1L2:  # noqa: E741 - Keras's name
    """``l1 * sum(|x|)``."""
    return L1L2(l1=l1)


def l2(l2: float = 0.01) -> L1L2:
    """``l2 * sum(x ** 2)``."""
    return L1L2(l2=l2)


def l1_l2(l1: float = 0.01, l2: float = 0.01) -> L1L2:  # noqa: E741 - Keras's name
    """``l1 * sum(|x|) + l2 * sum(x ** 2)``."""
    return L1L2(l1=l1, l2=l2)


__all__ = ["L1L2", "l1", "l2", "l1_l2"]
