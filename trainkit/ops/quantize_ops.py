"""``tf.quantization.quantize`` (op ``QuantizeV2``) and ``tf.quantization.dequantize``
(op ``Dequantize``): float32 <-> ``qint8``/``quint8``/``qint16``/``quint16``/``qint32``.

Modes, as TF: ``MIN_COMBINED`` maps ``[min, max]`` linearly onto the whole integer range;
``MIN_FIRST`` rounds ``min`` onto the grid first (TF's ``FloatToQuantizedStruct``);
``SCALED`` keeps 0.0 exact with one symmetric scale (``narrow_range`` drops the lowest
level). The range is first widened to contain 0 and to be at least
``ensure_minimum_range`` wide. Quantized values are held as NumPy integers of the same
width (TF returns them as structured NumPy arrays). The float32 arithmetic follows TF's
kernels step by step, so the outputs are TF's bitwise.

Example:
    >>> q, qmin, qmax = tk.quantization.quantize(x, -1.0, 1.0, tk.quint8)
    >>> y = tk.quantization.dequantize(q, qmin, qmax)
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
from trainkit.ops.op_util import make_op

_F32 = np.float32
_MODES = ("MIN_COMBINED", "MIN_FIRST", "SCALED")
_ROUND_MODES = ("HALF_AWAY_FROM_ZERO", "HALF_TO_EVEN")

QuantizeV2 = collections.namedtuple("QuantizeV2", ["output", "output_min", "output_max"])


# ----------------------------------------------------------------------------- arithmetic

def _round_away(v: np.ndarray) -> np.ndarray:
    """``std::round``: halves away from zero, exactly."""
    t = np.trunc(v)
    return t + np.where(np.abs(v - t) >= _F32(0.5), np.sign(v), 0).astype(v.dtype)


def _to_int(v: np.ndarray, np_type: type) -> np.ndarray:
    """A float32 -> integer cast as x86 does it (``(int)v``, truncating): NaN and values
    outside int32 become INT32_MIN, then the int32 is narrowed."""
    bad = ~(np.abs(v) < _F32(2.0**31))
    i32 = np.where(bad, _F32(0), v).astype(np.int32)
    i32[bad] = np.iinfo(np.int32).min
    return i32.astype(np_type)


def _to_quantized(v: np.ndarray, np_type: type) -> np.ndarray:
    """Eigen's float -> ``QInt``/``QUInt`` conversion: ``lrint`` (nearest, ties to even)
    to a 64-bit long, then narrowed (NaN and infinities give LONG_MIN, narrowed to 0)."""
    r = np.rint(v)
    bad = ~(np.abs(r) < _F32(2.0**63))
    i64 = np.where(bad, _F32(0), r).astype(np.int64)
    i64[bad] = np.iinfo(np.int64).min
    return i64.astype(np_type)


def _ftz(v: Any) -> Any:
    """Flush float32 subnormals to (signed) zero, as TF's CPU threads run with FTZ set."""
    v = np.asarray(v, _F32)
    out = np.where(np.abs(v) < np.finfo(_F32).tiny, v * _F32(0), v).astype(_F32)
    return out if out.ndim else out[()]


def _limits(np_type: type) -> tuple[int, int]:
    info = np.iinfo(np_type)
    return int(info.min), int(info.max)


def adjusted_range(mn: np.float32, mx: np.float32,
                   ensure_minimum_range: float) -> tuple[np.float32, np.float32]:
    """QuantizeV2's range: widened to contain 0 and to span at least
    ``max(1, |min|, |max|) * ensure_minimum_range``."""
    min_range = _std_min(_F32(0), mn)
    eps = _F32(_std_max(_F32(1), _std_max(_F32(abs(mn)), _F32(abs(mx))))
               * _F32(ensure_minimum_range))
    max_range = _std_max(_F32(0), _std_max(mx, _F32(min_range + eps)))
    return _F32(min_range), _F32(max_range)


def _std_min(a: Any, b: Any) -> Any:
    """``std::min``: ``a`` unless ``b < a`` (so NaN in ``b`` is dropped)."""
    return b if b < a else a


def _std_max(a: Any, b: Any) -> Any:
    """``std::max``: ``a`` unless ``a < b``."""
    return b if a < b else a


def quantize_slice(x: np.ndarray, mn: np.float32, mx: np.float32, np_type: type,
                   mode: str, round_mode: str, narrow: bool) -> tuple:
    """TF's ``QuantizeSlice`` for MIN_COMBINED and SCALED on an already adjusted range;
    returns (values, output_min, output_max)."""
    lo, hi = _limits(np_type)
    with np.errstate(all="ignore"):
        if mode == "MIN_COMBINED":
            scale = _F32((float(hi) - float(lo)) / float(_F32(mx - mn)))
            c = np.where(mx < x, mx, x)
            c = np.where(c < mn, mn, c)
            v = (c - mn) * scale
            if lo < 0:
                half = _F32((float(hi) - float(lo) + 1) / 2.0)
                return _to_quantized(_round_away(v - half), np_type), mn, mx
            return _to_int(v + _F32(0.5), np_type), mn, mx
        min_out = lo + (1 if narrow else 0)
        from_min = _F32(min_out) / mn if min_out * mn > 0 else np.finfo(_F32).max
        from_max = _F32(hi) / mx if hi * mx > 0 else np.finfo(_F32).max
        scale = _F32(_std_min(_F32(from_min), _F32(from_max)))
        mn, mx = _ftz(_F32(min_out) / scale), _ftz(_F32(hi) / scale)
        c = np.where(mx < x, mx, x)
        c = np.where(c < mn, mn, c) * scale
        r = np.rint(c) if round_mode == "HALF_TO_EVEN" else _round_away(c)
        return _to_quantized(r, np_type), mn, mx


def quantize_min_first(x: np.ndarray, mn: np.float32, mx: np.float32,
                       np_type: type) -> np.ndarray:
    """TF's ``FloatTensorToQuantizedInPlaceUsingEigen`` (no clamping of the input)."""
    lo, hi = _limits(np_type)
    steps = float(1 << (8 * np.dtype(np_type).itemsize))
    with np.errstate(all="ignore"):
        scale = _F32(0.0 if mn == mx else (steps - 1.0) / float(_F32(mx - mn)))
        min_scaled = _round_away(np.asarray(mn * scale, _F32))[()]
        lower = max(_F32(lo), _F32(-2.147483648e9))
        upper = min(_F32(hi), _F32(2.147483520e9))
        v = _round_away(x * scale) - _F32(min_scaled - _F32(lo))
        v = np.where(v < lower, lower, v)
        v = np.where(upper < v, upper, v)
    return _to_int(v, np.int32).astype(np_type)


def dequantize_values(q: np.ndarray, mn: np.float32, mx: np.float32, mode: str,
                      narrow: bool) -> np.ndarray:
    """TF's ``Dequantize`` kernel on one slice (float32 result)."""
    lo, hi = _limits(q.dtype.type)
    with np.errstate(all="ignore"):
        if mode == "MIN_COMBINED":
            scale = _ftz((mx - mn) / (_F32(hi) - _F32(lo)))
            half = _F32((_F32(hi) - _F32(lo) + _F32(1)) / _F32(2)) if lo < 0 else _F32(0)
            return _ftz(_ftz((q.astype(_F32) + half) * scale) + mn)
        if mode == "SCALED":
            min_out = lo + (1 if narrow else 0)
            scale = _ftz(mx / _F32(hi)) if lo == 0 else \
                _std_max(_ftz(mn / _F32(min_out)), _ftz(mx / _F32(hi)))
            # TF casts T -> int through float32: qint32 levels that round up to 2**31
            # wrap to INT32_MIN on x86
            return _ftz(_to_int(q.astype(_F32), np.int32).astype(_F32) * _F32(scale))
        steps = float(1 << (8 * q.dtype.itemsize))
        scale = _ftz(float(_F32(mx - mn)) / (steps - 1.0))
        rounded = mn if mn == mx else _ftz(_round_away(np.asarray(mn / scale))[()] * scale)
        return _ftz(_ftz(rounded - _ftz(_F32(lo) * scale)) + _ftz(q.astype(_F32) * scale))


# ------------------------------------------------------------------------------ building

def quantization_axis(x: Tensor, axis: int | None) -> int:
    """The quantization axis of ``x`` as TF's quantize ops read ``axis``: -1 for None
    (one range for the whole tensor), a negative axis taken modulo a known rank.

    Raises:
        ValueError: for a negative axis of an input of unknown rank.
    """
    if axis is None:
        return -1
    axis = int(axis)
    if axis < 0:
        if x.shape.ndims is None:
            raise ValueError("input should have known rank to use negative axis.")
        axis %= x.shape.ndims
    return axis


def _range_shape(x: Tensor, mn: Tensor, mx: Tensor, axis: int, what: str) -> TensorShape:
    rank = 0 if axis == -1 else 1
    for t in (mn, mx):
        if t.shape.ndims is not None and t.shape.ndims != rank:
            raise ValueError(f"{what}: shape must be rank {rank} but is rank "
                             f"{t.shape.ndims}.")
    if axis == -1:
        return TensorShape([])
    if x.shape.ndims is not None and x.shape.ndims <= axis:
        raise ValueError(f"{what}: shape must be at least rank {axis + 1} but is rank "
                         f"{x.shape.ndims}.")
    depth = x.shape[axis] if x.shape.ndims is not None else None
    for t in (mn, mx):
        d = t.shape[0] if t.shape.ndims == 1 else None
        if depth is not None and d is not None and d != depth:
            raise ValueError(f"{what}: dimensions must be equal, but are {d} and {depth}.")
        depth = depth if depth is not None else d
    return TensorShape([depth])


def _check_choice(attr: str, value: str, allowed: tuple, op_type: str) -> None:
    if value not in allowed:
        listed = ", ".join(f'"{a}"' for a in allowed)
        raise ValueError(f"Attr '{attr}' of '{op_type}' Op passed string '{value}' not in: "
                         f"{listed}.")


def _float(v: Any, name: str) -> Tensor:
    t = conversion.convert_to_tensor(v, dtype=None if isinstance(v, Tensor) else _dt.float32,
                                     name=name)
    if t.dtype is not _dt.float32:
        raise TypeError(f"Input '{name}' must be float32, got {t.dtype.name}.")
    return t


def quantize(input: Any, min_range: Any, max_range: Any, T: Any,  # noqa: A002, N803
             mode: str = "MIN_COMBINED", round_mode: str = "HALF_AWAY_FROM_ZERO",
             name: str | None = None, narrow_range: bool = False, axis: int | None = None,
             ensure_minimum_range: float = 0.01) -> QuantizeV2:
    """Quantizes float32 ``input`` to the quantized type ``T`` (``tk.quint8`` & co.).

    Returns ``(output, output_min, output_max)``: the quantized tensor and the float
    range it actually represents. With ``axis``, ``min_range``/``max_range`` are vectors
    and each slice gets its own range (not with ``MIN_FIRST``, as TF).

    Raises:
        TypeError: ``T`` not a quantized type. ValueError: a bad ``mode``/``round_mode``
            or range shapes. InvalidArgumentError (when run): ``max < min``, or
            ``HALF_TO_EVEN`` with a mode other than ``SCALED``.
    """
    dt = _dt.as_dtype(T)
    if not dt.is_quantized:
        raise TypeError(f"Value passed to parameter 'T' has DataType {dt.name} not in list "
                        f"of allowed values: qint8, quint8, qint32, qint16, quint16")
    nm = name or "QuantizeV2"
    _check_choice("mode", mode, _MODES, "QuantizeV2")
    _check_choice("round_mode", round_mode, _ROUND_MODES, "QuantizeV2")
    x = _float(input, "input")
    mn, mx = _float(min_range, "min_range"), _float(max_range, "max_range")
    ax = quantization_axis(x, axis)
    rshape = _range_shape(x, mn, mx, ax, nm)
    attrs = {"T": dt, "mode": mode, "round_mode": round_mode,
             "narrow_range": bool(narrow_range), "axis": ax,
             "ensure_minimum_range": float(ensure_minimum_range)}
    op = make_op("QuantizeV2", [x, mn, mx], [dt, _dt.float32, _dt.float32], name=nm,
                 attrs=attrs, shapes=[x.shape, rshape, rshape])
    return QuantizeV2(*op.outputs)


def quantize_v2(input: Any, min_range: Any, max_range: Any, T: Any,  # noqa: A002, N803
                mode: str = "MIN_COMBINED", name: str | None = None,
                round_mode: str = "HALF_AWAY_FROM_ZERO", narrow_range: bool = False,
                axis: int | None = None, ensure_minimum_range: float = 0.01) -> QuantizeV2:
    """TF1's ``tf.quantize_v2``: :func:`quantize` with ``name`` before ``round_mode``."""
    return quantize(input, min_range, max_range, T, mode=mode, round_mode=round_mode,
                    name=name, narrow_range=narrow_range, axis=axis,
                    ensure_minimum_range=ensure_minimum_range)


def _slices(x: np.ndarray, mn: np.ndarray, mx: np.ndarray, axis: int, what: str) -> int:
    if axis >= x.ndim:
        raise errors.InvalidArgumentError(
            None, None, f"Axis must be less than input dimension({x.ndim}), got {axis}")
    n = 1 if axis == -1 else x.shape[axis]
    for t, nm in ((mn, "min"), (mx, "max")):
        if t.size != n or (axis != -1 and t.ndim != 1):
            raise errors.InvalidArgumentError(
                None, None, f"input_{nm} must have {n} element(s) for {what} on axis "
                f"{axis}, got shape {t.shape}")
    return n


@registry.register_kernel("QuantizeV2")
def _quantize_kernel(ctx: registry.KernelContext, x: Any, mn: Any, mx: Any) -> tuple:
    a = ctx.attrs
    mode, rmode, axis = a["mode"], a["round_mode"], a["axis"]
    if rmode == "HALF_TO_EVEN" and mode != "SCALED":
        raise errors.InvalidArgumentError(
            None, None, f"Round mode 'HALF_TO_EVEN' only supported for mode 'SCALED', but "
            f"mode is '{mode}'.")
    np_type = a["T"].as_numpy_dtype
    x = np.asarray(x, _F32)
    mn, mx = np.asarray(mn, _F32), np.asarray(mx, _F32)
    n = _slices(x, mn, mx, axis, "QuantizeV2")
    if axis != -1 and mode == "MIN_FIRST":
        raise errors.UnimplementedError(
            None, None, "MIN_FIRST mode is not implemented for Quantize with axis != -1.")
    lows, highs = mn.reshape(-1), mx.reshape(-1)
    moved = x[None] if axis == -1 else np.moveaxis(x, axis, 0)
    out = np.empty(moved.shape, np_type)
    omin, omax = np.empty(n, _F32), np.empty(n, _F32)
    for i in range(n):
        if lows[i] > highs[i]:
            raise errors.InvalidArgumentError(
                None, None, "input_max_range must be larger than input_min_range.")
        lo, hi = adjusted_range(lows[i], highs[i], a["ensure_minimum_range"])
        if mode == "MIN_FIRST":
            out[i], omin[i], omax[i] = quantize_min_first(moved[i], lo, hi, np_type), lo, hi
        else:
            out[i], omin[i], omax[i] = quantize_slice(moved[i], lo, hi, np_type, mode,
                                                      rmode, a["narrow_range"])
    if axis == -1:
        return out[0], omin[0], omax[0]
    return np.ascontiguousarray(np.moveaxis(out, 0, axis)), omin, omax


def dequantize(input: Any, min_range: Any, max_range: Any,  # noqa: A002
               mode: str = "MIN_COMBINED", name: str | None = None, axis: int | None = None,
               narrow_range: bool = False, dtype: Any = _dt.float32) -> Tensor:
    """Dequantizes a quantized tensor given the float range it represents (float32).

    Raises:
        TypeError: ``input`` not quantized, or ``dtype`` not float32. ValueError: a bad
            ``mode`` or range shapes.
    """
    q = conversion.convert_to_tensor(input, name="input")
    if not q.dtype.is_quantized:
        raise TypeError(f"dequantize: input must be a quantized tensor (tk.quint8, ...), "
                        f"got {q.dtype.name}.")
    if _dt.as_dtype(dtype) is not _dt.float32:
        raise TypeError(f"dequantize: dtype must be float32, got {_dt.as_dtype(dtype).name}.")
    nm = name or "Dequantize"
    _check_choice("mode", mode, _MODES, "Dequantize")
    mn, mx = _float(min_range, "min_range"), _float(max_range, "max_range")
    ax = quantization_axis(q, axis)
    _range_shape(q, mn, mx, ax, nm)
    attrs = {"T": q.dtype, "mode": mode, "narrow_range": bool(narrow_range), "axis": ax,
             "dtype": _dt.float32}
    return make_op("Dequantize", [q, mn, mx], [_dt.float32], name=nm, attrs=attrs,
                   shapes=[q.shape]).outputs[0]


@registry.register_kernel("Dequantize")
def _dequantize_kernel(ctx: registry.KernelContext, q: Any, mn: Any, mx: Any) -> np.ndarray:
    a = ctx.attrs
    mode, axis = a["mode"], a["axis"]
    q = np.asarray(q, a["T"].as_numpy_dtype)
    mn, mx = np.asarray(mn, _F32), np.asarray(mx, _F32)
    n = _slices(q, mn, mx, axis, "Dequantize")
    if axis == -1:
        return dequantize_values(q, mn.reshape(-1)[0], mx.reshape(-1)[0], mode,
                                 a["narrow_range"]).astype(_F32, copy=False)
    if mode == "MIN_FIRST":
        raise errors.UnimplementedError(
            None, None, "MIN_FIRST mode is not implemented for Dequantize with axis != -1.")
    moved = np.moveaxis(q, axis, 0)
    out = np.empty(moved.shape, _F32)
    for i in range(n):
        out[i] = dequantize_values(moved[i], mn[i], mx[i], mode, a["narrow_range"])
    return np.ascontiguousarray(np.moveaxis(out, 0, axis))


def no_gradient_rule(op: Any, *grads: Any) -> list:
    """As TF, which registers no gradient for these ops: a LookupError naming the op."""
    raise LookupError(f"No gradient defined for operation '{op.name}' (op type: {op.type}). "
                      "TF registers none for quantized ops; use the fake-quant ops "
                      "(tk.quantization.fake_quant_*) to train through quantization.")


registry.register_gradient("QuantizeV2")(no_gradient_rule)
registry.register_gradient("Dequantize")(no_gradient_rule)

__all__ = ["quantization_axis", "quantize", "quantize_v2", "dequantize", "QuantizeV2",
           "quantize_slice", "quantize_min_first", "dequantize_values", "adjusted_range",
           "no_gradient_rule"]
