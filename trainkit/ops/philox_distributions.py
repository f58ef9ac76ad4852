"""Turning Philox words into the numbers TF's stateless random ops return.

Each function takes a key and counter (:func:`trainkit.ops.philox.seed_key_counter`) and
an element count and returns a flat array with TF's bits for them on CPU:

* uniform floats: the word's low mantissa bits under the exponent of 1.0, minus 1
  (float16 and float32 use one word per value, float64 two);
* integers in ``[lo, hi)``: ``lo + word % (hi - lo)`` (int64: two words per value);
* normals: Box-Muller on pairs of uniforms, float16/float32 in float32 arithmetic with
  the C library's ``logf``/``sinf``/``cosf``, float64 with ``log``/``sin``/``cos``
  (:mod:`trainkit.ops.c_math`, so that the bits are those of TF's kernel);
* truncated normals: every output group of 4 (float64: 2) values restarts the stream 256
  blocks (float64: 128) further on and keeps the Box-Muller values with ``|x| < 2``;
  with compiled loops on, normals and truncated normals are made in one pass by
  :mod:`trainkit.ops.philox_normal_loops` (the same bits, ~10x faster);
* categorical: one uniform float64 (two words) per sample, rows one after the other, an
  upper-bound search in the running sum of ``exp(logit - max)``.

One call to a fixed-size distribution uses one Philox block, and element ``i`` comes
from block ``i // per_block`` — as TF's sharded fill does, so the result does not depend
on the thread count.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.ops import c_math, half_loops, jit, philox_normal_loops
from trainkit.ops.philox import Counter, Key, blocks, words

_TWO_PI = 2.0 * np.pi
_TRUNCATE = 2.0


def _uint32_to_float(w: np.ndarray) -> np.ndarray:
    bits = (w & np.uint32(0x7FFFFF)) | np.uint32(127 << 23)
    return bits.view(np.float32) - np.float32(1.0)


def _uint64_to_double(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    man = ((hi.astype(np.uint64) & np.uint64(0xFFFFF)) << np.uint64(32)) | lo.astype(
        np.uint64)
    return (man | np.uint64(1023 << 52)).view(np.float64) - 1.0


def _uint16_to_half(w: np.ndarray) -> np.ndarray:
    bits = ((w & np.uint32(0x3FF)) | np.uint32(15 << 10)).astype(np.uint16)
    return bits.view(np.float16) - np.float16(1.0)


def uniform(key: Key, counter: Counter, n: int, dtype: np.dtype) -> np.ndarray:
    """``n`` uniform values in ``[0, 1)`` of float ``dtype`` (float16/32/64)."""
    dtype = np.dtype(dtype)
    if dtype == np.float64:
        w = blocks(key, counter, -(-n // 2)).reshape(-1, 2)
        return _uint64_to_double(w[:, 0], w[:, 1])[:n]
    w = words(key, counter, n)
    return _uint16_to_half(w) if dtype == np.float16 else _uint32_to_float(w)


def uniform_at_least(key: Key, counter: Counter, n: int, dtype: np.dtype,
                     rate: Any) -> np.ndarray:
    """``uniform(key, counter, n, dtype) >= rate`` (bool): for float32 with compiled
    loops on, one pass from the words (``(w & 0x7FFFFF) * 2^-23`` is exactly the float
    ``uniform`` makes, ``1.m - 1``), else through :func:`uniform`."""
    dtype = np.dtype(dtype)
    if dtype != np.float32 or not jit.enabled():
        return uniform(key, counter, n, dtype) >= np.asarray(rate, dtype)
    out = np.empty(n, bool)
    _at_least(words(key, counter, n), np.float32(rate), out)
    return out


@jit.loop
def _at_least(w, rate, out):  # noqa: ANN001, ANN201 - compiled
    scale = np.float32(1.0 / 8388608.0)
    mask = np.uint32(0x7FFFFF)
    for i in range(w.shape[0]):
        out[i] = np.float32(w[i] & mask) * scale >= rate


def uniform_int(key: Key, counter: Counter, n: int, dtype: np.dtype, lo: int,
                hi: int) -> np.ndarray:
    """``n`` integers ``lo + bits % (hi - lo)`` (int32: one word each, int64: two)."""
    dtype = np.dtype(dtype)
    if dtype.itemsize == 8:
        w = blocks(key, counter, -(-n // 2)).reshape(-1, 2)[:n].astype(np.uint64)
        bits = w[:, 0] | (w[:, 1] << np.uint64(32))
        rng = np.uint64((hi - lo) & 0xFFFFFFFFFFFFFFFF)
        return (np.uint64(lo & 0xFFFFFFFFFFFFFFFF) + bits % rng).view(np.int64).astype(dtype)
    w = words(key, counter, n)
    rng = np.uint32((hi - lo) & 0xFFFFFFFF)
    return (np.uint32(lo & 0xFFFFFFFF) + w % rng).view(np.int32).astype(dtype)


def full_int(key: Key, counter: Counter, n: int, dtype: np.dtype) -> np.ndarray:
    """``n`` integers over the whole range of ``dtype`` (int32/64, uint32/64)."""
    dtype = np.dtype(dtype)
    if dtype.itemsize == 8:
        w = blocks(key, counter, -(-n // 2)).reshape(-1, 2)[:n].astype(np.uint64)
        return (w[:, 0] | (w[:, 1] << np.uint64(32))).view(dtype)
    return words(key, counter, n).view(dtype)


def _box_muller_float(x0: np.ndarray, x1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    u1 = np.maximum(_uint32_to_float(x0), np.float32(1.0e-7))
    v1 = (_TWO_PI * _uint32_to_float(x1).astype(np.float64)).astype(np.float32)
    u2 = np.sqrt(np.float32(-2.0) * c_math.logf(u1))
    s, c = c_math.sincosf(v1)
    return s * u2, c * u2


def _box_muller_double(x0: np.ndarray, x1: np.ndarray, x2: np.ndarray, x3: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    u1 = np.maximum(_uint64_to_double(x0, x1), 1.0e-7)
    v1 = _TWO_PI * _uint64_to_double(x2, x3)
    u2 = np.sqrt(-2.0 * c_math.log(u1))
    s, c = c_math.sincos(v1)
    return s * u2, c * u2


def _compiled() -> bool:
    """Whether normals come from the compiled loops: compiled loops on, and the C math
    library loaded (without it the NumPy path's values are NumPy's, not the C
    library's, and both paths must give the same bits)."""
    return c_math.AVAILABLE and jit.enabled()


def _as(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``x`` (float32/64) as ``dtype``; float16 through the compiled conversion when it
    takes ``x`` (NumPy's rounding, without its slow path for subnormal results)."""
    if dtype == x.dtype:
        return x
    if dtype == np.float16 and half_loops.usable(x):
        return half_loops.float32_to_float16(x)
    return x.astype(dtype)


def normal(key: Key, counter: Counter, n: int, dtype: np.dtype) -> np.ndarray:
    """``n`` standard normal values of float ``dtype``."""
    dtype = np.dtype(dtype)
    if _compiled():
        return _as(philox_normal_loops.normal(key, counter, n, dtype == np.float64), dtype)
    if dtype == np.float64:
        w = blocks(key, counter, -(-n // 2))
        a, b = _box_muller_double(w[:, 0], w[:, 1], w[:, 2], w[:, 3])
        return np.stack([a, b], axis=-1).reshape(-1)[:n]
    w = words(key, counter, -(-n // 2) * 2).reshape(-1, 2)
    a, b = _box_muller_float(w[:, 0], w[:, 1])
    return np.stack([a, b], axis=-1).reshape(-1)[:n].astype(dtype)


def _block_candidates(key: Key, counter: Counter, at: np.ndarray, double: bool
                      ) -> np.ndarray:
    """The Box-Muller values of one block for each block number in ``at``, in the order
    TF's truncated normal looks at them (``[len(at), 2 or 4]``)."""
    w = blocks(key, counter, 0, at)
    if double:
        a, b = _box_muller_double(w[:, 0], w[:, 1], w[:, 2], w[:, 3])
        return np.stack([a, b], axis=1)
    a, b = _box_muller_float(w[:, 0::2].reshape(-1), w[:, 1::2].reshape(-1))
    return np.stack([a.reshape(-1, 2), b.reshape(-1, 2)], axis=2).reshape(-1, 4)


def truncated_normal(key: Key, counter: Counter, n: int, dtype: np.dtype) -> np.ndarray:
    """``n`` standard normal values of float ``dtype`` with ``|x| < 2``."""
    dtype = np.dtype(dtype)
    double = dtype == np.float64
    if _compiled():
        return _as(philox_normal_loops.truncated_normal(key, counter, n, double), dtype)
    per_group, skip = (2, 128) if double else (4, 256)
    ngroups = -(-n // per_group)
    out = np.empty((ngroups, per_group), np.float64 if double else np.float32)
    filled = np.zeros(ngroups, np.int64)
    todo = np.arange(ngroups, dtype=np.int64)
    step = 0
    while len(todo):  # one more block for each group still short of values
        cand = _block_candidates(key, counter, (todo * skip + step).astype(np.uint64), double)
        for j in range(cand.shape[1]):
            take = (np.abs(cand[:, j]) < _TRUNCATE) & (filled[todo] < per_group)
            rows = todo[take]
            out[rows, filled[rows]] = cand[take, j]
            filled[rows] += 1
        todo = todo[filled[todo] < per_group]
        step += 1
    return out.reshape(-1)[:n].astype(dtype)


def categorical(key: Key, counter: Counter, logits: np.ndarray, num_samples: int
                ) -> np.ndarray:
    """``[batch, num_samples]`` class indices (int64) drawn from rows of ``logits``."""
    lg = np.asarray(logits)
    batch, classes = lg.shape
    n = batch * num_samples
    u = uniform_pairs(key, counter, n).reshape(batch, num_samples)
    finite = np.isfinite(lg)
    out = np.empty((batch, num_samples), np.int64)
    with np.errstate(over="ignore", invalid="ignore"):
        for b in range(batch):
            row = lg[b]
            top = row[finite[b]].max() if finite[b].any() else np.finfo(row.dtype).min
            p = np.where(finite[b], np.exp(row.astype(np.float64) - float(top)), 0.0)
            cdf = np.cumsum(p)
            out[b] = np.searchsorted(cdf, u[b] * cdf[-1], side="right")
    return out


def uniform_pairs(key: Key, counter: Counter, n: int) -> np.ndarray:
    """``n`` float64 uniforms from consecutive word pairs of one stream (``RandDouble``)."""
    w = words(key, counter, 2 * n).reshape(-1, 2)
    return _uint64_to_double(w[:, 0], w[:, 1])


__all__ = ["uniform", "uniform_at_least", "uniform_int", "full_int", "normal", "truncated_normal",
           "categorical", "uniform_pairs"]
