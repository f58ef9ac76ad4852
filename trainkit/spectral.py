"""``tk.spectral``: the Fourier transforms and the DCT under their
``tf.compat.v1.spectral`` names."""

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
from trainkit.ops.signal_dct import dct, idct

__all__ = ["fft", "ifft", "fft2d", "ifft2d", "fft3d", "ifft3d", "rfft", "irfft", "rfft2d",
           "irfft2d", "rfft3d", "irfft3d", "dct", "idct"]
