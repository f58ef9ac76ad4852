"""The C library's ``log``/``sin``/``cos`` (float and double) applied to arrays.

TF's random kernels call these through ``std::log`` & co., and their last bit differs
from a correctly rounded result (and from NumPy's own SIMD loops) for about one value in
a hundred; bitwise-equal random numbers need the same functions. They are called through
:mod:`ctypes` element by element (~0.2 us a value). Where no C math library can be
loaded, NumPy's functions (float64, rounded) stand in: then values may differ from TF's
in the last bit.

The float32 functions of glibc 2.28 and later are within 0.82 ULP (``logf``) and 0.56
ULP (``sinf``/``cosf``) of the exact value (their published bounds), so where the exact
value lies within 0.18 (0.44) ULP of a float32 it must be that float, the correctly
rounded result: there the float64 result rounded to float32 is taken (NumPy, fast), and
the C function is called only for the other elements (those within 0.35 / 0.1 ULP of a
midpoint of two floats, for a margin; about 70 % / 20 % of them).

This is the NumPy path; with compiled loops on, seeded normals call the same functions
from numba (:mod:`trainkit.ops.philox_normal_loops`), ~15x faster.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

import numpy as np


def _load() -> ctypes.CDLL | None:
    for name in ("libm.so.6", ctypes.util.find_library("m")):
        if name:
            try:
                return ctypes.CDLL(name)
            except OSError:
                continue
    return None


def _fn(lib: ctypes.CDLL | None, name: str, ctype: type) -> Callable | None:
    f = getattr(lib, name, None) if lib is not None else None
    if f is None:
        return None
    f.restype, f.argtypes = ctype, [ctype]
    return np.frompyfunc(f, 1, 1)


_LIB = _load()
_F = {name: _fn(_LIB, name, ctypes.c_float) for name in ("logf", "sinf", "cosf")}
_D = {name: _fn(_LIB, name, ctypes.c_double) for name in ("log", "sin", "cos")}
AVAILABLE = all(f is not None for f in (*_F.values(), *_D.values()))


def _apply(f: Callable | None, fallback: Callable, x: np.ndarray, dt: type) -> np.ndarray:
    x = np.asarray(x, dt)
    if f is None or x.size == 0:
        return fallback(x.astype(np.float64)).astype(dt)
    return f(x).astype(dt)


def _glibc_version() -> tuple[int, ...]:
    f = getattr(_LIB, "gnu_get_libc_version", None) if _LIB is not None else None
    if f is None:
        return ()
    f.restype, f.argtypes = ctypes.c_char_p, []
    try:
        return tuple(int(p) for p in f().decode().split(".")[:2])
    except ValueError:
        return ()


# the error bounds below are those of glibc's float functions from 2.28 on
_BOUNDED = _glibc_version() >= (2, 28)
_EXACT_WITHIN = {"logf": 0.15, "sinf": 0.4, "cosf": 0.4}  # ULPs, below the proven 0.18 / 0.44


def _apply_float(name: str, exact: Callable, x: np.ndarray) -> np.ndarray:
    """``name`` of each float32 element: the rounded float64 result where that is the
    C function's result too (see the module docstring), the C function elsewhere."""
    f = _F[name]
    x = np.asarray(x, np.float32)
    if f is None or not _BOUNDED or x.size == 0:
        return _apply(f, exact, x, np.float32)
    wide = exact(x.astype(np.float64))
    out = wide.astype(np.float32)
    ulp = np.spacing(np.abs(out)).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        unsure = ~(np.abs(wide - out) < _EXACT_WITHIN[name] * ulp)  # NaN/inf: unsure too
    if unsure.any():
        out[unsure] = f(x[unsure]).astype(np.float32)
    return out


def logf(x: np.ndarray) -> np.ndarray:
    """``logf`` of each float32 element."""
    return _apply_float("logf", np.log, x)


def sincosf(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sinf`` and ``cosf`` of each float32 element."""
    return _apply_float("sinf", np.sin, x), _apply_float("cosf", np.cos, x)


def log(x: np.ndarray) -> np.ndarray:
    """``log`` of each float64 element."""
    return _apply(_D["log"], np.log, x, np.float64)


def sincos(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sin`` and ``cos`` of each float64 element."""
    return (_apply(_D["sin"], np.sin, x, np.float64),
            _apply(_D["cos"], np.cos, x, np.float64))


__all__ = ["AVAILABLE", "logf", "sincosf", "log", "sincos"]
