"""Keras's global pooling layers: the mean or max over every step/spatial position,
``GlobalAveragePooling1D/2D/3D`` and ``GlobalMaxPooling1D/2D/3D`` (aliases
``GlobalAvgPool*``/``GlobalMaxPool*``), with ``data_format`` and ``keepdims``.

Example:
    >>> feats = tk.keras.layers.GlobalAveragePooling2D()(conv_out)   # [N, H, W, C] -> [N, C]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer, layer_args
from trainkit.ops import reduction_ops


class _GlobalPooling(base_layer.Layer):
    _rank = 2
    _reduce: Callable

    def __init__(self, data_format: str | None = None, keepdims: bool = False,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = layer_args.normalize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self._ndim = self._rank + 2

    def build(self, input_shape: Any) -> None:
        dims = input_shape.as_list()
        for axis in layer_args.spatial_axes(self._rank, self.data_format):
            if dims[axis] == 0:
                raise ValueError(f"Incorrect input shape {base_layer.shape_tuple(dims)} "
                                 f"with dimension 0 at reduction axis {axis}.")

    def call(self, inputs: Any) -> Tensor:
        axes = layer_args.spatial_axes(self._rank, self.data_format)
        return type(self)._reduce(conversion.convert_to_tensor(inputs), axis=axes,
                                  keepdims=self.keepdims)


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean over the steps: ``[N, steps, C]`` -> ``[N, C]``.

    Raises:
        ValueError: for a bad data_format or an input that is not 3-D.
    """

    _rank = 1
    _reduce = staticmethod(reduction_ops.reduce_mean)


class GlobalMaxPooling1D(_GlobalPooling):
    """The max over the steps: ``[N, steps, C]`` -> ``[N, C]``.

    Raises:
        ValueError: for a bad data_format or an input that is not 3-D.
    """

    _rank = 1
    _reduce = staticmethod(reduction_ops.reduce_max)


class GlobalAveragePooling2D(_GlobalPooling):
    """The mean over height and width: ``[N, H, W, C]`` -> ``[N, C]``.

    Raises:
        ValueError: for a bad data_format or an input that is not 4-D.
    """

    _reduce = staticmethod(reduction_ops.reduce_mean)


class GlobalMaxPooling2D(_GlobalPooling):
    """The max over height and width: ``[N, H, W, C]`` -> ``[N, C]``.

    Raises:
        ValueError: for a bad data_format or an input that is not 4-D.
    """

    _reduce = staticmethod(reduction_ops.reduce_max)


class GlobalAveragePooling3D(_GlobalPooling):
    """The mean over depth, height and width: ``[N, D, H, W, C]`` -> ``[N, C]``.

    Raises:
        ValueError: for a bad data_format or an input that is not 5-D.
    """

    _rank = 3
    _reduce = staticmethod(reduction_ops.reduce_mean)


class GlobalMaxPooling3D(_GlobalPooling):
    """The max over depth, height and width: ``[N, D, H, W, C]`` -> ``[N, C]``.

    Raises:
        ValueError: for a bad data_format or an input that is not 5-D.
    """

    _rank = 3
    _reduce = staticmethod(reduction_ops.reduce_max)


GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalAvgPool3D = GlobalAveragePooling3D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalMaxPool3D = GlobalMaxPooling3D

__all__ = ["GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
           "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
           "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D",
           "GlobalMaxPool2D", "GlobalMaxPool3D"]
