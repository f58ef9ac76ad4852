"""A JPEG file to a uint8 image, as TF's ``DecodeJpeg`` (libjpeg-turbo) produces it.

Reads the markers (SOF0/1 sequential and SOF2 progressive Huffman, 8-bit samples, any
sampling factors up to 4, restart intervals, 8- and 16-bit quantizers, Adobe's APP14
colour transform flag), runs each scan through ``jpeg_entropy``, then the chosen integer
IDCT (``jpeg_idct``), upsampling and colour conversion (``jpeg_color``).

Example:
    >>> img = decode(open("cat.jpg", "rb").read(), channels=3)   # uint8 [h, w, 3]
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

from trainkit import errors
from trainkit.data import jpeg_color, jpeg_entropy, jpeg_idct
from trainkit.data.jpeg_entropy import ScanPart, corrupt

_SOF_SUPPORTED = {0xC0: False, 0xC1: False, 0xC2: True}
_SOF_OTHER = {0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_NATURAL = np.argsort(np.array(jpeg_entropy.ZIGZAG))  # zigzag-stored table -> natural


@dataclass
class _Component:
    ident: int
    h: int
    v: int
    tq: int
    coefs: list[int] = field(default_factory=list)
    grid: tuple[int, int] = (0, 0)   # padded block grid (w, h)
    own: tuple[int, int] = (0, 0)    # blocks covering the component's real size
    size: tuple[int, int] = (0, 0)   # downsampled (w, h)


@dataclass
class _State:
    progressive: bool = False
    width: int = 0
    height: int = 0
    comps: list[_Component] = field(default_factory=list)
    quant: dict[int, np.ndarray] = field(default_factory=dict)
    dc: dict[int, list[int]] = field(default_factory=dict)
    ac: dict[int, list[int]] = field(default_factory=dict)
    ac_fast: dict[int, list[tuple]] = field(default_factory=dict)
    restart: int = 0
    adobe: int | None = None
    mcus: tuple[int, int] = (0, 0)
    hmax: int = 1
    vmax: int = 1


def _segment(data: bytes, pos: int) -> tuple[bytes, int]:
    if pos + 2 > len(data):
        raise corrupt("truncated marker segment")
    (length,) = struct.unpack(">H", data[pos:pos + 2])
    if length < 2 or pos + length > len(data):
        raise corrupt("truncated marker segment")
    return data[pos + 2:pos + length], pos + length


def _frame(st: _State, seg: bytes, progressive: bool) -> None:
    if len(seg) < 6:
        raise corrupt("bad SOF")
    prec, h, w, n = struct.unpack(">BHHB", seg[:6])
    if prec != 8:
        raise errors.InvalidArgumentError(None, None, f"Unsupported JPEG data precision "
                                          f"{prec} (trainkit decodes 8-bit JPEGs).")
    if h == 0 or w == 0 or n not in (1, 3) or len(seg) < 6 + 3 * n:
        raise corrupt("bad SOF")
    st.progressive, st.width, st.height = progressive, w, h
    for i in range(n):
        ident, hv, tq = seg[6 + 3 * i:9 + 3 * i]
        if not (1 <= hv >> 4 <= 4 and 1 <= hv & 15 <= 4):
            raise corrupt("bad sampling factors")
        st.comps.append(_Component(ident, hv >> 4, hv & 15, tq))
    st.hmax = max(c.h for c in st.comps)
    st.vmax = max(c.v for c in st.comps)
    mx, my = -(-w // (8 * st.hmax)), -(-h // (8 * st.vmax))
    st.mcus = (mx, my)
    for c in st.comps:
        c.size = (-(-w * c.h // st.hmax), -(-h * c.v // st.vmax))
        c.own = (-(-c.size[0] // 8), -(-c.size[1] // 8))
        c.grid = (mx * c.h, my * c.v)
        c.coefs = [0] * (c.grid[0] * c.grid[1] * 64)


def _tables(st: _State, kind: int, seg: bytes) -> None:
    pos = 0
    while pos < len(seg):
        if kind == 0xDB:                       # DQT
            pq, tq = seg[pos] >> 4, seg[pos] & 15
            size = 128 if pq else 64
            raw = seg[pos + 1:pos + 1 + size]
            if len(raw) < size:
                raise corrupt("bad DQT")
            q = np.frombuffer(raw, ">u2" if pq else np.uint8).astype(np.int64)
            st.quant[tq] = q[_NATURAL].reshape(8, 8)
            pos += 1 + size
        else:                                  # DHT
            tc, th = seg[pos] >> 4, seg[pos] & 15
            counts = list(seg[pos + 1:pos + 17])
            total = sum(counts)
            symbols = list(seg[pos + 17:pos + 17 + total])
            if len(counts) < 16 or len(symbols) < total:
                raise corrupt("bad DHT")
            look, fast = jpeg_entropy.huffman_tables(bytes(counts), bytes(symbols))
            (st.ac if tc else st.dc)[th] = look
            if tc:
                st.ac_fast[th] = fast
            pos += 17 + total


def _entropy_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at ``pos`` ends (its next real marker)."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            raise corrupt("premature end of JPEG data")
        nxt = data[pos + 1]
        if nxt == 0 or 0xD0 <= nxt <= 0xD7 or nxt == 0xFF:
            pos += 1 if nxt == 0xFF else 2
            continue
        return pos


def _scan(st: _State, seg: bytes, body: bytes) -> None:
    if not st.comps:
        raise corrupt("SOS before SOF")
    n = seg[0]
    if not 1 <= n <= len(st.comps) or len(seg) < 4 + 2 * n:
        raise corrupt("bad SOS")
    by_id = {c.ident: c for c in st.comps}
    comps, parts = [], []
    for i in range(n):
        c = by_id.get(seg[1 + 2 * i])
        if c is None:
            raise corrupt("bad SOS component")
        td, ta = seg[2 + 2 * i] >> 4, seg[2 + 2 * i] & 15
        comps.append(c)
        parts.append(ScanPart(c.coefs, c.grid[0], st.dc.get(td), st.ac.get(ta),
                              st.ac_fast.get(ta)))
    ss, se, a = seg[1 + 2 * n], seg[2 + 2 * n], seg[3 + 2 * n]
    ah, al = a >> 4, a & 15
    single = comps[0].own if n == 1 else None
    order = jpeg_entropy.block_order(parts, [(c.h, c.v) for c in comps], st.mcus, single)
    mcu_blocks = 1 if n == 1 else sum(c.h * c.v for c in comps)
    needs_dc = not st.progressive or (ss == 0 and ah == 0)
    needs_ac = not st.progressive or ss > 0
    if any((needs_dc and p.dc is None) or (needs_ac and p.ac is None) for p in parts):
        raise corrupt("missing Huffman table")
    if st.progressive:
        if ss > se or se > 63 or (ss == 0 and se != 0) or (ss > 0 and n != 1):
            raise corrupt("bad progression parameters")
        jpeg_entropy.decode_progressive(body, parts, order, mcu_blocks, st.restart, ss,
                                        se, ah, al)
    else:
        jpeg_entropy.decode_sequential(body, parts, order, mcu_blocks, st.restart)


def parse(data: bytes) -> _State:
    """Every marker and scan of a JPEG file, leaving quantized coefficients."""
    if data[:2] != b"\xff\xd8":
        raise corrupt("not a JPEG file")
    st, pos, scans = _State(), 2, 0
    while True:
        while pos < len(data) and data[pos] == 0xFF:
            pos += 1
        if pos >= len(data):
            break      # no EOI: libjpeg accepts a file that ends after its scans
        marker, pos = data[pos], pos + 1
        if marker == 0xD9:
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        if data[pos - 2] != 0xFF:
            raise corrupt("bad marker")
        seg, pos = _segment(data, pos)
        if marker in _SOF_SUPPORTED:
            if st.comps:
                raise corrupt("duplicate SOF")
            _frame(st, seg, _SOF_SUPPORTED[marker])
        elif marker in _SOF_OTHER:
            raise corrupt(f"unsupported JPEG process: SOF type {marker:#04x}")
        elif marker in (0xC4, 0xDB):
            _tables(st, marker, seg)
        elif marker == 0xDD:
            if len(seg) < 2:
                raise corrupt("bad DRI")
            st.restart = struct.unpack(">H", seg[:2])[0]
        elif marker == 0xEE and seg[:5] == b"Adobe" and len(seg) >= 12:
            st.adobe = seg[11]
        elif marker == 0xDA:
            end = _entropy_end(data, pos)
            _scan(st, seg, data[pos:end])
            pos, scans = end, scans + 1
    if not scans:
        raise corrupt("no image data")
    return st


def frame_shape(data: bytes) -> tuple[int, int, int]:
    """``(height, width, components)`` from the SOF marker (TF's ``ExtractJpegShape``)."""
    if data[:2] != b"\xff\xd8":
        raise corrupt("not a JPEG file")
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise corrupt("bad marker")
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        seg, pos = _segment(data, pos + 2)
        if marker in _SOF_SUPPORTED or marker in _SOF_OTHER:
            if len(seg) < 6:
                raise corrupt("bad SOF")
            _, h, w, n = struct.unpack(">BHHB", seg[:6])
            return h, w, n
        if marker == 0xDA:
            break
    raise corrupt("no SOF marker")


def _scaled_sizes(st: _State, ratio: int) -> list[int]:
    """Each component's IDCT output size for ``ratio`` (jdmaster.c: chroma is scaled up
    in the IDCT, up to 8, instead of by the upsampler where the factors allow)."""
    least = 8 // ratio
    sizes = []
    for c in st.comps:
        s = least
        while (s < 8 and (st.hmax * least) % (c.h * s * 2) == 0
               and (st.vmax * least) % (c.v * s * 2) == 0):
            s *= 2
        sizes.append(s)
    return sizes


def _planes(st: _State, dct_method: str, sizes: list[int]) -> list[np.ndarray]:
    full = jpeg_idct.islow if dct_method == "INTEGER_ACCURATE" else jpeg_idct.ifast
    out = []
    for c, s in zip(st.comps, sizes):
        q = st.quant.get(c.tq)
        if q is None:
            raise corrupt("missing quantization table")
        gw, gh = c.grid
        blocks = np.array(c.coefs, np.int64).reshape(gh * gw, 8, 8)
        pix = full(blocks, q) if s == 8 else jpeg_idct.reduced(blocks, q, s)
        pix = pix.reshape(gh, gw, s, s).transpose(0, 2, 1, 3).reshape(gh * s, gw * s)
        w = -(-st.width * c.h * s // (st.hmax * 8))
        h = -(-st.height * c.v * s // (st.vmax * 8))
        out.append(pix[:h, :w])
    return out


def _window(st: _State, crop: tuple[int, int, int, int] | None) -> tuple[int, int]:
    """The decoded column range (start, width) for ``crop``: libjpeg-turbo's
    ``jpeg_crop_scanline`` widens the window left to an iMCU boundary."""
    if crop is None:
        return 0, st.width
    y, x, h, w = crop
    if h <= 0 or w <= 0 or y < 0 or x < 0 or y + h > st.height or x + w > st.width:
        raise corrupt("bad crop window")
    align = 8 * st.hmax
    return x // align * align, w + x % align


def decode(data: bytes, channels: int = 0, fancy_upscaling: bool = True,
           dct_method: str = "", crop: tuple[int, int, int, int] | None = None,
           ratio: int = 1) -> np.ndarray:
    """The uint8 image ``[h, w, channels or stored]`` of JPEG bytes, bitwise libjpeg-turbo's
    for TF's options (``dct_method`` ''/'INTEGER_FAST' -> ifast, 'INTEGER_ACCURATE' ->
    islow). ``crop = (y, x, height, width)`` decodes as ``decode_and_crop_jpeg``: the
    upsampler sees only the iMCU-aligned window, so its edges replicate as in TF.
    ``ratio`` 2, 4 or 8 downscales in the IDCT (libjpeg's ``scale_denom``; no crop)."""
    if crop is not None and ratio != 1:
        raise errors.UnimplementedError(None, None, "decode_and_crop_jpeg with ratio > 1 "
                                        "is not implemented.")
    st = parse(data)
    sizes = _scaled_sizes(st, ratio)
    planes = _planes(st, dct_method, sizes)
    x0, width = _window(st, crop)
    h = st.height
    if ratio != 1:
        width, h = -(-width // ratio), -(-h // ratio)
    cols, fancy, factors = [], [], []
    for p, c, s in zip(planes, st.comps, sizes):
        start = x0 * c.h // st.hmax
        n = -(-width * c.h * s * ratio // (st.hmax * 8))
        cols.append(p[:, start:start + n])
        wide = n > 2 or (n == 2 and p.shape[1] > 2)   # jdsample.c; crop keeps the method
        fh = st.hmax * 8 // (ratio * c.h * s)
        fv = st.vmax * 8 // (ratio * c.v * s)
        factors.append((fh, fv))
        fancy.append(fancy_upscaling and ratio < 8 and (fh == 1 or wide))
    gray = len(st.comps) == 1
    if gray or channels == 1 and st.adobe != 0:
        y = cols[0][:h, :width]          # YCbCr -> grayscale keeps Y (jdcolor.c)
        img = np.repeat(y[..., None], 3 if channels == 3 else 1, axis=2)
        return _crop(img, crop, x0)
    full = [jpeg_color.upsample(p, fh, fv, f)[:h, :width]
            for p, (fh, fv), f in zip(cols, factors, fancy)]
    rgb_ids = [c.ident for c in st.comps] == [82, 71, 66]
    if st.adobe == 0 or (st.adobe is None and rgb_ids):
        img = np.stack(full, -1).astype(np.uint8)
    else:
        img = jpeg_color.ycc_to_rgb(*full)
    if channels == 1:                   # RGB -> gray: jdcolor.c's rgb_gray_convert
        r, g, b = (img[..., i].astype(np.int64) for i in range(3))
        y = (19595 * r + 38470 * g + 7471 * b + 32768) >> 16
        img = y.astype(np.uint8)[..., None]
    return _crop(img, crop, x0)


def _crop(img: np.ndarray, crop: tuple[int, int, int, int] | None, x0: int) -> np.ndarray:
    if crop is None:
        return img
    y, x, h, w = crop
    return np.ascontiguousarray(img[y:y + h, x - x0:x - x0 + w])
