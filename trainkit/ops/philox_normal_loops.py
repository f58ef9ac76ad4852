"""TF's seeded normal and truncated normal values as compiled loops (``ops/jit.py``):
Philox block -> uniform floats -> Box-Muller -> (truncation) in one pass per block.

The NumPy path (:mod:`trainkit.ops.philox_distributions`) makes the same values in a
dozen array passes and calls the C library's ``logf``/``sinf``/``cosf`` through ctypes
for the elements whose rounded float64 result might differ from it; measured on this
project's machine (CPU time, one thread, a seeded float32 ``[3136, 1024]`` in a
session): ``random_normal`` 0.47 s, ``truncated_normal`` 0.58 s that way, ~90% of it
the ctypes calls; 0.029 s and 0.040 s with these loops (float64 1.06 / 1.16 s -> 0.061 /
0.073 s).

The loops here call the same C functions, which is what makes them bitwise equal:
numba lowers ``math.log``/``math.sin``/``math.cos`` to calls of ``logf``/``sinf``/
``cosf`` (``log``/``sin``/``cos`` for float64), bound to numba's helper library, which
forwards to the C library; LLVM turns a ``sin`` and a ``cos`` of one value into one call
of the C library's ``sincosf`` (``sincos``), which glibc computes with the same code as
the two functions. No fast-math and no vector math library is used (``jit.OPTIONS``;
numba's SVML mapping needs Intel's ``icc_rt``, which this project does not install), so
nothing is approximated. Checked on this project's machine (glibc 2.36, numba 0.68):
every one of the 2**23 float32 inputs Box-Muller can meet (``u1 = max(u, 1e-7)`` and
``v1 = float(2 pi u)`` for each ``u = k 2**-23``) gives ctypes' ``logf``/``sinf``/``cosf``
bits, as do 4 million random float64 inputs for ``log``/``sin``/``cos``;
``tests/ops/test_philox_normal_loops.py`` checks both paths against each other and
against values recorded from TF.

The integer and float steps are those of the NumPy path, in the same order:

* the 128-bit counter plus the block number, ten Philox rounds (``ops/philox.py``);
* a word's low 23 (float64: a word pair's low 52) bits times ``2**-23`` (``2**-52``):
  exactly ``1.m - 1``, the uniform float TF makes from them;
* ``u1 = max(uniform, 1e-7)``, ``v1`` the float64 product ``2 pi uniform`` (rounded to
  float32 for float32), ``sqrt(-2 log(u1))`` times ``sin(v1)`` and ``cos(v1)``, in the
  value's own type.

Example:
    >>> if jit.enabled():
    ...     normal((1, 0), (0, 0, 7, 0), 6, double=False).dtype
    dtype('float32')
"""

from __future__ import annotations

import math

import numpy as np

from trainkit.ops import jit, parallel

_M0 = np.uint64(0xD2511F53)
_M1 = np.uint64(0xCD9E8D57)
_W0 = 0x9E3779B9
_W1 = 0xBB67AE85
_MASK = 0xFFFFFFFF
_LO = np.uint64(_MASK)
_U32 = np.uint64(32)
_ROUNDS = 10
_MAN23 = np.uint64(0x7FFFFF)
_MAN20 = np.uint64(0xFFFFF)
_TWO_PI = 2.0 * math.pi
_TINY = np.float32(1.0e-7)
_TRUNCATE = 2.0
#: blocks per chunk on the kernel threads (~1 ms of work each)
CHUNK = 8192


@jit.loop
def _block(ks0, ks1, q0, q1, q2, q3, b):  # noqa: ANN001, ANN201 - compiled
    """The four words (uint64) of block ``b`` of the stream at counter ``q0..q3`` with
    round keys ``ks0``/``ks1``: a copy of ``philox._blocks_loop``'s body, kept here
    because numba's disk cache checks only the calling loop's own source file."""
    lo = q0 + (b & _LO)
    mid = q1 + (b >> _U32) + (lo >> _U32)
    hi = q2 + (mid >> _U32)
    c3 = (q3 + (hi >> _U32)) & _LO
    c0, c1, c2 = lo & _LO, mid & _LO, hi & _LO
    for r in range(_ROUNDS):
        p0 = c0 * _M0
        p1 = c2 * _M1
        c0 = (p1 >> _U32) ^ c1 ^ ks0[r]
        c2 = (p0 >> _U32) ^ c3 ^ ks1[r]
        c1 = p1 & _LO
        c3 = p0 & _LO
    return c0, c1, c2, c3


@jit.loop
def _pair_float(x0, x1):  # noqa: ANN001, ANN201
    """Box-Muller in float32 on two words: (sin-based, cos-based) values."""
    u1 = max(np.float32(x0 & _MAN23) * np.float32(2.0 ** -23), _TINY)
    v1 = np.float32(_TWO_PI * np.float64(np.float32(x1 & _MAN23) * np.float32(2.0 ** -23)))
    u2 = np.float32(math.sqrt(np.float32(-2.0) * np.float32(math.log(u1))))
    return np.float32(math.sin(v1)) * u2, np.float32(math.cos(v1)) * u2


@jit.loop
def _pair_double(x0, x1, x2, x3):  # noqa: ANN001, ANN201
    """Box-Muller in float64 on one block (two words per uniform, high word first)."""
    u1 = max(np.float64(((x0 & _MAN20) << _U32) | x1) * 2.0 ** -52, 1.0e-7)
    v1 = _TWO_PI * (np.float64(((x2 & _MAN20) << _U32) | x3) * 2.0 ** -52)
    u2 = math.sqrt(-2.0 * math.log(u1))
    return math.sin(v1) * u2, math.cos(v1) * u2


@jit.loop
def _normal_float(ks0, ks1, q0, q1, q2, q3, start, stop, out):  # noqa: ANN001, ANN201
    """Blocks ``start..stop-1``: four float32 values each, into ``out[4 start..]``."""
    for b in range(start, stop):
        c0, c1, c2, c3 = _block(ks0, ks1, q0, q1, q2, q3, np.uint64(b))
        a0, a1 = _pair_float(c0, c1)
        a2, a3 = _pair_float(c2, c3)
        out[4 * b] = a0
        out[4 * b + 1] = a1
        out[4 * b + 2] = a2
        out[4 * b + 3] = a3


@jit.loop
def _normal_double(ks0, ks1, q0, q1, q2, q3, start, stop, out):  # noqa: ANN001, ANN201
    """Blocks ``start..stop-1``: two float64 values each, into ``out[2 start..]``."""
    for b in range(start, stop):
        c0, c1, c2, c3 = _block(ks0, ks1, q0, q1, q2, q3, np.uint64(b))
        a0, a1 = _pair_double(c0, c1, c2, c3)
        out[2 * b] = a0
        out[2 * b + 1] = a1


@jit.loop
def _keep(out, at, filled, x):  # noqa: ANN001, ANN201
    """Stores ``x`` at ``out[at + filled]`` if ``|x| < 2``; the new fill count."""
    if abs(x) < _TRUNCATE:
        out[at + filled] = x
        return filled + 1
    return filled


@jit.loop
def _truncated_float(ks0, ks1, q0, q1, q2, q3, start, stop, out):  # noqa: ANN001, ANN201
    """Groups ``start..stop-1`` of four float32 values: group ``g`` reads blocks
    ``256 g``, ``256 g + 1``, ... and keeps their values with ``|x| < 2`` in order."""
    for g in range(start, stop):
        at = 4 * g
        filled = 0
        b = np.uint64(256 * g)
        while filled < 4:
            c0, c1, c2, c3 = _block(ks0, ks1, q0, q1, q2, q3, b)
            a0, a1 = _pair_float(c0, c1)
            filled = _keep(out, at, filled, a0)
            if filled < 4:
                filled = _keep(out, at, filled, a1)
            if filled < 4:  # a later block is mostly read for one value: skip its pair 2
                a2, a3 = _pair_float(c2, c3)
                filled = _keep(out, at, filled, a2)
                if filled < 4:
                    filled = _keep(out, at, filled, a3)
            b += np.uint64(1)


@jit.loop
def _truncated_double(ks0, ks1, q0, q1, q2, q3, start, stop, out):  # noqa: ANN001, ANN201
    """Groups ``start..stop-1`` of two float64 values, from blocks ``128 g``, ..."""
    for g in range(start, stop):
        at = 2 * g
        filled = 0
        b = np.uint64(128 * g)
        while filled < 2:
            c0, c1, c2, c3 = _block(ks0, ks1, q0, q1, q2, q3, b)
            a0, a1 = _pair_double(c0, c1, c2, c3)
            filled = _keep(out, at, filled, a0)
            if filled < 2:
                filled = _keep(out, at, filled, a1)
            b += np.uint64(1)


def _round_keys(key: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    k0 = [(key[0] + r * _W0) & _MASK for r in range(_ROUNDS)]
    k1 = [(key[1] + r * _W1) & _MASK for r in range(_ROUNDS)]
    return np.array(k0, np.uint64), np.array(k1, np.uint64)


def _fill(loop: jit.Loop, key: tuple[int, int], counter: tuple[int, int, int, int],
          units: int, per_unit: int, dtype: type) -> np.ndarray:
    """``loop`` over ``units`` blocks (or groups) of ``per_unit`` values, in chunks on
    the kernel threads; the flat output."""
    out = np.empty(units * per_unit, dtype)
    args = (*_round_keys(key), *(np.uint64(c) for c in counter))
    if units < 2 * CHUNK:
        loop(*args, 0, units, out)
        return out

    def work(i: int, worker: int) -> None:   # units are independent: any thread
        loop(*args, i * CHUNK, min(units, (i + 1) * CHUNK), out)

    parallel.run(work, -(-units // CHUNK))
    return out


def normal(key: tuple[int, int], counter: tuple[int, int, int, int], n: int,
           double: bool) -> np.ndarray:
    """``n`` normal values (float64 if ``double``, else float32) of the stream at
    ``counter``, as :func:`trainkit.ops.philox_distributions.normal` makes them."""
    if double:
        return _fill(_normal_double, key, counter, -(-n // 2), 2, np.float64)[:n]
    return _fill(_normal_float, key, counter, -(-n // 4), 4, np.float32)[:n]


def truncated_normal(key: tuple[int, int], counter: tuple[int, int, int, int], n: int,
                     double: bool) -> np.ndarray:
    """``n`` truncated normal values, as
    :func:`trainkit.ops.philox_distributions.truncated_normal` makes them."""
    if double:
        return _fill(_truncated_double, key, counter, -(-n // 2), 2, np.float64)[:n]
    return _fill(_truncated_float, key, counter, -(-n // 4), 4, np.float32)[:n]


__all__ = ["CHUNK", "normal", "truncated_normal"]
