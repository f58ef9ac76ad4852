"""Grayscale morphology: ``tf.compat.v1.nn.dilation2d`` / ``erosion2d`` and the
``Dilation2D`` kernels (the forward op and TF's two backprop ops).

The dilation of an NHWC ``input`` by a ``[fh, fw, depth]`` structuring function is the
max-plus correlation ``out[b, y, x, c] = max_{i, j} input[b, y * sh + i * rh - top,
x * sw + j * rw - left, c] + filter[i, j, c]`` over the taps that land inside the input
(``top``/``left`` from TF's SAME/VALID rule on the effective size ``f + (f - 1)(r - 1)``);
a window without any such tap holds the dtype's lowest value, as TF. The backprop ops
send each output's gradient to its argmax (the first maximum in row-major tap order, TF's
strict ``>``), the input at that tap or the filter tap. Erosion is TF's dual: the
negated dilation of the negated input by the spatially reversed filter.

Example:
    >>> y = tk.nn.dilation2d(x, k, strides=[1, 1, 1, 1], rates=[1, 2, 2, 1],
    ...                      padding="SAME")            # x [b, h, w, c], k [kh, kw, c]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import sequence_ops, unary_ops
from trainkit.ops.op_util import make_op

_TYPES = (_dt.float16, _dt.float32, _dt.float64, _dt.int8, _dt.int16, _dt.int32,
          _dt.int64, _dt.uint8)


def _four(value: Any, what: str) -> list[int]:
    if not isinstance(value, list | tuple):
        raise TypeError(f"Expected list for '{what}' argument to 'dilation2d' Op, not "
                        f"{value!r}.")
    v = [int(i) for i in value]
    if len(v) != 4:
        raise ValueError(f"Dilation2D requires the {what} attribute to contain 4 values, "
                         f"but got: {len(v)}.")
    return v


def _padding(padding: Any) -> str:
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"Attr 'padding' of 'Dilation2D' Op passed string {padding!r} "
                         "not in: \"SAME\", \"VALID\".")
    return padding


def window(size: int, k: int, stride: int, rate: int, padding: str) -> tuple[int, int]:
    """``(out_size, pad_before)`` of one spatial axis (TF's windowed-output rule on the
    effective size ``k + (k - 1) * (rate - 1)``).

    Raises:
        ValueError: a VALID window larger than the input by more than one stride.
    """
    eff = k + (k - 1) * (rate - 1)
    if padding == "VALID":
        out = int((size - eff + stride) / stride)  # C++ division truncates toward 0
        if out < 0:
            raise ValueError(f"Computed output size would be negative: {out} [input_size: "
                             f"{size}, effective_filter_size: {eff}, stride: {stride}]")
        return out, 0
    out = -(-size // stride)
    return out, max((out - 1) * stride + eff - size, 0) // 2


def _attrs(strides: Any, rates: Any, padding: Any) -> dict:
    st, rt = _four(strides, "strides"), _four(rates, "rates")
    if st[1] <= 0 or st[2] <= 0:
        raise ValueError(f"Stride must be > 0, but got {min(st[1], st[2])}.")
    return {"strides": st, "rates": rt, "padding": _padding(padding)}


def _static_out(x: TensorShape, f: TensorShape, a: dict) -> TensorShape:
    dims = x.as_list() if x.ndims == 4 else [None] * 4
    fd = f.as_list() if f.ndims == 3 else [None] * 3
    out = [dims[0], None, None, dims[3] if dims[3] is not None else fd[2]]
    for ax in (1, 2):
        if dims[ax] is not None and fd[ax - 1] is not None:
            out[ax] = window(dims[ax], fd[ax - 1], a["strides"][ax], a["rates"][ax],
                             a["padding"])[0]
    return TensorShape(out)


def dilation2d(input: Any, filter: Any = None, strides: Any = None,  # noqa: A002
               rates: Any = None, padding: Any = None, name: str | None = None,
               filters: Any = None, dilations: Any = None) -> Tensor:
    """The grayscale dilation of a 4-D NHWC ``input`` by a 3-D ``filter``.

    Args:
        input: ``[batch, in_height, in_width, depth]``, a real dtype.
        filter: ``[filter_height, filter_width, depth]`` of ``input``'s dtype
            (``filters`` is TF's newer name).
        strides: 4 ints ``[1, stride_height, stride_width, 1]``.
        rates: 4 ints ``[1, rate_height, rate_width, 1]`` (``dilations``).
        padding: ``"SAME"`` or ``"VALID"``.
        name: the op's name.

    Returns:
        ``[batch, out_height, out_width, depth]`` of ``input``'s dtype.

    Raises:
        TypeError: non-list strides/rates, an unsupported dtype or mismatched dtypes.
        ValueError: both or neither of ``filter``/``filters``, strides or rates without 4
            entries, a stride < 1, a bad padding, ranks other than 4 and 3, depths that
            differ, or a VALID window that does not fit.
        errors.UnimplementedError: at run time, a stride or rate other than 1 in the batch
            or depth dimension (as TF).
    """
    if filter is not None and filters is not None:
        raise ValueError("Cannot specify both 'filter' and 'filters'.")
    if rates is not None and dilations is not None:
        raise ValueError("Cannot specify both 'rates' and 'dilations'.")
    filter = filter if filter is not None else filters
    rates = rates if rates is not None else dilations
    if filter is None:
        raise ValueError("dilation2d needs a filter.")
    a = _attrs(strides, rates, padding)
    x = conversion.convert_to_tensor(input, name="input")
    if x.dtype not in _TYPES:
        raise TypeError(f"Value passed to parameter 'input' has DataType {x.dtype.name} "
                        "not in list of allowed values: "
                        f"{', '.join(t.name for t in _TYPES)}")
    f = conversion.convert_to_tensor(filter, name="filter", dtype=None
                                     if isinstance(filter, Tensor) else x.dtype)
    if f.dtype is not x.dtype:
        raise TypeError(f"Input 'filter' of 'Dilation2D' Op has type {f.dtype.name} that "
                        f"does not match type {x.dtype.name} of argument 'input'.")
    if x.shape.ndims not in (None, 4):
        raise ValueError(f"Shape must be rank 4 but is rank {x.shape.ndims} for "
                         f"Dilation2D's input {x.shape}.")
    if f.shape.ndims not in (None, 3):
        raise ValueError(f"Shape must be rank 3 but is rank {f.shape.ndims} for "
                         f"Dilation2D's filter {f.shape}.")
    if x.shape.ndims == 4 and f.shape.ndims == 3 and \
            not x.shape[3:4].is_compatible_with(f.shape[2:3]):
        raise ValueError(f"Dimensions must be equal, but are {x.shape[3]} and "
                         f"{f.shape[2]} for Dilation2D (input {x.shape}, filter "
                         f"{f.shape}).")
    return make_op("Dilation2D", [x, f], [x.dtype], name=name or "Dilation2D", attrs=a,
                   shapes=[_static_out(x.shape, f.shape, a)]).outputs[0]


def erosion2d(value: Any, kernel: Any, strides: Any, rates: Any, padding: Any,
              name: str | None = None) -> Tensor:
    """The grayscale erosion of ``value`` ``[batch, h, w, depth]`` by ``kernel``
    ``[kh, kw, depth]``: ``-dilation2d(-value, reverse(kernel, [0, 1]))``, as TF builds it.

    Raises:
        TypeError, ValueError, errors.UnimplementedError: as :func:`dilation2d`.
    """
    with name_scope(name, "erosion2d", [value, kernel]) as scope:
        v = conversion.convert_to_tensor(value, name="value")
        k = conversion.convert_to_tensor(kernel, name="kernel", dtype=None
                                         if isinstance(kernel, Tensor) else v.dtype)
        d = dilation2d(unary_ops.negative(v), sequence_ops.reverse(k, [0, 1]), strides,
                       rates, padding, name=scope)
        return unary_ops.negative(d)


def dilation2d_backprop_input(input: Any, filter: Any, out_backprop: Any,  # noqa: A002
                              strides: Any, rates: Any, padding: Any,
                              name: str | None = None) -> Tensor:
    """TF's ``Dilation2DBackpropInput``: ``out_backprop`` summed into ``input``'s shape at
    each output's argmax."""
    a = _attrs(strides, rates, padding)
    return make_op("Dilation2DBackpropInput", [input, filter, out_backprop],
                   [input.dtype], name=name or "Dilation2DBackpropInput", attrs=a,
                   shapes=[input.shape]).outputs[0]


def dilation2d_backprop_filter(input: Any, filter: Any, out_backprop: Any,  # noqa: A002
                               strides: Any, rates: Any, padding: Any,
                               name: str | None = None) -> Tensor:
    """TF's ``Dilation2DBackpropFilter``: ``out_backprop`` summed into ``filter``'s shape at
    each output's argmax tap."""
    a = _attrs(strides, rates, padding)
    return make_op("Dilation2DBackpropFilter", [input, filter, out_backprop],
                   [filter.dtype], name=name or "Dilation2DBackpropFilter", attrs=a,
                   shapes=[filter.shape]).outputs[0]


# -- kernels ----------------------------------------------------------------------------
def _lowest(dtype: np.dtype) -> Any:
    return np.finfo(dtype).min if dtype.kind == "f" else np.iinfo(dtype).min


def _max_plus(x: np.ndarray, f: np.ndarray, a: dict) -> tuple:
    """``(out, row, col, tap_i, tap_j)``: the dilation and, per output, the input row and
    column and the filter tap of its first maximum (TF's defaults where no tap is valid:
    the clipped window start and tap ``(0, 0)``)."""
    st, rt = a["strides"], a["rates"]
    if st[0] != 1 or st[3] != 1 or rt[0] != 1 or rt[3] != 1:
        raise errors.UnimplementedError(
            None, None, "Current implementation does not yet support strides or rates in "
            f"the batch and depth dimensions (strides {st}, rates {rt}).")
    if x.ndim != 4 or f.ndim != 3 or x.shape[3] != f.shape[2]:
        raise errors.InvalidArgumentError(
            None, None, f"input {x.shape} must be 4-D and filter {f.shape} 3-D with the "
            "same depth.")
    n, h, w, c = x.shape
    fh, fw, _ = f.shape
    oh, top = window(h, fh, st[1], rt[1], a["padding"])
    ow, left = window(w, fw, st[2], rt[2], a["padding"])
    rows0 = np.arange(oh) * st[1] - top
    cols0 = np.arange(ow) * st[2] - left
    shape = (n, oh, ow, c)
    out = np.full(shape, _lowest(x.dtype), x.dtype)
    row = np.broadcast_to(np.maximum(rows0, 0)[None, :, None, None], shape).copy()
    col = np.broadcast_to(np.maximum(cols0, 0)[None, None, :, None], shape).copy()
    ti = np.zeros(shape, np.int64)
    tj = np.zeros(shape, np.int64)
    for i in range(fh):
        r = rows0 + i * rt[1]
        rok = (r >= 0) & (r < h)
        rc = np.clip(r, 0, max(h - 1, 0))
        for j in range(fw):
            q = cols0 + j * rt[2]
            qok = (q >= 0) & (q < w)
            qc = np.clip(q, 0, max(w - 1, 0))
            if not (rok.any() and qok.any()):
                continue
            val = x[:, rc][:, :, qc] + f[i, j]
            better = (rok[:, None] & qok[None, :])[None, :, :, None] & (val > out)
            out = np.where(better, val, out)
            row = np.where(better, rc[None, :, None, None], row)
            col = np.where(better, qc[None, None, :, None], col)
            ti[better] = i
            tj[better] = j
    return out, row, col, ti, tj


def _check_backprop(dy: np.ndarray, shape: tuple, op: str) -> None:
    if dy.shape != shape:
        raise errors.InvalidArgumentError(
            None, None, f"{op}: out_backprop has shape {dy.shape}, expected {shape}.")


@registry.register_kernel("Dilation2D")
def _dilation(ctx: registry.KernelContext, x: Any, f: Any) -> np.ndarray:
    return _max_plus(np.asarray(x), np.asarray(f), ctx.attrs)[0]


@registry.register_kernel("Dilation2DBackpropInput")
def _backprop_input(ctx: registry.KernelContext, x: Any, f: Any, dy: Any) -> np.ndarray:
    x, dy = np.asarray(x), np.asarray(dy)
    out, row, col, _, _ = _max_plus(x, np.asarray(f), ctx.attrs)
    _check_backprop(dy, out.shape, "Dilation2DBackpropInput")
    dx = np.zeros_like(x)
    n, _, _, c = out.shape
    b = np.broadcast_to(np.arange(n)[:, None, None, None], out.shape)
    ch = np.broadcast_to(np.arange(c)[None, None, None, :], out.shape)
    np.add.at(dx, (b, row, col, ch), dy.astype(x.dtype))
    return dx


@registry.register_kernel("Dilation2DBackpropFilter")
def _backprop_filter(ctx: registry.KernelContext, x: Any, f: Any, dy: Any) -> np.ndarray:
    f, dy = np.asarray(f), np.asarray(dy)
    out, _, _, ti, tj = _max_plus(np.asarray(x), f, ctx.attrs)
    _check_backprop(dy, out.shape, "Dilation2DBackpropFilter")
    df = np.zeros_like(f)
    ch = np.broadcast_to(np.arange(out.shape[3])[None, None, None, :], out.shape)
    np.add.at(df, (ti, tj, ch), dy.astype(f.dtype))
    return df


__all__ = ["dilation2d", "erosion2d", "dilation2d_backprop_input",
           "dilation2d_backprop_filter", "window"]
