"""TF's fake-quantization ops (``tf.quantization.fake_quant_with_min_max_*``) and their
gradient ops, as used by quantization-aware training.

Each op snaps a float32 tensor onto the grid of ``2**num_bits`` levels spanning
``[min, max]`` after TF's *nudging*: the range is shifted so that 0.0 falls exactly on a
level (the zero point is rounded). The arithmetic follows TF's kernels step by step in
float32, so results are bitwise TF's.

Example:
    >>> y = tk.quantization.fake_quant_with_min_max_args(x, min=-1.0, max=1.0)
    >>> y = tk.quantization.fake_quant_with_min_max_vars(x, min_var, max_var)
"""

from __future__ import annotations

import collections
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.eigen_sum import eigen_column_sums_f32, eigen_sum_f32
from trainkit.ops.op_util import make_op

_F32 = np.float32

VarsGradient = collections.namedtuple(
    "FakeQuantWithMinMaxVarsGradient",
    ["backprops_wrt_input", "backprop_wrt_min", "backprop_wrt_max"])


# ----------------------------------------------------------------------------- arithmetic

def _round_half_away(x: np.ndarray) -> np.ndarray:
    """``std::round`` exactly (``floor(x + 0.5)`` is wrong just below a half)."""
    t = np.trunc(x)
    return t + np.where(np.abs(x - t) >= _F32(0.5), np.sign(x), _F32(0)).astype(x.dtype)


def quant_bounds(num_bits: int, narrow_range: bool) -> tuple[int, int]:
    """The integer levels ``[quant_min, quant_max]`` of TF's fake-quant ops."""
    return (1 if narrow_range else 0), (1 << num_bits) - 1


def nudge(mn: Any, mx: Any, quant_min: int, quant_max: int) -> tuple[np.ndarray, ...]:
    """TF's ``Nudge``: (nudged_min, nudged_max, scale, inv_scale) in float32.

    ``mn``/``mx`` may be scalars or per-channel vectors.
    """
    mn = np.asarray(mn, _F32)
    mx = np.asarray(mx, _F32)
    qmin, qmax = _F32(quant_min), _F32(quant_max)
    with np.errstate(all="ignore"):
        scale = (mx - mn) / (qmax - qmin)
        inv_scale = (qmax - qmin) / (mx - mn)
        zp_from_min = qmin - mn / scale
        zp = np.where(zp_from_min < qmin, qmin,
                      np.where(zp_from_min > qmax, qmax,
                               _round_half_away(zp_from_min))).astype(_F32)
        zp = np.where(np.isnan(zp), _F32(0), zp).astype(_F32)  # a NaN range stays NaN
        nudged_min = (qmin - zp) * scale
        nudged_max = (qmax - zp) * scale
    return nudged_min, nudged_max, scale, inv_scale


def fake_quant_values(x: np.ndarray, mn: Any, mx: Any, quant_min: int, quant_max: int,
                      divide: bool = False) -> np.ndarray:
    """TF's fake-quant functor on float32 ``x`` (``mn``/``mx`` broadcast on ``x``).

    TF 2.21's kernels differ in one step: the ``Args`` op multiplies by the inverse
    scale, the ``Vars`` ops divide by the scale (``divide=True``); at rounding ties the
    two can land on different levels, and each op here matches its TF kernel bitwise.
    """
    nmin, nmax, scale, inv = nudge(mn, mx, quant_min, quant_max)
    with np.errstate(all="ignore"):
        clamped = np.maximum(np.minimum(x, nmax), nmin)
        if divide:
            quant_zero = np.floor(-nmin / scale + _F32(0.5))
            levels = (clamped - nmin) / scale
        else:
            quant_zero = np.floor(-nmin * inv + _F32(0.5))
            levels = (clamped - nmin) * inv
        out = np.floor(levels - quant_zero + _F32(0.5)) * scale
    return out.astype(_F32, copy=False)


def _in_range_masks(x: np.ndarray, nmin: Any, nmax: Any) -> tuple[np.ndarray, ...]:
    with np.errstate(invalid="ignore"):
        inside = ((x >= nmin) & (x <= nmax)).astype(_F32)
        below = (x < nmin).astype(_F32)
        above = (x > nmax).astype(_F32)
    return inside, below, above


# ------------------------------------------------------------------------------ checking

def _float_input(value: Any, name: str) -> Tensor:
    t = conversion.convert_to_tensor(value, dtype=None if isinstance(value, Tensor)
                                     else _dt.float32, name=name)
    if t.dtype is not _dt.float32:
        raise TypeError(f"Input '{name}' of the fake-quant op must be float32, "
                        f"got {t.dtype.name}.")
    return t


def _levels(attrs: dict) -> tuple[int, int]:
    """The op's (quant_min, quant_max), checking ``num_bits`` as TF's kernels do."""
    num_bits = attrs["num_bits"]
    if not 2 <= num_bits <= 16:
        raise errors.InvalidArgumentError(
            None, None, f"num_bits must be between 2 and 16, inclusive, was {num_bits}")
    return quant_bounds(num_bits, attrs["narrow_range"])


def _merge_shapes(a: TensorShape, b: TensorShape, what: str) -> TensorShape:
    try:
        return a.merge_with(b)
    except ValueError:
        raise ValueError(f"{what}: shapes {a} and {b} must be equal.") from None


def _check_rank(t: Tensor, rank: int, what: str) -> None:
    if t.shape.ndims is not None and t.shape.ndims != rank:
        raise ValueError(f"{what}: shape must be rank {rank} but is rank {t.shape.ndims}.")


def _attrs(num_bits: int, narrow_range: bool, **more: Any) -> dict:
    return {"num_bits": int(num_bits), "narrow_range": bool(narrow_range), **more}


# ---------------------------------------------------------------------------- args (attrs)

def fake_quant_with_min_max_args(inputs: Any, min: float = -6.0,  # noqa: A002
                                 max: float = 6.0, num_bits: int = 8,  # noqa: A002
                                 narrow_range: bool = False,
                                 name: str | None = None) -> Tensor:
    """Fake-quantizes float32 ``inputs`` into the nudged ``[min, max]`` (attributes).

    Values are clamped to the nudged range and snapped to its ``2**num_bits`` levels
    (``2**num_bits - 1`` when ``narrow_range``). As TF, ``min >= max`` or ``num_bits``
    outside [2, 16] raise ``InvalidArgumentError`` when run.
    """
    x = _float_input(inputs, "inputs")
    return make_op("FakeQuantWithMinMaxArgs", [x], [_dt.float32],
                   name=name or "FakeQuantWithMinMaxArgs",
                   attrs=_attrs(num_bits, narrow_range, min=float(min), max=float(max)),
                   shapes=[x.shape]).outputs[0]


def fake_quant_with_min_max_args_gradient(gradients: Any, inputs: Any,
                                          min: float = -6.0,  # noqa: A002
                                          max: float = 6.0,  # noqa: A002
                                          num_bits: int = 8, narrow_range: bool = False,
                                          name: str | None = None) -> Tensor:
    """``gradients`` where ``inputs`` lies inside the nudged range, else 0."""
    g = _float_input(gradients, "gradients")
    x = _float_input(inputs, "inputs")
    shape = _merge_shapes(g.shape, x.shape, "FakeQuantWithMinMaxArgsGradient")
    return make_op("FakeQuantWithMinMaxArgsGradient", [g, x], [_dt.float32],
                   name=name or "FakeQuantWithMinMaxArgsGradient",
                   attrs=_attrs(num_bits, narrow_range, min=float(min), max=float(max)),
                   shapes=[shape]).outputs[0]


def _args_range(ctx: registry.KernelContext) -> tuple[float, float, int, int]:
    a = ctx.attrs
    mn, mx = _F32(a["min"]), _F32(a["max"])
    qmin, qmax = _levels(a)
    if not mn < mx:
        raise errors.InvalidArgumentError(
            None, None, f"min has to be smaller than max, was: {a['min']:g} >= {a['max']:g}")
    return mn, mx, qmin, qmax


@registry.register_kernel("FakeQuantWithMinMaxArgs")
def _args_kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    mn, mx, qmin, qmax = _args_range(ctx)
    return fake_quant_values(np.asarray(x, _F32), mn, mx, qmin, qmax)


def _gradient_pair(g: Any, x: Any) -> tuple[np.ndarray, np.ndarray]:
    """The upstream gradient and the input as float32 arrays of one shape.

    Raises:
        InvalidArgumentError: if their shapes differ (TF's message).
    """
    g, x = np.asarray(g, _F32), np.asarray(x, _F32)
    if g.shape != x.shape:
        raise errors.InvalidArgumentError(
            None, None, f"gradients and inputs must be the same size: {g.shape} vs {x.shape}")
    return g, x


@registry.register_kernel("FakeQuantWithMinMaxArgsGradient")
def _args_grad_kernel(ctx: registry.KernelContext, g: Any, x: Any) -> np.ndarray:
    mn, mx, qmin, qmax = _args_range(ctx)
    g, x = _gradient_pair(g, x)
    nmin, nmax, _, _ = nudge(mn, mx, qmin, qmax)
    inside, _, _ = _in_range_masks(x, nmin, nmax)
    return g * inside


@registry.register_gradient("FakeQuantWithMinMaxArgs")
def _args_grad(op: Any, grad: Any) -> list:
    a = op.attrs
    return [fake_quant_with_min_max_args_gradient(
        grad, op.inputs[0], min=a["min"], max=a["max"], num_bits=a["num_bits"],
        narrow_range=a["narrow_range"])]


# ----------------------------------------------------------------------- vars (tensors)

def fake_quant_with_min_max_vars(inputs: Any, min: Any, max: Any,  # noqa: A002
                                 num_bits: int = 8, narrow_range: bool = False,
                                 name: str | None = None) -> Tensor:
    """Fake-quantizes ``inputs`` into the nudged range given by scalar tensors.

    As TF: ``min == max == 0`` gives zeros; ``min > max`` is not an error (TF's
    nudging then yields an inverted grid); ``min``/``max`` must be scalars (ValueError).
    """
    x = _float_input(inputs, "inputs")
    mn, mx = _float_input(min, "min"), _float_input(max, "max")
    nm = name or "FakeQuantWithMinMaxVars"
    _check_rank(mn, 0, nm)
    _check_rank(mx, 0, nm)
    return make_op("FakeQuantWithMinMaxVars", [x, mn, mx], [_dt.float32], name=nm,
                   attrs=_attrs(num_bits, narrow_range), shapes=[x.shape]).outputs[0]


def fake_quant_with_min_max_vars_gradient(gradients: Any, inputs: Any, min: Any,  # noqa: A002
                                          max: Any, num_bits: int = 8,  # noqa: A002
                                          narrow_range: bool = False,
                                          name: str | None = None) -> VarsGradient:
    """(d/dinputs, d/dmin, d/dmax): ``gradients`` inside the nudged range, and the sums
    of ``gradients`` below it and above it (float32, summed in Eigen's order as TF)."""
    g = _float_input(gradients, "gradients")
    x = _float_input(inputs, "inputs")
    mn, mx = _float_input(min, "min"), _float_input(max, "max")
    nm = name or "FakeQuantWithMinMaxVarsGradient"
    shape = _merge_shapes(g.shape, x.shape, nm)
    _check_rank(mn, 0, nm)
    _check_rank(mx, 0, nm)
    op = make_op("FakeQuantWithMinMaxVarsGradient", [g, x, mn, mx], [_dt.float32] * 3,
                 name=nm, attrs=_attrs(num_bits, narrow_range),
                 shapes=[shape, TensorShape([]), TensorShape([])])
    return VarsGradient(*op.outputs)


def _scalar(v: Any, what: str) -> np.float32:
    v = np.asarray(v, _F32)
    if v.ndim != 0:
        raise errors.InvalidArgumentError(None, None, f"{what} must be a scalar, got {v.shape}")
    return v[()]


@registry.register_kernel("FakeQuantWithMinMaxVars")
def _vars_kernel(ctx: registry.KernelContext, x: Any, mn: Any, mx: Any) -> np.ndarray:
    qmin, qmax = _levels(ctx.attrs)
    x = np.asarray(x, _F32)
    mn, mx = _scalar(mn, "min"), _scalar(mx, "max")
    if mn == 0 and mx == 0:
        return np.zeros_like(x)
    return fake_quant_values(x, mn, mx, qmin, qmax, divide=True)


@registry.register_kernel("FakeQuantWithMinMaxVarsGradient")
def _vars_grad_kernel(ctx: registry.KernelContext, g: Any, x: Any, mn: Any,
                      mx: Any) -> tuple:
    qmin, qmax = _levels(ctx.attrs)
    g, x = _gradient_pair(g, x)
    mn, mx = _scalar(mn, "min"), _scalar(mx, "max")
    if mn == 0 and mx == 0:  # as TF: everything passes through to the input
        return g.copy(), _F32(0), _F32(0)
    nmin, nmax, _, _ = nudge(mn, mx, qmin, qmax)
    inside, below, above = _in_range_masks(x, nmin, nmax)
    return g * inside, eigen_sum_f32(g * below), eigen_sum_f32(g * above)


@registry.register_gradient("FakeQuantWithMinMaxVars")
def _vars_grad(op: Any, grad: Any) -> list:
    return list(fake_quant_with_min_max_vars_gradient(
        grad, op.inputs[0], op.inputs[1], op.inputs[2], num_bits=op.attrs["num_bits"],
        narrow_range=op.attrs["narrow_range"]))


# ------------------------------------------------------------------- per channel (last)

def _check_per_channel(x: Tensor, mn: Tensor, mx: Tensor, what: str) -> None:
    if x.shape.ndims is not None and x.shape.ndims < 1:
        raise ValueError(f"{what}: shape must be at least rank 1 but is rank 0.")
    _check_rank(mn, 1, what)
    _check_rank(mx, 1, what)
    depth = x.shape[-1] if x.shape.ndims else None
    for t in (mn, mx):
        d = t.shape[0] if t.shape.ndims == 1 else None
        if depth is not None and d is not None and d != depth:
            raise ValueError(f"{what}: dimensions must be equal, but are {depth} and {d}.")
        depth = depth if depth is not None else d


def fake_quant_with_min_max_vars_per_channel(inputs: Any, min: Any, max: Any,  # noqa: A002
                                             num_bits: int = 8, narrow_range: bool = False,
                                             name: str | None = None) -> Tensor:
    """Fake-quantizes each last-axis channel ``c`` of ``inputs`` into ``[min[c], max[c]]``.

    Raises:
        ValueError: at build when ``min``/``max`` are not vectors of the last dimension.
    """
    x = _float_input(inputs, "inputs")
    mn, mx = _float_input(min, "min"), _float_input(max, "max")
    nm = name or "FakeQuantWithMinMaxVarsPerChannel"
    _check_per_channel(x, mn, mx, nm)
    return make_op("FakeQuantWithMinMaxVarsPerChannel", [x, mn, mx], [_dt.float32], name=nm,
                   attrs=_attrs(num_bits, narrow_range), shapes=[x.shape]).outputs[0]


def fake_quant_with_min_max_vars_per_channel_gradient(
        gradients: Any, inputs: Any, min: Any, max: Any,  # noqa: A002
        num_bits: int = 8, narrow_range: bool = False,
        name: str | None = None) -> VarsGradient:
    """Per-channel (d/dinputs, d/dmin, d/dmax) of
    :func:`fake_quant_with_min_max_vars_per_channel`."""
    g = _float_input(gradients, "gradients")
    x = _float_input(inputs, "inputs")
    mn, mx = _float_input(min, "min"), _float_input(max, "max")
    nm = name or "FakeQuantWithMinMaxVarsPerChannelGradient"
    shape = _merge_shapes(g.shape, x.shape, nm)
    _check_per_channel(x, mn, mx, nm)
    vec = TensorShape([shape[-1] if shape.ndims else None])
    op = make_op("FakeQuantWithMinMaxVarsPerChannelGradient", [g, x, mn, mx],
                 [_dt.float32] * 3, name=nm, attrs=_attrs(num_bits, narrow_range),
                 shapes=[shape, vec, vec])
    return VarsGradient(*op.outputs)


def _channel_ranges(x: np.ndarray, mn: Any, mx: Any) -> tuple[np.ndarray, np.ndarray]:
    mn, mx = np.asarray(mn, _F32), np.asarray(mx, _F32)
    if x.ndim < 1:
        raise errors.InvalidArgumentError(None, None, "inputs must be at least rank 1")
    depth = x.shape[-1]
    for what, v in (("min", mn), ("max", mx)):
        if v.shape != (depth,):
            raise errors.InvalidArgumentError(
                None, None, f"{what} has shape {v.shape}, expected [{depth}] (the last "
                f"dimension of inputs {x.shape})")
    return mn, mx


@registry.register_kernel("FakeQuantWithMinMaxVarsPerChannel")
def _per_channel_kernel(ctx: registry.KernelContext, x: Any, mn: Any, mx: Any) -> np.ndarray:
    qmin, qmax = _levels(ctx.attrs)
    x = np.asarray(x, _F32)
    mn, mx = _channel_ranges(x, mn, mx)
    out = fake_quant_values(x, mn, mx, qmin, qmax, divide=True)
    zero = (mn == 0) & (mx == 0)
    if zero.any():
        out[..., zero] = 0
    return out


@registry.register_kernel("FakeQuantWithMinMaxVarsPerChannelGradient")
def _per_channel_grad_kernel(ctx: registry.KernelContext, g: Any, x: Any, mn: Any,
                             mx: Any) -> tuple:
    qmin, qmax = _levels(ctx.attrs)
    g, x = _gradient_pair(g, x)
    mn, mx = _channel_ranges(x, mn, mx)
    nmin, nmax, _, _ = nudge(mn, mx, qmin, qmax)
    inside, below, above = _in_range_masks(x, nmin, nmax)
    zero = (mn == 0) & (mx == 0)  # as the scalar op: such channels pass through
    inside[..., zero], below[..., zero], above[..., zero] = 1, 0, 0
    cols = (-1, x.shape[-1])
    return (g * inside, eigen_column_sums_f32((g * below).reshape(cols)),
            eigen_column_sums_f32((g * above).reshape(cols)))


@registry.register_gradient("FakeQuantWithMinMaxVarsPerChannel")
def _per_channel_grad(op: Any, grad: Any) -> list:
    return list(fake_quant_with_min_max_vars_per_channel_gradient(
        grad, op.inputs[0], op.inputs[1], op.inputs[2], num_bits=op.attrs["num_bits"],
        narrow_range=op.attrs["narrow_range"]))


registry.not_differentiable("FakeQuantWithMinMaxArgsGradient",
                            "FakeQuantWithMinMaxVarsGradient",
                            "FakeQuantWithMinMaxVarsPerChannelGradient")

__all__ = [
    "fake_quant_with_min_max_args", "fake_quant_with_min_max_args_gradient",
    "fake_quant_with_min_max_vars", "fake_quant_with_min_max_vars_gradient",
    "fake_quant_with_min_max_vars_per_channel",
    "fake_quant_with_min_max_vars_per_channel_gradient", "nudge", "quant_bounds",
    "fake_quant_values",
]
