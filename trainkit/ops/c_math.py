"""The C library's ``log``/``sin``/``cos`` (float and double) applied to arrays.

TF's random kernels call these through ``std::log`` & co., and their last bit differs
from a correctly rounded result (and from NumPy's own SIMD loops) for about one value in
a hundred; bitwise-equal random numbers need the same functions. They are called through
:mod:`ctypes` element by element (~0.2 us a value). Where no C math library can be
loaded, NumPy's functions (float64, rounded) stand in: then values may differ from TF's
in the last bit.
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


def logf(x: np.ndarray) -> np.ndarray:
    """``logf`` of each float32 element."""
    return _apply(_F["logf"], np.log, x, np.float32)


def sincosf(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sinf`` and ``cosf`` of each float32 element."""
    return (_apply(_F["sinf"], np.sin, x, np.float32),
            _apply(_F["cosf"], np.cos, x, np.float32))


def log(x: np.ndarray) -> np.ndarray:
    """``log`` of each float64 element."""
    return _apply(_D["log"], np.log, x, np.float64)


def sincos(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sin`` and ``cos`` of each float64 element."""
    return (_apply(_D["sin"], np.sin, x, np.float64),
            _apply(_D["cos"], np.cos, x, np.float64))


__all__ = ["AVAILABLE", "logf", "sincosf", "log", "sincos"]
