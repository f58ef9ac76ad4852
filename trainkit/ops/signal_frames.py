"""``tf.signal.frame`` and ``tf.signal.overlap_and_add``: cutting a signal into
overlapping frames and summing frames back into a signal.

The two are each other's adjoints, so each is the other's gradient (the ops
``SignalFrame`` and ``SignalOverlapAdd``; rules in trainkit/autodiff/signal_grad.py):

- ``frame`` turns the samples axis of length ``n`` into ``[num_frames, frame_length]``;
  frame ``f`` holds samples ``f * frame_step ... f * frame_step + frame_length - 1``.
  ``num_frames`` is ``max(0, 1 + (n - frame_length) // frame_step)``, or with
  ``pad_end`` ``ceil(n / frame_step)`` (the missing samples are ``pad_value``), as TF.
- ``overlap_and_add`` sums frames ``[..., frames, frame_length]`` placed ``frame_step``
  apart into ``[..., frame_length + frame_step * (frames - 1)]`` samples.

Differs from TF: ``frame_length``, ``frame_step`` and ``axis`` must be known when the
graph is built (Python ints or constants; a computed tensor is a ``TypeError``).

Example:
    >>> frames = tk.signal.frame(audio, 512, 128)           # [batch, frames, 512]
    >>> back = tk.signal.overlap_and_add(frames, 128)       # [batch, samples]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.elementwise import static_int_list
from trainkit.ops.op_util import make_op


def static_int(value: Any, what: str) -> int:
    """``value`` (a Python int, an integer array or a constant tensor) as one int.

    Raises:
        TypeError: for a computed tensor or a non-integer value.
        ValueError: for a value that is not a scalar.
    """
    if isinstance(value, Tensor) and value.dtype.is_floating or isinstance(value, float):
        raise ValueError(f"{what} must be an integer, got {value!r}.")
    ints = static_int_list(value, what)
    if ints is None or len(ints) != 1 or np.ndim(_value_of(value)) != 0:
        raise ValueError(f"Shape must be rank 0: {what} must be a scalar, got {value!r}.")
    return ints[0]


def _value_of(value: Any) -> Any:
    return value.op.attrs["value"] if isinstance(value, Tensor) else value


def count_frames(n: int, frame_length: int, frame_step: int, pad_end: bool) -> int:
    """The number of frames TF's ``frame`` cuts from ``n`` samples."""
    if pad_end:
        return -(-n // frame_step)
    return max(0, 1 + (n - frame_length) // frame_step)


def _positive(value: int, what: str) -> int:
    if value <= 0:
        raise ValueError(f"{what} must be positive, got {value}.")
    return value


def frame_op(signal: Tensor, frame_length: int, frame_step: int, axis: int,
             pad_value: Tensor, num_frames: Tensor, pad_end: bool,
             name: str) -> Tensor:
    """The ``SignalFrame`` op: ``num_frames`` (int32 scalar; negative: counted as TF does)
    frames of ``signal`` along ``axis`` (non-negative), padded with ``pad_value``."""
    shape = TensorShape(None)
    if signal.shape.ndims is not None:
        dims = signal.shape.as_list()
        count = _static_count(num_frames, dims[axis], frame_length, frame_step, pad_end)
        shape = TensorShape(dims[:axis] + [count, frame_length] + dims[axis + 1:])
    attrs = {"frame_length": frame_length, "frame_step": frame_step, "axis": axis,
             "pad_end": bool(pad_end), "T": signal.dtype}
    return make_op("SignalFrame", [signal, pad_value, num_frames], [signal.dtype], name=name,
                   attrs=attrs, shapes=[shape]).outputs[0]


def _static_count(num_frames: Tensor, n: int | None, frame_length: int, frame_step: int,
                  pad_end: bool) -> int | None:
    if num_frames.op.type == "Const":
        fixed = int(num_frames.op.attrs["value"])
        if fixed >= 0:
            return fixed
    return None if n is None else count_frames(n, frame_length, frame_step, pad_end)


def overlap_add_op(frames: Tensor, frame_step: int, axis: int, length: Tensor | None,
                   name: str) -> Tensor:
    """The ``SignalOverlapAdd`` op: frames ``[..., F, L, ...]`` (``F`` at ``axis``) summed
    ``frame_step`` apart; cut or zero-padded to ``length`` samples when given."""
    shape = TensorShape(None)
    if frames.shape.ndims is not None:
        dims = frames.shape.as_list()
        count, flen = dims[axis], dims[axis + 1]
        n = None
        if length is not None and length.op.type == "Const":
            n = int(length.op.attrs["value"])
        elif length is None and count is not None and flen is not None:
            n = max(0, flen + frame_step * (count - 1))
        shape = TensorShape(dims[:axis] + [n] + dims[axis + 2:])
    inputs = [frames] if length is None else [frames, length]
    return make_op("SignalOverlapAdd", inputs, [frames.dtype], name=name,
                   attrs={"frame_step": frame_step, "axis": axis, "T": frames.dtype},
                   shapes=[shape]).outputs[0]


def frame(signal: Any, frame_length: Any, frame_step: Any, pad_end: bool = False,
          pad_value: Any = 0, axis: Any = -1, name: str | None = None) -> Tensor:
    """Frames of ``frame_length`` samples every ``frame_step`` along ``axis``.

    Args:
        signal: a ``[..., samples, ...]`` tensor of rank >= 1.
        frame_length: the frame length in samples (positive int).
        frame_step: the hop between frame starts in samples (positive int).
        pad_end: also emit the frames that run past the end, filled with ``pad_value``.
        pad_value: the scalar that fills the missing samples (signal's dtype).
        axis: the samples axis (negative counts from the end).
        name: the op name.

    Returns:
        A ``[..., num_frames, frame_length, ...]`` tensor of ``signal``'s dtype.

    Raises:
        ValueError: for a scalar signal, non-scalar or non-positive lengths, or an axis
            out of range.
        TypeError: for lengths or an axis computed at run time.
    """
    x = conversion.convert_to_tensor(signal, name="signal")
    flen = _positive(static_int(frame_length, "frame_length"), "frame_length")
    step = _positive(static_int(frame_step, "frame_step"), "frame_step")
    ax = static_int(axis, "axis")
    rank = x.shape.ndims
    if rank is not None:
        if rank < 1:
            raise ValueError(f"Shape must be at least rank 1 but is rank 0 for the signal "
                             f"{x.name} of frame.")
        if not -rank <= ax < rank:
            raise ValueError(f"frame: axis {ax} is out of range for the signal {x.name} "
                             f"of rank {rank}.")
        ax %= rank
    elif ax < 0:
        raise ValueError("frame: a negative axis needs a signal of known rank.")
    pad = conversion.convert_to_tensor(pad_value, dtype=x.dtype, name="pad_value")
    if pad.shape.ndims not in (None, 0):
        raise ValueError(f"Shape must be rank 0: pad_value must be a scalar, got {pad}.")
    count = conversion.convert_to_tensor(-1, dtype=_dt.int32, name="num_frames")
    return frame_op(x, flen, step, ax, pad, count, pad_end, name or "frame")


def overlap_and_add(signal: Any, frame_step: Any, name: str | None = None) -> Tensor:
    """Sums ``[..., frames, frame_length]`` frames placed ``frame_step`` apart.

    Returns:
        A ``[..., frame_length + frame_step * (frames - 1)]`` tensor.

    Raises:
        ValueError: for a signal of rank below 2, a non-integer, non-scalar or
            non-positive ``frame_step``.
        TypeError: for a ``frame_step`` computed at run time.
    """
    x = conversion.convert_to_tensor(signal, name="signal")
    step = _positive(static_int(frame_step, "frame_step"), "frame_step")
    rank = x.shape.ndims
    if rank is not None and rank < 2:
        raise ValueError(f"Shape must be at least rank 2 but is rank {rank} for the signal "
                         f"{x.name} of overlap_and_add.")
    if rank is None:
        raise ValueError("overlap_and_add needs a signal of known rank.")
    return overlap_add_op(x, step, rank - 2, None, name or "overlap_and_add")


# -- kernels -----------------------------------------------------------------------------
def _resized(x: np.ndarray, axis: int, n: int, fill: Any) -> np.ndarray:
    """``x`` cut or padded with ``fill`` to ``n`` entries along ``axis``."""
    have = x.shape[axis]
    if have >= n:
        return x[(slice(None),) * axis + (slice(0, n),)]
    pad = [(0, 0)] * x.ndim
    pad[axis] = (0, n - have)
    return np.pad(x, pad, constant_values=fill)


@registry.register_kernel("SignalFrame")
def _frame(ctx: registry.KernelContext, x: Any, pad_value: Any, num_frames: Any) -> Any:
    a = ctx.attrs
    x = np.asarray(x)
    axis, flen, step = a["axis"], a["frame_length"], a["frame_step"]
    count = int(num_frames)
    if count < 0:
        count = count_frames(x.shape[axis], flen, step, a["pad_end"])
    out_shape = x.shape[:axis] + (count, flen) + x.shape[axis + 1:]
    if count == 0:
        return np.zeros(out_shape, x.dtype)
    x = _resized(x, axis, flen + step * (count - 1), np.asarray(pad_value).item())
    windows = np.lib.stride_tricks.sliding_window_view(x, flen, axis=axis)
    windows = windows[(slice(None),) * axis + (slice(None, None, step),)]
    return np.ascontiguousarray(np.moveaxis(windows, -1, axis + 1))


@registry.register_kernel("SignalOverlapAdd")
def _overlap_add(ctx: registry.KernelContext, frames: Any, length: Any = None) -> Any:
    a = ctx.attrs
    frames = np.asarray(frames)
    axis, step = a["axis"], a["frame_step"]
    count, flen = frames.shape[axis], frames.shape[axis + 1]
    natural = max(0, flen + step * (count - 1))
    outer, inner = frames.shape[:axis], frames.shape[axis + 2:]
    lead = (slice(None),) * axis
    # in units of gcd(flen, step) samples, frame f's piece k lands at f * hop + k: for
    # each k one strided, non-overlapping add over all frames (or, when there are fewer
    # frames than pieces, one add per frame)
    unit = math.gcd(flen, step)
    pieces, hop = flen // unit, step // unit
    if count and count < pieces:
        unit, pieces, hop = 1, flen, step
        out = np.zeros(outer + (natural,) + inner, frames.dtype)
        for f in range(count):
            out[lead + (slice(f * step, f * step + flen),)] += frames[lead + (f,)]
    else:
        slots = max(-(-natural // unit), (count - 1) * hop + pieces if count else 0)
        out = np.zeros(outer + (slots, unit) + inner, frames.dtype)
        split = frames.reshape(outer + (count, pieces, unit) + inner)
        for k in range(pieces if count else 0):
            out[lead + (slice(k, k + (count - 1) * hop + 1, hop),)] += \
                split[lead + (slice(None), k)]
        out = out.reshape(outer + (slots * unit,) + inner)
    n = natural if length is None else int(length)
    return np.ascontiguousarray(_resized(out, axis, n, 0))


__all__ = ["frame", "overlap_and_add", "frame_op", "overlap_add_op", "count_frames",
           "static_int"]
