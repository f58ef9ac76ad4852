"""Pure functions turning NumPy values into serialized ``Summary`` protocol buffers.

Each ``*_summary`` function takes a tag and NumPy data and returns the bytes of a
``Summary`` (tensorboardX's proto classes, which TensorBoard reads). Serialized summaries
merge by byte concatenation, which is what :func:`merge_summaries` does after checking for
duplicate tags. Images are encoded as PNG and audio as 16-bit WAV by small encoders in
this module, so neither Pillow nor soundfile is needed.

tensorboardX is imported on first use only: importing it costs a quarter of a second.

Example:
    >>> from tensorboardX.proto.summary_pb2 import Summary
    >>> Summary.FromString(scalar_summary("loss", np.float32(0.5))).value[0].simple_value
    0.5
"""

from __future__ import annotations

import functools
import logging
import re
import struct
import types
import zlib
from typing import Any

import numpy as np

_LOG = logging.getLogger("trainkit")
_INVALID_TAG_CHARS = re.compile(r"[^-/\w.]")
_BAD_COLOR = np.array([255, 0, 0, 255], dtype=np.uint8)  # TF's default for non-finite pixels
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_COLOR_TYPE = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> gray, gray+alpha, RGB, RGBA
_IMAGE_DTYPES = ("uint8", "float16", "float32", "float64")


@functools.cache
def pb() -> types.SimpleNamespace:
    """The tensorboardX proto classes, imported on first use."""
    from tensorboardX.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2

    return types.SimpleNamespace(
        Summary=summary_pb2.Summary, SummaryMetadata=summary_pb2.SummaryMetadata,
        HistogramProto=summary_pb2.HistogramProto, TensorProto=tensor_pb2.TensorProto,
        TensorShapeProto=tensor_shape_pb2.TensorShapeProto, Event=event_pb2.Event,
        SessionLog=event_pb2.SessionLog, TaggedRunMetadata=event_pb2.TaggedRunMetadata)


def clean_tag(name: str) -> str:
    """Makes ``name`` a valid summary tag, as TF does.

    Characters outside ``[-/\\w.]`` become ``_`` and leading slashes are dropped; a change
    is logged at INFO level.

    Example:
        >>> clean_tag("/loss (train)")
        'loss__train_'
    """
    if not name:
        return name
    new = _INVALID_TAG_CHARS.sub("_", name).lstrip("/")
    if new != name:
        _LOG.info("Summary name %s is illegal; using %s instead.", name, new)
    return new


# -- scalar ---------------------------------------------------------------------------
def scalar_summary(tag: str, value: Any) -> bytes:
    """A ``Summary`` with one ``simple_value``.

    Raises:
        ValueError: if ``value`` is not a scalar (TF: "tags and values are not the same
            shape").
        TypeError: if ``value`` is not a real number.
    """
    arr = np.asarray(value)
    if arr.shape != ():
        raise ValueError(f"tags and values are not the same shape: [] != "
                         f"{list(arr.shape)} (tag '{tag}')")
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"Scalar summary '{tag}' needs a real number, got dtype {arr.dtype}.")
    p = pb()
    return p.Summary(value=[p.Summary.Value(tag=tag, simple_value=float(arr))]
                     ).SerializeToString()


# -- histogram ------------------------------------------------------------------------
@functools.cache
def default_bucket_limits() -> np.ndarray:
    """TF's default histogram bucket edges.

    Exponential edges ``1e-12 * 1.1**k`` below ``1e20``, mirrored to the negative side,
    with 0 in the middle and +-DBL_MAX at the ends so every finite value lands in a
    bucket.
    """
    pos = []
    v = 1e-12
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    big = np.finfo(np.float64).max
    neg = [-x for x in reversed(pos)]
    return np.array([-big] + neg + [0.0] + pos + [big], dtype=np.float64)


def histogram_summary(tag: str, values: Any) -> bytes:
    """A ``Summary`` with a ``HistogramProto`` over TF's default exponential buckets.

    Encoded as TF's ``Histogram::EncodeToProto`` does: every run of empty buckets is
    collapsed into one bucket carrying the run's last limit, so the list starts with the
    empty run below the data and ends with the empty run up to ``DBL_MAX`` (when the data
    do not reach that last bucket). An empty input gives TF's cleared histogram:
    ``num=0``, ``min=DBL_MAX``, ``max=-DBL_MAX`` and the single empty bucket ``DBL_MAX``.

    Raises:
        ValueError: if a value is NaN or infinite (TF: "Nan in summary histogram for").
        TypeError: if the values are not real numbers.
    """
    arr = np.asarray(values)
    if arr.dtype.kind not in "iufb":
        raise TypeError(f"Histogram summary '{tag}' needs real numbers, got dtype {arr.dtype}.")
    arr = arr.astype(np.float64).reshape(-1)
    p = pb()
    big = float(np.finfo(np.float64).max)
    if arr.size == 0:
        histo = p.HistogramProto(min=big, max=-big, num=0, sum=0.0, sum_squares=0.0,
                                 bucket_limit=[big], bucket=[0.0])
    else:
        if not np.isfinite(arr).all():
            raise ValueError(f"Nan in summary histogram for: {tag}")
        from tensorboardX.summary import make_histogram

        histo = make_histogram(arr, default_bucket_limits())
        _collapse_empty_buckets(histo)
        if histo.bucket_limit[-1] < big:  # the empty run above the data, up to DBL_MAX
            histo.bucket_limit.append(big)
            histo.bucket.append(0.0)
    return p.Summary(value=[p.Summary.Value(tag=tag, histo=histo)]).SerializeToString()


def _collapse_empty_buckets(histo: Any) -> None:
    """Merges each run of empty buckets into one (keeping the run's last limit), as TF
    encodes histograms; bucket ``i`` covers ``(limit[i-1], limit[i]]``, so no information
    is lost."""
    limits, counts = list(histo.bucket_limit), list(histo.bucket)
    new_limits, new_counts = [], []
    for lim, cnt in zip(limits, counts):
        if cnt == 0 and new_counts and new_counts[-1] == 0:
            new_limits[-1] = lim
        else:
            new_limits.append(lim)
            new_counts.append(cnt)
    del histo.bucket_limit[:]
    del histo.bucket[:]
    histo.bucket_limit.extend(new_limits)
    histo.bucket.extend(new_counts)


# -- image ----------------------------------------------------------------------------
def encode_png(image: np.ndarray) -> bytes:
    """Encodes a ``[height, width, channels]`` uint8 array (1 to 4 channels) as PNG.

    Example:
        >>> encode_png(np.zeros((2, 3, 1), np.uint8))[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
        True
    """
    img = np.ascontiguousarray(image, dtype=np.uint8)
    if img.ndim != 3 or img.shape[2] not in _PNG_COLOR_TYPE:
        raise ValueError(f"encode_png needs [height, width, 1..4 channels], got {img.shape}.")
    h, w, c = img.shape
    rows = np.zeros((h, 1 + w * c), dtype=np.uint8)  # filter byte 0 ("None") per row
    rows[:, 1:] = img.reshape(h, w * c)
    header = struct.pack(">IIBBBBB", w, h, 8, _PNG_COLOR_TYPE[c], 0, 0, 0)
    return b"".join([_PNG_SIGNATURE, _png_chunk(b"IHDR", header),
                     _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)),
                     _png_chunk(b"IEND", b"")])


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data, zlib.crc32(kind)) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def to_uint8_image(image: np.ndarray) -> np.ndarray:
    """Converts one ``[h, w, c]`` image to uint8 the way TF1's image summary does.

    uint8 is kept. Floats are rescaled per image: if every finite value is >= 0 the
    largest becomes 255; otherwise 0 maps to 128 and the largest magnitude to +-127.
    Pixels with a non-finite channel become red.
    """
    if image.dtype == np.uint8:
        return image
    h, w, c = image.shape
    flat = image.reshape(h * w, c).astype(np.float32)
    finite = np.isfinite(flat).all(axis=1)
    good = flat[finite]
    lo = float(good.min()) if good.size else 0.0
    hi = float(good.max()) if good.size else 0.0
    if lo < 0:
        top = max(abs(lo), abs(hi))
        scale, offset = (0.0 if top < 1e-6 else 127.0 / top), 128.0
    else:
        scale, offset = (0.0 if hi < 1e-6 else 255.0 / hi), 0.0
    out = np.empty((h * w, c), dtype=np.uint8)
    out[finite] = np.clip(good * scale + offset, 0, 255).astype(np.uint8)
    out[~finite] = _BAD_COLOR[:c]
    return out.reshape(h, w, c)


def image_summary(tag: str, images: Any, max_outputs: int = 3) -> bytes:
    """A ``Summary`` with up to ``max_outputs`` PNG images from an NHWC batch.

    Tags follow TF1: ``tag/image/<i>`` when ``max_outputs > 1``, else ``tag/image``.

    Raises:
        ValueError: if the batch is not 4-D with 1, 3 or 4 channels.
        TypeError: for a dtype other than uint8, float16, float32 or float64.
    """
    arr = np.asarray(images)
    if arr.ndim != 4 or arr.shape[3] not in (1, 3, 4):
        raise ValueError(f"Tensor must be 4-D with last dim 1, 3, or 4, not "
                         f"{list(arr.shape)} (image summary '{tag}')")
    if arr.dtype.name not in _IMAGE_DTYPES:
        raise TypeError(f"Image summary '{tag}' needs uint8 or float images, got {arr.dtype}.")
    p = pb()
    values = []
    for i in range(min(arr.shape[0], max_outputs)):
        img = to_uint8_image(arr[i])
        name = f"{tag}/image/{i}" if max_outputs > 1 else f"{tag}/image"
        enc = p.Summary.Image(height=img.shape[0], width=img.shape[1],
                              colorspace=img.shape[2], encoded_image_string=encode_png(img))
        values.append(p.Summary.Value(tag=name, image=enc))
    return p.Summary(value=values).SerializeToString()


# -- audio ----------------------------------------------------------------------------
def encode_wav(samples: np.ndarray, sample_rate: int) -> bytes:
    """Encodes ``[frames, channels]`` floats in [-1, 1] as 16-bit PCM WAV (TF's rounding:
    ``round(x * 32768)`` clamped to the int16 range)."""
    x = np.asarray(samples, dtype=np.float32)
    frames, channels = x.shape
    pcm = np.clip(np.round(x * 32768.0), -32768, 32767).astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHH", 1, channels, sample_rate, sample_rate * channels * 2,
                      channels * 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + \
        b"data" + struct.pack("<I", len(pcm)) + pcm
    return b"RIFF" + struct.pack("<I", len(body)) + body


def audio_summary(tag: str, audio: Any, sample_rate: Any, max_outputs: int = 3) -> bytes:
    """A ``Summary`` with up to ``max_outputs`` WAV clips from ``[batch, frames(,
    channels)]`` floats in [-1, 1].

    Tags follow TF1: ``tag/audio/<i>`` when ``max_outputs > 1``, else ``tag/audio``.

    Raises:
        ValueError: for a wrong rank or a sample rate that is not positive.
    """
    arr = np.asarray(audio)
    if arr.ndim not in (2, 3):
        raise ValueError(f"Tensor must be 3-D or 2-D, got: {list(arr.shape)} "
                         f"(audio summary '{tag}')")
    if arr.dtype.kind != "f":
        raise TypeError(f"Audio summary '{tag}' needs float samples, got {arr.dtype}.")
    rate = float(np.asarray(sample_rate))
    if not rate > 0:
        raise ValueError(f"sample_rate must be > 0, got {rate} (audio summary '{tag}')")
    if arr.ndim == 2:
        arr = arr[:, :, None]
    p = pb()
    values = []
    for i in range(min(arr.shape[0], max_outputs)):
        clip = arr[i]
        enc = p.Summary.Audio(sample_rate=rate, num_channels=clip.shape[1],
                              length_frames=clip.shape[0], content_type="audio/wav",
                              encoded_audio_string=encode_wav(clip, int(rate)))
        name = f"{tag}/audio/{i}" if max_outputs > 1 else f"{tag}/audio"
        values.append(p.Summary.Value(tag=name, audio=enc))
    return p.Summary(value=values).SerializeToString()


# -- tensors and text -------------------------------------------------------------------
_DT_STRING = 7  # TF's DataType enum value of DT_STRING


def tensor_summary(tag: str, value: Any, dtype_enum: int, metadata: bytes = b"",
                   kind: str = "Tensor") -> bytes:
    """A ``Summary`` holding ``value`` whole as a ``TensorProto`` (TF's
    ``TensorSummaryV2``): strings as ``string_val``, numbers and bools as little-endian
    ``tensor_content``, with the serialized ``SummaryMetadata`` ``metadata`` (always
    present, empty when ``metadata`` is ``b""``, as TF writes it).

    Args:
        tag: the summary tag, used as given.
        value: the tensor's value.
        dtype_enum: the tensor's TF ``DataType`` number (1 float32, 7 string, ...).
        metadata: a serialized ``SummaryMetadata``.
        kind: the summary's kind in error messages (``"Text"``, ...).

    Raises:
        TypeError: a string tensor (``dtype_enum`` 7) with an element not ``str``/``bytes``.
    """
    p = pb()
    arr = np.asarray(value, dtype=object) if dtype_enum == _DT_STRING else np.asarray(value)
    shape = p.TensorShapeProto(dim=[p.TensorShapeProto.Dim(size=d) for d in arr.shape])
    if dtype_enum == _DT_STRING:
        flat = []
        for v in arr.reshape(-1):
            if isinstance(v, str):
                v = v.encode("utf-8")
            elif isinstance(v, np.bytes_):
                v = bytes(v)
            elif not isinstance(v, bytes):
                raise TypeError(f"{kind} summary '{tag}' needs strings, got {v!r}.")
            flat.append(v)
        tensor = p.TensorProto(dtype=dtype_enum, tensor_shape=shape, string_val=flat)
    else:
        raw = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
        tensor = p.TensorProto(dtype=dtype_enum, tensor_shape=shape, tensor_content=raw)
    meta = p.SummaryMetadata.FromString(metadata)
    return p.Summary(value=[p.Summary.Value(tag=tag, metadata=meta, tensor=tensor)]
                     ).SerializeToString()


def text_metadata() -> bytes:
    """The serialized ``SummaryMetadata`` of the Text dashboard's plugin."""
    p = pb()
    return p.SummaryMetadata(plugin_data=p.SummaryMetadata.PluginData(plugin_name="text")
                             ).SerializeToString()


def text_summary(tag: str, text: Any) -> bytes:
    """A ``Summary`` holding a string tensor of any shape for the Text dashboard.

    The tag is used as given (TF1). Differs from tensorboardX: no ``/text_summary`` is
    appended.

    Raises:
        TypeError: if an element is not ``str`` or ``bytes``.
    """
    return tensor_summary(tag, text, _DT_STRING, text_metadata(), kind="Text")


# -- merging --------------------------------------------------------------------------
def merge_summaries(serialized: list[bytes]) -> bytes:
    """Concatenates serialized summaries (a valid protobuf merge of their values).

    Raises:
        ValueError: if two inputs hold the same tag (TF: "Duplicate tag ... found in
            summary inputs") or an input is not a serialized Summary.
    """
    p = pb()
    seen: set[str] = set()
    for i, s in enumerate(serialized):
        try:
            parsed = p.Summary.FromString(s)
        except Exception as e:  # protobuf's DecodeError has no stable import path
            raise ValueError(f"Could not parse summary input {i} as a Summary proto: "
                             f"{e}") from None
        for v in parsed.value:
            if v.tag in seen:
                raise ValueError(f"Duplicate tag {v.tag} found in summary inputs")
            seen.add(v.tag)
    return b"".join(serialized)


def as_serialized(value: Any) -> list[bytes]:
    """The serialized summaries in a kernel input: bytes, or an array/list of bytes.

    Raises:
        TypeError: for anything else.
    """
    if isinstance(value, bytes):
        return [value]
    if isinstance(value, np.ndarray | np.generic | list | tuple):
        out = []
        for v in np.asarray(value, dtype=object).reshape(-1):
            out.extend(as_serialized(v))
        return out
    raise TypeError(f"Expected a serialized Summary (bytes), got {type(value).__name__}.")


__all__ = [
    "pb", "clean_tag", "scalar_summary", "default_bucket_limits", "histogram_summary",
    "encode_png", "to_uint8_image", "image_summary", "encode_wav", "audio_summary",
    "tensor_summary", "text_metadata", "text_summary", "merge_summaries", "as_serialized",
]
