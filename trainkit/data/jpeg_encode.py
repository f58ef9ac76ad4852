"""A baseline JPEG encoder following libjpeg-turbo's default path, as TF's ``EncodeJpeg``.

RGB -> YCbCr with jccolor.c's fixed-point tables, jcsample.c's box downsampling (with its
alternating rounding bias) and edge replication, the islow forward DCT (jfdctint.c),
libjpeg-turbo's reciprocal quantizer, the Annex K quantizers scaled by ``quality`` as
``jpeg_set_quality`` does and the Annex K Huffman tables; markers in libjpeg's order
(JFIF APP0, DQT, SOF0, DHT, SOS). Also writes what TF's encoder cannot: any luma sampling
(4:2:2 ...) and restart intervals.

Example:
    >>> data = encode(pixels, quality=90)          # pixels uint8 [h, w, 1 or 3]
"""

from __future__ import annotations

import struct

import numpy as np

from trainkit.data.jpeg_entropy import ZIGZAG

# Annex K tables as libjpeg stores them: quantizers (zigzag order, quality 50) and the
# DHT bodies (16 code counts, then symbols) of DC/AC luminance and chrominance.
_QUANT = [bytes.fromhex(
    "100b0c0e0c0a100e0d0e1211101318281a181616183123251d283a333d3c3933383740485c4e4044"
    "57453738506d51575f626768673e4d71797064785c656763"), bytes.fromhex(
    "1112121815182f1a1a2f634238426363636363636363636363636363636363636363636363636363"
    "636363636363636363636363636363636363636363636363")]
_DHT = [bytes.fromhex(
    "00010501010101010100000000000000000102030405060708090a0b"), bytes.fromhex(
    "0002010303020403050504040000017d01020300041105122131410613516107227114328191a108"
    "2342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a43444546474849"
    "4a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798"
    "999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2"
    "e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"), bytes.fromhex(
    "00030101010101010101010000000000000102030405060708090a0b"), bytes.fromhex(
    "00020102040403040705040400010277000102031104052131061241510761711322328108144291"
    "a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748"
    "494a535455565758595a636465666768696a737475767778797a82838485868788898a9293949596"
    "9798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9da"
    "e2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa")]
_NATURAL = np.argsort(np.array(ZIGZAG))


def quant_table(index: int, quality: int) -> np.ndarray:
    """``jpeg_set_quality``'s table ``index`` (0 luma, 1 chroma), zigzag order, 1..255."""
    q = min(max(int(quality), 1), 100)
    scale = 5000 // q if q < 50 else 200 - 2 * q
    base = np.frombuffer(_QUANT[index], np.uint8).astype(np.int64)
    return np.clip((base * scale + 50) // 100, 1, 255)


def _codes(dht: bytes) -> dict[int, tuple[int, int]]:
    counts, symbols = dht[:16], dht[16:]
    out, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            out[symbols[k]] = (code, length)
            code, k = code + 1, k + 1
        code <<= 1
    return out


def _ycc(img: np.ndarray) -> list[np.ndarray]:
    r, g, b = (img[..., i].astype(np.int64) for i in range(3))

    def fix(x: float) -> int:
        return int(x * 65536 + 0.5)
    half, off = 1 << 15, 128 << 16
    y = (fix(0.299) * r + fix(0.587) * g + fix(0.114) * b + half) >> 16
    cb = (-fix(0.16874) * r - fix(0.33126) * g + fix(0.5) * b + off + half - 1) >> 16
    cr = (fix(0.5) * r - fix(0.41869) * g - fix(0.08131) * b + off + half - 1) >> 16
    return [y, cb, cr]


def _downsample(plane: np.ndarray, fh: int, fv: int, out_w: int, out_h: int) -> np.ndarray:
    """jcsample.c: edge-replicate to the block grid, then average ``fh x fv`` boxes with
    the alternating bias (1, 2 for 2x2; 0, 1 for 2x1; half the box otherwise)."""
    h, w = plane.shape
    p = np.pad(plane, ((0, out_h * fv - h), (0, out_w * fh - w)), mode="edge")
    if fh == fv == 1:
        return p
    box = p.reshape(out_h, fv, out_w, fh).sum(axis=(1, 3))
    n, odd = fh * fv, np.arange(out_w) & 1
    bias = {(2, 2): 1 + odd, (2, 1): odd}.get((fh, fv), n // 2)
    return (box + bias) // n


def _fdct_1d(d: list, last: bool) -> list:
    c = {"a": 4433, "b": 6270, "c": 15137, "d": 9633, "e": 2446, "f": 16819,
         "g": 25172, "h": 12299, "i": 7373, "j": 20995, "k": 16069, "l": 3196}
    t0, t7 = d[0] + d[7], d[0] - d[7]
    t1, t6 = d[1] + d[6], d[1] - d[6]
    t2, t5 = d[2] + d[5], d[2] - d[5]
    t3, t4 = d[3] + d[4], d[3] - d[4]
    t10, t13, t11, t12 = t0 + t3, t0 - t3, t1 + t2, t1 - t2
    sh = 15 if last else 11
    pre = 2 if last else 0

    def ds(x: np.ndarray, n: int) -> np.ndarray:
        return (x + (1 << (n - 1))) >> n
    o = [None] * 8
    o[0] = ds(t10 + t11, pre) if last else (t10 + t11) << 2
    o[4] = ds(t10 - t11, pre) if last else (t10 - t11) << 2
    z1 = (t12 + t13) * c["a"]
    o[2] = ds(z1 + t13 * c["b"], sh)
    o[6] = ds(z1 - t12 * c["c"], sh)
    z1, z2, z3, z4 = t4 + t7, t5 + t6, t4 + t6, t5 + t7
    z5 = (z3 + z4) * c["d"]
    t4, t5, t6, t7 = t4 * c["e"], t5 * c["f"], t6 * c["g"], t7 * c["h"]
    z1, z2 = z1 * -c["i"], z2 * -c["j"]
    z3, z4 = z3 * -c["k"] + z5, z4 * -c["l"] + z5
    o[7], o[5] = ds(t4 + z1 + z3, sh), ds(t5 + z2 + z4, sh)
    o[3], o[1] = ds(t6 + z2 + z3, sh), ds(t7 + z1 + z4, sh)
    return o


def fdct_quantize(blocks: np.ndarray, qzig: np.ndarray) -> np.ndarray:
    """jfdctint.c's forward DCT of sample blocks ``[n, 8, 8]`` and libjpeg-turbo's
    reciprocal quantization by ``8 * q``: coefficients ``[n, 64]`` in zigzag order."""
    x = blocks.astype(np.int64) - 128
    rows = _fdct_1d([x[:, :, i] for i in range(8)], last=False)      # [n, y] per u
    ws = np.stack(rows, axis=2)                                        # [n, y, u]
    cols = _fdct_1d([ws[:, i, :] for i in range(8)], last=True)      # [n, u] per v
    coef = np.stack(cols, axis=1).reshape(-1, 64)[:, ZIGZAG]          # [n, 64] zigzag
    div = qzig.astype(np.int64) * 8
    b = np.floor(np.log2(div)).astype(np.int64)
    r = 16 + b
    fq, fr = (1 << r) // div, (1 << r) % div
    corr = div // 2
    exact = fr == 0
    fq = np.where(exact, fq >> 1, np.where(fr <= div // 2, fq, fq + 1))
    corr = np.where(~exact & (fr <= div // 2), corr + 1, corr)
    r = np.where(exact, r - 1, r)
    mag = ((np.abs(coef) + corr) * fq) >> r
    return np.where(coef < 0, -mag, mag)


class _BitWriter:
    """MSB-first bits with 0xFF byte stuffing; ``flush`` pads with ones."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, code: int, length: int) -> None:
        self.acc = (self.acc << length) | code
        self.n += length
        while self.n >= 8:
            self.n -= 8
            byte = (self.acc >> self.n) & 255
            self.out.append(byte)
            if byte == 255:
                self.out.append(0)
        self.acc &= (1 << self.n) - 1

    def flush(self) -> None:
        if self.n:
            self.put((1 << (8 - self.n)) - 1, 8 - self.n)


def _magnitude(v: int) -> tuple[int, int]:
    s = abs(v).bit_length()
    return s, (v if v >= 0 else v + (1 << s) - 1)


def _write_block(bw: _BitWriter, zz: list[int], diff: int, dc: dict, ac: dict) -> None:
    s, bits = _magnitude(diff)
    bw.put(*dc[s])
    if s:
        bw.put(bits, s)
    run = 0
    for k in range(1, 64):
        v = zz[k]
        if v == 0:
            run += 1
            continue
        while run > 15:
            bw.put(*ac[0xF0])
            run -= 16
        s, bits = _magnitude(v)
        bw.put(*ac[run << 4 | s])
        bw.put(bits, s)
        run = 0
    if run:
        bw.put(*ac[0])


def _blocks(plane: np.ndarray) -> np.ndarray:
    """``[rows, cols, 8, 8]`` blocks of a plane padded to whole blocks."""
    h, w = plane.shape
    return plane.reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3)


def encode(image: np.ndarray, quality: int = 95, chroma_downsampling: bool = True,
           luma_sampling: tuple[int, int] | None = None, restart_interval: int = 0,
           density: tuple[int, int, int] = (1, 300, 300), xmp: bytes = b"") -> bytes:
    """Baseline JPEG bytes of a uint8 ``[h, w, 1 or 3]`` image.

    ``luma_sampling`` (h, v) overrides the luma factors (default 2x2 when
    ``chroma_downsampling`` else 1x1; chroma stays 1x1); ``restart_interval`` writes a
    DRI marker and RSTn markers every that many MCUs; ``density`` is JFIF's
    (units, x, y); ``xmp`` goes into an APP1 XMP packet as TF writes it."""
    img = np.asarray(image, np.uint8)
    h, w, nc = img.shape
    luma = (2, 2) if chroma_downsampling and nc == 3 else (1, 1)
    samp = ([luma_sampling or luma] + [(1, 1)] * 2)[:nc]
    planes = _ycc(img) if nc == 3 else [img[..., 0].astype(np.int64)]
    hmax, vmax = max(s[0] for s in samp), max(s[1] for s in samp)
    mx, my = -(-w // (8 * hmax)), -(-h // (8 * vmax))
    tables = [quant_table(0, quality), quant_table(1, quality)]
    coefs = []
    for ci, (sh, sv) in enumerate(samp):
        cw, ch = -(-w * sh // hmax), -(-h * sv // vmax)
        bw_, bh_ = -(-cw // 8), -(-ch // 8)
        fh, fv = hmax // sh, vmax // sv
        plane = _downsample(planes[ci], fh, fv, bw_ * 8, bh_ * 8)
        blk = _blocks(plane).reshape(-1, 8, 8)
        q = fdct_quantize(blk, tables[min(ci, 1)]).reshape(bh_, bw_, 64)
        grid = np.zeros((my * sv, mx * sh, 64), np.int64)
        grid[:bh_, :bw_] = q
        coefs.append((grid, bw_, bh_))
    return _assemble(coefs, samp, (mx, my), (w, h), tables, restart_interval, density,
                     xmp)


def _dummy_dc(grid: np.ndarray, real_w: int, real_h: int, sh: int, sv: int) -> None:
    """jccoefct.c's dummy blocks past the right/bottom edge inside an MCU: zero AC, the
    DC of the block to the left (right edge) or of the MCU's previous block (bottom)."""
    for x in range(real_w, grid.shape[1]):
        grid[:real_h, x, 0] = grid[:real_h, x - 1, 0]
    for y in range(real_h, grid.shape[0]):
        prev = grid[y - 1, sh - 1::sh, 0] if y % sv else None
        if prev is None:
            continue
        grid[y, :, 0] = np.repeat(prev, sh)[:grid.shape[1]]


def _assemble(coefs: list, samp: list, mcus: tuple[int, int], size: tuple[int, int],
              tables: list[np.ndarray], restart: int, density: tuple[int, int, int],
              xmp: bytes) -> bytes:
    nc = len(samp)
    out = bytearray(b"\xff\xd8")

    def marker(code: int, body: bytes) -> None:
        out.extend(struct.pack(">BBH", 0xFF, code, len(body) + 2) + body)
    marker(0xE0, b"JFIF\x00\x01\x01" + struct.pack(">BHH", *density) + b"\x00\x00")
    if xmp:
        marker(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp)
    for t in range(min(nc, 2)):
        marker(0xDB, bytes([t]) + tables[t].astype(np.uint8).tobytes())
    sof = struct.pack(">BHHB", 8, size[1], size[0], nc)
    for ci, (sh, sv) in enumerate(samp):
        sof += bytes([ci + 1, sh << 4 | sv, min(ci, 1)])
    marker(0xC0, sof)
    for t in range(min(nc, 2)):
        marker(0xC4, bytes([t]) + _DHT[2 * t])
        marker(0xC4, bytes([0x10 | t]) + _DHT[2 * t + 1])
    if restart:
        marker(0xDD, struct.pack(">H", restart))
    sos = bytes([nc]) + b"".join(bytes([ci + 1, min(ci, 1) * 0x11]) for ci in range(nc))
    marker(0xDA, sos + b"\x00\x3f\x00")
    dc = [_codes(_DHT[0]), _codes(_DHT[2])]
    ac = [_codes(_DHT[1]), _codes(_DHT[3])]
    for grid, rw, rh in coefs:
        ci = [g is grid for g, _, _ in coefs].index(True)
        if nc > 1:
            _dummy_dc(grid, rw, rh, *samp[ci])
    lists = [g.tolist() for g, _, _ in coefs]
    bw, pred, count, rst = _BitWriter(), [0] * nc, 0, 0
    single = nc == 1
    units = ([(0, y, x) for y in range(coefs[0][2]) for x in range(coefs[0][1])]
             if single else None)
    mcu_list = ([[u] for u in units] if single else
                [[(ci, my_ * sv + yy, mx_ * sh + xx)
                  for ci, (sh, sv) in enumerate(samp) for yy in range(sv) for xx in range(sh)]
                 for my_ in range(mcus[1]) for mx_ in range(mcus[0])])
    for mcu in mcu_list:
        if restart and count == restart:
            bw.flush()
            bw.out.extend(bytes([0xFF, 0xD0 + rst]))
            rst, count, pred = (rst + 1) & 7, 0, [0] * nc
        for ci, y, x in mcu:
            zz = lists[ci][y][x]
            t = min(ci, 1)
            _write_block(bw, zz, zz[0] - pred[ci], dc[t], ac[t])
            pred[ci] = zz[0]
        count += 1
    bw.flush()
    out.extend(bw.out)
    out.extend(b"\xff\xd9")
    return bytes(out)
