"""Per-axis sampling weights of TF1's legacy image resizing, as NumPy ``[n_out, n_in]``
matrices: resizing contracts height with one and width with another, and the gradient
contracts with their transposes.

TF1's legacy sampling takes output pixel ``o`` from source coordinate ``o * in / out``
(``o * (in - 1) / (out - 1)`` with ``align_corners``), no half-pixel offset; with
``half_pixel_centers`` (:func:`half_pixel_linear_weights`, :func:`half_pixel_nearest`)
TF samples pixel centres instead, in float32 as its kernels do. Bicubic uses
TF's Keys kernel (``a = -0.75``) through its 1024-entry float32 coefficient table, so the
weights are TF's to the bit; area averages each output's source box.

Example:
    >>> linear_weights(4, 2, align=False, nearest=False)[1]
    array([0., 0., 1., 0.])
"""

from __future__ import annotations

import math

import numpy as np

_TABLE_SIZE = 1024


def linear_weights(n_in: int, n_out: int, align: bool, nearest: bool) -> np.ndarray:
    """Bilinear (or, with ``nearest``, nearest-neighbour one-hot) ``[n_out, n_in]`` weights.

    Args:
        n_in: source length (> 0).
        n_out: output length (> 0).
        align: TF's ``align_corners``.
        nearest: one-hot rows picking TF's nearest source pixel instead of lerp weights.
    """
    scale = (n_in - 1) / (n_out - 1) if align and n_out > 1 else n_in / n_out
    m = np.zeros((n_out, n_in))
    for o in range(n_out):
        src = o * scale
        if nearest:
            # TF rounds half away from zero (roundf), not to even
            m[o, min(int(np.floor(src + 0.5) if align else np.floor(src)), n_in - 1)] = 1.0
            continue
        lo = int(np.floor(src))
        hi = min(lo + 1, n_in - 1)
        frac = src - lo
        m[o, lo] += 1.0 - frac
        m[o, hi] += frac
    return m


def nearest_indices(n_in: int, n_out: int, align: bool) -> np.ndarray:
    """The source index (int64) each of ``n_out`` outputs copies, TF's nearest rule."""
    return linear_weights(n_in, n_out, align, True).argmax(1)


def _half_pixel_scale(n_in: int, n_out: int) -> np.float32:
    return np.float32(np.float32(n_in) / np.float32(n_out))


def half_pixel_linear_weights(n_in: int, n_out: int) -> np.ndarray:
    """TF's bilinear ``[n_out, n_in]`` weights with ``half_pixel_centers``.

    Output ``o`` samples source coordinate ``(o + 0.5) * in / out - 0.5`` (float32); its
    lower neighbour is clamped at 0 and its upper one at ``in - 1``, while the lerp
    fraction is taken from the unclamped floor, as TF's ``compute_interpolation_weights``.
    """
    scale = _half_pixel_scale(n_in, n_out)
    src = (np.arange(n_out, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    floor = np.floor(src)
    lo = np.maximum(floor, 0).astype(np.int64)
    hi = np.minimum(np.ceil(src), n_in - 1).astype(np.int64)
    frac = (src - floor).astype(np.float64)
    m = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    np.add.at(m, (rows, lo), 1.0 - frac)
    np.add.at(m, (rows, hi), frac)
    return m


def half_pixel_nearest(n_in: int, n_out: int) -> np.ndarray:
    """The source index (int64) of each output with ``half_pixel_centers``: TF's
    ``floor((o + 0.5) * in / out)`` in float32 (no ``- 0.5``), clamped to ``[0, in)``."""
    scale = _half_pixel_scale(n_in, n_out)
    src = (np.arange(n_out, dtype=np.float32) + np.float32(0.5)) * scale
    return np.clip(np.floor(src).astype(np.int64), 0, n_in - 1)


def _coeffs_table() -> np.ndarray:
    a = np.float32(-0.75)
    table = np.zeros((_TABLE_SIZE + 1, 2), np.float32)
    for i in range(_TABLE_SIZE + 1):
        x = np.float32(i * 1.0 / _TABLE_SIZE)
        table[i, 0] = ((a + 2) * x - (a + 3)) * x * x + 1
        x = x + np.float32(1.0)
        table[i, 1] = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return table


_TABLE = _coeffs_table()


def _float_scale(n_in: int, n_out: int, align: bool) -> float:
    """TF's float32 ``in / out`` (``(in - 1) / (out - 1)`` aligned) scale."""
    if align and n_out > 1:
        return float(np.float32((n_in - 1) / (n_out - 1)))
    return float(np.float32(n_in / n_out))


def bicubic_weights(n_in: int, n_out: int, align: bool) -> np.ndarray:
    """TF's bicubic ``[n_out, n_in]`` weights (edge taps clamped onto the border)."""
    scale = np.float32(_float_scale(n_in, n_out, align))
    m = np.zeros((n_out, n_in))
    for o in range(n_out):
        src = np.float32(o) * scale
        lo = math.floor(src)
        offset = int(np.rint(np.float32(src - lo) * _TABLE_SIZE))
        weights = (_TABLE[offset, 1], _TABLE[offset, 0], _TABLE[_TABLE_SIZE - offset, 0],
                   _TABLE[_TABLE_SIZE - offset, 1])
        for k, w in enumerate(weights):
            m[o, min(max(lo - 1 + k, 0), n_in - 1)] += float(w)
    return m


def area_weights(n_in: int, n_out: int, align: bool) -> np.ndarray:
    """TF's area ``[n_out, n_in]`` weights: each output's share of every source pixel
    its ``[o * scale, (o + 1) * scale)`` box covers, divided by ``scale``."""
    scale = _float_scale(n_in, n_out, align)
    m = np.zeros((n_out, n_in))
    for o in range(n_out):
        start, end = o * scale, (o + 1) * scale
        for i in range(int(math.floor(start)), int(math.ceil(end))):
            weight = min(i + 1, end) - max(i, start)
            m[o, min(i, n_in - 1)] += weight / scale
    return m


__all__ = ["linear_weights", "nearest_indices", "half_pixel_linear_weights",
           "half_pixel_nearest", "bicubic_weights", "area_weights"]
