"""Elementwise arithmetic (NumPy kernels, TF1 semantics) and the tensor operators.

Binary ops broadcast like NumPy; a Python operand takes the tensor operand's dtype; two
tensors of different dtypes are a ``TypeError`` naming both. ``x / y`` is ``truediv``:
integers are cast to floats first (int8/int16/uint8/uint16 -> float32, int32/int64 ->
float64, as TF). ``x // y`` floors, ``x % y`` takes the divisor's sign (``floormod``);
integer division by zero is an ``InvalidArgumentError``. Float division by zero, like
TF, silently gives ``inf``/``nan``. ``+ - * / **`` (``add subtract multiply truediv
divide realdiv div pow``) also take complex64/complex128 tensors, as TF; ``maximum``,
``minimum``, ``//`` and ``%`` refuse them (``TypeError``).

This module also re-exports the unary functions, ``matmul``, ``cast``, comparisons and
reductions, so ``math_ops.<name>`` finds everything TF keeps in ``math_ops``.

Example:
    >>> import trainkit as tk
    >>> tk.constant([1, 2]) / 2      # int32 / int32 -> float64
    <tk.Tensor 'truediv:0' shape=(2,) dtype=float64>
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor, register_operator
from trainkit.ops.cast_ops import cast, to_double, to_float, to_int32, to_int64
from trainkit.ops.comparison_ops import (
    equal,
    greater,
    greater_equal,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    not_equal,
    where,
)
from trainkit.ops.elementwise import (
    FLOAT_OR_COMPLEX,
    NUMERIC,
    NUMERIC_OR_COMPLEX,
    binary_op,
    convert_pair,
    quiet,
)
from trainkit.ops.identity_ops import identity
from trainkit.ops.matmul_ops import matmul
from trainkit.ops.op_util import make_op
from trainkit.ops.reduction_ops import (
    arg_max,
    arg_min,
    argmax,
    argmin,
    cumsum,
    reduce_all,
    reduce_any,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
)
from trainkit.ops.unary_ops import (
    abs,
    ceil,
    cos,
    exp,
    floor,
    is_finite,
    is_inf,
    is_nan,
    log,
    log1p,
    negative,
    reciprocal,
    round,
    rsqrt,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    tanh,
)

_TRUEDIV_FLOAT = {_dt.int8: _dt.float32, _dt.uint8: _dt.float32, _dt.int16: _dt.float32,
                  _dt.uint16: _dt.float32, _dt.int32: _dt.float64, _dt.int64: _dt.float64}


def add(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x + y`` elementwise, with NumPy broadcasting (named ``add`` as TF's ``+``;
    the public ``tf.add`` is ``math_public.add``, named ``Add``)."""
    return binary_op("AddV2", x, y, name or "add", NUMERIC_OR_COMPLEX)


def subtract(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x - y`` elementwise (named ``sub`` as the ``-`` operator; ``tf.subtract``'s is ``Sub``)."""
    return binary_op("Sub", x, y, name or "sub", NUMERIC_OR_COMPLEX)


def multiply(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x * y`` elementwise (named ``mul`` as the ``*`` operator; ``tf.multiply``'s is ``Mul``)."""
    return binary_op("Mul", x, y, name or "mul", NUMERIC_OR_COMPLEX)


def truediv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x / y`` with Python 3 semantics: integer inputs are cast to a float type first.

    Example:
        >>> truediv(tk.constant(3), tk.constant(2))   # 1.5, dtype float64
    """
    with name_scope(name or "truediv", values=[x, y]) as scope:
        x, y = convert_pair("RealDiv", x, y, scope[:-1], named=True)
        target = _TRUEDIV_FLOAT.get(x.dtype)
        if target is not None:
            x, y = cast(x, target), cast(y, target)
        return binary_op("RealDiv", x, y, scope, FLOAT_OR_COMPLEX)


def divide(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x / y`` (the same as :func:`truediv`)."""
    return truediv(x, y, name=name or "truediv")


def realdiv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x / y`` for floating or complex tensors (no casting)."""
    return binary_op("RealDiv", x, y, name or "RealDiv", FLOAT_OR_COMPLEX)


def floordiv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``floor(x / y)`` elementwise (Python's ``//``), for integers and floats."""
    return binary_op("FloorDiv", x, y, name or "floordiv", NUMERIC)


def div(x: Any, y: Any, name: str | None = None) -> Tensor:
    """TF1's legacy ``div``: floor division for integers, real division for floats and
    complex numbers."""
    with name_scope(name or "div", values=[x, y]) as scope:
        x, y = convert_pair("Div", x, y, scope[:-1], named=True)
        if x.dtype in FLOAT_OR_COMPLEX:
            return binary_op("RealDiv", x, y, scope, FLOAT_OR_COMPLEX)
        return floordiv(x, y, name=scope)


def mod(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x % y`` with the divisor's sign (Python's ``%``, TF's ``floormod``); named
    ``mod`` as the ``%`` operator (``tf.mod``'s is ``FloorMod``)."""
    return binary_op("FloorMod", x, y, name or "mod", NUMERIC)


floormod = mod


def pow(x: Any, y: Any, name: str | None = None) -> Tensor:  # noqa: A001 - TF's name
    """``x ** y`` elementwise (integers to negative integer powers are an error at run).
    Named ``pow`` as the ``**`` operator (``tf.pow``'s is ``Pow``)."""
    return binary_op("Pow", x, y, name or "pow", NUMERIC_OR_COMPLEX)


def maximum(x: Any, y: Any, name: str | None = None) -> Tensor:
    """The elementwise maximum (NaN propagates)."""
    return binary_op("Maximum", x, y, name or "Maximum", NUMERIC)


def minimum(x: Any, y: Any, name: str | None = None) -> Tensor:
    """The elementwise minimum (NaN propagates)."""
    return binary_op("Minimum", x, y, name or "Minimum", NUMERIC)


def squared_difference(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``(x - y) ** 2`` elementwise; for complex tensors ``|x - y| ** 2`` (as a complex
    value), as TF, whose gradient ``2 grad (x - y)`` is also kept (the derivative in TF's
    convention only for a real upstream gradient)."""
    return binary_op("SquaredDifference", x, y, name or "SquaredDifference",
                     NUMERIC_OR_COMPLEX)


def add_n(inputs: list, name: str | None = None) -> Tensor:
    """The elementwise sum of a list of tensors with the same shape and dtype.

    Raises:
        ValueError: if ``inputs`` is empty or the static shapes differ.
        TypeError: if the dtypes differ.
    """
    if not isinstance(inputs, list | tuple) or not inputs:
        raise ValueError("inputs must be a non-empty list of tensors (add_n).")
    ts = [conversion.convert_to_tensor(t) for t in inputs]
    if len(ts) == 1:
        return identity(ts[0], name=name or "AddN") if name else ts[0]
    shape = TensorShape(None)
    for t in ts:
        if t.dtype is not ts[0].dtype:
            raise TypeError(f"AddN op '{name or 'AddN'}': inputs must have the same dtype, got "
                            f"{ts[0].dtype.name} ({ts[0].name}) and {t.dtype.name} ({t.name}).")
        try:
            shape = shape.merge_with(t.shape)
        except ValueError:
            raise ValueError(f"AddN op '{name or 'AddN'}': inputs must have the same shape, "
                             f"got {ts[0].shape} ({ts[0].name}) and {t.shape} ({t.name})."
                             ) from None
    if ts[0].dtype not in NUMERIC and not ts[0].dtype.is_complex:  # complex: gradients
        raise TypeError(f"AddN op '{name or 'AddN'}': dtype {ts[0].dtype.name} is not numeric.")
    return make_op("AddN", ts, [ts[0].dtype], name=name or "AddN", attrs={"N": len(ts)},
                   shapes=[shape]).outputs[0]


def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any,
                  name: str | None = None) -> Tensor:
    """Clips ``t`` elementwise to ``[clip_value_min, clip_value_max]``.

    Raises:
        ValueError: if the bounds would broadcast ``t`` to a larger shape.
    """
    with name_scope(name or "clip_by_value") as scope:
        t = conversion.convert_to_tensor(t)
        lo = minimum(t, clip_value_max)
        out = maximum(lo, clip_value_min, name=scope)
        if not out.shape.is_compatible_with(t.shape) or (
                out.shape.ndims is not None and t.shape.ndims is not None
                and out.shape.ndims != t.shape.ndims):
            raise ValueError(f"clip_by_value '{scope}': the bounds broadcast {t.name} of shape "
                             f"{t.shape} to {out.shape}.")
        return out


# -- kernels -----------------------------------------------------------------------------
def _k2(fn: Any) -> Any:
    def kernel(ctx: registry.KernelContext, x: Any, y: Any) -> Any:
        return fn(x, y)
    return kernel


registry.register_kernel("AddV2")(_k2(np.add))
registry.register_kernel("Sub")(quiet(_k2(np.subtract)))  # inf - inf is NaN, silently
registry.register_kernel("Mul")(_k2(np.multiply))
registry.register_kernel("Maximum")(_k2(np.maximum))
registry.register_kernel("Minimum")(_k2(np.minimum))
registry.register_kernel("RealDiv")(quiet(_k2(np.divide)))


@registry.register_kernel("SquaredDifference")
@quiet
def _squared_difference(ctx: registry.KernelContext, x: Any, y: Any) -> Any:
    d = np.subtract(x, y)
    if d.dtype.kind == "c":  # TF: |x - y| ** 2
        return d * np.conj(d)
    return np.square(d)


def _int_zero_check(y: Any) -> None:
    if y.dtype.kind in "iu" and not np.all(y):
        raise errors.InvalidArgumentError(None, None, "Integer division by zero")


@registry.register_kernel("FloorDiv")
@quiet
def _floordiv(ctx: registry.KernelContext, x: Any, y: Any) -> Any:
    _int_zero_check(y)
    return np.floor_divide(x, y)


@registry.register_kernel("FloorMod")
@quiet
def _floormod(ctx: registry.KernelContext, x: Any, y: Any) -> Any:
    _int_zero_check(y)
    return np.mod(x, y)


@registry.register_kernel("Pow")
@quiet
def _pow(ctx: registry.KernelContext, x: Any, y: Any) -> Any:
    # A float array to a scalar 2 or 1 of its own dtype (a squared error, and its
    # gradient's ``x ** (2 - 1)``): ``x * x`` and a copy of ``x``, bitwise ``np.power``'s
    # (IEEE pow is exact for these exponents: tests/ops/test_pow_fast.py checks every
    # float16 and random float32/64 bit patterns) at a third of its time (256x784
    # float32: 15 against 48 us; ``np.power`` calls libm's pow per item). Not the copy
    # for float16: its ``power`` (through float32) turns every NaN into the canonical one.
    if (type(x) is np.ndarray and x.dtype.kind == "f" and np.ndim(y) == 0
            and np.result_type(x, y) == x.dtype):
        e = float(y)
        if e == 2.0:
            return np.multiply(x, x)
        if e == 1.0 and x.itemsize >= 4:
            return x.copy()
    return np.power(x, y)


@registry.register_kernel("AddN")
def _add_n(ctx: registry.KernelContext, *xs: Any) -> Any:
    out = np.add(xs[0], xs[1])
    if len(xs) > 2:
        if not isinstance(out, np.ndarray):
            for v in xs[2:]:
                out = out + v
            return out
        for v in xs[2:]:
            np.add(out, v, out=out)
    return out


def _named(fn: Any, name: str) -> Any:
    """``fn`` naming its op ``name``: TF's operators open a name scope of their own
    (``x + y`` is ``add``, where ``tf.add(x, y)`` is ``Add``)."""
    def operator(x: Any, y: Any) -> Tensor:
        return fn(x, y, name=name)
    return operator


register_operator("add", _named(add, "add"))
register_operator("sub", _named(subtract, "sub"))
register_operator("mul", _named(multiply, "mul"))
register_operator("truediv", truediv)
register_operator("floordiv", floordiv)
register_operator("mod", _named(mod, "mod"))
register_operator("pow", _named(pow, "pow"))
register_operator("neg", negative)
register_operator("abs", abs)

__all__ = [
    "add", "subtract", "multiply", "truediv", "divide", "realdiv", "floordiv", "div", "mod",
    "floormod", "pow", "maximum", "minimum", "squared_difference", "add_n", "clip_by_value",
    "negative", "abs", "sign", "square", "sqrt", "rsqrt", "exp", "log", "log1p", "sin",
    "cos", "tanh", "sigmoid", "reciprocal", "floor", "ceil", "round", "is_nan", "is_finite",
    "is_inf", "matmul", "cast", "to_float", "to_double", "to_int32", "to_int64", "equal",
    "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
    "logical_or", "logical_not", "logical_xor", "where", "reduce_sum", "reduce_mean",
    "reduce_max", "reduce_min", "reduce_prod", "reduce_any", "reduce_all", "arg_max",
    "arg_min", "argmax",
    "argmin", "cumsum",
]
