"""TF1's ``orthogonal_initializer`` (a random orthogonal matrix from the QR decomposition
of a normal one, signs fixed by R's diagonal, as TF) and
``uniform_unit_scaling_initializer``.

Example:
    >>> w = tk.get_variable("w", [64, 64], initializer=tk.orthogonal_initializer())
"""

from __future__ import annotations

import math
from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_extras, array_ops, linalg_ops, math_ops, random_ops
from trainkit.ops.init_ops import Initializer, _float_dtype, _shape_list


class Orthogonal(Initializer):
    """An orthogonal matrix (rows or columns, whichever are fewer, orthonormal) times
    ``gain``; shapes of rank > 2 are flattened to ``[prod(shape[:-1]), shape[-1]]``.

    Raises:
        ValueError: at call time, a shape of rank below 2.
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None,
                 dtype: Any = _dt.float32):
        self.gain, self.seed = gain, seed
        self.dtype = _float_dtype(dtype, "orthogonal_initializer")

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Tensor:
        dt = _float_dtype(dtype or self.dtype, "orthogonal_initializer")
        dims = _shape_list(shape, "orthogonal_initializer")
        if len(dims) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional")
        rows = math.prod(dims[:-1])
        cols = dims[-1]
        a = random_ops.random_normal([max(rows, cols), min(rows, cols)], dtype=dt,
                                     seed=self.seed)
        q, r = linalg_ops.qr(a)
        q = q * math_ops.sign(linalg_ops.matrix_diag_part(r))
        if rows < cols:
            q = array_ops.transpose(q)
        # TF: ``self.gain * reshape(q, shape)``, an operator: ``mul``.
        return math_ops.multiply(array_ops.reshape(q, dims), self.gain, name="mul")

    def get_config(self) -> dict:
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


class UniformUnitScaling(Initializer):
    """Uniform in ``±factor * sqrt(3 / input_size)`` with ``input_size`` the product of
    all but the last dimension (TF1's deprecated ``uniform_unit_scaling_initializer``)."""

    def __init__(self, factor: float = 1.0, seed: int | None = None,
                 dtype: Any = _dt.float32):
        self.factor, self.seed = factor, seed
        self.dtype = _float_dtype(dtype, "uniform_unit_scaling_initializer")

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Tensor:
        dt = _float_dtype(dtype or self.dtype, "uniform_unit_scaling_initializer")
        dims = _shape_list(shape, "uniform_unit_scaling_initializer")
        scale_dims = dims if partition_info is None else list(partition_info.full_shape)
        size = (math.prod(scale_dims[:-1]) if len(scale_dims) > 1
                else (scale_dims[0] if scale_dims else 1.0))
        bound = math.sqrt(3.0 / max(size, 1)) * self.factor
        return random_ops.random_uniform(dims, -bound, bound, dt, seed=self.seed)

    def get_config(self) -> dict:
        return {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only; a partition gets its slice of
    the full matrix), TF1's ``tf.initializers.identity``.

    Raises:
        ValueError: at call time, a shape that is not 2-D.
    """

    def __init__(self, gain: float = 1.0, dtype: Any = _dt.float32):
        self.gain = gain
        self.dtype = _float_dtype(dtype, "identity_initializer")

    def __call__(self, shape: Any, dtype: Any = None, partition_info: Any = None) -> Tensor:
        dt = _float_dtype(dtype or self.dtype, "identity_initializer")
        dims = _shape_list(shape, "identity_initializer")
        full = dims if partition_info is None else list(partition_info.full_shape)
        if len(full) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices.")
        eye = array_extras.eye(full[0], full[1], dtype=dt)
        if partition_info is not None:
            eye = array_ops.slice(eye, list(partition_info.var_offset), dims)
        return math_ops.multiply(eye, self.gain, name="mul")  # TF's ``gain * eye``

    def get_config(self) -> dict:
        return {"gain": self.gain, "dtype": self.dtype.name}


orthogonal_initializer = Orthogonal
uniform_unit_scaling_initializer = UniformUnitScaling

__all__ = ["Orthogonal", "UniformUnitScaling", "Identity", "orthogonal_initializer",
           "uniform_unit_scaling_initializer"]
