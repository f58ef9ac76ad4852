"""``tf.contrib.image.dense_image_warp`` (TF 1.15): per-pixel flow warping with bilinear
interpolation, built from differentiable ops (gather, floor, clipping), so it has
gradients for both the image and the flow.

``output[b, j, i, c]`` interpolates ``image`` at ``(j - flow[b, j, i, 0], i - flow[b, j, i,
1])``; the lower corner is clamped to ``[0, size - 2]`` and the fraction to ``[0, 1]``, so
points outside the image take the nearest edge values.

Example:
    >>> warped = tf.contrib.image.dense_image_warp(image, flow)   # both [b, h, w, *]
"""

from __future__ import annotations

from typing import Any

import trainkit as tk
from trainkit.framework.tensor import Tensor


def _static(t: Tensor, axis: int) -> int | None:
    return None if t.shape.ndims is None else t.shape.as_list()[axis]


def interpolate_bilinear(grid: Any, query_points: Any, name: str = "interpolate_bilinear",
                         indexing: str = "ij") -> Tensor:
    """Values of ``grid`` ``[b, h, w, c]`` at ``query_points`` ``[b, n, 2]`` (``ij``: row,
    column; ``xy``: column, row): ``[b, n, c]``.

    Raises:
        ValueError: an unknown ``indexing``, a grid not of rank 4, query points not of
            shape ``[b, n, 2]``, or a grid smaller than 2x2 (known statically).
    """
    if indexing not in ("ij", "xy"):
        raise ValueError(f"Indexing mode must be 'ij' or 'xy', got {indexing!r}.")
    with tk.name_scope(name):
        grid = tk.convert_to_tensor(grid, name="grid")
        query_points = tk.convert_to_tensor(query_points, name="query_points")
        if grid.shape.ndims != 4:
            raise ValueError(f"Grid must be 4 dimensional. Received size: {grid.shape}")
        if query_points.shape.ndims is not None and (
                query_points.shape.ndims != 3 or _static(query_points, 2) not in (None, 2)):
            raise ValueError("Query points must be 3 dimensional with size 2 in dim 2, got "
                             f"shape {query_points.shape}.")
        for axis, what in ((1, "height"), (2, "width")):
            size = _static(grid, axis)
            if size is not None and size < 2:
                raise ValueError(f"Grid {what} must be at least 2, got {size}.")
        shape = tk.shape(grid)
        batch, height, width, channels = shape[0], shape[1], shape[2], shape[3]
        num_queries = tk.shape(query_points)[1]
        qtype = query_points.dtype
        unstacked = tk.unstack(query_points, num=2, axis=2)
        floors, ceils, alphas = [], [], []
        for dim in ((0, 1) if indexing == "ij" else (1, 0)):
            queries = unstacked[dim]
            max_floor = tk.cast(shape[dim + 1] - 2, qtype)
            floor = tk.minimum(tk.maximum(tk.zeros([], qtype), tk.floor(queries)), max_floor)
            int_floor = tk.cast(floor, tk.int32)
            floors.append(int_floor)
            ceils.append(int_floor + 1)
            alpha = tk.clip_by_value(tk.cast(queries - floor, grid.dtype), 0.0, 1.0)
            alphas.append(tk.expand_dims(alpha, 2))
        flat = tk.reshape(grid, tk.stack([batch * height * width, channels]))
        offsets = tk.reshape(tk.range(batch) * height * width, [-1, 1])

        def gather(y: Tensor, x: Tensor) -> Tensor:
            values = tk.gather(flat, offsets + y * width + x)
            return tk.reshape(values, tk.stack([batch, num_queries, channels]))

        top_left, top_right = gather(floors[0], floors[1]), gather(floors[0], ceils[1])
        bottom_left, bottom_right = gather(ceils[0], floors[1]), gather(ceils[0], ceils[1])
        top = alphas[1] * (top_right - top_left) + top_left
        bottom = alphas[1] * (bottom_right - bottom_left) + bottom_left
        return alphas[0] * (bottom - top) + top


def dense_image_warp(image: Any, flow: Any, name: str = "dense_image_warp") -> Tensor:
    """Warps ``image`` ``[b, h, w, c]`` by ``flow`` ``[b, h, w, 2]`` (row, column offsets
    subtracted from each pixel's position), bilinearly.

    Raises:
        ValueError: inputs not of rank 4, a flow whose last dimension is not 2, or an
            image smaller than 2x2 (known statically).
    """
    with tk.name_scope(name):
        image = tk.convert_to_tensor(image, name="image")
        flow = tk.convert_to_tensor(flow, name="flow")
        if image.shape.ndims != 4 or flow.shape.ndims != 4 or _static(flow, 3) not in (None, 2):
            raise ValueError(f"dense_image_warp needs image [b, h, w, c] and flow [b, h, w, 2]"
                             f", got shapes {image.shape} and {flow.shape}.")
        shape = tk.shape(image)
        batch, height, width, channels = shape[0], shape[1], shape[2], shape[3]
        grid_x, grid_y = tk.meshgrid(tk.range(width), tk.range(height))
        grid = tk.cast(tk.stack([grid_y, grid_x], axis=2), flow.dtype)
        queries = tk.expand_dims(grid, 0) - flow
        flat_queries = tk.reshape(queries, tk.stack([batch, height * width, 2]))
        out = interpolate_bilinear(image, flat_queries)
        return tk.reshape(out, tk.stack([batch, height, width, channels]))


__all__ = ["dense_image_warp", "interpolate_bilinear"]
