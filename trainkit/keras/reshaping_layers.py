"""Keras's layers that move entries without arithmetic: ``ZeroPadding1D/2D/3D`` and
``Cropping1D/2D/3D`` (on the spatial axes), ``RepeatVector`` and ``Permute``.

Example:
    >>> h = tk.keras.layers.ZeroPadding2D(((1, 0), (1, 0)))(images)   # pad top and left
    >>> h = tk.keras.layers.Cropping1D((2, 1))(seq)                    # drop 2 first, 1 last
    >>> h = tk.keras.layers.Permute((2, 1))(seq)                       # [N, T, C] -> [N, C, T]
"""

from __future__ import annotations

import numbers
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer, layer_args
from trainkit.ops import shape_ops


class _ZeroPadding(base_layer.Layer):
    _rank = 2

    def __init__(self, padding: Any = 1, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = layer_args.normalize_data_format(data_format)
        self.padding = layer_args.pairs(padding, self._rank, "padding")
        self._ndim = self._rank + 2

    def call(self, inputs: Any) -> Tensor:
        widths = [[0, 0] for _ in range(self._rank + 2)]
        for axis, pad in zip(layer_args.spatial_axes(self._rank, self.data_format),
                             self.padding):
            widths[axis] = list(pad)
        return shape_ops.pad(conversion.convert_to_tensor(inputs), widths)


class ZeroPadding1D(_ZeroPadding):
    """Zeros before and after the steps of ``[N, steps, C]``: ``padding`` is an int or
    ``(before, after)``.

    Raises:
        ValueError: for a negative or malformed ``padding`` or an input that is not 3-D.
    """

    _rank = 1

    def __init__(self, padding: Any = 1, **kwargs: Any):
        super().__init__(**kwargs)
        self.padding = (layer_args.normalize_tuple(padding, 2, "padding", allow_zero=True),)


class ZeroPadding2D(_ZeroPadding):
    """Zero rows and columns around images: ``padding`` is an int, ``(rows, cols)``
    (symmetric) or ``((top, bottom), (left, right))``.

    Raises:
        ValueError: for a negative or malformed ``padding``, a bad data_format or an
            input that is not 4-D.
    """

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Zeros around volumes: ``padding`` is an int, 3 ints or 3 ``(before, after)``.

    Raises:
        ValueError: for a negative or malformed ``padding``, a bad data_format or an
            input that is not 5-D.
    """

    _rank = 3

    def __init__(self, padding: Any = (1, 1, 1), data_format: str | None = None,
                 **kwargs: Any):
        super().__init__(padding, data_format, **kwargs)


class _Cropping(base_layer.Layer):
    _rank = 2

    def __init__(self, cropping: Any, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = layer_args.normalize_data_format(data_format)
        self.cropping = layer_args.pairs(cropping, self._rank, "cropping")
        self._ndim = self._rank + 2

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        dims = x.shape.as_list() if x.shape.ndims else None
        index: list[slice] = [slice(None)] * (self._rank + 2)
        for axis, (a, b) in zip(layer_args.spatial_axes(self._rank, self.data_format),
                                self.cropping):
            if dims is not None and dims[axis] is not None and a + b >= dims[axis]:
                raise ValueError("Argument `cropping` must be greater than the input shape. "
                                 f"Received: inputs.shape={x.shape}, and "
                                 f"cropping={self.cropping}")
            index[axis] = slice(a, -b if b else None)
        return x[tuple(index)]


class Cropping1D(_Cropping):
    """Drops steps at the start and end of ``[N, steps, C]``: ``cropping`` is an int or
    ``(start, end)``.

    Raises:
        ValueError: for a negative or malformed ``cropping``, one that leaves no step,
            or an input that is not 3-D.
    """

    _rank = 1

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any):
        super().__init__(0, **kwargs)
        self.cropping = (layer_args.normalize_tuple(cropping, 2, "cropping",
                                                    allow_zero=True),)


class Cropping2D(_Cropping):
    """Drops rows and columns at the image borders: ``cropping`` is an int,
    ``(rows, cols)`` (symmetric) or ``((top, bottom), (left, right))``.

    Raises:
        ValueError: for a negative or malformed ``cropping``, one that leaves nothing,
            a bad data_format or an input that is not 4-D.
    """

    def __init__(self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None,
                 **kwargs: Any):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Drops entries at the borders of volumes: an int, 3 ints or 3 pairs.

    Raises:
        ValueError: for a negative or malformed ``cropping``, one that leaves nothing,
            a bad data_format or an input that is not 5-D.
    """

    _rank = 3

    def __init__(self, cropping: Any = ((1, 1), (1, 1), (1, 1)),
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(cropping, data_format, **kwargs)


class RepeatVector(base_layer.Layer):
    """Repeats each example ``n`` times: ``[N, F]`` -> ``[N, n, F]``.

    Raises:
        TypeError: for an ``n`` that is not an int.
        ValueError: for an input that is not 2-D.
    """

    _ndim = 2

    def __init__(self, n: int, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        self.n = int(n)

    def call(self, inputs: Any) -> Tensor:
        x = shape_ops.expand_dims(conversion.convert_to_tensor(inputs), 1)
        return shape_ops.tile(x, [1, self.n, 1])


class Permute(base_layer.Layer):
    """Permutes the non-batch axes: ``dims`` is a permutation of ``1..rank-1``
    (``Permute((2, 1))`` swaps the last two axes of a 3-D input).

    Raises:
        ValueError: for ``dims`` that are not such a permutation, or an input of another
            rank.
    """

    def __init__(self, dims: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError("Invalid permutation argument `dims` for Permute Layer. The set "
                             "of indices in `dims` must be consecutive and start from 1. "
                             f"Received dims={dims}")
        self._ndim = len(self.dims) + 1

    def call(self, inputs: Any) -> Tensor:
        return shape_ops.transpose(conversion.convert_to_tensor(inputs), [0, *self.dims])


__all__ = ["ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D",
           "Cropping3D", "RepeatVector", "Permute"]
