"""Pure summary builders, checked by decoding their output independently (protobuf parse,
a hand-written PNG decoder, the stdlib ``wave`` reader) against hand-computed numbers."""

from __future__ import annotations

import io
import struct
import wave
import zlib

import numpy as np
import pytest
from tensorboardX.proto.summary_pb2 import Summary

from trainkit.summary import summary_proto as sp


def parse(data: bytes) -> Summary:
    return Summary.FromString(data)


def decode_png(data: bytes) -> tuple[int, np.ndarray]:
    """(color type, pixels [h, w, c]) for a non-interlaced 8-bit PNG with filter 0 rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, color, _, _, interlace = ihdr
    assert depth == 8 and interlace == 0
    c = {0: 1, 4: 2, 2: 3, 6: 4}[color]
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * c)
    assert (raw[:, 0] == 0).all()
    return color, raw[:, 1:].reshape(h, w, c)


# -- tags and scalars ---------------------------------------------------------------------
def test_clean_tag_replaces_invalid_characters_and_leading_slash():
    assert sp.clean_tag("/loss (train)") == "loss__train_"
    assert sp.clean_tag("a/b-c.d_e") == "a/b-c.d_e"


def test_scalar_summary_holds_simple_value():
    s = parse(sp.scalar_summary("loss", np.float64(0.25)))
    assert [(v.tag, v.simple_value) for v in s.value] == [("loss", 0.25)]
    assert parse(sp.scalar_summary("n", 7)).value[0].simple_value == 7.0


def test_scalar_summary_rejects_non_scalar_and_strings():
    with pytest.raises(ValueError, match=r"not the same shape: \[\] != \[2\] \(tag 'x'\)"):
        sp.scalar_summary("x", [1.0, 2.0])
    with pytest.raises(TypeError, match="Scalar summary 'x' needs a real number"):
        sp.scalar_summary("x", "abc")


# -- histograms ---------------------------------------------------------------------------
def test_default_bucket_limits_are_tf_exponential_edges():
    lim = sp.default_bucket_limits()
    pos = lim[lim > 0][:-1]
    assert pos[0] == pytest.approx(1e-12)
    np.testing.assert_allclose(pos[1:] / pos[:-1], 1.1)
    assert pos[-1] < 1e20 <= pos[-1] * 1.1
    np.testing.assert_array_equal(lim, -lim[::-1])  # symmetric around the middle 0
    assert 0.0 in lim and lim[-1] == np.finfo(np.float64).max


def test_histogram_counts_match_independent_bucketing():
    values = np.array([0.5, 1.0, 1.0, 2.0, -3.0, 0.0, 7.25, 1e25])
    h = parse(sp.histogram_summary("h", values)).value[0].histo
    assert (h.num, h.min, h.max) == (8, -3.0, 1e25)
    assert h.sum == pytest.approx(values.sum())
    assert h.sum_squares == pytest.approx(np.dot(values, values))
    limits, counts = np.array(h.bucket_limit), np.array(h.bucket)
    assert counts.sum() == 8 and counts[0] == 0 and limits[0] <= -3.0
    for i in range(1, len(limits)):  # bucket i covers [limit[i-1], limit[i])
        inside = ((values >= limits[i - 1]) & (values < limits[i])).sum()
        assert counts[i] == inside, (i, limits[i - 1], limits[i])
    # every limit is one of TF's default edges; empty runs are collapsed
    assert set(limits.tolist()) <= set(sp.default_bucket_limits().tolist())
    assert not any(counts[i] == 0 and counts[i + 1] == 0 for i in range(len(counts) - 1))


def test_histogram_of_integers_and_empty_input():
    h = parse(sp.histogram_summary("h", np.array([[1, 2], [2, 2]], np.int32))).value[0].histo
    assert (h.num, h.sum, h.min, h.max) == (4, 7, 1, 2)
    e = parse(sp.histogram_summary("e", np.zeros((0,)))).value[0].histo
    big = np.finfo(np.float64).max  # TF's cleared Histogram, as TF 2.21 encodes it
    assert (e.num, e.min, e.max) == (0, big, -big)
    assert (list(e.bucket_limit), list(e.bucket)) == ([big], [0.0])


_BIG = float(np.finfo(np.float64).max)
# tf.compat.v1.summary.histogram of float32 inputs, bucket_limit and bucket as TF 2.21
# encodes them: empty runs collapsed, the first and the last run (up to DBL_MAX) kept.
_TF_HISTOGRAMS = {
    "ints": ([1, 2, 2, 2],
             [0.917246389039776, 1.0089710279437536, 1.9661990955585713, 2.1628190051144287,
              _BIG], [0.0, 1.0, 0.0, 3.0, 0.0]),
    "mixed": ([-3.5, 0, 0, 1e-12, 2.0],
              [-3.8315657995195243, -3.48324163592684, 0.0, 1e-12, 1.9661990955585713,
               2.1628190051144287, _BIG], [0.0, 1.0, 0.0, 3.0, 0.0, 1.0, 0.0]),
    "one": ([5.0], [4.636194617418625, 5.099814079160488, _BIG], [0.0, 1.0, 0.0]),
    "negative": ([-1.0, -2.0],
                 [-2.1628190051144287, -1.9661990955585713, -1.0089710279437536,
                  -0.917246389039776, _BIG], [0.0, 1.0, 0.0, 1.0, 0.0]),
    "zeros": ([0.0, 0.0, 0.0], [0.0, 1e-12, _BIG], [0.0, 3.0, 0.0]),
}


@pytest.mark.parametrize("case", sorted(_TF_HISTOGRAMS))
def test_histogram_buckets_are_tfs(case):
    values, limits, counts = _TF_HISTOGRAMS[case]
    h = parse(sp.histogram_summary("h", np.array(values, np.float32))).value[0].histo
    assert list(h.bucket_limit) == limits
    assert list(h.bucket) == counts


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_histogram_rejects_non_finite(bad):
    with pytest.raises(ValueError, match="Nan in summary histogram for: w"):
        sp.histogram_summary("w", np.array([1.0, bad]))


def test_histogram_rejects_strings():
    with pytest.raises(TypeError, match="Histogram summary 'w' needs real numbers"):
        sp.histogram_summary("w", np.array(["a"]))


# -- images -------------------------------------------------------------------------------
def test_png_encoder_round_trips_every_channel_count():
    rng = np.random.default_rng(0)
    for c, color in [(1, 0), (2, 4), (3, 2), (4, 6)]:
        img = rng.integers(0, 256, size=(5, 7, c), dtype=np.uint8)
        got_color, px = decode_png(sp.encode_png(img))
        assert got_color == color
        np.testing.assert_array_equal(px, img)


def test_png_decodes_with_pillow_when_available():
    pil = pytest.importorskip("PIL.Image")
    img = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3) * 10
    decoded = np.asarray(pil.open(io.BytesIO(sp.encode_png(img))))
    np.testing.assert_array_equal(decoded, img)


def test_png_encoder_rejects_bad_shape():
    with pytest.raises(ValueError, match=r"encode_png needs .* got \(2, 2, 5\)"):
        sp.encode_png(np.zeros((2, 2, 5), np.uint8))


def test_float_images_are_rescaled_like_tf():
    nonneg = np.array([0.0, 0.25, 0.5], np.float32).reshape(1, 3, 1)
    np.testing.assert_array_equal(sp.to_uint8_image(nonneg).ravel(), [0, 127, 255])
    signed = np.array([-1.0, 0.0, 0.5], np.float32).reshape(1, 3, 1)
    # 0 -> 128, largest magnitude 1 -> 127 steps: -1 -> 1, 0.5 -> 191.5 truncated
    np.testing.assert_array_equal(sp.to_uint8_image(signed).ravel(), [1, 128, 191])
    bad = np.array([[[0.0, 0.0, 0.0], [np.nan, 1.0, 1.0]]], np.float32)
    np.testing.assert_array_equal(sp.to_uint8_image(bad), [[[0, 0, 0], [255, 0, 0]]])
    u8 = np.array([[[3]]], np.uint8)
    assert sp.to_uint8_image(u8) is u8


def test_image_summary_tags_sizes_and_pixels():
    batch = np.zeros((4, 2, 3, 3), np.uint8)
    batch[1, 0, 0] = [9, 8, 7]
    s = parse(sp.image_summary("imgs", batch, max_outputs=3))
    assert [v.tag for v in s.value] == ["imgs/image/0", "imgs/image/1", "imgs/image/2"]
    img = s.value[1].image
    assert (img.height, img.width, img.colorspace) == (2, 3, 3)
    _, px = decode_png(img.encoded_image_string)
    assert px[0, 0].tolist() == [9, 8, 7] and px.sum() == 24
    one = parse(sp.image_summary("imgs", batch, max_outputs=1))
    assert [v.tag for v in one.value] == ["imgs/image"]


def test_image_summary_rejects_bad_inputs():
    with pytest.raises(ValueError, match=r"4-D with last dim 1, 3, or 4, not \[2, 2, 2\]"):
        sp.image_summary("x", np.zeros((2, 2, 2), np.uint8))
    with pytest.raises(ValueError, match=r"not \[1, 2, 2, 2\] \(image summary 'x'\)"):
        sp.image_summary("x", np.zeros((1, 2, 2, 2), np.uint8))
    with pytest.raises(TypeError, match="needs uint8 or float images, got int32"):
        sp.image_summary("x", np.zeros((1, 2, 2, 1), np.int32))


# -- audio --------------------------------------------------------------------------------
def test_wav_encoding_matches_tf_rounding():
    clip = np.array([[0.0], [0.5], [-1.0], [1.0], [2.0], [1e-5]], np.float32)
    with wave.open(io.BytesIO(sp.encode_wav(clip, 8000))) as w:
        assert (w.getnchannels(), w.getframerate(), w.getsampwidth()) == (1, 8000, 2)
        frames = np.frombuffer(w.readframes(w.getnframes()), "<i2")
    assert frames.tolist() == [0, 16384, -32768, 32767, 32767, 0]


def test_audio_summary_tags_and_fields():
    batch = np.zeros((2, 50, 2), np.float32)
    s = parse(sp.audio_summary("snd", batch, 16000.0, max_outputs=3))
    assert [v.tag for v in s.value] == ["snd/audio/0", "snd/audio/1"]
    a = s.value[0].audio
    assert (a.sample_rate, a.num_channels, a.length_frames, a.content_type) == \
        (16000.0, 2, 50, "audio/wav")
    mono = parse(sp.audio_summary("snd", np.zeros((3, 10), np.float32), 100, max_outputs=1))
    assert [v.tag for v in mono.value] == ["snd/audio"]
    assert mono.value[0].audio.num_channels == 1


def test_audio_summary_rejects_bad_inputs():
    with pytest.raises(ValueError, match=r"3-D or 2-D, got: \[5\]"):
        sp.audio_summary("a", np.zeros(5, np.float32), 10)
    with pytest.raises(ValueError, match="sample_rate must be > 0, got 0.0"):
        sp.audio_summary("a", np.zeros((1, 5), np.float32), 0)
    with pytest.raises(TypeError, match="needs float samples, got int32"):
        sp.audio_summary("a", np.zeros((1, 5), np.int32), 10)


# -- text and merging ---------------------------------------------------------------------
def test_text_summary_is_a_string_tensor_for_the_text_plugin():
    v = parse(sp.text_summary("notes", np.array([["a", b"b"], ["c", "\u00e9"]], object))).value[0]
    assert v.tag == "notes" and v.metadata.plugin_data.plugin_name == "text"
    assert v.tensor.dtype == 7
    assert [d.size for d in v.tensor.tensor_shape.dim] == [2, 2]
    assert list(v.tensor.string_val) == [b"a", b"b", b"c", "\u00e9".encode()]
    with pytest.raises(TypeError, match=r"Text summary 't' needs strings, got 3"):
        sp.text_summary("t", [3])


def test_merge_concatenates_and_rejects_duplicate_tags():
    a, b = sp.scalar_summary("a", 1.0), sp.scalar_summary("b", 2.0)
    merged = parse(sp.merge_summaries([a, b]))
    assert [(v.tag, v.simple_value) for v in merged.value] == [("a", 1.0), ("b", 2.0)]
    with pytest.raises(ValueError, match="Duplicate tag a found in summary inputs"):
        sp.merge_summaries([a, b, a])
    with pytest.raises(ValueError, match="Could not parse summary input 0"):
        sp.merge_summaries([b"\xff\xff\xff"])


def test_as_serialized_flattens_arrays_and_rejects_other_types():
    arr = np.empty((2,), object)
    arr[0], arr[1] = b"x", b"y"
    assert sp.as_serialized(arr) == [b"x", b"y"]
    assert sp.as_serialized(b"z") == [b"z"]
    with pytest.raises(TypeError, match="Expected a serialized Summary \\(bytes\\), got int"):
        sp.as_serialized(5)
