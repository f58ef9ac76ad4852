"""``tk.contrib.image``: TF 1.15's ``tf.contrib.image`` projective transforms (with the
images' gradient TF registers), ``dense_image_warp`` and ``connected_components``.

Example:
    >>> rotated = tf.contrib.image.rotate(images, 0.3, interpolation="BILINEAR")
    >>> labels = tf.contrib.image.connected_components(mask)        # int64 ids
"""

from __future__ import annotations

from typing import Any

import trainkit as tk
from trainkit.contrib.image.dense_warp import dense_image_warp, interpolate_bilinear
from trainkit.contrib.image.transforms import (
    angles_to_projective_transforms,
    compose_transforms,
    flat_transforms_to_matrices,
    matrices_to_flat_transforms,
    rotate,
    transform,
    translate,
    translations_to_projective_transforms,
)
from trainkit.framework.tensor import Tensor
from trainkit.ops.image_components import connected_components_op


def connected_components(images: Any) -> Tensor:
    """int64 ids of the 4-connected regions of equal non-zero value in ``[h, w]`` or
    ``[n, h, w]`` image(s): 1..n across the batch in row-major order of first pixel, 0
    for zero pixels (as ``scipy.ndimage.label`` per image, numbered through the batch).

    Raises:
        TypeError: images of rank other than 2 or 3 (as TF raises).
    """
    with tk.name_scope("connected_components"):
        x = tk.convert_to_tensor(images, name="images")
        if x.shape.ndims == 2:
            return connected_components_op(x[None, :, :])[0, :, :]
        if x.shape.ndims == 3:
            return connected_components_op(x)
        raise TypeError("images should have rank 2 (HW) or 3 (NHW). Static shape is "
                        f"{x.shape}")


__all__ = ["transform", "rotate", "translate", "angles_to_projective_transforms",
           "translations_to_projective_transforms", "compose_transforms",
           "flat_transforms_to_matrices", "matrices_to_flat_transforms",
           "dense_image_warp", "interpolate_bilinear", "connected_components"]
