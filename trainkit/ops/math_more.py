"""More ``tf.math`` / array names TF1 programs use, composed of existing ops: ``xlogy``,
``xdivy``, ``multiply_no_nan``, ``reciprocal_no_nan``, ``reduce_euclidean_norm``,
``polyval``, ``is_non_decreasing``, ``is_strictly_increasing``, ``repeat``,
``parallel_stack``, ``ensure_shape``, ``unravel_index``, ``unique_with_counts``,
``histogram_fixed_width``, and ``lgamma``/``digamma`` (NumPy kernels: ``math.lgamma`` and a
recurrence + asymptotic series for the digamma, whose gradient, the trigamma, is
``special_functions.polygamma(1, x)``).

Example:
    >>> tk.repeat([1, 2], [2, 3])            # [1, 1, 2, 2, 2]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.elementwise import FLOAT, quiet, unary_op
from trainkit.ops.embedding_ops import unsorted_segment_sum
from trainkit.ops.math_extras import divide_no_nan
from trainkit.ops.op_util import make_op


def _pair(x: Any, y: Any) -> tuple[Tensor, Tensor]:
    a = conversion.convert_to_tensor(x, name="x")
    return a, conversion.convert_to_tensor(y, name="y", dtype=a.dtype)


def _broadcast(x: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
    """``x`` and ``y`` broadcast to their common shape (multiplying by ones: no NaN)."""
    return x * array_ops.ones_like(y), y * array_ops.ones_like(x)


def xlogy(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x * log(y)``, 0 where ``x == 0`` (gradients too)."""
    with name_scope(name, "xlogy", [x, y]):
        x, y = _broadcast(*_pair(x, y))
        zero = math_ops.equal(x, 0)
        safe = math_ops.where(zero, array_ops.ones_like(y), y)
        return math_ops.where(zero, array_ops.zeros_like(x), x * math_ops.log(safe))


def xdivy(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x / y``, 0 where ``x == 0``."""
    with name_scope(name, "xdivy", [x, y]):
        x, y = _broadcast(*_pair(x, y))
        zero = math_ops.equal(x, 0)
        safe = math_ops.where(zero, array_ops.ones_like(y), y)
        return math_ops.where(zero, array_ops.zeros_like(x), x / safe)


def multiply_no_nan(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x * y``, 0 where ``y == 0`` even if ``x`` is inf or NaN."""
    with name_scope(name, "multiply_no_nan", [x, y]):
        x, y = _broadcast(*_pair(x, y))
        safe_x = math_ops.where(math_ops.equal(y, 0), array_ops.zeros_like(x), x)
        return safe_x * y


def reciprocal_no_nan(x: Any, name: str | None = None) -> Tensor:
    """``1 / x``, 0 where ``x == 0``."""
    with name_scope(name, "reciprocal_no_nan", [x]):
        x = conversion.convert_to_tensor(x, name="x")
        return divide_no_nan(array_ops.ones_like(x), x)


def reduce_euclidean_norm(input_tensor: Any, axis: Any = None, keepdims: bool = False,
                          name: str | None = None) -> Tensor:
    """``sqrt(sum(x**2))`` over ``axis``."""
    with name_scope(name, "reduce_euclidean_norm", [input_tensor]):
        x = conversion.convert_to_tensor(input_tensor, name="input_tensor")
        return math_ops.sqrt(math_ops.reduce_sum(math_ops.square(x), axis, keepdims=keepdims))


def polyval(coeffs: list, x: Any, name: str | None = None) -> Tensor:
    """``coeffs[0] * x**(n-1) + ... + coeffs[-1]`` by Horner's rule."""
    with name_scope(name, "polyval", [x]):
        x = conversion.convert_to_tensor(x, name="x")
        if not coeffs:
            return array_ops.zeros_like(x)
        out = math_ops.cast(coeffs[0], x.dtype) + array_ops.zeros_like(x)
        for c in coeffs[1:]:
            out = out * x + math_ops.cast(c, x.dtype)
        return out


def _monotone(x: Any, strict: bool, name: str) -> Tensor:
    with name_scope(None, name, [x]):
        v = array_ops.reshape(conversion.convert_to_tensor(x, name="x"), [-1])
        diff = v[1:] - v[:-1]
        test = math_ops.greater(diff, 0) if strict else math_ops.greater_equal(diff, 0)
        return math_ops.reduce_all(test)


def is_non_decreasing(x: Any, name: str | None = None) -> Tensor:
    """Whether the flattened ``x`` never decreases."""
    return _monotone(x, False, name or "is_non_decreasing")


def is_strictly_increasing(x: Any, name: str | None = None) -> Tensor:
    """Whether the flattened ``x`` always increases."""
    return _monotone(x, True, name or "is_strictly_increasing")


def repeat(input: Any, repeats: Any, axis: int | None = None,  # noqa: A002
           name: str | None = None) -> Tensor:
    """Each slice of ``input`` along ``axis`` repeated ``repeats`` times (flattened when
    ``axis`` is None); ``repeats`` an int or one count per slice."""
    with name_scope(name, "Repeat", [input, repeats]):
        x = conversion.convert_to_tensor(input, name="input")
        if axis is None:
            x, axis = array_ops.reshape(x, [-1]), 0
        r = math_ops.cast(conversion.convert_to_tensor(repeats, name="repeats"), _dt.int32)
        n = array_ops.shape(x)[axis]
        r = r + array_ops.zeros([n], _dt.int32)  # one count per slice
        idx = make_op("RepeatIndex", [r], [_dt.int32], name="index",
                      shapes=[[None]]).outputs[0]
        return array_ops.gather(x, idx, axis=axis)


def parallel_stack(values: list, name: str = "parallel_stack") -> Tensor:
    """``stack(values)`` (TF's parallel variant; the same result)."""
    return array_ops.stack(values, name=name)


def ensure_shape(x: Any, shape: Any, name: str | None = None) -> Tensor:
    """``x`` with its static shape refined to ``shape``, checked when the graph runs.

    Raises:
        ValueError: a static shape incompatible with ``shape``.
    """
    t = conversion.convert_to_tensor(x, name="x")
    want = [None if d is None or d == -1 else int(d) for d in shape]
    if t.shape.ndims is not None and (t.shape.ndims != len(want) or any(
            a is not None and b is not None and a != b
            for a, b in zip(t.shape.as_list(), want))):
        raise ValueError(f"Shape of tensor {t.name} {t.shape} is not compatible with "
                         f"expected shape {want}.")
    y = make_op("EnsureShape", [t], [t.dtype], name=name or "EnsureShape",
                attrs={"shape": want}, shapes=[want]).outputs[0]
    return y


def unravel_index(indices: Any, dims: Any, name: str | None = None) -> Tensor:
    """The coordinates ``[rank, ...]`` of flat ``indices`` in an array of shape ``dims``."""
    i = conversion.convert_to_tensor(indices, name="indices")
    d = conversion.convert_to_tensor(dims, name="dims", dtype=i.dtype)
    return make_op("UnravelIndex", [i, d], [i.dtype], name=name or "UnravelIndex").outputs[0]


def unique_with_counts(x: Any, out_idx: Any = _dt.int32, name: str | None = None) -> tuple:
    """``(y, idx, count)``: ``unique`` plus how often each distinct value occurs."""
    from trainkit.ops.array_extras import unique

    with name_scope(name, "UniqueWithCounts", [x]):
        y, idx = unique(x, out_idx)
        count = unsorted_segment_sum(array_ops.ones_like(idx), idx, array_ops.shape(y)[0])
        return y, idx, count


def histogram_fixed_width(values: Any, value_range: Any, nbins: int = 100,
                          dtype: Any = _dt.int32, name: str | None = None) -> Tensor:
    """Counts of ``values`` in ``nbins`` equal bins over ``value_range`` (values outside
    go to the end bins)."""
    with name_scope(name, "histogram_fixed_width", [values, value_range]):
        v = array_ops.reshape(conversion.convert_to_tensor(values, name="values"), [-1])
        rng = conversion.convert_to_tensor(value_range, dtype=v.dtype)
        scaled = (v - rng[0]) / (rng[1] - rng[0])
        bins = math_ops.cast(math_ops.floor(scaled * float(nbins)), _dt.int32)
        bins = math_ops.minimum(math_ops.maximum(bins, 0), nbins - 1)
        ones = array_ops.ones_like(bins, dtype=_dt.as_dtype(dtype))
        return unsorted_segment_sum(ones, bins, nbins)


def histogram_fixed_width_bins(values: Any, value_range: Any, nbins: int = 100,
                               dtype: Any = _dt.int32, name: str | None = None) -> Tensor:
    """The bin of each of ``values`` (same shape) among ``nbins`` equal bins over
    ``value_range``: ``floor(nbins * (v - lo) / (hi - lo))`` clipped to
    ``[0, nbins - 1]``, as int32 whatever ``dtype`` says (as TF, which ignores it)."""
    with name_scope(name, "histogram_fixed_width", [values, value_range, nbins]):
        v = conversion.convert_to_tensor(values, name="values")
        shape = array_ops.shape(v)
        flat = array_ops.reshape(v, [-1])
        rng = conversion.convert_to_tensor(value_range, dtype=v.dtype, name="value_range")
        n = math_ops.cast(conversion.convert_to_tensor(nbins, name="nbins"), v.dtype)
        scaled = (flat - rng[0]) / (rng[1] - rng[0])
        idx = math_ops.floor(n * scaled)
        idx = math_ops.minimum(math_ops.maximum(idx, 0.0), n - 1.0)
        return array_ops.reshape(math_ops.cast(idx, _dt.int32), shape)


def lgamma(x: Any, name: str | None = None) -> Tensor:
    """``log|Gamma(x)|`` (its gradient is the digamma)."""
    return unary_op("Lgamma", x, name or "Lgamma", FLOAT)


def digamma(x: Any, name: str | None = None) -> Tensor:
    """The digamma function ``Gamma'(x) / Gamma(x)`` (its gradient is the trigamma)."""
    return unary_op("Digamma", x, name or "Digamma", FLOAT)


def _digamma_np(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, np.float64)
    out = np.zeros_like(x)
    reflect = x < 0.5  # psi(1 - x) - psi(x) = pi cot(pi x)
    xr = np.where(reflect, 1.0 - x, x)
    # psi(x) = psi(x + 1) - 1 / x, until x >= 10, where the series below is truncated at
    # 2e-14 (from 6 it was 1e-11: enough for values, not for finite-difference checks of
    # the trigamma gradient)
    for _ in range(10):
        small = xr < 10.0
        out -= np.where(small, 1.0 / np.where(small, xr, 1.0), 0.0)
        xr = np.where(small, xr + 1.0, xr)
    inv2 = 1.0 / (xr * xr)
    series = (np.log(xr) - 0.5 / xr - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (
        1 / 252 - inv2 * (1 / 240 - inv2 / 132)))))
    out += series
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(reflect, out - np.pi / np.tan(np.pi * x), out)


_LGAMMA = np.vectorize(lambda v: math.lgamma(v) if v > 0 or v != math.floor(v) else math.inf,
                       otypes=[np.float64])

registry.register_kernel("Lgamma")(quiet(lambda ctx, x: _LGAMMA(x).astype(np.asarray(x).dtype)))
registry.register_kernel("Digamma")(
    quiet(lambda ctx, x: _digamma_np(x).astype(np.asarray(x).dtype)))
registry.register_gradient("Lgamma")(lambda op, g: [g * digamma(op.inputs[0])])
registry.register_kernel("RepeatIndex")(
    lambda ctx, r: np.repeat(np.arange(len(r)), np.maximum(r, 0)).astype(np.int32))


@registry.register_kernel("EnsureShape")
def _ensure_shape(ctx: registry.KernelContext, x: Any) -> Any:
    want = ctx.attrs["shape"]
    got = np.shape(x)
    if len(got) != len(want) or any(w is not None and w != g for w, g in zip(want, got)):
        raise errors.InvalidArgumentError(None, ctx.op, f"Shape of tensor x {list(got)} is "
                                          f"not compatible with expected shape {want}.")
    return x


registry.register_kernel("UnravelIndex")(lambda ctx, i, d: np.asarray(
    np.unravel_index(i, tuple(int(v) for v in d)), dtype=np.asarray(i).dtype))
registry.register_gradient("EnsureShape")(lambda op, g: [g])
registry.not_differentiable("RepeatIndex", "UnravelIndex")

__all__ = ["xlogy", "xdivy", "multiply_no_nan", "reciprocal_no_nan", "reduce_euclidean_norm",
           "polyval", "is_non_decreasing", "is_strictly_increasing", "repeat",
           "parallel_stack", "ensure_shape", "unravel_index", "unique_with_counts",
           "histogram_fixed_width", "histogram_fixed_width_bins", "lgamma", "digamma"]
