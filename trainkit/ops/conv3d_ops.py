"""3-D convolution and pooling (``NDHWC``; ``NCDHW`` through transposes), built, as sums
and maxima over the depth taps, from the 2-D ops on ``[batch * out_depth, H, W, C]``
slices, so their gradients are the 2-D ops' own. The kernel's depth must be known when
the graph is built; the input's depth may be known only at run time (then the padding,
the taps' slices and the output depth are computed in the graph; ``avg_pool3d``, whose
divisors depend on it, needs it known).

Example:
    >>> y = conv3d(x, w, strides=[1, 1, 1, 1, 1], padding="SAME")   # w [kd, kh, kw, c, f]
    >>> p = max_pool3d(y, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID")
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, conv_ops, math_ops, pool_ops


def _five(value: Any, what: str) -> list[int]:
    vals = [value] * 3 if isinstance(value, int) else list(value)
    if len(vals) == 3:
        vals = [1, *vals, 1]
    if len(vals) != 5 or vals[0] != 1 or vals[4] != 1:
        raise ValueError(f"{what} must be [1, d, h, w, 1], got {value!r}.")
    return [int(v) for v in vals]


def _depth_plan(d: int, k: int, s: int, dil: int, padding: str) -> tuple[int, int, int]:
    """(out_depth, pad_before, pad_after) along the depth axis."""
    eff = (k - 1) * dil + 1
    if padding == "VALID":
        return (d - eff) // s + 1, 0, 0
    out = -(-d // s)
    total = max((out - 1) * s + eff - d, 0)
    return out, total // 2, total - total // 2


def _depth_plan_in_graph(d: Tensor, k: int, s: int, dil: int, padding: str
                         ) -> tuple[Tensor, Tensor, Tensor]:
    """:func:`_depth_plan` for a depth known only at run time (int32 scalars)."""
    eff = (k - 1) * dil + 1
    if padding == "VALID":
        zero = array_ops.zeros([], dtype=d.dtype)
        return math_ops.floordiv(d - eff, s) + 1, zero, zero
    out = math_ops.floordiv(d + (s - 1), s)
    total = math_ops.maximum((out - 1) * s + eff - d, 0)
    before = math_ops.floordiv(total, 2)
    return out, before, total - before


def _prepare(x: Tensor, data_format: str, who: str, depth_needed: bool = False) -> Tensor:
    if data_format not in ("NDHWC", "NCDHW"):
        raise ValueError(f"{who}: data_format must be 'NDHWC' or 'NCDHW', got "
                         f"{data_format!r}.")
    if x.shape.ndims is None or x.shape.ndims != 5:
        raise ValueError(f"{who}: input must be 5-D, got shape {x.shape}.")
    x = x if data_format == "NDHWC" else array_ops.transpose(x, [0, 2, 3, 4, 1])
    if depth_needed and x.shape.as_list()[1] is None:
        raise ValueError(f"{who}: the input depth must be known, got shape {x.shape}.")
    return x


def _taps(x: Tensor, k: int, s: int, dil: int, padding: str, fill: float
          ) -> tuple[list[Tensor], Any, Any, Any]:
    """The depth slices ``[N * out_depth, H, W, C]`` each kernel tap sees, the output
    depth, the padding before and the input depth (int32 tensors when the depth is known
    only at run time)."""
    d = x.shape.as_list()[1]
    if d is None:
        d = array_ops.shape(x)[1]
        out, before, after = _depth_plan_in_graph(d, k, s, dil, padding)
        zeros = array_ops.zeros([2], dtype=d.dtype)
        pads = array_ops.stack([zeros, array_ops.stack([before, after]), zeros, zeros,
                                zeros])
        x = array_ops.pad(x, pads, constant_values=fill)
    else:
        out, before, after = _depth_plan(d, k, s, dil, padding)
        if before or after:
            x = array_ops.pad(x, [[0, 0], [before, after], [0, 0], [0, 0], [0, 0]],
                              constant_values=fill)
    dims = x.shape.as_list()
    rest = [dims[2] if dims[2] is not None else -1, dims[3] if dims[3] is not None else -1,
            dims[4]]
    slices = []
    for t in range(k):
        start = t * dil
        piece = x[:, start:start + (out - 1) * s + 1:s]
        slices.append(array_ops.reshape(piece, [-1, *rest]) if rest.count(-1) == 0 else
                      array_ops.reshape(piece, array_ops.concat(
                          [[-1], array_ops.shape(piece)[2:]], 0)))
    return slices, out, before, d


def _finish(y: Tensor, out_depth: Any, data_format: str) -> Tensor:
    dims = y.shape.as_list()
    tail = [dims[1], dims[2], dims[3]]
    if isinstance(out_depth, Tensor):
        y = array_ops.reshape(y, array_ops.concat(
            [[-1], array_ops.reshape(out_depth, [1]), array_ops.shape(y)[1:]], 0))
        y.set_shape([None, None, *tail])
    elif None in tail:
        y = array_ops.reshape(y, array_ops.concat([[-1, out_depth], array_ops.shape(y)[1:]],
                                                  0))
    else:
        y = array_ops.reshape(y, [-1, out_depth, *tail])
    return y if data_format == "NDHWC" else array_ops.transpose(y, [0, 4, 1, 2, 3])


def conv3d(input: Any, filter: Any = None, strides: Any = None,  # noqa: A002
           padding: Any = None, data_format: str = "NDHWC",
           dilations: Any = (1, 1, 1, 1, 1), name: str | None = None,
           filters: Any = None) -> Tensor:
    """3-D convolution of ``[N, D, H, W, C]`` with a ``[KD, KH, KW, C, F]`` filter.

    Raises:
        ValueError: bad strides/padding/data_format, a non-5-D input or a filter of
            unknown depth.
    """
    filter = filters if filter is None else filter
    pad = conv_ops.check_padding(padding)
    st, dl = _five(strides, "strides"), _five(dilations, "dilations")
    with name_scope(name, "Conv3D", [input, filter]):
        x = _prepare(conversion.convert_to_tensor(input, name="input"), data_format,
                     "conv3d")
        w = conversion.convert_to_tensor(filter, name="filter", dtype=x.dtype)
        kd = w.shape.as_list()[0] if w.shape.ndims == 5 else None
        if kd is None:
            raise ValueError(f"conv3d: the filter must be 5-D with a known depth, got "
                             f"{w.shape}.")
        slices, out, _, _ = _taps(x, kd, st[1], dl[1], pad, 0.0)
        total = None
        for t, piece in enumerate(slices):
            y = conv_ops.conv2d(piece, w[t], strides=[1, st[2], st[3], 1], padding=pad,
                                dilations=[1, dl[2], dl[3], 1])
            total = y if total is None else math_ops.add(total, y)
        return _finish(total, out, data_format)


def _pool3d(kind: str, input: Any, ksize: Any, strides: Any, padding: Any,
            data_format: str, name: str | None) -> Tensor:
    pad = conv_ops.check_padding(padding)
    ks, st = _five(ksize, "ksize"), _five(strides, "strides")
    who = "max_pool3d" if kind == "max" else "avg_pool3d"
    with name_scope(name, "MaxPool3D" if kind == "max" else "AvgPool3D", [input]):
        x = _prepare(conversion.convert_to_tensor(input, name="input"), data_format, who,
                     depth_needed=kind == "avg")
        low = float(np.finfo(x.dtype.np_dtype).min) if x.dtype.is_floating else 0.0
        slices, out, before, d = _taps(x, ks[1], st[1], 1, pad,
                                       low if kind == "max" else 0.0)
        pool = pool_ops.max_pool if kind == "max" else pool_ops.avg_pool
        pooled = [pool(p, [1, ks[2], ks[3], 1], [1, st[2], st[3], 1], pad) for p in slices]
        total = pooled[0]
        for p in pooled[1:]:
            total = math_ops.maximum(total, p) if kind == "max" else math_ops.add(total, p)
        if kind == "avg":  # divide by the real (unpadded) depth taps of each output
            starts = np.arange(out) * st[1] - before
            valid = np.minimum(starts + ks[1], d) - np.maximum(starts, 0)
            y = _finish(total, out, "NDHWC")
            scale = (1.0 / valid).reshape(1, out, 1, 1, 1)
            y = math_ops.multiply(y, conversion.convert_to_tensor(scale, dtype=x.dtype))
            return y if data_format == "NDHWC" else array_ops.transpose(y, [0, 4, 1, 2, 3])
        return _finish(total, out, data_format)


def max_pool3d(input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
               data_format: str = "NDHWC", name: str | None = None) -> Tensor:
    """The maximum over each ``[kd, kh, kw]`` window.

    Raises:
        ValueError: bad ksize/strides/padding/data_format.
    """
    return _pool3d("max", input, ksize, strides, padding, data_format, name)


def avg_pool3d(input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
               data_format: str = "NDHWC", name: str | None = None) -> Tensor:
    """The mean over each window (``SAME``: over the real entries only, as TF).

    Raises:
        ValueError: bad ksize/strides/padding/data_format or an unknown depth.
    """
    return _pool3d("avg", input, ksize, strides, padding, data_format, name)


__all__ = ["conv3d", "max_pool3d", "avg_pool3d"]
