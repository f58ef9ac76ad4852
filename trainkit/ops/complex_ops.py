"""Complex numbers: ``tf.complex``, ``tf.real``, ``tf.imag``, ``tf.conj``, the modulus
``tf.abs`` of a complex tensor (TF's ``ComplexAbs``, also behind ``abs(z)``) and its
argument ``tf.angle``.

As TF: ``real``/``conj`` of a real tensor return it unchanged and ``imag`` of one is zeros;
``angle`` of a real tensor is ``pi`` where it is negative, else 0;
``complex(re, im)`` broadcasts two float32 (-> complex64) or float64 (-> complex128) parts.

Example:
    >>> mag = tk.abs(tk.spectral.rfft(signal))        # float32 magnitudes
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import broadcast_static
from trainkit.framework.tensor import Tensor, register_operator
from trainkit.ops import array_ops, comparison_ops, math_ops
from trainkit.ops.op_util import make_op

_COMPLEX_OF = {_dt.float32: _dt.complex64, _dt.float64: _dt.complex128}


def complex(real: Any, imag: Any, name: str | None = None) -> Tensor:  # noqa: A001
    """``real + i * imag`` (broadcasting), complex64 for float32 parts, else complex128.

    Raises:
        TypeError: if the parts are not both float32 or both float64.
    """
    re = conversion.convert_to_tensor(real, name="real")
    im = conversion.convert_to_tensor(imag, name="imag", dtype=re.dtype) \
        if not isinstance(imag, Tensor) else imag
    if re.dtype is not im.dtype or re.dtype not in _COMPLEX_OF:
        raise TypeError(f"complex: the real and imaginary parts must both be float32 or "
                        f"both float64, got {re.dtype.name} and {im.dtype.name}.")
    shape = broadcast_static(re.shape, im.shape)
    return make_op("Complex", [re, im], [_COMPLEX_OF[re.dtype]], name=name or "Complex",
                   attrs={"T": re.dtype, "Tout": _COMPLEX_OF[re.dtype]},
                   shapes=[shape]).outputs[0]


def _part(op_type: str, x: Any, name: str | None) -> Tensor:
    x = conversion.convert_to_tensor(x, name="input")
    return make_op(op_type, [x], [x.dtype.real_dtype], name=name or op_type,
                   attrs={"T": x.dtype, "Tout": x.dtype.real_dtype},
                   shapes=[x.shape]).outputs[0]


def real(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The real part (a real tensor is returned as it is)."""
    x = conversion.convert_to_tensor(input, name="input")
    return _part("Real", x, name) if x.dtype.is_complex else x


def imag(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The imaginary part (zeros for a real tensor)."""
    x = conversion.convert_to_tensor(input, name="input")
    return _part("Imag", x, name) if x.dtype.is_complex else array_ops.zeros_like(x)


def conj(x: Any, name: str | None = None) -> Tensor:
    """The complex conjugate (a real tensor is returned as it is)."""
    x = conversion.convert_to_tensor(x, name="x")
    if not x.dtype.is_complex:
        return x
    return make_op("Conj", [x], [x.dtype], name=name or "Conj", shapes=[x.shape]).outputs[0]


def abs(x: Any, name: str | None = None) -> Tensor:  # noqa: A001 - TF's name
    """``|x|``: the modulus (float32/float64) of a complex tensor, else ``math_ops.abs``."""
    x = conversion.convert_to_tensor(x, name="x")
    if not x.dtype.is_complex:
        return math_ops.abs(x, name=name)
    return _part("ComplexAbs", x, name)


def angle(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The argument ``atan2(imag, real)`` of a complex tensor (float32/float64); for a
    real tensor ``pi`` where it is negative, else 0 (as TF)."""
    x = conversion.convert_to_tensor(input, name="input")
    if x.dtype.is_complex:
        return _part("Angle", x, name)
    with name_scope(name or "Angle"):
        zero = array_ops.zeros_like(x)
        return comparison_ops.where(comparison_ops.less(x, zero),
                                    array_ops.ones_like(x) * np.pi, zero)


def _real_of(x: np.ndarray) -> type:
    return np.float32 if x.dtype == np.complex64 else np.float64


@registry.register_kernel("Complex")
def _complex(ctx: registry.KernelContext, re: Any, im: Any) -> np.ndarray:
    re, im = np.asarray(re), np.asarray(im)
    out = np.empty(np.broadcast_shapes(re.shape, im.shape),
                   np.complex64 if re.dtype == np.float32 else np.complex128)
    out.real, out.imag = re, im
    return out


@registry.register_kernel("Real")
def _real(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(x).real)


@registry.register_kernel("Imag")
def _imag(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(x).imag)


@registry.register_kernel("Conj")
def _conj(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    return np.conj(np.asarray(x))


@registry.register_kernel("Angle")
def _angle(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    x = np.asarray(x)
    return np.angle(x).astype(_real_of(x), copy=False)


@registry.register_kernel("ComplexAbs")
def _complex_abs(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    x = np.asarray(x)
    return np.abs(x).astype(_real_of(x), copy=False)


register_operator("abs", abs)  # abs(z) of a complex tensor is its modulus, as TF

__all__ = ["complex", "real", "imag", "conj", "abs", "angle"]
