"""2-D convolution: ``conv2d`` and the backprop kernels its gradients use (pooling, which
shares the geometry helpers here, is ``ops/pool_ops.py``).

The convolution is im2col: one strided copy per kernel offset fills a
``[N*OH*OW, KH*KW*C]`` matrix and one matmul applies the filter. The input backprop
(col2im) loops over the KH*KW kernel offsets, never over pixels. The array work lives in
``conv_fast`` (recycled buffers); ``NCHW`` inputs are transposed to ``NHWC`` inside the
kernels.

Example:
    >>> import trainkit as tk
    >>> x = tk.zeros([2, 8, 8, 1]); w = tk.zeros([3, 3, 1, 4])
    >>> tk.nn.conv2d(x, w, strides=[1, 2, 2, 1], padding="SAME").shape.as_list()
    [2, 4, 4, 4]
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import conv_fast
from trainkit.ops.op_util import make_op


# -- geometry ------------------------------------------------------------------------------
def _hw(value: Any, what: str, data_format: str) -> tuple[int, int]:
    """``(h, w)`` from an int, a 1-, 2- or 4-element list (batch/channel entries must be 1)."""
    v = [value] if isinstance(value, int) else [int(i) for i in value]
    if len(v) == 1:
        return v[0], v[0]
    if len(v) == 2:
        return v[0], v[1]
    if len(v) == 4:
        c = 1 if data_format == "NCHW" else 3
        if v[0] != 1 or v[c] != 1:
            raise ValueError(f"{what}: the batch and depth entries must be 1 (got {v}); "
                             "pooling/striding over them is not supported.")
        return (v[2], v[3]) if data_format == "NCHW" else (v[1], v[2])
    raise ValueError(f"{what} must be an int or have 1, 2 or 4 elements, got {value!r}.")


def _out_and_pads(size: int, k: int, s: int, padding: str) -> tuple[int, int, int]:
    """Output size and (before, after) padding along one spatial axis (TF's rules)."""
    if padding == "SAME":
        out = -(-size // s)
        total = max((out - 1) * s + k - size, 0)
        return out, total // 2, total - total // 2
    out = (size - k) // s + 1 if size >= k else 0
    if out <= 0:
        raise ValueError(f"Computed output size would be negative: {size - k + 1} [input "
                         f"size: {size}, kernel size: {k}, stride: {s}]")
    return out, 0, 0


def _static_out(size: int | None, k: int, s: int, padding: str) -> int | None:
    if size is None:
        return None
    return _out_and_pads(size, k, s, padding)[0]


def _check_padding(padding: Any) -> str:
    p = str(padding).upper() if isinstance(padding, str) else padding
    if p not in ("SAME", "VALID"):
        raise ValueError(f"padding must be 'SAME' or 'VALID', got {padding!r}.")
    return p


def _check_format(data_format: Any) -> str:
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"data_format must be 'NHWC' or 'NCHW', got {data_format!r}.")
    return data_format


def _to_nhwc(x: np.ndarray, fmt: str) -> np.ndarray:
    return x.transpose(0, 2, 3, 1) if fmt == "NCHW" else x


def _from_nhwc(x: np.ndarray, fmt: str) -> np.ndarray:
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2)) if fmt == "NCHW" else x


def _nhwc_shape(dims: list, fmt: str) -> list:
    return [dims[0], dims[2], dims[3], dims[1]] if fmt == "NCHW" else list(dims)


def _from_nhwc_shape(dims: list, fmt: str) -> list:
    return [dims[0], dims[3], dims[1], dims[2]] if fmt == "NCHW" else list(dims)


class _Geom:
    """Where every output pixel of a conv/pool reads its input.

    ``offs`` holds, per kernel offset ``(i, j)``, the padded-input slices read there.
    """

    __slots__ = ("kh", "kw", "sh", "sw", "dh", "dw", "oh", "ow", "pads", "offs")

    def __init__(self, h: int, w: int, kh: int, kw: int, sh: int, sw: int, dh: int,
                 dw: int, pad: str):
        self.kh, self.kw, self.sh, self.sw, self.dh, self.dw = kh, kw, sh, sw, dh, dw
        self.oh, pt, pb = _out_and_pads(h, (kh - 1) * dh + 1, sh, pad)
        self.ow, pl, pr = _out_and_pads(w, (kw - 1) * dw + 1, sw, pad)
        self.pads = ((0, 0), (pt, pb), (pl, pr), (0, 0))
        self.offs = tuple(
            (i, j, (slice(None), slice(i * dh, i * dh + sh * (self.oh - 1) + 1, sh),
                    slice(j * dw, j * dw + sw * (self.ow - 1) + 1, sw), slice(None)))
            for i in range(kh) for j in range(kw))

    def crop(self, xp: np.ndarray) -> np.ndarray:
        (_, _), (pt, pb), (pl, pr), _ = self.pads
        return xp[:, pt:xp.shape[1] - pb, pl:xp.shape[2] - pr, :]


@lru_cache(maxsize=64)
def _geom_cached(*key: Any) -> _Geom:
    return _Geom(*key)


def _geometry(h: int, w: int, kh: int, kw: int, attrs: dict) -> _Geom:
    """The (cached, immutable by convention) geometry of a conv/pool on an ``h x w`` input."""
    sh, sw = attrs["strides_hw"]
    dh, dw = attrs.get("dilations_hw", (1, 1))
    return _geom_cached(int(h), int(w), int(kh), int(kw), int(sh), int(sw), int(dh),
                        int(dw), attrs["padding"])


def check_padding(padding: Any) -> str:
    """``'SAME'``/``'VALID'`` (any case) as upper case; ValueError otherwise."""
    return _check_padding(padding)


def check_data_format(data_format: Any) -> str:
    """``'NHWC'`` or ``'NCHW'``; ValueError otherwise."""
    return _check_format(data_format)


def conv_attrs(strides: Any, padding: str, data_format: str, dilations: Any) -> dict:
    """The attrs of a ``Conv2D``-family op (validated strides and dilations)."""
    return {"strides": list(strides) if not isinstance(strides, int) else strides,
            "strides_hw": _hw(strides, "strides", data_format), "padding": padding,
            "data_format": data_format,
            "dilations_hw": _hw(dilations, "dilations", data_format)}


# -- conv2d ---------------------------------------------------------------------------------
def conv2d(input: Any, filter: Any = None, strides: Any = None, padding: Any = None,
           use_cudnn_on_gpu: bool = True, data_format: str = "NHWC",
           dilations: Any = (1, 1, 1, 1), name: str | None = None,
           filters: Any = None) -> Tensor:
    """2-D convolution of a 4-D ``input`` with a ``[KH, KW, C_in, C_out]`` filter.

    Raises:
        ValueError: for bad strides/padding/data_format or mismatched channels.
    """
    if filter is None:
        filter = filters
    if filter is None or strides is None or padding is None:
        raise ValueError("conv2d needs filter, strides and padding.")
    x = conversion.convert_to_tensor(input)
    w = conversion.convert_to_tensor(filter, dtype=x.dtype) if not isinstance(filter, Tensor) \
        else filter
    if not x.dtype.is_floating or w.dtype is not x.dtype:
        raise TypeError(f"conv2d: input and filter must share a floating dtype, got "
                        f"{x.dtype.name} and {w.dtype.name}.")
    fmt = _check_format(data_format)
    attrs = {"strides": list(strides) if not isinstance(strides, int) else strides,
             "strides_hw": _hw(strides, "strides", fmt), "padding": _check_padding(padding),
             "data_format": fmt, "dilations_hw": _hw(dilations, "dilations", fmt)}
    name = name or "Conv2D"
    for t, what in ((x, "input"), (w, "filter")):
        if t.shape.ndims not in (None, 4):
            raise ValueError(f"Shape must be rank 4 but is rank {t.shape.ndims} for '{name}' "
                             f"(op: 'Conv2D'): {what} shape {t.shape}.")
    out = TensorShape(None)
    if x.shape.ndims == 4:
        n, h, wd, c = _nhwc_shape(x.shape.as_list(), fmt)
        o = None
        if w.shape.ndims == 4:
            kh, kw, ci, o = w.shape.as_list()
            if c is not None and ci is not None and c != ci:
                raise ValueError(f"Depth of input ({c}) must match the input depth of the "
                                 f"filter ({ci}) for '{name}' (op: 'Conv2D') with input "
                                 f"shapes: {x.shape}, {w.shape}.")
            dh, dw = attrs["dilations_hw"]
            oh = None if kh is None else _static_out(h, (kh - 1) * dh + 1,
                                                     attrs["strides_hw"][0], attrs["padding"])
            ow = None if kw is None else _static_out(wd, (kw - 1) * dw + 1,
                                                     attrs["strides_hw"][1], attrs["padding"])
            out = TensorShape(_from_nhwc_shape([n, oh, ow, o], fmt))
        else:
            out = TensorShape([None] * 4)
    return make_op("Conv2D", [x, w], [x.dtype], name=name, attrs=attrs,
                   shapes=[out]).outputs[0]


def _conv_forward(ctx: registry.KernelContext, x: np.ndarray, w: np.ndarray) -> np.ndarray:
    h, wd, c = x.shape[1:]
    kh, kw, ci, _ = w.shape
    if c != ci:
        raise errors.InvalidArgumentError(
            None, None, f"input depth must be evenly divisible by filter depth: {c} vs {ci}")
    return conv_fast.conv_forward(ctx, x, w, _geometry(h, wd, kh, kw, ctx.attrs))


@registry.register_kernel("Conv2D")
def _conv2d_kernel(ctx: registry.KernelContext, x: Any, w: Any) -> np.ndarray:
    fmt = ctx.attrs["data_format"]
    try:
        y = _conv_forward(ctx, _to_nhwc(np.asarray(x), fmt), np.asarray(w))
    except ValueError as e:
        raise errors.InvalidArgumentError(None, None, str(e)) from None
    return _from_nhwc(y, fmt)


def conv2d_backprop_input(input_sizes: Any, filter: Tensor, out_backprop: Tensor,
                          attrs: dict, name: str = "Conv2DBackpropInput") -> Tensor:
    """The gradient of ``conv2d`` with respect to its input (of shape ``input_sizes``)."""
    s = conversion.convert_to_tensor(input_sizes)
    from trainkit.ops.static_value import partial_shape_value

    return make_op("Conv2DBackpropInput", [s, filter, out_backprop], [out_backprop.dtype],
                   name=name, attrs=dict(attrs), shapes=[partial_shape_value(s)]).outputs[0]


def conv2d_backprop_filter(input: Tensor, filter_sizes: Any, out_backprop: Tensor,
                           attrs: dict, name: str = "Conv2DBackpropFilter") -> Tensor:
    """The gradient of ``conv2d`` with respect to its filter (of shape ``filter_sizes``)."""
    s = conversion.convert_to_tensor(filter_sizes)
    from trainkit.ops.static_value import partial_shape_value

    return make_op("Conv2DBackpropFilter", [input, s, out_backprop], [out_backprop.dtype],
                   name=name, attrs=dict(attrs), shapes=[partial_shape_value(s)]).outputs[0]


@registry.register_kernel("Conv2DBackpropInput")
def _conv2d_bp_input(ctx: registry.KernelContext, sizes: Any, w: Any, dy: Any) -> Any:
    fmt = ctx.attrs["data_format"]
    n, h, wd, c = _nhwc_shape([int(d) for d in sizes], fmt)
    dy = _to_nhwc(np.asarray(dy), fmt)
    w = np.asarray(w)
    g = _geometry(h, wd, w.shape[0], w.shape[1], ctx.attrs)
    if dy.ndim != 4 or dy.shape[1:3] != (g.oh, g.ow) or dy.shape[0] != n or \
            w.shape[2] != c or dy.shape[3] != w.shape[3]:
        raise errors.InvalidArgumentError(
            None, None, f"Conv2DBackpropInput: out_backprop of shape {list(dy.shape)} does "
                        f"not fit input_sizes {[n, h, wd, c]} and filter {list(w.shape)} "
                        f"(computed out_backprop spatial size {[g.oh, g.ow]})")
    return _from_nhwc(conv_fast.conv_input_grad(ctx, dy, w, g, (n, h, wd, c)), fmt)


@registry.register_kernel("Conv2DBackpropFilter")
def _conv2d_bp_filter(ctx: registry.KernelContext, x: Any, sizes: Any, dy: Any) -> Any:
    fmt = ctx.attrs["data_format"]
    x = _to_nhwc(np.asarray(x), fmt)
    dy = _to_nhwc(np.asarray(dy), fmt)
    kh, kw, c, co = (int(d) for d in sizes)
    g = _geometry(x.shape[1], x.shape[2], kh, kw, ctx.attrs)
    return conv_fast.conv_filter_grad(ctx, x, dy, g, (kh, kw, c, co))


__all__ = ["conv2d", "conv2d_backprop_input", "conv2d_backprop_filter"]
