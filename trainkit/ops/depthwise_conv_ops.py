"""Depthwise and separable 2-D convolution (``tf.compat.v1.nn.depthwise_conv2d``,
``depthwise_conv2d_native`` and its backprops, ``separable_conv2d``).

A depthwise convolution filters every input channel ``c`` with its own ``[KH, KW]``
filters ``w[:, :, c, m]`` (``m < channel_multiplier``); output channel ``c * M + m`` holds
``sum_{i,j} x[n, oh*sh + i*dh, ow*sw + j*dw, c] * w[i, j, c, m]``. The kernels loop over
the KH*KW kernel taps only: each tap is one strided view of the padded input multiplied
into a ``[N, OH, OW, C, M]`` accumulator (the backprops are the same taps transposed), so
no Python loop ever runs over pixels.

Example:
    >>> y = depthwise_conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME")  # w [3, 3, C, 2]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import conv_ops
from trainkit.ops.op_util import make_op
from trainkit.ops.static_value import partial_shape_value


# -- geometry -------------------------------------------------------------------------------
def _out_pads(size: int, k: int, s: int, padding: str) -> tuple[int, int]:
    """Output size and padding before along one axis (TF's SAME/VALID rules)."""
    if padding == "SAME":
        out = -(-size // s)
        return out, max((out - 1) * s + k - size, 0) // 2
    out = (size - k) // s + 1 if size >= k else 0
    if out <= 0:
        raise ValueError(f"Computed output size would be negative: {size - k + 1} [input "
                         f"size: {size}, effective filter size: {k}, stride: {s}]")
    return out, 0


class _Taps:
    """Output size, padding and the padded-input slice each kernel tap ``(i, j)`` reads."""

    def __init__(self, h: int, w: int, kh: int, kw: int, attrs: dict):
        (sh, sw), (dh, dw) = attrs["strides_hw"], attrs["dilations_hw"]
        pad = attrs["padding"]
        self.oh, pt = _out_pads(h, (kh - 1) * dh + 1, sh, pad)
        self.ow, pl = _out_pads(w, (kw - 1) * dw + 1, sw, pad)
        ph = max((self.oh - 1) * sh + (kh - 1) * dh + 1 - h, 0) if pad == "SAME" else 0
        pw = max((self.ow - 1) * sw + (kw - 1) * dw + 1 - w, 0) if pad == "SAME" else 0
        self.pads = ((0, 0), (pt, ph - pt), (pl, pw - pl), (0, 0))
        self.h, self.w = h, w
        self.taps = [(i, j, (slice(None), slice(i * dh, i * dh + sh * (self.oh - 1) + 1, sh),
                             slice(j * dw, j * dw + sw * (self.ow - 1) + 1, sw)))
                     for i in range(kh) for j in range(kw)]

    def pad(self, x: np.ndarray) -> np.ndarray:
        return np.pad(x, self.pads) if any(p != (0, 0) for p in self.pads) else x

    def crop(self, xp: np.ndarray) -> np.ndarray:
        t, left = self.pads[1][0], self.pads[2][0]
        return np.ascontiguousarray(xp[:, t:t + self.h, left:left + self.w])


def _to_nhwc(x: np.ndarray, fmt: str) -> np.ndarray:
    return x.transpose(0, 2, 3, 1) if fmt == "NCHW" else x


def _from_nhwc(x: np.ndarray, fmt: str) -> np.ndarray:
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2)) if fmt == "NCHW" else x


def _nhwc(dims: list, fmt: str) -> list:
    return [dims[0], dims[2], dims[3], dims[1]] if fmt == "NCHW" else list(dims)


def _attrs(strides: Any, padding: Any, data_format: Any, dilations: Any) -> dict:
    fmt = conv_ops.check_data_format(data_format)
    a = conv_ops.conv_attrs(strides, conv_ops.check_padding(padding), fmt, dilations)
    if a["strides_hw"][0] != a["strides_hw"][1]:
        raise ValueError(f"Current implementation only supports equal length strides in "
                         f"the row and column dimensions, got strides {strides!r}.")
    if min(a["strides_hw"]) < 1 or min(a["dilations_hw"]) < 1:
        raise ValueError(f"strides and dilations must be positive, got {strides!r} and "
                         f"{dilations!r}.")
    return a


# -- the op ---------------------------------------------------------------------------------
def depthwise_conv2d_native(input: Any, filter: Any, strides: Any, padding: Any,
                            data_format: str = "NHWC", dilations: Any = (1, 1, 1, 1),
                            name: str | None = None) -> Tensor:
    """``DepthwiseConv2dNative``: a ``[N, H, W, C]`` input and a ``[KH, KW, C, M]`` filter
    give a ``[N, OH, OW, C * M]`` output (``NCHW`` supported too).

    Raises:
        TypeError: for non-floating or mismatched dtypes.
        ValueError: for bad strides/padding/data_format/dilations, non-4-D operands or a
            filter whose input depth differs from the input's channels.
    """
    x = conversion.convert_to_tensor(input, name="input")
    w = filter if isinstance(filter, Tensor) else conversion.convert_to_tensor(
        filter, dtype=x.dtype if x.dtype.is_floating else None, name="filter")
    if not x.dtype.is_floating or w.dtype is not x.dtype:
        raise TypeError(f"depthwise_conv2d: input and filter must share a floating dtype, "
                        f"got {x.dtype.name} and {w.dtype.name}.")
    attrs = _attrs(strides, padding, data_format, dilations)
    fmt = attrs["data_format"]
    name = name or "DepthwiseConv2dNative"
    for t, what in ((x, "input"), (w, "filter")):
        if t.shape.ndims not in (None, 4):
            raise ValueError(f"Shape must be rank 4 but is rank {t.shape.ndims} for '{name}' "
                             f"(op: 'DepthwiseConv2dNative'): {what} shape {t.shape}.")
    n, h, wd, c = _nhwc(x.shape.as_list(), fmt) if x.shape.ndims == 4 else [None] * 4
    kh, kw, ci, m = w.shape.as_list() if w.shape.ndims == 4 else [None] * 4
    if c is not None and ci is not None and c != ci:
        raise ValueError(f"Dimensions must be equal, but are {c} and {ci} for '{name}' (op: "
                         f"'DepthwiseConv2dNative'): input depth vs filter in_channels.")
    c = c if c is not None else ci
    oh = ow = None
    if h is not None and kh is not None:
        oh = _out_pads(h, (kh - 1) * attrs["dilations_hw"][0] + 1, attrs["strides_hw"][0],
                       attrs["padding"])[0]
    if wd is not None and kw is not None:
        ow = _out_pads(wd, (kw - 1) * attrs["dilations_hw"][1] + 1, attrs["strides_hw"][1],
                       attrs["padding"])[0]
    oc = c * m if c is not None and m is not None else None
    out = [n, oh, ow, oc] if fmt == "NHWC" else [n, oc, oh, ow]
    return make_op("DepthwiseConv2dNative", [x, w], [x.dtype], name=name, attrs=attrs,
                   shapes=[TensorShape(out)]).outputs[0]


def _invalid(e: Exception) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, str(e))


@registry.register_kernel("DepthwiseConv2dNative")
def _depthwise_kernel(ctx: registry.KernelContext, x: Any, w: Any) -> np.ndarray:
    fmt = ctx.attrs["data_format"]
    x, w = _to_nhwc(np.asarray(x), fmt), np.asarray(w)
    n, h, wd, c = x.shape
    kh, kw, ci, m = w.shape
    if c != ci:
        raise errors.InvalidArgumentError(
            None, None, f"input and filter must have the same depth: {c} vs {ci}")
    try:
        g = _Taps(h, wd, kh, kw, ctx.attrs)
    except ValueError as e:
        raise _invalid(e) from None
    xp = g.pad(x)
    out = np.zeros((n, g.oh, g.ow, c, m), dtype=np.result_type(x, w))
    part = np.empty_like(out)
    for i, j, sl in g.taps:
        np.multiply(xp[sl][..., None], w[i, j], out=part)
        out += part
    return _from_nhwc(out.reshape(n, g.oh, g.ow, c * m), fmt)


# -- backprops ------------------------------------------------------------------------------
def depthwise_conv2d_native_backprop_input(input_sizes: Any, filter: Any, out_backprop: Any,
                                           strides: Any, padding: Any,
                                           data_format: str = "NHWC",
                                           dilations: Any = (1, 1, 1, 1),
                                           name: str | None = None) -> Tensor:
    """The gradient of ``depthwise_conv2d_native`` with respect to its input (of shape
    ``input_sizes``)."""
    attrs = _attrs(strides, padding, data_format, dilations)
    dy = conversion.convert_to_tensor(out_backprop)
    w = conversion.convert_to_tensor(filter, dtype=dy.dtype)
    s = conversion.convert_to_tensor(input_sizes)
    return make_op("DepthwiseConv2dNativeBackpropInput", [s, w, dy], [dy.dtype],
                   name=name or "DepthwiseConv2dNativeBackpropInput", attrs=attrs,
                   shapes=[partial_shape_value(s)]).outputs[0]


def depthwise_conv2d_native_backprop_filter(input: Any, filter_sizes: Any, out_backprop: Any,
                                            strides: Any, padding: Any,
                                            data_format: str = "NHWC",
                                            dilations: Any = (1, 1, 1, 1),
                                            name: str | None = None) -> Tensor:
    """The gradient of ``depthwise_conv2d_native`` with respect to its filter (of shape
    ``filter_sizes``)."""
    attrs = _attrs(strides, padding, data_format, dilations)
    dy = conversion.convert_to_tensor(out_backprop)
    x = conversion.convert_to_tensor(input, dtype=dy.dtype)
    s = conversion.convert_to_tensor(filter_sizes)
    return make_op("DepthwiseConv2dNativeBackpropFilter", [x, s, dy], [dy.dtype],
                   name=name or "DepthwiseConv2dNativeBackpropFilter", attrs=attrs,
                   shapes=[partial_shape_value(s)]).outputs[0]


def _check_dy(dy: np.ndarray, n: int, g: _Taps, c: int, m: int, who: str) -> np.ndarray:
    if dy.shape != (n, g.oh, g.ow, c * m):
        raise errors.InvalidArgumentError(
            None, None, f"{who}: out_backprop of shape {list(dy.shape)} does not fit the "
                        f"computed output shape {[n, g.oh, g.ow, c * m]}")
    return dy.reshape(n, g.oh, g.ow, c, m)


@registry.register_kernel("DepthwiseConv2dNativeBackpropInput")
def _depthwise_bp_input(ctx: registry.KernelContext, sizes: Any, w: Any, dy: Any) -> Any:
    fmt = ctx.attrs["data_format"]
    n, h, wd, c = _nhwc([int(d) for d in sizes], fmt)
    w = np.asarray(w)
    kh, kw, ci, m = w.shape
    if ci != c:
        raise errors.InvalidArgumentError(
            None, None, f"DepthwiseConv2dNativeBackpropInput: filter depth {ci} does not "
                        f"match input depth {c}")
    try:
        g = _Taps(h, wd, kh, kw, ctx.attrs)
    except ValueError as e:
        raise _invalid(e) from None
    dy5 = _check_dy(_to_nhwc(np.asarray(dy), fmt), n, g, c, m,
                    "DepthwiseConv2dNativeBackpropInput")
    dxp = np.zeros((n, h + sum(g.pads[1]), wd + sum(g.pads[2]), c), dtype=dy5.dtype)
    for i, j, sl in g.taps:
        dxp[sl] += np.einsum("nhwcm,cm->nhwc", dy5, w[i, j])
    return _from_nhwc(g.crop(dxp), fmt)


@registry.register_kernel("DepthwiseConv2dNativeBackpropFilter")
def _depthwise_bp_filter(ctx: registry.KernelContext, x: Any, sizes: Any, dy: Any) -> Any:
    fmt = ctx.attrs["data_format"]
    x = _to_nhwc(np.asarray(x), fmt)
    n, h, wd, c = x.shape
    kh, kw, ci, m = (int(d) for d in sizes)
    if ci != c:
        raise errors.InvalidArgumentError(
            None, None, f"DepthwiseConv2dNativeBackpropFilter: filter depth {ci} does not "
                        f"match input depth {c}")
    try:
        g = _Taps(h, wd, kh, kw, ctx.attrs)
    except ValueError as e:
        raise _invalid(e) from None
    dy5 = _check_dy(_to_nhwc(np.asarray(dy), fmt), n, g, c, m,
                    "DepthwiseConv2dNativeBackpropFilter")
    xp = g.pad(x)
    dw = np.empty((kh, kw, c, m), dtype=dy5.dtype)
    p = n * g.oh * g.ow
    dyt = dy5.reshape(p, c, m).transpose(1, 2, 0)  # [C, M, P]
    for i, j, sl in g.taps:
        patch = np.ascontiguousarray(xp[sl]).reshape(p, c).T[:, :, None]  # [C, P, 1]
        dw[i, j] = np.matmul(dyt, patch)[..., 0]
    return dw


# -- the nn functions -----------------------------------------------------------------------
def _rate(rate: Any, dilations: Any, strides: Any, fmt: str) -> list:
    """The 4-element dilations from TF1's ``rate`` (``[rh, rw]``) or ``dilations``."""
    if rate is not None and dilations is not None:
        raise ValueError("Cannot specify both 'rate' and 'dilations'.")
    r = rate if rate is not None else dilations
    if r is None:
        r = [1, 1]
    rl = [int(r)] * 2 if isinstance(r, (int, np.integer)) else [int(v) for v in r]
    if len(rl) == 4:
        rl = rl[1:3] if fmt == "NHWC" else rl[2:]
    if len(rl) != 2 or min(rl) < 1:
        raise ValueError(f"rate must be two positive integers, got {r!r}.")
    st = conv_ops.conv_attrs(strides, "SAME", fmt, [1, 1])["strides_hw"]
    if max(rl) > 1 and max(st) > 1:
        raise ValueError(f"strides > 1 not supported in conjunction with dilation_rate > 1 "
                         f"(strides={strides!r}, rate={r!r}).")
    return [1, rl[0], rl[1], 1] if fmt == "NHWC" else [1, 1, rl[0], rl[1]]


def depthwise_conv2d(input: Any, filter: Any, strides: Any, padding: Any, rate: Any = None,
                     name: str | None = None, data_format: str | None = None,
                     dilations: Any = None) -> Tensor:
    """``tf.compat.v1.nn.depthwise_conv2d``: per-channel 2-D convolution with a
    ``[KH, KW, C, channel_multiplier]`` filter and optional atrous ``rate`` ``[rh, rw]``.

    The op is named by the scope (``depthwise``), as in TF1.

    Raises:
        ValueError: for strides > 1 together with rate > 1, bad padding/format, or
            mismatched shapes.
    """
    fmt = conv_ops.check_data_format(data_format or "NHWC")
    dil = _rate(rate, dilations, strides, fmt)
    with name_scope(name, "depthwise", [input, filter]) as scope:
        x = conversion.convert_to_tensor(input, name="tensor_in")
        w = conversion.convert_to_tensor(filter, name="filter_in")
        return depthwise_conv2d_native(x, w, strides, padding, data_format=fmt,
                                       dilations=dil, name=scope)


def separable_conv2d(input: Any, depthwise_filter: Any, pointwise_filter: Any, strides: Any,
                     padding: Any, rate: Any = None, name: str | None = None,
                     data_format: str | None = None, dilations: Any = None) -> Tensor:
    """``tf.compat.v1.nn.separable_conv2d``: a depthwise convolution with
    ``depthwise_filter`` ``[KH, KW, C, M]`` followed by a 1x1 ``conv2d`` with
    ``pointwise_filter`` ``[1, 1, C * M, out_channels]``.

    Raises:
        ValueError: for a pointwise filter that is not ``[1, 1, ...]``, or as
            ``depthwise_conv2d``.
    """
    fmt = conv_ops.check_data_format(data_format or "NHWC")
    dil = _rate(rate, dilations, strides, fmt)
    with name_scope(name, "separable_conv2d",
                    [input, depthwise_filter, pointwise_filter]) as scope:
        x = conversion.convert_to_tensor(input, name="tensor_in")
        dw = conversion.convert_to_tensor(depthwise_filter, name="depthwise_filter")
        pw = conversion.convert_to_tensor(pointwise_filter, name="pointwise_filter")
        if pw.shape.ndims not in (None, 4):
            raise ValueError(f"Shape must be rank 4 but is rank {pw.shape.ndims}: "
                             f"pointwise_filter shape {pw.shape}.")
        if pw.shape.ndims == 4 and any(d not in (None, 1) for d in pw.shape.as_list()[:2]):
            raise ValueError(f"pointwise_filter must be [1, 1, in, out], got {pw.shape}.")
        depthwise = depthwise_conv2d_native(x, dw, strides, padding, data_format=fmt,
                                            dilations=dil, name="depthwise")
        return conv_ops.conv2d(depthwise, pw, [1, 1, 1, 1], padding="VALID",
                               data_format=fmt, name=scope)
