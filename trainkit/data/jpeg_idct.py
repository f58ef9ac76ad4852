"""libjpeg's integer inverse DCTs over whole coefficient arrays at once.

``islow`` is the accurate ``JDCT_ISLOW`` (13-bit constants, 2 extra pass-1 bits, rounded
descales: TF's ``dct_method='INTEGER_ACCURATE'``); ``ifast`` is the AAN ``JDCT_IFAST``
(8-bit constants, quantizers prescaled by the AAN factors, truncating shifts: TF's
default ``''`` and ``'INTEGER_FAST'``). Both follow libjpeg's arithmetic step for step on
int64 arrays of shape ``[n, 8, 8]``, then clamp through libjpeg's post-IDCT range table
(the masked 10-bit wraparound included), so results equal libjpeg-turbo's bitwise.
"""

from __future__ import annotations

import math

import numpy as np

_ISLOW = {k: int(v * 8192 + 0.5) for k, v in {
    "0_298631336": 0.298631336, "0_390180644": 0.390180644, "0_541196100": 0.541196100,
    "0_765366865": 0.765366865, "0_899976223": 0.899976223, "1_175875602": 1.175875602,
    "1_501321110": 1.501321110, "1_847759065": 1.847759065, "1_961570560": 1.961570560,
    "2_053119869": 2.053119869, "2_562915447": 2.562915447, "3_072711026": 3.072711026,
}.items()}
_F = [1.0] + [math.cos(k * math.pi / 16) * math.sqrt(2) for k in range(1, 8)]
# jddctmgr.c's aanscales: 16384 * f(u) * f(v), rounded (14-bit fixed point).
AAN_SCALES = np.array([[round(16384 * a * b) for b in _F] for a in _F], np.int64)


def _range_limit(x: np.ndarray) -> np.ndarray:
    """libjpeg's ``range_limit[x & RANGE_MASK]`` after the IDCT (centre 128 added)."""
    m = x & 1023
    s = np.where(m >= 512, m - 1024, m)
    return np.clip(s + 128, 0, 255).astype(np.uint8)


def _islow_1d(d0, d1, d2, d3, d4, d5, d6, d7, shift: int, c: dict) -> list:
    z1 = (d2 + d6) * c["0_541196100"]
    tmp2 = z1 - d6 * c["1_847759065"]
    tmp3 = z1 + d2 * c["0_765366865"]
    tmp0 = (d0 + d4) << 13
    tmp1 = (d0 - d4) << 13
    t10, t13, t11, t12 = tmp0 + tmp3, tmp0 - tmp3, tmp1 + tmp2, tmp1 - tmp2
    z1, z2, z3, z4 = d7 + d1, d5 + d3, d7 + d3, d5 + d1
    z5 = (z3 + z4) * c["1_175875602"]
    o0 = d7 * c["0_298631336"]
    o1 = d5 * c["2_053119869"]
    o2 = d3 * c["3_072711026"]
    o3 = d1 * c["1_501321110"]
    z1 = z1 * -c["0_899976223"]
    z2 = z2 * -c["2_562915447"]
    z3 = z3 * -c["1_961570560"] + z5
    z4 = z4 * -c["0_390180644"] + z5
    o0, o1, o2, o3 = o0 + z1 + z3, o1 + z2 + z4, o2 + z2 + z3, o3 + z1 + z4
    half = 1 << (shift - 1)
    return [(v + half) >> shift for v in (t10 + o3, t11 + o2, t12 + o1, t13 + o0,
                                          t13 - o0, t12 - o1, t11 - o2, t10 - o3)]


def islow(coefs: np.ndarray, quant: np.ndarray) -> np.ndarray:
    """``jpeg_idct_islow`` of blocks ``[n, 8, 8]`` (natural order) with the quantizer
    ``[8, 8]``: uint8 samples ``[n, 8, 8]``."""
    d = coefs.astype(np.int64) * quant.astype(np.int64)
    cols = _islow_1d(*(d[:, u, :] for u in range(8)), shift=11, c=_ISLOW)  # pass 1
    ws = np.stack(cols, axis=1)                                            # [n, y, x-freq]
    rows = _islow_1d(*(ws[:, :, u] for u in range(8)), shift=18, c=_ISLOW)  # pass 2
    return _range_limit(np.stack(rows, axis=2))


def _ifast_1d(d0, d1, d2, d3, d4, d5, d6, d7) -> list:
    t10, t11 = d0 + d4, d0 - d4
    t13 = d2 + d6
    t12 = (((d2 - d6) * 362) >> 8) - t13
    e0, e3, e1, e2 = t10 + t13, t10 - t13, t11 + t12, t11 - t12
    z13, z10, z11, z12 = d5 + d3, d5 - d3, d1 + d7, d1 - d7
    o7 = z11 + z13
    o11 = ((z11 - z13) * 362) >> 8
    z5 = ((z10 + z12) * 473) >> 8
    o10 = ((z12 * 277) >> 8) - z5
    o12 = ((z10 * -669) >> 8) + z5
    o6 = o12 - o7
    o5 = o11 - o6
    o4 = o10 + o5
    return [e0 + o7, e1 + o6, e2 + o5, e3 - o4, e3 + o4, e2 - o5, e1 - o6, e0 - o7]


def ifast(coefs: np.ndarray, quant: np.ndarray) -> np.ndarray:
    """``jpeg_idct_ifast`` of blocks ``[n, 8, 8]``: the quantizer prescaled by the AAN
    factors (``DESCALE(q * aanscale, 12)``), then 8-bit-constant butterflies."""
    q = (quant.astype(np.int64) * AAN_SCALES + (1 << 11)) >> 12
    d = coefs.astype(np.int64) * q
    ws = np.stack(_ifast_1d(*(d[:, u, :] for u in range(8))), axis=1)
    rows = _ifast_1d(*(ws[:, :, u] for u in range(8)))
    return _range_limit(np.stack(rows, axis=2) >> 5)


def _fix(x: float) -> int:
    return int(x * 8192 + 0.5)


def _odd4(z1, z2, z3, z4) -> tuple:
    """jidctred.c's odd part of the 4-point IDCT (inputs 7, 5, 3, 1)."""
    t0 = (z1 * -_fix(0.211164243) + z2 * _fix(1.451774981) + z3 * -_fix(2.172734803)
          + z4 * _fix(1.061594337))
    t2 = (z1 * -_fix(0.509795579) + z2 * -_fix(0.601344887) + z3 * _fix(0.899976223)
          + z4 * _fix(2.562915447))
    return t0, t2


def _idct4_1d(d: list, shift: int) -> list:
    t0 = d[0] << 14
    t2 = d[2] * _fix(1.847759065) + d[6] * -_fix(0.765366865)
    t10, t12 = t0 + t2, t0 - t2
    o0, o2 = _odd4(d[7], d[5], d[3], d[1])
    half = 1 << (shift - 1)
    return [(v + half) >> shift for v in (t10 + o2, t12 + o0, t12 - o0, t10 - o2)]


def _idct2_1d(d: list, shift: int) -> list:
    t10 = d[0] << 15
    t0 = (d[7] * -_fix(0.720959822) + d[5] * _fix(0.850430095)
          + d[3] * -_fix(1.272758580) + d[1] * _fix(3.624509785))
    half = 1 << (shift - 1)
    return [(t10 + t0 + half) >> shift, (t10 - t0 + half) >> shift]


def reduced(coefs: np.ndarray, quant: np.ndarray, size: int) -> np.ndarray:
    """jidctred.c's scaled IDCTs (``jpeg_idct_4x4``, ``2x2``, ``1x1``) that libjpeg uses
    for ``ratio`` 2, 4, 8: blocks ``[n, 8, 8]`` to ``[n, size, size]`` samples."""
    d = coefs.astype(np.int64) * quant.astype(np.int64)
    if size == 1:
        return _range_limit(((d[:, 0, 0] + 4) >> 3)[:, None, None])
    one_d = _idct4_1d if size == 4 else _idct2_1d
    extra = 1 if size == 4 else 2
    cols = one_d([d[:, u, :] for u in range(8)], 11 + extra)      # [n, x-freq] per y
    ws = np.stack(cols, axis=1)                                     # [n, y, x-freq]
    rows = one_d([ws[:, :, u] for u in range(8)], 18 + extra)
    return _range_limit(np.stack(rows, axis=2))
