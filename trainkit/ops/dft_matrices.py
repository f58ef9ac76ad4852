"""The small dense DFT matrices of the Fourier-domain convolutions
(``ops/conv_fourier.py``), as real matrices acting on real parts stacked on (or
interleaved with) imaginary parts; cached per size and dtype, read-only.

Conventions: ``t(f) = 2 pi f / P``; width transforms keep the non-negative
frequencies ``f <= P // 2`` (Hermitian symmetry of real signals), rows or columns
``(f, re/im)``; height transforms are full complex DFTs on ``(re rows; im rows)``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


def complex_dtype(dtype: np.dtype) -> np.dtype:
    """The complex dtype of float ``dtype`` (complex64 for float32, else complex128)."""
    return np.dtype(np.complex64 if dtype == np.float32 else np.complex128)


def frozen(a: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``a`` as a read-only array of ``dtype`` (the cached matrices are shared)."""
    a = a.astype(dtype)
    a.flags.writeable = False
    return a


def angles(rows: int, cols: int, p: int) -> np.ndarray:
    """``[rows, cols]``: ``2 pi f q / p`` for frequency ``f`` and position ``q``."""
    return 2 * np.pi * np.outer(np.arange(rows), np.arange(cols)) / p


def hermitian_weights(p: int) -> np.ndarray:
    """Weights of the kept width frequencies ``f <= p // 2`` in a real inverse: 2, but 1
    at 0 and (``p`` even) at ``p / 2``."""
    w = np.full(p // 2 + 1, 2.0)
    w[0] = 1.0
    if p % 2 == 0:
        w[-1] = 1.0
    return w


@lru_cache(maxsize=64)
def forward_w(n: int, p: int, dtype: np.dtype) -> np.ndarray:
    """``[2Q, n]``: rows ``(f, re/im)`` = ``cos``, ``-sin`` of ``t(f) q``: the DFT of real
    rows along the width, non-negative frequencies only, real and imaginary parts
    interleaved by frequency."""
    ang = angles(p // 2 + 1, n, p)
    return frozen(np.stack([np.cos(ang), -np.sin(ang)], axis=1).reshape(-1, n), dtype)


@lru_cache(maxsize=64)
def forward_h(n: int, p: int, dtype: np.dtype) -> np.ndarray:
    """``[2P, 2n]``: the complex DFT along the height as a real matrix on stacked
    ``(re rows; im rows)``, output rows ``(f, re/im)``: ``e^{-i t} (a + i b) =
    (cos a + sin b) + i (cos b - sin a)``."""
    ang = angles(p, n, p)
    c, s = np.cos(ang), np.sin(ang)
    m = np.empty((p, 2, 2, n))
    m[:, 0, 0], m[:, 0, 1], m[:, 1, 0], m[:, 1, 1] = c, s, -s, c
    return frozen(m.reshape(2 * p, 2 * n), dtype)


@lru_cache(maxsize=64)
def inverse_h(n: int, p: int, dtype: np.dtype) -> np.ndarray:
    """``[2n, 2P]``: ``sum_f e^{+i t(f) q} (a_f + i b_f)`` for outputs ``q < n``, input
    columns ``(f, re/im)``, output rows ``(re/im, q)``."""
    ang = angles(n, p, p)
    c, s = np.cos(ang), np.sin(ang)
    m = np.empty((2, n, p, 2))
    m[0, :, :, 0], m[0, :, :, 1], m[1, :, :, 0], m[1, :, :, 1] = c, -s, s, c
    return frozen(m.reshape(2 * n, 2 * p), dtype)


@lru_cache(maxsize=64)
def inverse_h_half(n: int, p: int, dtype: np.dtype) -> np.ndarray:
    """``[n, 2 (P // 2 + 1)]``: the real part of ``sum_f e^{+i t(f) q} (a_f + i b_f)``
    for outputs ``q < n`` when the ``a_f + i b_f`` are Hermitian (``f`` and ``P - f``
    conjugate), from the frequencies ``f <= P // 2`` only (weighted by
    :func:`hermitian_weights`); input columns ``(f, re/im)``."""
    ang = angles(n, p // 2 + 1, p)
    wt = hermitian_weights(p)
    m = np.empty((n, p // 2 + 1, 2))
    m[:, :, 0], m[:, :, 1] = wt * np.cos(ang), -wt * np.sin(ang)
    return frozen(m.reshape(n, -1), dtype)


@lru_cache(maxsize=64)
def inverse_w(n: int, p: int, ph: int, dtype: np.dtype) -> np.ndarray:
    """``[n, 2Q]``: the real part of ``sum_f w_f e^{+i t(f) q} (a_f + i b_f)`` over the
    non-negative width frequencies, ``w_f`` the Hermitian weight times the
    ``1 / (Ph * Pw)`` of the inverse DFT; input rows ``(f, re/im)``."""
    ang = angles(n, p // 2 + 1, p)
    wt = hermitian_weights(p) / (p * ph)
    return frozen(np.stack([wt * np.cos(ang), -wt * np.sin(ang)], axis=2).reshape(n, -1),
                   dtype)


@lru_cache(maxsize=64)
def taps(k: int, p: int, before: int, half: bool, dtype: np.dtype) -> np.ndarray:
    """``[F, k]`` complex: ``e^{+i t(f) (j - before)}`` for filter taps ``j`` at the
    frequencies ``f < P`` (or ``f <= P // 2`` with ``half``)."""
    f = np.arange(p // 2 + 1 if half else p)
    ang = 2 * np.pi * np.outer(f, np.arange(k) - before) / p
    return frozen(np.exp(1j * ang), complex_dtype(dtype))


def imaginary_ends(p: int) -> list[int]:
    """Indices, among the ``(f, re/im)`` rows or columns of a width DFT of length ``p``,
    of the imaginary parts of the frequencies ``0`` and (``p`` even) ``p / 2``: a real
    row's DFT is real there (so these are zero, or rounding noise at ``p / 2``), and so
    is ``e^{+i t(f) q}`` in the inverse."""
    q = p // 2 + 1
    return [1] + ([2 * q - 1] if p % 2 == 0 and q > 1 else [])


@lru_cache(maxsize=64)
def forward_w_kept(n: int, p: int, dtype: np.dtype) -> np.ndarray:
    """:func:`forward_w` without the rows of :func:`imaginary_ends` (zero, or
    rounding noise for ``Pw / 2``)."""
    return frozen(np.delete(forward_w(n, p, dtype), imaginary_ends(p), axis=0), dtype)


@lru_cache(maxsize=64)
def inverse_w_kept(n: int, p: int, ph: int, dtype: np.dtype) -> np.ndarray:
    """:func:`inverse_w` without the columns of :func:`imaginary_ends` (zero, or
    rounding noise for ``Pw / 2``)."""
    return frozen(np.delete(inverse_w(n, p, ph, dtype), imaginary_ends(p), axis=1),
                   dtype)


@lru_cache(maxsize=64)
def taps_w(k: int, p: int, before: int, dtype: np.dtype) -> np.ndarray:
    """``[2Q, k]`` real: rows ``(f, re/im)`` = ``cos``, ``sin`` of ``t(f) (j - before)``
    for the non-negative width frequencies ``f <= P // 2`` (:func:`taps`, half)."""
    ang = 2 * np.pi * np.outer(np.arange(p // 2 + 1), np.arange(k) - before) / p
    return frozen(np.stack([np.cos(ang), np.sin(ang)], axis=1).reshape(-1, k), dtype)


@lru_cache(maxsize=64)
def taps_h(k: int, p: int, before: int, dtype: np.dtype) -> np.ndarray:
    """``[2P, 2k]`` real: the complex product with ``e^{+i t(f) (j - before)}`` over the
    height taps ``j`` on stacked ``(re rows; im rows)``, output rows ``(re/im, f)``:
    ``(cos + i sin)(a + i b) = (cos a - sin b) + i (sin a + cos b)``."""
    ang = 2 * np.pi * np.outer(np.arange(p), np.arange(k) - before) / p
    c, s = np.cos(ang), np.sin(ang)
    m = np.empty((2, p, 2, k))
    m[0, :, 0], m[0, :, 1], m[1, :, 0], m[1, :, 1] = c, -s, s, c
    return frozen(m.reshape(2 * p, 2 * k), dtype)


__all__ = [
    "angles", "complex_dtype", "forward_h", "forward_w", "forward_w_kept", "frozen",
    "hermitian_weights", "imaginary_ends", "inverse_h", "inverse_h_half", "inverse_w",
    "inverse_w_kept", "taps", "taps_h", "taps_w"]
