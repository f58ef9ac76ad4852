"""``RegAdagradOptimizer`` (TF 1.15 ``tf.contrib.opt``): Adagrad whose updates can leave
the accumulator alone, so that a regularization loss does not shrink the learning rate.

Example:
    >>> opt = RegAdagradOptimizer(0.1)
    >>> loss_update = opt.minimize(loss)
    >>> with opt.avoid_updating_slots():
    ...     reg_update = opt.minimize(reg_loss)   # var -= lr g / sqrt(accum), accum kept
    >>> train_op = tk.group(loss_update, reg_update)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from trainkit.framework.tensor import Operation, Tensor
from trainkit.training.optimizers import AdagradOptimizer
from trainkit.training.sparse_training_ops import apply_sparse_op
from trainkit.training.training_ops import apply_op


class RegAdagradOptimizer(AdagradOptimizer):
    """Adagrad (slot ``accumulator``) with ``avoid_updating_slots()``: update ops built
    inside that context use the accumulator without adding ``g^2`` to it (TF's
    ``update_slots=False`` on ``ApplyAdagrad`` / ``SparseApplyAdagrad``)."""

    def __init__(self, learning_rate: Any, initial_accumulator_value: float = 0.1,
                 use_locking: bool = False, name: str = "RegAdagrad"):
        super().__init__(learning_rate, initial_accumulator_value=initial_accumulator_value,
                         use_locking=use_locking, name=name)
        self._should_update_slots = True

    @contextlib.contextmanager
    def avoid_updating_slots(self) -> Iterator[None]:
        """Within this context, ``minimize`` / ``apply_gradients`` build updates that
        leave the accumulator unchanged (restored on exit, also after an error)."""
        old = self._should_update_slots
        self._should_update_slots = False
        try:
            yield
        finally:
            self._should_update_slots = old

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        return apply_op("ApplyAdagrad", [var, self.get_slot(var, "accumulator")],
                        [self._hyper("learning_rate", var)], grad,
                        attrs={"update_slots": self._should_update_slots})

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        return apply_sparse_op("SparseApplyAdagrad",
                               [var, self.get_slot(var, "accumulator")],
                               [self._hyper("learning_rate", var)], grad,
                               attrs={"update_slots": self._should_update_slots})


__all__ = ["RegAdagradOptimizer"]
