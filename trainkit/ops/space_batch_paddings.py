"""``tf.required_space_to_batch_paddings``: the paddings (and the crops that undo their
extension) that make a spatial shape divisible by a block shape.

Example:
    >>> pads, crops = tk.required_space_to_batch_paddings([5, 7], [2, 4])
    >>> # pads [[0, 1], [0, 1]], crops [[0, 1], [0, 1]]
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops


def required_space_to_batch_paddings(input_shape: Any, block_shape: Any,
                                     base_paddings: Any = None, name: str | None = None
                                     ) -> tuple[Tensor, Tensor]:
    """``(paddings, crops)``, both ``[N, 2]`` int32: ``paddings`` extends
    ``base_paddings`` at the end of each dimension until ``input_shape + paddings`` is a
    multiple of ``block_shape``; ``crops`` is ``[0, extension]`` per dimension.

    Raises:
        ValueError: when the shapes' static sizes disagree.
    """
    with name_scope(name, "required_space_to_batch_paddings", [input_shape, block_shape]):
        shape = conversion.convert_to_tensor(input_shape, dtype=_dt.int32, name="input_shape")
        block = conversion.convert_to_tensor(block_shape, dtype=_dt.int32, name="block_shape")
        n = block.shape.num_elements() if block.shape.is_fully_defined() else None
        if shape.shape.is_fully_defined() and n is not None and (
                shape.shape.num_elements() != n):
            raise ValueError(f"input_shape has {shape.shape.num_elements()} dimensions "
                             f"and block_shape {n}.")
        if base_paddings is None:
            base = array_ops.zeros(array_ops.stack([array_ops.size(block), 2]), _dt.int32)
        else:
            base = conversion.convert_to_tensor(base_paddings, dtype=_dt.int32,
                                                name="base_paddings")
        start, end = base[:, 0], base[:, 1]
        full = shape + start + end
        extra = (block - full % block) % block
        paddings = array_ops.stack([start, end + extra], axis=1, name="paddings")
        crops = array_ops.stack([array_ops.zeros_like(extra), extra], axis=1, name="crops")
        return paddings, crops


__all__ = ["required_space_to_batch_paddings"]
