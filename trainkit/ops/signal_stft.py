"""Short-time Fourier transforms: ``tf.signal.stft``, ``inverse_stft`` and
``inverse_stft_window_fn``, composed as TF composes them:

- ``stft``: ``rfft(frame(signals) * window, [fft_length])``: ``[..., frames,
  fft_length // 2 + 1]`` complex.
- ``inverse_stft``: ``overlap_and_add(irfft(stfts)[..., :frame_length] * window)``
  (frames shorter than ``frame_length`` are zero-padded).
- ``inverse_stft_window_fn(frame_step)``: the window that makes ``inverse_stft`` invert
  ``stft`` with the given forward window: ``w / sum_k w[n + k * frame_step] ** 2``
  (0 where that sum is 0).

Gradients come from the parts (``SignalFrame``, ``Mul``, the Fourier transforms,
``SignalOverlapAdd``). ``fft_length`` defaults to the smallest power of two
``>= frame_length``. ``window_fn(frame_length, dtype=...)`` may be any callable returning
a ``[frame_length]`` tensor, or None for no window.

Differs from TF: ``frame_length``, ``frame_step`` and ``fft_length`` must be known when
the graph is built.

Example:
    >>> spec = tk.signal.stft(audio, frame_length=400, frame_step=160)   # fft 512
    >>> audio2 = tk.signal.inverse_stft(
    ...     spec, 400, 160, window_fn=tk.signal.inverse_stft_window_fn(160))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, fft_ops, math_ops
from trainkit.ops.signal_frames import frame, overlap_and_add, static_int
from trainkit.ops.signal_windows import hann_window

WindowFn = Callable[..., Any]


def _enclosing_power_of_two(n: int) -> int:
    return 1 if n <= 1 else 1 << (n - 1).bit_length()


def _lengths(frame_length: Any, frame_step: Any, fft_length: Any) -> tuple[int, int, int]:
    flen = static_int(frame_length, "frame_length")
    step = static_int(frame_step, "frame_step")
    fft = _enclosing_power_of_two(flen) if fft_length is None else \
        static_int(fft_length, "fft_length")
    return flen, step, fft


def stft(signals: Any, frame_length: Any, frame_step: Any, fft_length: Any = None,
         window_fn: WindowFn | None = hann_window, pad_end: bool = False,
         name: str | None = None) -> Tensor:
    """The STFT of ``[..., samples]`` real signals.

    Args:
        signals: float32 or float64 ``[..., samples]``.
        frame_length: samples per frame.
        frame_step: samples between frame starts.
        fft_length: the FFT size (frames are cropped or zero-padded to it); default the
            smallest power of two ``>= frame_length``.
        window_fn: ``window_fn(frame_length, dtype=...)`` or None (no window).
        pad_end: also transform the frames running past the end (zero-padded).
        name: the name scope.

    Returns:
        complex64/complex128 ``[..., frames, fft_length // 2 + 1]``.

    Raises:
        ValueError: for a scalar signal, bad lengths, or a non-float signal.
    """
    with name_scope(name or "stft", values=[signals]):
        x = conversion.convert_to_tensor(signals, name="signals")
        flen, step, fft = _lengths(frame_length, frame_step, fft_length)
        frames = frame(x, flen, step, pad_end=pad_end)
        if window_fn is not None:
            frames = frames * window_fn(flen, dtype=frames.dtype)
        return fft_ops.rfft(frames, [fft])


def inverse_stft(stfts: Any, frame_length: Any, frame_step: Any, fft_length: Any = None,
                 window_fn: WindowFn | None = hann_window,
                 name: str | None = None) -> Tensor:
    """The signals ``[..., samples]`` whose STFT is ``stfts`` (``[..., frames, bins]``
    complex), by overlap-adding the windowed inverse FFTs of the frames.

    Use ``window_fn=inverse_stft_window_fn(frame_step)`` to invert :func:`stft` with its
    default Hann window.

    Raises:
        ValueError: for ``stfts`` of rank below 2 or not complex, or bad lengths.
    """
    with name_scope(name or "inverse_stft", values=[stfts]):
        s = conversion.convert_to_tensor(stfts, name="stfts")
        if s.shape.ndims is not None and s.shape.ndims < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {s.shape.ndims} "
                             f"for the stfts {s.name} of inverse_stft.")
        flen, step, fft = _lengths(frame_length, frame_step, fft_length)
        frames = fft_ops.irfft(s, [fft])
        if fft > flen:
            frames = frames[..., :flen]
        elif fft < flen:
            pads = [[0, 0]] * (frames.shape.ndims - 1) + [[0, flen - fft]]
            frames = array_ops.pad(frames, pads)
        if window_fn is not None:
            frames = frames * window_fn(flen, dtype=s.dtype.real_dtype)
        return overlap_and_add(frames, step)


def inverse_stft_window_fn(frame_step: Any, forward_window_fn: WindowFn = hann_window,
                           name: str | None = None) -> WindowFn:
    """A ``window_fn`` for :func:`inverse_stft` that inverts an STFT taken with
    ``forward_window_fn`` and ``frame_step``.

    Returns:
        ``fn(frame_length, dtype)``: the forward window divided by the sum of its squares
        over the frames overlapping each sample (0 where that sum is 0).
    """
    def window_fn(frame_length: Any, dtype: Any = _dt.float32) -> Tensor:
        with name_scope(name or "inverse_stft_window_fn"):
            step = static_int(frame_step, "frame_step")
            flen = static_int(frame_length, "frame_length")
            forward = conversion.convert_to_tensor(forward_window_fn(flen, dtype=dtype))
            overlaps = -(-flen // step)
            # the sum over k of w[n + k * step] ** 2, laid out periodically over n
            squares = array_ops.pad(math_ops.square(forward),
                                    [[0, overlaps * step - flen]])
            period = math_ops.reduce_sum(array_ops.reshape(squares, [overlaps, step]), 0)
            denom = array_ops.reshape(array_ops.tile(period[None], [overlaps, 1]),
                                      [overlaps * step])[:flen]
            zero = array_ops.zeros_like(forward)
            safe = math_ops.where(math_ops.equal(denom, zero),
                                  array_ops.ones_like(denom), denom)
            return math_ops.where(math_ops.equal(denom, zero), zero, forward / safe)
    return window_fn


__all__ = ["stft", "inverse_stft", "inverse_stft_window_fn"]
