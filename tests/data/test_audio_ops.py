"""tf.audio.decode_wav / encode_wav against TF 2.21 (the values below were printed by
TF 2.21.0's tf.audio on the same inputs), a NumPy reference of the PCM arithmetic, and
TF's errors for bad files and arguments."""

from __future__ import annotations

import struct

import numpy as np
import pytest

import trainkit as tk

X = np.array([[1.0, -1.0], [0.5, -0.5], [2.0, -2.0], [0.00001526, -0.0000153],
              [1 / 65536, 3 / 65536], [np.nan, np.inf]], np.float32)
# TF 2.21.0: tf.audio.encode_wav(X, 16000)
TF_HEADER = ("524946463c00000057415645666d74201000000001000200803e000000fa00000400100064"
             "61746118000000")
TF_PCM = [32767, -32768, 16384, -16384, 32767, -32768, 1, -1, 1, 2, 0, 32767]


def _run(fetches, feed=None):
    with tk.Graph().as_default(), tk.Session() as s:
        return s.run(fetches(), feed)


def test_encode_matches_tf_bytes():
    data = _run(lambda: tk.audio.encode_wav(X, 16000))
    assert data[:44].hex() == TF_HEADER and len(data) == 68
    assert np.frombuffer(data[44:], "<i2").tolist() == TF_PCM
    assert len(_run(lambda: tk.audio.encode_wav(np.zeros((0, 2), np.float32), 8000))) == 44


def test_decode_channels_and_samples_as_tf():
    data = _run(lambda: tk.audio.encode_wav(X, 16000))
    audio, rate = _run(lambda: tk.audio.decode_wav(data))
    assert rate == 16000 and audio.dtype == np.float32
    np.testing.assert_array_equal(audio, np.array(TF_PCM, np.float32).reshape(6, 2) / 32768)
    # TF 2.21: 3 channels repeat the last one; samples past the end are 0
    audio, _ = _run(lambda: tk.audio.decode_wav(data, desired_channels=3, desired_samples=8))
    assert audio.shape == (8, 3)
    np.testing.assert_array_equal(audio[:6, 2], audio[:6, 1])
    assert not audio[6:].any()
    audio, _ = _run(lambda: tk.audio.decode_wav(data, desired_channels=1, desired_samples=2))
    assert audio.tolist() == [[0.999969482421875], [0.5]]
    with tk.Graph().as_default():
        p = tk.placeholder(tk.string)
        a, r = tk.audio.decode_wav(p, desired_channels=2)
        assert a.shape.as_list() == [None, 2] and r.shape.as_list() == []
        assert tk.audio.decode_wav(p, desired_samples=5).audio.shape.as_list() == [5, None]


def test_round_trip_against_numpy():
    x = np.random.RandomState(0).uniform(-1.2, 1.2, size=(50, 3)).astype(np.float32)
    audio, rate = _run(lambda: tk.audio.decode_wav(tk.audio.encode_wav(x, 22050)))
    v = x.astype(np.float64) * 32768
    want = np.clip(np.sign(v) * np.floor(np.abs(v) + 0.5), -32768, 32767) / 32768
    assert rate == 22050
    np.testing.assert_array_equal(audio, want.astype(np.float32))


def _wav(bits=16, fmt_size=16, extra=b"", channels=1, data=struct.pack("<hh", 100, -200)):
    block = channels * bits // 8
    return (b"RIFF" + struct.pack("<I", 0) + b"WAVE" + extra + b"fmt "
            + struct.pack("<IHHIIHH", fmt_size, 1, channels, 8000, 8000 * block, block, bits)
            + (b"\0\0" if fmt_size == 18 else b"") + b"data" + struct.pack("<I", len(data))
            + data)


@pytest.mark.parametrize("data, message", [
    (b"", "Data too short when trying to read string"),
    (b"RIFX" + _wav()[4:], "Header mismatch: Expected RIFF but found RIFX"),
    (_wav(bits=8, data=b"\0\1"), "Can only read 16-bit WAV files, but received 8"),
    (_wav(fmt_size=20), "Bad format chunk size for WAV: Expected 16 or 18, but got20"),
    (_wav(extra=b"LIST" + struct.pack("<I", 0)), "Unexpected field LIST"),
    (_wav() + b"data" + struct.pack("<I", 0), "More than one data chunk found in WAV"),
    (_wav()[:36], "No data chunk found in WAV"),
    (_wav()[:-2], "Data too short when trying to read string"),
])
def test_bad_files_are_tfs_errors(data, message):
    with pytest.raises(tk.errors.InvalidArgumentError, match=message):
        _run(lambda: tk.audio.decode_wav(data))


def test_skipped_chunks_and_bad_arguments():
    audio, _ = _run(lambda: tk.audio.decode_wav(
        _wav(extra=b"JUNK" + struct.pack("<I", 2) + b"xx", fmt_size=18)))
    assert audio.ravel().tolist() == [100 / 32768, -200 / 32768]
    with pytest.raises(tk.errors.InvalidArgumentError, match=r"sample_rate must be in \(0, "
                                                             r"2\^32\), got: 18446744073709551611"):
        _run(lambda: tk.audio.encode_wav(np.zeros((3, 1), np.float32), -5))
    with pytest.raises(tk.errors.InvalidArgumentError, match="num_channels must be in"):
        _run(lambda: tk.audio.encode_wav(np.zeros((3, 0), np.float32), 5))
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match=r"audio must be \[frames, channels\]"):
            tk.audio.encode_wav(np.zeros(3, np.float32), 8000)
        with pytest.raises(ValueError, match="desired_channels must be -1"):
            tk.audio.decode_wav(b"", desired_channels=-2)
        with pytest.raises(TypeError, match="contents must be a string tensor"):
            tk.audio.decode_wav(3.0)
        p = tk.placeholder(tk.string)
        with tk.Session() as s, pytest.raises(tk.errors.InvalidArgumentError,
                                              match=r"contents must be scalar, got shape \[2\]"):
            s.run(tk.audio.decode_wav(p), {p: [b"a", b"b"]})
