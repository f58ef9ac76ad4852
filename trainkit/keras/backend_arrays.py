"""The shape, joining, constant and random tensor functions of ``tf.keras.backend``
(``K.shape``, ``K.concatenate``, ``K.reshape``, ``K.dot``, ``K.random_normal``, ...), with
tf_keras 2.21's semantics under ``tf.compat.v1``:

- ``concatenate``'s default axis is -1, and a negative axis counts from the first
  tensor's rank;
- ``dot`` of tensors of rank > 2 contracts ``x``'s last axis with ``y``'s second-to-last
  (Theano's ``dot``), not a batched matmul;
- the random functions without a ``seed`` draw one with ``np.random.randint(10e6)``, so a
  program's ``np.random.seed`` makes them repeatable, and each such call advances NumPy's
  global RNG as it does in tf_keras.

Example:
    >>> K = tk.keras.backend
    >>> eps = K.random_normal(shape=(K.shape(z_mean)[0], K.int_shape(z_mean)[1]))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.autodiff import gradients as _gradients
from trainkit.framework import constant_op, conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import backend_config
from trainkit.ops import (
    array_ops,
    identity_ops,
    join_ops,
    mask_ops,
    math_extras,
    matmul_ops,
    random_ops,
    reduction_ops,
    shape_ops,
    slicing_ops,
)


def ndim(x: Any) -> int | None:
    """The rank of ``x`` (None when unknown)."""
    return conversion.convert_to_tensor(x).shape.ndims


def shape(x: Any) -> Tensor:
    """The run-time shape of ``x`` as an int32 tensor."""
    return array_ops.shape(x)


def concatenate(tensors: list, axis: int = -1) -> Tensor:
    """Joins ``tensors`` along ``axis`` (negative: from the end of the first's rank)."""
    if axis < 0:
        rank = ndim(tensors[0])
        axis = axis % rank if rank else 0
    return join_ops.concat(list(tensors), axis)


def stack(x: list, axis: int = 0) -> Tensor:
    """Stacks ``x`` along a new ``axis``."""
    return join_ops.stack(list(x), axis=axis)


def reshape(x: Any, shape: Any) -> Tensor:
    """``x`` with a new ``shape`` (one entry may be -1)."""
    return shape_ops.reshape(x, shape)


def transpose(x: Any) -> Tensor:
    """``x`` with its axes reversed."""
    return shape_ops.transpose(x)


def permute_dimensions(x: Any, pattern: Any) -> Tensor:
    """``x`` with its axes in the order ``pattern``."""
    return shape_ops.transpose(x, perm=list(pattern))


def expand_dims(x: Any, axis: int = -1) -> Tensor:
    """``x`` with a new axis of size 1 at ``axis``."""
    return shape_ops.expand_dims(x, axis)


def squeeze(x: Any, axis: int) -> Tensor:
    """``x`` without its size-1 ``axis``."""
    return shape_ops.squeeze(x, [axis])


def flatten(x: Any) -> Tensor:
    """``x`` as a vector."""
    return shape_ops.reshape(x, [-1])


def batch_flatten(x: Any) -> Tensor:
    """``x`` as a matrix of one row per example."""
    x = conversion.convert_to_tensor(x)
    rows = reduction_ops.reduce_prod(array_ops.shape(x)[1:])
    return shape_ops.reshape(x, join_ops.stack([-1, rows]))


def tile(x: Any, n: Any) -> Tensor:
    """``x`` repeated ``n[i]`` times along each axis ``i`` (an int repeats axis 0)."""
    if isinstance(n, int):
        n = [n]
    return shape_ops.tile(x, n)


def repeat(x: Any, n: int) -> Tensor:
    """A ``(batch, dim)`` tensor as ``(batch, n, dim)`` (each row ``n`` times).

    Raises:
        ValueError: if ``x`` is not of rank 2.
    """
    x = conversion.convert_to_tensor(x)
    if x.shape.ndims != 2:
        raise ValueError(f"K.repeat expects a tensor of rank 2, got rank {x.shape.ndims}.")
    return shape_ops.tile(shape_ops.expand_dims(x, 1), [1, n, 1])


def gather(reference: Any, indices: Any) -> Tensor:
    """The rows ``indices`` of ``reference``."""
    return slicing_ops.gather(reference, indices)


def one_hot(indices: Any, num_classes: int) -> Tensor:
    """One-hot vectors of ``num_classes`` for integer ``indices`` (float32)."""
    return mask_ops.one_hot(indices, depth=num_classes, axis=-1)


def dot(x: Any, y: Any) -> Tensor:
    """The matrix product; for ranks above 2, ``x``'s last axis is contracted with
    ``y``'s second-to-last (``y``'s last axis for a vector ``y``)."""
    x, y = conversion.convert_to_tensor(x), conversion.convert_to_tensor(y)
    nx, ny = x.shape.ndims, y.shape.ndims
    if nx is not None and ny is not None and (nx > 2 or ny > 2):
        return math_extras.tensordot(x, y, [[nx - 1], [max(ny - 2, 0)]])
    return matmul_ops.matmul(x, y)


# -- constants ---------------------------------------------------------------------------
def constant(value: Any, dtype: Any = None, shape: Any = None,
             name: str | None = None) -> Tensor:
    """A constant tensor (``floatx()`` unless ``dtype`` is given)."""
    return constant_op.constant(value, dtype=dtype or backend_config.floatx(), shape=shape,
                                name=name)


def zeros(shape: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    """A tensor of zeros (``floatx()`` unless ``dtype`` is given)."""
    return array_ops.zeros(shape, dtype=dtype or backend_config.floatx(), name=name)


def ones(shape: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    """A tensor of ones (``floatx()`` unless ``dtype`` is given)."""
    return array_ops.ones(shape, dtype=dtype or backend_config.floatx(), name=name)


def zeros_like(x: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    """Zeros of ``x``'s shape."""
    return array_ops.zeros_like(x, dtype=dtype, name=name)


def ones_like(x: Any, dtype: Any = None, name: str | None = None) -> Tensor:
    """Ones of ``x``'s shape."""
    return array_ops.ones_like(x, dtype=dtype, name=name)


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: str = "int32") -> Tensor:
    """``start, start + step, ...`` below ``stop`` (one argument: ``0 .. start - 1``)."""
    if stop is None and not isinstance(start, Tensor) and start < 0:
        start = 0
    return array_ops.range(start, stop, step, dtype=dtype)


# -- random ------------------------------------------------------------------------------
def _seed(seed: int | None) -> int:
    # tf_keras conditions an unseeded draw on NumPy's global RNG.
    return int(np.random.randint(10e6)) if seed is None else seed


def random_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
                  seed: int | None = None) -> Tensor:
    """Normal draws of ``shape`` (``floatx()`` unless ``dtype`` is given)."""
    return random_ops.random_normal(shape, mean=mean, stddev=stddev,
                                    dtype=dtype or backend_config.floatx(), seed=_seed(seed))


def random_uniform(shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None,
                   seed: int | None = None) -> Tensor:
    """Uniform draws in ``[minval, maxval)`` of ``shape``."""
    return random_ops.random_uniform(shape, minval=minval, maxval=maxval,
                                     dtype=dtype or backend_config.floatx(), seed=_seed(seed))


def truncated_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
                     seed: int | None = None) -> Tensor:
    """Normal draws of ``shape`` redrawn beyond two standard deviations."""
    return random_ops.truncated_normal(shape, mean=mean, stddev=stddev,
                                       dtype=dtype or backend_config.floatx(),
                                       seed=_seed(seed))


# -- gradients ---------------------------------------------------------------------------
def gradients(loss: Any, variables: Any) -> list:
    """The gradients of ``loss`` with respect to ``variables`` (``tf.gradients``, with
    ``colocate_gradients_with_ops`` as Keras sets it)."""
    return _gradients.gradients(loss, variables)


def stop_gradient(variables: Any) -> Any:
    """``variables`` (a tensor or a list of them) cut off from the gradient."""
    if isinstance(variables, list | tuple):
        return [identity_ops.stop_gradient(v) for v in variables]
    return identity_ops.stop_gradient(variables)


__all__ = ["ndim", "shape", "concatenate", "stack", "reshape", "transpose",
           "permute_dimensions", "expand_dims", "squeeze", "flatten", "batch_flatten", "tile",
           "repeat", "gather", "one_hot", "dot", "constant", "zeros", "ones", "zeros_like",
           "ones_like", "arange", "random_normal", "random_uniform", "truncated_normal",
           "gradients", "stop_gradient"]
