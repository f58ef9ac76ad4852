"""``tk.train.linear_warmup``: a learning rate ramped up linearly over the first steps
(TF1 had no warmup schedule; Lightning users and the Transformer/BERT recipes expect
one).

``linear_warmup(lr, global_step, warmup_steps)`` is ``lr * f`` with
``f = initial_fraction + (1 - initial_fraction) * min(1, global_step / warmup_steps)``:
from ``initial_fraction * lr`` at step 0 up to ``lr`` at ``warmup_steps`` and after. ``lr``
may be any schedule tensor (``cosine_decay(...)``), which keeps running on the true
global step underneath the ramp. Built from plain graph ops in the ``LinearWarmup``
scope.

Example:
    >>> lr = tk.train.linear_warmup(
    ...     tk.train.cosine_decay(1e-3, step, decay_steps=10000), step, warmup_steps=500)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor


def linear_warmup(learning_rate: Any, global_step: Any, warmup_steps: int,
                  initial_fraction: float = 0.0, name: str | None = None) -> Tensor:
    """``learning_rate`` ramped linearly from ``initial_fraction`` of it at step 0 to all
    of it at ``warmup_steps`` (see the module doc).

    Raises:
        ValueError: without ``global_step``, for ``warmup_steps`` that is not a positive
            int, or ``initial_fraction`` outside ``[0, 1]``.
        TypeError: for a non-floating ``learning_rate`` or non-numeric ``global_step``.
    """
    from trainkit.ops import math_ops
    from trainkit.ops.cast_ops import cast

    if global_step is None:
        raise ValueError("global_step is required for linear_warmup.")
    if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int) or \
            warmup_steps < 1:
        raise ValueError(f"linear_warmup: warmup_steps must be a positive int, got "
                         f"{warmup_steps!r}.")
    if not 0.0 <= float(initial_fraction) <= 1.0:
        raise ValueError(f"linear_warmup: initial_fraction must be in [0, 1], got "
                         f"{initial_fraction!r}.")
    step = conversion.convert_to_tensor(global_step)
    if not (step.dtype.is_integer or step.dtype.is_floating):
        raise TypeError(f"linear_warmup: global_step must be numeric, got "
                        f"{step.dtype.name}.")
    with step.graph.name_scope(name or "LinearWarmup"):
        lr = conversion.convert_to_tensor(learning_rate, name="learning_rate")
        if not lr.dtype.is_floating:
            raise TypeError(f"linear_warmup: learning_rate must be floating point, got "
                            f"{lr.dtype.name}.")
        done = math_ops.minimum(cast(step, lr.dtype) / float(warmup_steps), 1.0)
        start = float(initial_fraction)
        return lr * (start + (1.0 - start) * done)


__all__ = ["linear_warmup"]
