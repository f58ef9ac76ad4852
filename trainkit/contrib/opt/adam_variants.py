"""TF 1.15's Adam variants in ``tf.contrib.opt``: ``LazyAdamOptimizer``,
``NadamOptimizer`` and ``AdaMaxOptimizer``. Each keeps Adam's slots (``m``, ``v``) and
non-slot variables (``beta1_power``, ``beta2_power``, both advanced after every step) and
changes only the update rule.

Example:
    >>> opt = LazyAdamOptimizer(1e-3)       # embeddings: only looked-up rows move
    >>> train_op = opt.minimize(loss)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.tensor import Operation, Tensor
from trainkit.training.optimizers import AdamOptimizer
from trainkit.training.sparse_training_ops import apply_sparse_op
from trainkit.training.training_ops import apply_op


class LazyAdamOptimizer(AdamOptimizer):
    """Adam whose sparse update touches only the gradient's rows.

    A dense gradient gets Adam's update exactly. For an ``IndexedSlices`` gradient
    (``gather``, ``embedding_lookup``), ``m``, ``v`` and the variable change only on the
    looked-up rows (repeated indices summed): ``m[i] = b1 m[i] + (1 - b1) g``, ``v[i] =
    b2 v[i] + (1 - b2) g^2``, ``var[i] -= lr_t m[i] / (sqrt(v[i]) + epsilon)`` with
    ``lr_t = lr sqrt(1 - beta2_power) / (1 - beta1_power)``. Faster on large embeddings,
    and not the same numbers as ``AdamOptimizer``'s sparse rule, which decays every row.
    """

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        return apply_sparse_op("SparseApplyLazyAdam", *self._adam_inputs(var), grad)


class NadamOptimizer(AdamOptimizer):
    """Nadam (Dozat, 2015): Adam with Nesterov momentum. The step uses ``b1 m_t + (1 -
    b1) g`` in place of ``m_t`` (TF's ``ApplyAdam`` with ``use_nesterov=True``). A sparse
    gradient decays ``m`` and ``v`` on all rows and moves only the gradient's rows of the
    variable, as TF 1.15 does.

    The default name is ``"Adam"``, as in TF 1.15 (slots ``var/Adam``, ``var/Adam_1``).
    """

    def __init__(self, learning_rate: Any = 0.001, beta1: Any = 0.9, beta2: Any = 0.999,
                 epsilon: Any = 1e-8, use_locking: bool = False, name: str = "Adam"):
        super().__init__(learning_rate=learning_rate, beta1=beta1, beta2=beta2,
                         epsilon=epsilon, use_locking=use_locking, name=name)

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        return apply_op("ApplyAdam", *self._adam_inputs(var), grad,
                        attrs={"use_nesterov": True})

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        return apply_sparse_op("SparseApplyNadam", *self._adam_inputs(var), grad)


class AdaMaxOptimizer(AdamOptimizer):
    """AdaMax (Kingma & Ba, section 7.1): Adam with the infinity norm.

    ``m = b1 m + (1 - b1) g``; ``v = max(b2 v, |g|)``; ``var -= lr / (1 - beta1_power) *
    m / (v + epsilon)``. A sparse gradient updates only its rows of ``m``, ``v`` and the
    variable (TF 1.15's rule). Slots ``m`` and ``v`` (``var/AdaMax``, ``var/AdaMax_1``).
    """

    def __init__(self, learning_rate: Any = 0.001, beta1: Any = 0.9, beta2: Any = 0.999,
                 epsilon: Any = 1e-8, use_locking: bool = False, name: str = "AdaMax"):
        super().__init__(learning_rate=learning_rate, beta1=beta1, beta2=beta2,
                         epsilon=epsilon, use_locking=use_locking, name=name)

    def _ada_max_inputs(self, var: Any) -> tuple[list, list]:
        # Adam's inputs without beta2_power: (beta1_power, lr, beta1, beta2, epsilon)
        variables, scalars = self._adam_inputs(var)
        return variables, [scalars[0]] + scalars[2:]

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        return apply_op("ApplyAdaMax", *self._ada_max_inputs(var), grad)

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        return apply_sparse_op("SparseApplyAdaMax", *self._ada_max_inputs(var), grad)


__all__ = ["LazyAdamOptimizer", "NadamOptimizer", "AdaMaxOptimizer"]
