"""libjpeg's chroma upsampling and YCbCr -> RGB conversion, on whole planes.

Fancy (triangle-filter) upsampling for 2x1, 1x2 and 2x2 subsampling with libjpeg's
alternating rounding biases and edge replication; plain replication otherwise (and when
``fancy_upscaling=False``, where libjpeg's merged upsampler gives the same numbers).
Colour conversion uses jdcolor.c's 16-bit fixed-point tables, so the output equals
libjpeg-turbo's bitwise.
"""

from __future__ import annotations

import numpy as np

_X = np.arange(256, dtype=np.int64) - 128
_HALF = 1 << 15
CR_R = (int(1.40200 * 65536 + 0.5) * _X + _HALF) >> 16
CB_B = (int(1.77200 * 65536 + 0.5) * _X + _HALF) >> 16
CR_G = -int(0.71414 * 65536 + 0.5) * _X
CB_G = -int(0.34414 * 65536 + 0.5) * _X + _HALF


def _pad_cols(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (np.concatenate([a[:, :1], a[:, :-1]], 1), np.concatenate([a[:, 1:], a[:, -1:]], 1))


def _interleave(even: np.ndarray, odd: np.ndarray, axis: int) -> np.ndarray:
    out = np.stack([even, odd], axis=axis + 1)
    shape = list(even.shape)
    shape[axis] *= 2
    return out.reshape(shape)


def _h2v1(c: np.ndarray) -> np.ndarray:
    left, right = _pad_cols(c)
    return _interleave((3 * c + left + 1) >> 2, (3 * c + right + 2) >> 2, 1)


def _h1v2(c: np.ndarray) -> np.ndarray:
    up = np.concatenate([c[:1], c[:-1]], 0)
    down = np.concatenate([c[1:], c[-1:]], 0)
    return _interleave((3 * c + up + 1) >> 2, (3 * c + down + 2) >> 2, 0)


def _h2v2(c: np.ndarray) -> np.ndarray:
    rows = []
    for near in (np.concatenate([c[:1], c[:-1]], 0), np.concatenate([c[1:], c[-1:]], 0)):
        col = 3 * c + near
        left, right = _pad_cols(col)
        rows.append(_interleave((3 * col + left + 8) >> 4, (3 * col + right + 7) >> 4, 1))
    return _interleave(rows[0], rows[1], 0)


def upsample(plane: np.ndarray, fh: int, fv: int, fancy: bool) -> np.ndarray:
    """A component plane (its real, downsampled size) scaled by ``fh x fv`` the way
    libjpeg's jdsample.c does (the caller applies jdsample's rule that horizontal fancy
    upsampling needs a plane wider than 2 samples)."""
    if fh == fv == 1:
        return plane
    c = plane.astype(np.int64)
    if fancy and (fh, fv) == (1, 2):
        return _h1v2(c)
    if fancy and (fh, fv) in ((2, 1), (2, 2)):
        return _h2v1(c) if fv == 1 else _h2v2(c)
    return np.repeat(np.repeat(plane, fv, 0), fh, 1)


def ycc_to_rgb(y: np.ndarray, cb: np.ndarray, cr: np.ndarray) -> np.ndarray:
    """jdcolor.c's ``ycc_rgb_convert`` on equal-size uint8-range planes: ``[h, w, 3]``."""
    y = y.astype(np.int64)
    cb = cb.astype(np.intp)
    cr = cr.astype(np.intp)
    r = y + CR_R[cr]
    g = y + ((CB_G[cb] + CR_G[cr]) >> 16)
    b = y + CB_B[cb]
    return np.clip(np.stack([r, g, b], -1), 0, 255).astype(np.uint8)
