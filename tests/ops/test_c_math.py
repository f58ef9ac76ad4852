"""``c_math``'s float32 functions equal the C library's, element for element, including
where they take the rounded float64 result instead of calling it (the oracle here calls
libm through ctypes for every element)."""

from __future__ import annotations

import ctypes
import ctypes.util

import numpy as np
import pytest

from trainkit.ops import c_math, philox

pytestmark = pytest.mark.skipif(not c_math.AVAILABLE, reason="no loadable C math library")


def _libm(name):
    lib = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
    f = getattr(lib, name)
    f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float]
    return np.frompyfunc(f, 1, 1)


def _box_muller_inputs(n):
    """The uniforms Box-Muller feeds ``logf`` (in [1e-7, 1)) and the angles it feeds
    ``sinf``/``cosf`` (in [0, 2 pi)), from one Philox stream."""
    w = philox.words((12345, 0), (0, 0, 77, 0), 2 * n).reshape(-1, 2)
    u = ((w & np.uint32(0x7FFFFF)) | np.uint32(127 << 23)).view(np.float32) - np.float32(1)
    x0 = np.maximum(u[:, 0], np.float32(1e-7))
    angle = (2 * np.pi * u[:, 1].astype(np.float64)).astype(np.float32)
    return x0, angle


def test_float_functions_equal_libm_on_box_muller_inputs():
    x, angle = _box_muller_inputs(400_000)
    np.testing.assert_array_equal(c_math.logf(x), _libm("logf")(x).astype(np.float32))
    s, c = c_math.sincosf(angle)
    np.testing.assert_array_equal(s, _libm("sinf")(angle).astype(np.float32))
    np.testing.assert_array_equal(c, _libm("cosf")(angle).astype(np.float32))


def test_float_functions_equal_libm_at_special_values():
    x = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e-45, 1e-38, 3.4e38,
                  1e4, -1e4, 2.0 ** -149, np.pi], np.float32)
    with np.errstate(all="ignore"):
        for name, got in (("logf", c_math.logf(x)), ("sinf", c_math.sincosf(x)[0]),
                          ("cosf", c_math.sincosf(x)[1])):
            want = _libm(name)(x).astype(np.float32)
            np.testing.assert_array_equal(got, want, err_msg=name)
    assert c_math.logf(np.zeros(0, np.float32)).shape == (0,)
