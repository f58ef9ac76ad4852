"""``space_to_batch_nd`` / ``batch_to_space_nd`` and TF1's 2-D ``space_to_batch`` /
``batch_to_space``: spatial blocks moved into (and out of) the batch dimension, the
building block of dilated ("atrous") convolutions.

``space_to_batch_nd(x, block_shape, paddings)`` zero-pads the ``M`` spatial dimensions
after the batch, cuts each into blocks of ``block_shape`` and moves the offset inside a
block into the batch (outer) position: output batch ``b * prod(block_shape)``, spatial
size ``padded / block``. ``batch_to_space_nd`` undoes it and then crops. Each is the
other's gradient. Values and error messages follow TF (checked against TF 2.21).

Differs from TF: ``block_shape``, ``paddings`` and ``crops`` must be known when the graph
is built (Python ints or constants); they are op attributes, not input tensors.

Example:
    >>> import trainkit as tf
    >>> x = tf.reshape(tf.range(16.0), [1, 4, 4, 1])
    >>> tf.space_to_batch_nd(x, [2, 2], [[0, 0], [0, 0]]).shape.as_list()
    [4, 2, 2, 1]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.elementwise import static_int_list
from trainkit.ops.op_util import make_op


def _pairs(value: Any, what: str, m: int) -> list[list[int]]:
    flat = static_int_list(value, what)
    shape = np.shape(value.op.attrs["value"] if isinstance(value, Tensor) else value)
    if flat is None or len(shape) != 2 or shape[1] != 2 or shape[0] != m:
        raise ValueError(f"{what} must have shape [{m}, 2] (one [before, after] pair per "
                         f"block dimension), got shape {list(shape)}.")
    pairs = [flat[i:i + 2] for i in range(0, len(flat), 2)]
    if any(v < 0 for p in pairs for v in p):
        raise ValueError(f"{what} cannot be negative, got {pairs}.")
    return pairs


def _block(block_shape: Any) -> list[int]:
    block = static_int_list(block_shape, "block_shape")
    if not block:
        raise ValueError("block_shape must be a non-empty list of ints known when the graph "
                         f"is built, got {block_shape!r}.")
    if any(b < 1 for b in block):
        raise ValueError(f"block_shape must be positive, got {block}.")
    return block


def _input(x: Any, m: int) -> Tensor:
    t = conversion.convert_to_tensor(x, name="input")
    if t.shape.ndims is not None and t.shape.ndims < m + 1:
        raise ValueError(f"Shape must be at least rank {m + 1} but is rank {t.shape.ndims} "
                         f"(input {t.name}).")
    return t


def _divide(size: int | None, block: int) -> int | None:
    if size is None:
        return None
    if size % block:
        raise ValueError(f"Dimension size must be evenly divisible by {block} but is {size}")
    return size // block


def space_to_batch_nd(input: Any, block_shape: Any, paddings: Any,  # noqa: A002
                      name: str | None = None) -> Tensor:
    """Pads the spatial dimensions, then moves ``block_shape`` blocks into the batch.

    Raises:
        ValueError: for a non-positive block, negative or mis-shaped paddings, a rank below
            ``len(block_shape) + 1`` or a padded size not divisible by its block.
    """
    block = _block(block_shape)
    pads = _pairs(paddings, "paddings", len(block))
    x = _input(input, len(block))
    shape = TensorShape(None)
    if x.shape.ndims is not None:
        dims = x.shape.as_list()
        batch = None if dims[0] is None else dims[0] * int(np.prod(block))
        try:
            spatial = [_divide(None if d is None else d + p[0] + p[1], b)
                       for d, p, b in zip(dims[1:], pads, block, strict=False)]
        except ValueError as e:
            raise ValueError(f"{e} for SpaceToBatchND op '{name or 'SpaceToBatchND'}' "
                             f"(input {x.name}, paddings {pads})") from None
        shape = TensorShape([batch, *spatial, *dims[len(block) + 1:]])
    return make_op("SpaceToBatchND", [x], [x.dtype], name=name or "SpaceToBatchND",
                   attrs={"block_shape": block, "paddings": pads}, shapes=[shape]).outputs[0]


def batch_to_space_nd(input: Any, block_shape: Any, crops: Any,  # noqa: A002
                      name: str | None = None) -> Tensor:
    """Moves batch entries back into ``block_shape`` spatial blocks, then crops.

    Raises:
        ValueError: for a non-positive block, negative or mis-shaped crops, a rank below
            ``len(block_shape) + 1``, a batch not divisible by the blocks or crops larger
            than the size.
    """
    block = _block(block_shape)
    crop = _pairs(crops, "crops", len(block))
    x = _input(input, len(block))
    shape = TensorShape(None)
    if x.shape.ndims is not None:
        try:
            shape = _batch_to_space_shape(x.shape.as_list(), block, crop)
        except ValueError as e:
            raise ValueError(f"{e} for BatchToSpaceND op '{name or 'BatchToSpaceND'}' "
                             f"(input {x.name}, crops {crop})") from None
    return make_op("BatchToSpaceND", [x], [x.dtype], name=name or "BatchToSpaceND",
                   attrs={"block_shape": block, "crops": crop}, shapes=[shape]).outputs[0]


def _batch_to_space_shape(dims: list, block: list[int], crop: list[list[int]]
                          ) -> TensorShape:
    batch = dims[0]
    for b in block:  # TF checks one block dimension at a time
        batch = _divide(batch, b)
    spatial = []
    for d, (start, end), b in zip(dims[1:], crop, block, strict=False):
        size = None if d is None else d * b
        for c in (start, end):
            if size is not None and size - c < 0:
                raise ValueError(f"Negative dimension size caused by subtracting {c} "
                                 f"from {size}")
            size = None if size is None else size - c
        spatial.append(size)
    return TensorShape([batch, *spatial, *dims[len(block) + 1:]])


def _square_block(block_size: Any, block_shape: Any, fn: str) -> Any:
    if block_shape is not None:
        return block_shape
    if block_size is None:
        raise TypeError(f"{fn}: block_size must be an int (or block_shape a list), got None.")
    return [block_size, block_size]


def space_to_batch(input: Any, paddings: Any, block_size: Any = None,  # noqa: A002
                   name: str | None = None, block_shape: Any = None) -> Tensor:
    """TF1's 2-D form: ``space_to_batch_nd`` with a ``block_size x block_size`` block.

    Raises:
        TypeError: if neither ``block_size`` nor ``block_shape`` is given.
        ValueError: as :func:`space_to_batch_nd`.
    """
    block = _square_block(block_size, block_shape, "space_to_batch")
    return space_to_batch_nd(input, block, paddings, name=name)


def batch_to_space(input: Any, crops: Any, block_size: Any,  # noqa: A002
                   name: str | None = None, block_shape: Any = None) -> Tensor:
    """TF1's 2-D form: ``batch_to_space_nd`` with a ``block_size x block_size`` block.

    Raises:
        TypeError: if neither ``block_size`` nor ``block_shape`` is given.
        ValueError: as :func:`batch_to_space_nd`.
    """
    block = _square_block(block_size, block_shape, "batch_to_space")
    return batch_to_space_nd(input, block, crops, name=name)


def _runtime_divide(size: int, block: int, op: str) -> int:
    if size % block:
        raise errors.InvalidArgumentError(
            None, None, f"{op}: dimension size {size} is not divisible by block {block}.")
    return size // block


@registry.register_kernel("SpaceToBatchND")
def _space_to_batch(ctx: registry.KernelContext, x: Any) -> Any:
    block, pads = ctx.attrs["block_shape"], ctx.attrs["paddings"]
    m = len(block)
    x = np.asarray(x)
    padded = np.pad(x, [(0, 0), *map(tuple, pads), *[(0, 0)] * (x.ndim - 1 - m)])
    batch, rest = padded.shape[0], list(padded.shape[m + 1:])
    outer = [_runtime_divide(s, b, "SpaceToBatchND")
             for s, b in zip(padded.shape[1:m + 1], block, strict=True)]
    split = [batch]
    for o, b in zip(outer, block, strict=True):
        split += [o, b]
    # [batch, o1, b1, ..., oM, bM, rest] -> [b1..bM, batch, o1..oM, rest]
    perm = ([2 * i + 2 for i in range(m)] + [0] + [2 * i + 1 for i in range(m)]
            + list(range(2 * m + 1, 2 * m + 1 + len(rest))))
    out = padded.reshape(split + rest).transpose(perm)
    return np.ascontiguousarray(out).reshape([batch * int(np.prod(block)), *outer, *rest])


@registry.register_kernel("BatchToSpaceND")
def _batch_to_space(ctx: registry.KernelContext, x: Any) -> Any:
    block, crops = ctx.attrs["block_shape"], ctx.attrs["crops"]
    m = len(block)
    x = np.asarray(x)
    batch = _runtime_divide(x.shape[0], int(np.prod(block)), "BatchToSpaceND")
    spatial, rest = list(x.shape[1:m + 1]), list(x.shape[m + 1:])
    r = x.reshape([*block, batch, *spatial, *rest])
    # [b1..bM, batch, s1..sM, rest] -> [batch, s1, b1, ..., sM, bM, rest]
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    perm += list(range(2 * m + 1, 2 * m + 1 + len(rest)))
    full = np.ascontiguousarray(r.transpose(perm)).reshape(
        [batch, *[s * b for s, b in zip(spatial, block, strict=True)], *rest])
    index = [slice(None)] + [slice(c0, full.shape[i + 1] - c1)
                             for i, (c0, c1) in enumerate(crops)]
    return full[tuple(index)]


__all__ = ["space_to_batch_nd", "batch_to_space_nd", "space_to_batch", "batch_to_space"]
