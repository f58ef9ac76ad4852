"""1-D pooling over ``[batch, width, channels]`` (``NWC``) or ``[batch, channels, width]``
(``NCW``): ``tf.nn.max_pool1d`` / ``avg_pool1d``, run as the 2-D pooling ops on a height-1
image (so gradients are the 2-D ops' own), as TF does.

Example:
    >>> y = max_pool1d(x, ksize=2, strides=2, padding="VALID")   # [b, w // 2, c]
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, pool_ops


def _one(value: Any, what: str) -> int:
    vals = [value] if isinstance(value, int) else list(value)
    if len(vals) == 3:  # TF also takes [1, k, 1]
        vals = [vals[1]] if vals[0] == vals[2] == 1 else vals
    if len(vals) != 1:
        raise ValueError(f"{what} should be of length 1 or 3, got {value!r}.")
    return int(vals[0])


def _pool1d(pool: Any, x: Any, ksize: Any, strides: Any, padding: str, data_format: str,
            name: str | None, default: str) -> Tensor:
    if data_format not in ("NWC", "NCW", "NHWC", "NCHW"):
        raise ValueError(f"data_format must be 'NWC' or 'NCW', got {data_format!r}.")
    channels_last = data_format in ("NWC", "NHWC")
    k, s = _one(ksize, "ksize"), _one(strides, "strides")
    with name_scope(name, default, [x]) as scope:
        x = conversion.convert_to_tensor(x, name="input")
        if x.shape.ndims is not None and x.shape.ndims != 3:
            raise ValueError(f"{default}: input must be 3-D, got shape {x.shape}.")
        axis = 1 if channels_last else 2  # a height-1 axis before the width
        fmt = "NHWC" if channels_last else "NCHW"
        ks, st = ([1, 1, k, 1], [1, 1, s, 1]) if channels_last else ([1, 1, 1, k],
                                                                      [1, 1, 1, s])
        y = pool(array_ops.expand_dims(x, axis), ks, st, padding, data_format=fmt)
        return array_ops.squeeze(y, [axis], name=scope)


def max_pool1d(input: Any, ksize: Any, strides: Any, padding: str,  # noqa: A002
               data_format: str = "NWC", name: str | None = None) -> Tensor:
    """The maximum over each ``ksize`` window of the width axis, moved by ``strides``.

    Raises:
        ValueError: a non-3-D input, a bad ``ksize``/``strides`` or ``data_format``.
    """
    return _pool1d(pool_ops.max_pool, input, ksize, strides, padding, data_format, name,
                   "MaxPool1d")


def avg_pool1d(input: Any, ksize: Any, strides: Any, padding: str,  # noqa: A002
               data_format: str = "NWC", name: str | None = None) -> Tensor:
    """The mean over each window of the width axis (``SAME`` averages only real entries).

    Raises:
        ValueError: a non-3-D input, a bad ``ksize``/``strides`` or ``data_format``.
    """
    return _pool1d(pool_ops.avg_pool, input, ksize, strides, padding, data_format, name,
                   "AvgPool1D")


__all__ = ["max_pool1d", "avg_pool1d"]
