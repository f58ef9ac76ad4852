"""float32 <-> float16 conversions and float16 sums as compiled loops (``ops/jit.py``).

NumPy converts float32 to float16 in software, and takes a slow path for every result
below float16's smallest normal (2**-14): measured on this project's machine, 1.4 ns per
element for values near 1 but 61 ns for gradient-sized values near 1e-5 (whose float16
forms are subnormal), 8 ns back to float32 and 12 ns per float16 sum. That made
``hvd.Compression.fp16`` cost more than the allreduce it halves (Horovod's
``tensorflow_synthetic_benchmark.py``, MobileNet, batch 2 on 2 ranks: 1.5 s per step
against 0.4 s uncompressed, 0.6 s of it in ``Cast``). The loops here do the same
conversions on the bit patterns with integer operations, in any range at the same
speed.

Bitwise NumPy's results (``tests/ops/test_half_loops.py`` checks every float16 and
millions of float32 bit patterns):

- float32 -> float16 rounds to nearest, ties to even; magnitudes from 65520 up become
  infinity, those of 2**-25 and below a signed zero; a NaN keeps the top 10 bits of its
  payload (a payload that would vanish becomes 1, so the result stays a NaN) and is not
  made quiet.
- float16 -> float32 is exact (NaN payloads shifted up, not made quiet).
- the float16 sum ``a + b`` is the float32 sum of the two converted values rounded once
  to float16 (NumPy's half addition); float32's 24 bits are enough for that double
  rounding to equal a single one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.ops import jit, parallel

#: the value of float16's last subnormal bit, 2**-24
SUBNORMAL_UNIT = 2.0 ** -24
#: arrays below this many elements are converted by NumPy (a compiled call's fixed cost)
MIN_ELEMENTS = 4096


@jit.loop
def half_of(u):  # noqa: ANN001, ANN201 - compiled: numba types the arguments
    """The float16 bits (as an int) of the float32 with bits ``u`` (an int)."""
    sign = (u >> 16) & 0x8000
    a = u & 0x7FFFFFFF
    if a >= 0x7F800000:                      # infinity or NaN
        if a == 0x7F800000:
            return sign | 0x7C00
        h = 0x7C00 | ((a & 0x7FFFFF) >> 13)
        return sign | (h if h != 0x7C00 else 0x7C01)
    if a >= 0x477FF000:                      # rounds to 65536 or more: infinity
        return sign | 0x7C00
    if a >= 0x38800000:                      # a normal float16: rebias, round the cut
        r = a - 0x38000000
        return sign | ((r + 0xFFF + ((r >> 13) & 1)) >> 13)
    if a > 0x33000000:                       # a subnormal float16 (or the smallest normal)
        m = (a & 0x7FFFFF) | 0x800000
        s = 126 - (a >> 23)                  # units of 2**-24
        q = m >> s
        rest = m & ((1 << s) - 1)
        half = 1 << (s - 1)
        if rest > half or (rest == half and (q & 1) == 1):
            q += 1
        return sign | q
    return sign                              # 2**-25 and below: a signed zero


@jit.loop
def float_of(h):  # noqa: ANN001, ANN201
    """The float32 bits (as an int) of the float16 with bits ``h`` (an int)."""
    sign = (h & 0x8000) << 16
    e = (h >> 10) & 0x1F
    m = h & 0x3FF
    if e == 0x1F:
        return sign | 0x7F800000 | (m << 13)
    if e != 0:
        return sign | ((e + 112) << 23) | (m << 13)
    # subnormal (or zero): m * 2**-24, exact in float32 (no loop over the leading bit)
    return sign | np.uint32(np.float32(np.float32(m) * np.float32(SUBNORMAL_UNIT)).view(
        np.uint32))


@jit.loop
def to_halves(src, dst):  # noqa: ANN001, ANN201
    """``dst[i]`` = the float16 bits of the float32 bits ``src[i]`` (uint32 -> uint16)."""
    for i in range(src.shape[0]):
        dst[i] = half_of(np.uint32(src[i]))


@jit.loop
def to_floats(src, dst):  # noqa: ANN001, ANN201
    """``dst[i]`` = the float32 bits of the float16 bits ``src[i]`` (uint16 -> uint32)."""
    for i in range(src.shape[0]):
        dst[i] = float_of(np.uint32(src[i]))


@jit.loop
def add_halves(a, b):  # noqa: ANN001, ANN201
    """``b[i] = a[i] + b[i]`` on float16 bit patterns (uint16), through float32."""
    for i in range(a.shape[0]):
        x = np.uint32(float_of(np.uint32(a[i]))).view(np.float32)
        y = np.uint32(float_of(np.uint32(b[i]))).view(np.float32)
        b[i] = half_of(np.float32(x + y).view(np.uint32))


def usable(x: np.ndarray) -> bool:
    """Whether the compiled loops take ``x``: compiled loops on, C-contiguous, and at
    least :data:`MIN_ELEMENTS` elements."""
    return x.size >= MIN_ELEMENTS and x.flags.c_contiguous and jit.enabled()


def _blocks(src: np.ndarray, dst: np.ndarray, loop: Any) -> None:
    def work(s: int, e: int) -> None:
        loop(src[s:e], dst[s:e])

    parallel.for_blocks(src.shape[0], 4, work)


def float32_to_float16(x: np.ndarray) -> np.ndarray:
    """``x.astype(np.float16)`` of a float32 array :func:`usable` takes."""
    out = np.empty(x.shape, np.float16)
    _blocks(x.reshape(-1).view(np.uint32), out.reshape(-1).view(np.uint16), to_halves)
    return out


def float16_to_float32(x: np.ndarray) -> np.ndarray:
    """``x.astype(np.float32)`` of a float16 array :func:`usable` takes."""
    out = np.empty(x.shape, np.float32)
    _blocks(x.reshape(-1).view(np.uint16), out.reshape(-1).view(np.uint32), to_floats)
    return out


def add_into(a: np.ndarray, b: np.ndarray) -> None:
    """``b += a`` for flat float16 arrays of one size (NumPy's bits)."""
    if a.size >= MIN_ELEMENTS and jit.enabled():
        add_halves(a.view(np.uint16), b.view(np.uint16))
    else:
        np.add(a, b, out=b)


__all__ = ["usable", "float32_to_float16", "float16_to_float32", "add_into", "MIN_ELEMENTS"]
