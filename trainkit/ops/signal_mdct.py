"""The modified discrete cosine transform: ``tf.signal.mdct`` and ``inverse_mdct``.

TF frames the signal (``frame_length`` a multiple of 4, hop ``frame_length / 2``),
windows it (default Vorbis; without a window: ``1 / sqrt(2)``), folds each frame's
quarters ``a b c d`` into ``(-rev(c) - d, a - rev(b))`` and takes the type-4 DCT. Folding
and DCT are one constant ``[frame_length, frame_length / 2]`` matrix here, so the
gradients are those of ``frame``, ``Mul`` and ``MatMul``. ``inverse_mdct`` applies the
transposed steps: the type-4 DCT (scaled by ``0.5 / N`` unnormalized), unfolding to
``(h1, -rev(h1), -rev(h0), -h0)``, the window and ``overlap_and_add``; with a
power-complementary window (Vorbis, KBD) and ``norm='ortho'`` it inverts ``mdct`` away
from the ends.

Example:
    >>> coeffs = tk.signal.mdct(audio, 256)                 # [..., frames, 128]
    >>> audio2 = tk.signal.inverse_mdct(coeffs)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops.signal_dct import along_last_axis, dct_matrix, last_dim
from trainkit.ops.signal_frames import frame, overlap_and_add, static_int
from trainkit.ops.signal_windows import vorbis_window


def fold_matrix(frame_length: int) -> np.ndarray:
    """``F`` with ``frame @ F = (-rev(c) - d, a - rev(b))`` for quarters ``a b c d``."""
    q = frame_length // 4
    f = np.zeros((frame_length, 2 * q))
    k = np.arange(q)
    f[3 * q - 1 - k, k] = -1.0  # -rev(c)
    f[3 * q + k, k] = -1.0  # -d
    f[k, q + k] = 1.0  # a
    f[2 * q - 1 - k, q + k] = -1.0  # -rev(b)
    return f


def _check_norm(norm: str | None) -> None:
    if norm not in (None, "ortho"):
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")


def mdct(signals: Any, frame_length: Any, window_fn: Callable | None = vorbis_window,
         pad_end: bool = False, norm: str | None = None, name: str | None = None) -> Tensor:
    """The MDCT of ``[..., samples]`` real signals: ``[..., frames, frame_length / 2]``.

    Raises:
        ValueError: for a ``frame_length`` not a multiple of 4 or a bad ``norm``.
    """
    with name_scope(name or "mdct", values=[signals]) as scope:
        x = conversion.convert_to_tensor(signals, name="signals")
        flen = static_int(frame_length, "frame_length")
        if flen % 4 != 0:
            raise ValueError("The frame length must be a multiple of 4.")
        _check_norm(norm)
        frames = frame(x, flen, flen // 2, pad_end=pad_end)
        if window_fn is not None:
            frames = frames * window_fn(flen, dtype=frames.dtype)
        else:
            frames = frames * (1.0 / np.sqrt(2))
        matrix = fold_matrix(flen) @ dct_matrix(flen // 2, 4, norm)
        return along_last_axis(frames, matrix, scope.rstrip("/"))


def inverse_mdct(mdcts: Any, window_fn: Callable | None = vorbis_window,
                 norm: str | None = None, name: str | None = None) -> Tensor:
    """Signals ``[..., samples]`` from MDCT frames ``[..., frames, half_length]``.

    Raises:
        ValueError: for ``mdcts`` of rank below 2, an unknown last dimension or a bad
            ``norm``.
    """
    with name_scope(name or "inverse_mdct", values=[mdcts]):
        m = conversion.convert_to_tensor(mdcts, name="mdcts")
        if m.shape.ndims is not None and m.shape.ndims < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {m.shape.ndims} "
                             f"for the mdcts {m.name} of inverse_mdct.")
        _check_norm(norm)
        half = last_dim(m, "inverse_mdct")
        dct4 = dct_matrix(half, 4, norm)
        if norm is None:
            dct4 = dct4 * (0.5 / half)
        frames = along_last_axis(m, dct4 @ fold_matrix(2 * half).T, "unfold")  # = F^T
        if window_fn is not None:
            frames = frames * window_fn(2 * half, dtype=m.dtype)
        else:
            frames = frames * (1.0 / np.sqrt(2))
        return overlap_and_add(frames, half)


__all__ = ["mdct", "inverse_mdct", "fold_matrix"]
