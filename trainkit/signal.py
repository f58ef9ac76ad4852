"""``tk.signal``: ``tf.compat.v1.signal``: the Fourier transforms and ``fftshift``, the
windows, framing, the short-time Fourier transform and its inverse, the DCT, the MDCT and
the mel scale (all of TF 2.21's ``tf.compat.v1.signal`` but the N-D ``fftnd`` family).

Example:
    >>> spec = tk.signal.stft(audio, frame_length=400, frame_step=160)
    >>> mel = tk.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20.0, 8000.0)
    >>> mfccs = tk.signal.mfccs_from_log_mel_spectrograms(tk.log(tk.abs(spec) @ mel + 1e-6))
"""

from __future__ import annotations

from trainkit.ops.fft_ops import (
    fft,
    fft2d,
    fft3d,
    ifft,
    ifft2d,
    ifft3d,
    irfft,
    irfft2d,
    irfft3d,
    rfft,
    rfft2d,
    rfft3d,
)
from trainkit.ops.fft_shift import fftshift, ifftshift
from trainkit.ops.signal_dct import dct, idct
from trainkit.ops.signal_frames import frame, overlap_and_add
from trainkit.ops.signal_mdct import inverse_mdct, mdct
from trainkit.ops.signal_mel import linear_to_mel_weight_matrix, mfccs_from_log_mel_spectrograms
from trainkit.ops.signal_stft import inverse_stft, inverse_stft_window_fn, stft
from trainkit.ops.signal_windows import (
    hamming_window,
    hann_window,
    kaiser_bessel_derived_window,
    kaiser_window,
    vorbis_window,
)

__all__ = ["fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d", "rfft", "irfft", "rfft2d",
           "irfft2d", "rfft3d", "irfft3d", "dct", "idct", "frame", "overlap_and_add",
           "hann_window", "hamming_window", "stft", "inverse_stft", "inverse_stft_window_fn",
           "linear_to_mel_weight_matrix", "mfccs_from_log_mel_spectrograms", "mdct",
           "inverse_mdct", "kaiser_window", "kaiser_bessel_derived_window", "vorbis_window",
           "fftshift", "ifftshift"]
