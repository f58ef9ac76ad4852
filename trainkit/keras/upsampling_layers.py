"""Keras's upsampling layers: ``UpSampling1D`` (each step repeated), ``UpSampling2D``
(``'nearest'``: each pixel repeated; ``'bilinear'``: ``tf.image.resize``'s half-pixel
bilinear sampling) and ``UpSampling3D`` (each voxel repeated).

With an integer factor ``k`` the half-pixel bilinear sample of output ``i * k + r`` is
input ``i + d_r`` with ``d_r = (r + 0.5) / k - 0.5`` (edges clamped): a fixed mix of
``x[i - 1]``, ``x[i]`` and ``x[i + 1]`` per phase ``r``, so the layer is built from
slices of the edge-padded input and works whatever the (run-time) image size.

Example:
    >>> h = tk.keras.layers.UpSampling2D(size=2, interpolation="bilinear")(h)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer, layer_args
from trainkit.ops import array_ops, join_ops, shape_ops


def repeat_elements(x: Tensor, rep: int, axis: int) -> Tensor:
    """Each entry of ``x`` along ``axis`` repeated ``rep`` times (Keras's
    ``backend.repeat_elements``)."""
    if rep == 1:
        return x
    ndim = x.shape.ndims
    y = shape_ops.expand_dims(x, axis + 1)
    y = shape_ops.tile(y, [1] * (axis + 1) + [rep] + [1] * (ndim - axis - 1))
    return _merge_axes(y, x, axis, rep)


def _merge_axes(y: Tensor, x: Tensor, axis: int, rep: int) -> Tensor:
    """``y`` (``x`` with a new axis of size ``rep`` after ``axis``) with the two axes
    merged, its static shape set."""
    shape = array_ops.shape(x)
    ndim = x.shape.ndims
    new = join_ops.concat([shape[:axis], shape[axis:axis + 1] * rep, shape[axis + 1:]], 0)
    out = shape_ops.reshape(y, new)
    dims = x.shape.as_list()
    dims[axis] = None if dims[axis] is None else dims[axis] * rep
    out.set_shape(dims[:ndim])
    return out


def _bilinear_axis(x: Tensor, rep: int, axis: int) -> Tensor:
    """Half-pixel bilinear upsampling of ``x`` by ``rep`` along ``axis``."""
    if rep == 1:
        return x
    ndim = x.shape.ndims

    def take(start: int, stop: int | None) -> Tensor:
        index = [slice(None)] * ndim
        index[axis] = slice(start, stop)
        return padded[tuple(index)]

    first, last = [slice(None)] * ndim, [slice(None)] * ndim
    first[axis], last[axis] = slice(0, 1), slice(-1, None)
    padded = join_ops.concat([x[tuple(first)], x, x[tuple(last)]], axis)
    prev, here, nxt = take(0, -2), take(1, -1), take(2, None)
    phases = []
    for r in range(rep):
        d = (r + 0.5) / rep - 0.5
        if d < 0:
            phases.append(prev * (-d) + here * (1.0 + d))
        else:
            phases.append(here * (1.0 - d) + nxt * d)
    return _merge_axes(join_ops.stack(phases, axis + 1), x, axis, rep)


class UpSampling1D(base_layer.Layer):
    """Repeats each step ``size`` times: ``[N, steps, C]`` -> ``[N, steps * size, C]``.

    Raises:
        ValueError: for a ``size`` that is not a positive int, or an input that is not 3-D.
    """

    _ndim = 3

    def __init__(self, size: int = 2, **kwargs: Any):
        super().__init__(**kwargs)
        (self.size,) = layer_args.normalize_tuple(size, 1, "size")

    def call(self, inputs: Any) -> Tensor:
        return repeat_elements(conversion.convert_to_tensor(inputs), self.size, 1)


class UpSampling2D(base_layer.Layer):
    """Scales images up by the integer factors ``size`` (rows, cols), with
    ``interpolation`` ``'nearest'`` or ``'bilinear'``.

    Differs from TF: the other ``tf.image.resize`` methods (``'bicubic'``, ``'area'``,
    ...) are not supported.

    Raises:
        ValueError: for a bad ``size`` or data_format, or an input that is not 4-D.
        NotImplementedError: for an ``interpolation`` other than nearest and bilinear.
    """

    _ndim = 4

    def __init__(self, size: Any = (2, 2), data_format: str | None = None,
                 interpolation: str = "nearest", **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = layer_args.normalize_data_format(data_format)
        self.size = layer_args.normalize_tuple(size, 2, "size")
        if interpolation not in ("nearest", "bilinear"):
            raise NotImplementedError(f"Value not recognized for `interpolation`: "
                                      f"{interpolation}. Supported values are: 'nearest', "
                                      "'bilinear'")
        self.interpolation = interpolation

    def call(self, inputs: Any) -> Tensor:
        y = conversion.convert_to_tensor(inputs)
        resize = repeat_elements if self.interpolation == "nearest" else _bilinear_axis
        for axis, rep in zip(layer_args.spatial_axes(2, self.data_format), self.size):
            y = resize(y, rep, axis)
        return y


class UpSampling3D(base_layer.Layer):
    """Repeats each voxel ``size`` (3 ints) times along depth, height and width.

    Raises:
        ValueError: for a bad ``size`` or data_format, or an input that is not 5-D.
    """

    _ndim = 5

    def __init__(self, size: Any = (2, 2, 2), data_format: str | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = layer_args.normalize_data_format(data_format)
        self.size = layer_args.normalize_tuple(size, 3, "size")

    def call(self, inputs: Any) -> Tensor:
        y = conversion.convert_to_tensor(inputs)
        for axis, rep in zip(layer_args.spatial_axes(3, self.data_format), self.size):
            y = repeat_elements(y, rep, axis)
        return y


__all__ = ["UpSampling1D", "UpSampling2D", "UpSampling3D", "repeat_elements"]
