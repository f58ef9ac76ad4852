"""Summary ops: graph ops whose value is a serialized ``Summary`` (a scalar string tensor),
with ``tf.compat.v1.summary``'s names, tags and collections.

The tag of a summary is its op name: the name scope made unique in the graph (case
insensitively), so ``scalar('const', c)`` next to an op ``Const`` is tagged ``const_1``.
With ``family``, the op is named ``family/name`` and the tag is ``family/family/name``,
as in TF1. Each op is added to ``GraphKeys.SUMMARIES`` (or to ``collections``), and
:func:`merge_all` merges that collection.

Example:
    >>> import trainkit as tk
    >>> with tk.Graph().as_default():
    ...     s = scalar("loss", tk.constant(0.5))
    >>> s.op.name, s.dtype
    ('loss', tk.string)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import (
    constant_op,  # noqa: F401  (installs the constant factory)
    registry,
)
from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.conversion import convert_to_tensor
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.tensor import Tensor
from trainkit.summary import summary_proto as sp

_REAL = (_dt.float16, _dt.float32, _dt.float64, _dt.int8, _dt.int16, _dt.int32, _dt.int64,
         _dt.uint8, _dt.uint16)
_IMAGE = (_dt.uint8, _dt.float16, _dt.float32, _dt.float64)


def _string_scalar(data: bytes) -> np.ndarray:
    out = np.empty((), dtype=object)
    out[()] = data
    return out


def _kernel(fn: Callable[..., bytes]) -> Callable[..., np.ndarray]:
    """Wraps a pure summary builder as a kernel raising ``InvalidArgumentError``."""

    def kernel(ctx: registry.KernelContext, *inputs: Any) -> np.ndarray:
        if ctx.attrs.get("_tag_input"):  # TF's tag operand; the attr holds the same tag
            inputs = inputs[1:]
        try:
            return _string_scalar(fn(ctx.attrs, *inputs))
        except (ValueError, TypeError) as e:
            raise errors.InvalidArgumentError(None, None, str(e)) from None

    kernel.__name__ = fn.__name__
    return kernel


registry.register_kernel("ScalarSummary", shape_fn=lambda op: [[]])(
    _kernel(lambda a, v: sp.scalar_summary(a["tag"], v)))
registry.register_kernel("HistogramSummary", shape_fn=lambda op: [[]])(
    _kernel(lambda a, v: sp.histogram_summary(a["tag"], v)))
registry.register_kernel("ImageSummary", shape_fn=lambda op: [[]])(
    _kernel(lambda a, v: sp.image_summary(a["tag"], v, a["max_images"])))
registry.register_kernel("AudioSummaryV2", shape_fn=lambda op: [[]])(
    _kernel(lambda a, v, rate: sp.audio_summary(a["tag"], v, rate, a["max_outputs"])))
registry.register_kernel("MergeSummary", shape_fn=lambda op: [[]])(
    _kernel(lambda a, *vs: sp.merge_summaries([s for v in vs for s in sp.as_serialized(v)])))


@registry.register_kernel("TensorSummaryV2", shape_fn=lambda op: [[]])
def _tensor_summary(ctx: registry.KernelContext, tag: Any, value: Any, metadata: Any
                    ) -> np.ndarray:
    """TF's ``TensorSummaryV2``: ``(tag, tensor, serialized SummaryMetadata)``."""
    meta = metadata if isinstance(metadata, bytes) else np.asarray(metadata, object).item()
    try:
        return _string_scalar(sp.tensor_summary(
            ctx.attrs["tag"], value, ctx.op.inputs[1].dtype.as_datatype_enum, meta))
    except (ValueError, TypeError) as e:
        raise errors.InvalidArgumentError(None, None, str(e)) from None


registry.not_differentiable("ScalarSummary", "HistogramSummary", "ImageSummary",
                            "AudioSummaryV2", "TensorSummaryV2", "MergeSummary")


def _check_name(name: Any, what: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"summary.{what} name must be a str, got {name!r}.")
    if not name:
        raise ValueError(f"summary.{what} needs a non-empty name.")
    return name


def _check_dtype(t: Tensor, allowed: tuple, what: str, name: str) -> None:
    if t.dtype not in allowed:
        raise TypeError(f"summary.{what} '{name}': tensor {t.name} has dtype {t.dtype.name}, "
                        f"expected one of {[d.name for d in allowed]}.")


def _check_rank(t: Tensor, ranks: tuple, what: str, name: str) -> None:
    r = t.shape.ndims
    if r is not None and r not in ranks:
        raise ValueError(f"summary.{what} '{name}': tensor {t.name} must have rank "
                         f"{' or '.join(map(str, ranks))}, got shape {t.shape}.")


def _collect(t: Tensor, collections: Any, default: list[str]) -> None:
    keys = default if collections is None else collections
    if isinstance(keys, str):
        keys = [keys]
    for k in keys:
        t.graph.add_to_collection(k, t)


def _summary_op(op_type: str, what: str, name: Any, tensor: Any, family: Any,
                collections: Any, check: Callable[[Tensor, str], None],
                attrs: dict | None = None, extra: Callable[[], list] | None = None) -> Tensor:
    """Builds one summary op in a unique name scope and returns its output."""
    name = sp.clean_tag(_check_name(name, what))
    if family is not None:
        family = sp.clean_tag(_check_name(family, what))
    g = tensor.graph if isinstance(tensor, Tensor) else get_default_graph()
    base = name if family is None else f"{family}/{name}"
    with g.as_default(), g.name_scope(base) as scope:
        tag = scope.rstrip("/") if family is None else f"{family}/{scope.rstrip('/')}"
        # TF's first operand: the tag as a string Const (``loss/tags``, ``w/tag``)
        scalar_op = op_type == "ScalarSummary"
        tag_t = constant(tag, name="tags" if scalar_op else "tag")
        values = op_type in ("ScalarSummary", "HistogramSummary")
        t = convert_to_tensor(tensor, name="values" if values else "tensor")
        check(t, name)
        inputs = [tag_t, t] + (extra() if extra else [])
        op = g.create_op(op_type, inputs, [_dt.string], name=scope,
                         attrs={"tag": tag, "_tag_input": True, **(attrs or {})},
                         shapes=[[]])
    out = op.outputs[0]
    _collect(out, collections, [GraphKeys.SUMMARIES])
    return out


def scalar(name: str, tensor: Any, collections: Iterable[str] | None = None,
           family: str | None = None) -> Tensor:
    """A summary of one real number (``simple_value``), for the Scalars dashboard.

    Args:
        name: the op name; the uniquified scope becomes the tag.
        tensor: a real-valued scalar tensor (or value).
        collections: collection keys to add the op to (default ``[SUMMARIES]``).
        family: optional prefix shown as the dashboard group.

    Raises:
        TypeError: if the dtype is not real numeric, or ``name`` is not a str.
        ValueError: if the static shape is not a scalar (Differs from TF: TF1 fails
            only when the op runs).
    """

    def check(t: Tensor, n: str) -> None:
        _check_dtype(t, _REAL, "scalar", n)
        _check_rank(t, (0,), "scalar", n)

    return _summary_op("ScalarSummary", "scalar", name, tensor, family, collections, check)


def histogram(name: str, values: Any, collections: Iterable[str] | None = None,
              family: str | None = None) -> Tensor:
    """A histogram summary of ``values`` (any shape) over TF's exponential buckets.

    Raises:
        TypeError: if the dtype is not real numeric.
        InvalidArgumentError: when run, if a value is NaN or infinite.
    """
    return _summary_op("HistogramSummary", "histogram", name, values, family, collections,
                       lambda t, n: _check_dtype(t, _REAL, "histogram", n))


def _check_max(max_outputs: Any, what: str) -> int:
    if isinstance(max_outputs, bool) or not isinstance(max_outputs, int | np.integer) \
            or max_outputs < 1:
        raise ValueError(f"summary.{what} max_outputs must be an int >= 1, got "
                         f"{max_outputs!r}.")
    return int(max_outputs)


def image(name: str, tensor: Any, max_outputs: int = 3,
          collections: Iterable[str] | None = None, family: str | None = None) -> Tensor:
    """A summary of up to ``max_outputs`` images from a ``[batch, height, width,
    channels]`` tensor (1, 3 or 4 channels), encoded as PNG.

    uint8 images are used as they are; float images are rescaled per image (all >= 0:
    the largest value becomes 255; otherwise 0 maps to 128). Tags are
    ``<tag>/image/<i>`` when ``max_outputs > 1``, else ``<tag>/image``.

    Raises:
        TypeError: for dtypes other than uint8, float16, float32, float64.
        ValueError: for a static shape that is not 4-D with 1, 3 or 4 channels, or a
            bad ``max_outputs``.
    """
    max_outputs = _check_max(max_outputs, "image")

    def check(t: Tensor, n: str) -> None:
        _check_dtype(t, _IMAGE, "image", n)
        _check_rank(t, (4,), "image", n)
        if t.shape.ndims == 4 and t.shape.as_list()[3] not in (None, 1, 3, 4):
            raise ValueError(f"summary.image '{n}': tensor {t.name} must have 1, 3 or 4 "
                             f"channels, got shape {t.shape}.")

    return _summary_op("ImageSummary", "image", name, tensor, family, collections, check,
                       attrs={"max_images": max_outputs})


def audio(name: str, tensor: Any, sample_rate: Any, max_outputs: int = 3,
          collections: Iterable[str] | None = None, family: str | None = None) -> Tensor:
    """A summary of up to ``max_outputs`` clips from ``[batch, frames, channels]`` or
    ``[batch, frames]`` float samples in [-1, 1], encoded as 16-bit WAV.

    Args:
        sample_rate: samples per second (a number or a scalar float tensor).

    Raises:
        TypeError: if the samples are not float32.
        ValueError: for a static rank other than 2 or 3, or a bad ``max_outputs``.
    """
    max_outputs = _check_max(max_outputs, "audio")

    def check(t: Tensor, n: str) -> None:
        _check_dtype(t, (_dt.float32,), "audio", n)
        _check_rank(t, (2, 3), "audio", n)

    return _summary_op("AudioSummaryV2", "audio", name, tensor, family, collections, check,
                       attrs={"max_outputs": max_outputs},
                       extra=lambda: [convert_to_tensor(sample_rate, dtype=_dt.float32,
                                                        name="sample_rate")])


def text(name: str, tensor: Any, collections: Iterable[str] | None = None) -> Tensor:
    """A summary of a string tensor (any shape) for the Text dashboard (markdown).

    The tag is the op name, as in TF1. Differs from tensorboardX: no ``/text_summary``
    suffix.

    Raises:
        ValueError: if the tensor is not of type string (TF1's error).
    """

    def check(t: Tensor, n: str) -> None:
        if t.dtype is not _dt.string:
            raise ValueError(f"Expected tensor {t.name} to have dtype string, got "
                             f"{t.dtype.name}")

    return _summary_op("TensorSummaryV2", "text", name, tensor, None, collections, check,
                       extra=_metadata_input(sp.text_metadata()))


def _metadata_input(serialized: bytes) -> Callable[[], list]:
    """TF's third operand of ``TensorSummaryV2``: the serialized metadata as a Const."""
    return lambda: [constant(serialized, name="serialized_summary_metadata")]


def tensor_summary(name: str, tensor: Any, summary_description: str | None = None,
                   collections: Iterable[str] | None = None, summary_metadata: Any = None,
                   family: str | None = None, display_name: str | None = None) -> Tensor:
    """A summary holding the whole ``tensor`` (any dtype and shape) as a ``TensorProto``
    (``tf.compat.v1.summary.tensor_summary``), read back by TensorBoard's
    ``EventAccumulator.Tensors``.

    Args:
        name: the op name; the uniquified scope becomes the tag.
        tensor: the tensor (or value) to record.
        summary_description: stored as the metadata's ``summary_description``.
        collections: collection keys to add the op to (default ``[SUMMARIES]``).
        summary_metadata: a ``SummaryMetadata`` proto (e.g. with a plugin's data); its
            ``summary_description``/``display_name`` are replaced by the arguments given.
        family: optional prefix shown as the dashboard group.
        display_name: stored as the metadata's ``display_name``.

    Returns:
        A scalar string tensor: the serialized ``Summary``.

    Raises:
        TypeError: a ``name`` that is not a str, or a ``summary_metadata`` that is not a
            protobuf message (TF: ``AttributeError``).
        ValueError: an empty ``name`` (TF makes an op named after its scope).

    Differs from TF: the ``summary_metadata`` passed in is copied, not changed in place.

    Example:
        >>> s = tk.summary.tensor_summary("weights", tk.constant([[1.0, 2.0]]))
    """
    p = sp.pb()
    if summary_metadata is None:
        meta = p.SummaryMetadata()
    elif hasattr(summary_metadata, "SerializeToString"):
        meta = p.SummaryMetadata.FromString(summary_metadata.SerializeToString())
    else:
        raise TypeError(f"summary_metadata must be a SummaryMetadata proto or None, got "
                        f"{type(summary_metadata).__name__}.")
    if summary_description is not None:
        meta.summary_description = summary_description
    if display_name is not None:
        meta.display_name = display_name
    return _summary_op("TensorSummaryV2", "tensor_summary", name, tensor, family,
                       collections, lambda t, n: None,
                       extra=_metadata_input(meta.SerializeToString()))


def merge(inputs: Iterable[Any], collections: Iterable[str] | None = None,
          name: str | None = None) -> Tensor:
    """Merges summaries into one serialized ``Summary`` (op ``Merge/MergeSummary``).

    Raises:
        ValueError: if ``inputs`` is empty; when run, ``InvalidArgumentError`` if two
            inputs share a tag.
        TypeError: if an input is not a string tensor.
    """
    inputs = list(inputs)
    if not inputs:
        raise ValueError("summary.merge needs at least one input summary.")
    g = next((t.graph for t in inputs if isinstance(t, Tensor)), get_default_graph())
    with g.as_default(), g.name_scope(name or "Merge"):
        ts = [convert_to_tensor(t) for t in inputs]
        for i, t in enumerate(ts):
            if t.dtype is not _dt.string:
                raise TypeError(f"summary.merge inputs[{i}] ({t.name}) must be a string "
                                f"tensor of serialized summaries, got {t.dtype.name}.")
        op = g.create_op("MergeSummary", ts, [_dt.string], name=name or "MergeSummary",
                         shapes=[[]])
    out = op.outputs[0]
    _collect(out, collections, [])
    return out


def merge_all(key: str = GraphKeys.SUMMARIES, scope: str | None = None,
              name: str | None = None) -> Tensor | None:
    """Merges every summary in collection ``key`` (filtered by the ``scope`` regex);
    None when there is none."""
    summaries = get_default_graph().get_collection(key, scope=scope)
    if not summaries:
        return None
    return merge(summaries, name=name)


__all__ = ["scalar", "histogram", "image", "audio", "text", "tensor_summary", "merge",
           "merge_all"]
