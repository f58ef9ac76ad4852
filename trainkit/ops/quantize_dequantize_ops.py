"""``tf.quantization.quantize_and_dequantize`` (op ``QuantizeAndDequantizeV2``) and
``quantize_and_dequantize_v2`` (op ``QuantizeAndDequantizeV4``) with their gradients.

Both simulate signed or unsigned ``num_bits`` integer quantization keeping 0.0 exact: the
scale is the largest that maps the range into the integer levels from the side that
binds, the other end of the range is moved to match, values are scaled, rounded
(``HALF_TO_EVEN`` or ``HALF_UP``) and scaled back, in the input's float type with TF's
operation order (bitwise TF's for float32/float64).

Gradients, as TF: ``QuantizeAndDequantizeV2`` passes the gradient straight through
everywhere; ``QuantizeAndDequantizeV4`` passes it only where the input lies inside
``[input_min, input_max]`` (op ``QuantizeAndDequantizeV4Grad``; d/dmin = d/dmax = 0).

Example:
    >>> y = tk.quantization.quantize_and_dequantize(x, -1.0, 1.0, range_given=True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op
from trainkit.ops.quantize_ops import quantization_axis

_ROUND_MODES = ("HALF_TO_EVEN", "HALF_UP")


# ----------------------------------------------------------------------------- arithmetic

def _levels(signed: bool, num_bits: int, narrow: bool) -> tuple[int, int]:
    if signed:
        lo = -(1 << (num_bits - 1))
        return lo + (1 if narrow else 0), (1 << (num_bits - 1)) - 1
    return 0, (1 << num_bits) - 1


def _round(v: np.ndarray, mode: str) -> np.ndarray:
    if mode == "HALF_UP":
        return np.floor(v + v.dtype.type(0.5))
    return np.rint(v)


def qdq_values(x: np.ndarray, mn: Any, mx: Any, *, signed: bool, num_bits: int,
               narrow: bool, round_mode: str, clamp: bool) -> np.ndarray:
    """One scale's quantize-dequantize of ``x`` (TF's ``QuantizeAndDequantizeOneScale``).

    ``mn``/``mx`` are the range in ``x``'s type; ``clamp`` is ``range_given``.
    """
    t = x.dtype.type
    qmin, qmax = _levels(signed, num_bits, narrow)
    mn, mx = t(mn), t(mx)
    big = np.finfo(x.dtype).max
    with np.errstate(all="ignore"):
        from_min = t(qmin) / mn if qmin * mn > 0 else big
        from_max = t(qmax) / mx if qmax * mx > 0 else big
        if from_min < from_max:
            scale, inverse = t(from_min), t(mn / t(qmin))
            mx = t(t(qmax) * inverse)
        else:
            scale, inverse = t(from_max), t(mx / t(qmax))
            mn = t(t(qmin) * inverse)
        # Eigen's cwiseMin/cwiseMax are std::min/std::max: they keep the first
        # operand on ties (-0.0 stays -0.0) and when either is NaN
        v = np.where(mx < x, mx, x) if clamp else x
        v = np.where(v < mn, mn, v) if clamp else v
        return (_round(v * scale, round_mode) * inverse).astype(x.dtype, copy=False)


# ------------------------------------------------------------------------------ building

def _check_attrs(round_mode: str, op: str) -> None:
    if round_mode not in _ROUND_MODES:
        raise ValueError(f"Attr 'round_mode' of '{op}' Op passed string '{round_mode}' not "
                         f"in: \"HALF_TO_EVEN\", \"HALF_UP\".")


def _range_shape_checks(x: Tensor, mn: Tensor, mx: Tensor, axis: int, what: str) -> None:
    if axis == -1:
        for t in (mn, mx):
            if t.shape.ndims not in (None, 0):
                raise ValueError(f"{what}: shape must be rank 0 but is rank {t.shape.ndims}.")
        return
    if x.shape.ndims is not None and x.shape.ndims <= axis:
        raise ValueError(f"{what}: shape must be at least rank {axis + 1} but is rank "
                         f"{x.shape.ndims}.")
    depth = x.shape[axis] if x.shape.ndims is not None else None
    for t in (mn, mx):
        if t.shape.ndims not in (None, 1):
            raise ValueError(f"{what}: shape must be rank 1 but is rank {t.shape.ndims}.")
        d = t.shape[0] if t.shape.ndims == 1 else None
        if depth is not None and d is not None and depth != d:
            raise ValueError(f"{what}: dimensions must be equal, but are {depth} and {d}.")


def _inputs(input: Any, input_min: Any, input_max: Any) -> tuple[Tensor, ...]:  # noqa: A002
    x = conversion.convert_to_tensor(input, name="input")
    if not x.dtype.is_floating:
        raise TypeError(f"quantize_and_dequantize: input must be a float tensor, got "
                        f"{x.dtype.name}.")
    out = [x]
    for v, nm in ((input_min, "input_min"), (input_max, "input_max")):
        t = conversion.convert_to_tensor(v, dtype=None if isinstance(v, Tensor) else x.dtype,
                                         name=nm)
        if t.dtype is not x.dtype:
            raise TypeError(f"Input '{nm}' of the op has type {t.dtype.name} that does not "
                            f"match type {x.dtype.name} of argument 'input'.")
        out.append(t)
    return tuple(out)


def _qdq(op_type: str, input: Any, input_min: Any, input_max: Any,  # noqa: A002
         signed_input: bool, num_bits: int, range_given: bool, round_mode: str,
         name: str | None, narrow_range: bool, axis: int | None) -> Tensor:
    _check_attrs(round_mode, op_type)
    x, mn, mx = _inputs(input, input_min, input_max)
    ax = quantization_axis(x, axis)
    nm = name or op_type
    _range_shape_checks(x, mn, mx, ax, nm)
    attrs = {"signed_input": bool(signed_input), "num_bits": int(num_bits),
             "range_given": bool(range_given), "round_mode": round_mode,
             "narrow_range": bool(narrow_range), "axis": ax}
    return make_op(op_type, [x, mn, mx], [x.dtype], name=nm, attrs=attrs,
                   shapes=[x.shape]).outputs[0]


def quantize_and_dequantize(input: Any, input_min: Any, input_max: Any,  # noqa: A002
                            signed_input: bool = True, num_bits: int = 8,
                            range_given: bool = False, round_mode: str = "HALF_TO_EVEN",
                            name: str | None = None, narrow_range: bool = False,
                            axis: int | None = None) -> Tensor:
    """Quantizes then dequantizes ``input`` (TF's deprecated v1 entry point, op
    ``QuantizeAndDequantizeV2``, whose gradient passes straight through everywhere).

    With ``range_given=False`` the range is the input's min and max (per slice along
    ``axis`` when given). As TF 2.21, ``range_given=True`` with an ``axis`` fails when run
    ("input_min must be a scalar").

    Raises:
        ValueError: at build for a bad ``round_mode`` or range shapes; ``num_bits`` out of
            range or ``input_min > input_max`` (given range) fail when run.
    """
    return _qdq("QuantizeAndDequantizeV2", input, input_min, input_max, signed_input,
                num_bits, range_given, round_mode, name, narrow_range, axis)


def quantize_and_dequantize_v2(input: Any, input_min: Any, input_max: Any,  # noqa: A002
                               signed_input: bool = True, num_bits: int = 8,
                               range_given: bool = False, round_mode: str = "HALF_TO_EVEN",
                               name: str | None = None, narrow_range: bool = False,
                               axis: int | None = None) -> Tensor:
    """As :func:`quantize_and_dequantize` (op ``QuantizeAndDequantizeV4``), but the
    gradient is zero where the input lies outside ``[input_min, input_max]``."""
    return _qdq("QuantizeAndDequantizeV4", input, input_min, input_max, signed_input,
                num_bits, range_given, round_mode, name, narrow_range, axis)


# ------------------------------------------------------------------------------- kernels

def _qdq_kernel(ctx: registry.KernelContext, x: Any, mn: Any, mx: Any) -> np.ndarray:
    a = ctx.attrs
    signed, bits, given, axis = a["signed_input"], a["num_bits"], a["range_given"], a["axis"]
    x = np.asarray(x)
    if x.dtype == np.float16:  # the op accepts half, but TF has no CPU kernel for it
        raise errors.InvalidArgumentError(
            None, None, f"No OpKernel was registered to support Op '{ctx.op.type}' with "
            "T=DT_HALF (TF's CPU kernels take float32 and float64)")
    mn, mx = np.asarray(mn, x.dtype), np.asarray(mx, x.dtype)
    if not 0 < bits < (62 if signed else 63):
        raise errors.InvalidArgumentError(
            None, None, f"num_bits is out of range: {bits} with signed_input_ {int(signed)}")
    kw = {"signed": signed, "num_bits": bits, "narrow": a["narrow_range"],
          "round_mode": a["round_mode"], "clamp": given}
    if axis == -1:
        if given and (mn.ndim != 0 or mx.ndim != 0):
            raise errors.InvalidArgumentError(None, None, "input_min must be a scalar.")
        if given and not mn <= mx:
            raise errors.InvalidArgumentError(
                None, None, f"Invalid range: input_min {mn} > input_max {mx}")
        if not given:
            if x.size == 0:
                return x.copy()
            mn, mx = x.min(), x.max()
        return qdq_values(x, mn, mx, **kw)
    if x.ndim <= axis:
        raise errors.InvalidArgumentError(
            None, None, f"Axis requested is larger than input dimensions. Axis: {axis} "
            f"Input Dimensions: {x.ndim}")
    if given:  # TF 2.21's kernel reads a given range as scalars even with an axis
        raise errors.InvalidArgumentError(None, None, "input_min must be a scalar.")
    moved = np.moveaxis(x, axis, 0)
    out = np.empty_like(moved)
    for i in range(moved.shape[0]):  # one scale per slice, from the slice's own range
        row = moved[i]
        if row.size:
            out[i] = qdq_values(row, row.min(), row.max(), **kw)
    return np.ascontiguousarray(np.moveaxis(out, 0, axis))


registry.register_kernel("QuantizeAndDequantizeV2")(_qdq_kernel)
registry.register_kernel("QuantizeAndDequantizeV4")(_qdq_kernel)


@registry.register_gradient("QuantizeAndDequantizeV2")
def _qdq_v2_grad(op: Any, grad: Any) -> list:
    return [grad, None, None]


def quantize_and_dequantize_v4_grad(gradients: Any, input: Any,  # noqa: A002
                                    input_min: Any, input_max: Any, axis: int = -1,
                                    name: str | None = None) -> tuple[Tensor, ...]:
    """(d/dinput, d/dmin, d/dmax) of ``QuantizeAndDequantizeV4``: the gradient where
    ``input_min <= input <= input_max`` (per slice along ``axis``), and zeros."""
    g = conversion.convert_to_tensor(gradients, name="gradients")
    x, mn, mx = _inputs(input, input_min, input_max)
    nm = name or "QuantizeAndDequantizeV4Grad"
    try:
        shape = g.shape.merge_with(x.shape)
    except ValueError:
        raise ValueError(f"{nm}: gradients {g.shape} and input {x.shape} must have the "
                         f"same shape.") from None
    _range_shape_checks(x, mn, mx, int(axis), nm)
    op = make_op("QuantizeAndDequantizeV4Grad", [g, x, mn, mx], [x.dtype] * 3, name=nm,
                 attrs={"axis": int(axis)}, shapes=[shape, mn.shape, mx.shape])
    return tuple(op.outputs)


@registry.register_kernel("QuantizeAndDequantizeV4Grad")
def _v4_grad_kernel(ctx: registry.KernelContext, g: Any, x: Any, mn: Any,
                    mx: Any) -> tuple:
    axis = ctx.attrs["axis"]
    g, x = np.asarray(g), np.asarray(x)
    mn, mx = np.asarray(mn, x.dtype), np.asarray(mx, x.dtype)
    if g.shape != x.shape:
        raise errors.InvalidArgumentError(
            None, None, f"gradient and input must be the same size: {g.shape} vs {x.shape}")
    if axis == -1:
        if mn.ndim != 0 or mx.ndim != 0:
            raise errors.InvalidArgumentError(None, None, "input_min must be a scalar.")
        lo, hi = mn, mx
    else:
        depth = x.shape[axis] if x.ndim > axis else -1
        if mn.shape != (depth,) or mx.shape != (depth,):
            raise errors.InvalidArgumentError(
                None, None, f"input_min and input_max must have shape [{depth}], got "
                f"{mn.shape} and {mx.shape}")
        shape = [1] * x.ndim
        shape[axis] = depth
        lo, hi = mn.reshape(shape), mx.reshape(shape)
    with np.errstate(invalid="ignore"):
        inside = ((x >= lo) & (x <= hi)).astype(x.dtype)
    return g * inside, np.zeros_like(mn), np.zeros_like(mx)


@registry.register_gradient("QuantizeAndDequantizeV4")
def _qdq_v4_grad(op: Any, grad: Any) -> list:
    dx, dmin, dmax = quantize_and_dequantize_v4_grad(
        grad, op.inputs[0], op.inputs[1], op.inputs[2], axis=op.attrs["axis"])
    return [dx, dmin, dmax]


registry.not_differentiable("QuantizeAndDequantizeV4Grad")

__all__ = ["quantize_and_dequantize", "quantize_and_dequantize_v2",
           "quantize_and_dequantize_v4_grad", "qdq_values"]
