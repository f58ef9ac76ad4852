"""The compiled float16 conversions and sums (``ops/half_loops.py``) against NumPy:
bitwise NumPy's ``astype`` for every float16 bit pattern, for millions of float32 bit
patterns (uniform over all of them) and for every pattern near each rounding boundary;
NumPy's half addition for random pairs (NaN results compared as NaNs: which of two NaN
payloads survives an addition is defined by neither path); and ``tf.cast`` taking the
loops for large arrays, with the same bits as the NumPy path.
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops import half_loops, jit

pytest.importorskip("numba")

RNG = np.random.default_rng(5)


def _halves(x: np.ndarray) -> np.ndarray:
    return half_loops.float32_to_float16(x).view(np.uint16)


def test_every_float16_widens_to_numpys_float32():
    h = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)
    got = half_loops.float16_to_float32(h)
    assert got.dtype == np.float32 and got.shape == h.shape
    assert np.array_equal(got.view(np.uint32), h.astype(np.float32).view(np.uint32))


def test_random_float32_bit_patterns_round_as_numpy_does():
    bits = RNG.integers(0, 1 << 32, size=1 << 21, dtype=np.uint64).astype(np.uint32)
    x = bits.view(np.float32)
    with np.errstate(all="ignore"):
        want = x.astype(np.float16).view(np.uint16)
    assert np.array_equal(_halves(x), want)


@pytest.mark.parametrize("edge", [0x33000000, 0x38000000, 0x38800000, 0x477FE000,
                                  0x477FF000, 0x7F800000, 0x7FC00000])
def test_every_pattern_near_a_rounding_edge(edge):
    """Around 2**-25 (zero vs the smallest subnormal), the subnormal/normal boundary,
    the largest float16 and the overflow tie, infinity and the NaNs, both signs."""
    lo = max(0, edge - 40000)
    bits = np.arange(lo, min(edge + 40000, 1 << 31), dtype=np.uint64).astype(np.uint32)
    for sign in (0, 0x80000000):
        x = (bits | np.uint32(sign)).view(np.float32)
        with np.errstate(all="ignore"):
            want = x.astype(np.float16).view(np.uint16)
        assert np.array_equal(_halves(x), want), hex(edge)


def test_float16_sums_are_numpys():
    a = RNG.integers(0, 1 << 16, size=1 << 20).astype(np.uint16).view(np.float16)
    b = RNG.integers(0, 1 << 16, size=1 << 20).astype(np.uint16).view(np.float16)
    got = b.copy()
    half_loops.add_into(a, got)
    with np.errstate(all="ignore"):
        want = a + b
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(got), nan)
    assert np.array_equal(got.view(np.uint16)[~nan], want.view(np.uint16)[~nan])


def test_gradient_sized_values_sum_exactly_in_float16():
    """Values near 1e-5 are float16 subnormals, where NumPy's own path is slowest."""
    a = (RNG.standard_normal(50000) * 1e-5).astype(np.float16)
    b = (RNG.standard_normal(50000) * 1e-5).astype(np.float16)
    got = b.copy()
    half_loops.add_into(a, got)
    assert np.array_equal(got.view(np.uint16), (a + b).view(np.uint16))


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_cast_takes_the_loops_and_gives_numpys_bits(backend, monkeypatch):
    x = np.concatenate([(RNG.standard_normal(20000) * 1e-5).astype(np.float32),
                        np.array([np.inf, -np.inf, np.nan, 65520.0, -0.0, 1e-30],
                                 np.float32)])
    ran = []
    for name in ("float32_to_float16", "float16_to_float32"):
        real = getattr(half_loops, name)
        monkeypatch.setattr(half_loops, name,
                            lambda v, _r=real, _n=name: ran.append(_n) or _r(v))
    prev = jit.set_backend(backend)
    try:
        with tk.Graph().as_default():
            p = tk.placeholder(tk.float32, [None])
            half = tk.cast(p, tk.float16)
            back = tk.cast(half, tk.float32)
            with tk.Session() as s:
                h, f = s.run([half, back], {p: x})
    finally:
        jit.set_backend(prev)
    with np.errstate(all="ignore"):
        want = x.astype(np.float16)
    assert h.dtype == np.float16 and np.array_equal(h.view(np.uint16), want.view(np.uint16))
    assert np.array_equal(f.view(np.uint32), want.astype(np.float32).view(np.uint32))
    assert ran == (["float32_to_float16", "float16_to_float32"] if backend == "numba"
                   else [])
