"""The ``tf.signal`` windows: the raised-cosine ``hann_window`` and ``hamming_window``,
and ``kaiser_window``, ``kaiser_bessel_derived_window`` and ``vorbis_window`` (float64
formulas cast to the dtype).

``w[k] = a - b * cos(2 pi k / m)`` for ``k < window_length`` with ``a = b = 0.5`` (Hann)
or ``a = 0.54, b = 0.46`` (Hamming). As TF, ``m`` is ``window_length`` for a periodic
window of even length and ``window_length - 1`` otherwise (a periodic window of odd
length is the symmetric one), and a window of length 1 is ``[1]``. The arithmetic runs in
the requested dtype, as TF's ops do (float32 windows agree with TF's to about 1e-7). The
window is a constant: its length must be known when the graph is built.

Example:
    >>> w = tk.signal.hann_window(512)                 # float32 [512], periodic
    >>> spec = tk.spectral.rfft(frames * w)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.tensor import Tensor
from trainkit.ops.signal_frames import static_int


def raised_cosine(window_length: int, periodic: bool, dtype: _dt.DType, a: float,
                  b: float) -> np.ndarray:
    """The window as an array of ``dtype`` (TF's formula, computed in that dtype)."""
    if window_length == 1:
        return np.ones(1, dtype.as_numpy_dtype)
    t = dtype.as_numpy_dtype
    m = window_length - 1 + (1 if periodic and window_length % 2 == 0 else 0)
    angle = t(2 * np.pi) * np.arange(window_length).astype(t) / t(m)
    return (t(a) - t(b) * np.cos(angle)).astype(t, copy=False)


def _window(kind: str, window_length: Any, periodic: Any, dtype: Any, name: str | None,
            a: float, b: float) -> Tensor:
    n, dt = _checked(window_length, dtype)
    if isinstance(periodic, Tensor):
        if periodic.op.type != "Const":
            raise TypeError(f"{kind}: 'periodic' must be known when the graph is built.")
        periodic = periodic.op.attrs["value"]
    if np.ndim(periodic) != 0:
        raise ValueError(f"Shape must be rank 0: periodic must be a scalar, got {periodic!r}.")
    return constant(raised_cosine(n, bool(periodic), dt, a, b), dtype=dt, name=name or kind)


def hann_window(window_length: Any, periodic: Any = True, dtype: Any = _dt.float32,
                name: str | None = None) -> Tensor:
    """The Hann window ``0.5 - 0.5 cos(2 pi k / m)`` of ``window_length`` samples.

    Args:
        window_length: the number of samples (an int or a constant scalar).
        periodic: a window for spectral analysis (True, as TF) or a symmetric one.
        dtype: a floating dtype.
        name: the name of the constant.

    Raises:
        ValueError: for a non-floating dtype or a non-scalar length.
        TypeError: for a length or ``periodic`` computed at run time (differs from TF).
    """
    return _window("hann_window", window_length, periodic, dtype, name, 0.5, 0.5)


def hamming_window(window_length: Any, periodic: Any = True, dtype: Any = _dt.float32,
                   name: str | None = None) -> Tensor:
    """The Hamming window ``0.54 - 0.46 cos(2 pi k / m)`` (arguments as
    :func:`hann_window`)."""
    return _window("hamming_window", window_length, periodic, dtype, name, 0.54, 0.46)


def _checked(window_length: Any, dtype: Any) -> tuple[int, _dt.DType]:
    dt = _dt.as_dtype(dtype)
    if not dt.is_floating:
        raise ValueError(f"dtype must be a floating point type. Found {dt.name}")
    n = static_int(window_length, "window_length")
    if n < 0:
        raise ValueError(f"window_length must be non-negative, got {n}.")
    return n, dt


def kaiser(window_length: int, beta: float) -> np.ndarray:
    """The float64 Kaiser window ``I0(beta sqrt(1 - (k / h - 1) ** 2)) / I0(beta)``,
    ``h = (window_length - 1) / 2``."""
    if window_length == 1:
        return np.ones(1)
    half = (window_length - 1) / 2.0
    arg = (np.arange(window_length) - half) / half
    return np.i0(beta * np.sqrt(np.maximum(0.0, 1.0 - arg * arg))) / np.i0(beta)


def kaiser_window(window_length: Any, beta: float = 12.0, dtype: Any = _dt.float32,
                  name: str | None = None) -> Tensor:
    """The Kaiser window of ``window_length`` samples and shape parameter ``beta``.

    Raises:
        ValueError: for a non-floating dtype or a non-scalar length.
    """
    n, dt = _checked(window_length, dtype)
    return constant(kaiser(n, float(beta)).astype(dt.as_numpy_dtype), dtype=dt,
                    name=name or "kaiser_window")


def kaiser_bessel_derived_window(window_length: Any, beta: float = 12.0,
                                 dtype: Any = _dt.float32, name: str | None = None) -> Tensor:
    """The Kaiser-Bessel-derived window (for MDCTs): ``sqrt`` of the running sums of a
    Kaiser window of ``window_length // 2 + 1`` samples, mirrored. As TF, an odd length
    gives ``window_length - 1`` samples."""
    n, dt = _checked(window_length, dtype)
    sums = np.cumsum(kaiser(n // 2 + 1, float(beta)))
    half = np.sqrt(sums[:-1] / sums[-1])
    return constant(np.concatenate([half, half[::-1]]).astype(dt.as_numpy_dtype), dtype=dt,
                    name=name or "kaiser_bessel_derived_window")


def vorbis_window(window_length: Any, dtype: Any = _dt.float32,
                  name: str | None = None) -> Tensor:
    """The Vorbis power-complementary window ``sin(pi / 2 sin(pi (k + 0.5) / N) ** 2)``."""
    n, dt = _checked(window_length, dtype)
    k = np.arange(n, dtype=np.float64)
    w = np.sin(np.pi / 2.0 * np.sin(np.pi / max(n, 1) * (k + 0.5)) ** 2)
    return constant(w.astype(dt.as_numpy_dtype), dtype=dt, name=name or "vorbis_window")


__all__ = ["hann_window", "hamming_window", "kaiser_window", "kaiser_bessel_derived_window",
           "vorbis_window", "raised_cosine", "kaiser"]
