"""JPEG Huffman entropy decoding: one scan's bytes to quantized DCT coefficients.

Baseline/extended sequential scans and the four progressive scan kinds (DC first/refine,
AC first/refine with end-of-band runs), restart intervals included. Coefficients live in
one flat Python list per component (64 per block, natural order, ``grid_w`` blocks a row);
Python lists are what the per-symbol loop indexes fastest.

The bit reader avoids per-bit work: every byte offset of the unstuffed segment gets a
40-bit window (that byte and the next four), so a 16-bit Huffman peek or a <=16-bit
magnitude read is one list index and two shifts; Huffman codes resolve through a
65536-entry table of ``length << 8 | symbol``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trainkit import errors

# zigzag position -> natural (row-major) index of a coefficient in its 8x8 block.
ZIGZAG = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48,
          41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15,
          23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62,
          63]
# libjpeg's jpeg_natural_order: 16 extra entries land a corrupt run past 63 on 63.
_ZZ = ZIGZAG + [63] * 16
_RST = re.compile(rb"\xff[\xd0-\xd7]")


def corrupt(msg: str = "") -> errors.InvalidArgumentError:
    """TF's error for undecodable JPEG data (libjpeg's reason appended, as TF logs it)."""
    text = "jpeg::Uncompress failed. Invalid JPEG data or crop window."
    return errors.InvalidArgumentError(None, None, text + (f" ({msg})" if msg else ""))


@functools.lru_cache(maxsize=16)
def huffman_tables(counts: bytes, symbols: bytes) -> tuple[list[int], list[tuple]]:
    """The lookup tables of a DHT segment's canonical code (cached: most files share
    the Annex K tables): ``huffman_lookup``'s, and for AC decoding a table that also
    resolves the magnitude bits when code and magnitude fit in the 16-bit peek:
    ``(bits used, run, value)``; ``(bits, run, 0)`` is EOB/ZRL; ``(0, 0, 0)`` defers to
    the plain lookup."""
    table = _lookup_array(counts, symbols)
    length, sym = table >> 8, table & 255
    size, run = sym & 15, sym >> 4
    prefix = np.arange(1 << 16)
    fits = (length + size <= 16) | (size == 0)
    raw = (prefix >> np.clip(16 - length - size, 0, 16)) & ((1 << size) - 1)
    value = np.where(raw < (1 << np.maximum(size - 1, 0)), raw + 1 - (1 << size), raw)
    value = np.where(size == 0, 0, value)
    used = np.where(fits, length + size, 0)
    fast = list(zip(used.tolist(), np.where(fits, run, 0).tolist(),
                    np.where(fits, value, 0).tolist()))
    return table.tolist(), fast


def huffman_lookup(counts: Sequence[int], symbols: Sequence[int]) -> list[int]:
    """The 65536-entry table of ``code_length << 8 | symbol`` for every 16-bit prefix
    of the canonical code a DHT segment describes. A prefix no code matches reads as
    libjpeg's ``jpeg_huff_decode`` treats it: 17 bits consumed, symbol 0 (a warning,
    not an error; TF returns the image)."""
    return huffman_tables(bytes(counts), bytes(symbols))[0]


def _lookup_array(counts: bytes, symbols: bytes) -> np.ndarray:
    table = np.full(1 << 16, 17 << 8, np.int64)
    code, k = 0, 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            if code >= 1 << length:
                raise corrupt("bad Huffman table")
            span = 1 << (16 - length)
            table[code * span:(code + 1) * span] = length << 8 | symbols[k]
            code, k = code + 1, k + 1
        code <<= 1
    return table


@dataclass
class ScanPart:
    """One component's role in a scan: its coefficient list, block-grid width, tables."""

    coefs: list[int]
    grid_w: int
    dc: list[int] | None
    ac: list[int] | None
    ac_fast: list[tuple] | None = None


def _windows(seg: bytes) -> list[int]:
    a = np.frombuffer(seg + bytes(8), np.uint8).astype(np.int64)
    n = len(seg) + 1
    w = a[:n] << 32 | a[1:n + 1] << 24 | a[2:n + 2] << 16 | a[3:n + 3] << 8 | a[4:n + 4]
    return w.tolist()


def segments(scan: bytes) -> list[list[int]]:
    """The bit windows of each restart interval of an entropy-coded segment (stuffed
    zero bytes removed, zeros appended as libjpeg inserts them past the data)."""
    return [_windows(part.replace(b"\xff\x00", b"\xff")) for part in _RST.split(scan)]


def block_order(parts: Sequence[ScanPart], samp: Sequence[tuple[int, int]],
                mcus: tuple[int, int], own: tuple[int, int] | None) -> list[list[int]]:
    """Each MCU's blocks as (part index, offset of the block's first coefficient).

    ``own`` is the lone component's block grid (w, h) in a non-interleaved scan (one
    block per MCU); otherwise MCUs of ``h x v`` blocks per component over ``mcus``."""
    if own is not None:
        gw = parts[0].grid_w
        return [[0, (by * gw + bx) * 64] for by in range(own[1]) for bx in range(own[0])]
    order = []
    for my in range(mcus[1]):
        for mx in range(mcus[0]):
            for i, (h, v) in enumerate(samp):
                gw = parts[i].grid_w
                for y in range(v):
                    for x in range(h):
                        order.extend([i, ((my * v + y) * gw + mx * h + x) * 64])
    return [order[i:i + 2] for i in range(0, len(order), 2)]


def _chunks(order: list[list[int]], mcu_blocks: int, restart: int) -> list[list[list[int]]]:
    if not restart:
        return [order]
    step = restart * mcu_blocks
    return [order[i:i + step] for i in range(0, len(order), step)]


def decode_sequential(scan: bytes, parts: Sequence[ScanPart], order: list[list[int]],
                      mcu_blocks: int, restart: int) -> None:
    """A baseline/extended scan: DC difference then run-length AC for every block."""
    zz = _ZZ
    for win, chunk in zip(segments(scan), _chunks(order, mcu_blocks, restart)):
        p, pred = 0, [0] * len(parts)
        for ci, off in chunk:
            part = parts[ci]
            co, look = part.coefs, part.dc
            e = look[(win[p >> 3] >> (24 - (p & 7))) & 0xFFFF]
            p += e >> 8
            s = e & 255
            if s:
                v = (win[p >> 3] >> (40 - s - (p & 7))) & ((1 << s) - 1)
                p += s
                if v < 1 << (s - 1):
                    v += 1 - (1 << s)
                pred[ci] += v
            co[off] = pred[ci]
            look, fast = part.ac, part.ac_fast
            k = 1
            while k < 64:
                used, r, v = fast[(win[p >> 3] >> (24 - (p & 7))) & 0xFFFF]
                if v:                       # code and magnitude in one peek
                    p += used
                    k += r
                    co[off + zz[k]] = v
                    k += 1
                elif used:                  # EOB or ZRL
                    p += used
                    if r != 15:
                        break
                    k += 16
                else:                       # code + magnitude longer than 16 bits
                    e = look[(win[p >> 3] >> (24 - (p & 7))) & 0xFFFF]
                    p += e >> 8
                    s = e & 15
                    k += (e >> 4) & 15
                    v = (win[p >> 3] >> (40 - s - (p & 7))) & ((1 << s) - 1)
                    p += s
                    if v < 1 << (s - 1):
                        v += 1 - (1 << s)
                    co[off + zz[k]] = v
                    k += 1


def _bits(win: list[int], p: int, n: int) -> int:
    return (win[p >> 3] >> (40 - n - (p & 7))) & ((1 << n) - 1)


def _symbol(win: list[int], p: int, look: list[int]) -> tuple[int, int]:
    e = look[(win[p >> 3] >> (24 - (p & 7))) & 0xFFFF]
    return p + (e >> 8), e & 255


def _extend(v: int, s: int) -> int:
    return v + 1 - (1 << s) if v < 1 << (s - 1) else v


def decode_progressive(scan: bytes, parts: Sequence[ScanPart], order: list[list[int]],
                       mcu_blocks: int, restart: int, ss: int, se: int, ah: int,
                       al: int) -> None:
    """One progressive scan: spectral band ``ss..se``, successive approximation bits
    ``ah`` (previous) and ``al`` (this scan's shift)."""
    for win, chunk in zip(segments(scan), _chunks(order, mcu_blocks, restart)):
        if ss == 0:
            _dc_scan(win, parts, chunk, ah, al)
        elif ah == 0:
            _ac_first(win, parts[0], chunk, ss, se, al)
        else:
            _ac_refine(win, parts[0], chunk, ss, se, al)


def _dc_scan(win: list[int], parts: Sequence[ScanPart], chunk: list[list[int]], ah: int,
             al: int) -> None:
    p, pred = 0, [0] * len(parts)
    for ci, off in chunk:
        co = parts[ci].coefs
        if ah:
            if _bits(win, p, 1):
                co[off] |= 1 << al
            p += 1
            continue
        p, s = _symbol(win, p, parts[ci].dc)
        if s:
            pred[ci] += _extend(_bits(win, p, s), s)
            p += s
        co[off] = pred[ci] * (1 << al)


def _ac_first(win: list[int], part: ScanPart, chunk: list[list[int]], ss: int, se: int,
              al: int) -> None:
    p, eobrun, co, look, zz = 0, 0, part.coefs, part.ac, _ZZ
    for _, off in chunk:
        if eobrun:
            eobrun -= 1
            continue
        k = ss
        while k <= se:
            e = look[(win[p >> 3] >> (24 - (p & 7))) & 0xFFFF]
            p += e >> 8
            r, s = (e >> 4) & 15, e & 15
            if s:
                k += r
                v = (win[p >> 3] >> (40 - s - (p & 7))) & ((1 << s) - 1)
                p += s
                if v < 1 << (s - 1):
                    v += 1 - (1 << s)
                co[off + zz[k]] = v * (1 << al)
                k += 1
            elif r < 15:
                eobrun = 1 << r
                if r:
                    eobrun += (win[p >> 3] >> (40 - r - (p & 7))) & ((1 << r) - 1)
                    p += r
                eobrun -= 1
                break
            else:
                k += 16


def _ac_refine(win: list[int], part: ScanPart, chunk: list[list[int]], ss: int, se: int,
               al: int) -> None:
    """libjpeg's ``decode_mcu_AC_refine``: one correction bit per already-nonzero
    coefficient passed over, new +-1 << al coefficients placed after ``r`` zeros."""
    p, eobrun, co, look, zz = 0, 0, part.coefs, part.ac, _ZZ
    p1, m1 = 1 << al, -1 << al
    for _, off in chunk:
        k = ss
        if not eobrun:
            while k <= se:
                e = look[(win[p >> 3] >> (24 - (p & 7))) & 0xFFFF]
                p += e >> 8
                r, s = (e >> 4) & 15, e & 15
                if s:
                    s = p1 if (win[p >> 3] >> (39 - (p & 7))) & 1 else m1
                    p += 1
                elif r != 15:
                    eobrun = 1 << r
                    if r:
                        eobrun += (win[p >> 3] >> (40 - r - (p & 7))) & ((1 << r) - 1)
                        p += r
                    break
                while k <= se:  # correction bits for nonzeros; skip r zeros
                    i = off + zz[k]
                    c = co[i]
                    if c:
                        if (win[p >> 3] >> (39 - (p & 7))) & 1 and not c & p1:
                            co[i] = c + (p1 if c >= 0 else m1)
                        p += 1
                    else:
                        if r == 0:
                            break
                        r -= 1
                    k += 1
                if s:
                    co[off + zz[k]] = s
                k += 1
        if eobrun:
            while k <= se:
                i = off + zz[k]
                c = co[i]
                if c:
                    if (win[p >> 3] >> (39 - (p & 7))) & 1 and not c & p1:
                        co[i] = c + (p1 if c >= 0 else m1)
                    p += 1
                k += 1
            eobrun -= 1
