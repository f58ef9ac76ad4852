"""``tf.nn.max_pool_with_argmax``, and the rank-generic ``tf.nn.convolution`` /
``tf.nn.pool`` that dispatch to the 1-D, 2-D and 3-D ops.

``max_pool_with_argmax`` returns the 2-D max pool (its gradient is ``MaxPool``'s) and the
flat index of each maximum, ``(y * width + x) * channels + c`` (plus
``batch * height * width * channels`` with ``include_batch_in_index``), the first maximum
of a window in row-major order winning ties, as TF.

Example:
    >>> pooled, argmax = max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import conv1d_ops, conv3d_ops, conv_ops, pool_ops, pooling1d_ops
from trainkit.ops.op_util import make_op


def max_pool_with_argmax(input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
                         data_format: str = "NHWC", Targmax: Any = None,  # noqa: N803
                         name: str | None = None, output_dtype: Any = None,
                         include_batch_in_index: bool = False) -> tuple[Tensor, Tensor]:
    """``(output, argmax)`` of a 2-D max pool over an NHWC input.

    Raises:
        ValueError: a data format other than NHWC, or bad ksize/strides/padding.
    """
    if data_format != "NHWC":
        raise ValueError("max_pool_with_argmax supports data_format='NHWC' only.")
    dt = _dt.as_dtype(output_dtype or Targmax or _dt.int64)
    with name_scope(name, "MaxPoolWithArgmax", [input]):
        x = conversion.convert_to_tensor(input, name="input")
        out = pool_ops.max_pool(x, ksize, strides, padding)
        arg = make_op("MaxPoolArgmax", [x], [dt], name="argmax",
                      attrs={"ksize": list(ksize), "strides": list(strides),
                             "padding": conv_ops.check_padding(padding),
                             "batch": bool(include_batch_in_index)},
                      shapes=[out.shape]).outputs[0]
        return out, arg


def _window_plan(size: int, k: int, s: int, padding: str) -> tuple[int, int]:
    if padding == "VALID":
        return (size - k) // s + 1, 0
    out = -(-size // s)
    return out, max((out - 1) * s + k - size, 0) // 2


@registry.register_kernel("MaxPoolArgmax")
def _argmax_kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    a = ctx.attrs
    x = np.asarray(x)
    n, h, w, c = x.shape
    _, kh, kw, _ = a["ksize"]
    _, sh, sw, _ = a["strides"]
    oh, top = _window_plan(h, kh, sh, a["padding"])
    ow, left = _window_plan(w, kw, sw, a["padding"])
    best = np.full((n, oh, ow, c), -np.inf)
    where = np.zeros((n, oh, ow, c), np.int64)
    rows = np.arange(oh) * sh - top
    cols = np.arange(ow) * sw - left
    for i in range(kh):
        for j in range(kw):
            r, q = rows + i, cols + j
            ok = ((r >= 0) & (r < h))[:, None] & ((q >= 0) & (q < w))[None, :]
            vals = x[:, np.clip(r, 0, h - 1)][:, :, np.clip(q, 0, w - 1)]
            vals = np.where(ok[None, :, :, None], vals, -np.inf)
            better = vals > best
            flat = (np.clip(r, 0, h - 1)[:, None] * w + np.clip(q, 0, w - 1)[None, :])
            idx = flat[None, :, :, None] * c + np.arange(c)[None, None, None, :]
            best = np.where(better, vals, best)
            where = np.where(better, idx, where)
    if a["batch"]:
        where = where + (np.arange(n) * h * w * c)[:, None, None, None]
    return where.astype(ctx.op.outputs[0].dtype.np_dtype)


registry.not_differentiable("MaxPoolArgmax")


def convolution(input: Any, filter: Any, padding: Any, strides: Any = None,  # noqa: A002
                dilation_rate: Any = None, name: str | None = None,
                data_format: str | None = None, filters: Any = None,
                dilations: Any = None) -> Tensor:
    """``tf.nn.convolution``: a 1-, 2- or 3-D convolution chosen by the filter's rank
    (``strides`` / ``dilation_rate`` one entry per spatial dimension).

    Raises:
        ValueError: a filter of rank other than 3, 4 or 5.
    """
    w = conversion.convert_to_tensor(filter if filter is not None else filters, name="filter")
    nd = (w.shape.ndims or 0) - 2
    st = [1] * nd if strides is None else list(strides)
    dil = dilation_rate if dilation_rate is not None else dilations
    dil = [1] * nd if dil is None else list(dil)
    channels_first = bool(data_format) and data_format.startswith("NC")
    if nd == 1:
        return conv1d_ops.conv1d(input, w, st[0], padding, data_format=data_format,
                                 dilations=dil[0], name=name)
    if nd == 2:
        full = [1, 1, *st] if channels_first else [1, *st, 1]
        dfull = [1, 1, *dil] if channels_first else [1, *dil, 1]
        return conv_ops.conv2d(input, w, full, padding, data_format=data_format or "NHWC",
                               dilations=dfull, name=name)
    if nd == 3:
        return conv3d_ops.conv3d(input, w, [1, *st, 1], padding,
                                 data_format=data_format or "NDHWC",
                                 dilations=[1, *dil, 1], name=name)
    raise ValueError(f"convolution: the filter must have rank 3, 4 or 5, got {w.shape}.")


def pool(input: Any, window_shape: Any, pooling_type: str, padding: Any,  # noqa: A002
         dilation_rate: Any = None, strides: Any = None, name: str | None = None,
         data_format: str | None = None, dilations: Any = None) -> Tensor:
    """``tf.nn.pool``: ``"MAX"`` or ``"AVG"`` pooling over 1, 2 or 3 spatial dimensions
    (``window_shape`` one entry per dimension; dilation 1 only).

    Raises:
        ValueError: an unknown pooling type, a dilation, or an unsupported rank.
    """
    kind = pooling_type.upper()
    if kind not in ("MAX", "AVG"):
        raise ValueError(f"pooling_type must be 'MAX' or 'AVG', got {pooling_type!r}.")
    dil = dilation_rate if dilation_rate is not None else dilations
    if dil is not None and any(int(d) != 1 for d in dil):
        raise ValueError("pool: dilation_rate other than 1 is not supported.")
    win = list(window_shape)
    st = list(strides) if strides is not None else [1] * len(win)
    if len(win) == 1:
        fn = pooling1d_ops.max_pool1d if kind == "MAX" else pooling1d_ops.avg_pool1d
        return fn(input, win, st, padding, data_format=data_format or "NWC", name=name)
    if len(win) == 2:
        fn = pool_ops.max_pool if kind == "MAX" else pool_ops.avg_pool
        cf = bool(data_format) and data_format.startswith("NC")
        ks = [1, 1, *win] if cf else [1, *win, 1]
        ss = [1, 1, *st] if cf else [1, *st, 1]
        return fn(input, ks, ss, padding, data_format=data_format or "NHWC", name=name)
    if len(win) == 3:
        fn = conv3d_ops.max_pool3d if kind == "MAX" else conv3d_ops.avg_pool3d
        return fn(input, [1, *win, 1], [1, *st, 1], padding,
                  data_format=data_format or "NDHWC", name=name)
    raise ValueError(f"pool: window_shape must have 1 to 3 entries, got {window_shape!r}.")


__all__ = ["max_pool_with_argmax", "convolution", "pool"]
