"""16-bit PCM WAV files, read and written as TF's ``wav_io`` does (the codec behind
``tf.audio.decode_wav`` / ``encode_wav``): samples are ``int16 / 32768`` as float32, and a
float sample is written as ``round(x * 32768)`` clamped to the int16 range (NaN as 0).

Errors are ``ValueError`` with TF's messages; the ops turn them into
``InvalidArgumentError``.

Example:
    >>> data = encode(np.zeros((3, 2), np.float32), 16000)
    >>> samples, rate = decode(data)     # float32 [frames, channels], 16000
"""

from __future__ import annotations

import struct

import numpy as np

#: chunks TF skips between "WAVE" and "fmt "
_SKIPPED_BEFORE_FORMAT = {b"JUNK", b"bext", b"iXML", b"qlty", b"mext", b"levl", b"link",
                          b"axml"}
_INT32_MAX = 2**31 - 1


class _Reader:
    """TF's offset arithmetic: reading past the end is "Data too short"."""

    def __init__(self, data: bytes):
        self.data = data
        self.offset = 0

    def take(self, n: int) -> bytes:
        if self.offset + n > len(self.data):
            raise ValueError("Data too short when trying to read string")
        out = self.data[self.offset:self.offset + n]
        self.offset += n
        return out

    def expect(self, text: bytes) -> None:
        found = self.take(len(text))
        if found != text:
            raise ValueError(f"Header mismatch: Expected {text.decode()} but found "
                             f"{found.decode('latin-1')}")

    def u16(self) -> int:
        return struct.unpack("<H", self.take(2))[0]

    def u32(self) -> int:
        return struct.unpack("<I", self.take(4))[0]


def _read_format(r: _Reader) -> tuple[int, int, int]:
    """``(channels, sample_rate, bytes_per_frame)`` from the format chunk."""
    chunk_id = r.take(4)
    while chunk_id != b"fmt ":
        if chunk_id not in _SKIPPED_BEFORE_FORMAT:
            raise ValueError(f"Unexpected field {chunk_id.decode('latin-1')}")
        r.take(r.u32())
        chunk_id = r.take(4)
    size = r.u32()
    if size not in (16, 18):
        raise ValueError(f"Bad format chunk size for WAV: Expected 16 or 18, but got{size}")
    audio_format = r.u16()
    if audio_format != 1:
        raise ValueError(f"Bad audio format for WAV: Expected 1 (PCM), but got{audio_format}")
    channels = r.u16()
    if channels < 1:
        raise ValueError(f"Bad number of channels for WAV: Expected at least 1, but got "
                         f"{channels}")
    rate, bytes_per_second, bytes_per_frame, bits = r.u32(), r.u32(), r.u16(), r.u16()
    if bits != 16:
        raise ValueError(f"Can only read 16-bit WAV files, but received {bits}")
    if bytes_per_frame != (bits * channels + 7) // 8:
        raise ValueError(f"Bad bytes per sample in WAV header: Expected "
                         f"{(bits * channels + 7) // 8} but got {bytes_per_frame}")
    if bytes_per_second != bytes_per_frame * rate:
        raise ValueError(f"Bad bytes per second in WAV header: Expected "
                         f"{bytes_per_frame * rate} but got {bytes_per_second} "
                         f"(sample_rate={rate}, bytes_per_sample={bytes_per_frame})")
    if size == 18:
        r.offset += 2
    return channels, rate, bytes_per_frame


def decode(data: bytes) -> tuple[np.ndarray, int]:
    """``(samples float32 [frames, channels], sample_rate)`` of a 16-bit PCM WAV file.

    Raises:
        ValueError: a header TF rejects, or data shorter than the header says.
    """
    r = _Reader(bytes(data))
    r.expect(b"RIFF")
    r.u32()
    r.expect(b"WAVE")
    channels, rate, bytes_per_frame = _read_format(r)
    samples = None
    while r.offset < len(r.data):
        chunk_id, size = r.take(4), r.u32()
        if size > _INT32_MAX:
            raise ValueError(f"WAV data chunk '{chunk_id.decode('latin-1')}' is too large: "
                             f"{size} bytes, but the limit is {_INT32_MAX}")
        if chunk_id == b"data":
            if samples is not None:
                raise ValueError("More than one data chunk found in WAV")
            frames = size // bytes_per_frame
            raw = r.take(2 * frames * channels)
            samples = (np.frombuffer(raw, "<i2").astype(np.float32) * np.float32(1 / 32768)
                       ).reshape(frames, channels)
        else:
            r.offset += size  # as TF: no bounds check and no pad byte
    if samples is None:
        raise ValueError("No data chunk found in WAV")
    return samples, rate


def encode(samples: np.ndarray, sample_rate: int) -> bytes:
    """A 16-bit PCM WAV file of float ``samples [frames, channels]``.

    Raises:
        ValueError: a rate outside ``(0, 2^32)``, no or too many channels, or a file over
            4 GiB (TF's messages).
    """
    frames, channels = samples.shape
    if sample_rate <= 0 or sample_rate >= 2**32:
        raise ValueError(f"sample_rate must be in (0, 2^32), got: {sample_rate % 2**64}")
    if channels == 0 or channels >= 2**16:
        raise ValueError(f"num_channels must be in (0, 2^16), got: {channels}")
    data_size = frames * channels * 2
    if 44 + data_size >= 2**32:
        raise ValueError("Provided channels and frames cannot be encoded as a WAV.")
    # roundf(x * 32768): halves away from zero (exact in float64 for float32 values).
    v = (np.asarray(samples, np.float32) * np.float32(32768)).astype(np.float64)
    with np.errstate(invalid="ignore"):
        rounded = np.sign(v) * np.floor(np.abs(v) + 0.5)
        pcm = np.nan_to_num(np.clip(rounded, -32768, 32767), nan=0.0).astype("<i2")
    header = (b"RIFF" + struct.pack("<I", 36 + data_size) + b"WAVE" + b"fmt "
              + struct.pack("<IHHIIHH", 16, 1, channels, sample_rate,
                            sample_rate * 2 * channels, 2 * channels, 16)
              + b"data" + struct.pack("<I", data_size))
    return header + pcm.tobytes()


__all__ = ["decode", "encode"]
