"""encode_jpeg against TF 2.21: the same bytes for baseline options (quality, 4:4:4,
grayscale, density, XMP), and for progressive/optimize_size (written as baseline by
trainkit) the same pixels once decoded. tests/data/fixtures/tf_jpeg_encode.json holds the
sha256 of TF's bytes and of TF's decoding of them for the image built below
(fixtures/make_tf_image_fixtures.py regenerates it)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "tf_jpeg_encode.json")
                     .read_text())
OPTS = {"default": {}, "q30": {"quality": 30},
        "q100_444": {"quality": 100, "chroma_downsampling": False},
        "gray": {"format": "grayscale"},
        "cm_72": {"density_unit": "cm", "x_density": 72, "y_density": 96},
        "xmp": {"xmp_metadata": "<x:xmpmeta/>"},
        "progressive": {"progressive": True}, "optimize": {"optimize_size": True,
                                                          "quality": 80}}


def _image() -> np.ndarray:
    y, x = np.mgrid[0:21, 0:30]
    img = (x * 8 + y * 5 + (x * y) % 17 * 6) % 256
    return np.stack([img, (img * 3) % 256, 255 - img], -1).astype(np.uint8)


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()[:16]


@pytest.mark.parametrize("key", sorted(OPTS))
def test_encode_matches_tf(key):
    img = _image()[..., :1] if key == "gray" else _image()
    want = FIXTURE[key]
    with tk.Session() as sess:
        data = sess.run(tk.image.encode_jpeg(img, **OPTS[key]))
        pixels = sess.run(tk.image.decode_jpeg(data))
    assert _sha(pixels.tobytes()) == want["pixels"]
    if key not in ("progressive", "optimize"):
        assert (_sha(data), len(data)) == (want["bytes"], want["size"])


def test_encode_errors():
    with tk.Session() as sess:
        with pytest.raises(tk.errors.InvalidArgumentError, match="format grayscale expects 1"):
            sess.run(tk.image.encode_jpeg(_image(), format="grayscale"))
        with pytest.raises(tk.errors.InvalidArgumentError, match="1 or 3 channels"):
            sess.run(tk.io.encode_jpeg(np.zeros((2, 2, 4), np.uint8)))
    with pytest.raises(TypeError):
        tk.image.encode_jpeg(np.zeros((2, 2, 3), np.float32))
