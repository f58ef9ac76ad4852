"""Keras's ``LocallyConnected1D`` and ``LocallyConnected2D``: convolutions whose weights
are not shared, one filter bank per output position (tf_keras's ``implementation=1``).

Every output position reads one window of the input, flattened in the input's layout
order (``[kernel..., channels]`` for channels_last, ``[channels, kernel...]`` for
channels_first); the windows are picked by one ``gather`` of precomputed flat indices and
multiplied by the kernel ``[positions, window_size, filters]`` in one batched matmul.

Example:
    >>> h = tk.keras.layers.LocallyConnected2D(8, 3)(images)   # [N, 28, 28, C] -> 26x26x8
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import activations, base_layer, layer_args
from trainkit.ops import matmul_ops, shape_ops, slicing_ops
from trainkit.ops.layers_impl import base


def window_indices(spatial: tuple, channels: int, kernel: tuple, strides: tuple,
                   out: tuple, channels_first: bool) -> np.ndarray:
    """The flat indices (into one example) of each output position's window:
    ``[prod(out), prod(kernel) * channels]`` int32, positions in row-major order."""
    full = (channels, *spatial) if channels_first else (*spatial, channels)
    flat = np.arange(int(np.prod(full)), dtype=np.int32).reshape(full)
    rows = []
    for pos in itertools.product(*(range(n) for n in out)):
        window = tuple(slice(p * s, p * s + k) for p, s, k in zip(pos, strides, kernel))
        index = (slice(None), *window) if channels_first else (*window, slice(None))
        rows.append(flat[index].ravel())
    return np.stack(rows)


class _LocallyConnected(base_layer.Layer):
    """The shared body of the 1-D and 2-D layers (``_rank`` spatial axes)."""

    _rank: int

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None,
                 activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Callable | None = None,
                 bias_regularizer: Callable | None = None,
                 activity_regularizer: Callable | None = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, implementation: int = 1, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        what = type(self).__name__
        n = self._rank
        self.filters = base.positive_int(filters, "filters", what)
        self.kernel_size = layer_args.normalize_tuple(kernel_size, n, "kernel_size")
        self.strides = layer_args.normalize_tuple(strides, n, "strides")
        if not isinstance(padding, str) or padding.lower() not in ("valid", "same", "causal"):
            raise ValueError('The `padding` argument must be a list/tuple or one of "valid", '
                             f'"same" (or "causal", only for `Conv1D). Received: {padding}')
        self.padding = padding.lower()
        if implementation not in (1, 2, 3):
            raise ValueError(f"{what}: unrecognized implementation mode: {implementation!r} "
                             "(1, 2 or 3).")
        if implementation != 1:
            raise ValueError(f"{what}: only implementation=1 is supported in trainkit, got "
                             f"implementation={implementation}.")
        if self.padding != "valid":
            raise ValueError(f"Invalid border mode for {what} (only \"valid\" is supported "
                             f"if implementation is 1): {padding}")
        self.implementation = implementation
        self.data_format = layer_args.normalize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self._inits = (kernel_initializer, bias_initializer)
        self._regularizers = (kernel_regularizer, bias_regularizer)
        self._constraints = (kernel_constraint, bias_constraint)

    def build(self, input_shape: Any) -> None:
        dims = input_shape.as_list()
        first = self.data_format == "channels_first"
        channels = dims[1] if first else dims[-1]
        spatial = tuple(dims[2:] if first else dims[1:-1])
        if channels is None or None in spatial:
            raise ValueError(f"The spatial and channel dimensions of the inputs to a "
                             f"{type(self).__name__} layer should be fully-defined, but the "
                             f"layer received the inputs shape {input_shape}.")
        out = tuple((size - k) // s + 1
                    for size, k, s in zip(spatial, self.kernel_size, self.strides))
        if min(out) <= 0:
            raise ValueError("One of the dimensions in the output is <= 0 due to "
                             f"downsampling in {self.name}. Consider increasing the input "
                             f"size. Received input shape {input_shape} which would produce "
                             f"output shape {out} with a zero or negative value in a "
                             "dimension.")
        self._out = out
        self._indices = window_indices(spatial, channels, self.kernel_size, self.strides, out,
                                       first)
        self._features = int(np.prod(dims[1:]))
        window = int(np.prod(self.kernel_size)) * channels
        self.kernel = self.add_weight("kernel", [int(np.prod(out)), window, self.filters],
                                      initializer=self._inits[0],
                                      regularizer=self._regularizers[0],
                                      constraint=self._constraints[0])
        self.bias = self.add_weight("bias", [*out, self.filters], initializer=self._inits[1],
                                    regularizer=self._regularizers[1],
                                    constraint=self._constraints[1]) if self.use_bias else None

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        n = self._rank
        # [N, features] -> [features, N] so one gather along axis 0 picks every window
        flat = shape_ops.transpose(shape_ops.reshape(x, [-1, self._features]))
        windows = slicing_ops.gather(flat, self._indices)            # [P, F, N]
        y = matmul_ops.matmul(windows, self.kernel, transpose_a=True)  # [P, N, filters]
        y = shape_ops.reshape(y, [*self._out, -1, self.filters])
        spatial = list(range(n))
        first = self.data_format == "channels_first"
        y = shape_ops.transpose(y, [n, n + 1, *spatial] if first else [n, *spatial, n + 1])
        if self.use_bias:
            # tf_keras reshapes (not transposes) the [*out, filters] bias for channels_first
            shape = [1, self.filters, *self._out] if first else [1, *self._out, self.filters]
            y = y + shape_ops.reshape(self.bias, shape)
        return self.activation(y)


class LocallyConnected1D(_LocallyConnected):
    """Unshared-weight 1-D convolution: ``kernel``
    ``[output_length, kernel_size * channels, filters]`` and ``bias``
    ``[output_length, filters]``.

    Differs from TF: only ``implementation=1`` (and so only ``padding="valid"``); 2 and 3
    raise ValueError. A zero stride is refused when the layer is made.

    Raises:
        ValueError: for bad sizes, padding, data_format or implementation, an input that is
            not 3-D, not fully defined, or too short for one window.

    Example:
        >>> y = tk.keras.layers.LocallyConnected1D(4, 3)(x)    # [N, 10, C] -> [N, 8, 4]
    """

    _rank = 1
    _ndim = 3


class LocallyConnected2D(_LocallyConnected):
    """Unshared-weight 2-D convolution: ``kernel``
    ``[output_rows * output_cols, kernel_rows * kernel_cols * channels, filters]`` and
    ``bias`` ``[output_rows, output_cols, filters]``.

    Differs from TF: only ``implementation=1`` (and so only ``padding="valid"``); 2 and 3
    raise ValueError. A zero stride is refused when the layer is made.

    Raises:
        ValueError: for bad sizes, padding, data_format or implementation, an input that is
            not 4-D, not fully defined, or too small for one window.

    Example:
        >>> y = tk.keras.layers.LocallyConnected2D(4, 3)(x)   # [N, 6, 6, C] -> [N, 4, 4, 4]
    """

    _rank = 2
    _ndim = 4

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str | None = None,
                 **kwargs: Any):
        super().__init__(filters, kernel_size, strides, padding, data_format, **kwargs)


__all__ = ["LocallyConnected1D", "LocallyConnected2D", "window_indices"]
