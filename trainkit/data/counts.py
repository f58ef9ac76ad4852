"""Integer arguments of dataset transformations (batch size, buffer size, window size,
shard count...): checked for their type when the dataset is built, for their value when
an iterator starts, as TF does.

TF turns such an argument into an int64 tensor at construction (so a float or a string
is a ``TypeError`` then) and its kernels check the value when the pipeline is created,
failing with ``InvalidArgumentError`` on the iterator's initializer (or its first
``get_next`` for a one-shot iterator). A count may also be a scalar integer tensor,
such as a placeholder fed to the initializer.

Example:
    >>> size = count_arg(batch_size, "batch_size")        # an int or a tensor
    >>> n = count_value(size, env)                         # when the iterator starts
    >>> require(n > 0, "Batch size must be greater than zero.")
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor


def count_arg(value: Any, what: str) -> int | Tensor:
    """``value`` as a Python int, or as a scalar integer tensor read when the iterator
    starts.

    Raises:
        ValueError: ``value`` is None (TF's "None values not supported").
        TypeError: neither an integer nor a scalar integer tensor.
    """
    if isinstance(value, Tensor) or conversion.is_tensor_like(value):
        t = conversion.convert_to_tensor(value)
        if not t.dtype.is_integer or t.shape.ndims not in (0, None):
            raise TypeError(f"`{what}` must be a scalar integer tensor, got {t}.")
        return t
    if value is None:
        raise ValueError(f"`{what}`: None values not supported.")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if not isinstance(value, int | np.integer):
        raise TypeError(f"`{what}`: expected int64, but got {value!r} of type "
                        f"'{type(value).__name__}'.")
    return int(value)


def count_value(value: int | Tensor, env: Any) -> int:
    """The value of a :func:`count_arg` result once the iterator starts (``env`` is the
    ``BuildEnv`` holding the dataset's input values)."""
    return int(env.values[value]) if isinstance(value, Tensor) else int(value)


def static_value(value: int | Tensor) -> int | None:
    """The value when it is known while building the graph, else None."""
    return None if isinstance(value, Tensor) else int(value)


def tensor_inputs(*values: Any) -> list[Tensor]:
    """The tensors among ``values`` (they become inputs of the dataset)."""
    return [v for v in values if isinstance(v, Tensor)]


def require(ok: bool, message: str) -> None:
    """Raises ``InvalidArgumentError(message)`` unless ``ok``: the run-time check of an
    argument's value.

    Raises:
        InvalidArgumentError: ``ok`` is false.
    """
    if not ok:
        raise errors.InvalidArgumentError(None, None, message)


__all__ = ["count_arg", "count_value", "static_value", "tensor_inputs", "require"]
