"""``MultitaskOptimizerWrapper`` and ``clip_gradients_by_global_norm`` (TF 1.15
``tf.contrib.opt``): with a multi-task loss whose parts can be missing from a batch, an
all-zero gradient should leave the optimizer's state alone (not pull Adam's or
momentum's averages to zero).

Example:
    >>> opt = MultitaskOptimizerWrapper(tk.train.MomentumOptimizer(0.1, momentum=0.9))
    >>> gvs, norm = clip_gradients_by_global_norm(opt.compute_gradients(loss), 15.0)
    >>> train_op = opt.apply_gradients(gvs, global_step=step)
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, comparison_ops, control_flow_ops, math_extras
from trainkit.training.clip_ops import clip_by_global_norm, global_norm
from trainkit.training.optimizer import Optimizer

# the per-variable update hooks of tk.train.Optimizer that the wrapper gates
_GATED = ("_apply_dense", "_apply_sparse")


def _is_all_zeros(grad: Any) -> Tensor:
    dense = conversion.convert_to_tensor(grad)
    return comparison_ops.equal(math_extras.count_nonzero(dense), 0)


def _gated(fn: Callable, opt: Optimizer) -> Callable:
    def wrapper(self: Optimizer, grad: Any, *args: Any, **kwargs: Any) -> Any:
        return control_flow_ops.cond(_is_all_zeros(grad), control_flow_ops.no_op,
                                     lambda: fn(grad, *args, **kwargs))
    return types.MethodType(wrapper, opt)


class MultitaskOptimizerWrapper:
    """Wraps ``opt`` so that a variable whose gradient is all zeros is not updated and
    its slots keep their values (the per-variable update runs inside a ``cond``). As in
    TF, ``opt`` itself is altered, and everything else is delegated to it (non-slot
    state such as Adam's ``beta1_power`` still advances every step).

    Use ``clip_gradients_by_global_norm`` for clipping: ``tf.clip_by_global_norm`` would
    count the all-zero gradients.
    """

    def __init__(self, opt: Optimizer):
        """Raises:
            TypeError: if ``opt`` is not a ``tf.train.Optimizer``.
        """
        if not isinstance(opt, Optimizer):
            raise TypeError("Supplied optimizer must be an instance of tf.train.Optimizer")
        self._opt = opt
        for name in _GATED:
            # TF 1.15 replaces the instance's update hooks the same way
            setattr(opt, name, _gated(getattr(opt, name), opt))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._opt, name)


def clip_gradients_by_global_norm(gradients_variables: Any, clip_norm: Any = 20.0
                                  ) -> tuple[list, Tensor]:
    """Clips ``(gradient, variable)`` pairs by their global norm, counting an all-zero
    gradient as absent.

    Returns:
        ``([(clipped gradient, variable)], global norm)``.

    Raises:
        ValueError: if ``gradients_variables`` is empty.
    """
    pairs = list(gradients_variables)
    if not pairs:
        raise ValueError("clip_gradients_by_global_norm: no (gradient, variable) pairs.")
    grads = [g for g, _ in pairs]

    def present(g: Any) -> Any:
        if g is None:
            return None
        dense = conversion.convert_to_tensor(g.values if isinstance(g, IndexedSlices) else g)
        return control_flow_ops.cond(_is_all_zeros(dense),
                                     lambda: array_ops.zeros([], dtype=dense.dtype),
                                     lambda: dense)

    norm = global_norm([present(g) for g in grads])
    clipped, _ = clip_by_global_norm(grads, clip_norm, use_norm=norm)
    return list(zip(clipped, [v for _, v in pairs])), norm


__all__ = ["MultitaskOptimizerWrapper", "clip_gradients_by_global_norm"]
