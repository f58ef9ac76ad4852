"""``LARSOptimizer`` (TF 1.15 ``tf.contrib.opt``): Layer-wise Adaptive Rate Scaling for
large-batch training (You, Gitman & Ginsburg, https://arxiv.org/abs/1708.03888).

Per variable, unless a ``skip_list`` string occurs in its name::

    trust = eeta * |w| / (|g| + weight_decay * |w| + epsilon)   (1 if |w| or |g| is 0)
    g'    = g + weight_decay * w
    accum = momentum * accum + lr * trust * g'                  (slot "momentum")
    w    -= accum          (Nesterov: w -= lr * trust * g' + momentum * accum)

A skipped variable takes plain momentum with ``lr`` and ``g``; a sparse gradient too (TF
scales only dense gradients).

Example:
    >>> opt = LARSOptimizer(0.1, momentum=0.9, skip_list=["batch_normalization", "bias"])
"""

from __future__ import annotations

from typing import Any

from trainkit.contrib.opt.hyper import cast_like, check_number, resolve
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import comparison_ops, reduction_ops, unary_ops
from trainkit.training.optimizer import Optimizer
from trainkit.training.sparse_training_ops import apply_sparse_op
from trainkit.training.training_ops import apply_op


def _norm(x: Any) -> Tensor:
    """The Euclidean norm of all of ``x``'s entries (``tf.norm(x, ord=2)``)."""
    return unary_ops.sqrt(reduction_ops.reduce_sum(unary_ops.square(x)))


class LARSOptimizer(Optimizer):
    """LARS: momentum with a per-layer learning rate scaled by the trust ratio."""

    def __init__(self, learning_rate: Any, momentum: float = 0.9,
                 weight_decay: float = 0.0001, eeta: float = 0.001, epsilon: float = 0.0,
                 name: str = "LARSOptimizer", skip_list: list[str] | None = None,
                 use_nesterov: bool = False):
        """Args:
            learning_rate: the base learning rate (number, tensor or callable).
            momentum: the momentum, >= 0.
            weight_decay: the weight decay in the trust ratio and the gradient, >= 0.
            eeta: the LARS coefficient (``eeta / weight_decay`` bounds the scaling).
            epsilon: added to the trust ratio's denominator.
            name: the name scope of the update ops and the slot suffix.
            skip_list: strings; a variable whose name contains one is not scaled.
            use_nesterov: use Nesterov momentum.

        Raises:
            TypeError: for a hyperparameter of the wrong type or a ``skip_list`` that is
                not a list of strings.
            ValueError: for a negative ``momentum`` or ``weight_decay`` (as TF).
        """
        check_number("learning_rate", learning_rate)
        for key, value in (("momentum", momentum), ("weight_decay", weight_decay),
                           ("eeta", eeta), ("epsilon", epsilon)):
            check_number(key, value)
        if not callable(momentum) and float(momentum) < 0.0:
            raise ValueError(f"momentum should be positive: {momentum}")
        if float(weight_decay) < 0.0:
            raise ValueError(f"weight_decay should be positive: {weight_decay}")
        if skip_list is not None and (isinstance(skip_list, str) or
                                      not all(isinstance(s, str) for s in skip_list)):
            raise TypeError(f"skip_list must be a list of strings, got {skip_list!r}.")
        super().__init__(False, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._weight_decay = float(weight_decay)
        self._eeta = float(eeta)
        self._epsilon = float(epsilon)
        self._skip_list = list(skip_list) if skip_list is not None else None
        self._use_nesterov = bool(use_nesterov)

    def _create_slots(self, var_list: list) -> None:
        for v in var_list:
            self._zeros_slot(v, "momentum")

    def _prepare(self) -> None:
        self._learning_rate_tensor = resolve(self._learning_rate, name="learning_rate")
        self._momentum_tensor = resolve(self._momentum, name="momentum")

    def _skipped(self, var: Any) -> bool:
        return self._skip_list is not None and any(s in var.name for s in self._skip_list)

    def compute_lr(self, grad: Tensor, var: Any) -> tuple[Tensor, Tensor]:
        """``(scaled learning rate, gradient with weight decay)`` of ``var``; for a
        skipped variable the plain learning rate and gradient."""
        lr = cast_like(self._learning_rate_tensor, var)
        if self._skipped(var):
            return lr, grad
        w_norm, g_norm = _norm(var), _norm(grad)
        ratio = self._eeta * w_norm / (g_norm + self._weight_decay * w_norm + self._epsilon)
        trust = comparison_ops.where(
            comparison_ops.greater(w_norm, 0.0),
            comparison_ops.where(comparison_ops.greater(g_norm, 0.0), ratio, 1.0), 1.0)
        return lr * trust, grad + self._weight_decay * var

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        scaled_lr, grad = self.compute_lr(grad, var)
        return apply_op("ApplyMomentum", [var, self.get_slot(var, "momentum")],
                        [1.0, cast_like(self._momentum_tensor, var)], grad * scaled_lr,
                        attrs={"use_nesterov": self._use_nesterov})

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        return apply_sparse_op(
            "SparseApplyMomentum", [var, self.get_slot(var, "momentum")],
            [cast_like(self._learning_rate_tensor, var),
             cast_like(self._momentum_tensor, var)], grad,
            attrs={"use_nesterov": self._use_nesterov})


__all__ = ["LARSOptimizer"]
