"""encode_png / decode_png / decode_image: channel conversions (libpng's gray weights as
TF sets them) and 16-bit output equal to TF 2.21 on the same images (TF decoded its own
encodings; PNG is lossless, so the numbers — shape, sum, index-weighted sum — depend on
the pixels only), every row filter decoded against an in-test encoder, and the errors."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

import trainkit as tk

RNG = np.random.default_rng(23)
IMGS = {"rgb": RNG.integers(0, 256, (5, 7, 3), dtype=np.uint8),
        "gray": RNG.integers(0, 256, (4, 6, 1), dtype=np.uint8),
        "rgba": RNG.integers(0, 256, (3, 4, 4), dtype=np.uint8)}
IMGS["smooth"] = (np.add.outer(np.arange(9), np.arange(8)) * 7 % 256).astype(
    np.uint8)[..., None].repeat(3, 2)
TF = {
    "rgb_0": [[5, 7, 3], 12338, 636782],
    "rgb_1": [[5, 7, 1], 4003, 65868],
    "rgb_3": [[5, 7, 3], 12338, 636782],
    "rgb_4": [[5, 7, 4], 21263, 1478655],
    "rgb_16": [[5, 7, 3], 3170866],
    "gray_0": [[4, 6, 1], 2434, 31253],
    "gray_1": [[4, 6, 1], 2434, 31253],
    "gray_3": [[4, 6, 3], 7302, 288579],
    "gray_4": [[4, 6, 4], 13422, 682218],
    "gray_16": [[4, 6, 1], 625538],
    "rgba_0": [[3, 4, 4], 5695, 128415],
    "rgba_1": [[3, 4, 1], 1602, 8699],
    "rgba_3": [[3, 4, 3], 4529, 76797],
    "rgba_4": [[3, 4, 4], 5695, 128415],
    "rgba_16": [[3, 4, 4], 1463615],
    "smooth_0": [[9, 8, 3], 11340, 1484784],
    "smooth_1": [[9, 8, 1], 3780, 163716],
    "smooth_3": [[9, 8, 3], 11340, 1484784],
    "smooth_4": [[9, 8, 4], 29700, 4638132],
    "smooth_16": [[9, 8, 3], 2914380],
}


def test_decode_equals_tf_for_every_channel_count():
    with tk.Session() as sess:
        for key, img in IMGS.items():
            png = sess.run(tk.image.encode_png(img))
            for ch in (0, 1, 3, 4):
                d = sess.run(tk.image.decode_png(png, channels=ch)).astype(np.int64)
                got = [list(d.shape), int(d.sum()), int((d * np.arange(d.size).reshape(
                    d.shape)).sum())]
                assert got == TF[f"{key}_{ch}"], (key, ch)
            d16 = sess.run(tk.image.decode_image(png, dtype=tk.uint16)).astype(np.int64)
            assert [list(d16.shape), int(d16.sum())] == TF[f"{key}_16"]


def _png_with_filters(img):
    """A PNG of ``img`` [h, w, 3] whose rows use filters 0..4 in turn (the test's own
    encoder, written from the PNG specification)."""
    h, w, c = img.shape
    raw, prev = b"", np.zeros(w * c, np.int64)
    for y in range(h):
        cur = img[y].reshape(-1).astype(np.int64)
        f = y % 5
        left = np.concatenate([np.zeros(c, np.int64), cur[:-c]])
        upleft = np.concatenate([np.zeros(c, np.int64), prev[:-c]])
        if f == 0:
            pred = np.zeros_like(cur)
        elif f == 1:
            pred = left
        elif f == 2:
            pred = prev
        elif f == 3:
            pred = (left + prev) // 2
        else:
            p = left + prev - upleft
            pa, pb, pc = abs(p - left), abs(p - prev), abs(p - upleft)
            pred = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, prev, upleft))
        raw += bytes([f]) + ((cur - pred) & 0xFF).astype(np.uint8).tobytes()
        prev = cur

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_every_row_filter_and_errors():
    img = RNG.integers(0, 256, (10, 6, 3), dtype=np.uint8)
    with tk.Session() as sess:
        assert np.array_equal(sess.run(tk.image.decode_png(_png_with_filters(img))), img)
        with pytest.raises(tk.errors.InvalidArgumentError, match="Invalid JPEG data"):
            sess.run(tk.image.decode_image(b"\xff\xd8\xff\xe0 not a png"))
