"""decode_bmp / decode_gif / decode_image and the cross-format dispatch of every decode op,
against TF 2.21.

tests/data/fixtures/tf_bmp_gif_decode.json holds BMPs (24-bit bottom-up with row padding,
32-bit, top-down, 8-bit) and GIFs (one frame, LZW codes growing past 9 bits, interlaced,
three frames with offsets, transparency and a local colour table, a 128-colour table)
written byte by byte, and what TF decoded from each with every op and channel count (the
sha256 of the array, or TF's error message); fixtures/make_tf_image_fixtures.py writes
the files and regenerates the fixture with the TF peer venv.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "tf_bmp_gif_decode.json")
                     .read_text())
JPEG = json.loads((Path(__file__).parent / "fixtures" / "tf_jpeg_decode.json")
                  .read_text())["q75_420_37x29"]


def _digest(a: np.ndarray) -> list:
    return [list(a.shape), hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:16]]


def _op(name: str, contents, channels):
    fn = getattr(tk.io, name)
    return fn(contents) if channels == "None" else fn(contents, channels=int(channels))


@pytest.mark.parametrize("key", sorted(FIXTURE))
def test_every_op_and_channel_count_equals_tf(key):
    data = base64.b64decode(FIXTURE[key]["data"])
    contents = tk.placeholder(tk.string, [])
    with tk.Session() as sess:
        for mode, want in FIXTURE[key]["decoded"].items():
            op = _op(*mode.split("/")[:1], contents, mode.split("/")[1])
            if want[0] == "error":
                with pytest.raises(tk.errors.InvalidArgumentError) as info:
                    sess.run(op, {contents: data})
                assert info.value.message == want[2], mode
            else:
                assert _digest(sess.run(op, {contents: data})) == want, (key, mode)


def test_static_shapes():
    c = tk.placeholder(tk.string, [])
    assert tk.image.decode_gif(c).shape.as_list() == [None, None, None, 3]
    assert tk.image.decode_bmp(c, channels=4).shape.as_list() == [None, None, 4]
    assert tk.image.decode_image(c, expand_animations=False, channels=3).shape.as_list() \
        == [None, None, 3]
    assert tk.image.decode_image(c).shape.ndims is None


def test_decode_image_first_gif_frame_and_dtypes_as_tf():
    gif = base64.b64decode(FIXTURE["gif_anim"]["data"])
    bmp = base64.b64decode(FIXTURE["bmp24_odd"]["data"])
    jpeg = base64.b64decode(JPEG["jpeg"])
    png = tk.Session().run(tk.image.encode_png(
        np.arange(24, dtype=np.uint8).reshape(2, 4, 3) * 10))
    with tk.Session() as sess:
        frames = sess.run(tk.image.decode_gif(gif))
        first = sess.run(tk.image.decode_image(gif, expand_animations=False))
        assert np.array_equal(first, frames[0])
        u8 = sess.run(tk.image.decode_jpeg(jpeg))
        f32 = sess.run(tk.image.decode_image(jpeg, dtype=tk.float32))
        u16 = sess.run(tk.io.decode_image(jpeg, dtype=tk.uint16))
        # TF: uint8 -> float32 is x * float32(1 / 255); -> uint16 is x * 256 (PNG: x * 257,
        # libpng widening), e.g. TF gave 0.8000001 for the BMP's 204.
        assert f32.dtype == np.float32 and np.array_equal(
            f32, u8.astype(np.float32) * np.float32(1 / 255))
        assert np.array_equal(u16, u8.astype(np.uint16) * 256)
        b = sess.run(tk.image.decode_image(bmp, dtype=tk.float32))
        assert b[0, 0, 2] == np.float32(0.8000001)
        p = sess.run(tk.image.decode_png(png, dtype=tk.uint16)).ravel()[:4]
        assert p.tolist() == [0, 2570, 5140, 7710]
        # a PNG becomes float32 through libpng's 16 bits: (x * 257) * float32(1 / 65535)
        p = sess.run(tk.image.decode_image(png, dtype=tk.float32)).ravel()[:4]
        want = (np.arange(4) * 10 * 257).astype(np.float32) * np.float32(1 / 65535)
        assert p.dtype == np.float32 and np.array_equal(p, want)
        # decode_jpeg/decode_png/decode_gif of another format decode it (TF 2.x).
        assert np.array_equal(sess.run(tk.image.decode_png(jpeg)), u8)
        assert np.array_equal(sess.run(tk.image.decode_gif(jpeg)), u8[None])


BAD = [
    ("decode_jpeg", b"", "Input is empty."),
    ("decode_image", b"hello world", "Unknown image file format. One of JPEG, PNG, GIF, "
                                     "BMP required."),
    ("decode_bmp", b"BM" + bytes(10), "Incomplete bmp content, requires at least 32 bytes "
                                      "to find the header size, width, height, and bpp, "
                                      "got 12 bytes"),
    ("decode_gif", b"GIF89a" + bytes(10), "Invalid GIF data (size 16), failed to slurp gif "
                                          "file: Wrong record type detected"),
    ("decode_bmp", b"\xff\xd8\xff\xe0", "Trying to decode JPEG format using DecodeBmp op. "
                                        "Use `decode_jpeg` or `decode_image` instead."),
    ("decode_jpeg", b"\xff\xd8\xff\xe0" + bytes(20), "jpeg::Uncompress failed. Invalid "
                                                     "JPEG data or crop window. (truncated marker "
                                                     "segment)"),
]


@pytest.mark.parametrize("op,data,msg", BAD)
def test_bad_inputs_raise_tf_messages(op, data, msg):
    with tk.Session() as sess:
        with pytest.raises(tk.errors.InvalidArgumentError) as info:
            sess.run(getattr(tk.image, op)(data))
    assert info.value.message == msg


def test_truncated_and_corrupt_bmp_gif_png():
    bmp = base64.b64decode(FIXTURE["bmp24_odd"]["data"])
    gif = base64.b64decode(FIXTURE["gif_anim"]["data"])
    png = tk.Session().run(tk.image.encode_png(np.zeros((3, 3, 3), np.uint8)))
    cases = [
        (tk.image.decode_bmp(bmp[:100]), "Input size should match (header_size + row_size "
                                         "* abs_height) but they differ by -74"),
        (tk.image.decode_bmp(bmp[:28] + b"\x10\x00" + bmp[30:]), "Number of channels "
         "inherent in the image must be 1, 3 or 4, was 2"),
        (tk.image.decode_gif(gif[:60]), "Invalid GIF data (size 60), failed to slurp gif "
                                        "file: Failed to read from given file"),
        (tk.image.decode_png(png[:40]), "Invalid PNG. Failed to initialize decoder."),
        (tk.image.decode_png(png[:-12]), f"Invalid PNG data, size {len(png) - 12}"),
        (tk.image.decode_and_crop_jpeg(png, [0, 0, 1, 1]), "DecodeAndCropJpeg operation can "
                                                            "run on JPEG only, but detected "
                                                            "PNG."),
    ]
    with tk.Session() as sess:
        for op, msg in cases:
            with pytest.raises(tk.errors.InvalidArgumentError) as info:
                sess.run(op)
            assert info.value.message == msg
