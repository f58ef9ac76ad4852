"""``ImageConnectedComponents``: labels 4-connected regions of equal non-zero value in a
batch of images (``tf.contrib.image.connected_components``, TF 1.15).

Ids run 1..n over the whole batch in the order each component's first pixel appears
(row-major over image, row, column); zero pixels get 0. The kernel spreads the smallest
flat index through each region (a few whole-array passes) and then renumbers.

Example:
    >>> connected_components_op([[[1, 0, 1]]])      # -> [[[1, 0, 2]]] (int64)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.op_util import make_op


def label_components(images: np.ndarray) -> np.ndarray:
    """The NumPy kernel on ``[n, h, w]``: int64 component ids (0 for zero pixels)."""
    n, h, w = images.shape
    on = images != 0
    big = np.int64(n * h * w)
    labels = np.where(on, np.arange(n * h * w, dtype=np.int64).reshape(n, h, w), big)
    # Neighbour pairs (along rows, along columns) that belong to one region.
    join_y = on[:, 1:, :] & on[:, :-1, :] & (images[:, 1:, :] == images[:, :-1, :])
    join_x = on[:, :, 1:] & on[:, :, :-1] & (images[:, :, 1:] == images[:, :, :-1])
    while True:
        new = labels.copy()
        up = np.where(join_y, np.minimum(labels[:, 1:, :], labels[:, :-1, :]), big)
        new[:, 1:, :] = np.minimum(new[:, 1:, :], up)
        new[:, :-1, :] = np.minimum(new[:, :-1, :], up)
        side = np.where(join_x, np.minimum(labels[:, :, 1:], labels[:, :, :-1]), big)
        new[:, :, 1:] = np.minimum(new[:, :, 1:], side)
        new[:, :, :-1] = np.minimum(new[:, :, :-1], side)
        if np.array_equal(new, labels):
            break
        labels = new
    # The smallest flat index of a region is its first pixel: sorted roots = id order.
    _, ids = np.unique(labels, return_inverse=True)
    return np.where(on, ids.reshape(labels.shape) + 1, 0).astype(np.int64)


@registry.register_kernel("ImageConnectedComponents")
def _components_kernel(ctx: registry.KernelContext, images: Any) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim != 3:
        raise errors.InvalidArgumentError(
            None, None, f"images must be 3-dimensional (batch, rows, cols), got shape "
                        f"{list(images.shape)}.")
    return label_components(images)


@registry.register_shape("ImageConnectedComponents")
def _components_shape(op: Operation) -> list[TensorShape]:
    return [op.inputs[0].shape]


registry.not_differentiable("ImageConnectedComponents")


def connected_components_op(images: Any, name: str | None = None) -> Tensor:
    """The raw op on ``[n, h, w]`` images of any numeric or bool dtype: int64 ids."""
    x = conversion.convert_to_tensor(images, name="images")
    return make_op("ImageConnectedComponents", [x], [_dt.int64],
                   name=name or "ImageConnectedComponents").outputs[0]


__all__ = ["connected_components_op", "label_components"]
