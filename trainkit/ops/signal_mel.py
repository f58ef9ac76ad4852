"""The mel scale: ``tf.signal.linear_to_mel_weight_matrix`` and
``tf.signal.mfccs_from_log_mel_spectrograms``.

The weight matrix maps ``num_spectrogram_bins`` linear frequencies (0 to Nyquist, the
bins of an ``rfft``) to ``num_mel_bins`` triangular bands equally spaced on the HTK mel
scale ``mel(f) = 1127 ln(1 + f / 700)`` between ``lower_edge_hertz`` and
``upper_edge_hertz``; as TF (and HTK) the DC bin gets no weight. It is a constant (TF
builds it from constants too), computed in float64 and cast to ``dtype``.

MFCCs are TF's HTK-style DCT-II of the log-mel spectrogram's last axis scaled by
``1 / sqrt(2 N)`` (``N`` mel bins): one product with a constant matrix, so the gradient
is ``MatMul``'s.

Differs from TF: ``sample_rate`` and the edges must be known when the graph is built
(numbers or constants), and so must the mel axis of ``mfccs_from_log_mel_spectrograms``.

Example:
    >>> mel = tk.signal.linear_to_mel_weight_matrix(80, 513, 16000, 80.0, 7600.0)
    >>> log_mel = tk.log(tk.tensordot(magnitudes, mel, 1) + 1e-6)
    >>> mfccs = tk.signal.mfccs_from_log_mel_spectrograms(log_mel)[..., :13]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops.signal_dct import along_last_axis, dct_matrix, last_dim
from trainkit.ops.signal_frames import static_int

_BREAK_HZ = 700.0
_HIGH_Q = 1127.0


def hertz_to_mel(hertz: np.ndarray | float) -> np.ndarray:
    """The HTK mel value of frequencies in hertz."""
    return _HIGH_Q * np.log1p(np.asarray(hertz, np.float64) / _BREAK_HZ)


def _number(value: Any, what: str) -> float:
    if isinstance(value, Tensor):
        if value.op.type != "Const":
            raise TypeError(f"linear_to_mel_weight_matrix: {what} must be known when the "
                            f"graph is built, got the computed tensor {value.name}.")
        value = value.op.attrs["value"]
    return float(np.asarray(value))


def mel_weights(num_mel_bins: int, num_spectrogram_bins: int, sample_rate: float,
                lower_edge_hertz: float, upper_edge_hertz: float) -> np.ndarray:
    """The float64 ``[num_spectrogram_bins, num_mel_bins]`` weight matrix."""
    freqs = np.linspace(0.0, sample_rate / 2.0, num_spectrogram_bins)[1:]
    bins = hertz_to_mel(freqs)[:, None]
    edges = np.linspace(hertz_to_mel(lower_edge_hertz), hertz_to_mel(upper_edge_hertz),
                        num_mel_bins + 2)
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]
    rising = (bins - lower) / (center - lower)
    falling = (upper - bins) / (upper - center)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return np.concatenate([np.zeros((1, num_mel_bins)), weights], 0)


def linear_to_mel_weight_matrix(num_mel_bins: Any = 20, num_spectrogram_bins: Any = 129,
                                sample_rate: Any = 8000, lower_edge_hertz: Any = 125.0,
                                upper_edge_hertz: Any = 3800.0, dtype: Any = _dt.float32,
                                name: str | None = None) -> Tensor:
    """The ``[num_spectrogram_bins, num_mel_bins]`` matrix taking linear spectrogram
    magnitudes to mel bands (``spectrogram @ matrix``).

    Raises:
        ValueError: as TF for a non-positive ``num_mel_bins`` or ``sample_rate``, a
            negative or non-increasing edge pair, an upper edge above Nyquist, or a
            non-floating dtype.
        TypeError: for arguments computed at run time.
    """
    mels = static_int(num_mel_bins, "num_mel_bins")
    bins = static_int(num_spectrogram_bins, "num_spectrogram_bins")
    rate = _number(sample_rate, "sample_rate")
    lo = _number(lower_edge_hertz, "lower_edge_hertz")
    hi = _number(upper_edge_hertz, "upper_edge_hertz")
    dt = _dt.as_dtype(dtype)
    if mels <= 0:
        raise ValueError(f"num_mel_bins must be positive. Got: {mels}")
    if lo < 0.0:
        raise ValueError(f"lower_edge_hertz must be non-negative. Got: {lo}")
    if lo >= hi:
        raise ValueError(f"lower_edge_hertz {lo:.1f} >= upper_edge_hertz {hi:.1f}")
    if rate <= 0.0:
        raise ValueError(f"sample_rate must be positive. Got: {rate}")
    if hi > rate / 2:
        raise ValueError("upper_edge_hertz must not be larger than the Nyquist frequency "
                         f"(sample_rate / 2). Got {hi} for sample_rate: {rate}")
    if not dt.is_floating:
        raise ValueError(f"dtype must be a floating point type. Got: {dt.name}")
    if bins < 1:
        raise ValueError(f"num_spectrogram_bins must be positive. Got: {bins}")
    return constant(mel_weights(mels, bins, rate, lo, hi).astype(dt.as_numpy_dtype),
                    dtype=dt, name=name or "linear_to_mel_weight_matrix")


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms: Any,
                                    name: str | None = None) -> Tensor:
    """MFCCs of ``[..., num_mel_bins]`` log-magnitude mel spectrograms: TF's
    ``dct(x, type=2) * rsqrt(2 * num_mel_bins)`` (same shape; keep the first 13 or so).

    Raises:
        ValueError: for an empty or statically unknown mel axis, or a non-float input.
    """
    with name_scope(name or "mfccs_from_log_mel_spectrograms",
                    values=[log_mel_spectrograms]) as scope:
        x = conversion.convert_to_tensor(log_mel_spectrograms, name="log_mel_spectrograms")
        n = last_dim(x, "mfccs_from_log_mel_spectrograms")
        if n == 0:
            raise ValueError(f"num_mel_bins must be positive. Got: {x}")
        if x.dtype not in (_dt.float32, _dt.float64):
            raise ValueError(f"mfccs_from_log_mel_spectrograms requires tf.float32 or "
                             f"tf.float64 inputs, got: {x}")
        return along_last_axis(x, dct_matrix(n, 2, None) / np.sqrt(2.0 * n),
                               scope.rstrip("/"))


__all__ = ["linear_to_mel_weight_matrix", "mfccs_from_log_mel_spectrograms", "mel_weights",
           "hertz_to_mel"]
