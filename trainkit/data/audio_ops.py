"""``tf.audio.decode_wav`` / ``encode_wav``: 16-bit PCM WAV files as graph ops (the
codec is ``data/wav_codec.py``). Neither op is differentiable, as in TF.

Example:
    >>> audio, rate = tf.audio.decode_wav(tf.read_file("a.wav"), desired_channels=1)
    >>> data = tf.audio.encode_wav(audio, rate)
"""

from __future__ import annotations

import collections
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.data import wav_codec
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op

#: ``decode_wav``'s result, as TF's ``DecodeWav`` namedtuple.
DecodeWav = collections.namedtuple("DecodeWav", ["audio", "sample_rate"])


def _check_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"decode_wav: {what} must be an int, got {value!r}")
    if value < -1:
        raise ValueError(f"decode_wav: {what} must be -1 (from the file) or >= 0, got "
                         f"{value}")
    return int(value)


def decode_wav(contents: Any, desired_channels: int = -1, desired_samples: int = -1,
               name: str | None = None) -> DecodeWav:
    """``(audio float32 [samples, channels] in [-1, 1), sample_rate int32)`` of a 16-bit
    PCM WAV file; ``desired_channels`` repeats the last channel or drops channels,
    ``desired_samples`` pads with zeros or truncates (-1: as in the file).

    Raises:
        TypeError / ValueError: bad ``desired_*`` or non-string ``contents`` (at build);
        InvalidArgumentError: when run, for data that is not such a WAV file.
    """
    attrs = {"desired_channels": _check_int(desired_channels, "desired_channels"),
             "desired_samples": _check_int(desired_samples, "desired_samples")}
    x = conversion.convert_to_tensor(contents, name="contents")
    if x.dtype != _dt.string:
        raise TypeError(f"decode_wav: contents must be a string tensor, got {x.dtype.name}")
    op = make_op("DecodeWav", [x], [_dt.float32, _dt.int32], name=name or "DecodeWav",
                 attrs=attrs)
    return DecodeWav(op.outputs[0], op.outputs[1])


@registry.register_shape("DecodeWav")
def _decode_shape(op: Any) -> list:
    dims = [op.attrs["desired_samples"], op.attrs["desired_channels"]]
    return [TensorShape([d if d >= 0 else None for d in dims]), TensorShape([])]


@registry.register_kernel("DecodeWav")
def _decode(ctx: registry.KernelContext, contents: Any) -> tuple:
    contents = np.asarray(contents, dtype=object)
    if contents.ndim != 0:
        raise errors.InvalidArgumentError(None, None, f"contents must be scalar, got shape "
                                                      f"{list(contents.shape)}")
    data = contents.item()
    try:
        samples, rate = wav_codec.decode(data if isinstance(data, bytes) else str(data).encode())
    except ValueError as e:
        raise errors.InvalidArgumentError(None, None, str(e)) from None
    frames, channels = samples.shape
    out_frames = frames if ctx.attrs["desired_samples"] < 0 else ctx.attrs["desired_samples"]
    out_channels = channels if ctx.attrs["desired_channels"] < 0 else \
        ctx.attrs["desired_channels"]
    out = np.zeros((out_frames, out_channels), np.float32)
    if out_channels and channels:
        source = np.minimum(np.arange(out_channels), channels - 1)  # repeat the last one
        n = min(frames, out_frames)
        out[:n] = samples[:n][:, source]
    return out, np.int32(rate)


def encode_wav(audio: Any, sample_rate: Any, name: str | None = None) -> Tensor:
    """A 16-bit PCM WAV file (string scalar) of float32 ``audio [frames, channels]``
    (values clamped to [-1, 1)) at ``sample_rate``.

    Raises:
        ValueError: ``audio`` of known rank other than 2 (at build);
        InvalidArgumentError: when run, for a non-scalar or out-of-range rate.
    """
    a = conversion.convert_to_tensor(audio, _dt.float32, name="audio")
    if a.shape.ndims is not None and a.shape.ndims != 2:
        raise ValueError(f"encode_wav: audio must be [frames, channels], got shape {a.shape}")
    rate = conversion.convert_to_tensor(sample_rate, _dt.int32, name="sample_rate")
    return make_op("EncodeWav", [a, rate], [_dt.string], name=name or "EncodeWav",
                   shapes=[[]]).outputs[0]


@registry.register_kernel("EncodeWav")
def _encode(ctx: registry.KernelContext, audio: Any, sample_rate: Any) -> np.ndarray:
    audio = np.asarray(audio, np.float32)
    rate = np.asarray(sample_rate)
    if audio.ndim != 2:
        raise errors.InvalidArgumentError(None, None, f"audio must be 2-dimensional"
                                                      f"{list(audio.shape)}")
    if rate.ndim != 0:
        raise errors.InvalidArgumentError(None, None, f"Input sample_rate should be a scalar "
                                                      f"tensor, got {list(rate.shape)} instead.")
    try:
        data = wav_codec.encode(audio, int(rate))
    except ValueError as e:
        raise errors.InvalidArgumentError(None, None, str(e)) from None
    out = np.empty((), dtype=object)
    out[()] = data
    return out


registry.not_differentiable("DecodeWav", "EncodeWav")

__all__ = ["DecodeWav", "decode_wav", "encode_wav"]
