"""AddSign and PowerSign (Bello et al., "Neural Optimizer Search with Reinforcement
Learning", ICML 2017), TF 1.15's ``tf.contrib.opt.AddSignOptimizer`` and
``PowerSignOptimizer``.

Both keep a moving average ``m = beta m + (1 - beta) g`` (slot ``m``) and scale the
gradient by how far its sign agrees with ``m``'s, ``s = sign_decay * sign(g) * sign(m)``:

* AddSign: ``var -= lr * (alpha + s) * g``;
* PowerSign: ``var -= lr * base^s * g``.

``sign_decay`` is 1 unless ``sign_decay_fn`` is given; it is then
``sign_decay_fn(global_step)``, built once when ``apply_gradients`` is called (see
``sign_decay.py`` for TF's linear, cosine and restart decays). A sparse gradient moves
only its rows of the variable and decays ``m`` on all rows (TF 1.15's rule).

Example:
    >>> decay = get_linear_decay_fn(1000)
    >>> opt = AddSignOptimizer(learning_rate=0.1, sign_decay_fn=decay)
    >>> train_op = opt.minimize(loss, global_step=tk.train.get_or_create_global_step())
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from trainkit.contrib.opt.hyper import cast_like, check_number, resolve
from trainkit.framework import conversion
from trainkit.framework.tensor import Operation, Tensor
from trainkit.training.optimizer import Optimizer
from trainkit.training.sparse_training_ops import apply_sparse_op
from trainkit.training.training_ops import apply_op


class _SignOptimizer(Optimizer):
    """The shared slots, sign decay and hyperparameter tensors of AddSign/PowerSign."""

    _KERNEL = ""    # the kernel suffix: Apply<_KERNEL> / SparseApply<_KERNEL>
    _SECOND = ""    # the hyperparameter between lr and sign_decay: alpha or logbase

    def __init__(self, learning_rate: Any, beta: Any, sign_decay_fn: Callable | None,
                 use_locking: bool, name: str, **hyper: Any):
        check_number("learning_rate", learning_rate)
        check_number("beta", beta, low=0.0, high=1.0)
        if sign_decay_fn is not None and not callable(sign_decay_fn):
            raise TypeError(f"sign_decay_fn must be a callable taking the global step, "
                            f"got {sign_decay_fn!r}.")
        super().__init__(use_locking, name)
        self._hyper_values = dict(learning_rate=learning_rate, beta=beta, **hyper)
        self._sign_decay_fn = sign_decay_fn
        self._tensors: dict[str, Tensor] = {}
        self._sign_decay_t: Tensor | None = None

    def apply_gradients(self, grads_and_vars: Any, global_step: Any = None,
                        name: str | None = None) -> Operation:
        """``Optimizer.apply_gradients``; calls ``sign_decay_fn(global_step)`` first.

        Raises:
            ValueError: from TF's decay functions when ``global_step`` is None.
        """
        if self._sign_decay_fn is not None:
            self._sign_decay_t = conversion.convert_to_tensor(
                self._sign_decay_fn(global_step), name="sign_decay")
        return super().apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def _create_slots(self, var_list: list) -> None:
        for v in var_list:
            self._zeros_slot(v, "m")

    def _prepare(self) -> None:
        self._tensors = {k: resolve(v, name=k) for k, v in self._hyper_values.items()}
        if self._sign_decay_fn is None:
            self._sign_decay_t = conversion.convert_to_tensor(1.0, name="sign_decay")

    def _scalars(self, var: Any) -> list[Tensor]:
        """(lr, alpha or logbase, sign_decay, beta) in ``var``'s dtype."""
        t = self._tensors
        return [cast_like(t["learning_rate"], var), cast_like(t[self._SECOND], var),
                cast_like(self._sign_decay_t, var), cast_like(t["beta"], var)]

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        return apply_op("Apply" + self._KERNEL, [var, self.get_slot(var, "m")],
                        self._scalars(var), grad)

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        return apply_sparse_op("SparseApply" + self._KERNEL, [var, self.get_slot(var, "m")],
                               self._scalars(var), grad)


class AddSignOptimizer(_SignOptimizer):
    """AddSign: ``var -= lr * (alpha + sign_decay * sign(g) * sign(m)) * g``."""

    _KERNEL = "AddSign"
    _SECOND = "alpha"

    def __init__(self, learning_rate: Any = 0.1, alpha: Any = 1.0, beta: Any = 0.9,
                 sign_decay_fn: Callable | None = None, use_locking: bool = False,
                 name: str = "AddSignOptimizer"):
        """Args:
            learning_rate: the step size.
            alpha: the constant added to the sign agreement.
            beta: the decay of the moving average ``m``, in [0, 1].
            sign_decay_fn: optional ``fn(global_step) -> scalar`` scaling the agreement.
            use_locking: accepted for compatibility.
            name: the name scope of the update ops and the slot suffix.

        Raises:
            TypeError: for a hyperparameter that is not a number, tensor or callable, or
                a ``sign_decay_fn`` that is not callable.
            ValueError: for ``beta`` outside [0, 1].
        """
        check_number("alpha", alpha)
        super().__init__(learning_rate, beta, sign_decay_fn, use_locking, name, alpha=alpha)


class PowerSignOptimizer(_SignOptimizer):
    """PowerSign: ``var -= lr * exp(log(base) * sign_decay * sign(g) * sign(m)) * g``."""

    _KERNEL = "PowerSign"
    _SECOND = "logbase"

    def __init__(self, learning_rate: Any = 0.1, base: float = math.e, beta: Any = 0.9,
                 sign_decay_fn: Callable | None = None, use_locking: bool = False,
                 name: str = "PowerSignOptimizer"):
        """Args:
            learning_rate: the step size.
            base: the base of the power, a positive Python number (``e`` by default).
            beta: the decay of the moving average ``m``, in [0, 1].
            sign_decay_fn: optional ``fn(global_step) -> scalar`` scaling the agreement.
            use_locking: accepted for compatibility.
            name: the name scope of the update ops and the slot suffix.

        Raises:
            TypeError: if ``base`` is not a number (TF takes ``math.log`` of it), or as
                for ``AddSignOptimizer``.
            ValueError: if ``base`` is not positive, or ``beta`` outside [0, 1].
        """
        if isinstance(base, bool) or not isinstance(base, int | float):
            raise TypeError(f"base must be a positive number, got {base!r}.")
        if base <= 0:
            raise ValueError(f"base must be > 0 (its log scales the sign), got {base!r}.")
        super().__init__(learning_rate, beta, sign_decay_fn, use_locking, name,
                         logbase=math.log(base))


__all__ = ["AddSignOptimizer", "PowerSignOptimizer"]
