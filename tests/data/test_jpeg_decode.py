"""decode_jpeg / decode_and_crop_jpeg against TF 2.21, bitwise.

The fixture (tests/data/fixtures/tf_jpeg_decode.json) holds small JPEGs -- most encoded
by TF's ``encode_jpeg`` (qualities 25..100, 4:2:0, 4:4:4, grayscale, optimized Huffman
tables, progressive, sizes not multiples of 8/16, 1x1), the ``trainkit_*`` ones by
trainkit's encoder for what TF cannot write (4:2:2, 4:4:0, 4:1:1, restart intervals, a
2-sample-wide chroma plane) -- and the sha256 of what TF 2.21 decoded from each under every
option: dct_method '', INTEGER_FAST, INTEGER_ACCURATE, fancy_upscaling off, channels 1
and 3, ratio 2, 4 and 8 (libjpeg's scaled IDCTs), and crop windows (where
libjpeg-turbo's crop upsampler differs from a slice of the full image).
fixtures/make_tf_image_fixtures.py regenerates it (seeded) with the TF peer venv.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from trainkit.data import jpeg_decode, jpeg_idct

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "tf_jpeg_decode.json")
                     .read_text())
MODES = {"default": {}, "fast": {"dct_method": "INTEGER_FAST"},
         "accurate": {"dct_method": "INTEGER_ACCURATE"},
         "nofancy": {"fancy_upscaling": False},
         "nofancy_acc": {"fancy_upscaling": False, "dct_method": "INTEGER_ACCURATE"},
         "ch1": {"channels": 1}, "ch3": {"channels": 3},
         "ratio2": {"ratio": 2}, "ratio4": {"ratio": 4}, "ratio8": {"ratio": 8}}


def _digest(a: np.ndarray) -> list:
    return [list(a.shape), hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:16]]


def _data(key: str) -> bytes:
    return base64.b64decode(FIXTURE[key]["jpeg"])


@pytest.mark.parametrize("key", sorted(FIXTURE))
def test_every_option_equals_tf_bitwise(key):
    data, want = _data(key), FIXTURE[key]["decoded"]
    for mode, kw in MODES.items():
        assert _digest(jpeg_decode.decode(data, **kw)) == want[mode], (key, mode)


@pytest.mark.parametrize("key", sorted(k for k in FIXTURE if any(
    m.startswith("crop/") for m in FIXTURE[k]["decoded"])))
def test_crop_windows_equal_tf(key):
    data = _data(key)
    for mode, want in FIXTURE[key]["decoded"].items():
        if not mode.startswith("crop/"):
            continue
        win, fancy = mode.split("/")[1:]
        crop = tuple(int(v) for v in win.split(","))
        if want == ["error"]:
            with pytest.raises(tk.errors.InvalidArgumentError, match="crop window"):
                jpeg_decode.decode(data, crop=crop)
            continue
        got = jpeg_decode.decode(data, fancy_upscaling=bool(int(fancy)), crop=crop)
        assert _digest(got) == want, (key, mode)


def test_ops_in_a_graph_equal_tf():
    key = "q75_420_37x29"
    want = FIXTURE[key]["decoded"]
    contents = tk.placeholder(tk.string, [])
    ops = {"default": tk.image.decode_jpeg(contents),
           "accurate": tk.io.decode_jpeg(contents, dct_method="INTEGER_ACCURATE"),
           "nofancy": tk.image.decode_jpeg(contents, fancy_upscaling=False),
           "ch1": tk.image.decode_jpeg(contents, channels=1),
           "ratio4": tk.image.decode_jpeg(contents, ratio=4),
           "crop/3,17,10,12/1": tk.image.decode_and_crop_jpeg(contents, [3, 17, 10, 12])}
    assert ops["ch1"].shape.as_list() == [None, None, 1]
    with tk.Session() as sess:
        got = sess.run(ops, {contents: _data(key)})
        shape = sess.run(tk.image.extract_jpeg_shape(contents), {contents: _data(key)})
    for mode, value in got.items():
        assert value.dtype == np.uint8 and _digest(value) == want[mode], mode
    assert shape.tolist() == [29, 37, 3]


def test_idct_range_limit_wraps_like_libjpeg():
    # A DC-only block decodes to dc / 8 + 128 everywhere; outside [-512, 511] libjpeg's
    # range table is indexed with the value masked to 10 bits (so it wraps, no clamp).
    block = np.zeros((1, 8, 8), np.int64)
    q = np.ones((8, 8), np.int64)
    for dc, want in [(0, 128), (-1024, 0), (1016, 255), (4096, 0), (8 * 1074, 178),
                     (-8 * 924, 228), (8192, 128)]:
        block[0, 0, 0] = dc
        assert jpeg_idct.islow(block, q)[0, 0, 0] == want, dc
        assert jpeg_idct.ifast(block, q)[0, 0, 0] == want, dc


def test_bad_huffman_codes_decode_as_libjpeg_recovers():
    # libjpeg only warns on a code no table has (17 bits, symbol 0) and on runs past
    # coefficient 63 (they land on 63); TF returns the image. Hashes recorded from TF 2.21.
    data = _data("q75_420_37x29")
    sos = data.index(b"\xff\xda")
    bad = data[:sos + 14] + b"\xff\x00" * 40 + data[sos + 94:]
    assert _digest(jpeg_decode.decode(bad))[1] == "fbe101dd75e18196"
    assert _digest(jpeg_decode.decode(bad, dct_method="INTEGER_ACCURATE"))[1] == \
        "21149a081596a5dc"
    assert _digest(jpeg_decode.decode(data + b"junk")) == FIXTURE["q75_420_37x29"][
        "decoded"]["default"]


def test_corrupt_and_unsupported_jpeg_raise_invalid_argument():
    data = _data("q75_420_37x29")
    sos = data.index(b"\xff\xda")
    bad = {
        "truncated": data[:len(data) // 2],
        "no scan": data[:sos] + b"\xff\xd9",
        "header only": b"\xff\xd8\xff\xe0" + bytes(20),
        "lossless": data.replace(b"\xff\xc0", b"\xff\xc3", 1),
        "no EOI": data[:-2],
    }
    contents = tk.placeholder(tk.string, [])
    op = tk.image.decode_jpeg(contents)
    with tk.Session() as sess:
        for what, blob in bad.items():
            with pytest.raises(tk.errors.InvalidArgumentError,
                               match="Invalid JPEG data or crop window"):
                sess.run(op, {contents: blob})
            assert what
        for kw, msg in [({"channels": 2}, "must be 0, 1, 3 or 4"),
                        ({"channels": 4}, "JPEG does not support 4 channels"),
                        ({"ratio": 3}, "ratio must be 1, 2, 4, or 8"),
                        ({"dct_method": "FLOAT"}, "dct_method must be one of")]:
            with pytest.raises(tk.errors.InvalidArgumentError, match=msg):
                sess.run(tk.image.decode_jpeg(data, **kw))
        with pytest.raises(tk.errors.InvalidArgumentError, match="crop window"):
            sess.run(tk.image.decode_and_crop_jpeg(data, [15, 3, 20, 12]))
