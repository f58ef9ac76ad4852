"""``tf.nn.with_space_to_batch``: run ``op`` on the space-to-batch form of ``input``, which
turns a sliding-window op into its dilated ("atrous") version: each of the
``prod(dilation_rate)`` phases of the input becomes a batch entry, ``op`` runs on them
with VALID padding, and ``batch_to_space_nd`` interleaves the results back. SAME padding
is reproduced by padding each spatial dimension by the dilated filter's overhang (more
at the end when odd, as ``conv2d``), then cropping what the block rounding added.

Example:
    >>> conv = lambda x, n, pad: tk.nn.conv2d(x, w, [1, 1, 1, 1], pad)
    >>> y = with_space_to_batch(x, [2, 2], "SAME", conv, filter_shape=[3, 3])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import space_batch_ops
from trainkit.ops.static_value import constant_value


def _spatial_dims(spatial_dims: Any, n: int, channels_first: bool) -> list[int]:
    start = 2 if channels_first else 1
    dims = list(range(start, start + n)) if spatial_dims is None else \
        [int(d) for d in spatial_dims]
    if dims != sorted(set(dims)) or any(d < 1 for d in dims):
        raise ValueError("`spatial_dims` must be a monotonically increasing sequence of "
                         f"positive integers. Received: spatial_dims={list(spatial_dims)}")
    return dims


def _base_paddings(filter_shape: Any, rate: np.ndarray) -> np.ndarray:
    shape = filter_shape
    if isinstance(filter_shape, Tensor):
        shape = constant_value(filter_shape)
        if shape is None:
            raise ValueError("with_space_to_batch: filter_shape must be known when the "
                             "graph is built.")
    f = np.asarray(shape, np.int64)[: len(rate)]
    extra = (f - 1) * rate
    return np.stack([extra // 2, extra - extra // 2], axis=1)


def with_space_to_batch(input: Any, dilation_rate: Any, padding: str,  # noqa: A002
                        op: Callable[[Tensor, int, str], Tensor], filter_shape: Any = None,
                        spatial_dims: Any = None, data_format: str | None = None) -> Tensor:
    """``op(input, num_spatial_dims, padding)`` sampled at ``dilation_rate``.

    Args:
        input: a tensor of rank > ``max(spatial_dims)``.
        dilation_rate: ``num_spatial_dims`` positive ints.
        padding: ``"SAME"`` or ``"VALID"``.
        op: ``(converted_input, num_spatial_dims, padding) -> output``; called with
            ``"VALID"`` unless every rate is 1 (then with ``padding``, on ``input`` itself).
        filter_shape: the window's spatial shape, required for SAME.
        spatial_dims: increasing dims >= 1 (default the dims after the batch, or after
            the channels for ``"NC..."`` formats).
        data_format: the layout; only whether it starts with ``"NC"`` matters.

    Returns:
        ``op``'s output mapped back from the batch.

    Raises:
        ValueError: a ``dilation_rate`` that is not a vector of known length or not
            positive, bad ``spatial_dims``, an input of too low rank, a bad padding, SAME
            without ``filter_shape``. Differs from TF: the rates, the filter shape and
            the input's spatial sizes must be known when the graph is built.
    """
    x = conversion.convert_to_tensor(input, name="input")
    rate_t = conversion.convert_to_tensor(dilation_rate, dtype=_dt.int32,
                                          name="dilation_rate")
    if rate_t.shape.ndims not in (None, 1):
        raise ValueError("`dilation_rate.shape.rank` must be 1. Received: "
                         f"dilation_rate={dilation_rate!r} of rank {rate_t.shape.ndims}")
    if not rate_t.shape.is_fully_defined():
        raise ValueError("`dilation_rate.shape` must be fully defined. Received: "
                         f"dilation_rate with shape {rate_t.shape}")
    n = rate_t.shape.as_list()[0]
    channels_first = bool(data_format) and data_format.startswith("NC")
    dims = _spatial_dims(spatial_dims, n, channels_first)
    need = dims[-1] if channels_first else dims[-1] + 1
    if x.shape.ndims is not None and x.shape.ndims < need:
        raise ValueError(f"`input.shape.rank` must be at least {need}. Received: "
                         f"input.shape={x.shape} with rank {x.shape.ndims}")
    rate = constant_value(rate_t)
    if rate is None:
        raise ValueError("with_space_to_batch: dilation_rate must be known when the graph "
                         "is built.")
    rate = np.asarray(rate, np.int64)
    if np.any(rate < 1):
        raise ValueError(f"`dilation_rate` must be positive. Received: dilation_rate={rate}")
    if np.all(rate == 1):
        return op(x, n, padding)
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError("`filter_shape` must be specified for `padding='SAME'`. "
                             f"Received: filter_shape={filter_shape} and padding={padding}")
        base = _base_paddings(filter_shape, rate)
    elif padding == "VALID":
        base = np.zeros((n, 2), np.int64)
    else:
        raise ValueError("`padding` must be one of 'SAME' or 'VALID'. Received: "
                         f"padding={padding}")
    shape = x.shape.as_list() if x.shape.ndims is not None else None
    sizes = None if shape is None else [shape[d] for d in dims]
    if sizes is None or None in sizes:
        raise ValueError("with_space_to_batch: the input's spatial sizes must be known when "
                         f"the graph is built, got {x.shape}.")
    full = np.asarray(sizes) + base.sum(axis=1)
    extra = -full % rate
    # Dims between the spatial ones keep block 1 and no padding (TF's adjustment).
    block = [1] * dims[-1]
    pads = [[0, 0] for _ in range(dims[-1])]
    crops = [[0, 0] for _ in range(dims[-1])]
    for i, d in enumerate(dims):
        block[d - 1] = int(rate[i])
        pads[d - 1] = [int(base[i, 0]), int(base[i, 1] + extra[i])]
        crops[d - 1] = [0, int(extra[i])]
    converted = space_batch_ops.space_to_batch_nd(x, block, pads)
    result = op(converted, n, "VALID")
    return space_batch_ops.batch_to_space_nd(result, block, crops)


__all__ = ["with_space_to_batch"]

